// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pvgpu - per-CPU event counters and their debugfs file.
 *
 * Every counter is a u64 in a per-CPU slot, bumped with this_cpu_inc() /
 * this_cpu_add(): no shared cache line and no atomic on the hot path. A
 * reader sums the slots of all possible CPUs; the sum is not a snapshot
 * (counters move while it is taken), which is fine for statistics.
 */
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "pvgpu_drv.h"

static const char *const pvgpu_stat_names[PVGPU_STAT_COUNT] = {
	[PVGPU_STAT_CMDS_QUEUED] = "commands_queued",
	[PVGPU_STAT_KICKS] = "kicks",
	[PVGPU_STAT_FENCES_EMITTED] = "fences_emitted",
	[PVGPU_STAT_FENCES_SIGNALED] = "fences_signalled",
	[PVGPU_STAT_POLL_SPINS] = "poll_spins",
	[PVGPU_STAT_BARRIERS] = "barriers",
	[PVGPU_STAT_SPACE_WAITS] = "queue_space_waits",
	[PVGPU_STAT_HOST_ERRORS] = "host_errors",
};

/**
 * pvgpu_stat_name() - debugfs name of a counter
 * @i: counter
 *
 * Return: a static string.
 */
const char *pvgpu_stat_name(enum pvgpu_stat i)
{
	return pvgpu_stat_names[i];
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_stat_name);

/**
 * pvgpu_stats_init() - allocate zeroed per-CPU counters
 * @s: counters
 *
 * Return: 0 or -ENOMEM.
 */
int pvgpu_stats_init(struct pvgpu_stats *s)
{
	s->cpu = alloc_percpu(struct pvgpu_stats_cpu);
	return s->cpu ? 0 : -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_stats_init);

/**
 * pvgpu_stats_fini() - free the counters
 * @s: counters from pvgpu_stats_init()
 */
void pvgpu_stats_fini(struct pvgpu_stats *s)
{
	free_percpu(s->cpu);
	s->cpu = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_stats_fini);

/**
 * pvgpu_stats_read() - sum one counter over all possible CPUs
 * @s: counters
 * @i: which one
 *
 * Return: the sum (events since the counters were allocated).
 */
u64 pvgpu_stats_read(struct pvgpu_stats *s, enum pvgpu_stat i)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(s->cpu, cpu)->c[i]);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(pvgpu_stats_read);

static int pvgpu_stats_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct pvgpu_device *pvdev = to_pvgpu(entry->dev);
	int i;

	for (i = 0; i < PVGPU_STAT_COUNT; i++)
		seq_printf(m, "%s %llu\n", pvgpu_stat_names[i],
			   pvgpu_stats_read(&pvdev->stats, i));
	return 0;
}

/**
 * pvgpu_stats_debugfs_init() - register the "pvgpu_stats" debugfs file
 * @pvdev: device; call before drm_dev_register(), which creates the file
 *	   in the DRM device's debugfs directory (dri/<minor>/pvgpu_stats)
 */
void pvgpu_stats_debugfs_init(struct pvgpu_device *pvdev)
{
	drm_debugfs_add_file(&pvdev->drm, "pvgpu_stats", pvgpu_stats_show,
			     NULL);
}
