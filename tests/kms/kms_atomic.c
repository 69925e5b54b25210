/*
 * kms_atomic: the modesetting ABI of a virtio-gpu card node, for upstream virtio_gpu.ko and pvgpu.ko
 * alike, through libdrm as display clients use it (atomic KMS, dumb buffers, page-flip events,
 * OUT_FENCE_PTR / IN_FENCE_FD, FB_DAMAGE_CLIPS, the cursor plane, vblank waits), with the bad input a
 * driver must refuse.
 *
 * Usage: kms_atomic [--card /dev/dri/cardN] [--flips N] [--hold-file PATH]
 * With --hold-file, the last frame (four quadrants: red, green, blue, white, and a white cursor at
 * 100,100) stays on screen once PATH has been created, until PATH is removed (at most 120 s): the
 * caller takes a screendump meanwhile. Prints TAP lines "ok - kms: ..."/"not ok - kms: ..."; exit
 * status 0 when all passed, 77 when the node has no KMS (no connected connector).
 *
 * References: the KMS uapi (include/uapi/drm/drm_mode.h: DRM_MODE_ATOMIC_*, DRM_MODE_PAGE_FLIP_EVENT),
 * Documentation/gpu/drm-kms.rst ("Atomic Mode Setting", "Explicit Fencing Properties"), and
 * libdrm's xf86drmMode.h.
 */
#define _GNU_SOURCE
#include <drm_fourcc.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

static int failures;

static void result(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - kms: ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct dumb {
	uint32_t handle, pitch, fb, width, height;
	uint64_t size;
	uint32_t *map;
};

static int dumb_create(int fd, uint32_t w, uint32_t h, uint32_t format, struct dumb *d)
{
	struct drm_mode_create_dumb c = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };

	memset(d, 0, sizeof(*d));
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c))
		return -errno;
	d->handle = c.handle;
	d->pitch = c.pitch;
	d->size = c.size;
	d->width = w;
	d->height = h;
	m.handle = c.handle;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m))
		return -errno;
	d->map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	if (d->map == MAP_FAILED) {
		d->map = NULL;
		return -errno;
	}
	handles[0] = c.handle;
	pitches[0] = c.pitch;
	if (drmModeAddFB2(fd, w, h, format, handles, pitches, offsets, &d->fb, 0))
		return -errno;
	return 0;
}

static void dumb_destroy(int fd, struct dumb *d)
{
	struct drm_mode_destroy_dumb x = { .handle = d->handle };

	if (d->fb)
		drmModeRmFB(fd, d->fb);
	if (d->map)
		munmap(d->map, d->size);
	if (d->handle)
		drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &x);
	memset(d, 0, sizeof(*d));
}

static void fill(struct dumb *d, uint32_t xrgb)
{
	for (uint32_t y = 0; y < d->height; y++)
		for (uint32_t x = 0; x < d->width; x++)
			d->map[y * (d->pitch / 4) + x] = xrgb;
}

static void fill_quadrants(struct dumb *d)
{
	static const uint32_t q[4] = { 0xffff0000, 0xff00ff00, 0xff0000ff, 0xffffffff };

	for (uint32_t y = 0; y < d->height; y++)
		for (uint32_t x = 0; x < d->width; x++)
			d->map[y * (d->pitch / 4) + x] =
				q[(y >= d->height / 2) * 2 + (x >= d->width / 2)];
}

/* Property ids of one object by name. */
static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	for (uint32_t i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type, const char *name, bool *found)
{
	drmModeObjectProperties *props = drmModeObjectGetProperties(fd, obj, type);
	uint64_t v = 0;

	*found = false;
	for (uint32_t i = 0; props && i < props->count_props && !*found; i++) {
		drmModePropertyRes *p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name)) {
			v = props->prop_values[i];
			*found = true;
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return v;
}

struct output {
	uint32_t conn, crtc, crtc_index, primary, cursor, mode_blob;
	drmModeModeInfo mode;
};

static void add_plane(int fd, drmModeAtomicReq *req, uint32_t plane, uint32_t crtc, uint32_t fb,
		      int x, int y, uint32_t w, uint32_t h)
{
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "FB_ID"), fb);
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID"),
				 fb ? crtc : 0);
	if (!fb)
		return;
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_X"), 0);
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_Y"), 0);
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_W"),
				 (uint64_t)w << 16);
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_H"),
				 (uint64_t)h << 16);
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_X"),
				 (uint64_t)(int64_t)x);
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_Y"),
				 (uint64_t)(int64_t)y);
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_W"), w);
	drmModeAtomicAddProperty(req, plane, prop_id(fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_H"), h);
}

/* The first connected connector, its encoder's CRTC, and that CRTC's primary and cursor planes. */
static int find_output(int fd, struct output *o)
{
	drmModeRes *res = drmModeGetResources(fd);
	drmModePlaneRes *planes = drmModeGetPlaneResources(fd);
	int ret = -ENOENT;

	memset(o, 0, sizeof(*o));
	if (!res || !planes)
		goto out;
	for (int i = 0; i < res->count_connectors && !o->conn; i++) {
		drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);

		if (c && c->connection == DRM_MODE_CONNECTED && c->count_modes > 0 && c->count_encoders) {
			drmModeEncoder *e = drmModeGetEncoder(fd, c->encoders[0]);

			for (int j = 0; e && j < res->count_crtcs; j++) {
				if (e->possible_crtcs & (1u << j)) {
					o->conn = c->connector_id;
					o->crtc = res->crtcs[j];
					o->crtc_index = j;
					o->mode = c->modes[0];
					for (int m = 0; m < c->count_modes; m++)
						if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED) {
							o->mode = c->modes[m];
							break;
						}
					break;
				}
			}
			drmModeFreeEncoder(e);
		}
		drmModeFreeConnector(c);
	}
	for (uint32_t i = 0; o->conn && i < planes->count_planes; i++) {
		drmModePlane *p = drmModeGetPlane(fd, planes->planes[i]);
		bool found;
		uint64_t type;

		if (p && (p->possible_crtcs & (1u << o->crtc_index))) {
			type = prop_value(fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type", &found);
			if (found && type == DRM_PLANE_TYPE_PRIMARY && !o->primary)
				o->primary = p->plane_id;
			if (found && type == DRM_PLANE_TYPE_CURSOR && !o->cursor)
				o->cursor = p->plane_id;
		}
		drmModeFreePlane(p);
	}
	if (o->conn && o->primary)
		ret = 0;
out:
	drmModeFreePlaneResources(planes);
	drmModeFreeResources(res);
	return ret;
}

static int modeset(int fd, struct output *o, uint32_t fb, uint32_t flags)
{
	drmModeAtomicReq *req = drmModeAtomicAlloc();
	int ret;

	drmModeAtomicAddProperty(req, o->conn, prop_id(fd, o->conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"),
				 o->crtc);
	drmModeAtomicAddProperty(req, o->crtc, prop_id(fd, o->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID"),
				 o->mode_blob);
	drmModeAtomicAddProperty(req, o->crtc, prop_id(fd, o->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"), 1);
	add_plane(fd, req, o->primary, o->crtc, fb, 0, 0, o->mode.hdisplay, o->mode.vdisplay);
	ret = drmModeAtomicCommit(fd, req, flags | DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	drmModeAtomicFree(req);
	return ret ? -errno : 0;
}

/* Wait for one page-flip event; returns its sequence or -1 after @timeout_ms. */
static long wait_flip(int fd, int timeout_ms, unsigned int *seen)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[1024];

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf));
	long seq = -1;

	for (ssize_t off = 0; off + (ssize_t)sizeof(struct drm_event) <= n;) {
		struct drm_event *e = (struct drm_event *)(buf + off);

		if (e->type == DRM_EVENT_FLIP_COMPLETE) {
			seq = ((struct drm_event_vblank *)e)->sequence;
			(*seen)++;
		}
		off += e->length;
	}
	return seq;
}

static bool fence_signals(int fence, int timeout_ms)
{
	struct pollfd p = { .fd = fence, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

int main(int argc, char **argv)
{
	const char *card = NULL, *hold = NULL;
	int flips = 60, fd = -1;
	struct dumb a, b, cur, small;
	struct output o;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--card") && i + 1 < argc)
			card = argv[++i];
		else if (!strcmp(argv[i], "--flips") && i + 1 < argc)
			flips = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--hold-file") && i + 1 < argc)
			hold = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--card /dev/dri/cardN] [--flips N] [--hold-file PATH]\n", argv[0]);
			return 2;
		}
	}
	if (card) {
		fd = open(card, O_RDWR | O_CLOEXEC);
	} else {
		char path[32];

		for (int i = 0; i < 16 && fd < 0; i++) {
			snprintf(path, sizeof(path), "/dev/dri/card%d", i);
			fd = open(path, O_RDWR | O_CLOEXEC);
		}
	}
	if (fd < 0) {
		printf("# no card node\n");
		return 77;
	}
	drmVersion *v = drmGetVersion(fd);
	printf("# driver %s (%s)\n", v ? v->name : "?", v ? v->desc : "?");
	drmFreeVersion(v);

	result(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) == 0 &&
	       drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) == 0, "atomic and universal planes offered");
	/*
	 * Virtual GPUs (DRIVER_CURSOR_HOTSPOT) show atomic clients their cursor plane only once the client
	 * says it sets the hotspot (drm_plane.c, 6.8 on).
	 */
	result(drmSetClientCap(fd, DRM_CLIENT_CAP_CURSOR_PLANE_HOTSPOT, 1) == 0,
	       "the cursor-plane-hotspot client cap is accepted");
	if (find_output(fd, &o)) {
		printf("# no connected connector with a primary plane\n");
		return 77;
	}
	printf("# connector %u, CRTC %u, primary plane %u, cursor plane %u, mode %s %ux%u@%u\n", o.conn,
	       o.crtc, o.primary, o.cursor, o.mode.name, o.mode.hdisplay, o.mode.vdisplay, o.mode.vrefresh);
	result(o.cursor != 0, "the CRTC has a cursor plane");
	bool found;
	prop_value(fd, o.primary, DRM_MODE_OBJECT_PLANE, "FB_DAMAGE_CLIPS", &found);
	result(found, "the primary plane takes FB_DAMAGE_CLIPS");
	if (o.cursor) {
		prop_value(fd, o.cursor, DRM_MODE_OBJECT_PLANE, "HOTSPOT_X", &found);
		result(found, "the cursor plane has HOTSPOT_X/HOTSPOT_Y");
	}
	uint64_t cap = 0;
	result(drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &cap) == 0 && cap == 1, "dumb buffers offered");

	/* bad input: refused, nothing crashes */
	struct drm_mode_create_dumb bad = { .width = 64, .height = 64, .bpp = 16 };
	result(drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &bad) == -1 && errno == EINVAL,
	       "a dumb buffer of 16 bpp is refused with EINVAL");
	bad = (struct drm_mode_create_dumb){ .width = 1u << 30, .height = 1u << 30, .bpp = 32 };
	result(drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &bad) == -1 && (errno == EINVAL || errno == ENOMEM),
	       "a dumb buffer of 2^30 x 2^30 pixels is refused (errno %d)", errno);
	bad = (struct drm_mode_create_dumb){ .width = 0, .height = 64, .bpp = 32 };
	result(drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &bad) == -1 && errno == EINVAL,
	       "a dumb buffer of width 0 is refused with EINVAL");

	uint32_t w = o.mode.hdisplay, h = o.mode.vdisplay;
	int ret = dumb_create(fd, w, h, DRM_FORMAT_XRGB8888, &a);
	if (!ret)
		ret = dumb_create(fd, w, h, DRM_FORMAT_XRGB8888, &b);
	result(ret == 0, "two %ux%u XRGB8888 dumb framebuffers (%d)", w, h, ret);
	if (ret)
		return 1;
	result(a.pitch >= w * 4 && a.size >= (uint64_t)a.pitch * h, "dumb pitch %u and size %llu cover the mode",
	       a.pitch, (unsigned long long)a.size);
	{
		uint32_t handles[4] = { a.handle }, pitches[4] = { a.pitch }, offsets[4] = { 0 }, id = 0;

		errno = 0;
		ret = drmModeAddFB2(fd, w, h, DRM_FORMAT_NV12, handles, pitches, offsets, &id, 0);
		result(ret != 0 && errno == EINVAL, "a framebuffer in a format no plane takes (NV12) is refused");
		if (!ret)
			drmModeRmFB(fd, id);
		errno = 0;
		ret = drmModeAddFB2(fd, w, h * 2, DRM_FORMAT_XRGB8888, handles, pitches, offsets, &id, 0);
		result(ret != 0 && errno == EINVAL, "a framebuffer larger than its buffer is refused");
		if (!ret)
			drmModeRmFB(fd, id);
	}
	fill(&a, 0xff202020);
	fill(&b, 0xff404040);

	if (drmModeCreatePropertyBlob(fd, &o.mode, sizeof(o.mode), &o.mode_blob))
		result(false, "mode blob");
	ret = modeset(fd, &o, a.fb, DRM_MODE_ATOMIC_TEST_ONLY);
	result(ret == 0, "an atomic modeset passes TEST_ONLY (%d)", ret);
	ret = modeset(fd, &o, a.fb, 0);
	result(ret == 0, "an atomic modeset to %s commits (%d)", o.mode.name, ret);
	if (ret)
		return 1;

	/*
	 * vblank: the simulated vblank runs at the mode's refresh while the CRTC
	 * is on. The count follows the stamps (drm_update_vblank_count() counts
	 * the frames between two stamps), so a handler run late under TCG adds
	 * the frames it missed: the wait is for an absolute sequence, and the
	 * check is that count and stamps agree, not that the count moved by
	 * exactly ten in wall-clock time.
	 */
	{
		drmVBlank vb = { .request = { .type = DRM_VBLANK_RELATIVE, .sequence = 1 } };
		uint32_t high = (o.crtc_index << DRM_VBLANK_HIGH_CRTC_SHIFT) & DRM_VBLANK_HIGH_CRTC_MASK;
		double frame = (double)o.mode.htotal * o.mode.vtotal / (o.mode.clock * 1000.0);
		unsigned int first;
		double ts0, ts1;

		vb.request.type |= high;
		ret = drmWaitVBlank(fd, &vb);
		first = vb.reply.sequence;
		ts0 = vb.reply.tval_sec + vb.reply.tval_usec / 1e6;
		vb.request.type = DRM_VBLANK_ABSOLUTE | high;
		vb.request.sequence = first + 10;
		if (!ret)
			ret = drmWaitVBlank(fd, &vb);
		ts1 = vb.reply.tval_sec + vb.reply.tval_usec / 1e6;
		double waited = now_s() - ts0; /* the stamps are CLOCK_MONOTONIC too */
		double frames = (ts1 - ts0) / frame;
		unsigned int counted = vb.reply.sequence - first;
		result(ret == 0 && counted >= 10 && fabs(frames - counted) < 1.0,
		       "10 vblanks waited for: sequence %u -> %u, stamps %.1f frames apart", first,
		       vb.reply.sequence, frames);
		/* 10 frames at <= 120 Hz take >= 83 ms: the counter is paced, not free-running */
		result(ret == 0 && waited >= 10.0 / 120 && counted > 0,
		       "the vblank counter is paced by a timer (%.1f Hz)", counted / waited);
	}

	/* Non-blocking flips with events and out-fences, alternating framebuffers. */
	{
		uint32_t fb_id = prop_id(fd, o.primary, DRM_MODE_OBJECT_PLANE, "FB_ID");
		uint32_t out_fence_prop = prop_id(fd, o.crtc, DRM_MODE_OBJECT_CRTC, "OUT_FENCE_PTR");
		uint32_t in_fence_prop = prop_id(fd, o.primary, DRM_MODE_OBJECT_PLANE, "IN_FENCE_FD");
		unsigned int events = 0, fences_ok = 0;
		long last_seq = -1;
		bool seq_up = true, busy_seen = false;
		double t0 = now_s(), max_commit = 0;

		result(out_fence_prop && in_fence_prop, "OUT_FENCE_PTR and IN_FENCE_FD exist");
		for (int i = 0; i < flips; i++) {
			drmModeAtomicReq *req = drmModeAtomicAlloc();
			int32_t out_fence = -1;
			double c0;

			drmModeAtomicAddProperty(req, o.primary, fb_id, (i & 1) ? a.fb : b.fb);
			drmModeAtomicAddProperty(req, o.crtc, out_fence_prop, (uint64_t)(uintptr_t)&out_fence);
			c0 = now_s();
			ret = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT, NULL);
			if (now_s() - c0 > max_commit)
				max_commit = now_s() - c0;
			drmModeAtomicFree(req);
			if (ret) {
				/* a second flip before the first completed: EBUSY, as the uapi says */
				if (errno == EBUSY)
					busy_seen = true;
				result(false, "non-blocking flip %d: errno %d", i, errno);
				break;
			}
			if (out_fence >= 0 && fence_signals(out_fence, 5000))
				fences_ok++;
			if (out_fence >= 0)
				close(out_fence);
			long seq = wait_flip(fd, 5000, &events);
			if (seq >= 0 && last_seq >= 0 && seq <= last_seq)
				seq_up = false;
			if (seq >= 0)
				last_seq = seq;
		}
		double dt = now_s() - t0;
		result(events == (unsigned)flips && seq_up,
		       "%d non-blocking page flips delivered %u flip events, sequence increasing", flips, events);
		result(fences_ok == (unsigned)flips, "every flip's OUT_FENCE_PTR fence signalled (%u of %d)",
		       fences_ok, flips);
		result(dt >= flips / 120.0, "flips complete at vblanks: %.1f flips/s (mode %u Hz)", flips / dt,
		       o.mode.vrefresh);
		printf("# slowest non-blocking commit call: %.1f ms%s\n", max_commit * 1e3,
		       busy_seen ? " (an EBUSY was seen)" : "");

		/* IN_FENCE_FD: the out-fence of one commit gates the next; bad fds are refused */
		drmModeAtomicReq *req = drmModeAtomicAlloc();
		int32_t out_fence = -1;

		drmModeAtomicAddProperty(req, o.primary, fb_id, a.fb);
		drmModeAtomicAddProperty(req, o.crtc, out_fence_prop, (uint64_t)(uintptr_t)&out_fence);
		ret = drmModeAtomicCommit(fd, req, 0, NULL);
		drmModeAtomicFree(req);
		result(ret == 0 && out_fence >= 0, "a blocking commit returns an out-fence");
		req = drmModeAtomicAlloc();
		drmModeAtomicAddProperty(req, o.primary, fb_id, b.fb);
		drmModeAtomicAddProperty(req, o.primary, in_fence_prop, (uint64_t)out_fence);
		ret = drmModeAtomicCommit(fd, req, 0, NULL);
		drmModeAtomicFree(req);
		result(ret == 0, "a commit waits on that fence as IN_FENCE_FD (%d)", ret ? errno : 0);
		if (out_fence >= 0)
			close(out_fence);
		req = drmModeAtomicAlloc();
		drmModeAtomicAddProperty(req, o.primary, fb_id, a.fb);
		drmModeAtomicAddProperty(req, o.primary, in_fence_prop, (uint64_t)fd);
		errno = 0;
		ret = drmModeAtomicCommit(fd, req, 0, NULL);
		drmModeAtomicFree(req);
		result(ret != 0 && errno == EINVAL, "an IN_FENCE_FD that is no sync_file is refused with EINVAL");
	}

	/* FB_DAMAGE_CLIPS: a commit with two clips, and a bad blob */
	{
		struct drm_mode_rect clips[2] = { { 0, 0, 64, 64 }, { 100, 100, 200, 150 } };
		uint32_t blob = 0, dmg = prop_id(fd, o.primary, DRM_MODE_OBJECT_PLANE, "FB_DAMAGE_CLIPS");
		drmModeAtomicReq *req;

		fill(&b, 0xff808080);
		ret = drmModeCreatePropertyBlob(fd, clips, sizeof(clips), &blob);
		req = drmModeAtomicAlloc();
		drmModeAtomicAddProperty(req, o.primary, prop_id(fd, o.primary, DRM_MODE_OBJECT_PLANE, "FB_ID"),
					 b.fb);
		drmModeAtomicAddProperty(req, o.primary, dmg, blob);
		ret = ret ? ret : drmModeAtomicCommit(fd, req, 0, NULL);
		drmModeAtomicFree(req);
		result(ret == 0, "a commit with two FB_DAMAGE_CLIPS (%d)", ret ? errno : 0);
		drmModeDestroyPropertyBlob(fd, blob);
		ret = drmModeCreatePropertyBlob(fd, clips, 5, &blob); /* not a whole rectangle */
		req = drmModeAtomicAlloc();
		drmModeAtomicAddProperty(req, o.primary, dmg, blob);
		errno = 0;
		ret = ret ? ret : drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_TEST_ONLY, NULL);
		drmModeAtomicFree(req);
		result(ret != 0, "a damage blob of 5 bytes is refused (errno %d)", errno);
		if (blob)
			drmModeDestroyPropertyBlob(fd, blob);
	}

	/* cursor: 64x64 ARGB8888 only */
	if (o.cursor) {
		drmModeAtomicReq *req;

		ret = dumb_create(fd, 64, 64, DRM_FORMAT_ARGB8888, &cur);
		if (!ret)
			ret = dumb_create(fd, 32, 32, DRM_FORMAT_ARGB8888, &small);
		result(ret == 0, "64x64 and 32x32 ARGB8888 cursor buffers (%d)", ret);
		if (!ret) {
			fill(&cur, 0xffffffff);
			fill(&small, 0xffffffff);
			req = drmModeAtomicAlloc();
			add_plane(fd, req, o.cursor, o.crtc, small.fb, 10, 10, 32, 32);
			errno = 0;
			ret = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_TEST_ONLY, NULL);
			drmModeAtomicFree(req);
			result(ret != 0 && errno == EINVAL, "a 32x32 cursor is refused with EINVAL");
			req = drmModeAtomicAlloc();
			add_plane(fd, req, o.cursor, o.crtc, cur.fb, 100, 100, 64, 64);
			ret = drmModeAtomicCommit(fd, req, 0, NULL);
			drmModeAtomicFree(req);
			result(ret == 0, "a 64x64 cursor at 100,100 (%d)", ret ? errno : 0);
			/* moves: only the position changes (MOVE_CURSOR) */
			bool moved = true;

			for (int i = 0; i < 20 && moved; i++) {
				req = drmModeAtomicAlloc();
				add_plane(fd, req, o.cursor, o.crtc, cur.fb, 100 + 10 * i, 100 + 5 * i, 64, 64);
				moved = drmModeAtomicCommit(fd, req, 0, NULL) == 0;
				drmModeAtomicFree(req);
			}
			req = drmModeAtomicAlloc();
			add_plane(fd, req, o.cursor, o.crtc, cur.fb, 100, 100, 64, 64);
			moved = moved && drmModeAtomicCommit(fd, req, 0, NULL) == 0;
			drmModeAtomicFree(req);
			result(moved, "the cursor moved 20 times and back");
			/* the legacy cursor ioctls, as X servers use them */
			result(drmModeMoveCursor(fd, o.crtc, 100, 100) == 0, "legacy drmModeMoveCursor");
		}
	}

	/* the last frame, for the caller's screendump */
	fill_quadrants(&a);
	ret = 0;
	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		drmModeAtomicAddProperty(req, o.primary, prop_id(fd, o.primary, DRM_MODE_OBJECT_PLANE, "FB_ID"),
					 a.fb);
		ret = drmModeAtomicCommit(fd, req, 0, NULL);
		drmModeAtomicFree(req);
	}
	result(ret == 0, "the quadrant frame is on screen");
	if (hold) {
		FILE *f = fopen(hold, "w");

		if (f)
			fclose(f);
		for (int i = 0; i < 1200 && access(hold, F_OK) == 0; i++)
			usleep(100000);
	}

	/* off: CRTC inactive, planes off; then close */
	{
		drmModeAtomicReq *req = drmModeAtomicAlloc();

		drmModeAtomicAddProperty(req, o.crtc, prop_id(fd, o.crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"), 0);
		drmModeAtomicAddProperty(req, o.crtc, prop_id(fd, o.crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID"), 0);
		drmModeAtomicAddProperty(req, o.conn,
					 prop_id(fd, o.conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID"), 0);
		add_plane(fd, req, o.primary, o.crtc, 0, 0, 0, 0, 0);
		if (o.cursor)
			add_plane(fd, req, o.cursor, o.crtc, 0, 0, 0, 0, 0);
		ret = drmModeAtomicCommit(fd, req, DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
		drmModeAtomicFree(req);
		result(ret == 0, "the output turns off (%d)", ret ? errno : 0);
	}
	if (o.cursor) {
		dumb_destroy(fd, &cur);
		dumb_destroy(fd, &small);
	}
	dumb_destroy(fd, &a);
	dumb_destroy(fd, &b);
	drmModeDestroyPropertyBlob(fd, o.mode_blob);
	close(fd);
	return failures ? 1 : 0;
}
