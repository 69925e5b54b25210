// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - building virtio-gpu commands: contexts, resources, blobs,
 * SUBMIT_3D, capsets and display information.
 *
 * The pvgpu_encode_*() helpers only fill little-endian wire structures
 * (virtio spec 1.2, section 5.7.6 "Device Operation"); they touch no device
 * and are what the KUnit command-encoding suite checks. The pvgpu_cmd_*()
 * senders wrap them in a struct pvgpu_vbuf and queue it; they do not kick,
 * so an ioctl can batch several commands behind one notification.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_managed.h>

#include "pvgpu_drv.h"

/**
 * pvgpu_encode_hdr() - fill a control header
 * @hdr: header to fill; flags, fence_id and ring_idx are left zero (the
 *	 fence code sets them when the command is queued)
 * @type: VIRTIO_GPU_CMD_*
 * @ctx_id: host context, 0 for commands outside a context
 */
void pvgpu_encode_hdr(struct virtio_gpu_ctrl_hdr *hdr, u32 type, u32 ctx_id)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->type = cpu_to_le32(type);
	hdr->ctx_id = cpu_to_le32(ctx_id);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_hdr);

/**
 * pvgpu_encode_ctx_create() - VIRTIO_GPU_CMD_CTX_CREATE
 * @c: command (96 bytes)
 * @ctx_id: new context id
 * @context_init: capset id in the low 8 bits (CONTEXT_INIT feature), or 0
 * @name: debug name, not necessarily NUL-terminated
 * @len: bytes of @name; clamped to the 64-byte field
 */
void pvgpu_encode_ctx_create(struct virtio_gpu_ctx_create *c, u32 ctx_id,
			     u32 context_init, const char *name, size_t len)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_CTX_CREATE, ctx_id);
	len = min(len, sizeof(c->debug_name));
	c->nlen = cpu_to_le32(len);
	c->context_init = cpu_to_le32(context_init &
				      VIRTIO_GPU_CONTEXT_INIT_CAPSET_ID_MASK);
	memcpy(c->debug_name, name, len);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_ctx_create);

/**
 * pvgpu_encode_submit() - VIRTIO_GPU_CMD_SUBMIT_3D header
 * @c: command; @size bytes of context stream follow it on the wire
 * @ctx_id: context
 * @size: stream size in bytes
 */
void pvgpu_encode_submit(struct virtio_gpu_cmd_submit *c, u32 ctx_id, u32 size)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_SUBMIT_3D, ctx_id);
	c->size = cpu_to_le32(size);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_submit);

/**
 * pvgpu_encode_create_blob() - VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB
 * @c: command; @nr_entries struct virtio_gpu_mem_entry follow on the wire
 * @ctx_id: context owning a HOST3D blob (0 for GUEST blobs)
 * @res_id: new resource id
 * @blob_mem: VIRTGPU_BLOB_MEM_* (same values as VIRTIO_GPU_BLOB_MEM_*)
 * @blob_flags: VIRTGPU_BLOB_FLAG_USE_*
 * @blob_id: context-defined id of host memory
 * @size: bytes
 * @nr_entries: guest pages entries that follow
 */
void pvgpu_encode_create_blob(struct virtio_gpu_resource_create_blob *c,
			      u32 ctx_id, u32 res_id, u32 blob_mem,
			      u32 blob_flags, u64 blob_id, u64 size,
			      u32 nr_entries)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_BLOB, ctx_id);
	c->resource_id = cpu_to_le32(res_id);
	c->blob_mem = cpu_to_le32(blob_mem);
	c->blob_flags = cpu_to_le32(blob_flags);
	c->nr_entries = cpu_to_le32(nr_entries);
	c->blob_id = cpu_to_le64(blob_id);
	c->size = cpu_to_le64(size);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_create_blob);

/**
 * pvgpu_encode_map_blob() - VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB
 * @c: command
 * @ctx_id: context
 * @res_id: resource
 * @offset: byte offset into the host-visible region (shm id 1)
 */
void pvgpu_encode_map_blob(struct virtio_gpu_resource_map_blob *c,
			   u32 ctx_id, u32 res_id, u64 offset)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB, ctx_id);
	c->resource_id = cpu_to_le32(res_id);
	c->offset = cpu_to_le64(offset);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_map_blob);

/**
 * pvgpu_encode_transfer_3d() - TRANSFER_TO_HOST_3D / TRANSFER_FROM_HOST_3D
 * @c: command
 * @type: VIRTIO_GPU_CMD_TRANSFER_TO_HOST_3D or _FROM_HOST_3D
 * @ctx_id: context
 * @res_id: resource
 * @box: region in texels, as given by user space
 * @level: mip level
 * @stride: bytes per row in guest memory, 0 for the resource's own
 * @layer_stride: bytes per layer, 0 for the resource's own
 * @offset: byte offset in the backing memory
 */
void pvgpu_encode_transfer_3d(struct virtio_gpu_transfer_host_3d *c, u32 type,
			      u32 ctx_id, u32 res_id,
			      const struct drm_virtgpu_3d_box *box, u32 level,
			      u32 stride, u32 layer_stride, u64 offset)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, type, ctx_id);
	c->box.x = cpu_to_le32(box->x);
	c->box.y = cpu_to_le32(box->y);
	c->box.z = cpu_to_le32(box->z);
	c->box.w = cpu_to_le32(box->w);
	c->box.h = cpu_to_le32(box->h);
	c->box.d = cpu_to_le32(box->d);
	c->offset = cpu_to_le64(offset);
	c->resource_id = cpu_to_le32(res_id);
	c->level = cpu_to_le32(level);
	c->stride = cpu_to_le32(stride);
	c->layer_stride = cpu_to_le32(layer_stride);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_transfer_3d);

/**
 * pvgpu_capset_find() - pick the capset that serves @id at @version
 * @caps: GET_CAPSET_INFO answers
 * @num: entries in @caps
 * @id: capset id asked for
 * @version: version asked for (must not exceed the host's max_version)
 *
 * Follows upstream virtio_gpu_get_caps_ioctl().
 * Return: index into @caps, or -EINVAL.
 */
int pvgpu_capset_find(const struct pvgpu_capset *caps, u32 num, u32 id,
		      u32 version)
{
	u32 i;

	for (i = 0; i < num; i++)
		if (caps[i].id == id && caps[i].max_version >= version)
			return i;
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_capset_find);

/**
 * pvgpu_capset_mask() - VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs
 * @caps: GET_CAPSET_INFO answers
 * @num: entries
 *
 * Return: bit N set when capset id N is served; ids above 63 are ignored.
 */
u64 pvgpu_capset_mask(const struct pvgpu_capset *caps, u32 num)
{
	u64 mask = 0;
	u32 i;

	for (i = 0; i < num; i++)
		if (caps[i].id <= PVGPU_MAX_CAPSET_ID)
			mask |= BIT_ULL(caps[i].id);
	return mask;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_capset_mask);

/**
 * pvgpu_capset_cache_init() - empty cache
 * @cache: cache
 */
void pvgpu_capset_cache_init(struct pvgpu_capset_cache *cache)
{
	mutex_init(&cache->lock);
	INIT_LIST_HEAD(&cache->entries);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_capset_cache_init);

/**
 * pvgpu_capset_cache_fini() - free every entry
 * @cache: cache; no lookups may run
 */
void pvgpu_capset_cache_fini(struct pvgpu_capset_cache *cache)
{
	struct pvgpu_capset_entry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &cache->entries, node) {
		list_del(&e->node);
		kfree(e);
	}
	mutex_destroy(&cache->lock);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_capset_cache_fini);

/**
 * pvgpu_capset_cache_lookup() - find a cached capset
 * @cache: cache
 * @id: capset id
 * @version: capset version
 *
 * Entries are never removed before unbind, so the pointer stays valid.
 * Return: the entry or NULL.
 */
struct pvgpu_capset_entry *
pvgpu_capset_cache_lookup(struct pvgpu_capset_cache *cache, u32 id,
			  u32 version)
{
	struct pvgpu_capset_entry *e, *found = NULL;

	mutex_lock(&cache->lock);
	list_for_each_entry(e, &cache->entries, node) {
		if (e->id == id && e->version == version) {
			found = e;
			break;
		}
	}
	mutex_unlock(&cache->lock);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_capset_cache_lookup);

/**
 * pvgpu_capset_cache_insert() - add a capset unless it is cached already
 * @cache: cache
 * @id: capset id
 * @version: capset version
 * @data: capset bytes
 * @size: bytes of @data
 *
 * Two callers that fetched the same capset concurrently both end up with
 * the first entry inserted.
 * Return: the cached entry, or ERR_PTR(-ENOMEM).
 */
struct pvgpu_capset_entry *
pvgpu_capset_cache_insert(struct pvgpu_capset_cache *cache, u32 id,
			  u32 version, const void *data, u32 size)
{
	struct pvgpu_capset_entry *e, *new;

	new = kmalloc(struct_size(new, data, size), GFP_KERNEL);
	if (!new)
		return ERR_PTR(-ENOMEM);
	new->id = id;
	new->version = version;
	new->size = size;
	memcpy(new->data, data, size);

	mutex_lock(&cache->lock);
	list_for_each_entry(e, &cache->entries, node) {
		if (e->id == id && e->version == version) {
			mutex_unlock(&cache->lock);
			kfree(new);
			return e;
		}
	}
	list_add_tail(&new->node, &cache->entries);
	mutex_unlock(&cache->lock);
	return new;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_capset_cache_insert);

/**
 * pvgpu_cmd_get_display_info() - GET_DISPLAY_INFO, waits for the answer
 * @pvdev: device
 *
 * Return: 0, -ENOMEM, -EIO (host error), -ETIMEDOUT, -ENODEV.
 */
int pvgpu_cmd_get_display_info(struct pvgpu_device *pvdev)
{
	struct pvgpu_vbuf *vbuf;
	int ret;

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_ctrl_hdr),
				sizeof(struct virtio_gpu_resp_display_info),
				GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	pvgpu_encode_hdr(vbuf->cmd, VIRTIO_GPU_CMD_GET_DISPLAY_INFO, 0);
	ret = pvgpu_vq_send_sync(&pvdev->ctrlq, vbuf);
	if (!ret)
		memcpy(&pvdev->display, vbuf->resp, sizeof(pvdev->display));
	pvgpu_vbuf_put(pvdev, vbuf);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_cmd_get_display_info);

/**
 * pvgpu_cmd_get_capset_infos() - GET_CAPSET_INFO for every capset index
 * @pvdev: device with @num_capsets read from config space
 *
 * Fills pvdev->capsets (drmm-managed) and capset_mask.
 * Return: 0, -ENOMEM, -EIO, -ETIMEDOUT, -ENODEV.
 */
int pvgpu_cmd_get_capset_infos(struct pvgpu_device *pvdev)
{
	struct virtio_gpu_get_capset_info *cmd;
	struct virtio_gpu_resp_capset_info *resp;
	struct pvgpu_vbuf *vbuf;
	u32 i;
	int ret;

	if (!pvdev->num_capsets)
		return 0;
	pvdev->capsets = drmm_kcalloc(&pvdev->drm, pvdev->num_capsets,
				      sizeof(*pvdev->capsets), GFP_KERNEL);
	if (!pvdev->capsets)
		return -ENOMEM;

	for (i = 0; i < pvdev->num_capsets; i++) {
		vbuf = pvgpu_vbuf_alloc(sizeof(*cmd), sizeof(*resp),
					GFP_KERNEL);
		if (!vbuf)
			return -ENOMEM;
		cmd = vbuf->cmd;
		pvgpu_encode_hdr(&cmd->hdr, VIRTIO_GPU_CMD_GET_CAPSET_INFO, 0);
		cmd->capset_index = cpu_to_le32(i);
		ret = pvgpu_vq_send_sync(&pvdev->ctrlq, vbuf);
		if (!ret) {
			resp = vbuf->resp;
			pvdev->capsets[i].id = le32_to_cpu(resp->capset_id);
			pvdev->capsets[i].max_version =
				le32_to_cpu(resp->capset_max_version);
			pvdev->capsets[i].max_size =
				le32_to_cpu(resp->capset_max_size);
		}
		pvgpu_vbuf_put(pvdev, vbuf);
		if (ret)
			return ret;
	}
	pvdev->capset_mask = pvgpu_capset_mask(pvdev->capsets,
					       pvdev->num_capsets);
	return 0;
}

/**
 * pvgpu_cmd_get_capset() - fetch a capset into the cache (or find it there)
 * @pvdev: device
 * @index: index into pvdev->capsets from pvgpu_capset_find()
 * @version: version asked for
 * @out: the cache entry
 *
 * Return: 0, -ENOMEM, -EIO, -ETIMEDOUT, -ENODEV.
 */
int pvgpu_cmd_get_capset(struct pvgpu_device *pvdev, int index, u32 version,
			 struct pvgpu_capset_entry **out)
{
	const struct pvgpu_capset *cap = &pvdev->capsets[index];
	struct virtio_gpu_get_capset *cmd;
	struct virtio_gpu_resp_capset *resp;
	struct pvgpu_capset_entry *e;
	struct pvgpu_vbuf *vbuf;
	int ret;

	e = pvgpu_capset_cache_lookup(&pvdev->capset_cache, cap->id, version);
	if (e) {
		*out = e;
		return 0;
	}

	vbuf = pvgpu_vbuf_alloc(sizeof(*cmd), sizeof(*resp) + cap->max_size,
				GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	cmd = vbuf->cmd;
	pvgpu_encode_hdr(&cmd->hdr, VIRTIO_GPU_CMD_GET_CAPSET, 0);
	cmd->capset_id = cpu_to_le32(cap->id);
	cmd->capset_version = cpu_to_le32(version);
	ret = pvgpu_vq_send_sync(&pvdev->ctrlq, vbuf);
	if (!ret) {
		resp = vbuf->resp;
		e = pvgpu_capset_cache_insert(&pvdev->capset_cache, cap->id,
					      version, resp->capset_data,
					      cap->max_size);
		if (IS_ERR(e))
			ret = PTR_ERR(e);
		else
			*out = e;
	}
	pvgpu_vbuf_put(pvdev, vbuf);
	return ret;
}

/**
 * pvgpu_cmd_ctx_create() - queue CTX_CREATE
 * @pvdev: device
 * @ctx_id: context id
 * @context_init: capset id or 0
 * @name: debug name
 * @len: bytes of @name
 *
 * Return: 0, -ENOMEM, -ETIMEDOUT (no ring space), -ENODEV.
 */
int pvgpu_cmd_ctx_create(struct pvgpu_device *pvdev, u32 ctx_id,
			 u32 context_init, const char *name, size_t len)
{
	struct pvgpu_vbuf *vbuf;

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_ctx_create), 0,
				GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	pvgpu_encode_ctx_create(vbuf->cmd, ctx_id, context_init, name, len);
	return pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
}

/**
 * pvgpu_cmd_ctx_destroy() - queue CTX_DESTROY
 * @pvdev: device
 * @ctx_id: context id
 *
 * Return: 0, -ENOMEM, -ETIMEDOUT, -ENODEV.
 */
int pvgpu_cmd_ctx_destroy(struct pvgpu_device *pvdev, u32 ctx_id)
{
	struct pvgpu_vbuf *vbuf;

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_ctx_destroy), 0,
				GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	pvgpu_encode_hdr(vbuf->cmd, VIRTIO_GPU_CMD_CTX_DESTROY, ctx_id);
	return pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
}

/**
 * pvgpu_cmd_ctx_resource() - queue CTX_ATTACH_RESOURCE / CTX_DETACH_RESOURCE
 * @pvdev: device
 * @type: VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE or _DETACH_RESOURCE
 * @ctx_id: context
 * @res_id: resource
 *
 * Return: 0, -ENOMEM, -ETIMEDOUT, -ENODEV.
 */
int pvgpu_cmd_ctx_resource(struct pvgpu_device *pvdev, u32 type, u32 ctx_id,
			   u32 res_id)
{
	struct virtio_gpu_ctx_resource *cmd;
	struct pvgpu_vbuf *vbuf;

	vbuf = pvgpu_vbuf_alloc(sizeof(*cmd), 0, GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	cmd = vbuf->cmd;
	pvgpu_encode_hdr(&cmd->hdr, type, ctx_id);
	cmd->resource_id = cpu_to_le32(res_id);
	return pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
}

/**
 * pvgpu_cmd_submit() - queue SUBMIT_3D with a context command stream
 * @pvdev: device
 * @ctx_id: context
 * @stream: kvmalloc'ed stream; ownership passes to this function
 * @size: bytes of @stream
 * @fence: fence to emit with the command, or NULL; its reference is taken
 *	   over by the command
 * @objs: GEM objects to fence and keep alive (their resv locked, one fence
 *	  slot reserved each), ownership of the array and references passes
 * @num_objs: entries in @objs
 * @ticket: the acquire context the resvs of @objs are locked with, or NULL;
 *	    they are unlocked when this returns
 *
 * Return: 0, -ENOMEM, -ETIMEDOUT, -ENODEV; on error everything passed in
 * has been released and @fence signalled with the error.
 */
int pvgpu_cmd_submit(struct pvgpu_device *pvdev, u32 ctx_id, void *stream,
		     u32 size, struct pvgpu_fence *fence,
		     struct drm_gem_object **objs, u32 num_objs,
		     struct ww_acquire_ctx *ticket)
{
	struct pvgpu_vbuf *vbuf;

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_cmd_submit), 0,
				GFP_KERNEL);
	if (!vbuf) {
		kvfree(stream);
		if (ticket)
			drm_gem_unlock_reservations(objs, num_objs, ticket);
		if (fence) {
			pvgpu_fence_cancel(fence->drv, fence, -ENOMEM);
			dma_fence_put(&fence->base);
		}
		pvgpu_gem_put_array(objs, num_objs);
		return -ENOMEM;
	}
	pvgpu_encode_submit(vbuf->cmd, ctx_id, size);
	vbuf->data = stream;
	vbuf->data_size = size;
	vbuf->fence = fence;
	vbuf->objs = objs;
	vbuf->num_objs = num_objs;
	vbuf->ticket = ticket;
	return pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
}
