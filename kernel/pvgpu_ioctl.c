// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - the uapi table (include/uapi/drm/virtgpu_drm.h), per-file
 * context state and the small ioctls with their argument validation.
 *
 * Error codes follow upstream drivers/gpu/drm/virtio/virtgpu_ioctl.c, with
 * one deliberate difference: non-zero padding and unknown flags, which
 * upstream ignores in MAP, GET_CAPS, WAIT, CONTEXT_INIT and
 * RESOURCE_CREATE_BLOB, are rejected with -EINVAL so they stay usable for
 * future extensions.
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_ioctl.h>

#include "pvgpu_drv.h"

#define PVGPU_BLOB_FLAGS (VIRTGPU_BLOB_FLAG_USE_MAPPABLE | \
			  VIRTGPU_BLOB_FLAG_USE_SHAREABLE | \
			  VIRTGPU_BLOB_FLAG_USE_CROSS_DEVICE)

/* ---- per-file context ------------------------------------------------- */

/* Send CTX_CREATE with the file's parameters; ctx_lock held. */
static int pvgpu_file_create_context_locked(struct pvgpu_device *pvdev,
					    struct pvgpu_file *pvfile)
{
	char comm[TASK_COMM_LEN];
	int ret;

	lockdep_assert_held(&pvfile->ctx_lock);
	if (!pvfile->explicit_name) {
		get_task_comm(comm, current);
		strscpy(pvfile->debug_name, comm, sizeof(pvfile->debug_name));
	}
	ret = pvgpu_cmd_ctx_create(pvdev, pvfile->ctx_id, pvfile->capset_id,
				   pvfile->debug_name,
				   strlen(pvfile->debug_name));
	if (!ret)
		WRITE_ONCE(pvfile->ctx_created, true);
	return ret;
}

/**
 * pvgpu_file_ensure_context() - send CTX_CREATE once per file
 * @pvdev: device
 * @pvfile: file state
 *
 * A file that never called CONTEXT_INIT gets a plain context (capset 0)
 * on its first 3D use, named after the calling task, as upstream does.
 * Return: 0 or the errno of queueing CTX_CREATE.
 */
int pvgpu_file_ensure_context(struct pvgpu_device *pvdev,
			      struct pvgpu_file *pvfile)
{
	int ret = 0;

	if (READ_ONCE(pvfile->ctx_created))
		return 0;
	mutex_lock(&pvfile->ctx_lock);
	if (!pvfile->ctx_created)
		ret = pvgpu_file_create_context_locked(pvdev, pvfile);
	mutex_unlock(&pvfile->ctx_lock);
	return ret;
}

/**
 * pvgpu_driver_open() - drm_driver.open: per-file state and context id
 * @dev: DRM device
 * @file: new file
 *
 * Return: 0, -ENOMEM, -ENOSPC.
 */
int pvgpu_driver_open(struct drm_device *dev, struct drm_file *file)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct pvgpu_file *pvfile;
	int ret;

	pvfile = kzalloc(sizeof(*pvfile), GFP_KERNEL);
	if (!pvfile)
		return -ENOMEM;
	ret = pvgpu_id_get(&pvdev->ctx_ids, &pvfile->ctx_id);
	if (ret) {
		kfree(pvfile);
		return ret;
	}
	mutex_init(&pvfile->ctx_lock);
	pvfile->default_ctx = dma_fence_context_alloc(1);
	file->driver_priv = pvfile;
	return 0;
}

/**
 * pvgpu_driver_postclose() - drm_driver.postclose: destroy the context
 * @dev: DRM device
 * @file: closing file; its GEM handles are already released
 */
void pvgpu_driver_postclose(struct drm_device *dev, struct drm_file *file)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct pvgpu_file *pvfile = file->driver_priv;

	if (pvfile->ctx_created) {
		pvgpu_cmd_ctx_destroy(pvdev, pvfile->ctx_id);
		pvgpu_vq_kick(&pvdev->ctrlq);
	}
	pvgpu_id_put(&pvdev->ctx_ids, pvfile->ctx_id);
	mutex_destroy(&pvfile->ctx_lock);
	kfree(pvfile);
}

/* ---- validation (device-free, checked by KUnit) ----------------------- */

/**
 * pvgpu_getparam_value() - value of a VIRTGPU_PARAM_*
 * @pvdev: device (only its feature fields are read)
 * @param: VIRTGPU_PARAM_3D_FEATURES (1) .. EXPLICIT_DEBUG_NAME (8)
 * @value: the value user space gets
 *
 * Return: 0 or -EINVAL for an unknown parameter.
 */
int pvgpu_getparam_value(struct pvgpu_device *pvdev, u64 param, int *value)
{
	switch (param) {
	case VIRTGPU_PARAM_3D_FEATURES:
		*value = pvdev->has_virgl_3d;
		break;
	case VIRTGPU_PARAM_CAPSET_QUERY_FIX:
		*value = 1;
		break;
	case VIRTGPU_PARAM_RESOURCE_BLOB:
		*value = pvdev->has_resource_blob;
		break;
	case VIRTGPU_PARAM_HOST_VISIBLE:
		*value = pvdev->has_host_visible;
		break;
	case VIRTGPU_PARAM_CROSS_DEVICE:
		*value = pvdev->has_resource_uuid;
		break;
	case VIRTGPU_PARAM_CONTEXT_INIT:
	case VIRTGPU_PARAM_EXPLICIT_DEBUG_NAME:
		*value = pvdev->has_context_init;
		break;
	case VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs:
		/* upstream reports the low 32 bits through an int */
		*value = (int)pvdev->capset_mask;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_getparam_value);

/**
 * pvgpu_check_ctx_params() - validate CONTEXT_INIT parameters
 * @p: parameters copied from user space
 * @num: entries, at most PVGPU_MAX_CTX_PARAMS
 * @capset_mask: capsets the host serves (bit per id)
 * @out: the parsed parameters
 *
 * Each parameter may appear once; the capset must be advertised; at most
 * 64 rings; the poll mask must name existing rings. Follows upstream
 * virtio_gpu_context_init_ioctl().
 * Return: 0 or -EINVAL.
 */
int pvgpu_check_ctx_params(const struct drm_virtgpu_context_set_param *p,
			   u32 num, u64 capset_mask,
			   struct pvgpu_ctx_params *out)
{
	bool has_capset = false, has_mask = false;
	u32 i;

	memset(out, 0, sizeof(*out));
	if (num > PVGPU_MAX_CTX_PARAMS)
		return -EINVAL;
	for (i = 0; i < num; i++) {
		u64 value = p[i].value;

		switch (p[i].param) {
		case VIRTGPU_CONTEXT_PARAM_CAPSET_ID:
			if (has_capset || value > PVGPU_MAX_CAPSET_ID ||
			    !(capset_mask & BIT_ULL(value)))
				return -EINVAL;
			has_capset = true;
			out->capset_id = value;
			break;
		case VIRTGPU_CONTEXT_PARAM_NUM_RINGS:
			if (out->has_rings || value > PVGPU_MAX_RINGS)
				return -EINVAL;
			out->has_rings = true;
			out->num_rings = value;
			break;
		case VIRTGPU_CONTEXT_PARAM_POLL_RINGS_MASK:
			if (has_mask)
				return -EINVAL;
			has_mask = true;
			out->poll_mask = value;
			break;
		case VIRTGPU_CONTEXT_PARAM_DEBUG_NAME:
			if (out->has_name)
				return -EINVAL;
			out->has_name = true;
			out->name_ptr = value;
			break;
		default:
			return -EINVAL;
		}
	}
	if (out->num_rings < 64 && (out->poll_mask >> out->num_rings))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_check_ctx_params);

/**
 * pvgpu_check_blob_args() - validate RESOURCE_CREATE_BLOB arguments
 * @a: ioctl arguments
 * @has_blob: RESOURCE_BLOB feature
 * @has_3d: VIRGL feature
 * @has_uuid: RESOURCE_UUID feature (needed for CROSS_DEVICE)
 *
 * Follows upstream verify_blob(), plus: padding must be zero.
 * Return: 0 or -EINVAL.
 */
int pvgpu_check_blob_args(const struct drm_virtgpu_resource_create_blob *a,
			  bool has_blob, bool has_3d, bool has_uuid)
{
	if (!has_blob || a->pad || (a->blob_flags & ~PVGPU_BLOB_FLAGS))
		return -EINVAL;
	if ((a->blob_flags & VIRTGPU_BLOB_FLAG_USE_CROSS_DEVICE) && !has_uuid)
		return -EINVAL;
	switch (a->blob_mem) {
	case VIRTGPU_BLOB_MEM_GUEST:
		if (a->blob_id || a->cmd_size)
			return -EINVAL;
		break;
	case VIRTGPU_BLOB_MEM_HOST3D:
	case VIRTGPU_BLOB_MEM_HOST3D_GUEST:
		if (!has_3d || a->cmd_size % 4)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_check_blob_args);

/* ---- ioctls ----------------------------------------------------------- */

static int pvgpu_map_ioctl(struct drm_device *dev, void *data,
			   struct drm_file *file)
{
	struct drm_virtgpu_map *args = data;

	if (args->pad)
		return -EINVAL;
	return pvgpu_gem_map_offset(file, args->handle, &args->offset);
}

static int pvgpu_getparam_ioctl(struct drm_device *dev, void *data,
				struct drm_file *file)
{
	struct drm_virtgpu_getparam *args = data;
	int value, ret;

	ret = pvgpu_getparam_value(to_pvgpu(dev), args->param, &value);
	if (ret)
		return ret;
	if (copy_to_user(u64_to_user_ptr(args->value), &value, sizeof(value)))
		return -EFAULT;
	return 0;
}

static int pvgpu_get_caps_ioctl(struct drm_device *dev, void *data,
				struct drm_file *file)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct drm_virtgpu_get_caps *args = data;
	struct pvgpu_capset_entry *e;
	int index, ret;
	u32 size;

	if (!pvdev->num_capsets)
		return -ENOSYS;	/* upstream's answer */
	if (!args->size || args->pad)
		return -EINVAL;
	index = pvgpu_capset_find(pvdev->capsets, pvdev->num_capsets,
				  args->cap_set_id, args->cap_set_ver);
	if (index < 0)
		return index;
	ret = pvgpu_cmd_get_capset(pvdev, index, args->cap_set_ver, &e);
	if (ret)
		return ret;
	size = min(args->size, e->size);
	if (copy_to_user(u64_to_user_ptr(args->addr), e->data, size))
		return -EFAULT;
	return 0;
}

static int pvgpu_context_init_ioctl(struct drm_device *dev, void *data,
				    struct drm_file *file)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct pvgpu_file *pvfile = file->driver_priv;
	struct drm_virtgpu_context_init *args = data;
	struct drm_virtgpu_context_set_param *params;
	struct pvgpu_ctx_params cp;
	long len;
	int ret;

	if (!pvdev->has_context_init || !pvdev->has_virgl_3d)
		return -EINVAL;
	if (args->pad || args->num_params > PVGPU_MAX_CTX_PARAMS)
		return -EINVAL;
	params = memdup_array_user(u64_to_user_ptr(args->ctx_set_params),
				   args->num_params, sizeof(*params));
	if (IS_ERR(params))
		return PTR_ERR(params);

	mutex_lock(&pvfile->ctx_lock);
	if (pvfile->ctx_created) {
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = pvgpu_check_ctx_params(params, args->num_params,
				     pvdev->capset_mask, &cp);
	if (ret)
		goto out_unlock;
	if (cp.has_name) {
		len = strncpy_from_user(pvfile->debug_name,
					u64_to_user_ptr(cp.name_ptr),
					sizeof(pvfile->debug_name) - 1);
		if (len < 0) {
			ret = len;
			goto out_unlock;
		}
		pvfile->debug_name[len] = '\0';
		pvfile->explicit_name = true;
	}
	pvfile->capset_id = cp.capset_id;
	pvfile->poll_mask = cp.poll_mask;
	if (cp.has_rings)
		pvfile->ring_ctx = dma_fence_context_alloc(cp.num_rings ?: 1);
	/* EXECBUFFER reads num_rings (acquire), then ring_ctx, unlocked. */
	smp_store_release(&pvfile->num_rings, cp.num_rings);
	/* Created under the same lock hold: a racing init sees -EEXIST. */
	ret = pvgpu_file_create_context_locked(pvdev, pvfile);
	pvgpu_vq_kick(&pvdev->ctrlq);

out_unlock:
	mutex_unlock(&pvfile->ctx_lock);
	kfree(params);
	return ret;
}

/* Hand a new object to user space: the handle owns the reference after. */
static int pvgpu_publish_bo(struct drm_file *file, struct pvgpu_bo *bo,
			    u32 *bo_handle, u32 *res_handle)
{
	u32 handle;
	int ret;

	ret = drm_gem_handle_create(file, &bo->shmem.base, &handle);
	if (!ret) {
		*bo_handle = handle;
		*res_handle = bo->res_id;
	}
	/* Drop ours only after the last dereference of @bo. */
	drm_gem_object_put(&bo->shmem.base);
	return ret;
}

static int pvgpu_resource_create_blob_ioctl(struct drm_device *dev,
					    void *data, struct drm_file *file)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct pvgpu_file *pvfile = file->driver_priv;
	struct drm_virtgpu_resource_create_blob *args = data;
	struct pvgpu_bo *bo;
	void *stream;
	int ret;

	ret = pvgpu_check_blob_args(args, pvdev->has_resource_blob,
				    pvdev->has_virgl_3d,
				    pvdev->has_resource_uuid);
	if (ret)
		return ret;
	if (pvdev->has_virgl_3d) {
		ret = pvgpu_file_ensure_context(pvdev, pvfile);
		if (ret)
			return ret;
	}
	if (args->cmd_size) {
		/* The stream may create the host memory @blob_id names. */
		stream = pvgpu_memdup_user(args->cmd, args->cmd_size);
		if (IS_ERR(stream))
			return PTR_ERR(stream);
		ret = pvgpu_cmd_submit(pvdev, pvfile->ctx_id, stream,
				       args->cmd_size, NULL, NULL, 0, NULL);
		if (ret)
			return ret;
	}
	ret = pvgpu_bo_create_blob(pvdev, file, args, &bo);
	if (!ret)
		ret = pvgpu_publish_bo(file, bo, &args->bo_handle,
				       &args->res_handle);
	/* One kick: SUBMIT_3D, CREATE_BLOB, MAP_BLOB, CTX_ATTACH_RESOURCE. */
	pvgpu_vq_kick(&pvdev->ctrlq);
	return ret;
}

static int pvgpu_resource_create_ioctl(struct drm_device *dev, void *data,
				       struct drm_file *file)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct drm_virtgpu_resource_create *args = data;
	struct pvgpu_bo *bo;
	int ret;

	if (!pvdev->has_virgl_3d) {
		/* upstream: a plain 2D resource, with these limits */
		if (args->depth > 1 || args->nr_samples > 1 ||
		    args->last_level > 1 || args->target != 2 ||
		    args->array_size > 1 || !args->width || !args->height ||
		    args->width > PVGPU_XRES_MAX || args->height > PVGPU_XRES_MAX)
			return -EINVAL;
		ret = pvgpu_bo_create_2d(pvdev, args->format, args->width,
					 args->height, args->size ?: PAGE_SIZE,
					 &bo);
		if (!ret)
			ret = pvgpu_publish_bo(file, bo, &args->bo_handle,
					       &args->res_handle);
		pvgpu_vq_kick(&pvdev->ctrlq);
		return ret;
	}
	ret = pvgpu_file_ensure_context(pvdev, file->driver_priv);
	if (ret)
		return ret;
	ret = pvgpu_bo_create_3d(pvdev, file, args, &bo);
	if (!ret)
		ret = pvgpu_publish_bo(file, bo, &args->bo_handle,
				       &args->res_handle);
	pvgpu_vq_kick(&pvdev->ctrlq);	/* create, backing, attach */
	return ret;
}

static int pvgpu_resource_info_ioctl(struct drm_device *dev, void *data,
				     struct drm_file *file)
{
	struct drm_virtgpu_resource_info *args = data;
	struct drm_gem_object *obj;
	struct pvgpu_bo *bo;

	obj = drm_gem_object_lookup(file, args->bo_handle);
	if (!obj)
		return -ENOENT;
	bo = to_pvgpu_bo(obj);
	args->size = obj->size;
	args->res_handle = bo->res_id;
	args->blob_mem = bo->blob_mem;
	drm_gem_object_put(obj);
	return 0;
}

/* TRANSFER_TO_HOST_3D / TRANSFER_FROM_HOST_3D, fenced on the BO's resv. */
static int pvgpu_transfer(struct drm_device *dev, struct drm_file *file,
			  u32 type, u32 handle,
			  const struct drm_virtgpu_3d_box *box, u32 level,
			  u32 offset, u32 stride, u32 layer_stride)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct pvgpu_file *pvfile = file->driver_priv;
	struct drm_gem_object **objs;
	struct ww_acquire_ctx ticket;
	struct pvgpu_vbuf *vbuf;
	struct pvgpu_fence *fence;
	struct pvgpu_bo *bo;
	int ret;

	if (!pvdev->has_virgl_3d)
		return -ENOSYS;	/* upstream's answer without VIRGL */
	ret = pvgpu_gem_lookup_array(file, &handle, 1, &objs);
	if (ret)
		return ret;
	bo = to_pvgpu_bo(objs[0]);
	/*
	 * Guest-only blobs have no host storage to transfer to or from;
	 * strides apply to blobs only (upstream).
	 */
	if (bo->blob_mem == VIRTGPU_BLOB_MEM_GUEST ||
	    (!bo->blob_mem && (stride || layer_stride))) {
		ret = -EINVAL;
		goto err_put;
	}
	ret = pvgpu_file_ensure_context(pvdev, pvfile);
	if (ret)
		goto err_put;

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_transfer_host_3d), 0,
				GFP_KERNEL);
	fence = pvgpu_fence_alloc(&pvdev->fence_drv, pvfile->default_ctx, 0,
				  false);
	if (!vbuf || !fence) {
		kfree(vbuf);
		if (fence)
			dma_fence_put(&fence->base);
		ret = -ENOMEM;
		goto err_put;
	}
	pvgpu_encode_transfer_3d(vbuf->cmd, type, pvfile->ctx_id, bo->res_id,
				 box, level, stride, layer_stride, offset);

	ret = drm_gem_lock_reservations(objs, 1, &ticket);
	if (!ret) {
		ret = dma_resv_reserve_fences(objs[0]->resv, 1);
		if (ret)
			drm_gem_unlock_reservations(objs, 1, &ticket);
	}
	if (ret) {
		kfree(vbuf);
		dma_fence_put(&fence->base);
		goto err_put;
	}
	vbuf->objs = objs;
	vbuf->num_objs = 1;
	vbuf->fence = fence;
	vbuf->ticket = &ticket;
	ret = pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
	pvgpu_vq_kick(&pvdev->ctrlq);
	return ret;

err_put:
	pvgpu_gem_put_array(objs, 1);
	return ret;
}

/*
 * TRANSFER_TO_HOST on a device without VIRGL: a 2D copy of the box from
 * the guest pages, unfenced, as upstream virtio_gpu_transfer_to_host_ioctl()
 * does there. The box must lie inside the 2D resource.
 */
static int pvgpu_transfer_2d_ioctl(struct drm_device *dev,
				   struct drm_file *file,
				   const struct drm_virtgpu_3d_transfer_to_host *a)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct virtio_gpu_rect r = {
		.x = a->box.x, .y = a->box.y,
		.width = a->box.w, .height = a->box.h,
	};
	struct drm_gem_object *obj;
	struct pvgpu_bo *bo;
	int ret;

	obj = drm_gem_object_lookup(file, a->bo_handle);
	if (!obj)
		return -ENOENT;
	bo = to_pvgpu_bo(obj);
	if (!bo->dumb || (u64)r.x + r.width > bo->width ||
	    (u64)r.y + r.height > bo->height || a->offset >= obj->size) {
		ret = -EINVAL;
		goto out;
	}
	ret = pvgpu_cmd_transfer_2d(pvdev, bo, &r, a->offset, false);
	pvgpu_vq_kick(&pvdev->ctrlq);
out:
	drm_gem_object_put(obj);
	return ret;
}

static int pvgpu_transfer_from_host_ioctl(struct drm_device *dev, void *data,
					  struct drm_file *file)
{
	struct drm_virtgpu_3d_transfer_from_host *a = data;

	return pvgpu_transfer(dev, file, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D,
			      a->bo_handle, &a->box, a->level, a->offset,
			      a->stride, a->layer_stride);
}

static int pvgpu_transfer_to_host_ioctl(struct drm_device *dev, void *data,
					struct drm_file *file)
{
	struct drm_virtgpu_3d_transfer_to_host *a = data;

	if (!to_pvgpu(dev)->has_virgl_3d)
		return pvgpu_transfer_2d_ioctl(dev, file, a);
	return pvgpu_transfer(dev, file, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D,
			      a->bo_handle, &a->box, a->level, a->offset,
			      a->stride, a->layer_stride);
}

static int pvgpu_wait_ioctl(struct drm_device *dev, void *data,
			    struct drm_file *file)
{
	struct drm_virtgpu_3d_wait *args = data;
	struct drm_gem_object *obj;
	long ret;

	if (args->flags & ~VIRTGPU_WAIT_NOWAIT)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	if (args->flags & VIRTGPU_WAIT_NOWAIT)
		ret = dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_READ);
	else
		ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ,
					    true, PVGPU_WAIT_IOCTL_TIMEOUT);
	drm_gem_object_put(obj);
	if (ret < 0)
		return ret;
	return ret ? 0 : -EBUSY;	/* upstream: busy or timed out */
}

#define PVGPU_IOCTL(name, fn) \
	DRM_IOCTL_DEF_DRV(VIRTGPU_##name, fn, DRM_RENDER_ALLOW)

const struct drm_ioctl_desc pvgpu_ioctls[PVGPU_NUM_IOCTLS] = {
	PVGPU_IOCTL(MAP, pvgpu_map_ioctl),
	PVGPU_IOCTL(EXECBUFFER, pvgpu_execbuffer_ioctl),
	PVGPU_IOCTL(GETPARAM, pvgpu_getparam_ioctl),
	PVGPU_IOCTL(RESOURCE_CREATE, pvgpu_resource_create_ioctl),
	PVGPU_IOCTL(RESOURCE_INFO, pvgpu_resource_info_ioctl),
	PVGPU_IOCTL(TRANSFER_FROM_HOST, pvgpu_transfer_from_host_ioctl),
	PVGPU_IOCTL(TRANSFER_TO_HOST, pvgpu_transfer_to_host_ioctl),
	PVGPU_IOCTL(WAIT, pvgpu_wait_ioctl),
	PVGPU_IOCTL(GET_CAPS, pvgpu_get_caps_ioctl),
	PVGPU_IOCTL(RESOURCE_CREATE_BLOB, pvgpu_resource_create_blob_ioctl),
	PVGPU_IOCTL(CONTEXT_INIT, pvgpu_context_init_ioctl),
};
