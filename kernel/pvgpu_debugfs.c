// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - debugfs view of what is in flight: the virtqueues and the fences.
 *
 * dri/<minor>/pvgpu_state answers "where is it stuck?" for a hung case
 * (tests/guest/watchdog.py reads it before anything is killed): per queue its
 * size, free descriptors and whether a wait for space timed out; the fence
 * driver's last seqno and the emitted, unsignalled fences, oldest first; and
 * the responses waiting for the done worker. Every value is read under the
 * lock that protects it, one lock at a time, so the file never blocks on the
 * host and never holds a lock across seq_printf() of another.
 */
#include <linux/seq_file.h>
#include <linux/virtio.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "pvgpu_drv.h"

/* How many pending fences are listed; the count is always complete. */
#define PVGPU_STATE_FENCES 8

static void pvgpu_state_vq(struct seq_file *m, const char *name,
			   struct pvgpu_vq *q)
{
	unsigned int size, free;
	unsigned long flags;

	if (!q->vq) {
		seq_printf(m, "%s: absent\n", name);
		return;
	}
	/* q->lock serialises every virtqueue_*() call and num_free with them. */
	spin_lock_irqsave(&q->lock, flags);
	size = virtqueue_get_vring_size(q->vq);
	free = q->vq->num_free;
	spin_unlock_irqrestore(&q->lock, flags);
	seq_printf(m, "%s: size %u free %u stalled %d\n", name, size, free,
		   READ_ONCE(q->stalled));
}

static int pvgpu_state_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct pvgpu_device *pvdev = to_pvgpu(entry->dev);
	struct pvgpu_fence_drv *drv = &pvdev->fence_drv;
	u64 seqs[PVGPU_STATE_FENCES];
	unsigned int n = 0, listed, done = 0, i;
	struct pvgpu_fence *f;
	struct list_head *pos;
	unsigned long flags;
	u64 last;

	pvgpu_state_vq(m, "ctrlq", &pvdev->ctrlq);
	pvgpu_state_vq(m, "cursorq", &pvdev->cursorq);

	/* drv->lock protects the pending list and the last seqno. */
	spin_lock_irqsave(&drv->lock, flags);
	last = drv->seq;
	list_for_each_entry(f, &drv->pending, node) {
		if (n < PVGPU_STATE_FENCES)
			seqs[n] = f->base.seqno;
		n++;
	}
	spin_unlock_irqrestore(&drv->lock, flags);
	listed = min_t(unsigned int, n, PVGPU_STATE_FENCES);
	seq_printf(m, "fences: last_seq %llu pending %u", last, n);
	for (i = 0; i < listed; i++)
		seq_printf(m, "%s%llu", i ? " " : " oldest ", seqs[i]);
	seq_puts(m, n > listed ? " ...\n" : "\n");

	/* done_lock protects the list the interrupt fills for the worker. */
	spin_lock_irqsave(&pvdev->done_lock, flags);
	list_for_each(pos, &pvdev->done_list)
		done++;
	spin_unlock_irqrestore(&pvdev->done_lock, flags);
	seq_printf(m, "done_list: %u\n", done);
	return 0;
}

/**
 * pvgpu_debugfs_init() - register the "pvgpu_state" debugfs file
 * @pvdev: device; call before drm_dev_register(), which creates the file in
 *	   the DRM device's debugfs directory (dri/<minor>/pvgpu_state)
 *
 * The format is line-oriented text for people and scripts: "ctrlq: size N
 * free N stalled 0|1", the same for "cursorq", "fences: last_seq N pending N
 * [oldest SEQ...]" (at most 8 seqnos, "..." when more are pending) and
 * "done_list: N".
 */
void pvgpu_debugfs_init(struct pvgpu_device *pvdev)
{
	drm_debugfs_add_file(&pvdev->drm, "pvgpu_state", pvgpu_state_show,
			     NULL);
}
