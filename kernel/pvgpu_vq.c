// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - queueing on the control and cursor virtqueues, kicks, completion
 * processing and the fence-on-progress poll.
 *
 * Barriers. We never touch the rings ourselves; the virtqueue API places
 * the barriers the virtio spec (1.2, 2.7.13 "Supplying Buffers to The
 * Device" and 2.7.14 "Receiving Used Buffers From The Device") asks for,
 * and we count them in PVGPU_STAT_BARRIERS as drivers/virtio/virtio_ring.c
 * (split ring, 6.12) issues them:
 *  - virtqueue_add_sgs(): virtio_wmb() orders the descriptor and avail-ring
 *    stores before the avail->idx store that publishes them;
 *  - virtqueue_kick_prepare(): virtio_mb() orders the avail->idx store
 *    before the load of the device's avail_event / used->flags;
 *  - virtqueue_get_buf(): a plain load of used->idx; only when it moved,
 *    virtio_rmb() orders that load before the loads of the used element
 *    (and, while callbacks are enabled, virtio_store_mb() publishes
 *    used_event before the next load of used->idx);
 *  - virtqueue_enable_cb(): virtio_mb() orders the used_event store before
 *    the re-check of used->idx that closes the race with the interrupt.
 * So an idle poll costs plain loads only: the read barrier is paid when the
 * used index moved, never once per spin.
 *
 * Locking. pvgpu_vq.lock serialises every virtqueue_*() call of one queue
 * and is taken from the interrupt callback, hence the irqsave variants. It
 * is never held while sleeping, and virtqueue_notify() (a trapping register
 * write) runs outside it.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/virtio_ring.h>
#include <linux/vmalloc.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>

#include "pvgpu_drv.h"

unsigned int pvgpu_host_timeout_ms = 20000;
EXPORT_SYMBOL_IF_KUNIT(pvgpu_host_timeout_ms);
module_param_named(host_timeout_ms, pvgpu_host_timeout_ms, uint, 0644);
MODULE_PARM_DESC(host_timeout_ms, "how long to wait for the host before failing with -ETIMEDOUT (ms)");

/**
 * pvgpu_vbuf_alloc() - allocate a command buffer with its response buffer
 * @cmd_size: bytes of the command
 * @resp_size: bytes of the response; 0 means a bare struct
 *	       virtio_gpu_ctrl_hdr (RESP_OK_NODATA or an error)
 * @gfp: allocation flags
 *
 * The buffer starts with one reference, the one pvgpu_vq_queue() consumes.
 * Return: zeroed buffer or NULL.
 */
struct pvgpu_vbuf *pvgpu_vbuf_alloc(u32 cmd_size, u32 resp_size, gfp_t gfp)
{
	struct pvgpu_vbuf *vbuf;
	u32 cmd_room = ALIGN(cmd_size, 8);

	if (!resp_size)
		resp_size = sizeof(struct virtio_gpu_ctrl_hdr);
	vbuf = kzalloc(struct_size(vbuf, inline_buf, cmd_room + resp_size), gfp);
	if (!vbuf)
		return NULL;
	INIT_LIST_HEAD(&vbuf->node);
	refcount_set(&vbuf->refs, 1);
	init_completion(&vbuf->done);
	vbuf->cmd = vbuf->inline_buf;
	vbuf->cmd_size = cmd_size;
	vbuf->resp = vbuf->inline_buf + cmd_room;
	vbuf->resp_size = resp_size;
	return vbuf;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_vbuf_alloc);

/*
 * Whether the last put of @vbuf may run in interrupt context: without GEM
 * objects or a release callback it only puts a fence and frees memory
 * (kvfree() defers vmalloc memory by itself there). Saves the worker hop
 * for most commands.
 */
static bool pvgpu_vbuf_put_is_atomic(const struct pvgpu_vbuf *vbuf)
{
	return !vbuf->objs && !vbuf->release_cb;
}

/**
 * pvgpu_vbuf_put() - drop a reference; the last one releases everything
 * @pvdev: device (NULL only for buffers that never carried objects)
 * @vbuf: buffer
 *
 * Process context, unless pvgpu_vbuf_put_is_atomic(): releasing may drop
 * GEM object references and run the release callback.
 */
void pvgpu_vbuf_put(struct pvgpu_device *pvdev, struct pvgpu_vbuf *vbuf)
{
	if (!refcount_dec_and_test(&vbuf->refs))
		return;
	if (vbuf->release_cb)
		vbuf->release_cb(pvdev, vbuf);
	if (vbuf->fence)
		dma_fence_put(&vbuf->fence->base);
	pvgpu_gem_put_array(vbuf->objs, vbuf->num_objs);
	if (vbuf->data_sgt) {
		sg_free_table(vbuf->data_sgt);
		kfree(vbuf->data_sgt);
	}
	kvfree(vbuf->data);
	kfree(vbuf);
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_vbuf_put);

/* Describe vmalloc'ed command data page by page for the device. */
static struct sg_table *pvgpu_vmalloc_sgt(void *data, u32 size)
{
	unsigned int n = DIV_ROUND_UP(offset_in_page(data) + size, PAGE_SIZE);
	struct scatterlist *sg;
	struct sg_table *sgt;
	unsigned int i;

	sgt = kmalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return NULL;
	if (sg_alloc_table(sgt, n, GFP_KERNEL)) {
		kfree(sgt);
		return NULL;
	}
	for_each_sgtable_sg(sgt, sg, i) {
		u32 off = offset_in_page(data);
		u32 len = min_t(u32, PAGE_SIZE - off, size);

		sg_set_page(sg, vmalloc_to_page(data), len, off);
		data += len;
		size -= len;
	}
	return sgt;
}

/**
 * pvgpu_resp_to_errno() - map a response type to an errno
 * @type: VIRTIO_GPU_RESP_* from the response header
 *
 * Return: 0 for RESP_OK_*, -ENOMEM for ERR_OUT_OF_MEMORY, -EINVAL for the
 * invalid-id/parameter errors, -EIO otherwise.
 */
int pvgpu_resp_to_errno(u32 type)
{
	if (type >= VIRTIO_GPU_RESP_OK_NODATA &&
	    type < VIRTIO_GPU_RESP_ERR_UNSPEC)
		return 0;
	switch (type) {
	case VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY:
		return -ENOMEM;
	case VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID:
	case VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID:
	case VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID:
	case VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER:
		return -EINVAL;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_resp_to_errno);

/*
 * Settle a buffer that will never reach (or come back from) the device:
 * fail its fence and waiters, unlock the resvs, drop the ring reference.
 */
static void pvgpu_vbuf_abort(struct pvgpu_device *pvdev,
			     struct pvgpu_vbuf *vbuf, int error)
{
	vbuf->error = error;
	if (vbuf->ticket) {
		drm_gem_unlock_reservations(vbuf->objs, vbuf->num_objs,
					    vbuf->ticket);
		vbuf->ticket = NULL;
	}
	if (vbuf->fence)
		pvgpu_fence_cancel(&pvdev->fence_drv, vbuf->fence, error);
	complete_all(&vbuf->done);
	pvgpu_vbuf_put(pvdev, vbuf);
}

/*
 * Free descriptors to wait for before adding @nsg entries. An indirect
 * table needs one, but virtqueue_add_sgs() falls back to direct
 * descriptors when its GFP_ATOMIC table allocation fails, so wait for all
 * @nsg unless they could never fit the ring.
 */
static unsigned int pvgpu_vq_slots(struct pvgpu_vq *q, unsigned int nsg)
{
	if (nsg > virtqueue_get_vring_size(q->vq) &&
	    virtio_has_feature(q->pvdev->vdev, VIRTIO_RING_F_INDIRECT_DESC))
		return 1;
	return nsg;
}

/**
 * pvgpu_vq_queue() - add a command to a virtqueue, without kicking
 * @q: queue
 * @vbuf: command; the caller's reference passes to the queue
 *
 * Emits @vbuf->fence (assigns its seqno/fence_id in ring order), adds it to
 * the resvs of @vbuf->objs and unlocks them when @vbuf->ticket is set.
 * Sleeps (without the queue lock) while the ring is full, at most
 * PVGPU_HOST_TIMEOUT; after one such timeout, later commands that find the
 * ring full fail at once until the host answers something (a dead host
 * must not cost every object free of a closing file a timeout each). Call
 * pvgpu_vq_kick() after the last command of a batch. Follows upstream
 * virtio_gpu_queue_ctrl_sgs().
 *
 * Return: 0; -ENODEV after unplug, -ETIMEDOUT when the host frees no
 * descriptor, -ENOMEM. On error the command has been aborted: its fence is
 * signalled with the error and its references are dropped.
 */
int pvgpu_vq_queue(struct pvgpu_vq *q, struct pvgpu_vbuf *vbuf)
{
	struct pvgpu_device *pvdev = q->pvdev;
	struct scatterlist cmd_sg, data_sg, resp_sg;
	struct scatterlist *sgs[3];
	unsigned int outcnt = 0, nsg;
	unsigned long flags;
	long left;
	int idx, ret;

	if (!drm_dev_enter(&pvdev->drm, &idx)) {
		pvgpu_vbuf_abort(pvdev, vbuf, -ENODEV);
		return -ENODEV;
	}

	sg_init_one(&cmd_sg, vbuf->cmd, vbuf->cmd_size);
	sgs[outcnt++] = &cmd_sg;
	nsg = 1;
	if (vbuf->data_size) {
		if (is_vmalloc_addr(vbuf->data)) {
			vbuf->data_sgt = pvgpu_vmalloc_sgt(vbuf->data,
							   vbuf->data_size);
			if (!vbuf->data_sgt) {
				ret = -ENOMEM;
				goto err_abort;
			}
			sgs[outcnt++] = vbuf->data_sgt->sgl;
			nsg += vbuf->data_sgt->orig_nents;
		} else {
			sg_init_one(&data_sg, vbuf->data, vbuf->data_size);
			sgs[outcnt++] = &data_sg;
			nsg++;
		}
	}
	sg_init_one(&resp_sg, vbuf->resp, vbuf->resp_size);
	sgs[outcnt] = &resp_sg;
	nsg++;
	/* More pages than the ring has descriptors, and no indirect tables. */
	if (pvgpu_vq_slots(q, nsg) > virtqueue_get_vring_size(q->vq)) {
		ret = -ENOMEM;
		goto err_abort;
	}

	for (;;) {
		spin_lock_irqsave(&q->lock, flags);
		if (q->vq->num_free >= pvgpu_vq_slots(q, nsg))
			break;
		spin_unlock_irqrestore(&q->lock, flags);

		/* Once a wait timed out, fail at once until the host moves. */
		if (READ_ONCE(q->stalled)) {
			ret = -ETIMEDOUT;
			goto err_abort;
		}
		/* The host may sit on queued-but-unkicked commands. */
		pvgpu_vq_kick(q);
		pvgpu_stat_inc(&pvdev->stats, PVGPU_STAT_SPACE_WAITS);
		left = wait_event_timeout(q->space_wq,
					  READ_ONCE(q->vq->num_free) >=
					  pvgpu_vq_slots(q, nsg),
					  PVGPU_HOST_TIMEOUT);
		if (!left) {
			drm_err_ratelimited(&pvdev->drm,
					    "host freed no descriptor in %u ms\n",
					    READ_ONCE(pvgpu_host_timeout_ms));
			WRITE_ONCE(q->stalled, true);
			ret = -ETIMEDOUT;
			goto err_abort;
		}
	}

	/* The fence id must follow ring order: emit under the queue lock. */
	if (vbuf->fence) {
		pvgpu_fence_emit(&pvdev->fence_drv, vbuf->fence, vbuf->cmd);
		if (vbuf->ticket) {
			u32 i;

			for (i = 0; i < vbuf->num_objs; i++)
				dma_resv_add_fence(vbuf->objs[i]->resv,
						   &vbuf->fence->base,
						   DMA_RESV_USAGE_WRITE);
		}
	}
	if (vbuf->ticket) {
		drm_gem_unlock_reservations(vbuf->objs, vbuf->num_objs,
					    vbuf->ticket);
		vbuf->ticket = NULL;
	}

	ret = virtqueue_add_sgs(q->vq, sgs, outcnt, 1, vbuf, GFP_ATOMIC);
	spin_unlock_irqrestore(&q->lock, flags);
	if (ret) {
		/* Only a huge indirect table that GFP_ATOMIC could not get. */
		drm_dbg_driver(&pvdev->drm, "virtqueue_add_sgs: %d\n", ret);
		ret = -ENOMEM;
		goto err_abort;
	}
	pvgpu_stat_inc(&pvdev->stats, PVGPU_STAT_CMDS_QUEUED);
	pvgpu_stat_inc(&pvdev->stats, PVGPU_STAT_BARRIERS); /* virtio_wmb */
	drm_dev_exit(idx);
	return 0;

err_abort:
	drm_dev_exit(idx);
	pvgpu_vbuf_abort(pvdev, vbuf, ret);
	return ret;
}

/**
 * pvgpu_vq_kick() - notify the device of everything queued so far
 * @q: queue
 *
 * One kick covers a whole batch of pvgpu_vq_queue() calls. The
 * notification itself (a VM exit) is sent outside the queue lock.
 */
void pvgpu_vq_kick(struct pvgpu_vq *q)
{
	unsigned long flags;
	bool notify;
	int idx;

	/* Unplug waits for us; after it the queue is gone (pvgpu_stop()). */
	if (!drm_dev_enter(&q->pvdev->drm, &idx))
		return;
	spin_lock_irqsave(&q->lock, flags);
	notify = virtqueue_kick_prepare(q->vq);
	spin_unlock_irqrestore(&q->lock, flags);
	pvgpu_stat_inc(&q->pvdev->stats, PVGPU_STAT_BARRIERS); /* virtio_mb */
	if (notify) {
		virtqueue_notify(q->vq);
		pvgpu_stat_inc(&q->pvdev->stats, PVGPU_STAT_KICKS);
	}
	drm_dev_exit(idx);
}

/**
 * pvgpu_vq_queue_panic() - add a command without locking, sleeping or waiting
 * @q: queue
 * @vbuf: command without data, fence or objects; the caller holds the
 *	  reference the answer drops
 *
 * For the panic screen (pvgpu_panic.c): a CPU the panic stopped may hold
 * the queue lock for ever, so it is only tried; a full ring is not waited
 * for. No kick: pvgpu_vq_kick_panic() after the last command.
 * Return: 0; -EBUSY when the lock is taken or the ring has no room,
 * -ENODEV when the device is gone, or virtqueue_add_sgs()'s error.
 */
int pvgpu_vq_queue_panic(struct pvgpu_vq *q, struct pvgpu_vbuf *vbuf)
{
	struct scatterlist cmd_sg, resp_sg;
	struct scatterlist *sgs[2] = { &cmd_sg, &resp_sg };
	unsigned long flags;
	int ret;

	sg_init_one(&cmd_sg, vbuf->cmd, vbuf->cmd_size);
	sg_init_one(&resp_sg, vbuf->resp, vbuf->resp_size);
	/* q->lock serialises virtqueue_*() calls, as in pvgpu_vq_queue(). */
	if (!spin_trylock_irqsave(&q->lock, flags))
		return -EBUSY;
	if (!q->vq)		/* device gone (pvgpu_vq_drain()) */
		ret = -ENODEV;
	else if (q->vq->num_free < 2)
		ret = -EBUSY;
	else
		ret = virtqueue_add_sgs(q->vq, sgs, 1, 1, vbuf, GFP_ATOMIC);
	spin_unlock_irqrestore(&q->lock, flags);
	return ret;
}

/**
 * pvgpu_vq_kick_panic() - notify the device without waiting for the lock
 * @q: queue
 *
 * Panic context; does nothing when the queue lock is taken.
 */
void pvgpu_vq_kick_panic(struct pvgpu_vq *q)
{
	unsigned long flags;
	bool notify;

	if (!spin_trylock_irqsave(&q->lock, flags))
		return;
	/* q->lock: virtqueue_kick_prepare() against the other queue users. */
	notify = q->vq && virtqueue_kick_prepare(q->vq);
	spin_unlock_irqrestore(&q->lock, flags);
	if (notify)
		virtqueue_notify(q->vq);
}

/* pvgpu_poll() probes for a synchronous command. */
struct pvgpu_sync_wait {
	struct pvgpu_vq *q;
	struct pvgpu_vbuf *vbuf;
};

static bool pvgpu_sync_done(void *arg)
{
	struct pvgpu_sync_wait *w = arg;

	return completion_done(&w->vbuf->done);
}

static unsigned int pvgpu_sync_reap(void *arg)
{
	struct pvgpu_sync_wait *w = arg;

	return pvgpu_vq_reap(w->q);
}

static const struct pvgpu_poll_ops pvgpu_sync_poll_ops = {
	.done = pvgpu_sync_done,
	.reap = pvgpu_sync_reap,
};

/**
 * pvgpu_vq_send_sync() - queue, kick and wait for the answer
 * @q: queue
 * @vbuf: command; the caller keeps its reference and must drop it with
 *	  pvgpu_vbuf_put() after reading @vbuf->resp
 *
 * Waits at most PVGPU_HOST_TIMEOUT (after an optional pvgpu_poll_us
 * busy-poll), uninterruptibly: the probe path and GET_CAPS use it.
 * Return: 0, the errno of a RESP_ERR_* answer (see pvgpu_resp_to_errno()),
 * -ETIMEDOUT when the host does not answer, -ENODEV, -ENOMEM.
 */
int pvgpu_vq_send_sync(struct pvgpu_vq *q, struct pvgpu_vbuf *vbuf)
{
	struct pvgpu_sync_wait w = { .q = q, .vbuf = vbuf };
	int ret;

	refcount_inc(&vbuf->refs);	/* the waiter's reference */
	ret = pvgpu_vq_queue(q, vbuf);
	if (ret)
		return ret;
	pvgpu_vq_kick(q);

	if (!pvgpu_poll(&pvgpu_sync_poll_ops, &w,
			(u64)READ_ONCE(pvgpu_poll_us) * NSEC_PER_USEC,
			&q->pvdev->stats) &&
	    !wait_for_completion_timeout(&vbuf->done, PVGPU_HOST_TIMEOUT)) {
		drm_err_ratelimited(&q->pvdev->drm,
				     "host did not answer cmd 0x%x in %u ms\n",
				     le32_to_cpu(((struct virtio_gpu_ctrl_hdr *)
						  vbuf->cmd)->type),
				     READ_ONCE(pvgpu_host_timeout_ms));
		return -ETIMEDOUT;
	}
	return vbuf->error;
}

/*
 * Move used buffers to @out. With @peek_first the first probe runs with
 * callbacks enabled, so an idle probe is one plain load; otherwise (the
 * interrupt path) callbacks are disabled first, as upstream does.
 */
static unsigned int pvgpu_vq_collect(struct pvgpu_vq *q, struct list_head *out,
				     bool peek_first)
{
	struct pvgpu_vbuf *vbuf;
	unsigned int n = 0, barriers = 0, len;

	lockdep_assert_held(&q->lock);
	if (!q->vq)		/* device gone (pvgpu_stop()) */
		return 0;
	if (peek_first) {
		/* Plain load of used->idx; nothing more when it did not move. */
		vbuf = virtqueue_get_buf(q->vq, &len);
		if (!vbuf)
			return 0;
		/* virtio_rmb + virtio_store_mb(used_event): callbacks were on */
		barriers += 2;
		list_add_tail(&vbuf->node, out);
		n++;
	}
	do {
		virtqueue_disable_cb(q->vq);	/* plain stores only */
		while ((vbuf = virtqueue_get_buf(q->vq, &len))) {
			barriers++;		/* virtio_rmb: index moved */
			list_add_tail(&vbuf->node, out);
			n++;
		}
		barriers++;	/* virtqueue_enable_cb(): virtio_mb, re-check */
		/* A broken queue never reports "nothing more": stop there. */
	} while (!virtqueue_enable_cb(q->vq) && !virtqueue_is_broken(q->vq));

	pvgpu_stat_add(&q->pvdev->stats, PVGPU_STAT_BARRIERS, barriers);
	return n;
}

/* Act on one answer: interrupt-safe work only. */
static void pvgpu_vbuf_answered(struct pvgpu_device *pvdev,
				struct pvgpu_vbuf *vbuf)
{
	struct virtio_gpu_ctrl_hdr *resp = vbuf->resp;
	u32 type = le32_to_cpu(resp->type);

	vbuf->error = pvgpu_resp_to_errno(type);
	if (vbuf->error) {
		struct virtio_gpu_ctrl_hdr *cmd = vbuf->cmd;

		pvgpu_stat_inc(&pvdev->stats, PVGPU_STAT_HOST_ERRORS);
		drm_dbg_driver(&pvdev->drm, "cmd 0x%x ctx %u: host error 0x%x\n",
			       le32_to_cpu(cmd->type), le32_to_cpu(cmd->ctx_id),
			       type);
	}
	if (vbuf->resp_cb)
		vbuf->resp_cb(pvdev, vbuf);
	if (vbuf->fence)
		pvgpu_fence_complete(&pvdev->fence_drv, vbuf->fence,
				     vbuf->error);
	complete_all(&vbuf->done);
}

static unsigned int pvgpu_vq_process(struct pvgpu_vq *q, bool peek_first)
{
	struct pvgpu_device *pvdev = q->pvdev;
	struct pvgpu_vbuf *vbuf, *tmp;
	unsigned long flags;
	LIST_HEAD(done);
	unsigned int n;

	spin_lock_irqsave(&q->lock, flags);
	n = pvgpu_vq_collect(q, &done, peek_first);
	spin_unlock_irqrestore(&q->lock, flags);
	if (!n)
		return 0;

	WRITE_ONCE(q->stalled, false);	/* the host made progress */
	wake_up(&q->space_wq);
	list_for_each_entry_safe(vbuf, tmp, &done, node) {
		pvgpu_vbuf_answered(pvdev, vbuf);
		if (pvgpu_vbuf_put_is_atomic(vbuf)) {
			list_del_init(&vbuf->node);
			pvgpu_vbuf_put(pvdev, vbuf);
		}
	}
	if (list_empty(&done))
		return n;

	/* Dropping GEM objects may sleep: leave those to the worker. */
	spin_lock_irqsave(&pvdev->done_lock, flags);
	list_splice_tail(&done, &pvdev->done_list);
	spin_unlock_irqrestore(&pvdev->done_lock, flags);
	schedule_work(&pvdev->done_work);
	return n;
}

/**
 * pvgpu_vq_reap() - process answered commands now (poll path)
 * @q: queue
 *
 * Costs a plain load of the used index when nothing was answered.
 * Return: commands answered.
 */
unsigned int pvgpu_vq_reap(struct pvgpu_vq *q)
{
	return pvgpu_vq_process(q, true);
}

/**
 * pvgpu_vq_callback() - virtqueue interrupt callback (hard-irq context)
 * @vq: the virtqueue that has used buffers
 *
 * Signals fences right here rather than in a worker: a waiter wakes one
 * scheduling hop earlier than with upstream's dequeue work.
 */
void pvgpu_vq_callback(struct virtqueue *vq)
{
	struct pvgpu_device *pvdev = vq->vdev->priv;
	struct pvgpu_vq *q = vq == pvdev->ctrlq.vq ? &pvdev->ctrlq :
						     &pvdev->cursorq;

	pvgpu_vq_process(q, false);
}

/**
 * pvgpu_vq_done_work() - release answered commands in process context
 * @work: pvgpu_device.done_work
 */
void pvgpu_vq_done_work(struct work_struct *work)
{
	struct pvgpu_device *pvdev =
		container_of(work, struct pvgpu_device, done_work);
	struct pvgpu_vbuf *vbuf, *tmp;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&pvdev->done_lock, flags);
	list_splice_init(&pvdev->done_list, &done);
	spin_unlock_irqrestore(&pvdev->done_lock, flags);

	list_for_each_entry_safe(vbuf, tmp, &done, node) {
		list_del_init(&vbuf->node);
		pvgpu_vbuf_put(pvdev, vbuf);
	}
}

/**
 * pvgpu_vq_drain() - abort every command the device still holds, retire @q
 * @pvdev: device, already reset (the device no longer touches the rings
 *	   and its interrupts are synchronised)
 * @q: queue
 *
 * Detaches under the queue lock, since a waiter's poll may still be
 * reaping, and clears @q->vq in the same critical section: later kicks and
 * polls see no queue. Fences are signalled with -ENODEV, synchronous
 * waiters are woken. The virtqueue itself is deleted by the caller.
 */
void pvgpu_vq_drain(struct pvgpu_device *pvdev, struct pvgpu_vq *q)
{
	struct pvgpu_vbuf *vbuf, *tmp;
	unsigned long flags;
	LIST_HEAD(aborted);

	spin_lock_irqsave(&q->lock, flags);
	if (q->vq) {
		while ((vbuf = virtqueue_detach_unused_buf(q->vq)))
			list_add_tail(&vbuf->node, &aborted);
		q->vq = NULL;
	}
	spin_unlock_irqrestore(&q->lock, flags);

	/* Aborting may sleep (GEM puts, release callbacks): unlocked. */
	list_for_each_entry_safe(vbuf, tmp, &aborted, node) {
		list_del_init(&vbuf->node);
		pvgpu_vbuf_abort(pvdev, vbuf, -ENODEV);
	}
	wake_up_all(&q->space_wq);
}

/**
 * pvgpu_poll() - bounded busy-poll before a wait sleeps (fence on progress)
 * @ops: @done is a plain load of the condition; @reap consumes answers and
 *	 costs a barrier only when the used index moved
 * @arg: argument of both probes
 * @budget_ns: how long to spin; 0 only checks @done once
 * @stats: counters (PVGPU_STAT_POLL_SPINS)
 *
 * Return: whether the condition became true.
 */
bool pvgpu_poll(const struct pvgpu_poll_ops *ops, void *arg, u64 budget_ns,
		struct pvgpu_stats *stats)
{
	u64 deadline;
	u64 spins = 0;
	bool done;

	done = ops->done(arg);
	if (done || !budget_ns)
		return done;

	deadline = ktime_get_ns() + budget_ns;
	for (;;) {
		/* Answers may come from @reap or the interrupt path. */
		ops->reap(arg);
		if (ops->done(arg)) {
			done = true;
			break;
		}
		spins++;
		if (ktime_get_ns() >= deadline)
			break;
		cpu_relax();
	}
	if (stats)
		pvgpu_stat_add(stats, PVGPU_STAT_POLL_SPINS, spins);
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_poll);
