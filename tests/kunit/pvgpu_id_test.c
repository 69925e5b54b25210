// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * KUnit: resource/context id allocation (device-free): ids start at 1, are
 * unique, are not reused right after a free, wrap around, and run out with
 * -ENOSPC.
 */
#include <kunit/test.h>

#include "pvgpu_drv.h"

static void pvgpu_id_fini_action(void *a)
{
	pvgpu_id_fini(a);
}

static struct pvgpu_id_alloc *pvgpu_id_fixture(struct kunit *test, u32 max)
{
	struct pvgpu_id_alloc *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	pvgpu_id_init(a, max);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, pvgpu_id_fini_action, a));
	return a;
}

static void pvgpu_id_test_first_is_one(struct kunit *test)
{
	struct pvgpu_id_alloc *a = pvgpu_id_fixture(test, 100);
	u32 id;

	KUNIT_ASSERT_EQ(test, pvgpu_id_get(a, &id), 0);
	KUNIT_EXPECT_EQ(test, id, 1u);	/* 0 means "no resource" on the wire */
}

static void pvgpu_id_test_unique(struct kunit *test)
{
	struct pvgpu_id_alloc *a = pvgpu_id_fixture(test, 1000);
	unsigned long *seen;
	u32 id, i;

	seen = kunit_kcalloc(test, BITS_TO_LONGS(1001), sizeof(long),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < 1000; i++) {
		KUNIT_ASSERT_EQ(test, pvgpu_id_get(a, &id), 0);
		KUNIT_ASSERT_GE(test, id, 1u);
		KUNIT_ASSERT_LE(test, id, 1000u);
		KUNIT_EXPECT_FALSE(test, test_and_set_bit(id, seen));
	}
}

static void pvgpu_id_test_no_quick_reuse(struct kunit *test)
{
	struct pvgpu_id_alloc *a = pvgpu_id_fixture(test, 100);
	u32 x, y;

	KUNIT_ASSERT_EQ(test, pvgpu_id_get(a, &x), 0);
	pvgpu_id_put(a, x);
	KUNIT_ASSERT_EQ(test, pvgpu_id_get(a, &y), 0);
	KUNIT_EXPECT_NE(test, x, y);
}

static void pvgpu_id_test_wraps(struct kunit *test)
{
	struct pvgpu_id_alloc *a = pvgpu_id_fixture(test, 4);
	u32 id, i;

	for (i = 1; i <= 4; i++) {
		KUNIT_ASSERT_EQ(test, pvgpu_id_get(a, &id), 0);
		KUNIT_EXPECT_EQ(test, id, i);
	}
	pvgpu_id_put(a, 2);
	KUNIT_ASSERT_EQ(test, pvgpu_id_get(a, &id), 0);
	KUNIT_EXPECT_EQ(test, id, 2u);	/* the only free one, after wrapping */
}

static void pvgpu_id_test_exhausted(struct kunit *test)
{
	struct pvgpu_id_alloc *a = pvgpu_id_fixture(test, 3);
	u32 id, i;

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, pvgpu_id_get(a, &id), 0);
	KUNIT_EXPECT_EQ(test, pvgpu_id_get(a, &id), -ENOSPC);
}

static struct kunit_case pvgpu_id_cases[] = {
	KUNIT_CASE(pvgpu_id_test_first_is_one),
	KUNIT_CASE(pvgpu_id_test_unique),
	KUNIT_CASE(pvgpu_id_test_no_quick_reuse),
	KUNIT_CASE(pvgpu_id_test_wraps),
	KUNIT_CASE(pvgpu_id_test_exhausted),
	{}
};

static struct kunit_suite pvgpu_id_suite = {
	.name = "pvgpu_resource_id",
	.test_cases = pvgpu_id_cases,
};
kunit_test_suite(pvgpu_id_suite);
