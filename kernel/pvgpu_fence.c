// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - dma_fence contexts per (file, ring), emission, in-order
 * signalling and bounded waits.
 *
 * Each open file owns one dma_fence context per ring of its host context
 * (VIRTGPU_CONTEXT_PARAM_NUM_RINGS) plus one for submissions without
 * VIRTGPU_EXECBUF_RING_IDX. A fenced command carries VIRTIO_GPU_FLAG_FENCE
 * (and VIRTIO_GPU_FLAG_INFO_RING_IDX with its ring); the host returns the
 * response only when the work is done (virtio spec 1.2, 5.7.6.7), so the
 * response signals the fence. Responses of one ring come back in order, and
 * a response also signals every older fence of the same timeline, so a
 * timeline never signals out of order even if the host skips answers.
 * Seqnos and fence ids come from one counter, in ring order, which keeps
 * them increasing per (context, ring) as QEMU and virglrenderer require.
 */
#include <linux/slab.h>

#include <drm/drm_file.h>

#include "pvgpu_drv.h"

/* Busy-poll budget before a fence wait sleeps, in microseconds (0: off). */
unsigned int pvgpu_poll_us = 20;
EXPORT_SYMBOL_IF_KUNIT(pvgpu_poll_us);
module_param_named(poll_us, pvgpu_poll_us, uint, 0644);
MODULE_PARM_DESC(poll_us, "busy-poll budget of a wait before it sleeps (us, 0=off)");

static const char *pvgpu_fence_driver_name(struct dma_fence *f)
{
	return "pvgpu";
}

static const char *pvgpu_fence_timeline_name(struct dma_fence *f)
{
	return "ring";
}

struct pvgpu_fence_poll {
	struct dma_fence *f;
	struct pvgpu_vq *q;
};

static bool pvgpu_fence_poll_done(void *arg)
{
	struct pvgpu_fence_poll *p = arg;

	/* test_bit() on the flags: a plain load. */
	return dma_fence_is_signaled(p->f);
}

static unsigned int pvgpu_fence_poll_reap(void *arg)
{
	struct pvgpu_fence_poll *p = arg;

	return pvgpu_vq_reap(p->q);
}

static const struct pvgpu_poll_ops pvgpu_fence_poll_ops = {
	.done = pvgpu_fence_poll_done,
	.reap = pvgpu_fence_poll_reap,
};

/*
 * dma_fence_ops.wait: spin up to pvgpu_poll_us on the used index (fence on
 * progress), then sleep as every fence does.
 */
static signed long pvgpu_fence_wait_op(struct dma_fence *f, bool intr,
				       signed long timeout)
{
	struct pvgpu_fence *fence = container_of(f, struct pvgpu_fence, base);
	struct pvgpu_fence_poll p = { .f = f, .q = fence->drv->q };
	u64 budget = (u64)READ_ONCE(pvgpu_poll_us) * NSEC_PER_USEC;

	if (p.q && timeout &&
	    pvgpu_poll(&pvgpu_fence_poll_ops, &p, budget, fence->drv->stats))
		return timeout;
	return dma_fence_default_wait(f, intr, timeout);
}

static void pvgpu_fence_release(struct dma_fence *f)
{
	struct pvgpu_fence *fence = container_of(f, struct pvgpu_fence, base);

	/* An event never sent (fence dropped before emission) is freed. */
	if (fence->event)
		drm_event_cancel_free(fence->event->dev, &fence->event->base);
	dma_fence_free(f);
}

static const struct dma_fence_ops pvgpu_fence_ops = {
	.get_driver_name = pvgpu_fence_driver_name,
	.get_timeline_name = pvgpu_fence_timeline_name,
	.wait = pvgpu_fence_wait_op,
	.release = pvgpu_fence_release,
};

/**
 * pvgpu_is_fence() - whether @f is one of ours
 * @f: fence
 *
 * Return: true for fences made by pvgpu_fence_alloc().
 */
bool pvgpu_is_fence(struct dma_fence *f)
{
	return f->ops == &pvgpu_fence_ops;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_is_fence);

/**
 * pvgpu_fence_drv_init() - empty fence driver
 * @drv: fence driver
 * @stats: counters, or NULL
 */
void pvgpu_fence_drv_init(struct pvgpu_fence_drv *drv,
			  struct pvgpu_stats *stats)
{
	spin_lock_init(&drv->lock);
	INIT_LIST_HEAD(&drv->pending);
	drv->seq = 0;
	drv->stats = stats;
	drv->q = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_fence_drv_init);

/**
 * pvgpu_fence_alloc() - a fence for one timeline, not yet emitted
 * @drv: fence driver
 * @context: dma_fence context of the (file, ring) timeline
 * @ring_idx: ring sent to the host with INFO_RING_IDX
 * @use_ring: whether to send INFO_RING_IDX
 *
 * The seqno is assigned by pvgpu_fence_emit(), in ring order.
 * Return: the fence (one reference) or NULL.
 */
struct pvgpu_fence *pvgpu_fence_alloc(struct pvgpu_fence_drv *drv,
				      u64 context, u32 ring_idx, bool use_ring)
{
	struct pvgpu_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->drv = drv;
	f->ring_idx = ring_idx;
	f->use_ring = use_ring;
	INIT_LIST_HEAD(&f->node);
	dma_fence_init(&f->base, &pvgpu_fence_ops, &drv->lock, context, 0);
	return f;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_fence_alloc);

/**
 * pvgpu_fence_emit() - give @f its seqno and tag the command header
 * @drv: fence driver
 * @f: fence; the pending list takes no reference (the command holds one)
 * @hdr: command header, or NULL in tests
 *
 * Called under the queue lock, so seqnos follow ring order.
 */
void pvgpu_fence_emit(struct pvgpu_fence_drv *drv, struct pvgpu_fence *f,
		      struct virtio_gpu_ctrl_hdr *hdr)
{
	unsigned long flags;

	spin_lock_irqsave(&drv->lock, flags);
	f->base.seqno = ++drv->seq;
	list_add_tail(&f->node, &drv->pending);
	spin_unlock_irqrestore(&drv->lock, flags);

	if (hdr) {
		hdr->flags |= cpu_to_le32(VIRTIO_GPU_FLAG_FENCE);
		hdr->fence_id = cpu_to_le64(f->base.seqno);
		if (f->use_ring) {
			hdr->flags |= cpu_to_le32(VIRTIO_GPU_FLAG_INFO_RING_IDX);
			hdr->ring_idx = f->ring_idx;
		}
	}
	if (drv->stats)
		pvgpu_stat_inc(drv->stats, PVGPU_STAT_FENCES_EMITTED);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_fence_emit);

/* Signal one pending fence; drv->lock held. */
static void pvgpu_fence_signal_locked(struct pvgpu_fence_drv *drv,
				      struct pvgpu_fence *f, int error)
{
	list_del_init(&f->node);
	if (error)
		dma_fence_set_error(&f->base, error);
	if (f->event) {
		/*
		 * drm_send_event() takes event_lock irqsave (fine in the
		 * interrupt path) and frees the event if the file is gone.
		 */
		drm_send_event(f->event->dev, &f->event->base);
		f->event = NULL;
	}
	dma_fence_signal_locked(&f->base);
	if (drv->stats)
		pvgpu_stat_inc(drv->stats, PVGPU_STAT_FENCES_SIGNALED);
}

/**
 * pvgpu_fence_complete() - the host answered the command of @f
 * @drv: fence driver
 * @f: emitted fence
 * @error: 0 or the errno of a host error (set on @f only)
 *
 * Signals @f and every older pending fence of the same timeline, oldest
 * first. Interrupt-safe.
 */
void pvgpu_fence_complete(struct pvgpu_fence_drv *drv, struct pvgpu_fence *f,
			  int error)
{
	struct pvgpu_fence *p, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&drv->lock, flags);
	if (list_empty(&f->node)) {	/* never emitted, or already done */
		if (!dma_fence_is_signaled_locked(&f->base)) {
			dma_fence_set_error(&f->base, error ?: -ECANCELED);
			pvgpu_fence_signal_locked(drv, f, 0);
		}
		spin_unlock_irqrestore(&drv->lock, flags);
		return;
	}
	list_for_each_entry_safe(p, tmp, &drv->pending, node) {
		if (p->base.context != f->base.context)
			continue;
		if (p == f) {
			pvgpu_fence_signal_locked(drv, p, error);
			break;
		}
		pvgpu_fence_signal_locked(drv, p, 0);
	}
	spin_unlock_irqrestore(&drv->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_fence_complete);

/**
 * pvgpu_fence_cancel() - signal only @f, with an error
 * @drv: fence driver
 * @f: fence whose command never reached the host
 * @error: negative errno
 */
void pvgpu_fence_cancel(struct pvgpu_fence_drv *drv, struct pvgpu_fence *f,
			int error)
{
	unsigned long flags;

	spin_lock_irqsave(&drv->lock, flags);
	if (!dma_fence_is_signaled_locked(&f->base))
		pvgpu_fence_signal_locked(drv, f, error);
	spin_unlock_irqrestore(&drv->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_fence_cancel);

/**
 * pvgpu_fence_fail_all() - signal every pending fence with @error
 * @drv: fence driver
 * @error: negative errno (-ENODEV at unbind)
 */
void pvgpu_fence_fail_all(struct pvgpu_fence_drv *drv, int error)
{
	struct pvgpu_fence *p, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&drv->lock, flags);
	list_for_each_entry_safe(p, tmp, &drv->pending, node)
		pvgpu_fence_signal_locked(drv, p, error);
	spin_unlock_irqrestore(&drv->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_fence_fail_all);

/**
 * pvgpu_fence_wait() - wait for any fence with a bound
 * @f: fence
 * @intr: interruptible
 * @timeout: jiffies, > 0
 *
 * Return: 0 once signalled (the fence's own error, if any, is not
 * returned), -ETIMEDOUT, -ERESTARTSYS.
 */
int pvgpu_fence_wait(struct dma_fence *f, bool intr, long timeout)
{
	long ret = dma_fence_wait_timeout(f, intr, timeout);

	if (ret < 0)
		return ret;
	return ret ? 0 : -ETIMEDOUT;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_fence_wait);
