// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * KUnit: ioctl validation. Device-free tables for the pure checkers, and a
 * table of bad inputs driven through drm_ioctl() on the bound device, each
 * with the errno upstream virtio_gpu returns (or -EINVAL where pvgpu also
 * rejects padding/flags upstream ignores). After every bad call a good one
 * must still work: no stuck lock.
 */
#include <linux/fs.h>

#include <kunit/test.h>

#include "pvgpu_test.h"

/* ---- device-free: CONTEXT_INIT parameters ----------------------------- */

#define CP(p, v) { VIRTGPU_CONTEXT_PARAM_##p, (v) }

struct pvgpu_ctx_case {
	const char *name;
	struct drm_virtgpu_context_set_param p[5];
	u32 num;
	int want;
};

static const u64 pvgpu_test_capset_mask = BIT_ULL(1) | BIT_ULL(2) | BIT_ULL(4);

static const struct pvgpu_ctx_case pvgpu_ctx_cases[] = {
	{ "venus 64 rings", { CP(CAPSET_ID, 4), CP(NUM_RINGS, 64),
			      CP(POLL_RINGS_MASK, ~0ull) }, 3, 0 },
	{ "no params", {}, 0, 0 },
	{ "all four", { CP(CAPSET_ID, 4), CP(NUM_RINGS, 2),
			CP(POLL_RINGS_MASK, 3), CP(DEBUG_NAME, 0x1000) }, 4, 0 },
	{ "five params", { CP(CAPSET_ID, 4), CP(NUM_RINGS, 2),
			   CP(POLL_RINGS_MASK, 3), CP(DEBUG_NAME, 1),
			   CP(DEBUG_NAME, 1) }, 5, -EINVAL },
	{ "unknown param", { { 99, 0 } }, 1, -EINVAL },
	{ "param 0", { { 0, 0 } }, 1, -EINVAL },
	{ "capset 0", { CP(CAPSET_ID, 0) }, 1, -EINVAL },
	{ "capset 3 not served", { CP(CAPSET_ID, 3) }, 1, -EINVAL },
	{ "capset 63 not served", { CP(CAPSET_ID, 63) }, 1, -EINVAL },
	{ "capset 64 out of range", { CP(CAPSET_ID, 64) }, 1, -EINVAL },
	{ "capset huge", { CP(CAPSET_ID, ~0ull) }, 1, -EINVAL },
	{ "capset twice", { CP(CAPSET_ID, 4), CP(CAPSET_ID, 4) }, 2, -EINVAL },
	{ "65 rings", { CP(NUM_RINGS, 65) }, 1, -EINVAL },
	{ "rings huge", { CP(NUM_RINGS, 1ull << 32) }, 1, -EINVAL },
	{ "rings twice", { CP(NUM_RINGS, 2), CP(NUM_RINGS, 2) }, 2, -EINVAL },
	{ "mask beyond rings", { CP(NUM_RINGS, 2), CP(POLL_RINGS_MASK, 4) },
	  2, -EINVAL },
	{ "mask without rings", { CP(POLL_RINGS_MASK, 1) }, 1, -EINVAL },
	{ "mask twice", { CP(NUM_RINGS, 2), CP(POLL_RINGS_MASK, 1),
			  CP(POLL_RINGS_MASK, 1) }, 3, -EINVAL },
	{ "name twice", { CP(DEBUG_NAME, 1), CP(DEBUG_NAME, 1) }, 2, -EINVAL },
};

static void pvgpu_ctx_case_desc(const struct pvgpu_ctx_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pvgpu_ctx, pvgpu_ctx_cases, pvgpu_ctx_case_desc);

static void pvgpu_ioctl_test_ctx_params(struct kunit *test)
{
	const struct pvgpu_ctx_case *t = test->param_value;
	struct pvgpu_ctx_params out;

	KUNIT_EXPECT_EQ(test, pvgpu_check_ctx_params(t->p, t->num,
						     pvgpu_test_capset_mask,
						     &out), t->want);
}

/* ---- device-free: RESOURCE_CREATE_BLOB arguments ---------------------- */

struct pvgpu_blob_case {
	const char *name;
	struct drm_virtgpu_resource_create_blob a;
	bool uuid;
	int want;
};

#define BLOB(mem, fl) .blob_mem = VIRTGPU_BLOB_MEM_##mem, .blob_flags = (fl), \
	.size = 4096

static const struct pvgpu_blob_case pvgpu_blob_cases[] = {
	{ "guest mappable", { BLOB(GUEST, 1) }, false, 0 },
	{ "host3d mappable", { BLOB(HOST3D, 1), .blob_id = 7 }, false, 0 },
	{ "host3d_guest", { BLOB(HOST3D_GUEST, 3) }, false, 0 },
	{ "host3d with cmd", { BLOB(HOST3D, 0), .cmd_size = 8 }, false, 0 },
	{ "cross device with uuid", { BLOB(HOST3D, 4) }, true, 0 },
	{ "cross device without uuid", { BLOB(HOST3D, 4) }, false, -EINVAL },
	{ "blob_mem 0", { BLOB(GUEST, 0), .blob_mem = 0 }, false, -EINVAL },
	{ "blob_mem 4", { BLOB(GUEST, 0), .blob_mem = 4 }, false, -EINVAL },
	{ "unknown flag", { BLOB(GUEST, 8) }, false, -EINVAL },
	{ "high flag", { BLOB(HOST3D, 0x80000000) }, false, -EINVAL },
	{ "pad", { BLOB(GUEST, 0), .pad = 1 }, false, -EINVAL },
	{ "guest with blob_id", { BLOB(GUEST, 0), .blob_id = 1 }, false, -EINVAL },
	{ "guest with cmd", { BLOB(GUEST, 0), .cmd_size = 4 }, false, -EINVAL },
	{ "cmd not dwords", { BLOB(HOST3D, 0), .cmd_size = 6 }, false, -EINVAL },
};

static void pvgpu_blob_case_desc(const struct pvgpu_blob_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pvgpu_blob, pvgpu_blob_cases, pvgpu_blob_case_desc);

static void pvgpu_ioctl_test_blob_args(struct kunit *test)
{
	const struct pvgpu_blob_case *t = test->param_value;

	KUNIT_EXPECT_EQ(test, pvgpu_check_blob_args(&t->a, true, true, t->uuid),
			t->want);
}

static void pvgpu_ioctl_test_blob_needs_features(struct kunit *test)
{
	struct drm_virtgpu_resource_create_blob a = { BLOB(HOST3D, 0) };

	KUNIT_EXPECT_EQ(test, pvgpu_check_blob_args(&a, false, true, true),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pvgpu_check_blob_args(&a, true, false, true),
			-EINVAL);
}

/* ---- device-free: EXECBUFFER checks and GETPARAM values --------------- */

static void pvgpu_ioctl_test_execbuffer_checks(struct kunit *test)
{
	struct drm_virtgpu_execbuffer e = {};

	KUNIT_EXPECT_EQ(test, pvgpu_check_execbuffer(&e, 0, false), 0);
	e.flags = 0x8;
	KUNIT_EXPECT_EQ(test, pvgpu_check_execbuffer(&e, 64, true), -EINVAL);
	e.flags = VIRTGPU_EXECBUF_RING_IDX;
	e.ring_idx = 63;
	KUNIT_EXPECT_EQ(test, pvgpu_check_execbuffer(&e, 64, true), 0);
	KUNIT_EXPECT_EQ(test, pvgpu_check_execbuffer(&e, 64, false), -EINVAL);
	e.ring_idx = 64;
	KUNIT_EXPECT_EQ(test, pvgpu_check_execbuffer(&e, 64, true), -EINVAL);
	e.ring_idx = 1;
	KUNIT_EXPECT_EQ(test, pvgpu_check_execbuffer(&e, 1, true), -EINVAL);
	e.flags = VIRTGPU_EXECBUF_FENCE_FD_IN | VIRTGPU_EXECBUF_FENCE_FD_OUT;
	KUNIT_EXPECT_EQ(test, pvgpu_check_execbuffer(&e, 0, false), 0);
}

static void pvgpu_ioctl_test_getparam_values(struct kunit *test)
{
	struct pvgpu_device *pvdev = kunit_kzalloc(test, sizeof(*pvdev),
						   GFP_KERNEL);
	int v, p;

	KUNIT_ASSERT_NOT_NULL(test, pvdev);
	pvdev->has_virgl_3d = true;
	pvdev->has_resource_blob = true;
	pvdev->has_host_visible = true;
	pvdev->has_context_init = true;
	pvdev->capset_mask = BIT_ULL(4) | BIT_ULL(2);
	for (p = 1; p <= 8; p++) {
		KUNIT_EXPECT_EQ(test, pvgpu_getparam_value(pvdev, p, &v), 0);
		if (p == VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs)
			KUNIT_EXPECT_EQ(test, v, 0x14);
		else if (p == VIRTGPU_PARAM_CROSS_DEVICE)
			KUNIT_EXPECT_EQ(test, v, 0);
		else
			KUNIT_EXPECT_EQ(test, v, 1);
	}
	KUNIT_EXPECT_EQ(test, pvgpu_getparam_value(pvdev, 0, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, pvgpu_getparam_value(pvdev, 9, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, pvgpu_getparam_value(pvdev, ~0ull, &v), -EINVAL);
}

/* ---- on the device: every bad input through drm_ioctl() --------------- */

#define BAD_UPTR	0x1000ull	/* below mmap_min_addr: never mapped */
#define KERNEL_PTR	((u64)(unsigned long)&pvgpu_test_capset_mask)

union pvgpu_ioctl_arg {
	struct drm_virtgpu_getparam getparam;
	struct drm_virtgpu_get_caps caps;
	struct drm_virtgpu_context_init init;
	struct drm_virtgpu_execbuffer exec;
	struct drm_virtgpu_resource_create_blob blob;
	struct drm_virtgpu_map map;
	struct drm_virtgpu_resource_info info;
	struct drm_virtgpu_3d_wait wait;
	struct drm_virtgpu_3d_transfer_to_host xfer;
	struct drm_gem_close close;
	u8 bytes[128];
};

struct pvgpu_bad_case {
	const char *name;
	unsigned int cmd;
	/* fills @a; @udata is user memory for what @a points at */
	void (*fill)(struct kunit *test, union pvgpu_ioctl_arg *a, u64 udata);
	bool venus_ctx;		/* run after a Venus CONTEXT_INIT */
	int want;
};

static void put_params(struct kunit *test, u64 udata,
		       const struct drm_virtgpu_context_set_param *p, size_t n)
{
	pvgpu_test_put_user(test, udata, p, n * sizeof(*p));
}

#define FILL(fn) static void fn(struct kunit *test, \
				union pvgpu_ioctl_arg *a, u64 u)

FILL(gp_param0) { a->getparam = (typeof(a->getparam)){ 0, u }; }
FILL(gp_param9) { a->getparam = (typeof(a->getparam)){ 9, u }; }
FILL(gp_param_huge) { a->getparam = (typeof(a->getparam)){ ~0ull, u }; }
FILL(gp_bad_ptr) { a->getparam = (typeof(a->getparam)){ 1, BAD_UPTR }; }
FILL(gp_kernel_ptr) { a->getparam = (typeof(a->getparam)){ 1, KERNEL_PTR }; }

FILL(caps_size0) { a->caps = (typeof(a->caps)){ .cap_set_id = 4, .addr = u }; }
FILL(caps_pad)
{
	a->caps = (typeof(a->caps)){ .cap_set_id = 4, .addr = u, .size = 8,
				     .pad = 1 };
}
FILL(caps_unknown_id)
{
	a->caps = (typeof(a->caps)){ .cap_set_id = 99, .addr = u, .size = 8 };
}
FILL(caps_version)
{
	a->caps = (typeof(a->caps)){ .cap_set_id = 4, .cap_set_ver = 1000,
				     .addr = u, .size = 8 };
}
FILL(caps_bad_ptr)
{
	a->caps = (typeof(a->caps)){ .cap_set_id = 4, .addr = BAD_UPTR,
				     .size = 8 };
}

FILL(ci_five)
{
	a->init = (typeof(a->init)){ .num_params = 5, .ctx_set_params = u };
}
FILL(ci_huge)
{
	a->init = (typeof(a->init)){ .num_params = 0x40000000,
				     .ctx_set_params = u };
}
FILL(ci_pad)
{
	a->init = (typeof(a->init)){ .num_params = 0, .pad = 1 };
}
FILL(ci_bad_ptr)
{
	a->init = (typeof(a->init)){ .num_params = 1,
				     .ctx_set_params = BAD_UPTR };
}
FILL(ci_unknown)
{
	static const struct drm_virtgpu_context_set_param p[] = { { 99, 1 } };

	put_params(test, u, p, 1);
	a->init = (typeof(a->init)){ .num_params = 1, .ctx_set_params = u };
}
FILL(ci_capset64)
{
	static const struct drm_virtgpu_context_set_param p[] = {
		CP(CAPSET_ID, 64) };

	put_params(test, u, p, 1);
	a->init = (typeof(a->init)){ .num_params = 1, .ctx_set_params = u };
}
FILL(ci_capset63)
{
	static const struct drm_virtgpu_context_set_param p[] = {
		CP(CAPSET_ID, 63) };

	put_params(test, u, p, 1);
	a->init = (typeof(a->init)){ .num_params = 1, .ctx_set_params = u };
}
FILL(ci_rings65)
{
	static const struct drm_virtgpu_context_set_param p[] = {
		CP(CAPSET_ID, 4), CP(NUM_RINGS, 65) };

	put_params(test, u, p, 2);
	a->init = (typeof(a->init)){ .num_params = 2, .ctx_set_params = u };
}
FILL(ci_mask)
{
	static const struct drm_virtgpu_context_set_param p[] = {
		CP(NUM_RINGS, 2), CP(POLL_RINGS_MASK, 4) };

	put_params(test, u, p, 2);
	a->init = (typeof(a->init)){ .num_params = 2, .ctx_set_params = u };
}
FILL(ci_bad_name)
{
	static const struct drm_virtgpu_context_set_param p[] = {
		CP(DEBUG_NAME, BAD_UPTR) };

	put_params(test, u, p, 1);
	a->init = (typeof(a->init)){ .num_params = 1, .ctx_set_params = u };
}
FILL(ci_null_name)
{
	static const struct drm_virtgpu_context_set_param p[] = {
		CP(DEBUG_NAME, 0) };

	put_params(test, u, p, 1);
	a->init = (typeof(a->init)){ .num_params = 1, .ctx_set_params = u };
}
FILL(ci_again)
{
	static const struct drm_virtgpu_context_set_param p[] = {
		CP(CAPSET_ID, 4) };

	put_params(test, u, p, 1);
	a->init = (typeof(a->init)){ .num_params = 1, .ctx_set_params = u };
}

FILL(ex_flags) { a->exec = (typeof(a->exec)){ .flags = 0x8 }; }
FILL(ex_ring_no_init)
{
	a->exec = (typeof(a->exec)){ .flags = VIRTGPU_EXECBUF_RING_IDX };
}
FILL(ex_ring64)
{
	a->exec = (typeof(a->exec)){ .flags = VIRTGPU_EXECBUF_RING_IDX,
				     .ring_idx = 64 };
}
FILL(ex_bad_cmd)
{
	a->exec = (typeof(a->exec)){ .size = 16, .command = BAD_UPTR };
}
FILL(ex_huge_cmd)
{
	a->exec = (typeof(a->exec)){ .size = 0xffffffff, .command = u };
}
FILL(ex_bad_bo_ptr)
{
	a->exec = (typeof(a->exec)){ .num_bo_handles = 1,
				     .bo_handles = BAD_UPTR };
}
FILL(ex_unknown_bo)
{
	static const u32 h = 0x7fff;

	pvgpu_test_put_user(test, u, &h, sizeof(h));
	a->exec = (typeof(a->exec)){ .num_bo_handles = 1, .bo_handles = u };
}
FILL(ex_huge_bos)
{
	a->exec = (typeof(a->exec)){ .num_bo_handles = 0xffffffff,
				     .bo_handles = u };
}
FILL(ex_bad_fence_fd)
{
	a->exec = (typeof(a->exec)){ .flags = VIRTGPU_EXECBUF_FENCE_FD_IN,
				     .fence_fd = -1 };
}
FILL(ex_in_syncobj_unknown)
{
	static const struct drm_virtgpu_execbuffer_syncobj s = { .handle = 0x7fff };

	pvgpu_test_put_user(test, u, &s, sizeof(s));
	a->exec = (typeof(a->exec)){ .num_in_syncobjs = 1, .in_syncobjs = u,
				     .syncobj_stride = sizeof(s) };
}
FILL(ex_in_syncobj_flags)
{
	static const struct drm_virtgpu_execbuffer_syncobj s = { .flags = 2 };

	pvgpu_test_put_user(test, u, &s, sizeof(s));
	a->exec = (typeof(a->exec)){ .num_in_syncobjs = 1, .in_syncobjs = u,
				     .syncobj_stride = sizeof(s) };
}
FILL(ex_in_syncobj_ptr)
{
	a->exec = (typeof(a->exec)){ .num_in_syncobjs = 1,
				     .in_syncobjs = BAD_UPTR,
				     .syncobj_stride = 16 };
}
FILL(ex_in_syncobj_huge)
{
	a->exec = (typeof(a->exec)){ .num_in_syncobjs = 0xffffffff,
				     .in_syncobjs = u, .syncobj_stride = 16 };
}
FILL(ex_out_syncobj_flags)
{
	static const struct drm_virtgpu_execbuffer_syncobj s = { .flags = 1 };

	pvgpu_test_put_user(test, u, &s, sizeof(s));
	a->exec = (typeof(a->exec)){ .num_out_syncobjs = 1, .out_syncobjs = u,
				     .syncobj_stride = sizeof(s) };
}
FILL(ex_out_syncobj_unknown)
{
	static const struct drm_virtgpu_execbuffer_syncobj s = { .handle = 0x7fff };

	pvgpu_test_put_user(test, u, &s, sizeof(s));
	a->exec = (typeof(a->exec)){ .num_out_syncobjs = 1, .out_syncobjs = u,
				     .syncobj_stride = sizeof(s) };
}

FILL(bl_mem0) { a->blob = (typeof(a->blob)){ .size = 4096 }; }
FILL(bl_mem4) { a->blob = (typeof(a->blob)){ .blob_mem = 4, .size = 4096 }; }
FILL(bl_flags) { a->blob = (typeof(a->blob)){ BLOB(GUEST, 0x10) }; }
FILL(bl_pad) { a->blob = (typeof(a->blob)){ BLOB(GUEST, 1), .pad = 1 }; }
FILL(bl_guest_id) { a->blob = (typeof(a->blob)){ BLOB(GUEST, 1), .blob_id = 3 }; }
FILL(bl_cmd_size) { a->blob = (typeof(a->blob)){ BLOB(HOST3D, 1), .cmd_size = 5 }; }
FILL(bl_size0) { a->blob = (typeof(a->blob)){ BLOB(GUEST, 1), .size = 0 }; }
FILL(bl_size_huge)
{
	a->blob = (typeof(a->blob)){ BLOB(GUEST, 1), .size = 1ull << 50 };
}
FILL(bl_size_wrap)
{
	a->blob = (typeof(a->blob)){ BLOB(GUEST, 1), .size = ~0ull };
}
FILL(bl_bad_cmd)
{
	a->blob = (typeof(a->blob)){ BLOB(HOST3D, 0), .cmd_size = 8,
				     .cmd = BAD_UPTR };
}
FILL(bl_huge_cmd)
{
	a->blob = (typeof(a->blob)){ BLOB(HOST3D, 0), .cmd_size = 0xfffffffc,
				     .cmd = u };
}

FILL(map_unknown) { a->map = (typeof(a->map)){ .handle = 0x7fff }; }
FILL(map_pad) { a->map = (typeof(a->map)){ .handle = 0x7fff, .pad = 1 }; }
FILL(info_unknown) { a->info = (typeof(a->info)){ .bo_handle = 0x7fff }; }
FILL(wait_unknown) { a->wait = (typeof(a->wait)){ .handle = 0x7fff }; }
FILL(wait_flags) { a->wait = (typeof(a->wait)){ .handle = 0x7fff, .flags = 2 }; }
FILL(xfer_unknown) { a->xfer = (typeof(a->xfer)){ .bo_handle = 0x7fff }; }
FILL(close_unknown) { a->close = (typeof(a->close)){ .handle = 0x7fff }; }

#define BAD(n, c, f, v, e) { n, DRM_IOCTL_##c, f, v, e }

static const struct pvgpu_bad_case pvgpu_bad_cases[] = {
	BAD("getparam 0", VIRTGPU_GETPARAM, gp_param0, false, -EINVAL),
	BAD("getparam 9", VIRTGPU_GETPARAM, gp_param9, false, -EINVAL),
	BAD("getparam huge", VIRTGPU_GETPARAM, gp_param_huge, false, -EINVAL),
	BAD("getparam bad ptr", VIRTGPU_GETPARAM, gp_bad_ptr, false, -EFAULT),
	BAD("getparam kernel ptr", VIRTGPU_GETPARAM, gp_kernel_ptr, false, -EFAULT),
	BAD("get_caps size 0", VIRTGPU_GET_CAPS, caps_size0, false, -EINVAL),
	BAD("get_caps pad", VIRTGPU_GET_CAPS, caps_pad, false, -EINVAL),
	BAD("get_caps unknown id", VIRTGPU_GET_CAPS, caps_unknown_id, false, -EINVAL),
	BAD("get_caps version", VIRTGPU_GET_CAPS, caps_version, false, -EINVAL),
	BAD("get_caps bad ptr", VIRTGPU_GET_CAPS, caps_bad_ptr, false, -EFAULT),
	BAD("ctx_init 5 params", VIRTGPU_CONTEXT_INIT, ci_five, false, -EINVAL),
	BAD("ctx_init huge count", VIRTGPU_CONTEXT_INIT, ci_huge, false, -EINVAL),
	BAD("ctx_init pad", VIRTGPU_CONTEXT_INIT, ci_pad, false, -EINVAL),
	BAD("ctx_init bad ptr", VIRTGPU_CONTEXT_INIT, ci_bad_ptr, false, -EFAULT),
	BAD("ctx_init unknown param", VIRTGPU_CONTEXT_INIT, ci_unknown, false, -EINVAL),
	BAD("ctx_init capset 64", VIRTGPU_CONTEXT_INIT, ci_capset64, false, -EINVAL),
	BAD("ctx_init capset 63", VIRTGPU_CONTEXT_INIT, ci_capset63, false, -EINVAL),
	BAD("ctx_init 65 rings", VIRTGPU_CONTEXT_INIT, ci_rings65, false, -EINVAL),
	BAD("ctx_init mask > rings", VIRTGPU_CONTEXT_INIT, ci_mask, false, -EINVAL),
	BAD("ctx_init bad name ptr", VIRTGPU_CONTEXT_INIT, ci_bad_name, false, -EFAULT),
	BAD("ctx_init NULL name", VIRTGPU_CONTEXT_INIT, ci_null_name, false, -EFAULT),
	BAD("ctx_init second time", VIRTGPU_CONTEXT_INIT, ci_again, true, -EEXIST),
	BAD("execbuf unknown flag", VIRTGPU_EXECBUFFER, ex_flags, false, -EINVAL),
	BAD("execbuf ring w/o init", VIRTGPU_EXECBUFFER, ex_ring_no_init, false, -EINVAL),
	BAD("execbuf ring 64", VIRTGPU_EXECBUFFER, ex_ring64, true, -EINVAL),
	BAD("execbuf bad cmd ptr", VIRTGPU_EXECBUFFER, ex_bad_cmd, true, -EFAULT),
	BAD("execbuf huge cmd", VIRTGPU_EXECBUFFER, ex_huge_cmd, true, -ENOMEM),
	BAD("execbuf bad bo ptr", VIRTGPU_EXECBUFFER, ex_bad_bo_ptr, true, -EFAULT),
	BAD("execbuf unknown bo", VIRTGPU_EXECBUFFER, ex_unknown_bo, true, -ENOENT),
	BAD("execbuf huge bo count", VIRTGPU_EXECBUFFER, ex_huge_bos, true, -ENOMEM),
	BAD("execbuf bad fence fd", VIRTGPU_EXECBUFFER, ex_bad_fence_fd, true, -EINVAL),
	BAD("execbuf in syncobj unknown", VIRTGPU_EXECBUFFER, ex_in_syncobj_unknown, true, -ENOENT),
	BAD("execbuf in syncobj flags", VIRTGPU_EXECBUFFER, ex_in_syncobj_flags, true, -EINVAL),
	BAD("execbuf in syncobj ptr", VIRTGPU_EXECBUFFER, ex_in_syncobj_ptr, true, -EFAULT),
	BAD("execbuf in syncobj huge", VIRTGPU_EXECBUFFER, ex_in_syncobj_huge, true, -ENOMEM),
	BAD("execbuf out syncobj flags", VIRTGPU_EXECBUFFER, ex_out_syncobj_flags, true, -EINVAL),
	BAD("execbuf out syncobj unknown", VIRTGPU_EXECBUFFER, ex_out_syncobj_unknown, true, -EINVAL),
	BAD("blob mem 0", VIRTGPU_RESOURCE_CREATE_BLOB, bl_mem0, true, -EINVAL),
	BAD("blob mem 4", VIRTGPU_RESOURCE_CREATE_BLOB, bl_mem4, true, -EINVAL),
	BAD("blob unknown flag", VIRTGPU_RESOURCE_CREATE_BLOB, bl_flags, true, -EINVAL),
	BAD("blob pad", VIRTGPU_RESOURCE_CREATE_BLOB, bl_pad, true, -EINVAL),
	BAD("blob guest with id", VIRTGPU_RESOURCE_CREATE_BLOB, bl_guest_id, true, -EINVAL),
	BAD("blob cmd size 5", VIRTGPU_RESOURCE_CREATE_BLOB, bl_cmd_size, true, -EINVAL),
	BAD("blob size 0", VIRTGPU_RESOURCE_CREATE_BLOB, bl_size0, true, -EINVAL),
	BAD("blob size 1 PiB", VIRTGPU_RESOURCE_CREATE_BLOB, bl_size_huge, true, -ENOMEM),
	BAD("blob size wraps", VIRTGPU_RESOURCE_CREATE_BLOB, bl_size_wrap, true, -EINVAL),
	BAD("blob bad cmd ptr", VIRTGPU_RESOURCE_CREATE_BLOB, bl_bad_cmd, true, -EFAULT),
	BAD("blob huge cmd", VIRTGPU_RESOURCE_CREATE_BLOB, bl_huge_cmd, true, -ENOMEM),
	BAD("map unknown handle", VIRTGPU_MAP, map_unknown, false, -ENOENT),
	BAD("map pad", VIRTGPU_MAP, map_pad, false, -EINVAL),
	BAD("resource_info unknown", VIRTGPU_RESOURCE_INFO, info_unknown, false, -ENOENT),
	BAD("wait unknown handle", VIRTGPU_WAIT, wait_unknown, false, -ENOENT),
	BAD("wait unknown flag", VIRTGPU_WAIT, wait_flags, false, -EINVAL),
	BAD("transfer unknown handle", VIRTGPU_TRANSFER_TO_HOST, xfer_unknown, false, -ENOENT),
	BAD("gem_close unknown", GEM_CLOSE, close_unknown, false, -EINVAL),
};

static void pvgpu_bad_case_desc(const struct pvgpu_bad_case *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pvgpu_bad, pvgpu_bad_cases, pvgpu_bad_case_desc);

static void pvgpu_ioctl_test_bad_input(struct kunit *test)
{
	const struct pvgpu_bad_case *t = test->param_value;
	struct pvgpu_test_dev *td = test->priv;
	union pvgpu_ioctl_arg a = {};
	struct drm_virtgpu_getparam gp = { VIRTGPU_PARAM_3D_FEATURES,
					   td->udata + PAGE_SIZE };

	if (t->venus_ctx) {
		if (!(td->pvdev->capset_mask & BIT_ULL(VIRTIO_GPU_CAPSET_VENUS)))
			kunit_skip(test, "host serves no Venus capset");
		KUNIT_ASSERT_EQ(test, pvgpu_test_venus_ctx(test, td->file), 0);
	}
	t->fill(test, &a, td->udata);
	KUNIT_EXPECT_EQ(test, pvgpu_test_ioctl(test, td->file, t->cmd, &a,
					       _IOC_SIZE(t->cmd)),
			(long)t->want);
	/* the file still works: nothing left locked or half-done */
	KUNIT_EXPECT_EQ(test, pvgpu_test_ioctl(test, td->file,
					       DRM_IOCTL_VIRTGPU_GETPARAM,
					       &gp, sizeof(gp)), 0L);
}

static void pvgpu_ioctl_test_getparam_device(struct kunit *test)
{
	struct pvgpu_test_dev *td = test->priv;
	struct drm_virtgpu_getparam gp;
	int v, want;
	u64 p;

	for (p = 1; p <= 8; p++) {
		gp = (struct drm_virtgpu_getparam){ p, td->udata };
		KUNIT_ASSERT_EQ(test, pvgpu_test_ioctl(test, td->file,
				DRM_IOCTL_VIRTGPU_GETPARAM, &gp, sizeof(gp)), 0L);
		KUNIT_ASSERT_EQ(test, 0UL, copy_from_user(&v,
				(void __user *)td->udata, sizeof(v)));
		KUNIT_ASSERT_EQ(test, pvgpu_getparam_value(td->pvdev, p, &want), 0);
		KUNIT_EXPECT_EQ(test, v, want);
	}
	/* what Mesa's Venus requires of the device it runs on */
	KUNIT_EXPECT_TRUE(test, td->pvdev->has_virgl_3d);
	KUNIT_EXPECT_TRUE(test, td->pvdev->has_resource_blob);
	KUNIT_EXPECT_TRUE(test, td->pvdev->has_context_init);
	KUNIT_EXPECT_TRUE(test, td->pvdev->has_host_visible);
}

static struct kunit_case pvgpu_ioctl_cases[] = {
	KUNIT_CASE_PARAM(pvgpu_ioctl_test_ctx_params, pvgpu_ctx_gen_params),
	KUNIT_CASE_PARAM(pvgpu_ioctl_test_blob_args, pvgpu_blob_gen_params),
	KUNIT_CASE(pvgpu_ioctl_test_blob_needs_features),
	KUNIT_CASE(pvgpu_ioctl_test_execbuffer_checks),
	KUNIT_CASE(pvgpu_ioctl_test_getparam_values),
	{}
};

static struct kunit_suite pvgpu_ioctl_suite = {
	.name = "pvgpu_ioctl_validation",
	.test_cases = pvgpu_ioctl_cases,
};

static struct kunit_case pvgpu_ioctl_device_cases[] = {
	KUNIT_CASE_PARAM(pvgpu_ioctl_test_bad_input, pvgpu_bad_gen_params),
	KUNIT_CASE(pvgpu_ioctl_test_getparam_device),
	{}
};

static struct kunit_suite pvgpu_ioctl_device_suite = {
	.name = "pvgpu_ioctl_device",
	.init = pvgpu_test_dev_init,
	.exit = pvgpu_test_dev_exit,
	.test_cases = pvgpu_ioctl_device_cases,
};

kunit_test_suites(&pvgpu_ioctl_suite, &pvgpu_ioctl_device_suite);
