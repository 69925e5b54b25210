// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - building virtio-gpu commands: contexts, resources, blobs,
 * SUBMIT_3D, capsets, display information and the 2D/scanout/cursor
 * commands of KMS.
 *
 * The pvgpu_encode_*() helpers only fill little-endian wire structures
 * (virtio spec 1.2, section 5.7.6 "Device Operation"); they touch no device
 * and are what the KUnit command-encoding suite checks. The pvgpu_cmd_*()
 * senders wrap them in a struct pvgpu_vbuf and queue it; they do not kick,
 * so an ioctl can batch several commands behind one notification.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
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
 * pvgpu_encode_create_2d() - VIRTIO_GPU_CMD_RESOURCE_CREATE_2D
 * @c: command (40 bytes)
 * @res_id: new resource id
 * @format: VIRTIO_GPU_FORMAT_*
 * @width: pixels
 * @height: pixels
 */
void pvgpu_encode_create_2d(struct virtio_gpu_resource_create_2d *c,
			    u32 res_id, u32 format, u32 width, u32 height)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, 0);
	c->resource_id = cpu_to_le32(res_id);
	c->format = cpu_to_le32(format);
	c->width = cpu_to_le32(width);
	c->height = cpu_to_le32(height);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_create_2d);

static void pvgpu_encode_rect(struct virtio_gpu_rect *dst,
			      const struct virtio_gpu_rect *r)
{
	dst->x = cpu_to_le32(r->x);
	dst->y = cpu_to_le32(r->y);
	dst->width = cpu_to_le32(r->width);
	dst->height = cpu_to_le32(r->height);
}

/**
 * pvgpu_encode_set_scanout() - VIRTIO_GPU_CMD_SET_SCANOUT
 * @c: command (48 bytes)
 * @scanout: scanout id
 * @res_id: resource to show, 0 to disable the scanout
 * @r: the part of the resource shown, in pixels (CPU byte order)
 */
void pvgpu_encode_set_scanout(struct virtio_gpu_set_scanout *c, u32 scanout,
			      u32 res_id, const struct virtio_gpu_rect *r)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_SET_SCANOUT, 0);
	pvgpu_encode_rect(&c->r, r);
	c->scanout_id = cpu_to_le32(scanout);
	c->resource_id = cpu_to_le32(res_id);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_set_scanout);

/**
 * pvgpu_encode_set_scanout_blob() - VIRTIO_GPU_CMD_SET_SCANOUT_BLOB
 * @c: command (96 bytes)
 * @scanout: scanout id
 * @res_id: blob resource
 * @format: VIRTIO_GPU_FORMAT_* of the framebuffer
 * @width: framebuffer width in pixels
 * @height: framebuffer height in pixels
 * @strides: 4 plane pitches in bytes
 * @offsets: 4 plane offsets in bytes
 * @r: the part shown, in pixels
 */
void pvgpu_encode_set_scanout_blob(struct virtio_gpu_set_scanout_blob *c,
				   u32 scanout, u32 res_id, u32 format,
				   u32 width, u32 height, const u32 *strides,
				   const u32 *offsets,
				   const struct virtio_gpu_rect *r)
{
	int i;

	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_SET_SCANOUT_BLOB, 0);
	pvgpu_encode_rect(&c->r, r);
	c->scanout_id = cpu_to_le32(scanout);
	c->resource_id = cpu_to_le32(res_id);
	c->width = cpu_to_le32(width);
	c->height = cpu_to_le32(height);
	c->format = cpu_to_le32(format);
	for (i = 0; i < 4; i++) {
		c->strides[i] = cpu_to_le32(strides[i]);
		c->offsets[i] = cpu_to_le32(offsets[i]);
	}
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_set_scanout_blob);

/**
 * pvgpu_encode_flush() - VIRTIO_GPU_CMD_RESOURCE_FLUSH
 * @c: command (48 bytes)
 * @res_id: resource shown on a scanout
 * @r: the damaged part, in pixels
 */
void pvgpu_encode_flush(struct virtio_gpu_resource_flush *c, u32 res_id,
			const struct virtio_gpu_rect *r)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_RESOURCE_FLUSH, 0);
	pvgpu_encode_rect(&c->r, r);
	c->resource_id = cpu_to_le32(res_id);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_flush);

/**
 * pvgpu_encode_transfer_2d() - VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D
 * @c: command (56 bytes)
 * @res_id: 2D resource
 * @r: rectangle to copy, in pixels
 * @offset: byte offset of the rectangle's first pixel in the backing pages
 *	    (the host walks rows with the resource's own stride)
 */
void pvgpu_encode_transfer_2d(struct virtio_gpu_transfer_to_host_2d *c,
			      u32 res_id, const struct virtio_gpu_rect *r,
			      u64 offset)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, 0);
	pvgpu_encode_rect(&c->r, r);
	c->offset = cpu_to_le64(offset);
	c->resource_id = cpu_to_le32(res_id);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_transfer_2d);

/**
 * pvgpu_encode_cursor() - VIRTIO_GPU_CMD_UPDATE_CURSOR / MOVE_CURSOR
 * @c: command (56 bytes)
 * @type: VIRTIO_GPU_CMD_UPDATE_CURSOR (new image) or _MOVE_CURSOR
 * @scanout: scanout id
 * @x: where the image's top-left corner goes, in pixels on the scanout
 *     (negative: partly off screen)
 * @y: likewise
 * @res_id: 64x64 ARGB8888 resource, 0 hides the cursor
 * @hot_x: hotspot inside the image, in pixels
 * @hot_y: likewise
 */
void pvgpu_encode_cursor(struct virtio_gpu_update_cursor *c, u32 type,
			 u32 scanout, s32 x, s32 y, u32 res_id, u32 hot_x,
			 u32 hot_y)
{
	memset(c, 0, sizeof(*c));
	pvgpu_encode_hdr(&c->hdr, type, 0);
	c->pos.scanout_id = cpu_to_le32(scanout);
	c->pos.x = cpu_to_le32(x);
	c->pos.y = cpu_to_le32(y);
	c->resource_id = cpu_to_le32(res_id);
	c->hot_x = cpu_to_le32(hot_x);
	c->hot_y = cpu_to_le32(hot_y);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_encode_cursor);

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
 * @out: the answer (PVGPU_MAX_SCANOUTS entries, little endian)
 *
 * Return: 0, -ENOMEM, -EIO (host error), -ETIMEDOUT, -ENODEV.
 */
int pvgpu_cmd_get_display_info(struct pvgpu_device *pvdev,
			       struct virtio_gpu_resp_display_info *out)
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
		memcpy(out, vbuf->resp, sizeof(*out));
	pvgpu_vbuf_put(pvdev, vbuf);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_cmd_get_display_info);

/**
 * pvgpu_cmd_get_edid() - GET_EDID for one scanout, waits for the answer
 * @pvdev: device with VIRTIO_GPU_F_EDID
 * @scanout: scanout id
 * @out: the answer (size, then up to 1024 bytes of EDID)
 *
 * Return: 0, -ENOMEM, -EINVAL/-EIO (host error), -ETIMEDOUT, -ENODEV.
 */
int pvgpu_cmd_get_edid(struct pvgpu_device *pvdev, u32 scanout,
		       struct virtio_gpu_resp_edid *out)
{
	struct virtio_gpu_cmd_get_edid *cmd;
	struct pvgpu_vbuf *vbuf;
	int ret;

	vbuf = pvgpu_vbuf_alloc(sizeof(*cmd), sizeof(*out), GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	cmd = vbuf->cmd;
	pvgpu_encode_hdr(&cmd->hdr, VIRTIO_GPU_CMD_GET_EDID, 0);
	cmd->scanout = cpu_to_le32(scanout);
	ret = pvgpu_vq_send_sync(&pvdev->ctrlq, vbuf);
	if (!ret)
		memcpy(out, vbuf->resp, sizeof(*out));
	pvgpu_vbuf_put(pvdev, vbuf);
	return ret;
}

/**
 * pvgpu_cmd_set_scanout() - show a framebuffer on a scanout (or nothing)
 * @pvdev: device
 * @scanout: scanout id
 * @bo: resource of the framebuffer, NULL disables the scanout
 * @fb: the framebuffer (for the layout of a blob), ignored without @bo
 * @r: source rectangle in the framebuffer, pixels
 *
 * SET_SCANOUT_BLOB for blob resources (VIRTIO_GPU_F_RESOURCE_BLOB),
 * SET_SCANOUT otherwise, as upstream virtio_gpu_primary_plane_update().
 * Queued and kicked, not waited for (the flush after it is).
 * Return: 0, -ENOMEM, -ETIMEDOUT, -ENODEV.
 */
int pvgpu_cmd_set_scanout(struct pvgpu_device *pvdev, u32 scanout,
			  struct pvgpu_bo *bo, struct drm_framebuffer *fb,
			  const struct virtio_gpu_rect *r)
{
	static const struct virtio_gpu_rect none;
	struct pvgpu_vbuf *vbuf;
	int ret;

	if (bo && bo->blob_mem) {
		u32 strides[4] = { 0 }, offsets[4] = { 0 };
		int i;

		vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_set_scanout_blob),
					0, GFP_KERNEL);
		if (!vbuf)
			return -ENOMEM;
		for (i = 0; i < fb->format->num_planes && i < 4; i++) {
			strides[i] = fb->pitches[i];
			offsets[i] = fb->offsets[i];
		}
		pvgpu_encode_set_scanout_blob(vbuf->cmd, scanout, bo->res_id,
					      pvgpu_format_to_virtio(fb->format->format),
					      fb->width, fb->height, strides,
					      offsets, r);
	} else {
		vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_set_scanout),
					0, GFP_KERNEL);
		if (!vbuf)
			return -ENOMEM;
		pvgpu_encode_set_scanout(vbuf->cmd, scanout, bo ? bo->res_id : 0,
					 bo ? r : &none);
	}
	ret = pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
	pvgpu_vq_kick(&pvdev->ctrlq);
	return ret;
}

/**
 * pvgpu_cmd_transfer_2d() - TRANSFER_TO_HOST_2D of a dumb resource
 * @pvdev: device
 * @bo: 2D resource; a reference is held until the host answered
 * @r: rectangle, pixels, inside the resource
 * @offset: byte offset of its first pixel in the backing
 * @wait: kick and wait for the answer (the cursor queue is not ordered
 *	  against the control queue); otherwise only queued, and the flush
 *	  that follows rides on the same notification
 *
 * Return: 0, -ENOMEM, -ETIMEDOUT, -ENODEV, host errors with @wait.
 */
int pvgpu_cmd_transfer_2d(struct pvgpu_device *pvdev, struct pvgpu_bo *bo,
			  const struct virtio_gpu_rect *r, u64 offset,
			  bool wait)
{
	struct pvgpu_vbuf *vbuf;
	int ret;

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_transfer_to_host_2d),
				0, GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	ret = pvgpu_vbuf_hold(vbuf, &bo->shmem.base);
	if (ret) {
		pvgpu_vbuf_put(pvdev, vbuf);
		return ret;
	}
	pvgpu_encode_transfer_2d(vbuf->cmd, bo->res_id, r, offset);
	if (!wait)
		return pvgpu_vq_queue(&pvdev->ctrlq, vbuf);
	ret = pvgpu_vq_send_sync(&pvdev->ctrlq, vbuf);
	pvgpu_vbuf_put(pvdev, vbuf);
	return ret;
}

/**
 * pvgpu_cmd_flush() - RESOURCE_FLUSH, waits for the host's answer
 * @pvdev: device
 * @res_id: resource on a scanout
 * @r: damaged rectangle, pixels
 *
 * The host answers once the flushed contents are on its display, so a
 * page flip completes only then (upstream waits on a fence of the flush).
 * Return: 0, host errors as pvgpu_resp_to_errno(), -ETIMEDOUT, -ENODEV,
 * -ENOMEM.
 */
int pvgpu_cmd_flush(struct pvgpu_device *pvdev, u32 res_id,
		    const struct virtio_gpu_rect *r)
{
	struct pvgpu_vbuf *vbuf;
	int ret;

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_resource_flush), 0,
				GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	pvgpu_encode_flush(vbuf->cmd, res_id, r);
	ret = pvgpu_vq_send_sync(&pvdev->ctrlq, vbuf);
	pvgpu_vbuf_put(pvdev, vbuf);
	return ret;
}

/**
 * pvgpu_cmd_cursor() - UPDATE_CURSOR / MOVE_CURSOR on the cursor queue
 * @pvdev: device
 * @type: VIRTIO_GPU_CMD_UPDATE_CURSOR or _MOVE_CURSOR
 * @scanout: scanout id
 * @x: image position on the scanout, pixels
 * @y: likewise
 * @res_id: cursor image resource, 0 hides it
 * @hot_x: hotspot in the image
 * @hot_y: likewise
 *
 * Queued and kicked. The device writes no response for cursor commands
 * (virtio spec 1.2, 5.7.6.10), so the response buffer starts as
 * RESP_OK_NODATA and stays that way.
 * Return: 0, -ENOMEM, -ETIMEDOUT, -ENODEV.
 */
int pvgpu_cmd_cursor(struct pvgpu_device *pvdev, u32 type, u32 scanout,
		     s32 x, s32 y, u32 res_id, u32 hot_x, u32 hot_y)
{
	struct virtio_gpu_ctrl_hdr *resp;
	struct pvgpu_vbuf *vbuf;
	int ret;

	vbuf = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_update_cursor), 0,
				GFP_KERNEL);
	if (!vbuf)
		return -ENOMEM;
	pvgpu_encode_cursor(vbuf->cmd, type, scanout, x, y, res_id, hot_x,
			    hot_y);
	resp = vbuf->resp;
	resp->type = cpu_to_le32(VIRTIO_GPU_RESP_OK_NODATA);
	ret = pvgpu_vq_queue(&pvdev->cursorq, vbuf);
	pvgpu_vq_kick(&pvdev->cursorq);
	return ret;
}

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
