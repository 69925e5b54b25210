// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - buffer objects: guest blobs, classic 3D resources and 2D (dumb)
 * resources backed by shmem pages, host-visible blobs mapped through the shared-memory region (virtio
 * shm id 1), mmap, PRIME, and resource ids.
 *
 * Lifetimes follow upstream virtgpu_object.c / virtgpu_vram.c: the host
 * resource is created asynchronously (commands are processed in ring
 * order), and freeing the GEM object sends UNMAP_BLOB/RESOURCE_UNREF; the
 * pages and the region range are given back only once the host answered
 * the unref (or the device is gone), since the host may use them until
 * then.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_prime.h>

#include "pvgpu_drv.h"

/* ---- resource ids ----------------------------------------------------- */

/**
 * pvgpu_id_init() - ids 1..@max, handed out round-robin
 * @a: allocator
 * @max: largest id
 *
 * Ids are not reused right after they are freed: the host may still be
 * tearing down the old resource (upstream works around the same with its
 * virglrenderer_workaround counter).
 */
void pvgpu_id_init(struct pvgpu_id_alloc *a, u32 max)
{
	ida_init(&a->ida);
	spin_lock_init(&a->lock);
	a->next = 1;
	a->max = max;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_id_init);

/**
 * pvgpu_id_fini() - free the allocator's memory
 * @a: allocator
 */
void pvgpu_id_fini(struct pvgpu_id_alloc *a)
{
	ida_destroy(&a->ida);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_id_fini);

/**
 * pvgpu_id_get() - allocate the next free id at or after the cursor
 * @a: allocator
 * @id: the id, 1..max
 *
 * Return: 0, -ENOSPC when all ids are in use, -ENOMEM.
 */
int pvgpu_id_get(struct pvgpu_id_alloc *a, u32 *id)
{
	u32 start;
	int ret;

	spin_lock(&a->lock);
	start = a->next;
	spin_unlock(&a->lock);

	ret = ida_alloc_range(&a->ida, start, a->max, GFP_KERNEL);
	if (ret == -ENOSPC && start > 1)
		ret = ida_alloc_range(&a->ida, 1, a->max, GFP_KERNEL);
	if (ret < 0)
		return ret;

	spin_lock(&a->lock);
	a->next = (u32)ret >= a->max ? 1 : ret + 1;
	spin_unlock(&a->lock);
	*id = ret;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_id_get);

/**
 * pvgpu_id_put() - free an id
 * @a: allocator
 * @id: id from pvgpu_id_get()
 */
void pvgpu_id_put(struct pvgpu_id_alloc *a, u32 id)
{
	ida_free(&a->ida, id);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_id_put);

/* ---- object arrays ---------------------------------------------------- */

/**
 * pvgpu_memdup_user() - copy a user buffer of user-chosen size
 * @uptr: user address
 * @size: bytes
 *
 * Like vmemdup_user(), but a huge @size fails with -ENOMEM without the
 * allocator's warning.
 * Return: kvmalloc'ed copy (kvfree it) or ERR_PTR(-ENOMEM / -EFAULT).
 */
void *pvgpu_memdup_user(u64 uptr, size_t size)
{
	void *p = kvmalloc(size, GFP_KERNEL | __GFP_NOWARN);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, u64_to_user_ptr(uptr), size)) {
		kvfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

/**
 * pvgpu_gem_lookup_array() - look up @num handles
 * @file: DRM file
 * @handles: GEM handles
 * @num: entries, > 0
 * @out: kvmalloc'ed array of referenced objects
 *
 * Return: 0, -ENOMEM, -ENOENT for an unknown handle (nothing held then).
 */
int pvgpu_gem_lookup_array(struct drm_file *file, const u32 *handles,
			   u32 num, struct drm_gem_object ***out)
{
	struct drm_gem_object **objs;
	u32 i;

	objs = kvmalloc_array(num, sizeof(*objs), GFP_KERNEL | __GFP_NOWARN);
	if (!objs)
		return -ENOMEM;
	for (i = 0; i < num; i++) {
		objs[i] = drm_gem_object_lookup(file, handles[i]);
		if (!objs[i]) {
			pvgpu_gem_put_array(objs, i);
			return -ENOENT;
		}
	}
	*out = objs;
	return 0;
}

/**
 * pvgpu_gem_put_array() - drop the references of an array and free it
 * @objs: array, may be NULL
 * @num: entries
 */
void pvgpu_gem_put_array(struct drm_gem_object **objs, u32 num)
{
	u32 i;

	if (!objs)
		return;
	for (i = 0; i < num; i++)
		drm_gem_object_put(objs[i]);
	kvfree(objs);
}

/**
 * pvgpu_vbuf_hold() - keep @obj alive in a command until the host answered it
 * @vbuf: command without objects yet
 * @obj: object; a reference is taken
 *
 * Return: 0 or -ENOMEM.
 */
int pvgpu_vbuf_hold(struct pvgpu_vbuf *vbuf, struct drm_gem_object *obj)
{
	vbuf->objs = kvmalloc_array(1, sizeof(*vbuf->objs), GFP_KERNEL);
	if (!vbuf->objs)
		return -ENOMEM;
	drm_gem_object_get(obj);
	vbuf->objs[0] = obj;
	vbuf->num_objs = 1;
	return 0;
}

/* ---- PRIME ------------------------------------------------------------ */

/*
 * Our own dma_buf_ops (the DRM helpers, as drm_prime.c composes them), so
 * an import can recognise buffers this driver exported.
 */
static const struct dma_buf_ops pvgpu_dmabuf_ops = {
	.cache_sgt_mapping = true,
	.attach = drm_gem_map_attach,
	.detach = drm_gem_map_detach,
	.map_dma_buf = drm_gem_map_dma_buf,
	.unmap_dma_buf = drm_gem_unmap_dma_buf,
	.release = drm_gem_dmabuf_release,
	.mmap = drm_gem_dmabuf_mmap,
	.vmap = drm_gem_dmabuf_vmap,
	.vunmap = drm_gem_dmabuf_vunmap,
};

/* drm_gem_object_funcs.export */
static struct dma_buf *pvgpu_gem_prime_export(struct drm_gem_object *obj,
					      int flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);

	exp_info.ops = &pvgpu_dmabuf_ops;
	exp_info.size = obj->size;
	exp_info.flags = flags;
	exp_info.priv = obj;
	exp_info.resv = obj->resv;
	return drm_gem_dmabuf_export(obj->dev, &exp_info);
}

/**
 * pvgpu_gem_prime_import() - drm_driver.gem_prime_import
 * @dev: DRM device
 * @buf: dma-buf to import
 *
 * A buffer this device exported imports as the same GEM object. Foreign
 * buffers are refused with -ENODEV, as upstream 6.12 does (the host cannot
 * see their pages as a resource).
 * Return: the object (one reference) or ERR_PTR(-ENODEV).
 */
struct drm_gem_object *pvgpu_gem_prime_import(struct drm_device *dev,
					      struct dma_buf *buf)
{
	struct drm_gem_object *obj = buf->priv;

	if (buf->ops != &pvgpu_dmabuf_ops || obj->dev != dev)
		return ERR_PTR(-ENODEV);
	drm_gem_object_get(obj);
	return obj;
}

/* ---- GEM callbacks ---------------------------------------------------- */

/*
 * Attach the resource to the file's host context (creating it lazily).
 * No kick: the host only needs the attach before the file's next command
 * that uses the resource, and that command kicks (ring order does the
 * rest). A new blob's CREATE_BLOB, MAP_BLOB and attach so share one kick.
 */
static int pvgpu_gem_open(struct drm_gem_object *obj, struct drm_file *file)
{
	struct pvgpu_device *pvdev = to_pvgpu(obj->dev);
	struct pvgpu_file *pvfile = file->driver_priv;
	int ret;

	if (!pvdev->has_virgl_3d)
		return 0;
	ret = pvgpu_file_ensure_context(pvdev, pvfile);
	if (ret)
		return ret;
	return pvgpu_cmd_ctx_resource(pvdev, VIRTIO_GPU_CMD_CTX_ATTACH_RESOURCE,
				      pvfile->ctx_id, to_pvgpu_bo(obj)->res_id);
}

/* Detach; rides with the next kick (the unref of a freed object kicks). */
static void pvgpu_gem_close(struct drm_gem_object *obj, struct drm_file *file)
{
	struct pvgpu_device *pvdev = to_pvgpu(obj->dev);
	struct pvgpu_file *pvfile = file->driver_priv;

	if (!pvdev->has_virgl_3d || !READ_ONCE(pvfile->ctx_created))
		return;
	pvgpu_cmd_ctx_resource(pvdev, VIRTIO_GPU_CMD_CTX_DETACH_RESOURCE,
			       pvfile->ctx_id, to_pvgpu_bo(obj)->res_id);
}

/* Give back everything the host might have used; runs once per object. */
static void pvgpu_bo_cleanup(struct pvgpu_device *pvdev, struct pvgpu_bo *bo)
{
	struct drm_gem_object *obj = &bo->shmem.base;

	if (bo->res_id)
		pvgpu_id_put(&pvdev->res_ids, bo->res_id);
	spin_lock(&pvdev->hvr_lock);
	if (drm_mm_node_allocated(&bo->node))
		drm_mm_remove_node(&bo->node);
	spin_unlock(&pvdev->hvr_lock);

	if (bo->sgt) {
		dma_unmap_sgtable(pvdev->vdev->dev.parent, bo->sgt,
				  DMA_BIDIRECTIONAL, 0);
		sg_free_table(bo->sgt);
		kfree(bo->sgt);
	}
	if (obj->filp) {
		/* shmem-backed: unpin what creation pinned, then free */
		if (bo->guest_backed)
			drm_gem_shmem_unpin(&bo->shmem);
		drm_gem_shmem_free(&bo->shmem);	/* frees @bo too */
		return;
	}
	drm_gem_object_release(obj);	/* also frees the mmap offset */
	kfree(bo);
}

static void pvgpu_bo_unref_release(struct pvgpu_device *pvdev,
				   struct pvgpu_vbuf *vbuf)
{
	pvgpu_bo_cleanup(pvdev, vbuf->priv);
}

/* drm_gem_object_funcs.free: tell the host, clean up once it answered. */
static void pvgpu_bo_free(struct drm_gem_object *obj)
{
	struct pvgpu_device *pvdev = to_pvgpu(obj->dev);
	struct pvgpu_bo *bo = to_pvgpu_bo(obj);
	struct virtio_gpu_resource_unref *unref;
	struct pvgpu_vbuf *vbuf;

	if (!bo->created)
		goto cleanup;

	/*
	 * The MAP_BLOB command holds a reference, so its answer is in by now.
	 * Both commands are tiny and must not fail: without the unref the
	 * host could still use pages we would hand back.
	 */
	if (bo->host_visible && bo->map_state == PVGPU_MAP_OK) {
		struct virtio_gpu_resource_unmap_blob *unmap;

		vbuf = pvgpu_vbuf_alloc(sizeof(*unmap), 0,
					GFP_KERNEL | __GFP_NOFAIL);
		unmap = vbuf->cmd;
		pvgpu_encode_hdr(&unmap->hdr, VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB,
				 0);
		unmap->resource_id = cpu_to_le32(bo->res_id);
		pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
	}

	vbuf = pvgpu_vbuf_alloc(sizeof(*unref), 0, GFP_KERNEL | __GFP_NOFAIL);
	unref = vbuf->cmd;
	pvgpu_encode_hdr(&unref->hdr, VIRTIO_GPU_CMD_RESOURCE_UNREF, 0);
	unref->resource_id = cpu_to_le32(bo->res_id);
	vbuf->priv = bo;
	/* Runs on the answer, or at once if the device is gone. */
	vbuf->release_cb = pvgpu_bo_unref_release;
	pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
	pvgpu_vq_kick(&pvdev->ctrlq);
	return;

cleanup:
	pvgpu_bo_cleanup(pvdev, bo);
}

static const struct drm_gem_object_funcs pvgpu_shmem_funcs = {
	.free = pvgpu_bo_free,
	.open = pvgpu_gem_open,
	.close = pvgpu_gem_close,
	.export = pvgpu_gem_prime_export,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/* Host-visible memory has no struct pages to hand to another device. */
static struct sg_table *pvgpu_host_get_sg_table(struct drm_gem_object *obj)
{
	return ERR_PTR(-EIO);
}

static const struct vm_operations_struct pvgpu_host_vm_ops = {
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

/*
 * mmap of a host-visible blob: the whole object, from the region range the
 * host mapped it at, with the cache type the host returned (upstream
 * virtio_gpu_vram_mmap()).
 */
static int pvgpu_host_mmap(struct drm_gem_object *obj,
			   struct vm_area_struct *vma)
{
	struct pvgpu_device *pvdev = to_pvgpu(obj->dev);
	struct pvgpu_bo *bo = to_pvgpu_bo(obj);
	unsigned long size = vma->vm_end - vma->vm_start;

	if (!(bo->blob_flags & VIRTGPU_BLOB_FLAG_USE_MAPPABLE))
		return -EINVAL;
	if (!wait_event_timeout(pvdev->map_wq,
				READ_ONCE(bo->map_state) != PVGPU_MAP_PENDING,
				PVGPU_HOST_TIMEOUT)) {
		drm_err_ratelimited(&pvdev->drm,
				     "host did not map resource %u in %u ms\n",
				     bo->res_id, READ_ONCE(pvgpu_host_timeout_ms));
		return -ETIMEDOUT;
	}
	/* Pairs with the smp_store_release() in the MAP_BLOB callback. */
	if (smp_load_acquire(&bo->map_state) != PVGPU_MAP_OK)
		return -EINVAL;
	if (vma->vm_pgoff != drm_vma_node_start(&obj->vma_node) ||
	    size != bo->node.size)
		return -EINVAL;	/* partial mappings are not supported */

	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_page_prot = pgprot_decrypted(vma->vm_page_prot);
	switch (bo->map_info & VIRTIO_GPU_MAP_CACHE_MASK) {
	case VIRTIO_GPU_MAP_CACHE_WC:
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
		break;
	case VIRTIO_GPU_MAP_CACHE_UNCACHED:
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
		break;
	default:	/* CACHED, or NONE as upstream treats it */
		break;
	}
	return io_remap_pfn_range(vma, vma->vm_start,
				  bo->node.start >> PAGE_SHIFT, size,
				  vma->vm_page_prot);
}

static const struct drm_gem_object_funcs pvgpu_host_funcs = {
	.free = pvgpu_bo_free,
	.open = pvgpu_gem_open,
	.close = pvgpu_gem_close,
	.export = pvgpu_gem_prime_export,
	.get_sg_table = pvgpu_host_get_sg_table,
	.mmap = pvgpu_host_mmap,
	.vm_ops = &pvgpu_host_vm_ops,
};

/**
 * pvgpu_gem_create_object() - drm_driver.gem_create_object for shmem
 * @dev: DRM device
 * @size: object size
 *
 * Return: the embedded GEM object of a new struct pvgpu_bo, or ERR_PTR.
 */
struct drm_gem_object *pvgpu_gem_create_object(struct drm_device *dev,
					       size_t size)
{
	struct pvgpu_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL);

	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->shmem.base.funcs = &pvgpu_shmem_funcs;
	bo->shmem.map_wc = false;	/* the host snoops guest memory */
	return &bo->shmem.base;
}

/* ---- creation --------------------------------------------------------- */

/*
 * Pin the shmem pages and describe them for the device: guest-physical
 * addresses without the DMA API (the usual virtio-gpu setup), DMA
 * addresses through the parent (PCI) device otherwise.
 */
static int pvgpu_bo_backing(struct pvgpu_device *pvdev, struct pvgpu_bo *bo,
			    struct virtio_gpu_mem_entry **ents, u32 *nents)
{
	struct drm_gem_object *obj = &bo->shmem.base;
	struct virtio_gpu_mem_entry *e;
	struct scatterlist *sg;
	struct sg_table *sgt;
	unsigned int i, n;
	int ret;

	ret = drm_gem_shmem_pin(&bo->shmem);
	if (ret)
		return ret;
	bo->guest_backed = true;

	sgt = drm_prime_pages_to_sg(obj->dev, bo->shmem.pages,
				    obj->size >> PAGE_SHIFT);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	if (!pvdev->dma_direct) {
		ret = dma_map_sgtable(pvdev->vdev->dev.parent, sgt,
				      DMA_BIDIRECTIONAL, 0);
		if (ret) {
			sg_free_table(sgt);
			kfree(sgt);
			return ret;
		}
		bo->sgt = sgt;
		n = sgt->nents;
	} else {
		n = sgt->orig_nents;
	}

	e = kvmalloc_array(n, sizeof(*e), GFP_KERNEL);
	if (!e) {
		ret = -ENOMEM;
		goto out;
	}
	if (pvdev->dma_direct) {
		for_each_sgtable_sg(sgt, sg, i) {
			e[i].addr = cpu_to_le64(sg_phys(sg));
			e[i].length = cpu_to_le32(sg->length);
			e[i].padding = 0;
		}
	} else {
		for_each_sgtable_dma_sg(sgt, sg, i) {
			e[i].addr = cpu_to_le64(sg_dma_address(sg));
			e[i].length = cpu_to_le32(sg_dma_len(sg));
			e[i].padding = 0;
		}
	}
	*ents = e;
	*nents = n;
out:
	if (pvdev->dma_direct) {
		sg_free_table(sgt);
		kfree(sgt);
	}
	return ret;
}

static void pvgpu_map_blob_answered(struct pvgpu_device *pvdev,
				    struct pvgpu_vbuf *vbuf)
{
	struct virtio_gpu_resp_map_info *resp = vbuf->resp;
	struct pvgpu_bo *bo = to_pvgpu_bo(vbuf->objs[0]);

	if (!vbuf->error) {
		bo->map_info = le32_to_cpu(resp->map_info);
		/* Publish map_info before the state pvgpu_host_mmap() reads. */
		smp_store_release(&bo->map_state, PVGPU_MAP_OK);
	} else {
		/* Pairs with smp_load_acquire() in pvgpu_host_mmap(). */
		smp_store_release(&bo->map_state, PVGPU_MAP_FAILED);
	}
	wake_up_all(&pvdev->map_wq);
}

static void pvgpu_map_blob_release(struct pvgpu_device *pvdev,
				   struct pvgpu_vbuf *vbuf)
{
	struct pvgpu_bo *bo = to_pvgpu_bo(vbuf->objs[0]);

	/* Never answered (device gone): let mmap fail instead of waiting. */
	if (READ_ONCE(bo->map_state) == PVGPU_MAP_PENDING) {
		/* Pairs with smp_load_acquire() in pvgpu_host_mmap(). */
		smp_store_release(&bo->map_state, PVGPU_MAP_FAILED);
		wake_up_all(&pvdev->map_wq);
	}
}

/* Reserve a range of the region and ask the host to map the blob there. */
static int pvgpu_bo_map_host(struct pvgpu_device *pvdev, u32 ctx_id,
			     struct pvgpu_bo *bo)
{
	struct pvgpu_vbuf *vbuf;
	int ret;

	if (!pvdev->has_host_visible)
		return -EINVAL;
	spin_lock(&pvdev->hvr_lock);
	ret = drm_mm_insert_node(&pvdev->hvr_mm, &bo->node,
				 bo->shmem.base.size);
	spin_unlock(&pvdev->hvr_lock);
	if (ret)
		return ret;

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_resource_map_blob),
				sizeof(struct virtio_gpu_resp_map_info),
				GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	ret = pvgpu_vbuf_hold(vbuf, &bo->shmem.base);
	if (ret) {
		pvgpu_vbuf_put(pvdev, vbuf);
		return ret;
	}
	pvgpu_encode_map_blob(vbuf->cmd, ctx_id, bo->res_id,
			      bo->node.start - pvdev->hvr_addr);
	vbuf->resp_cb = pvgpu_map_blob_answered;
	vbuf->release_cb = pvgpu_map_blob_release;
	bo->map_state = PVGPU_MAP_PENDING;
	return pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
}

static void pvgpu_uuid_answered(struct pvgpu_device *pvdev,
				struct pvgpu_vbuf *vbuf)
{
	struct virtio_gpu_resp_resource_uuid *resp = vbuf->resp;

	if (!vbuf->error)
		memcpy(to_pvgpu_bo(vbuf->objs[0])->uuid, resp->uuid,
		       sizeof(resp->uuid));
}

static int pvgpu_bo_assign_uuid(struct pvgpu_device *pvdev,
				struct pvgpu_bo *bo)
{
	struct virtio_gpu_resource_assign_uuid *cmd;
	struct pvgpu_vbuf *vbuf;
	int ret;

	vbuf = pvgpu_vbuf_alloc(sizeof(*cmd),
				sizeof(struct virtio_gpu_resp_resource_uuid),
				GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	ret = pvgpu_vbuf_hold(vbuf, &bo->shmem.base);
	if (ret) {
		pvgpu_vbuf_put(pvdev, vbuf);
		return ret;
	}
	cmd = vbuf->cmd;
	pvgpu_encode_hdr(&cmd->hdr, VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID, 0);
	cmd->resource_id = cpu_to_le32(bo->res_id);
	vbuf->resp_cb = pvgpu_uuid_answered;
	return pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
}

/* A GEM object without pages: host memory only. */
static struct pvgpu_bo *pvgpu_bo_alloc_host(struct pvgpu_device *pvdev,
					    size_t size)
{
	struct pvgpu_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	struct drm_gem_object *obj;

	if (!bo)
		return ERR_PTR(-ENOMEM);
	obj = &bo->shmem.base;
	obj->funcs = &pvgpu_host_funcs;
	drm_gem_private_object_init(&pvdev->drm, obj, size);
	return bo;
}

/**
 * pvgpu_bo_create_blob() - RESOURCE_CREATE_BLOB (validated arguments)
 * @pvdev: device
 * @file: DRM file whose context owns HOST3D blobs
 * @args: ioctl arguments, checked by pvgpu_check_blob_args()
 * @out: new object, one reference
 *
 * Queues CREATE_BLOB (with the guest pages for GUEST/HOST3D_GUEST) and, for
 * mappable host blobs, MAP_BLOB into a fresh range of the region; the
 * caller kicks. Follows upstream virtio_gpu_resource_create_blob_ioctl().
 * Return: 0, -EINVAL (size 0, no region), -ENOMEM, -ENOSPC (region or
 * ids exhausted), -ENODEV, -ETIMEDOUT.
 */
int pvgpu_bo_create_blob(struct pvgpu_device *pvdev, struct drm_file *file,
			 const struct drm_virtgpu_resource_create_blob *args,
			 struct pvgpu_bo **out)
{
	struct pvgpu_file *pvfile = file->driver_priv;
	bool guest = args->blob_mem != VIRTGPU_BLOB_MEM_HOST3D;
	bool host3d = args->blob_mem != VIRTGPU_BLOB_MEM_GUEST;
	struct virtio_gpu_mem_entry *ents = NULL;
	u32 nents = 0, ctx_id = host3d ? pvfile->ctx_id : 0;
	size_t size = PAGE_ALIGN(args->size);
	struct drm_gem_shmem_object *shmem;
	struct pvgpu_vbuf *vbuf;
	struct pvgpu_bo *bo;
	int ret;

	if (!size || size < args->size)
		return -EINVAL;
	/* Guest blobs are pinned: more than the guest's RAM cannot work. */
	if (guest && size >> PAGE_SHIFT > totalram_pages())
		return -ENOMEM;

	if (guest) {
		shmem = drm_gem_shmem_create(&pvdev->drm, size);
		if (IS_ERR(shmem))
			return PTR_ERR(shmem);
		bo = to_pvgpu_bo(&shmem->base);
	} else {
		bo = pvgpu_bo_alloc_host(pvdev, size);
		if (IS_ERR(bo))
			return PTR_ERR(bo);
		bo->host_visible = true;
	}
	bo->blob_mem = args->blob_mem;
	bo->blob_flags = args->blob_flags;

	ret = pvgpu_id_get(&pvdev->res_ids, &bo->res_id);
	if (ret)
		goto err_put;
	if (guest) {
		ret = pvgpu_bo_backing(pvdev, bo, &ents, &nents);
		if (ret)
			goto err_put;
	}

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_resource_create_blob),
				0, GFP_KERNEL);
	if (!vbuf) {
		kvfree(ents);
		ret = -ENOMEM;
		goto err_put;
	}
	pvgpu_encode_create_blob(vbuf->cmd, ctx_id, bo->res_id, args->blob_mem,
				 args->blob_flags, args->blob_id, size, nents);
	vbuf->data = ents;
	vbuf->data_size = nents * sizeof(*ents);
	ret = pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
	if (ret)
		goto err_put;
	bo->created = true;

	if (!guest && (args->blob_flags & VIRTGPU_BLOB_FLAG_USE_MAPPABLE)) {
		ret = pvgpu_bo_map_host(pvdev, ctx_id, bo);
		if (ret)
			goto err_put;
	}
	if (args->blob_flags & VIRTGPU_BLOB_FLAG_USE_CROSS_DEVICE) {
		ret = pvgpu_bo_assign_uuid(pvdev, bo);
		if (ret)
			goto err_put;
	}
	*out = bo;
	return 0;

err_put:
	drm_gem_object_put(&bo->shmem.base);
	return ret;
}

/*
 * Pin the pages of a classic resource and queue ATTACH_BACKING with them;
 * on error the object is left for the caller to put.
 */
static int pvgpu_bo_attach(struct pvgpu_device *pvdev, struct pvgpu_bo *bo)
{
	struct virtio_gpu_resource_attach_backing *attach;
	struct virtio_gpu_mem_entry *ents = NULL;
	struct pvgpu_vbuf *vbuf;
	u32 nents = 0;
	int ret;

	ret = pvgpu_bo_backing(pvdev, bo, &ents, &nents);
	if (ret)
		return ret;
	vbuf = pvgpu_vbuf_alloc(sizeof(*attach), 0, GFP_KERNEL);
	if (!vbuf) {
		kvfree(ents);
		return -ENOMEM;
	}
	attach = vbuf->cmd;
	pvgpu_encode_hdr(&attach->hdr, VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, 0);
	attach->resource_id = cpu_to_le32(bo->res_id);
	attach->nr_entries = cpu_to_le32(nents);
	vbuf->data = ents;
	vbuf->data_size = nents * sizeof(*ents);
	return pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
}

/**
 * pvgpu_bo_create_3d() - RESOURCE_CREATE: a classic 3D resource
 * @pvdev: device with VIRGL
 * @file: DRM file
 * @args: ioctl arguments (target, format, bind, sizes passed through)
 * @out: new object, one reference
 *
 * Queues RESOURCE_CREATE_3D and RESOURCE_ATTACH_BACKING with the shmem
 * pages; the caller kicks. Follows upstream virtio_gpu_object_create().
 * Return: 0, -ENOMEM, -ENOSPC, -ENODEV, -ETIMEDOUT.
 */
int pvgpu_bo_create_3d(struct pvgpu_device *pvdev, struct drm_file *file,
		       const struct drm_virtgpu_resource_create *args,
		       struct pvgpu_bo **out)
{
	struct virtio_gpu_resource_create_3d *c;
	size_t size = PAGE_ALIGN(args->size ?: PAGE_SIZE);
	struct drm_gem_shmem_object *shmem;
	struct pvgpu_vbuf *vbuf;
	struct pvgpu_bo *bo;
	int ret;

	if (size < args->size)
		return -EINVAL;
	if (size >> PAGE_SHIFT > totalram_pages())
		return -ENOMEM;
	shmem = drm_gem_shmem_create(&pvdev->drm, size);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	bo = to_pvgpu_bo(&shmem->base);

	ret = pvgpu_id_get(&pvdev->res_ids, &bo->res_id);
	if (ret)
		goto err_put;

	vbuf = pvgpu_vbuf_alloc(sizeof(*c), 0, GFP_KERNEL);
	if (!vbuf) {
		ret = -ENOMEM;
		goto err_put;
	}
	c = vbuf->cmd;
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_3D, 0);
	c->resource_id = cpu_to_le32(bo->res_id);
	c->target = cpu_to_le32(args->target);
	c->format = cpu_to_le32(args->format);
	c->bind = cpu_to_le32(args->bind);
	c->width = cpu_to_le32(args->width);
	c->height = cpu_to_le32(args->height);
	c->depth = cpu_to_le32(args->depth);
	c->array_size = cpu_to_le32(args->array_size);
	c->last_level = cpu_to_le32(args->last_level);
	c->nr_samples = cpu_to_le32(args->nr_samples);
	c->flags = cpu_to_le32(args->flags);
	ret = pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
	if (ret)
		goto err_put;
	bo->created = true;

	ret = pvgpu_bo_attach(pvdev, bo);
	if (ret)
		goto err_put;
	*out = bo;
	return 0;

err_put:
	drm_gem_object_put(&bo->shmem.base);
	return ret;
}

/**
 * pvgpu_bo_create_2d() - RESOURCE_CREATE_2D with guest backing
 * @pvdev: device
 * @format: VIRTIO_GPU_FORMAT_*
 * @width: pixels, > 0
 * @height: pixels, > 0
 * @size: bytes of backing (at least width * 4 * height), page-aligned here
 * @out: new object, one reference
 *
 * The dumb buffers of KMS, and RESOURCE_CREATE on a device without VIRGL,
 * as upstream virtio_gpu_object_create() does for 2D resources. Queues
 * RESOURCE_CREATE_2D and ATTACH_BACKING; the caller kicks.
 * Return: 0, -EINVAL (@size overflows), -ENOMEM, -ENOSPC, -ENODEV,
 * -ETIMEDOUT.
 */
int pvgpu_bo_create_2d(struct pvgpu_device *pvdev, u32 format, u32 width,
		       u32 height, size_t size, struct pvgpu_bo **out)
{
	size_t aligned = PAGE_ALIGN(size);
	struct drm_gem_shmem_object *shmem;
	struct pvgpu_vbuf *vbuf;
	struct pvgpu_bo *bo;
	int ret;

	if (!aligned || aligned < size)
		return -EINVAL;
	if (aligned >> PAGE_SHIFT > totalram_pages())
		return -ENOMEM;
	shmem = drm_gem_shmem_create(&pvdev->drm, aligned);
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	bo = to_pvgpu_bo(&shmem->base);
	bo->dumb = true;
	bo->format = format;
	bo->width = width;
	bo->height = height;

	ret = pvgpu_id_get(&pvdev->res_ids, &bo->res_id);
	if (ret)
		goto err_put;
	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_resource_create_2d), 0,
				GFP_KERNEL);
	if (!vbuf) {
		ret = -ENOMEM;
		goto err_put;
	}
	pvgpu_encode_create_2d(vbuf->cmd, bo->res_id, format, width, height);
	ret = pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
	if (ret)
		goto err_put;
	bo->created = true;
	ret = pvgpu_bo_attach(pvdev, bo);
	if (ret)
		goto err_put;
	*out = bo;
	return 0;

err_put:
	drm_gem_object_put(&bo->shmem.base);
	return ret;
}

/**
 * pvgpu_mode_dumb_create() - drm_driver.dumb_create
 * @file: DRM file
 * @dev: DRM device
 * @args: width, height, bpp in; pitch, size, handle out
 *
 * 32 bits per pixel only (XRGB8888 on the wire), pitch width * 4 with no
 * padding: the host walks the backing with the resource's own stride.
 * Follows upstream virtio_gpu_mode_dumb_create().
 * Return: 0, -EINVAL (bpp not 32, zero or oversized dimensions), -ENOMEM,
 * -ENOSPC, -ENODEV, -ETIMEDOUT.
 */
int pvgpu_mode_dumb_create(struct drm_file *file, struct drm_device *dev,
			   struct drm_mode_create_dumb *args)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct pvgpu_bo *bo;
	u64 pitch, size;
	int ret;

	if (args->bpp != 32 || args->flags)
		return -EINVAL;
	if (!args->width || !args->height ||
	    args->width > PVGPU_XRES_MAX || args->height > PVGPU_XRES_MAX)
		return -EINVAL;
	pitch = (u64)args->width * 4;
	size = pitch * args->height;
	ret = pvgpu_bo_create_2d(pvdev,
				 pvgpu_format_to_virtio(DRM_FORMAT_XRGB8888),
				 args->width, args->height, size, &bo);
	if (ret) {
		pvgpu_vq_kick(&pvdev->ctrlq);	/* what was queued before */
		return ret;
	}
	ret = drm_gem_handle_create(file, &bo->shmem.base, &args->handle);
	/* One kick: create, backing, and the attach of the handle's open. */
	pvgpu_vq_kick(&pvdev->ctrlq);
	drm_gem_object_put(&bo->shmem.base);	/* the handle holds it now */
	if (ret)
		return ret;
	args->pitch = pitch;
	args->size = bo->shmem.base.size;
	return 0;
}

/**
 * pvgpu_is_bo() - whether a GEM object belongs to this driver
 * @obj: object
 *
 * Return: true for the objects pvgpu created (imports of foreign buffers
 * are refused, so every object of the device passes today).
 */
bool pvgpu_is_bo(struct drm_gem_object *obj)
{
	return obj->funcs == &pvgpu_shmem_funcs ||
	       obj->funcs == &pvgpu_host_funcs;
}

/**
 * pvgpu_gem_map_offset() - VIRTGPU_MAP: the fake offset to mmap a handle at
 * @file: DRM file
 * @handle: GEM handle
 * @offset: byte offset for mmap() on the DRM fd
 *
 * Return: 0, -ENOENT (unknown handle), -EINVAL (imported object), -ENOMEM.
 */
int pvgpu_gem_map_offset(struct drm_file *file, u32 handle, u64 *offset)
{
	struct drm_gem_object *obj;
	int ret;

	obj = drm_gem_object_lookup(file, handle);
	if (!obj)
		return -ENOENT;
	if (obj->import_attach) {
		ret = -EINVAL;
		goto out;
	}
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		*offset = drm_vma_node_offset_addr(&obj->vma_node);
out:
	drm_gem_object_put(obj);
	return ret;
}
