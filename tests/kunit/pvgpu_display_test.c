// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * KUnit: the modesetting parts of pvgpu.ko that need no host answer.
 *
 * pvgpu_display: mode sizes, display-info parsing, EDID handling, formats,
 * the cursor size and the wire encoding of the 2D/scanout/cursor commands
 * (device-free). pvgpu_damage: FB_DAMAGE_CLIPS to one flush rectangle, on
 * a real primary plane of the bound device (the damage helpers look up
 * the plane's property), with framebuffers and clips built here.
 */
#include <kunit/test.h>

#include <drm/drm_edid.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_property.h>

#include "pvgpu_drv.h"
#include "pvgpu_test.h"

/* ---- pvgpu_display ---------------------------------------------------- */

static void pvgpu_display_test_mode_check(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, pvgpu_mode_check(1024, 768), 0);
	KUNIT_EXPECT_EQ(test, pvgpu_mode_check(32, 32), 0);
	KUNIT_EXPECT_EQ(test, pvgpu_mode_check(8192, 8192), 0);
	KUNIT_EXPECT_EQ(test, pvgpu_mode_check(31, 768), -EINVAL);
	KUNIT_EXPECT_EQ(test, pvgpu_mode_check(1024, 31), -EINVAL);
	KUNIT_EXPECT_EQ(test, pvgpu_mode_check(8193, 768), -EINVAL);
	KUNIT_EXPECT_EQ(test, pvgpu_mode_check(1024, 8193), -EINVAL);
	KUNIT_EXPECT_EQ(test, pvgpu_mode_check(0, 0), -EINVAL);
}

static void pvgpu_display_test_info_mode(struct kunit *test)
{
	struct virtio_gpu_display_one one = { };
	u32 w = 1, h = 1;

	one.r.width = cpu_to_le32(1280);
	one.r.height = cpu_to_le32(800);
	one.enabled = cpu_to_le32(1);
	pvgpu_display_info_mode(&one, &w, &h);
	KUNIT_EXPECT_EQ(test, w, 1280u);
	KUNIT_EXPECT_EQ(test, h, 800u);

	/* a host that reports no size: no preferred size from display info */
	one.r.width = 0;
	pvgpu_display_info_mode(&one, &w, &h);
	KUNIT_EXPECT_EQ(test, w, 0u);
	KUNIT_EXPECT_EQ(test, h, 0u);

	/* absurd sizes are ignored, not clamped */
	one.r.width = cpu_to_le32(100000);
	one.r.height = cpu_to_le32(800);
	pvgpu_display_info_mode(&one, &w, &h);
	KUNIT_EXPECT_EQ(test, w, 0u);
}

/* A minimal EDID 1.3 base block: header, version, checksum. */
static void pvgpu_fill_edid(u8 *b)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	u8 sum = 0;
	int i;

	memset(b, 0, EDID_LENGTH);
	memcpy(b, header, sizeof(header));
	b[18] = 1;	/* version */
	b[19] = 3;	/* revision */
	for (i = 0; i < EDID_LENGTH - 1; i++)
		sum += b[i];
	b[EDID_LENGTH - 1] = 0x100 - sum;
}

static void pvgpu_display_test_edid(struct kunit *test)
{
	struct virtio_gpu_resp_edid *resp;
	const struct drm_edid *edid;

	resp = kunit_kzalloc(test, sizeof(*resp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, resp);

	/* no EDID */
	KUNIT_EXPECT_NULL(test, pvgpu_edid_parse(resp));

	pvgpu_fill_edid(resp->edid);
	resp->size = cpu_to_le32(EDID_LENGTH);
	edid = pvgpu_edid_parse(resp);
	KUNIT_EXPECT_NOT_NULL(test, edid);
	drm_edid_free(edid);

	/* a size past the 1024-byte field is clamped, not trusted */
	resp->size = cpu_to_le32(0x7fffffff);
	edid = pvgpu_edid_parse(resp);
	KUNIT_EXPECT_NOT_NULL(test, edid);
	drm_edid_free(edid);

	/* an extension count past what was sent is a truncated EDID */
	resp->edid[126] = 1;
	resp->edid[EDID_LENGTH - 1] -= 1;
	resp->size = cpu_to_le32(EDID_LENGTH);
	KUNIT_EXPECT_NULL(test, pvgpu_edid_parse(resp));
	pvgpu_fill_edid(resp->edid);

	/* a broken checksum is dropped */
	resp->size = cpu_to_le32(EDID_LENGTH);
	resp->edid[EDID_LENGTH - 1] ^= 0x55;
	KUNIT_EXPECT_NULL(test, pvgpu_edid_parse(resp));

	/* a truncated block too */
	pvgpu_fill_edid(resp->edid);
	resp->size = cpu_to_le32(64);
	KUNIT_EXPECT_NULL(test, pvgpu_edid_parse(resp));
}

static void pvgpu_display_test_formats(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, pvgpu_format_to_virtio(DRM_FORMAT_XRGB8888),
			(u32)VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM);
	KUNIT_EXPECT_EQ(test, pvgpu_format_to_virtio(DRM_FORMAT_ARGB8888),
			(u32)VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM);
	KUNIT_EXPECT_EQ(test, pvgpu_format_to_virtio(DRM_FORMAT_XBGR8888),
			(u32)VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM);
	KUNIT_EXPECT_EQ(test, pvgpu_format_to_virtio(DRM_FORMAT_ABGR8888),
			(u32)VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM);
	KUNIT_EXPECT_EQ(test, pvgpu_format_to_virtio(DRM_FORMAT_RGB565), 0u);
	KUNIT_EXPECT_EQ(test, pvgpu_format_to_virtio(DRM_FORMAT_NV12), 0u);
	/* every format a plane advertises can go on the wire */
	for (i = 0; i < pvgpu_num_primary_formats; i++)
		KUNIT_EXPECT_NE(test, pvgpu_format_to_virtio(pvgpu_primary_formats[i]),
				0u);
}

static void pvgpu_display_test_cursor_size(struct kunit *test)
{
	struct drm_framebuffer fb = { .width = 64, .height = 64 };

	KUNIT_EXPECT_EQ(test, pvgpu_cursor_check_size(&fb), 0);
	fb.width = 32;
	KUNIT_EXPECT_EQ(test, pvgpu_cursor_check_size(&fb), -EINVAL);
	fb.width = 64;
	fb.height = 128;
	KUNIT_EXPECT_EQ(test, pvgpu_cursor_check_size(&fb), -EINVAL);
}

struct pvgpu_kms_wire_size {
	const char *name;
	size_t got;
	size_t want;
};

/* virtio spec 1.2, 5.7.6.7-5.7.6.10 */
static const struct pvgpu_kms_wire_size pvgpu_kms_wire_sizes[] = {
	{ "resource_create_2d", sizeof(struct virtio_gpu_resource_create_2d), 40 },
	{ "set_scanout", sizeof(struct virtio_gpu_set_scanout), 48 },
	{ "set_scanout_blob", sizeof(struct virtio_gpu_set_scanout_blob), 96 },
	{ "resource_flush", sizeof(struct virtio_gpu_resource_flush), 48 },
	{ "transfer_to_host_2d", sizeof(struct virtio_gpu_transfer_to_host_2d), 56 },
	{ "update_cursor", sizeof(struct virtio_gpu_update_cursor), 56 },
	{ "resp_display_info", sizeof(struct virtio_gpu_resp_display_info), 408 },
	{ "resp_edid", sizeof(struct virtio_gpu_resp_edid), 1056 },
};

static void pvgpu_kms_wire_size_desc(const struct pvgpu_kms_wire_size *t,
				     char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pvgpu_kms_wire_size, pvgpu_kms_wire_sizes,
		  pvgpu_kms_wire_size_desc);

static void pvgpu_display_test_wire_size(struct kunit *test)
{
	const struct pvgpu_kms_wire_size *t = test->param_value;

	KUNIT_EXPECT_EQ(test, t->got, t->want);
}

static const struct virtio_gpu_rect pvgpu_test_rect = {
	.x = 16, .y = 8, .width = 640, .height = 480,
};

static void pvgpu_expect_rect(struct kunit *test,
			      const struct virtio_gpu_rect *wire)
{
	KUNIT_EXPECT_EQ(test, le32_to_cpu(wire->x), 16u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(wire->y), 8u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(wire->width), 640u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(wire->height), 480u);
}

static void pvgpu_display_test_encode(struct kunit *test)
{
	static const u32 strides[4] = { 4096, 0, 0, 0 };
	static const u32 offsets[4] = { 256, 0, 0, 0 };
	struct virtio_gpu_set_scanout_blob blob;
	struct virtio_gpu_transfer_to_host_2d t;
	struct virtio_gpu_resource_create_2d c;
	struct virtio_gpu_resource_flush f;
	struct virtio_gpu_update_cursor cur;
	struct virtio_gpu_set_scanout so;

	memset(&c, 0xaa, sizeof(c));
	pvgpu_encode_create_2d(&c, 5, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 1024, 768);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.hdr.type), 0x101u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.resource_id), 5u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.format), 2u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.width), 1024u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(c.height), 768u);

	memset(&so, 0xaa, sizeof(so));
	pvgpu_encode_set_scanout(&so, 3, 5, &pvgpu_test_rect);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(so.hdr.type), 0x103u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(so.scanout_id), 3u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(so.resource_id), 5u);
	pvgpu_expect_rect(test, &so.r);

	memset(&blob, 0xaa, sizeof(blob));
	pvgpu_encode_set_scanout_blob(&blob, 1, 9, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM,
				      1024, 768, strides, offsets,
				      &pvgpu_test_rect);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.hdr.type), 0x10du);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.scanout_id), 1u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.resource_id), 9u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.format), 1u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.width), 1024u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.height), 768u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.strides[0]), 4096u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.offsets[0]), 256u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.strides[3]), 0u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(blob.padding), 0u);
	pvgpu_expect_rect(test, &blob.r);

	memset(&f, 0xaa, sizeof(f));
	pvgpu_encode_flush(&f, 5, &pvgpu_test_rect);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f.hdr.type), 0x104u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f.resource_id), 5u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f.padding), 0u);
	pvgpu_expect_rect(test, &f.r);

	memset(&t, 0xaa, sizeof(t));
	pvgpu_encode_transfer_2d(&t, 5, &pvgpu_test_rect, 8 * 4096 + 16 * 4);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t.hdr.type), 0x105u);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(t.offset), 8ull * 4096 + 64);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t.resource_id), 5u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(t.padding), 0u);
	pvgpu_expect_rect(test, &t.r);

	memset(&cur, 0xaa, sizeof(cur));
	pvgpu_encode_cursor(&cur, VIRTIO_GPU_CMD_UPDATE_CURSOR, 2, -10, 20, 7,
			    3, 4);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(cur.hdr.type), 0x300u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(cur.pos.scanout_id), 2u);
	KUNIT_EXPECT_EQ(test, (s32)le32_to_cpu(cur.pos.x), -10);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(cur.pos.y), 20u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(cur.pos.padding), 0u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(cur.resource_id), 7u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(cur.hot_x), 3u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(cur.hot_y), 4u);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(cur.padding), 0u);
	pvgpu_encode_cursor(&cur, VIRTIO_GPU_CMD_MOVE_CURSOR, 0, 0, 0, 7, 0, 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(cur.hdr.type), 0x301u);
}

static struct kunit_case pvgpu_display_cases[] = {
	KUNIT_CASE(pvgpu_display_test_mode_check),
	KUNIT_CASE(pvgpu_display_test_info_mode),
	KUNIT_CASE(pvgpu_display_test_edid),
	KUNIT_CASE(pvgpu_display_test_formats),
	KUNIT_CASE(pvgpu_display_test_cursor_size),
	KUNIT_CASE_PARAM(pvgpu_display_test_wire_size,
			 pvgpu_kms_wire_size_gen_params),
	KUNIT_CASE(pvgpu_display_test_encode),
	{}
};

static struct kunit_suite pvgpu_display_suite = {
	.name = "pvgpu_display",
	.test_cases = pvgpu_display_cases,
};

/* ---- pvgpu_damage: on the bound device's first primary plane ---------- */

struct pvgpu_damage_fixture {
	struct drm_framebuffer fb;
	struct drm_plane_state old;
	struct drm_plane_state new;
	struct drm_property_blob *clips;
};

/*
 * A plane source in both forms: the 16.16 uapi fields the damage helper
 * reads (src_x/src_w) and the clipped rectangle the check helper leaves in
 * src.
 */
static void pvgpu_damage_set_src(struct drm_plane_state *s, u32 w, u32 h)
{
	s->src_x = 0;
	s->src_y = 0;
	s->src_w = w << 16;
	s->src_h = h << 16;
	s->src = DRM_RECT_INIT(0, 0, w << 16, h << 16);
}

static int pvgpu_damage_init(struct kunit *test)
{
	struct pvgpu_damage_fixture *f;
	struct pvgpu_device *pvdev;
	int ret;

	ret = pvgpu_test_dev_init(test);
	if (ret)
		return ret;
	pvdev = ((struct pvgpu_test_dev *)test->priv)->pvdev;
	if (!pvdev->has_modeset)
		kunit_skip(test, "device has no KMS (no scanouts or modeset=0)");

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->fb.width = 1024;
	f->fb.height = 768;
	f->old.plane = f->new.plane = pvdev->outputs[0].primary;
	f->old.crtc = f->new.crtc = &pvdev->outputs[0].crtc;
	f->old.fb = f->new.fb = &f->fb;
	f->old.visible = f->new.visible = true;
	pvgpu_damage_set_src(&f->new, 1024, 768);
	pvgpu_damage_set_src(&f->old, 1024, 768);
	f->clips = kunit_kzalloc(test, sizeof(*f->clips), GFP_KERNEL);
	if (!f->clips)
		return -ENOMEM;
	test->priv = f;
	return 0;
}

static void pvgpu_damage_set_clips(struct kunit *test,
				   struct pvgpu_damage_fixture *f,
				   const struct drm_mode_rect *clips, int n)
{
	struct drm_mode_rect *data;

	data = kunit_kmalloc_array(test, n, sizeof(*data), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	memcpy(data, clips, n * sizeof(*data));
	f->clips->data = data;
	f->clips->length = n * sizeof(*data);
	f->new.fb_damage_clips = f->clips;
}

static void pvgpu_expect_drm_rect(struct kunit *test, const struct drm_rect *r,
				  int x1, int y1, int x2, int y2)
{
	KUNIT_EXPECT_EQ(test, r->x1, x1);
	KUNIT_EXPECT_EQ(test, r->y1, y1);
	KUNIT_EXPECT_EQ(test, r->x2, x2);
	KUNIT_EXPECT_EQ(test, r->y2, y2);
}

static void pvgpu_damage_test_no_clips_is_full(struct kunit *test)
{
	struct pvgpu_damage_fixture *f = test->priv;
	struct drm_rect r;

	KUNIT_ASSERT_TRUE(test, pvgpu_plane_damage(&f->old, &f->new, false, &r));
	pvgpu_expect_drm_rect(test, &r, 0, 0, 1024, 768);
}

static void pvgpu_damage_test_clips_merged(struct kunit *test)
{
	static const struct drm_mode_rect clips[] = {
		{ .x1 = 10, .y1 = 20, .x2 = 30, .y2 = 40 },
		{ .x1 = 500, .y1 = 5, .x2 = 600, .y2 = 25 },
	};
	struct pvgpu_damage_fixture *f = test->priv;
	struct drm_rect r;

	pvgpu_damage_set_clips(test, f, clips, ARRAY_SIZE(clips));
	KUNIT_ASSERT_TRUE(test, pvgpu_plane_damage(&f->old, &f->new, false, &r));
	pvgpu_expect_drm_rect(test, &r, 10, 5, 600, 40);
}

static void pvgpu_damage_test_clip_outside_src(struct kunit *test)
{
	static const struct drm_mode_rect clips[] = {
		{ .x1 = 2000, .y1 = 2000, .x2 = 2100, .y2 = 2100 },
	};
	static const struct drm_mode_rect partly[] = {
		{ .x1 = 1000, .y1 = 700, .x2 = 1100, .y2 = 800 },
	};
	struct pvgpu_damage_fixture *f = test->priv;
	struct drm_rect r;

	pvgpu_damage_set_clips(test, f, clips, ARRAY_SIZE(clips));
	KUNIT_EXPECT_FALSE(test, pvgpu_plane_damage(&f->old, &f->new, false, &r));
	/* clipped to the plane's source, never past the framebuffer */
	pvgpu_damage_set_clips(test, f, partly, ARRAY_SIZE(partly));
	KUNIT_ASSERT_TRUE(test, pvgpu_plane_damage(&f->old, &f->new, false, &r));
	pvgpu_expect_drm_rect(test, &r, 1000, 700, 1024, 768);
}

static void pvgpu_damage_test_full_overrides_clips(struct kunit *test)
{
	static const struct drm_mode_rect clips[] = {
		{ .x1 = 10, .y1 = 20, .x2 = 30, .y2 = 40 },
	};
	struct pvgpu_damage_fixture *f = test->priv;
	struct drm_rect r;

	pvgpu_damage_set_clips(test, f, clips, ARRAY_SIZE(clips));
	KUNIT_ASSERT_TRUE(test, pvgpu_plane_damage(&f->old, &f->new, true, &r));
	pvgpu_expect_drm_rect(test, &r, 0, 0, 1024, 768);
	/* a moved source (panning) is a full update too */
	pvgpu_damage_set_src(&f->new, 512, 384);
	KUNIT_ASSERT_TRUE(test, pvgpu_plane_damage(&f->old, &f->new, false, &r));
	pvgpu_expect_drm_rect(test, &r, 0, 0, 512, 384);
}

static void pvgpu_damage_test_invisible(struct kunit *test)
{
	struct pvgpu_damage_fixture *f = test->priv;
	struct drm_rect r;

	f->new.visible = false;
	KUNIT_EXPECT_FALSE(test, pvgpu_plane_damage(&f->old, &f->new, true, &r));
	f->new.visible = true;
	f->new.fb = NULL;
	KUNIT_EXPECT_FALSE(test, pvgpu_plane_damage(&f->old, &f->new, true, &r));
}

static struct kunit_case pvgpu_damage_cases[] = {
	KUNIT_CASE(pvgpu_damage_test_no_clips_is_full),
	KUNIT_CASE(pvgpu_damage_test_clips_merged),
	KUNIT_CASE(pvgpu_damage_test_clip_outside_src),
	KUNIT_CASE(pvgpu_damage_test_full_overrides_clips),
	KUNIT_CASE(pvgpu_damage_test_invisible),
	{}
};

static struct kunit_suite pvgpu_damage_suite = {
	.name = "pvgpu_damage",
	.init = pvgpu_damage_init,
	.test_cases = pvgpu_damage_cases,
};

kunit_test_suites(&pvgpu_display_suite, &pvgpu_damage_suite);
