// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - the primary and cursor planes of each output.
 *
 * A primary plane update copies the damaged rectangle of a dumb buffer to
 * the host (TRANSFER_TO_HOST_2D; blob and 3D resources need no copy),
 * points the scanout at the framebuffer when it, the source or the mode
 * changed (SET_SCANOUT, or SET_SCANOUT_BLOB for blobs), and flushes the
 * damaged rectangle, waiting for the host's answer so that the page flip
 * completes only once the host shows the new contents. The cursor plane
 * uploads its 64x64 image and sends UPDATE_CURSOR, or MOVE_CURSOR when only
 * the position changed, on the cursor queue. The primary plane also offers
 * the panic screen its buffer (pvgpu_panic.c).
 *
 * Follows upstream drivers/gpu/drm/virtio/virtgpu_plane.c (6.12).
 */
#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_managed.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>

#include "pvgpu_drv.h"

/* Formats the primary plane scans out (pvgpu_format_to_virtio()). */
const u32 pvgpu_primary_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
};
EXPORT_SYMBOL_IF_KUNIT(pvgpu_primary_formats);
const unsigned int pvgpu_num_primary_formats =
	ARRAY_SIZE(pvgpu_primary_formats);
EXPORT_SYMBOL_IF_KUNIT(pvgpu_num_primary_formats);

static const u32 pvgpu_cursor_formats[] = {
	DRM_FORMAT_ARGB8888,
};

/**
 * struct pvgpu_plane - a plane and the scanout it belongs to
 * @base: the DRM plane
 * @index: scanout id
 * @panic: the panic screen's commands (primary planes; NULL without)
 */
struct pvgpu_plane {
	struct drm_plane base;
	u32 index;
	struct pvgpu_panic *panic;
};

static inline struct pvgpu_plane *to_pvgpu_plane(struct drm_plane *plane)
{
	return container_of(plane, struct pvgpu_plane, base);
}

/**
 * pvgpu_plane_damage() - the rectangle of a plane update to copy and flush
 * @old: plane state before the commit
 * @new: plane state of the commit
 * @full: the whole source must go out (new framebuffer or mode)
 * @rect: the merged damage, in framebuffer pixels
 *
 * FB_DAMAGE_CLIPS are merged into one bounding rectangle (one transfer and
 * one flush per update, as upstream); without clips, or with @full, the
 * whole visible source.
 * Return: false when nothing is to be sent.
 */
bool pvgpu_plane_damage(const struct drm_plane_state *old,
			struct drm_plane_state *new, bool full,
			struct drm_rect *rect)
{
	if (!new->fb || !new->visible)
		return false;
	if (full) {
		*rect = drm_plane_state_src(new);
		rect->x1 >>= 16;
		rect->y1 >>= 16;
		rect->x2 = DIV_ROUND_UP(rect->x2, 1 << 16);
		rect->y2 = DIV_ROUND_UP(rect->y2, 1 << 16);
		return drm_rect_width(rect) > 0 && drm_rect_height(rect) > 0;
	}
	return drm_atomic_helper_damage_merged(old, new, rect);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_plane_damage);

/**
 * pvgpu_cursor_check_size() - the device's cursor is 64x64
 * @fb: framebuffer of the cursor plane
 *
 * Return: 0, or -EINVAL for any other size.
 */
int pvgpu_cursor_check_size(const struct drm_framebuffer *fb)
{
	if (fb->width != PVGPU_CURSOR_SIZE || fb->height != PVGPU_CURSOR_SIZE)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_cursor_check_size);

static void pvgpu_rect_to_virtio(const struct drm_rect *r,
				 struct virtio_gpu_rect *out)
{
	out->x = r->x1;
	out->y = r->y1;
	out->width = drm_rect_width(r);
	out->height = drm_rect_height(r);
}

static int pvgpu_plane_atomic_check(struct drm_plane *plane,
				    struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	bool is_cursor = plane->type == DRM_PLANE_TYPE_CURSOR;
	struct drm_crtc_state *crtc_state;
	int ret;

	if (!new->fb || WARN_ON(!new->crtc))
		return 0;
	crtc_state = drm_atomic_get_crtc_state(state, new->crtc);
	if (IS_ERR(crtc_state))
		return PTR_ERR(crtc_state);
	ret = drm_atomic_helper_check_plane_state(new, crtc_state,
						  DRM_PLANE_NO_SCALING,
						  DRM_PLANE_NO_SCALING,
						  is_cursor, true);
	if (ret)
		return ret;
	if (is_cursor) {
		ret = pvgpu_cursor_check_size(new->fb);
		/* The image is uploaded with TRANSFER_TO_HOST_2D. */
		if (!ret && !to_pvgpu_bo(new->fb->obj[0])->dumb)
			ret = -EINVAL;
	}
	return ret;
}

static void pvgpu_primary_update(struct drm_plane *plane,
				 struct drm_atomic_state *state)
{
	struct drm_plane_state *old = drm_atomic_get_old_plane_state(state, plane);
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct pvgpu_device *pvdev = to_pvgpu(plane->dev);
	u32 index = to_pvgpu_plane(plane)->index;
	struct drm_crtc_state *crtc_state = NULL;
	struct virtio_gpu_rect vr;
	struct drm_rect damage;
	struct pvgpu_bo *bo;
	bool rescan;

	if (new->crtc)
		crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);
	if (!new->fb || !new->visible || !crtc_state || !crtc_state->active) {
		if (old->fb)
			pvgpu_cmd_set_scanout(pvdev, index, NULL, NULL, NULL);
		return;
	}

	bo = to_pvgpu_bo(new->fb->obj[0]);
	rescan = old->fb != new->fb || !old->visible ||
		 !drm_rect_equals(&old->src, &new->src) ||
		 drm_atomic_crtc_needs_modeset(crtc_state);
	if (!pvgpu_plane_damage(old, new, rescan, &damage))
		return;

	if (bo->dumb) {
		u32 cpp = new->fb->format->cpp[0];

		/* Never past the resource: the host would reject the copy. */
		damage.x2 = min_t(int, damage.x2, bo->width);
		damage.y2 = min_t(int, damage.y2, bo->height);
		if (drm_rect_width(&damage) <= 0 || drm_rect_height(&damage) <= 0)
			return;
		pvgpu_rect_to_virtio(&damage, &vr);
		pvgpu_cmd_transfer_2d(pvdev, bo, &vr,
				      new->fb->offsets[0] +
				      (u64)damage.y1 * new->fb->pitches[0] +
				      (u64)damage.x1 * cpp, false);
	}
	if (rescan) {
		struct drm_rect src = drm_plane_state_src(new);
		struct virtio_gpu_rect sr = {
			.x = src.x1 >> 16,
			.y = src.y1 >> 16,
			.width = drm_rect_width(&src) >> 16,
			.height = drm_rect_height(&src) >> 16,
		};

		pvgpu_cmd_set_scanout(pvdev, index, bo, new->fb, &sr);
	}
	pvgpu_rect_to_virtio(&damage, &vr);
	pvgpu_cmd_flush(pvdev, bo->res_id, &vr);
}

static void pvgpu_cursor_update(struct drm_plane *plane,
				struct drm_atomic_state *state)
{
	struct drm_plane_state *old = drm_atomic_get_old_plane_state(state, plane);
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct pvgpu_device *pvdev = to_pvgpu(plane->dev);
	u32 index = to_pvgpu_plane(plane)->index;
	struct pvgpu_bo *bo;
	int ret;

	if (!new->fb || !new->visible) {
		if (old->fb)
			pvgpu_cmd_cursor(pvdev, VIRTIO_GPU_CMD_UPDATE_CURSOR,
					 index, 0, 0, 0, 0, 0);
		return;
	}
	bo = to_pvgpu_bo(new->fb->obj[0]);
	if (old->fb == new->fb) {
		pvgpu_cmd_cursor(pvdev, VIRTIO_GPU_CMD_MOVE_CURSOR, index,
				 new->crtc_x, new->crtc_y, bo->res_id, 0, 0);
		return;
	}

	/*
	 * A new image: the copy must have landed before the cursor queue's
	 * UPDATE_CURSOR reads the resource, and the two queues are not
	 * ordered against each other, so the copy is waited for.
	 */
	ret = pvgpu_cmd_transfer_2d(pvdev, bo, &(struct virtio_gpu_rect) {
					.width = PVGPU_CURSOR_SIZE,
					.height = PVGPU_CURSOR_SIZE,
				    }, new->fb->offsets[0], true);
	if (ret) {
		drm_dbg_driver(&pvdev->drm, "cursor upload: %d\n", ret);
		return;
	}
	pvgpu_cmd_cursor(pvdev, VIRTIO_GPU_CMD_UPDATE_CURSOR, index,
			 new->crtc_x, new->crtc_y, bo->res_id,
			 new->hotspot_x, new->hotspot_y);
}

/* drm_panic drew into the buffer pvgpu_panic_scanout_buffer() gave it. */
static void pvgpu_primary_panic_flush(struct drm_plane *plane)
{
	pvgpu_panic_show(to_pvgpu(plane->dev), to_pvgpu_plane(plane)->panic,
			 plane->state->fb);
}

static const struct drm_plane_helper_funcs pvgpu_primary_helper_funcs = {
	.atomic_check = pvgpu_plane_atomic_check,
	.atomic_update = pvgpu_primary_update,
	.get_scanout_buffer = pvgpu_panic_scanout_buffer,
	.panic_flush = pvgpu_primary_panic_flush,
};

static const struct drm_plane_helper_funcs pvgpu_cursor_helper_funcs = {
	.atomic_check = pvgpu_plane_atomic_check,
	.atomic_update = pvgpu_cursor_update,
};

static const struct drm_plane_funcs pvgpu_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.reset = drm_atomic_helper_plane_reset,
	.atomic_duplicate_state = drm_atomic_helper_plane_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_plane_destroy_state,
};

/**
 * pvgpu_plane_create() - a primary or cursor plane for one scanout
 * @pvdev: device
 * @type: DRM_PLANE_TYPE_PRIMARY or DRM_PLANE_TYPE_CURSOR
 * @index: scanout id (the plane can only go on that output's CRTC)
 *
 * drmm-managed. The primary plane takes FB_DAMAGE_CLIPS, the cursor plane
 * the hotspot properties (HOTSPOT_X/Y, added by the core).
 * Return: the plane or an ERR_PTR.
 */
struct drm_plane *pvgpu_plane_create(struct pvgpu_device *pvdev,
				     enum drm_plane_type type, u32 index)
{
	bool cursor = type == DRM_PLANE_TYPE_CURSOR;
	struct pvgpu_plane *p;

	p = drmm_universal_plane_alloc(&pvdev->drm, struct pvgpu_plane, base,
				       BIT(index), &pvgpu_plane_funcs,
				       cursor ? pvgpu_cursor_formats :
						pvgpu_primary_formats,
				       cursor ? ARRAY_SIZE(pvgpu_cursor_formats) :
						ARRAY_SIZE(pvgpu_primary_formats),
				       NULL, type, NULL);
	if (IS_ERR(p))
		return ERR_CAST(p);
	p->index = index;
	if (cursor) {
		/* HOTSPOT_X/Y: the core adds them (DRIVER_CURSOR_HOTSPOT). */
		drm_plane_helper_add(&p->base, &pvgpu_cursor_helper_funcs);
	} else {
		drm_plane_helper_add(&p->base, &pvgpu_primary_helper_funcs);
		drm_plane_enable_fb_damage_clips(&p->base);
		p->panic = pvgpu_panic_alloc(pvdev);
	}
	return &p->base;
}
