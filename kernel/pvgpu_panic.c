// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - the panic screen (drm_panic).
 *
 * When the kernel panics, drm_panic draws its message into the buffer a
 * primary plane scans out (get_scanout_buffer) and asks the driver to show
 * it (panic_flush). A panicking kernel may not sleep, allocate or wait for
 * a lock another CPU holds: that CPU may have been stopped holding it.
 * So:
 *  - only a framebuffer the kernel already has mapped is drawn into: the
 *    fbdev console's dumb buffer (drm_fbdev_shmem keeps it vmapped); a user
 *    space framebuffer gives -ENODEV, as upstream virtio_gpu.ko's;
 *  - the two commands that show it (TRANSFER_TO_HOST_2D of the whole
 *    buffer, RESOURCE_FLUSH) are allocated when the plane is created and
 *    go out with pvgpu_vq_queue_panic(), which only tries the queue lock,
 *    never waits for ring space and never waits for the host's answer.
 * A command still in flight from an earlier panic screen (the debugfs
 * trigger of CONFIG_DRM_PANIC_DEBUG can draw many) is not reused: that
 * screen is skipped.
 *
 * Follows include/drm/drm_panic.h and drivers/gpu/drm/drm_panic.c (6.12).
 */
#include <linux/iosys-map.h>

#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_managed.h>
#include <drm/drm_panic.h>
#include <drm/drm_plane.h>

#include "pvgpu_drv.h"

/**
 * struct pvgpu_panic - the commands of one plane's panic screen
 * @transfer: TRANSFER_TO_HOST_2D; one reference is ours, a second one is
 *	      the queue's while the command is in flight
 * @flush: RESOURCE_FLUSH, likewise
 */
struct pvgpu_panic {
	struct pvgpu_vbuf *transfer;
	struct pvgpu_vbuf *flush;
};

static void pvgpu_panic_release(struct drm_device *dev, void *arg)
{
	struct pvgpu_panic *panic = arg;

	/* The queue's references are gone: pvgpu_vq_drain() ran at removal. */
	pvgpu_vbuf_put(NULL, panic->transfer);
	pvgpu_vbuf_put(NULL, panic->flush);
}

/**
 * pvgpu_panic_alloc() - the commands of a primary plane's panic screen
 * @pvdev: device
 *
 * drmm-managed; process context.
 * Return: the commands, or NULL when out of memory (the plane then has no
 * panic screen; nothing else changes).
 */
struct pvgpu_panic *pvgpu_panic_alloc(struct pvgpu_device *pvdev)
{
	struct pvgpu_panic *panic;

	panic = drmm_kzalloc(&pvdev->drm, sizeof(*panic), GFP_KERNEL);
	if (!panic)
		return NULL;
	panic->transfer = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_transfer_to_host_2d),
					   0, GFP_KERNEL);
	panic->flush = pvgpu_vbuf_alloc(sizeof(struct virtio_gpu_resource_flush),
					0, GFP_KERNEL);
	if (!panic->transfer || !panic->flush) {
		if (panic->transfer)
			pvgpu_vbuf_put(NULL, panic->transfer);
		if (panic->flush)
			pvgpu_vbuf_put(NULL, panic->flush);
		return NULL;
	}
	if (drmm_add_action_or_reset(&pvdev->drm, pvgpu_panic_release, panic))
		return NULL;
	return panic;
}

/**
 * pvgpu_panic_scanout_buffer() - where drm_panic draws on a primary plane
 * @plane: the primary plane (its current state, read without locks: the
 *	   atomic helpers swap states under drm_panic_lock())
 * @sb: filled in: format, size, pitch and kernel address of the buffer
 *
 * Panic context. Return: 0, or -ENODEV when the plane shows nothing or a
 * buffer the kernel has not mapped (a user space framebuffer, a blob).
 */
int pvgpu_panic_scanout_buffer(struct drm_plane *plane,
			       struct drm_scanout_buffer *sb)
{
	struct drm_plane_state *state = plane->state;
	struct drm_framebuffer *fb;
	struct pvgpu_bo *bo;
	void *vaddr;

	if (!state || !state->fb || !state->visible)
		return -ENODEV;
	fb = state->fb;
	bo = to_pvgpu_bo(fb->obj[0]);
	vaddr = READ_ONCE(bo->shmem.vaddr);
	if (!bo->dumb || !vaddr)
		return -ENODEV;
	sb->format = fb->format;
	sb->width = fb->width;
	sb->height = fb->height;
	sb->pitch[0] = fb->pitches[0];
	iosys_map_set_vaddr(&sb->map[0], vaddr + fb->offsets[0]);
	return 0;
}

/**
 * pvgpu_panic_show() - copy a drawn panic screen to the host and show it
 * @pvdev: device
 * @panic: the plane's commands (pvgpu_panic_alloc()); NULL does nothing
 * @fb: the framebuffer drawn into (pvgpu_panic_scanout_buffer() accepted it)
 *
 * Panic context: queues the whole buffer's TRANSFER_TO_HOST_2D and
 * RESOURCE_FLUSH on the control queue and notifies the device, or gives up
 * without waiting (queue lock taken, ring full, earlier screen in flight).
 */
void pvgpu_panic_show(struct pvgpu_device *pvdev, struct pvgpu_panic *panic,
		      struct drm_framebuffer *fb)
{
	struct pvgpu_bo *bo = to_pvgpu_bo(fb->obj[0]);
	struct virtio_gpu_rect r = {
		.width = min_t(u32, fb->width, bo->width),
		.height = min_t(u32, fb->height, bo->height),
	};

	if (!panic)
		return;
	/* Only our own reference left: neither command is in flight. */
	if (refcount_read(&panic->transfer->refs) != 1 ||
	    refcount_read(&panic->flush->refs) != 1)
		return;
	pvgpu_encode_transfer_2d(panic->transfer->cmd, bo->res_id, &r,
				 fb->offsets[0]);
	pvgpu_encode_flush(panic->flush->cmd, bo->res_id, &r);
	/* The queue's references, dropped when the host answers. */
	refcount_inc(&panic->transfer->refs);
	if (pvgpu_vq_queue_panic(&pvdev->ctrlq, panic->transfer)) {
		refcount_dec(&panic->transfer->refs);
		return;
	}
	refcount_inc(&panic->flush->refs);
	if (pvgpu_vq_queue_panic(&pvdev->ctrlq, panic->flush))
		refcount_dec(&panic->flush->refs);
	pvgpu_vq_kick_panic(&pvdev->ctrlq);
}
