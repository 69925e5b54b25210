// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * KUnit: fences (device-free): seqnos follow emission order, the header is
 * tagged with FENCE / INFO_RING_IDX, a completion signals older fences of
 * the same timeline only, errors land on the right fence, and a wait on a
 * fence the host never answers returns -ETIMEDOUT instead of hanging.
 */
#include <kunit/test.h>

#include "pvgpu_drv.h"

struct pvgpu_fence_fixture {
	struct pvgpu_fence_drv drv;
	struct pvgpu_stats stats;
	u64 ctx;	/* two timelines: ctx and ctx + 1 */
};

static void pvgpu_fence_fixture_fini(void *p)
{
	struct pvgpu_fence_fixture *fx = p;

	pvgpu_fence_fail_all(&fx->drv, -ECANCELED);
	pvgpu_stats_fini(&fx->stats);
}

static int pvgpu_fence_test_init(struct kunit *test)
{
	struct pvgpu_fence_fixture *fx;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	KUNIT_ASSERT_EQ(test, pvgpu_stats_init(&fx->stats), 0);
	pvgpu_fence_drv_init(&fx->drv, &fx->stats);
	fx->ctx = dma_fence_context_alloc(2);
	test->priv = fx;
	return kunit_add_action_or_reset(test, pvgpu_fence_fixture_fini, fx);
}

/* A fence still pending at the end of a case is failed before its put. */
static void pvgpu_fence_put_action(void *p)
{
	struct pvgpu_fence *f = p;

	pvgpu_fence_cancel(f->drv, f, -ECANCELED);
	dma_fence_put(&f->base);
}

static struct pvgpu_fence *pvgpu_fence_new(struct kunit *test, u32 ring)
{
	struct pvgpu_fence_fixture *fx = test->priv;
	struct pvgpu_fence *f;

	f = pvgpu_fence_alloc(&fx->drv, fx->ctx + ring, ring, true);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
			pvgpu_fence_put_action, f));
	return f;
}

static void pvgpu_fence_test_emit_tags_header(struct kunit *test)
{
	struct pvgpu_fence_fixture *fx = test->priv;
	struct pvgpu_fence *a = pvgpu_fence_new(test, 1);
	struct pvgpu_fence *b = pvgpu_fence_new(test, 1);
	struct virtio_gpu_ctrl_hdr ha = {}, hb = {};

	pvgpu_fence_emit(&fx->drv, a, &ha);
	pvgpu_fence_emit(&fx->drv, b, &hb);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(ha.flags),
			VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX);
	KUNIT_EXPECT_EQ(test, ha.ring_idx, 1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ha.fence_id), a->base.seqno);
	KUNIT_EXPECT_GT(test, b->base.seqno, a->base.seqno);
	KUNIT_EXPECT_GT(test, le64_to_cpu(hb.fence_id), le64_to_cpu(ha.fence_id));
	KUNIT_EXPECT_EQ(test, pvgpu_stats_read(&fx->stats,
					       PVGPU_STAT_FENCES_EMITTED), 2ull);
}

static void pvgpu_fence_test_no_ring_flag(struct kunit *test)
{
	struct pvgpu_fence_fixture *fx = test->priv;
	struct virtio_gpu_ctrl_hdr h = {};
	struct pvgpu_fence *f;

	f = pvgpu_fence_alloc(&fx->drv, fx->ctx, 0, false);
	KUNIT_ASSERT_NOT_NULL(test, f);
	pvgpu_fence_emit(&fx->drv, f, &h);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h.flags), VIRTIO_GPU_FLAG_FENCE);
	pvgpu_fence_complete(&fx->drv, f, 0);
	dma_fence_put(&f->base);
}

static void pvgpu_fence_test_in_order(struct kunit *test)
{
	struct pvgpu_fence_fixture *fx = test->priv;
	struct pvgpu_fence *a = pvgpu_fence_new(test, 0);
	struct pvgpu_fence *b = pvgpu_fence_new(test, 1);
	struct pvgpu_fence *c = pvgpu_fence_new(test, 0);
	struct pvgpu_fence *d = pvgpu_fence_new(test, 0);

	pvgpu_fence_emit(&fx->drv, a, NULL);
	pvgpu_fence_emit(&fx->drv, b, NULL);
	pvgpu_fence_emit(&fx->drv, c, NULL);
	pvgpu_fence_emit(&fx->drv, d, NULL);

	/* c's answer implies a (same ring, older), not b (other ring), not d */
	pvgpu_fence_complete(&fx->drv, c, 0);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&a->base));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&b->base));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&c->base));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&d->base));
	/* a signalled no later than c */
	KUNIT_EXPECT_TRUE(test, ktime_compare(a->base.timestamp,
					      c->base.timestamp) <= 0);

	pvgpu_fence_complete(&fx->drv, b, 0);
	pvgpu_fence_complete(&fx->drv, d, 0);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&b->base));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&d->base));
	KUNIT_EXPECT_EQ(test, pvgpu_stats_read(&fx->stats,
					       PVGPU_STAT_FENCES_SIGNALED), 4ull);
}

static void pvgpu_fence_test_error_on_own_fence(struct kunit *test)
{
	struct pvgpu_fence_fixture *fx = test->priv;
	struct pvgpu_fence *a = pvgpu_fence_new(test, 0);
	struct pvgpu_fence *b = pvgpu_fence_new(test, 0);

	pvgpu_fence_emit(&fx->drv, a, NULL);
	pvgpu_fence_emit(&fx->drv, b, NULL);
	pvgpu_fence_complete(&fx->drv, b, -EIO);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&a->base), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&b->base), -EIO);
}

static void pvgpu_fence_test_cancel_only_one(struct kunit *test)
{
	struct pvgpu_fence_fixture *fx = test->priv;
	struct pvgpu_fence *a = pvgpu_fence_new(test, 0);
	struct pvgpu_fence *b = pvgpu_fence_new(test, 0);

	pvgpu_fence_emit(&fx->drv, a, NULL);
	pvgpu_fence_emit(&fx->drv, b, NULL);
	pvgpu_fence_cancel(&fx->drv, b, -ENODEV);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&a->base));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&b->base), -ENODEV);
	/* a later answer for b changes nothing, a still completes */
	pvgpu_fence_complete(&fx->drv, b, 0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&a->base));
	pvgpu_fence_complete(&fx->drv, a, 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&a->base), 1);
}

static void pvgpu_fence_test_fail_all(struct kunit *test)
{
	struct pvgpu_fence_fixture *fx = test->priv;
	struct pvgpu_fence *a = pvgpu_fence_new(test, 0);
	struct pvgpu_fence *b = pvgpu_fence_new(test, 1);

	pvgpu_fence_emit(&fx->drv, a, NULL);
	pvgpu_fence_emit(&fx->drv, b, NULL);
	pvgpu_fence_fail_all(&fx->drv, -ENODEV);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&a->base), -ENODEV);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&b->base), -ENODEV);
	KUNIT_EXPECT_TRUE(test, list_empty(&fx->drv.pending));
}

static void pvgpu_fence_test_wait_timeout(struct kunit *test)
{
	struct pvgpu_fence_fixture *fx = test->priv;
	struct pvgpu_fence *a = pvgpu_fence_new(test, 0);
	unsigned long start = jiffies;

	pvgpu_fence_emit(&fx->drv, a, NULL);
	/* a dead host: nobody ever completes a */
	KUNIT_EXPECT_EQ(test, pvgpu_fence_wait(&a->base, false,
					       msecs_to_jiffies(50)),
			-ETIMEDOUT);
	KUNIT_EXPECT_GE(test, jiffies - start, msecs_to_jiffies(50));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&a->base));
}

static void pvgpu_fence_test_wait_signalled(struct kunit *test)
{
	struct pvgpu_fence_fixture *fx = test->priv;
	struct pvgpu_fence *a = pvgpu_fence_new(test, 0);

	pvgpu_fence_emit(&fx->drv, a, NULL);
	pvgpu_fence_complete(&fx->drv, a, 0);
	KUNIT_EXPECT_EQ(test, pvgpu_fence_wait(&a->base, true, 1), 0);
}

static void pvgpu_fence_test_is_ours(struct kunit *test)
{
	struct pvgpu_fence *a = pvgpu_fence_new(test, 0);
	struct dma_fence *stub = dma_fence_get_stub();

	KUNIT_EXPECT_TRUE(test, pvgpu_is_fence(&a->base));
	KUNIT_EXPECT_FALSE(test, pvgpu_is_fence(stub));
	dma_fence_put(stub);
}

static struct kunit_case pvgpu_fence_cases[] = {
	KUNIT_CASE(pvgpu_fence_test_emit_tags_header),
	KUNIT_CASE(pvgpu_fence_test_no_ring_flag),
	KUNIT_CASE(pvgpu_fence_test_in_order),
	KUNIT_CASE(pvgpu_fence_test_error_on_own_fence),
	KUNIT_CASE(pvgpu_fence_test_cancel_only_one),
	KUNIT_CASE(pvgpu_fence_test_fail_all),
	KUNIT_CASE(pvgpu_fence_test_wait_timeout),
	KUNIT_CASE(pvgpu_fence_test_wait_signalled),
	KUNIT_CASE(pvgpu_fence_test_is_ours),
	{}
};

static struct kunit_suite pvgpu_fence_suite = {
	.name = "pvgpu_fence",
	.init = pvgpu_fence_test_init,
	.test_cases = pvgpu_fence_cases,
};
kunit_test_suite(pvgpu_fence_suite);
