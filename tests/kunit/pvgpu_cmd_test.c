// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * KUnit: virtio-gpu command encoding (device-free). Checks the wire sizes
 * of include/uapi/linux/virtio_gpu.h and that every pvgpu_encode_*() helper
 * writes little-endian fields where the spec puts them.
 */
#include <kunit/test.h>

#include "pvgpu_drv.h"

struct pvgpu_wire_size {
	const char *name;
	size_t got;
	size_t want;
};

/* virtio spec 1.2, 5.7.6: sizes every host implementation relies on */
static const struct pvgpu_wire_size pvgpu_wire_sizes[] = {
	{ "ctrl_hdr", sizeof(struct virtio_gpu_ctrl_hdr), 24 },
	{ "ctx_create", sizeof(struct virtio_gpu_ctx_create), 96 },
	{ "cmd_submit", sizeof(struct virtio_gpu_cmd_submit), 32 },
	{ "resource_create_blob",
	  sizeof(struct virtio_gpu_resource_create_blob), 56 },
	{ "resource_map_blob", sizeof(struct virtio_gpu_resource_map_blob), 40 },
	{ "resp_map_info", sizeof(struct virtio_gpu_resp_map_info), 32 },
	{ "transfer_host_3d", sizeof(struct virtio_gpu_transfer_host_3d), 72 },
	{ "resource_create_3d", sizeof(struct virtio_gpu_resource_create_3d), 72 },
	{ "mem_entry", sizeof(struct virtio_gpu_mem_entry), 16 },
	{ "get_capset", sizeof(struct virtio_gpu_get_capset), 32 },
	{ "resp_capset_info", sizeof(struct virtio_gpu_resp_capset_info), 40 },
};

static void pvgpu_wire_size_desc(const struct pvgpu_wire_size *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pvgpu_wire_size, pvgpu_wire_sizes, pvgpu_wire_size_desc);

static void pvgpu_cmd_test_wire_size(struct kunit *test)
{
	const struct pvgpu_wire_size *t = test->param_value;

	KUNIT_EXPECT_EQ(test, t->got, t->want);
}

static void pvgpu_cmd_test_hdr(struct kunit *test)
{
	struct virtio_gpu_ctrl_hdr hdr;

	memset(&hdr, 0xaa, sizeof(hdr));
	pvgpu_encode_hdr(&hdr, VIRTIO_GPU_CMD_SUBMIT_3D, 7);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr.type), 0x207u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr.ctx_id), 7u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr.flags), 0u);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(hdr.fence_id), 0ull);
	KUNIT_EXPECT_EQ(test, hdr.ring_idx, 0);
	KUNIT_EXPECT_EQ(test, hdr.padding[0] | hdr.padding[1] | hdr.padding[2], 0);
}

static void pvgpu_cmd_test_ctx_create(struct kunit *test)
{
	struct virtio_gpu_ctx_create c;
	char name[80];

	memset(name, 'n', sizeof(name));
	pvgpu_encode_ctx_create(&c, 3, 0x104, name, sizeof(name));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.hdr.type), 0x200u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.hdr.ctx_id), 3u);
	/* name clamped to the 64-byte field, capset id to its 8 bits */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.nlen), 64u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.context_init), 4u);
	KUNIT_EXPECT_EQ(test, c.debug_name[63], 'n');

	pvgpu_encode_ctx_create(&c, 1, VIRTIO_GPU_CAPSET_VENUS, "vk", 2);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.nlen), 2u);
	KUNIT_EXPECT_EQ(test, c.debug_name[0], 'v');
	KUNIT_EXPECT_EQ(test, c.debug_name[2], 0);
}

static void pvgpu_cmd_test_submit(struct kunit *test)
{
	struct virtio_gpu_cmd_submit c;

	pvgpu_encode_submit(&c, 9, 4096);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.hdr.type), 0x207u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.hdr.ctx_id), 9u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.size), 4096u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.padding), 0u);
}

static void pvgpu_cmd_test_create_blob(struct kunit *test)
{
	struct virtio_gpu_resource_create_blob c;

	pvgpu_encode_create_blob(&c, 2, 17, VIRTGPU_BLOB_MEM_HOST3D,
				 VIRTGPU_BLOB_FLAG_USE_MAPPABLE, 0x1122334455ull,
				 1ull << 33, 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.hdr.type), 0x10cu);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.hdr.ctx_id), 2u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.resource_id), 17u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.blob_mem), 2u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.blob_flags), 1u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.nr_entries), 0u);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(c.blob_id), 0x1122334455ull);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(c.size), 1ull << 33);
}

static void pvgpu_cmd_test_map_blob(struct kunit *test)
{
	struct virtio_gpu_resource_map_blob c;

	pvgpu_encode_map_blob(&c, 5, 6, 0x200000);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.hdr.type), 0x208u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.resource_id), 6u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.padding), 0u);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(c.offset), 0x200000ull);
}

static void pvgpu_cmd_test_transfer(struct kunit *test)
{
	const struct drm_virtgpu_3d_box box = { 1, 2, 3, 4, 5, 6 };
	struct virtio_gpu_transfer_host_3d c;

	pvgpu_encode_transfer_3d(&c, VIRTIO_GPU_CMD_TRANSFER_FROM_HOST_3D, 1, 2,
				 &box, 3, 256, 4096, 512);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.hdr.type), 0x206u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.box.x), 1u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.box.d), 6u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.resource_id), 2u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.level), 3u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.stride), 256u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.layer_stride), 4096u);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(c.offset), 512ull);
}

struct pvgpu_resp_case {
	u32 type;
	int err;
};

static const struct pvgpu_resp_case pvgpu_resp_cases[] = {
	{ VIRTIO_GPU_RESP_OK_NODATA, 0 },
	{ VIRTIO_GPU_RESP_OK_MAP_INFO, 0 },
	{ VIRTIO_GPU_RESP_ERR_UNSPEC, -EIO },
	{ VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY, -ENOMEM },
	{ VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID, -EINVAL },
	{ VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER, -EINVAL },
	{ 0, -EIO },
	{ 0xdead, -EIO },
};

static void pvgpu_resp_case_desc(const struct pvgpu_resp_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "type 0x%x", t->type);
}

KUNIT_ARRAY_PARAM(pvgpu_resp, pvgpu_resp_cases, pvgpu_resp_case_desc);

static void pvgpu_cmd_test_resp_errno(struct kunit *test)
{
	const struct pvgpu_resp_case *t = test->param_value;

	KUNIT_EXPECT_EQ(test, pvgpu_resp_to_errno(t->type), t->err);
}

static void pvgpu_cmd_test_vbuf_layout(struct kunit *test)
{
	struct pvgpu_vbuf *v = pvgpu_vbuf_alloc(13, 0, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_EXPECT_EQ(test, v->resp_size, (u32)sizeof(struct virtio_gpu_ctrl_hdr));
	KUNIT_EXPECT_PTR_EQ(test, v->resp, (void *)(v->inline_buf + 16));
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)v->resp, 8));
	KUNIT_EXPECT_EQ(test, refcount_read(&v->refs), 1u);
	pvgpu_vbuf_put(NULL, v);
}

static struct kunit_case pvgpu_cmd_cases[] = {
	KUNIT_CASE_PARAM(pvgpu_cmd_test_wire_size, pvgpu_wire_size_gen_params),
	KUNIT_CASE(pvgpu_cmd_test_hdr),
	KUNIT_CASE(pvgpu_cmd_test_ctx_create),
	KUNIT_CASE(pvgpu_cmd_test_submit),
	KUNIT_CASE(pvgpu_cmd_test_create_blob),
	KUNIT_CASE(pvgpu_cmd_test_map_blob),
	KUNIT_CASE(pvgpu_cmd_test_transfer),
	KUNIT_CASE_PARAM(pvgpu_cmd_test_resp_errno, pvgpu_resp_gen_params),
	KUNIT_CASE(pvgpu_cmd_test_vbuf_layout),
	{}
};

static struct kunit_suite pvgpu_cmd_suite = {
	.name = "pvgpu_cmd",
	.test_cases = pvgpu_cmd_cases,
};
kunit_test_suite(pvgpu_cmd_suite);
