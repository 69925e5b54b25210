// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * KUnit: capset selection and the capset cache (device-free), plus one
 * on-device case: GET_CAPS answers twice from one host round trip.
 */
#include <kunit/test.h>

#include "pvgpu_test.h"

static const struct pvgpu_capset pvgpu_test_caps[] = {
	{ .id = VIRTIO_GPU_CAPSET_VIRGL, .max_version = 1, .max_size = 308 },
	{ .id = VIRTIO_GPU_CAPSET_VIRGL2, .max_version = 2, .max_size = 1024 },
	{ .id = VIRTIO_GPU_CAPSET_VENUS, .max_version = 0, .max_size = 160 },
	{ .id = 70, .max_version = 0, .max_size = 8 },	/* id beyond the mask */
};

struct pvgpu_find_case {
	const char *name;
	u32 id, version;
	int index;
};

static const struct pvgpu_find_case pvgpu_find_cases[] = {
	{ "virgl v1", VIRTIO_GPU_CAPSET_VIRGL, 1, 0 },
	{ "virgl v0", VIRTIO_GPU_CAPSET_VIRGL, 0, 0 },
	{ "virgl v2 too new", VIRTIO_GPU_CAPSET_VIRGL, 2, -EINVAL },
	{ "virgl2 v2", VIRTIO_GPU_CAPSET_VIRGL2, 2, 1 },
	{ "venus v0", VIRTIO_GPU_CAPSET_VENUS, 0, 2 },
	{ "venus v1 too new", VIRTIO_GPU_CAPSET_VENUS, 1, -EINVAL },
	{ "unknown id 3", 3, 0, -EINVAL },
	{ "id 0", 0, 0, -EINVAL },
	{ "huge id", 0xffffffff, 0, -EINVAL },
};

static void pvgpu_find_case_desc(const struct pvgpu_find_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pvgpu_find, pvgpu_find_cases, pvgpu_find_case_desc);

static void pvgpu_capset_test_find(struct kunit *test)
{
	const struct pvgpu_find_case *t = test->param_value;

	KUNIT_EXPECT_EQ(test, pvgpu_capset_find(pvgpu_test_caps,
						ARRAY_SIZE(pvgpu_test_caps),
						t->id, t->version), t->index);
}

static void pvgpu_capset_test_mask(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pvgpu_capset_mask(pvgpu_test_caps,
						ARRAY_SIZE(pvgpu_test_caps)),
			BIT_ULL(1) | BIT_ULL(2) | BIT_ULL(4));
	KUNIT_EXPECT_EQ(test, pvgpu_capset_mask(pvgpu_test_caps, 0), 0ull);
}

static void pvgpu_capset_cache_fini_action(void *cache)
{
	pvgpu_capset_cache_fini(cache);
}

static int pvgpu_capset_cache_test_init(struct kunit *test)
{
	struct pvgpu_capset_cache *cache;

	cache = kunit_kzalloc(test, sizeof(*cache), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cache);
	pvgpu_capset_cache_init(cache);
	test->priv = cache;
	return kunit_add_action_or_reset(test, pvgpu_capset_cache_fini_action,
					 cache);
}

static void pvgpu_capset_test_cache_insert_lookup(struct kunit *test)
{
	struct pvgpu_capset_cache *cache = test->priv;
	const u8 a[4] = { 1, 2, 3, 4 }, b[2] = { 9, 9 };
	struct pvgpu_capset_entry *e, *f;

	KUNIT_EXPECT_NULL(test, pvgpu_capset_cache_lookup(cache, 4, 0));
	e = pvgpu_capset_cache_insert(cache, 4, 0, a, sizeof(a));
	KUNIT_ASSERT_FALSE(test, IS_ERR(e));
	KUNIT_EXPECT_EQ(test, e->size, 4u);
	KUNIT_EXPECT_MEMEQ(test, e->data, a, sizeof(a));
	KUNIT_EXPECT_PTR_EQ(test, pvgpu_capset_cache_lookup(cache, 4, 0), e);
	/* another version is another entry */
	KUNIT_EXPECT_NULL(test, pvgpu_capset_cache_lookup(cache, 4, 1));
	f = pvgpu_capset_cache_insert(cache, 4, 1, b, sizeof(b));
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_PTR_NE(test, e, f);
	KUNIT_EXPECT_PTR_EQ(test, pvgpu_capset_cache_lookup(cache, 4, 1), f);
}

static void pvgpu_capset_test_cache_dedup(struct kunit *test)
{
	struct pvgpu_capset_cache *cache = test->priv;
	const u8 a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 6, 7, 8 };
	struct pvgpu_capset_entry *e, *f;

	/* a racing second fetch keeps the first answer */
	e = pvgpu_capset_cache_insert(cache, 1, 1, a, sizeof(a));
	f = pvgpu_capset_cache_insert(cache, 1, 1, b, sizeof(b));
	KUNIT_ASSERT_FALSE(test, IS_ERR(e));
	KUNIT_EXPECT_PTR_EQ(test, e, f);
	KUNIT_EXPECT_MEMEQ(test, f->data, a, sizeof(a));
}

/* On the device: the second GET_CAPS is served from the cache. */
static void pvgpu_capset_test_get_caps_cached(struct kunit *test)
{
	struct pvgpu_test_dev *td;
	struct drm_virtgpu_get_caps args;
	u64 before, after;
	u32 first[40], second[40];

	KUNIT_ASSERT_EQ(test, 0, pvgpu_test_dev_init(test));
	td = test->priv;
	if (!(td->pvdev->capset_mask & BIT_ULL(VIRTIO_GPU_CAPSET_VENUS)))
		kunit_skip(test, "host serves no Venus capset");

	args = (struct drm_virtgpu_get_caps){
		.cap_set_id = VIRTIO_GPU_CAPSET_VENUS, .addr = td->udata,
		.size = sizeof(first),
	};
	KUNIT_ASSERT_EQ(test, 0L, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_GET_CAPS, &args, sizeof(args)));
	KUNIT_ASSERT_EQ(test, 0UL, copy_from_user(first,
			(void __user *)td->udata, sizeof(first)));
	KUNIT_EXPECT_NE(test, first[0], 0u);	/* wire_format_version */

	before = pvgpu_stats_read(&td->pvdev->stats, PVGPU_STAT_CMDS_QUEUED);
	KUNIT_ASSERT_EQ(test, 0L, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_GET_CAPS, &args, sizeof(args)));
	after = pvgpu_stats_read(&td->pvdev->stats, PVGPU_STAT_CMDS_QUEUED);
	KUNIT_ASSERT_EQ(test, 0UL, copy_from_user(second,
			(void __user *)td->udata, sizeof(second)));
	KUNIT_EXPECT_EQ(test, before, after);	/* no host round trip */
	KUNIT_EXPECT_MEMEQ(test, first, second, sizeof(first));
}

static struct kunit_case pvgpu_capset_cases[] = {
	KUNIT_CASE_PARAM(pvgpu_capset_test_find, pvgpu_find_gen_params),
	KUNIT_CASE(pvgpu_capset_test_mask),
	KUNIT_CASE(pvgpu_capset_test_cache_insert_lookup),
	KUNIT_CASE(pvgpu_capset_test_cache_dedup),
	{}
};

static struct kunit_suite pvgpu_capset_suite = {
	.name = "pvgpu_capset",
	.init = pvgpu_capset_cache_test_init,
	.test_cases = pvgpu_capset_cases,
};

static struct kunit_case pvgpu_capset_device_cases[] = {
	KUNIT_CASE(pvgpu_capset_test_get_caps_cached),
	{}
};

static struct kunit_suite pvgpu_capset_device_suite = {
	.name = "pvgpu_capset_device",
	.test_cases = pvgpu_capset_device_cases,
};

kunit_test_suites(&pvgpu_capset_suite, &pvgpu_capset_device_suite);
