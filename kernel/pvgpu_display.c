// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - modesetting: one output (CRTC, primary and cursor plane, encoder,
 * Virtual connector) per scanout, modes and connector state from
 * GET_DISPLAY_INFO and GET_EDID, hotplug from the config-change interrupt,
 * a simulated vblank per CRTC, and framebuffers of dumb and blob resources.
 *
 * Behaviour follows upstream drivers/gpu/drm/virtio/virtgpu_display.c
 * (6.12); the vblank timer is vkms' idiom (drivers/gpu/drm/vkms/vkms_crtc.c),
 * since the device has no vblank of its own. The planes are in
 * pvgpu_plane.c.
 *
 * Locking: pvgpu_device.display_lock protects what the host told us about
 * each scanout (the output's @info and @edid); it is taken by the connector
 * probe helpers and by pvgpu_display_refresh(), never in atomic context.
 */
#include <linux/hrtimer.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_damage_helper.h>
#include <drm/drm_edid.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>

#include "pvgpu_drv.h"

/* ---- device-free helpers (KUnit: pvgpu_display_test.c) ---------------- */

/**
 * pvgpu_format_to_virtio() - DRM fourcc to VIRTIO_GPU_FORMAT_*
 * @drm_format: DRM_FORMAT_* (little-endian packed pixels)
 *
 * The virtio names are byte orders in memory, DRM's are bit orders of a
 * little-endian word: DRM_FORMAT_XRGB8888 is B, G, R, X in memory.
 * Return: the virtio format, 0 for a format the device does not scan out.
 */
u32 pvgpu_format_to_virtio(u32 drm_format)
{
	switch (drm_format) {
	case DRM_FORMAT_XRGB8888:
		return VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM;
	case DRM_FORMAT_ARGB8888:
		return VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM;
	case DRM_FORMAT_XBGR8888:
		return VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM;
	case DRM_FORMAT_ABGR8888:
		return VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_format_to_virtio);

/**
 * pvgpu_mode_check() - whether a mode's size can be scanned out
 * @width: active pixels per line
 * @height: active lines
 *
 * Return: 0, or -EINVAL below 32x32 or above 8192x8192 (upstream's
 * XRES_MIN/XRES_MAX).
 */
int pvgpu_mode_check(u32 width, u32 height)
{
	if (width < PVGPU_XRES_MIN || height < PVGPU_XRES_MIN ||
	    width > PVGPU_XRES_MAX || height > PVGPU_XRES_MAX)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_mode_check);

/**
 * pvgpu_display_info_mode() - the preferred size a display-info entry gives
 * @info: one GET_DISPLAY_INFO entry (little endian)
 * @width: 0 when the entry gives no usable size
 * @height: likewise
 *
 * The host puts the window size in r.width/r.height; sizes outside
 * pvgpu_mode_check() are ignored (the connector then prefers 1024x768).
 */
void pvgpu_display_info_mode(const struct virtio_gpu_display_one *info,
			     u32 *width, u32 *height)
{
	u32 w = le32_to_cpu(info->r.width), h = le32_to_cpu(info->r.height);

	if (pvgpu_mode_check(w, h)) {
		*width = 0;
		*height = 0;
		return;
	}
	*width = w;
	*height = h;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_display_info_mode);

/**
 * pvgpu_edid_parse() - the EDID of a GET_EDID answer
 * @resp: the answer (little endian size, then up to 1024 bytes)
 *
 * A size beyond the 1024-byte field is clamped to it. The EDID is the base
 * block and the extension blocks its byte 126 counts (drm_edid_valid()
 * wants the exact size); fewer bytes than that is a truncated EDID. A block
 * that fails drm_edid_valid() (header, checksum, version) is dropped.
 * Return: a new drm_edid (drm_edid_free() it), or NULL for none or invalid.
 */
const struct drm_edid *pvgpu_edid_parse(const struct virtio_gpu_resp_edid *resp)
{
	u32 size = min_t(u32, le32_to_cpu(resp->size), sizeof(resp->edid));
	const struct drm_edid *edid;
	u32 need;

	if (size < EDID_LENGTH)
		return NULL;
	need = (resp->edid[0x7e] + 1) * EDID_LENGTH;
	if (need > size)
		return NULL;
	edid = drm_edid_alloc(resp->edid, need);
	if (edid && !drm_edid_valid(edid)) {
		drm_edid_free(edid);
		return NULL;
	}
	return edid;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_edid_parse);

/* ---- connector -------------------------------------------------------- */

static int pvgpu_conn_get_modes(struct drm_connector *connector)
{
	struct pvgpu_device *pvdev = to_pvgpu(connector->dev);
	struct pvgpu_output *output = connector_to_output(connector);
	struct drm_display_mode *mode;
	u32 width, height;
	int count;

	mutex_lock(&pvdev->display_lock);
	drm_edid_connector_update(connector, output->edid);
	count = output->edid ? drm_edid_connector_add_modes(connector) : 0;
	pvgpu_display_info_mode(&output->info, &width, &height);
	mutex_unlock(&pvdev->display_lock);
	if (count)
		return count;

	/* No EDID: the usual list up to the maximum, the host's size first. */
	count = drm_add_modes_noedid(connector, PVGPU_XRES_MAX, PVGPU_XRES_MAX);
	if (width) {
		mode = drm_cvt_mode(connector->dev, width, height, 60, false,
				    false, false);
		if (mode) {
			mode->type |= DRM_MODE_TYPE_PREFERRED |
				      DRM_MODE_TYPE_DRIVER;
			drm_mode_probed_add(connector, mode);
			count++;
		}
	} else {
		drm_set_preferred_mode(connector, PVGPU_XRES_DEF,
				       PVGPU_YRES_DEF);
	}
	return count;
}

static enum drm_mode_status
pvgpu_conn_mode_valid(struct drm_connector *connector,
		      struct drm_display_mode *mode)
{
	if (pvgpu_mode_check(mode->hdisplay, mode->vdisplay))
		return mode->hdisplay < PVGPU_XRES_MIN ||
		       mode->vdisplay < PVGPU_XRES_MIN ? MODE_BAD :
		       MODE_BAD_WIDTH;
	return MODE_OK;
}

static int pvgpu_conn_detect_ctx(struct drm_connector *connector,
				 struct drm_modeset_acquire_ctx *ctx,
				 bool force)
{
	struct pvgpu_device *pvdev = to_pvgpu(connector->dev);
	struct pvgpu_output *output = connector_to_output(connector);
	bool enabled;

	mutex_lock(&pvdev->display_lock);
	enabled = le32_to_cpu(output->info.enabled);
	mutex_unlock(&pvdev->display_lock);
	return enabled ? connector_status_connected :
			 connector_status_disconnected;
}

static const struct drm_connector_helper_funcs pvgpu_conn_helper_funcs = {
	.get_modes = pvgpu_conn_get_modes,
	.mode_valid = pvgpu_conn_mode_valid,
	.detect_ctx = pvgpu_conn_detect_ctx,
};

static const struct drm_connector_funcs pvgpu_conn_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/* ---- CRTC and simulated vblank ---------------------------------------- */

static enum hrtimer_restart pvgpu_vblank_fire(struct hrtimer *timer)
{
	struct pvgpu_output *output =
		container_of(timer, struct pvgpu_output, vblank_timer);

	/* Pairs with the WRITE_ONCE()s in enable/disable_vblank. */
	if (!READ_ONCE(output->vblank_on))
		return HRTIMER_NORESTART;
	/*
	 * Forward first: pvgpu_crtc_get_vblank_timestamp() reads this
	 * vblank's due time as one period before the new expiry.
	 */
	hrtimer_forward_now(timer, output->period_ns);
	drm_crtc_handle_vblank(&output->crtc);
	return HRTIMER_RESTART;
}

/*
 * A vblank's time is when the timer was due, not when its handler ran: a
 * guest under TCG runs the handler milliseconds late at times, and clients
 * (IGT's kms_flip and kms_vblank, compositors pacing frames) measure the
 * frame time from these stamps. The handler has forwarded the timer, so
 * the current vblank was due one period before the expiry. vkms' idiom
 * (vkms_get_vblank_timestamp(), drivers/gpu/drm/vkms/vkms_crtc.c).
 */
static bool pvgpu_crtc_get_vblank_timestamp(struct drm_crtc *crtc,
					    int *max_error, ktime_t *vblank_time,
					    bool in_vblank_irq)
{
	struct pvgpu_output *output = crtc_to_output(crtc);
	struct drm_vblank_crtc *vblank = drm_crtc_vblank_crtc(crtc);

	if (!READ_ONCE(vblank->enabled)) {
		*vblank_time = ktime_get();
		return true;
	}
	*vblank_time = ktime_sub(hrtimer_get_expires(&output->vblank_timer),
				 output->period_ns);
	return true;
}

static int pvgpu_crtc_enable_vblank(struct drm_crtc *crtc)
{
	struct pvgpu_output *output = crtc_to_output(crtc);
	struct drm_vblank_crtc *vblank = drm_crtc_vblank_crtc(crtc);

	output->period_ns = ns_to_ktime(vblank->framedur_ns ?: NSEC_PER_SEC / 60);
	WRITE_ONCE(output->vblank_on, true);
	hrtimer_start(&output->vblank_timer, output->period_ns,
		      HRTIMER_MODE_REL);
	return 0;
}

static void pvgpu_crtc_disable_vblank(struct drm_crtc *crtc)
{
	struct pvgpu_output *output = crtc_to_output(crtc);

	/*
	 * Called under the vblank spinlock the timer's handler takes: a
	 * synchronous cancel could deadlock. The flag stops a handler that
	 * is already running from re-arming.
	 */
	WRITE_ONCE(output->vblank_on, false);
	hrtimer_try_to_cancel(&output->vblank_timer);
}

static const struct drm_crtc_funcs pvgpu_crtc_funcs = {
	.reset = drm_atomic_helper_crtc_reset,
	.destroy = NULL,		/* drmm_crtc_init_with_planes() */
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.atomic_duplicate_state = drm_atomic_helper_crtc_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_crtc_destroy_state,
	.enable_vblank = pvgpu_crtc_enable_vblank,
	.disable_vblank = pvgpu_crtc_disable_vblank,
	.get_vblank_timestamp = pvgpu_crtc_get_vblank_timestamp,
};

static enum drm_mode_status
pvgpu_crtc_mode_valid(struct drm_crtc *crtc, const struct drm_display_mode *mode)
{
	return pvgpu_mode_check(mode->hdisplay, mode->vdisplay) ? MODE_BAD :
								MODE_OK;
}

static void pvgpu_crtc_atomic_enable(struct drm_crtc *crtc,
				     struct drm_atomic_state *state)
{
	drm_crtc_vblank_on(crtc);
}

/*
 * A display goes dark at the end of the frame it is scanning out, so the
 * commit that turns the CRTC off completes, and its event goes out (from
 * pvgpu_crtc_atomic_flush(), which runs after this), at the next simulated
 * vblank, as on hardware: a client that polls right after a non-blocking
 * disable finds no event yet (IGT's kms_cursor_legacy
 * nonblocking-modeset-vs-cursor-atomic checks this). The wait is bounded;
 * past it the CRTC goes off anyway.
 */
#define PVGPU_DISABLE_WAIT_MS 100

static void pvgpu_crtc_atomic_disable(struct drm_crtc *crtc,
				      struct drm_atomic_state *state)
{
	if (drm_crtc_vblank_get(crtc) == 0) {
		u64 seq = drm_crtc_vblank_count(crtc);

		wait_event_timeout(*drm_crtc_vblank_waitqueue(crtc),
				   drm_crtc_vblank_count(crtc) != seq,
				   msecs_to_jiffies(PVGPU_DISABLE_WAIT_MS));
		drm_crtc_vblank_put(crtc);
	}
	drm_crtc_vblank_off(crtc);
}

/*
 * The planes' updates ran before this (and waited for the host's flush):
 * the flip event goes out at the next simulated vblank, or at once when
 * the CRTC is off.
 */
static void pvgpu_crtc_atomic_flush(struct drm_crtc *crtc,
				    struct drm_atomic_state *state)
{
	struct drm_pending_vblank_event *event = crtc->state->event;

	if (!event)
		return;
	crtc->state->event = NULL;
	/* event_lock protects the device's pending event lists. */
	spin_lock_irq(&crtc->dev->event_lock);
	if (drm_crtc_vblank_get(crtc) == 0)
		drm_crtc_arm_vblank_event(crtc, event);
	else
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

static const struct drm_crtc_helper_funcs pvgpu_crtc_helper_funcs = {
	.mode_valid = pvgpu_crtc_mode_valid,
	.atomic_enable = pvgpu_crtc_atomic_enable,
	.atomic_disable = pvgpu_crtc_atomic_disable,
	.atomic_flush = pvgpu_crtc_atomic_flush,
};

/* ---- framebuffers and mode config ------------------------------------- */

static const struct drm_framebuffer_funcs pvgpu_fb_funcs = {
	.destroy = drm_gem_fb_destroy,
	.create_handle = drm_gem_fb_create_handle,
	.dirty = drm_atomic_helper_dirtyfb,
};

/*
 * Framebuffers of our own resources only, one plane, in a format a plane
 * takes (the core checks the format against the planes, the GEM helper
 * the sizes against the object).
 */
static struct drm_framebuffer *
pvgpu_fb_create(struct drm_device *dev, struct drm_file *file,
		const struct drm_mode_fb_cmd2 *cmd)
{
	struct drm_framebuffer *fb;

	if (!pvgpu_format_to_virtio(cmd->pixel_format))
		return ERR_PTR(-EINVAL);
	fb = drm_gem_fb_create_with_funcs(dev, file, cmd, &pvgpu_fb_funcs);
	if (IS_ERR(fb))
		return fb;
	if (fb->format->num_planes != 1 || !pvgpu_is_bo(fb->obj[0])) {
		drm_framebuffer_put(fb);
		return ERR_PTR(-EINVAL);
	}
	return fb;
}

static const struct drm_mode_config_funcs pvgpu_mode_funcs = {
	.fb_create = pvgpu_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

/* ---- outputs ---------------------------------------------------------- */

static int pvgpu_output_init(struct pvgpu_device *pvdev, u32 index)
{
	struct pvgpu_output *output = &pvdev->outputs[index];
	struct drm_device *dev = &pvdev->drm;
	int ret;

	output->index = index;
	hrtimer_init(&output->vblank_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	output->vblank_timer.function = pvgpu_vblank_fire;

	output->primary = pvgpu_plane_create(pvdev, DRM_PLANE_TYPE_PRIMARY,
					     index);
	if (IS_ERR(output->primary))
		return PTR_ERR(output->primary);
	output->cursor = pvgpu_plane_create(pvdev, DRM_PLANE_TYPE_CURSOR,
					    index);
	if (IS_ERR(output->cursor))
		return PTR_ERR(output->cursor);

	ret = drmm_crtc_init_with_planes(dev, &output->crtc, output->primary,
					 output->cursor, &pvgpu_crtc_funcs,
					 NULL);
	if (ret)
		return ret;
	drm_crtc_helper_add(&output->crtc, &pvgpu_crtc_helper_funcs);

	ret = drmm_encoder_init(dev, &output->encoder, NULL,
				DRM_MODE_ENCODER_VIRTUAL, NULL);
	if (ret)
		return ret;
	output->encoder.possible_crtcs = drm_crtc_mask(&output->crtc);

	ret = drmm_connector_init(dev, &output->connector, &pvgpu_conn_funcs,
				  DRM_MODE_CONNECTOR_VIRTUAL, NULL);
	if (ret)
		return ret;
	drm_connector_helper_add(&output->connector, &pvgpu_conn_helper_funcs);
	output->connector.polled = DRM_CONNECTOR_POLL_HPD;
	return drm_connector_attach_encoder(&output->connector,
					    &output->encoder);
}

/**
 * pvgpu_display_refresh() - re-read display info and EDIDs from the host
 * @pvdev: device with KMS
 * @notify: send a hotplug uevent afterwards (config-change interrupt)
 *
 * Process context; sleeps for the host's answers. A failed read keeps the
 * previous state (and is logged): the connector then reports what it
 * reported before.
 */
void pvgpu_display_refresh(struct pvgpu_device *pvdev, bool notify)
{
	struct virtio_gpu_resp_display_info *info;
	struct virtio_gpu_resp_edid *edid;
	u32 i;
	int ret;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	edid = kzalloc(sizeof(*edid), GFP_KERNEL);
	if (!info || !edid)
		goto out_free;

	ret = pvgpu_cmd_get_display_info(pvdev, info);
	if (ret) {
		drm_err(&pvdev->drm, "GET_DISPLAY_INFO failed: %d\n", ret);
		goto out_free;
	}
	mutex_lock(&pvdev->display_lock);
	for (i = 0; i < pvdev->num_scanouts; i++)
		pvdev->outputs[i].info = info->pmodes[i];
	mutex_unlock(&pvdev->display_lock);

	for (i = 0; pvdev->has_edid && i < pvdev->num_scanouts; i++) {
		const struct drm_edid *new, *old;

		ret = pvgpu_cmd_get_edid(pvdev, i, edid);
		if (ret) {
			drm_dbg_driver(&pvdev->drm, "GET_EDID %u: %d\n", i, ret);
			continue;
		}
		new = pvgpu_edid_parse(edid);
		if (!new && le32_to_cpu(edid->size))
			drm_dbg_driver(&pvdev->drm, "scanout %u: invalid EDID\n",
				       i);
		mutex_lock(&pvdev->display_lock);
		old = pvdev->outputs[i].edid;
		pvdev->outputs[i].edid = new;
		mutex_unlock(&pvdev->display_lock);
		drm_edid_free(old);
	}
	if (notify)
		drm_kms_helper_hotplug_event(&pvdev->drm);

out_free:
	kfree(edid);
	kfree(info);
}

/* drmm action: the EDIDs and timers outlive nothing else. */
static void pvgpu_display_release(struct drm_device *dev, void *unused)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	u32 i;

	for (i = 0; i < pvdev->num_scanouts; i++) {
		hrtimer_cancel(&pvdev->outputs[i].vblank_timer);
		drm_edid_free(pvdev->outputs[i].edid);
	}
}

/**
 * pvgpu_display_init() - set up KMS: mode config, outputs, vblank
 * @pvdev: device with num_scanouts > 0 (clamped to PVGPU_MAX_SCANOUTS)
 *
 * Reads display info and EDIDs once (a failure there leaves the
 * connectors disconnected instead of failing probe).
 * Return: 0, -ENOMEM, or what the DRM init helpers return.
 */
int pvgpu_display_init(struct pvgpu_device *pvdev)
{
	struct drm_device *dev = &pvdev->drm;
	u32 i;
	int ret;

	pvdev->num_scanouts = min_t(u32, pvdev->num_scanouts,
				    PVGPU_MAX_SCANOUTS);
	ret = drmm_mode_config_init(dev);
	if (ret)
		return ret;
	dev->mode_config.funcs = &pvgpu_mode_funcs;
	dev->mode_config.min_width = PVGPU_XRES_MIN;
	dev->mode_config.min_height = PVGPU_XRES_MIN;
	dev->mode_config.max_width = PVGPU_XRES_MAX;
	dev->mode_config.max_height = PVGPU_XRES_MAX;
	dev->mode_config.cursor_width = PVGPU_CURSOR_SIZE;
	dev->mode_config.cursor_height = PVGPU_CURSOR_SIZE;
	dev->mode_config.preferred_depth = 24;

	pvdev->outputs = drmm_kcalloc(dev, pvdev->num_scanouts,
				      sizeof(*pvdev->outputs), GFP_KERNEL);
	if (!pvdev->outputs)
		return -ENOMEM;
	for (i = 0; i < pvdev->num_scanouts; i++) {
		ret = pvgpu_output_init(pvdev, i);
		if (ret)
			return ret;
	}
	ret = drmm_add_action_or_reset(dev, pvgpu_display_release, NULL);
	if (ret)
		return ret;
	ret = drm_vblank_init(dev, pvdev->num_scanouts);
	if (ret)
		return ret;
	drm_mode_config_reset(dev);
	pvgpu_display_refresh(pvdev, false);
	return 0;
}

/**
 * pvgpu_display_fini() - turn the outputs off before the device goes away
 * @pvdev: device with KMS, still able to talk to the host
 */
void pvgpu_display_fini(struct pvgpu_device *pvdev)
{
	u32 i;

	drm_atomic_helper_shutdown(&pvdev->drm);
	for (i = 0; i < pvdev->num_scanouts; i++)
		hrtimer_cancel(&pvdev->outputs[i].vblank_timer);
}
