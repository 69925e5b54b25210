// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * KUnit on the device: blob and mapping lifecycle (create, RESOURCE_INFO,
 * MAP, mmap, write through the mapping, close), a host blob the host
 * refuses (mmap fails in bounded time, the host error is counted), a
 * classic 3D resource with a fenced transfer and WAIT, and fences of
 * EXECBUFFER on the (file, ring) timelines signalled in order.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/mman.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>

#include <kunit/test.h>

#include "pvgpu_test.h"

static int pvgpu_blob_create(struct kunit *test, u32 mem, u32 flags, u64 id,
			     u64 size, struct drm_virtgpu_resource_create_blob *b)
{
	struct pvgpu_test_dev *td = test->priv;

	*b = (struct drm_virtgpu_resource_create_blob){
		.blob_mem = mem, .blob_flags = flags, .blob_id = id,
		.size = size,
	};
	return pvgpu_test_ioctl(test, td->file,
				DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, b,
				sizeof(*b));
}

static long pvgpu_blob_map(struct kunit *test, u32 handle, u64 *offset)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_map m = { .handle = handle };
	long ret;

	ret = pvgpu_test_ioctl(test, td->file, DRM_IOCTL_VIRTGPU_MAP, &m,
			       sizeof(m));
	*offset = m.offset;
	return ret;
}

static long pvgpu_gem_close(struct kunit *test, u32 handle)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_gem_close c = { .handle = handle };

	return pvgpu_test_ioctl(test, td->file, DRM_IOCTL_GEM_CLOSE, &c,
				sizeof(c));
}

static void pvgpu_blob_test_guest_lifecycle(struct kunit *test)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_resource_create_blob b;
	struct drm_virtgpu_resource_info info;
	struct drm_gem_object *obj;
	const size_t size = 2 * PAGE_SIZE;
	u32 pattern = 0x5eed1234, got;
	unsigned long addr;
	u64 offset;
	void *va;

	KUNIT_ASSERT_EQ(test, pvgpu_blob_create(test, VIRTGPU_BLOB_MEM_GUEST,
						VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
						0, size - 100, &b), 0);
	KUNIT_EXPECT_NE(test, b.bo_handle, 0u);
	KUNIT_EXPECT_NE(test, b.res_handle, 0u);

	info = (struct drm_virtgpu_resource_info){ .bo_handle = b.bo_handle };
	KUNIT_ASSERT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &info, sizeof(info)), 0L);
	KUNIT_EXPECT_EQ(test, info.size, (u32)size);	/* page aligned */
	KUNIT_EXPECT_EQ(test, info.res_handle, b.res_handle);
	KUNIT_EXPECT_EQ(test, info.blob_mem, (u32)VIRTGPU_BLOB_MEM_GUEST);

	KUNIT_ASSERT_EQ(test, pvgpu_blob_map(test, b.bo_handle, &offset), 0L);
	addr = kunit_vm_mmap(test, td->file, 0, size, PROT_READ | PROT_WRITE,
			     MAP_SHARED, offset);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr) || !addr);

	/* a store through the user mapping lands in the shmem page */
	KUNIT_ASSERT_EQ(test, 0UL, copy_to_user((void __user *)(addr + PAGE_SIZE),
						&pattern, sizeof(pattern)));
	obj = drm_gem_object_lookup(td->file->private_data, b.bo_handle);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	va = kmap_local_page(to_pvgpu_bo(obj)->shmem.pages[1]);
	got = *(u32 *)va;
	kunmap_local(va);
	drm_gem_object_put(obj);
	KUNIT_EXPECT_EQ(test, got, pattern);

	/* the mapping keeps the object; closing the handle ends the name */
	KUNIT_EXPECT_EQ(test, pvgpu_gem_close(test, b.bo_handle), 0L);
	KUNIT_EXPECT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &info, sizeof(info)),
			(long)-ENOENT);
	KUNIT_EXPECT_EQ(test, 0UL, copy_from_user(&got,
			(void __user *)(addr + PAGE_SIZE), sizeof(got)));
	KUNIT_EXPECT_EQ(test, got, pattern);
}

static void pvgpu_blob_test_partial_mmap_refused(struct kunit *test)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_resource_create_blob b;
	unsigned long addr;
	u64 offset;

	KUNIT_ASSERT_EQ(test, pvgpu_blob_create(test, VIRTGPU_BLOB_MEM_GUEST,
						VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
						0, PAGE_SIZE, &b), 0);
	KUNIT_ASSERT_EQ(test, pvgpu_blob_map(test, b.bo_handle, &offset), 0L);
	/* beyond the object: drm_gem_mmap() refuses */
	addr = kunit_vm_mmap(test, td->file, 0, 4 * PAGE_SIZE,
			     PROT_READ | PROT_WRITE, MAP_SHARED, offset);
	KUNIT_EXPECT_TRUE(test, IS_ERR_VALUE(addr));
	KUNIT_EXPECT_EQ(test, pvgpu_gem_close(test, b.bo_handle), 0L);
}

static void pvgpu_blob_test_host_refused(struct kunit *test)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_resource_create_blob b;
	unsigned long addr, start;
	u64 offset, errs;

	if (!(td->pvdev->capset_mask & BIT_ULL(VIRTIO_GPU_CAPSET_VENUS)) ||
	    !td->pvdev->has_host_visible)
		kunit_skip(test, "needs Venus and the host-visible region");
	KUNIT_ASSERT_EQ(test, pvgpu_test_venus_ctx(test, td->file), 0);

	errs = pvgpu_stats_read(&td->pvdev->stats, PVGPU_STAT_HOST_ERRORS);
	/* no Venus object has this id: CREATE_BLOB and MAP_BLOB fail */
	KUNIT_ASSERT_EQ(test, pvgpu_blob_create(test, VIRTGPU_BLOB_MEM_HOST3D,
						VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
						0xdead0000beefull, PAGE_SIZE,
						&b), 0);
	KUNIT_ASSERT_EQ(test, pvgpu_blob_map(test, b.bo_handle, &offset), 0L);
	start = jiffies;
	addr = kunit_vm_mmap(test, td->file, 0, PAGE_SIZE,
			     PROT_READ | PROT_WRITE, MAP_SHARED, offset);
	KUNIT_EXPECT_TRUE(test, IS_ERR_VALUE(addr));
	KUNIT_EXPECT_LE(test, jiffies - start, PVGPU_HOST_TIMEOUT + HZ);
	KUNIT_EXPECT_GT(test, pvgpu_stats_read(&td->pvdev->stats,
					       PVGPU_STAT_HOST_ERRORS), errs);
	KUNIT_EXPECT_EQ(test, pvgpu_gem_close(test, b.bo_handle), 0L);
}

static void pvgpu_blob_test_classic_transfer_wait(struct kunit *test)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_resource_create rc = {
		.target = 2, .format = 1, .bind = 2, .width = 64, .height = 64,
		.depth = 1, .array_size = 1, .size = 64 * 64 * 4,
	};
	struct drm_virtgpu_3d_transfer_to_host t = {
		.box = { .w = 64, .h = 64, .d = 1 },
	};
	struct drm_virtgpu_3d_wait w = {};

	KUNIT_ASSERT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &rc, sizeof(rc)), 0L);
	t.bo_handle = rc.bo_handle;
	KUNIT_ASSERT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t, sizeof(t)), 0L);
	w.handle = rc.bo_handle;
	KUNIT_EXPECT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_WAIT, &w, sizeof(w)), 0L);
	/* done now: NOWAIT agrees */
	w.flags = VIRTGPU_WAIT_NOWAIT;
	KUNIT_EXPECT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_WAIT, &w, sizeof(w)), 0L);
	/* strides are for blobs only */
	t.stride = 256;
	KUNIT_EXPECT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t, sizeof(t)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, pvgpu_gem_close(test, rc.bo_handle), 0L);
}

/* Export from one file, import into another: same object, same resource. */
static void pvgpu_blob_test_prime_self_import(struct kunit *test)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_resource_create_blob b;
	struct drm_virtgpu_resource_info info = {};
	struct drm_prime_handle ph;
	struct file *other;

	KUNIT_ASSERT_EQ(test, pvgpu_blob_create(test, VIRTGPU_BLOB_MEM_GUEST,
						VIRTGPU_BLOB_FLAG_USE_MAPPABLE |
						VIRTGPU_BLOB_FLAG_USE_SHAREABLE,
						0, PAGE_SIZE, &b), 0);
	ph = (struct drm_prime_handle){ .handle = b.bo_handle,
					.flags = DRM_CLOEXEC | DRM_RDWR };
	KUNIT_ASSERT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph, sizeof(ph)), 0L);

	other = pvgpu_test_open(test, td->pvdev);
	ph.handle = 0;
	KUNIT_EXPECT_EQ(test, pvgpu_test_ioctl(test, other,
			DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph, sizeof(ph)), 0L);
	close_fd(ph.fd);
	info.bo_handle = ph.handle;
	KUNIT_EXPECT_EQ(test, pvgpu_test_ioctl(test, other,
			DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &info, sizeof(info)), 0L);
	KUNIT_EXPECT_EQ(test, info.res_handle, b.res_handle);
	KUNIT_EXPECT_EQ(test, info.size, (u32)PAGE_SIZE);

	/* an fd that is no dma-buf at all */
	ph = (struct drm_prime_handle){ .fd = -1 };
	KUNIT_EXPECT_LT(test, pvgpu_test_ioctl(test, other,
			DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph, sizeof(ph)), 0L);
}

/* Submit an empty stream on @ring with an out fence; returns the fence. */
static struct dma_fence *pvgpu_submit_empty(struct kunit *test, u32 ring)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_execbuffer e = {
		.flags = VIRTGPU_EXECBUF_RING_IDX | VIRTGPU_EXECBUF_FENCE_FD_OUT,
		.ring_idx = ring, .command = td->udata,
	};
	struct dma_fence *f;

	KUNIT_ASSERT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_EXECBUFFER, &e, sizeof(e)), 0L);
	f = sync_file_get_fence(e.fence_fd);
	close_fd(e.fence_fd);
	KUNIT_ASSERT_NOT_NULL(test, f);
	return f;
}

/*
 * Ring 0 only: the host retires a ring >= 1 only once Venus bound a VkQueue
 * to it, which a bare context never does.
 */
static void pvgpu_submit_test_ring_fences_in_order(struct kunit *test)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_file *dfile = td->file->private_data;
	struct pvgpu_file *pvfile = dfile->driver_priv;
	struct dma_fence *f[5];
	int i;

	if (!(td->pvdev->capset_mask & BIT_ULL(VIRTIO_GPU_CAPSET_VENUS)))
		kunit_skip(test, "host serves no Venus capset");
	KUNIT_ASSERT_EQ(test, pvgpu_test_venus_ctx(test, td->file), 0);

	for (i = 0; i < 5; i++)
		f[i] = pvgpu_submit_empty(test, 0);
	/* the (file, ring 0) timeline: the context CONTEXT_INIT allocated */
	KUNIT_EXPECT_TRUE(test, pvgpu_is_fence(f[0]));
	KUNIT_EXPECT_EQ(test, f[0]->context, pvfile->ring_ctx);
	for (i = 1; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, f[i]->context, f[0]->context);
		KUNIT_EXPECT_GT(test, f[i]->seqno, f[i - 1]->seqno);
	}

	KUNIT_EXPECT_EQ(test, pvgpu_fence_wait(f[4], false, 5 * HZ), 0);
	/* the last one signalled: every earlier one of its timeline too */
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, dma_fence_get_status(f[i]), 1);
		if (i)
			KUNIT_EXPECT_TRUE(test, ktime_compare(f[i - 1]->timestamp,
							      f[i]->timestamp) <= 0);
		dma_fence_put(f[i]);
	}
}

static void pvgpu_submit_test_timeline_syncobj(struct kunit *test)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_file *dfile = td->file->private_data;
	struct drm_syncobj_create sc = {};
	struct drm_virtgpu_execbuffer_syncobj out = { .point = 5 };
	struct drm_virtgpu_execbuffer e = {
		.flags = VIRTGPU_EXECBUF_RING_IDX, .ring_idx = 0,
		.num_out_syncobjs = 1, .syncobj_stride = sizeof(out),
	};
	struct dma_fence *f;

	if (!(td->pvdev->capset_mask & BIT_ULL(VIRTIO_GPU_CAPSET_VENUS)))
		kunit_skip(test, "host serves no Venus capset");
	KUNIT_ASSERT_EQ(test, pvgpu_test_venus_ctx(test, td->file), 0);
	KUNIT_ASSERT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_SYNCOBJ_CREATE, &sc, sizeof(sc)), 0L);
	out.handle = sc.handle;
	pvgpu_test_put_user(test, td->udata, &out, sizeof(out));
	e.out_syncobjs = td->udata;
	e.command = td->udata + PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_EXECBUFFER, &e, sizeof(e)), 0L);
	/* the point exists at once (WAIT_FOR_SUBMIT not needed) */
	KUNIT_ASSERT_EQ(test, drm_syncobj_find_fence(dfile, sc.handle, 5, 0,
						     &f), 0);
	KUNIT_EXPECT_EQ(test, pvgpu_fence_wait(f, false, 5 * HZ), 0);
	dma_fence_put(f);
}

/* Rings in POLL_RINGS_MASK send VIRTGPU_EVENT_FENCE_SIGNALED on the fd. */
static void pvgpu_submit_test_poll_ring_event(struct kunit *test)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_context_set_param p[3] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, VIRTIO_GPU_CAPSET_VENUS },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 2 },
		{ VIRTGPU_CONTEXT_PARAM_POLL_RINGS_MASK, 1 },
	};
	struct drm_virtgpu_context_init init = {
		.num_params = 3, .ctx_set_params = td->udata,
	};
	struct drm_event ev;
	struct dma_fence *f;
	loff_t pos = 0;
	ssize_t len;

	if (!(td->pvdev->capset_mask & BIT_ULL(VIRTIO_GPU_CAPSET_VENUS)))
		kunit_skip(test, "host serves no Venus capset");
	pvgpu_test_put_user(test, td->udata, p, sizeof(p));
	KUNIT_ASSERT_EQ(test, pvgpu_test_ioctl(test, td->file,
			DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &init, sizeof(init)), 0L);

	f = pvgpu_submit_empty(test, 0);
	KUNIT_ASSERT_EQ(test, pvgpu_fence_wait(f, false, 5 * HZ), 0);
	dma_fence_put(f);

	td->file->f_flags |= O_NONBLOCK;	/* no event: -EAGAIN, no hang */
	len = td->file->f_op->read(td->file, (char __user *)td->udata,
				   PAGE_SIZE, &pos);
	KUNIT_ASSERT_EQ(test, len, (ssize_t)sizeof(ev));
	KUNIT_ASSERT_EQ(test, 0UL, copy_from_user(&ev, (void __user *)td->udata,
						  sizeof(ev)));
	KUNIT_EXPECT_EQ(test, ev.type, (u32)VIRTGPU_EVENT_FENCE_SIGNALED);
	KUNIT_EXPECT_EQ(test, ev.length, (u32)sizeof(ev));
}

static struct kunit_case pvgpu_blob_cases[] = {
	KUNIT_CASE(pvgpu_blob_test_guest_lifecycle),
	KUNIT_CASE(pvgpu_blob_test_partial_mmap_refused),
	KUNIT_CASE(pvgpu_blob_test_host_refused),
	KUNIT_CASE(pvgpu_blob_test_classic_transfer_wait),
	KUNIT_CASE(pvgpu_blob_test_prime_self_import),
	{}
};

static struct kunit_suite pvgpu_blob_suite = {
	.name = "pvgpu_blob",
	.init = pvgpu_test_dev_init,
	.exit = pvgpu_test_dev_exit,
	.test_cases = pvgpu_blob_cases,
};

static struct kunit_case pvgpu_submit_cases[] = {
	KUNIT_CASE(pvgpu_submit_test_ring_fences_in_order),
	KUNIT_CASE(pvgpu_submit_test_timeline_syncobj),
	KUNIT_CASE(pvgpu_submit_test_poll_ring_event),
	{}
};

static struct kunit_suite pvgpu_submit_suite = {
	.name = "pvgpu_submit_device",
	.init = pvgpu_test_dev_init,
	.exit = pvgpu_test_dev_exit,
	.test_cases = pvgpu_submit_cases,
};

kunit_test_suites(&pvgpu_blob_suite, &pvgpu_submit_suite);
