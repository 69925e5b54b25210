// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - VIRTGPU_EXECBUFFER: BO list, in/out sync_file, binary and
 * timeline syncobjs, ring selection.
 *
 * Behaviour follows upstream drivers/gpu/drm/virtio/virtgpu_submit.c: one
 * struct pvgpu_submit gathers everything the ioctl owns, small steps fill
 * it, one cleanup releases what was not handed off. Two differences: waits
 * on in-fences are bounded (PVGPU_WAIT_IOCTL_TIMEOUT, then -ETIMEDOUT) so a
 * dead host cannot hang the caller, and user-sized arrays are allocated
 * without the allocator's warning (huge counts fail with -ENOMEM quietly).
 */
#include <linux/dma-fence-unwrap.h>
#include <linux/file.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>

#include "pvgpu_drv.h"

struct pvgpu_post_dep {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

/**
 * struct pvgpu_submit - what one EXECBUFFER call owns
 * @exbuf: ioctl arguments
 * @file: DRM file
 * @pvfile: its state
 * @pvdev: the device
 * @fence_ctx: first dma_fence context of the file's timelines
 * @ring_idx: ring; the timeline's context is @fence_ctx + @ring_idx
 * @use_ring: VIRTGPU_EXECBUF_RING_IDX was given
 * @fence: out fence, or NULL when nobody can observe it
 * @objs: referenced BOs
 * @num_objs: entries in @objs
 * @stream: copy of the command stream
 * @sync_file: out sync_file, installed at @out_fd on success
 * @out_fd: reserved fd number, or -1
 * @in_syncobjs: syncobjs to reset after submission (NULL entries: keep)
 * @num_in: entries of @in_syncobjs filled so far
 * @post_deps: syncobjs (and timeline points) to attach @fence to
 * @num_out: entries of @post_deps filled so far
 * @ticket: acquire context of the BO resvs
 */
struct pvgpu_submit {
	struct drm_virtgpu_execbuffer *exbuf;
	struct drm_file *file;
	struct pvgpu_file *pvfile;
	struct pvgpu_device *pvdev;
	u64 fence_ctx;
	u32 ring_idx;
	bool use_ring;
	struct pvgpu_fence *fence;
	struct drm_gem_object **objs;
	u32 num_objs;
	void *stream;
	struct sync_file *sync_file;
	int out_fd;
	struct drm_syncobj **in_syncobjs;
	u32 num_in;
	struct pvgpu_post_dep *post_deps;
	u32 num_out;
	struct ww_acquire_ctx ticket;
};

#define PVGPU_EXECBUF_FLAGS (VIRTGPU_EXECBUF_FENCE_FD_IN | \
			     VIRTGPU_EXECBUF_FENCE_FD_OUT | \
			     VIRTGPU_EXECBUF_RING_IDX)

/**
 * pvgpu_check_execbuffer() - the argument checks that need no lookup
 * @exbuf: ioctl arguments
 * @num_rings: rings of the file's context
 * @ring_ctx_ready: CONTEXT_INIT set NUM_RINGS
 *
 * Return: 0 or -EINVAL (unknown flags, ring_idx >= num_rings, RING_IDX
 * without NUM_RINGS), as upstream virtio_gpu_execbuffer_ioctl().
 */
int pvgpu_check_execbuffer(const struct drm_virtgpu_execbuffer *exbuf,
			   u32 num_rings, bool ring_ctx_ready)
{
	if (exbuf->flags & ~PVGPU_EXECBUF_FLAGS)
		return -EINVAL;
	if (exbuf->flags & VIRTGPU_EXECBUF_RING_IDX) {
		if (exbuf->ring_idx >= num_rings || !ring_ctx_ready)
			return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_check_execbuffer);

/* Copy one syncobj descriptor; shorter strides leave the rest zero. */
static int pvgpu_read_syncobj_desc(u64 base, u32 i, u32 stride,
				   struct drm_virtgpu_execbuffer_syncobj *d)
{
	memset(d, 0, sizeof(*d));
	if (copy_from_user(d, u64_to_user_ptr(base + (u64)i * stride),
			   min_t(u32, stride, sizeof(*d))))
		return -EFAULT;
	return 0;
}

/*
 * Wait for a fence the host does not order for us: anything but an earlier
 * fence of this very timeline. Bounded, so a dead host cannot hang us.
 */
static int pvgpu_submit_await(struct pvgpu_submit *s, struct dma_fence *in)
{
	struct dma_fence_unwrap iter;
	struct dma_fence *f;
	int ret;

	dma_fence_unwrap_for_each(f, &iter, in) {
		if (dma_fence_match_context(f, s->fence_ctx + s->ring_idx))
			continue;
		ret = pvgpu_fence_wait(f, true, PVGPU_WAIT_IOCTL_TIMEOUT);
		if (ret) {
			dma_fence_put(iter.chain);
			return ret;
		}
	}
	return 0;
}

static int pvgpu_submit_out_fence(struct pvgpu_submit *s, struct drm_device *dev)
{
	struct drm_virtgpu_execbuffer *exbuf = s->exbuf;
	bool event = s->use_ring && (s->pvfile->poll_mask & BIT_ULL(s->ring_idx));
	struct pvgpu_fence_event *e;
	int ret;

	if (!(exbuf->flags & VIRTGPU_EXECBUF_FENCE_FD_OUT) &&
	    !exbuf->num_out_syncobjs && !exbuf->num_bo_handles && !event)
		return 0;

	s->fence = pvgpu_fence_alloc(&s->pvdev->fence_drv, s->fence_ctx +
				     s->ring_idx, s->ring_idx, s->use_ring);
	if (!s->fence)
		return -ENOMEM;
	if (!event)
		return 0;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->event.type = VIRTGPU_EVENT_FENCE_SIGNALED;
	e->event.length = sizeof(e->event);
	e->dev = dev;
	ret = drm_event_reserve_init(dev, s->file, &e->base, &e->event);
	if (ret) {
		kfree(e);
		return ret;
	}
	s->fence->event = e;
	return 0;
}

static int pvgpu_submit_buflist(struct pvgpu_submit *s)
{
	u32 n = s->exbuf->num_bo_handles;
	u32 *handles;
	int ret;

	if (!n)
		return 0;
	handles = pvgpu_memdup_user(s->exbuf->bo_handles,
				    (size_t)n * sizeof(*handles));
	if (IS_ERR(handles))
		return PTR_ERR(handles);
	ret = pvgpu_gem_lookup_array(s->file, handles, n, &s->objs);
	kvfree(handles);
	if (!ret)
		s->num_objs = n;
	return ret;
}

static int pvgpu_submit_out_syncobjs(struct pvgpu_submit *s)
{
	struct drm_virtgpu_execbuffer *exbuf = s->exbuf;
	struct drm_virtgpu_execbuffer_syncobj d;
	struct pvgpu_post_dep *deps;
	u32 i;
	int ret = 0;

	if (!exbuf->num_out_syncobjs)
		return 0;
	deps = kvcalloc(exbuf->num_out_syncobjs, sizeof(*deps),
			GFP_KERNEL | __GFP_NOWARN);
	if (!deps)
		return -ENOMEM;
	s->post_deps = deps;

	for (i = 0; i < exbuf->num_out_syncobjs; i++) {
		ret = pvgpu_read_syncobj_desc(exbuf->out_syncobjs, i,
					      exbuf->syncobj_stride, &d);
		if (ret)
			break;
		if (d.flags) {
			ret = -EINVAL;
			break;
		}
		deps[i].syncobj = drm_syncobj_find(s->file, d.handle);
		if (!deps[i].syncobj) {
			ret = -EINVAL;
			break;
		}
		s->num_out = i + 1;
		deps[i].point = d.point;
		if (d.point) {
			deps[i].chain = dma_fence_chain_alloc();
			if (!deps[i].chain) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	return ret;
}

static int pvgpu_submit_in_syncobjs(struct pvgpu_submit *s)
{
	struct drm_virtgpu_execbuffer *exbuf = s->exbuf;
	struct drm_virtgpu_execbuffer_syncobj d;
	struct dma_fence *fence;
	u32 i;
	int ret = 0;

	if (!exbuf->num_in_syncobjs)
		return 0;
	s->in_syncobjs = kvcalloc(exbuf->num_in_syncobjs,
				  sizeof(*s->in_syncobjs),
				  GFP_KERNEL | __GFP_NOWARN);
	if (!s->in_syncobjs)
		return -ENOMEM;

	for (i = 0; i < exbuf->num_in_syncobjs; i++) {
		ret = pvgpu_read_syncobj_desc(exbuf->in_syncobjs, i,
					      exbuf->syncobj_stride, &d);
		if (ret)
			break;
		if (d.flags & ~VIRTGPU_EXECBUF_SYNCOBJ_FLAGS) {
			ret = -EINVAL;
			break;
		}
		ret = drm_syncobj_find_fence(s->file, d.handle, d.point, 0,
					     &fence);
		if (ret)
			break;
		ret = pvgpu_submit_await(s, fence);
		dma_fence_put(fence);
		if (ret)
			break;
		if (d.flags & VIRTGPU_EXECBUF_SYNCOBJ_RESET) {
			s->in_syncobjs[i] = drm_syncobj_find(s->file, d.handle);
			if (!s->in_syncobjs[i]) {
				ret = -EINVAL;
				break;
			}
		}
		s->num_in = i + 1;
	}
	return ret;
}

static int pvgpu_submit_in_fence(struct pvgpu_submit *s)
{
	struct dma_fence *in;
	int ret;

	if (!(s->exbuf->flags & VIRTGPU_EXECBUF_FENCE_FD_IN))
		return 0;
	in = sync_file_get_fence(s->exbuf->fence_fd);
	if (!in)
		return -EINVAL;
	ret = pvgpu_submit_await(s, in);
	dma_fence_put(in);
	return ret;
}

static int pvgpu_submit_sync_file(struct pvgpu_submit *s)
{
	if (!(s->exbuf->flags & VIRTGPU_EXECBUF_FENCE_FD_OUT))
		return 0;
	s->out_fd = get_unused_fd_flags(O_CLOEXEC);
	if (s->out_fd < 0)
		return s->out_fd;
	s->sync_file = sync_file_create(&s->fence->base);
	return s->sync_file ? 0 : -ENOMEM;
}

static int pvgpu_submit_lock(struct pvgpu_submit *s)
{
	u32 i;
	int ret;

	if (!s->num_objs)
		return 0;
	ret = drm_gem_lock_reservations(s->objs, s->num_objs, &s->ticket);
	if (ret)
		return ret;
	for (i = 0; i < s->num_objs; i++) {
		ret = dma_resv_reserve_fences(s->objs[i]->resv, 1);
		if (ret) {
			drm_gem_unlock_reservations(s->objs, s->num_objs,
						    &s->ticket);
			return ret;
		}
	}
	return 0;
}

/* After a successful queueing: publish the fence to user space. */
static void pvgpu_submit_publish(struct pvgpu_submit *s)
{
	u32 i;

	if (s->sync_file) {
		s->exbuf->fence_fd = s->out_fd;
		fd_install(s->out_fd, s->sync_file->file);
		s->sync_file = NULL;
		s->out_fd = -1;
	}
	for (i = 0; i < s->num_out; i++) {
		struct pvgpu_post_dep *d = &s->post_deps[i];

		if (d->chain) {
			drm_syncobj_add_point(d->syncobj, d->chain,
					      &s->fence->base, d->point);
			d->chain = NULL;
		} else {
			drm_syncobj_replace_fence(d->syncobj, &s->fence->base);
		}
	}
	for (i = 0; i < s->num_in; i++)
		if (s->in_syncobjs[i])
			drm_syncobj_replace_fence(s->in_syncobjs[i], NULL);
}

static void pvgpu_submit_cleanup(struct pvgpu_submit *s)
{
	u32 i;

	for (i = 0; i < s->num_in; i++)
		if (s->in_syncobjs[i])
			drm_syncobj_put(s->in_syncobjs[i]);
	kvfree(s->in_syncobjs);
	for (i = 0; i < s->num_out; i++) {
		dma_fence_chain_free(s->post_deps[i].chain);
		drm_syncobj_put(s->post_deps[i].syncobj);
	}
	kvfree(s->post_deps);
	if (s->sync_file)
		fput(s->sync_file->file);
	if (s->out_fd >= 0)
		put_unused_fd(s->out_fd);
	pvgpu_gem_put_array(s->objs, s->num_objs);
	if (!IS_ERR_OR_NULL(s->stream))
		kvfree(s->stream);
	if (s->fence)
		dma_fence_put(&s->fence->base);
}

/**
 * pvgpu_execbuffer_ioctl() - DRM_IOCTL_VIRTGPU_EXECBUFFER
 * @dev: DRM device
 * @data: struct drm_virtgpu_execbuffer
 * @file: DRM file
 *
 * Queues SUBMIT_3D with the command stream on the control queue, fenced on
 * the (file, ring) timeline when anyone can observe the fence (sync_file,
 * syncobjs, BO resvs, poll events).
 * Return: 0; -ENOSYS without VIRGL; -EINVAL (flags, ring, bad fd, syncobj
 * flags or handles); -ENOENT (BO handle); -EFAULT; -ENOMEM; -ETIMEDOUT
 * (in-fence or host stuck); -ERESTARTSYS; -ENODEV.
 */
int pvgpu_execbuffer_ioctl(struct drm_device *dev, void *data,
			   struct drm_file *file)
{
	struct pvgpu_device *pvdev = to_pvgpu(dev);
	struct pvgpu_file *pvfile = file->driver_priv;
	struct drm_virtgpu_execbuffer *exbuf = data;
	struct pvgpu_submit s = {
		.exbuf = exbuf, .file = file, .pvfile = pvfile,
		.pvdev = pvdev, .out_fd = -1,
		.fence_ctx = pvfile->default_ctx,
	};
	struct pvgpu_fence *fence;
	u32 num_rings;
	u64 ring_ctx;
	int ret;

	if (!pvdev->has_virgl_3d)
		return -ENOSYS;	/* what upstream answers without VIRGL */
	/* Pairs with the release in CONTEXT_INIT: rings, then their contexts. */
	num_rings = smp_load_acquire(&pvfile->num_rings);
	ring_ctx = READ_ONCE(pvfile->ring_ctx);
	ret = pvgpu_check_execbuffer(exbuf, num_rings, ring_ctx != 0);
	if (ret)
		return ret;
	if (exbuf->flags & VIRTGPU_EXECBUF_RING_IDX) {
		s.fence_ctx = ring_ctx;
		s.ring_idx = exbuf->ring_idx;
		s.use_ring = true;
	}
	ret = pvgpu_file_ensure_context(pvdev, pvfile);
	if (ret)
		return ret;

	ret = pvgpu_submit_out_fence(&s, dev);
	if (ret)
		goto cleanup;
	ret = pvgpu_submit_buflist(&s);
	if (ret)
		goto cleanup;
	s.stream = pvgpu_memdup_user(exbuf->command, exbuf->size);
	if (IS_ERR(s.stream)) {
		ret = PTR_ERR(s.stream);
		goto cleanup;
	}
	ret = pvgpu_submit_sync_file(&s);
	if (ret)
		goto cleanup;
	ret = pvgpu_submit_out_syncobjs(&s);
	if (ret)
		goto cleanup;
	ret = pvgpu_submit_in_syncobjs(&s);
	if (ret)
		goto cleanup;
	/* In-fences last: straight from the waits to the ring. */
	ret = pvgpu_submit_in_fence(&s);
	if (ret)
		goto cleanup;
	ret = pvgpu_submit_lock(&s);
	if (ret)
		goto cleanup;

	/* The command takes the stream, the BOs and a fence reference. */
	fence = s.fence;
	if (fence)
		dma_fence_get(&fence->base);
	ret = pvgpu_cmd_submit(pvdev, pvfile->ctx_id, s.stream, exbuf->size,
			       fence, s.objs, s.num_objs,
			       s.num_objs ? &s.ticket : NULL);
	s.stream = NULL;
	s.objs = NULL;
	s.num_objs = 0;
	if (ret)
		goto cleanup;
	pvgpu_vq_kick(&pvdev->ctrlq);
	pvgpu_submit_publish(&s);

cleanup:
	pvgpu_submit_cleanup(&s);
	return ret;
}
