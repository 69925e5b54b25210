// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * KUnit: per-CPU counters. Increments made on each CPU land in that CPU's
 * slot (no shared counter) and the read sums them; on the device, the
 * debugfs file lists every counter, one "name value" line each.
 */
#include <linux/cpu.h>
#include <linux/fs.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <kunit/test.h>

#include "pvgpu_test.h"

static void pvgpu_stats_fini_action(void *s)
{
	pvgpu_stats_fini(s);
}

static int pvgpu_stats_test_init(struct kunit *test)
{
	struct pvgpu_stats *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, pvgpu_stats_init(s), 0);
	test->priv = s;
	return kunit_add_action_or_reset(test, pvgpu_stats_fini_action, s);
}

static void pvgpu_stats_test_zero(struct kunit *test)
{
	struct pvgpu_stats *s = test->priv;
	int i;

	for (i = 0; i < PVGPU_STAT_COUNT; i++)
		KUNIT_EXPECT_EQ(test, pvgpu_stats_read(s, i), 0ull);
}

struct pvgpu_stats_work {
	struct pvgpu_stats *s;
	unsigned int times;
};

static int pvgpu_stats_bump(void *arg)
{
	struct pvgpu_stats_work *w = arg;
	unsigned int i;

	for (i = 0; i < w->times; i++)
		pvgpu_stat_inc(w->s, PVGPU_STAT_KICKS);
	pvgpu_stat_add(w->s, PVGPU_STAT_BARRIERS, w->times);
	return 0;
}

static void pvgpu_stats_test_per_cpu_slots(struct kunit *test)
{
	struct pvgpu_stats *s = test->priv;
	u64 want = 0;
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct pvgpu_stats_work w = { .s = s, .times = cpu + 1 };

		KUNIT_ASSERT_EQ(test, smp_call_on_cpu(cpu, pvgpu_stats_bump,
						      &w, false), 0);
		want += cpu + 1;
	}
	for_each_online_cpu(cpu) {
		/* each CPU's slot holds only what ran on that CPU */
		KUNIT_EXPECT_EQ(test, per_cpu_ptr(s->cpu, cpu)->c[PVGPU_STAT_KICKS],
				(u64)cpu + 1);
	}
	cpus_read_unlock();
	KUNIT_EXPECT_EQ(test, pvgpu_stats_read(s, PVGPU_STAT_KICKS), want);
	KUNIT_EXPECT_EQ(test, pvgpu_stats_read(s, PVGPU_STAT_BARRIERS), want);
	KUNIT_EXPECT_EQ(test, pvgpu_stats_read(s, PVGPU_STAT_POLL_SPINS), 0ull);
}

static void pvgpu_stats_test_names(struct kunit *test)
{
	static const char *const want[PVGPU_STAT_COUNT] = {
		"commands_queued", "kicks", "fences_emitted",
		"fences_signalled", "poll_spins", "barriers",
		"queue_space_waits", "host_errors",
	};
	int i;

	for (i = 0; i < PVGPU_STAT_COUNT; i++)
		KUNIT_EXPECT_STREQ(test, pvgpu_stat_name(i), want[i]);
}

static void pvgpu_stats_test_debugfs(struct kunit *test)
{
	struct pvgpu_test_dev *td;
	char path[64], *buf, *line, *cur;
	struct file *f;
	loff_t pos = 0;
	ssize_t len;
	int i = 0;

	KUNIT_ASSERT_EQ(test, 0, pvgpu_test_dev_init(test));
	td = test->priv;
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/pvgpu_stats",
		 td->pvdev->drm.render->index);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		kunit_skip(test, "%s: %ld (debugfs not mounted?)", path,
			   PTR_ERR(f));
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* debugfs seq files have ->read only, which kernel_read() refuses */
	len = f->f_op->read(f, (char __user *)td->udata, PAGE_SIZE - 1, &pos);
	fput(f);
	KUNIT_ASSERT_GT(test, len, 0L);
	KUNIT_ASSERT_EQ(test, 0UL, copy_from_user(buf, (void __user *)td->udata,
						  len));

	cur = buf;
	while ((line = strsep(&cur, "\n")) && *line) {
		char name[32];
		unsigned long long v;

		KUNIT_ASSERT_LT(test, i, (int)PVGPU_STAT_COUNT);
		KUNIT_EXPECT_EQ(test, sscanf(line, "%31s %llu", name, &v), 2);
		KUNIT_EXPECT_STREQ(test, name, pvgpu_stat_name(i));
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, (int)PVGPU_STAT_COUNT);
}

static struct kunit_case pvgpu_stats_cases[] = {
	KUNIT_CASE(pvgpu_stats_test_zero),
	KUNIT_CASE(pvgpu_stats_test_per_cpu_slots),
	KUNIT_CASE(pvgpu_stats_test_names),
	{}
};

static struct kunit_suite pvgpu_stats_suite = {
	.name = "pvgpu_stats",
	.init = pvgpu_stats_test_init,
	.test_cases = pvgpu_stats_cases,
};

static struct kunit_case pvgpu_stats_device_cases[] = {
	KUNIT_CASE(pvgpu_stats_test_debugfs),
	{}
};

static struct kunit_suite pvgpu_stats_device_suite = {
	.name = "pvgpu_stats_device",
	.test_cases = pvgpu_stats_device_cases,
};

kunit_test_suites(&pvgpu_stats_suite, &pvgpu_stats_device_suite);
