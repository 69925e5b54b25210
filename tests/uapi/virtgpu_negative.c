// SPDX-License-Identifier: MIT
/*
 * virtgpu_negative proves that a virtio-gpu render node rejects bad ioctl arguments with the right errno
 * and survives them: every drm/virtgpu_drm.h ioctl (MAP, EXECBUFFER, GETPARAM, RESOURCE_CREATE,
 * RESOURCE_INFO, TRANSFER_FROM_HOST, TRANSFER_TO_HOST, WAIT, GET_CAPS, RESOURCE_CREATE_BLOB,
 * CONTEXT_INIT) plus GEM_CLOSE and PRIME handle<->fd, driven with unknown flags, non-zero padding,
 * huge counts, bad user pointers, unknown handles, out-of-range capset ids and rings, a second
 * CONTEXT_INIT, zero sizes, bad blob_mem... next to a few valid "control" calls that must succeed (so
 * that an errno is not right by accident).
 *
 * The table below is the documentation: each case names the ioctl, a setup that builds the argument
 * from a valid one by changing one thing, and the errno(s) expected from upstream virtio_gpu.ko (as read
 * from drivers/gpu/drm/virtio/ of Linux 6.12 and observed in the VM) and from pvgpu.ko where pvgpu is
 * deliberately stricter (unknown flags and non-zero padding are rejected; see issue 3). The driver is
 * told apart by the kernel module bound to the device (/sys/dev/char/M:m/device/driver: "pvgpu" or
 * "virtio_gpu"), or --driver.
 *
 * Every case runs on its own fresh open file of the render node, and closing it releases whatever the
 * case created (GEM handles, syncobjs, the context); fds a case receives are closed too. Nothing valid
 * is ever sent to the host except the empty submissions and small resources of the control cases.
 * Cases that upstream answers with a kernel WARN (allocations over INT_MAX from user-chosen counts: seen
 * in the VM as "WARNING: ... at mm/util.c:670 __kvmalloc_node_noprof", then ENOMEM) run on upstream only
 * with --include-warn.
 *
 * Output: one line per case, "ok N - name: expected X, got Y" or "not ok N - ...", then a closing line
 * "N passed, N failed". Exit status 0 only when nothing failed (77 when no virtio_gpu render node).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>
/* The kernel's uapi header (linux-libc-dev): libdrm's copy of virtgpu_drm.h predates blobs, context
 * init and syncobjs. */
#include <drm/virtgpu_drm.h>

/* The ABI's struct sizes (see the shared ABI notes): a mismatch means the wrong header. */
_Static_assert(sizeof(struct drm_virtgpu_map) == 16, "MAP");
_Static_assert(sizeof(struct drm_virtgpu_execbuffer) == 64, "EXECBUFFER");
_Static_assert(sizeof(struct drm_virtgpu_getparam) == 16, "GETPARAM");
_Static_assert(sizeof(struct drm_virtgpu_resource_create) == 56, "RESOURCE_CREATE");
_Static_assert(sizeof(struct drm_virtgpu_resource_info) == 16, "RESOURCE_INFO");
_Static_assert(sizeof(struct drm_virtgpu_3d_transfer_to_host) == 44, "TRANSFER_TO_HOST");
_Static_assert(sizeof(struct drm_virtgpu_3d_transfer_from_host) == 44, "TRANSFER_FROM_HOST");
_Static_assert(sizeof(struct drm_virtgpu_3d_wait) == 8, "WAIT");
_Static_assert(sizeof(struct drm_virtgpu_get_caps) == 24, "GET_CAPS");
_Static_assert(sizeof(struct drm_virtgpu_resource_create_blob) == 48, "RESOURCE_CREATE_BLOB");
_Static_assert(sizeof(struct drm_virtgpu_context_init) == 16, "CONTEXT_INIT");

#define PAGE 4096u
#define VENUS_CAPSET_ID 4
#define UNKNOWN_HANDLE 0x7fff1234u
#define FENCE_POLL_MS 5000

/* EXECBUFFER as it was before ring_idx and syncobjs (32 bytes): the DRM core zero-extends it. */
struct execbuffer_v1 {
	uint32_t flags, size;
	uint64_t command, bo_handles;
	uint32_t num_bo_handles;
	int32_t fence_fd;
};
#define IOCTL_EXECBUFFER_V1 DRM_IOWR(DRM_COMMAND_BASE + DRM_VIRTGPU_EXECBUFFER, struct execbuffer_v1)
/* A driver ioctl number nobody defines (the driver range ends at DRM_COMMAND_END). */
#define IOCTL_UNDEFINED DRM_IOWR(DRM_COMMAND_END - 1, struct drm_virtgpu_getparam)

enum driver_kind { DRIVER_UPSTREAM, DRIVER_PVGPU };

struct device_caps {
	bool has_3d, blob, host_visible, cross_device, context_init;
	uint64_t capset_mask;
	uint32_t capset_id; /* Venus when advertised, else the lowest advertised id */
};

/* What a case needs from the device; a case whose needs are unmet is skipped. */
enum need {
	NEED_3D = 1 << 0,
	NEED_BLOB = 1 << 1,
	NEED_CONTEXT_INIT = 1 << 2,
	NEED_CAPSETS = 1 << 3,
	NEED_NO_3D = 1 << 4,
	NEED_NO_CROSS_DEVICE = 1 << 5,
	NEED_HOST_VISIBLE = 1 << 6,
};

/* How upstream virtio_gpu.ko is known to react to a case beyond its errno. */
enum upstream_hazard {
	UPSTREAM_SAFE,
	UPSTREAM_WARNS, /* kvmalloc > INT_MAX from a user count: WARN_ON_ONCE in mm/util.c */
};

struct fixture {
	int fd;
	const struct device_caps *caps;
	enum driver_kind driver;
	void *arg_override;    /* the ioctl gets this pointer instead of the argument */
	uint8_t *guard;        /* a PROT_NONE page: any access faults */
	uint8_t *page;         /* a read-write page just below guard */
	uint32_t bo;           /* made by the setup helpers */
	uint32_t handles[4];
	uint32_t syncobj;
	int fds[4];            /* closed at teardown */
	struct drm_virtgpu_context_set_param params[8];
	struct drm_virtgpu_execbuffer_syncobj syncobjs[4];
	uint8_t caps_buffer[PAGE];
	char name[128];
};

#define MAX_ERRNOS 6
struct negative_case {
	const char *name;
	unsigned long request;
	/* Builds the argument; returns NULL, or why the case cannot run here (then it is skipped). */
	const char *(*setup)(struct fixture *f, void *arg);
	/* Optional, after a successful ioctl: returns NULL or what was wrong. */
	const char *(*check)(struct fixture *f, void *arg);
	unsigned int needs;
	enum upstream_hazard hazard;
	int upstream[MAX_ERRNOS]; /* accepted errnos, 0 = success; ended by -1 */
	int pvgpu[MAX_ERRNOS];    /* unset (all 0): same as upstream */
};
#define ERRNOS(...) { __VA_ARGS__, -1 }
#define OK 0

/* ---- device access ---------------------------------------------------------------------------------- */

static int open_render_node(char *path, size_t len)
{
	for (int minor = 128; minor < 192; minor++) {
		snprintf(path, len, "/dev/dri/renderD%d", minor);
		int fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		drmVersionPtr version = drmGetVersion(fd);
		bool match = version && !strcmp(version->name, "virtio_gpu");
		drmFreeVersion(version);
		if (match)
			return fd;
		close(fd);
	}
	return -1;
}

/* Basename of the driver link in dir ("" when none). */
static void driver_of(const char *dir, char *module, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	module[0] = '\0';
	snprintf(link, sizeof(link), "%s/driver", dir);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	snprintf(module, len, "%.63s", base ? base + 1 : target);
}

/* The virtio driver bound to the render node's device: "pvgpu" or "virtio_gpu". Like upstream, the DRM
 * device's parent is the PCI device (driver virtio-pci); the virtio device below it carries the GPU
 * driver. */
static enum driver_kind detect_driver(int fd, char *module, size_t len)
{
	struct stat st;
	char dir[PATH_MAX];

	snprintf(module, len, "unknown");
	if (fstat(fd, &st) == 0) {
		snprintf(dir, sizeof(dir), "/sys/dev/char/%u:%u/device", major(st.st_rdev), minor(st.st_rdev));
		driver_of(dir, module, len);
		if (strcmp(module, "pvgpu") && strcmp(module, "virtio_gpu")) {
			for (int i = 0; i < 64; i++) {
				char sub[PATH_MAX + 16], found[64];

				snprintf(sub, sizeof(sub), "%s/virtio%d", dir, i);
				driver_of(sub, found, sizeof(found));
				if (found[0]) {
					snprintf(module, len, "%s", found);
					break;
				}
			}
		}
	}
	if (!strcmp(module, "pvgpu") || access("/sys/module/pvgpu", F_OK) == 0)
		return DRIVER_PVGPU;
	return DRIVER_UPSTREAM;
}

static int xioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, request, arg);
	while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? errno : 0;
}

static int getparam(int fd, uint64_t param, int *value)
{
	struct drm_virtgpu_getparam gp = { .param = param, .value = (uintptr_t)value };

	*value = 0;
	return xioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp);
}

static void query_caps(int fd, struct device_caps *caps)
{
	int v;

	memset(caps, 0, sizeof(*caps));
	caps->has_3d = !getparam(fd, VIRTGPU_PARAM_3D_FEATURES, &v) && v;
	caps->blob = !getparam(fd, VIRTGPU_PARAM_RESOURCE_BLOB, &v) && v;
	caps->host_visible = !getparam(fd, VIRTGPU_PARAM_HOST_VISIBLE, &v) && v;
	caps->cross_device = !getparam(fd, VIRTGPU_PARAM_CROSS_DEVICE, &v) && v;
	caps->context_init = !getparam(fd, VIRTGPU_PARAM_CONTEXT_INIT, &v) && v;
	if (!getparam(fd, VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs, &v))
		caps->capset_mask = (uint32_t)v;
	if (caps->capset_mask & (1u << VENUS_CAPSET_ID))
		caps->capset_id = VENUS_CAPSET_ID;
	else
		for (uint32_t id = 0; id < 32 && !caps->capset_id; id++)
			if (caps->capset_mask & (1u << id))
				caps->capset_id = id;
}

/* ---- setup helpers: valid objects a case starts from ----------------------------------------------- */

static int create_guest_blob(struct fixture *f, uint32_t *handle)
{
	struct drm_virtgpu_resource_create_blob blob = {
		.blob_mem = VIRTGPU_BLOB_MEM_GUEST,
		.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE | VIRTGPU_BLOB_FLAG_USE_SHAREABLE,
		.size = PAGE,
	};
	int err = xioctl(f->fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &blob);

	*handle = blob.bo_handle;
	return err;
}

/* A classic resource: a 16x16 B8G8R8A8 2D texture (virgl format 1, PIPE_TEXTURE_2D = 2). */
static void classic_resource_args(struct drm_virtgpu_resource_create *rc)
{
	*rc = (struct drm_virtgpu_resource_create){
		.target = 2,
		.format = 1,
		.bind = 1u << 3, /* sampler view */
		.width = 16,
		.height = 16,
		.depth = 1,
		.array_size = 1,
		.size = 16 * 16 * 4,
	};
}

static int create_classic(struct fixture *f, uint32_t *handle)
{
	struct drm_virtgpu_resource_create rc;
	int err;

	classic_resource_args(&rc);
	err = xioctl(f->fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &rc);
	*handle = rc.bo_handle;
	return err;
}

/* Any valid BO: a guest blob where blobs exist, else a classic resource. */
static const char *need_bo(struct fixture *f)
{
	int err = f->caps->blob ? create_guest_blob(f, &f->bo) : create_classic(f, &f->bo);

	if (err) {
		snprintf(f->name, sizeof(f->name), "setup could not create a BO: %s", strerrorname_np(err));
		return f->name;
	}
	return NULL;
}

static const char *need_classic(struct fixture *f)
{
	int err = create_classic(f, &f->bo);

	if (err) {
		snprintf(f->name, sizeof(f->name), "setup could not create a classic resource: %s",
			 strerrorname_np(err));
		return f->name;
	}
	return NULL;
}

static int context_init(struct fixture *f, uint32_t num_rings)
{
	struct drm_virtgpu_context_set_param params[2] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, f->caps->capset_id },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, num_rings },
	};
	struct drm_virtgpu_context_init init = { .num_params = 2, .ctx_set_params = (uintptr_t)params };

	return xioctl(f->fd, DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &init);
}

static const char *need_context(struct fixture *f, uint32_t num_rings)
{
	int err = context_init(f, num_rings);

	if (err) {
		snprintf(f->name, sizeof(f->name), "setup CONTEXT_INIT(capset %u, %u rings) failed: %s",
			 f->caps->capset_id, num_rings, strerrorname_np(err));
		return f->name;
	}
	return NULL;
}

static const char *need_syncobj(struct fixture *f, bool signaled)
{
	int err = drmSyncobjCreate(f->fd, signaled ? DRM_SYNCOBJ_CREATE_SIGNALED : 0, &f->syncobj);

	return err ? "drmSyncobjCreate failed (no syncobj support?)" : NULL;
}

static void keep_fd(struct fixture *f, int fd)
{
	for (int i = 0; i < 4; i++) {
		if (f->fds[i] < 0) {
			f->fds[i] = fd;
			return;
		}
	}
	close(fd);
}

/* ---- GETPARAM --------------------------------------------------------------------------------------- */

static int getparam_value;

#define GETPARAM_SETUP(fn, param_value, value_ptr)                                                        \
	static const char *fn(struct fixture *f, void *arg)                                               \
	{                                                                                                 \
		struct drm_virtgpu_getparam *gp = arg;                                                    \
		(void)f;                                                                                  \
		gp->param = (param_value);                                                                \
		gp->value = (uintptr_t)(value_ptr);                                                       \
		return NULL;                                                                              \
	}
GETPARAM_SETUP(getparam_valid_3d, VIRTGPU_PARAM_3D_FEATURES, &getparam_value)
GETPARAM_SETUP(getparam_valid_debug_name, VIRTGPU_PARAM_EXPLICIT_DEBUG_NAME, &getparam_value)
GETPARAM_SETUP(getparam_param_0, 0, &getparam_value)
GETPARAM_SETUP(getparam_param_9, 9, &getparam_value)
GETPARAM_SETUP(getparam_param_high_bits, (1ull << 32) | VIRTGPU_PARAM_3D_FEATURES, &getparam_value)
GETPARAM_SETUP(getparam_value_null, VIRTGPU_PARAM_3D_FEATURES, NULL)
GETPARAM_SETUP(getparam_value_guard, VIRTGPU_PARAM_3D_FEATURES, f->guard)
GETPARAM_SETUP(getparam_value_kernel, VIRTGPU_PARAM_3D_FEATURES, 0xffffffff81000000ull)

static const char *check_capset_mask(struct fixture *f, void *arg)
{
	(void)arg;
	int value;

	if (getparam(f->fd, VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs, &value))
		return "SUPPORTED_CAPSET_IDs failed";
	if (f->caps->context_init && !value)
		return "CONTEXT_INIT advertised but no capset id";
	return NULL;
}

/* ---- GET_CAPS --------------------------------------------------------------------------------------- */

static const char *get_caps_valid(struct fixture *f, void *arg)
{
	struct drm_virtgpu_get_caps *gc = arg;

	gc->cap_set_id = f->caps->capset_id;
	gc->cap_set_ver = 0;
	gc->addr = (uintptr_t)f->caps_buffer;
	gc->size = sizeof(f->caps_buffer);
	return NULL;
}

static const char *check_caps_nonzero(struct fixture *f, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < sizeof(f->caps_buffer); i++)
		if (f->caps_buffer[i])
			return NULL;
	return "capset copied out as all zeroes";
}

#define GET_CAPS_SETUP(fn, ...)                                                                        \
	static const char *fn(struct fixture *f, void *arg)                                               \
	{                                                                                                 \
		struct drm_virtgpu_get_caps *gc = arg;                                                    \
		(void)gc;                                                                     \
		get_caps_valid(f, arg);                                                                   \
		__VA_ARGS__;                                                                              \
		return NULL;                                                                              \
	}
GET_CAPS_SETUP(get_caps_size_0, gc->size = 0)
GET_CAPS_SETUP(get_caps_id_0_unadvertised, gc->cap_set_id = 0; if (f->caps->capset_mask & 1) return "capset 0 advertised")
GET_CAPS_SETUP(get_caps_id_99, gc->cap_set_id = 99)
GET_CAPS_SETUP(get_caps_id_huge, gc->cap_set_id = 0xffffffffu)
GET_CAPS_SETUP(get_caps_version_huge, gc->cap_set_ver = 0xffffu)
GET_CAPS_SETUP(get_caps_addr_guard, gc->addr = (uintptr_t)f->guard)
GET_CAPS_SETUP(get_caps_addr_null, gc->addr = 0)
GET_CAPS_SETUP(get_caps_short_buffer, gc->addr = (uintptr_t)(f->guard - 8); gc->size = 0xffffffffu)
GET_CAPS_SETUP(get_caps_pad, gc->pad = 1)

/* ---- CONTEXT_INIT ------------------------------------------------------------------------------------ */

/* Valid: capset + 2 rings + poll ring 1 + debug name. */
static const char *context_init_valid(struct fixture *f, void *arg)
{
	struct drm_virtgpu_context_init *ci = arg;
	static const char name[] = "virtgpu_negative";

	f->params[0] = (struct drm_virtgpu_context_set_param){ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, f->caps->capset_id };
	f->params[1] = (struct drm_virtgpu_context_set_param){ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 2 };
	f->params[2] = (struct drm_virtgpu_context_set_param){ VIRTGPU_CONTEXT_PARAM_POLL_RINGS_MASK, 0x2 };
	f->params[3] = (struct drm_virtgpu_context_set_param){ VIRTGPU_CONTEXT_PARAM_DEBUG_NAME, (uintptr_t)name };
	ci->num_params = 4;
	ci->ctx_set_params = (uintptr_t)f->params;
	return NULL;
}

#define CONTEXT_INIT_SETUP(fn, ...)                                                                    \
	static const char *fn(struct fixture *f, void *arg)                                               \
	{                                                                                                 \
		struct drm_virtgpu_context_init *ci = arg;                                                \
		(void)ci;                                                                     \
		const char *skip = context_init_valid(f, arg);                                            \
		if (skip)                                                                                 \
			return skip;                                                                      \
		__VA_ARGS__;                                                                              \
		return NULL;                                                                              \
	}
CONTEXT_INIT_SETUP(context_init_zero_params, ci->num_params = 0; ci->ctx_set_params = 0)
CONTEXT_INIT_SETUP(context_init_second, const char *s = need_context(f, 1); if (s) return s)
CONTEXT_INIT_SETUP(context_init_after_implicit, const char *s = need_bo(f); if (s) return s)
CONTEXT_INIT_SETUP(context_init_5_params, ci->num_params = 5)
CONTEXT_INIT_SETUP(context_init_huge_params, ci->num_params = 0xffffffffu)
CONTEXT_INIT_SETUP(context_init_params_guard, ci->ctx_set_params = (uintptr_t)f->guard)
CONTEXT_INIT_SETUP(context_init_params_short,
		   ci->ctx_set_params = (uintptr_t)(f->guard - sizeof(f->params[0]));
		   memcpy(f->guard - sizeof(f->params[0]), &f->params[0], sizeof(f->params[0])))
CONTEXT_INIT_SETUP(context_init_pad, ci->pad = 1)
CONTEXT_INIT_SETUP(context_init_unknown_param, f->params[3].param = 5)
CONTEXT_INIT_SETUP(context_init_param_0, f->params[3].param = 0)
CONTEXT_INIT_SETUP(context_init_capset_64, f->params[0].value = 64)
CONTEXT_INIT_SETUP(context_init_capset_huge, f->params[0].value = UINT64_MAX)
CONTEXT_INIT_SETUP(context_init_capset_unadvertised,
		   uint32_t id = 1; while (id < 64 && (f->caps->capset_mask & (1ull << id))) id++;
		   f->params[0].value = id)
CONTEXT_INIT_SETUP(context_init_capset_twice, f->params[3] = f->params[0])
CONTEXT_INIT_SETUP(context_init_rings_65, f->params[1].value = 65; f->params[2].value = 1)
CONTEXT_INIT_SETUP(context_init_rings_twice, f->params[3] = f->params[1])
CONTEXT_INIT_SETUP(context_init_poll_beyond_rings, f->params[2].value = 0x4)
CONTEXT_INIT_SETUP(context_init_poll_without_rings, f->params[1] = f->params[3]; ci->num_params = 3)
CONTEXT_INIT_SETUP(context_init_poll_twice, f->params[3] = f->params[2])
CONTEXT_INIT_SETUP(context_init_name_guard, f->params[3].value = (uintptr_t)f->guard)
CONTEXT_INIT_SETUP(context_init_name_twice, f->params[2] = f->params[3])

/* A rejected CONTEXT_INIT (capset accepted, then 65 rings refused), then a valid one on the same file. */
static const char *context_init_retry(struct fixture *f, void *arg)
{
	struct drm_virtgpu_context_set_param bad[2] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, f->caps->capset_id },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 65 },
	};
	struct drm_virtgpu_context_init init = { .num_params = 2, .ctx_set_params = (uintptr_t)bad };
	int err = xioctl(f->fd, DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &init);

	if (err != EINVAL) {
		snprintf(f->name, sizeof(f->name), "the rejected CONTEXT_INIT returned %s, not EINVAL",
			 strerrorname_np(err));
		return f->name;
	}
	return context_init_valid(f, arg);
}

/* ---- RESOURCE_CREATE / RESOURCE_INFO ----------------------------------------------------------------- */

static const char *resource_create_valid(struct fixture *f, void *arg)
{
	(void)f;
	classic_resource_args(arg);
	return NULL;
}

static const char *resource_create_size_0(struct fixture *f, void *arg)
{
	struct drm_virtgpu_resource_create *rc = arg;

	resource_create_valid(f, arg);
	rc->size = 0;
	return NULL;
}

/* Upstream gives a size-0 classic resource one page. */
static const char *check_one_page(struct fixture *f, void *arg)
{
	struct drm_virtgpu_resource_create *rc = arg;
	struct drm_virtgpu_resource_info ri = { .bo_handle = rc->bo_handle };

	if (xioctl(f->fd, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri))
		return "RESOURCE_INFO on the new handle failed";
	if (ri.size != PAGE) {
		snprintf(f->name, sizeof(f->name), "size: expected %u, got %u", PAGE, ri.size);
		return f->name;
	}
	return NULL;
}

#define RESOURCE_CREATE_2D_SETUP(fn, ...)                                                              \
	static const char *fn(struct fixture *f, void *arg)                                               \
	{                                                                                                 \
		struct drm_virtgpu_resource_create *rc = arg;                                             \
		(void)rc;                                                                     \
		resource_create_valid(f, arg);                                                            \
		__VA_ARGS__;                                                                              \
		return NULL;                                                                              \
	}
RESOURCE_CREATE_2D_SETUP(resource_create_2d_depth, rc->depth = 2)
RESOURCE_CREATE_2D_SETUP(resource_create_2d_samples, rc->nr_samples = 4)
RESOURCE_CREATE_2D_SETUP(resource_create_2d_target, rc->target = 3)
RESOURCE_CREATE_2D_SETUP(resource_create_2d_array, rc->array_size = 2)

static const char *resource_info_valid(struct fixture *f, void *arg)
{
	struct drm_virtgpu_resource_info *ri = arg;
	const char *skip = need_bo(f);

	ri->bo_handle = f->bo;
	return skip;
}

static const char *check_info(struct fixture *f, void *arg)
{
	struct drm_virtgpu_resource_info *ri = arg;

	(void)f;
	if (!ri->res_handle || ri->size != PAGE)
		return "res_handle 0 or size != 4096";
	return NULL;
}

static const char *resource_info_unknown(struct fixture *f, void *arg)
{
	struct drm_virtgpu_resource_info *ri = arg;

	(void)f;
	ri->bo_handle = UNKNOWN_HANDLE;
	return NULL;
}

static const char *resource_info_handle_0(struct fixture *f, void *arg)
{
	(void)f;
	((struct drm_virtgpu_resource_info *)arg)->bo_handle = 0;
	return NULL;
}

/* RESOURCE_INFO of a classic resource with garbage in the blob_mem output field. */
static const char *resource_info_classic_garbage(struct fixture *f, void *arg)
{
	struct drm_virtgpu_resource_info *ri = arg;
	const char *skip = need_classic(f);

	ri->bo_handle = f->bo;
	ri->blob_mem = 0xdeadu;
	return skip;
}

/* Upstream sets blob_mem only for blobs, so a classic resource echoes the caller's input back;
 * pvgpu reports 0 ("not a blob"). */
static const char *check_blob_mem_output(struct fixture *f, void *arg)
{
	struct drm_virtgpu_resource_info *ri = arg;
	uint32_t expected = f->driver == DRIVER_UPSTREAM ? 0xdeadu : 0;

	if (ri->blob_mem != expected) {
		snprintf(f->name, sizeof(f->name), "blob_mem out: expected 0x%x, got 0x%x", expected, ri->blob_mem);
		return f->name;
	}
	return NULL;
}

/* ---- TRANSFER_TO_HOST / TRANSFER_FROM_HOST (same layout) -------------------------------------------- */

static const char *transfer_valid(struct fixture *f, void *arg)
{
	struct drm_virtgpu_3d_transfer_to_host *t = arg;
	const char *skip = need_classic(f);

	t->bo_handle = f->bo;
	t->box = (struct drm_virtgpu_3d_box){ 0, 0, 0, 16, 16, 1 };
	return skip;
}

#define TRANSFER_SETUP(fn, ...)                                                                        \
	static const char *fn(struct fixture *f, void *arg)                                               \
	{                                                                                                 \
		struct drm_virtgpu_3d_transfer_to_host *t = arg;                                          \
		(void)t;                                                                      \
		const char *skip = transfer_valid(f, arg);                                                \
		if (skip)                                                                                 \
			return skip;                                                                      \
		__VA_ARGS__;                                                                              \
		return NULL;                                                                              \
	}
TRANSFER_SETUP(transfer_unknown_handle, t->bo_handle = UNKNOWN_HANDLE)
TRANSFER_SETUP(transfer_handle_0, t->bo_handle = 0)
TRANSFER_SETUP(transfer_stride_classic, t->stride = 64)
TRANSFER_SETUP(transfer_layer_stride_classic, t->layer_stride = 4096)
TRANSFER_SETUP(transfer_guest_blob, uint32_t h; if (create_guest_blob(f, &h)) return "no guest blob"; t->bo_handle = h)

/* ---- WAIT ------------------------------------------------------------------------------------------- */

static const char *wait_valid(struct fixture *f, void *arg)
{
	struct drm_virtgpu_3d_wait *w = arg;
	const char *skip = need_bo(f);

	if (skip)
		return skip;
	/* A classic resource is busy until the host has created it: wait for that first. */
	w->handle = f->bo;
	if (xioctl(f->fd, DRM_IOCTL_VIRTGPU_WAIT, w))
		return "blocking WAIT on the new BO failed";
	w->flags = VIRTGPU_WAIT_NOWAIT;
	return NULL;
}

#define WAIT_SETUP(fn, ...)                                                                            \
	static const char *fn(struct fixture *f, void *arg)                                               \
	{                                                                                                 \
		struct drm_virtgpu_3d_wait *w = arg;                                                      \
		(void)w;                                                                      \
		const char *skip = wait_valid(f, arg);                                                    \
		if (skip)                                                                                 \
			return skip;                                                                      \
		__VA_ARGS__;                                                                              \
		return NULL;                                                                              \
	}
WAIT_SETUP(wait_blocking, w->flags = 0)
WAIT_SETUP(wait_unknown_handle, w->handle = UNKNOWN_HANDLE)
WAIT_SETUP(wait_handle_0, w->handle = 0)
WAIT_SETUP(wait_unknown_flags, w->flags = VIRTGPU_WAIT_NOWAIT | 0x2)
WAIT_SETUP(wait_high_flag, w->flags = 0x80000000u)

/* ---- MAP -------------------------------------------------------------------------------------------- */

static const char *map_valid(struct fixture *f, void *arg)
{
	struct drm_virtgpu_map *m = arg;
	const char *skip = need_bo(f);

	m->handle = f->bo;
	return skip;
}

static const char *check_map_offset(struct fixture *f, void *arg)
{
	struct drm_virtgpu_map *m = arg;

	(void)f;
	return m->offset ? NULL : "mmap offset 0";
}

static const char *map_unknown_handle(struct fixture *f, void *arg)
{
	(void)f;
	((struct drm_virtgpu_map *)arg)->handle = UNKNOWN_HANDLE;
	return NULL;
}

static const char *map_pad(struct fixture *f, void *arg)
{
	const char *skip = map_valid(f, arg);

	((struct drm_virtgpu_map *)arg)->pad = 1;
	return skip;
}

/* ---- RESOURCE_CREATE_BLOB ---------------------------------------------------------------------------- */

static const char *blob_guest_valid(struct fixture *f, void *arg)
{
	struct drm_virtgpu_resource_create_blob *b = arg;

	(void)f;
	b->blob_mem = VIRTGPU_BLOB_MEM_GUEST;
	b->blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE;
	b->size = PAGE;
	return NULL;
}

#define BLOB_SETUP(fn, ...)                                                                            \
	static const char *fn(struct fixture *f, void *arg)                                               \
	{                                                                                                 \
		struct drm_virtgpu_resource_create_blob *b = arg;                                         \
		(void)b;                                                                      \
		blob_guest_valid(f, arg);                                                                 \
		__VA_ARGS__;                                                                              \
		return NULL;                                                                              \
	}
BLOB_SETUP(blob_mem_0, b->blob_mem = 0)
BLOB_SETUP(blob_mem_4, b->blob_mem = 4)
BLOB_SETUP(blob_mem_huge, b->blob_mem = 0xffffffffu)
BLOB_SETUP(blob_unknown_flag, b->blob_flags |= 0x8)
BLOB_SETUP(blob_high_flag, b->blob_flags |= 0x80000000u)
BLOB_SETUP(blob_cross_device_unsupported, b->blob_flags |= VIRTGPU_BLOB_FLAG_USE_CROSS_DEVICE)
BLOB_SETUP(blob_guest_blob_id, b->blob_id = 1)
BLOB_SETUP(blob_guest_cmd_size, b->cmd_size = 4; b->cmd = (uintptr_t)f->page)
BLOB_SETUP(blob_pad, b->pad = 1)
BLOB_SETUP(blob_guest_size_0, b->size = 0)
BLOB_SETUP(blob_guest_size_huge, b->size = 1ull << 44)
BLOB_SETUP(blob_host3d_cmd_unaligned, b->blob_mem = VIRTGPU_BLOB_MEM_HOST3D; b->cmd_size = 3;
	   b->cmd = (uintptr_t)f->page; b->blob_id = 1)
BLOB_SETUP(blob_host3d_cmd_guard, b->blob_mem = VIRTGPU_BLOB_MEM_HOST3D; b->cmd_size = 4;
	   b->cmd = (uintptr_t)f->guard; b->blob_id = 1)
BLOB_SETUP(blob_host3d_size_0, b->blob_mem = VIRTGPU_BLOB_MEM_HOST3D; b->size = 0; b->blob_id = 1)

/* ---- EXECBUFFER ------------------------------------------------------------------------------------- */

/* Valid: an empty submission (Mesa's Venus submits size-0 batches that only carry syncs). */
static const char *exec_valid(struct fixture *f, void *arg)
{
	struct drm_virtgpu_execbuffer *e = arg;

	(void)f;
	e->fence_fd = -1;
	return NULL;
}

static const char *exec_fence_out(struct fixture *f, void *arg)
{
	struct drm_virtgpu_execbuffer *e = arg;

	(void)f;
	e->flags = VIRTGPU_EXECBUF_FENCE_FD_OUT;
	e->fence_fd = -1;
	return NULL;
}

/* The out fence is a sync_file that signals once the host has processed the (empty) submission. */
static const char *check_fence_signals(struct fixture *f, void *arg)
{
	struct drm_virtgpu_execbuffer *e = arg;
	struct pollfd pfd = { .fd = e->fence_fd, .events = POLLIN };

	if (e->fence_fd < 0)
		return "no fence fd returned";
	keep_fd(f, e->fence_fd);
	if (poll(&pfd, 1, FENCE_POLL_MS) != 1) {
		snprintf(f->name, sizeof(f->name), "out fence not signalled within %d ms", FENCE_POLL_MS);
		return f->name;
	}
	return NULL;
}

#define EXEC_SETUP(fn, ...)                                                                            \
	static const char *fn(struct fixture *f, void *arg)                                               \
	{                                                                                                 \
		struct drm_virtgpu_execbuffer *e = arg;                                                   \
		(void)e;                                                                      \
		exec_valid(f, arg);                                                                       \
		__VA_ARGS__;                                                                              \
		return NULL;                                                                              \
	}
EXEC_SETUP(exec_with_bo, const char *s = need_bo(f); if (s) return s; f->handles[0] = f->bo;
	   e->bo_handles = (uintptr_t)f->handles; e->num_bo_handles = 1)
EXEC_SETUP(exec_syncobjs, const char *s = need_syncobj(f, true); if (s) return s;
	   f->syncobjs[0] = (struct drm_virtgpu_execbuffer_syncobj){ f->syncobj, 0, 0 };
	   f->syncobjs[1] = (struct drm_virtgpu_execbuffer_syncobj){ f->syncobj, 0, 0 };
	   e->syncobj_stride = sizeof(f->syncobjs[0]); e->num_in_syncobjs = 1; e->num_out_syncobjs = 1;
	   e->in_syncobjs = (uintptr_t)&f->syncobjs[0]; e->out_syncobjs = (uintptr_t)&f->syncobjs[1])
EXEC_SETUP(exec_ring_valid, const char *s = need_context(f, 2); if (s) return s;
	   e->flags = VIRTGPU_EXECBUF_RING_IDX; e->ring_idx = 1)
EXEC_SETUP(exec_unknown_flag, e->flags = 0x8)
EXEC_SETUP(exec_high_flag, e->flags = 0x80000000u)
EXEC_SETUP(exec_ring_without_context, e->flags = VIRTGPU_EXECBUF_RING_IDX; e->ring_idx = 0)
EXEC_SETUP(exec_ring_eq_num_rings, const char *s = need_context(f, 2); if (s) return s;
	   e->flags = VIRTGPU_EXECBUF_RING_IDX; e->ring_idx = 2)
EXEC_SETUP(exec_ring_64, const char *s = need_context(f, 2); if (s) return s;
	   e->flags = VIRTGPU_EXECBUF_RING_IDX; e->ring_idx = 64)
EXEC_SETUP(exec_ring_huge, const char *s = need_context(f, 64); if (s) return s;
	   e->flags = VIRTGPU_EXECBUF_RING_IDX; e->ring_idx = 0xffffffffu)
EXEC_SETUP(exec_unknown_bo, f->handles[0] = UNKNOWN_HANDLE; e->bo_handles = (uintptr_t)f->handles;
	   e->num_bo_handles = 1)
EXEC_SETUP(exec_bo_handles_guard, e->bo_handles = (uintptr_t)f->guard; e->num_bo_handles = 1)
EXEC_SETUP(exec_bo_count_past_buffer, const char *s = need_bo(f); if (s) return s;
	   memcpy(f->guard - 4, &f->bo, 4); e->bo_handles = (uintptr_t)(f->guard - 4);
	   e->num_bo_handles = 1u << 20)
EXEC_SETUP(exec_bo_count_huge, e->bo_handles = (uintptr_t)f->page; e->num_bo_handles = 0xffffffffu)
EXEC_SETUP(exec_command_guard, e->command = (uintptr_t)f->guard; e->size = 64)
EXEC_SETUP(exec_command_null, e->command = 0; e->size = 64)
EXEC_SETUP(exec_size_past_buffer, e->command = (uintptr_t)(f->guard - 64); e->size = 1u << 20)
EXEC_SETUP(exec_size_huge, e->command = (uintptr_t)f->page; e->size = 0xffffffffu)
EXEC_SETUP(exec_fence_in_minus_1, e->flags = VIRTGPU_EXECBUF_FENCE_FD_IN; e->fence_fd = -1)
EXEC_SETUP(exec_fence_in_not_sync_file, e->flags = VIRTGPU_EXECBUF_FENCE_FD_IN; e->fence_fd = f->fd)
EXEC_SETUP(exec_in_syncobj_unknown,
	   f->syncobjs[0] = (struct drm_virtgpu_execbuffer_syncobj){ UNKNOWN_HANDLE, 0, 0 };
	   e->syncobj_stride = sizeof(f->syncobjs[0]); e->num_in_syncobjs = 1;
	   e->in_syncobjs = (uintptr_t)f->syncobjs)
EXEC_SETUP(exec_in_syncobj_unsignalled, const char *s = need_syncobj(f, false); if (s) return s;
	   f->syncobjs[0] = (struct drm_virtgpu_execbuffer_syncobj){ f->syncobj, 0, 0 };
	   e->syncobj_stride = sizeof(f->syncobjs[0]); e->num_in_syncobjs = 1;
	   e->in_syncobjs = (uintptr_t)f->syncobjs)
EXEC_SETUP(exec_in_syncobj_flags, const char *s = need_syncobj(f, true); if (s) return s;
	   f->syncobjs[0] = (struct drm_virtgpu_execbuffer_syncobj){ f->syncobj, 0x2, 0 };
	   e->syncobj_stride = sizeof(f->syncobjs[0]); e->num_in_syncobjs = 1;
	   e->in_syncobjs = (uintptr_t)f->syncobjs)
EXEC_SETUP(exec_in_syncobj_guard, e->syncobj_stride = sizeof(f->syncobjs[0]); e->num_in_syncobjs = 1;
	   e->in_syncobjs = (uintptr_t)f->guard)
EXEC_SETUP(exec_in_syncobj_stride_0, const char *s = need_syncobj(f, true); if (s) return s;
	   f->syncobjs[0] = (struct drm_virtgpu_execbuffer_syncobj){ f->syncobj, 0, 0 };
	   e->syncobj_stride = 0; e->num_in_syncobjs = 1; e->in_syncobjs = (uintptr_t)f->syncobjs)
EXEC_SETUP(exec_in_syncobj_count_huge, e->syncobj_stride = sizeof(f->syncobjs[0]);
	   e->num_in_syncobjs = 0xffffffffu; e->in_syncobjs = (uintptr_t)f->page)
EXEC_SETUP(exec_out_syncobj_unknown,
	   f->syncobjs[0] = (struct drm_virtgpu_execbuffer_syncobj){ UNKNOWN_HANDLE, 0, 0 };
	   e->syncobj_stride = sizeof(f->syncobjs[0]); e->num_out_syncobjs = 1;
	   e->out_syncobjs = (uintptr_t)f->syncobjs)
EXEC_SETUP(exec_out_syncobj_flags, const char *s = need_syncobj(f, false); if (s) return s;
	   f->syncobjs[0] = (struct drm_virtgpu_execbuffer_syncobj){ f->syncobj, VIRTGPU_EXECBUF_SYNCOBJ_RESET, 0 };
	   e->syncobj_stride = sizeof(f->syncobjs[0]); e->num_out_syncobjs = 1;
	   e->out_syncobjs = (uintptr_t)f->syncobjs)
EXEC_SETUP(exec_out_syncobj_guard, e->syncobj_stride = sizeof(f->syncobjs[0]); e->num_out_syncobjs = 1;
	   e->out_syncobjs = (uintptr_t)f->guard)
EXEC_SETUP(exec_out_syncobj_count_past_buffer, e->syncobj_stride = sizeof(f->syncobjs[0]);
	   e->num_out_syncobjs = 1u << 16; e->out_syncobjs = (uintptr_t)(f->guard - sizeof(f->syncobjs[0]));
	   const char *s = need_syncobj(f, false); if (s) return s;
	   struct drm_virtgpu_execbuffer_syncobj d = { f->syncobj, 0, 0 };
	   memcpy(f->guard - sizeof(d), &d, sizeof(d)))
EXEC_SETUP(exec_out_syncobj_count_huge, e->syncobj_stride = sizeof(f->syncobjs[0]);
	   e->num_out_syncobjs = 0xffffffffu; e->out_syncobjs = (uintptr_t)f->page)

static const char *exec_v1_valid(struct fixture *f, void *arg)
{
	struct execbuffer_v1 *e = arg;

	(void)f;
	e->fence_fd = -1;
	return NULL;
}

/* ---- GEM_CLOSE, PRIME ---------------------------------------------------------------------------- */

static const char *gem_close_valid(struct fixture *f, void *arg)
{
	const char *skip = need_bo(f);

	((struct drm_gem_close *)arg)->handle = f->bo;
	return skip;
}

static const char *gem_close_unknown(struct fixture *f, void *arg)
{
	(void)f;
	((struct drm_gem_close *)arg)->handle = UNKNOWN_HANDLE;
	return NULL;
}

static const char *gem_close_0(struct fixture *f, void *arg)
{
	(void)f;
	((struct drm_gem_close *)arg)->handle = 0;
	return NULL;
}

static const char *gem_close_twice(struct fixture *f, void *arg)
{
	const char *skip = gem_close_valid(f, arg);
	struct drm_gem_close first = { .handle = f->bo };

	if (skip)
		return skip;
	if (xioctl(f->fd, DRM_IOCTL_GEM_CLOSE, &first))
		return "first GEM_CLOSE failed";
	return NULL;
}

static const char *gem_close_pad(struct fixture *f, void *arg)
{
	const char *skip = gem_close_valid(f, arg);

	((struct drm_gem_close *)arg)->pad = 1;
	return skip;
}

static const char *prime_export_valid(struct fixture *f, void *arg)
{
	struct drm_prime_handle *p = arg;
	const char *skip = need_bo(f);

	p->handle = f->bo;
	p->flags = DRM_CLOEXEC | DRM_RDWR;
	p->fd = -1;
	return skip;
}

/* Importing our own export gives back the same handle. */
static const char *check_prime_roundtrip(struct fixture *f, void *arg)
{
	struct drm_prime_handle *p = arg;
	struct drm_prime_handle back = { .fd = p->fd };

	keep_fd(f, p->fd);
	if (xioctl(f->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &back))
		return "importing the exported dma-buf failed";
	if (back.handle != f->bo) {
		snprintf(f->name, sizeof(f->name), "re-import gave handle %u, expected %u", back.handle, f->bo);
		return f->name;
	}
	return NULL;
}

static const char *prime_export_unknown(struct fixture *f, void *arg)
{
	struct drm_prime_handle *p = arg;

	(void)f;
	p->handle = UNKNOWN_HANDLE;
	p->flags = DRM_CLOEXEC;
	return NULL;
}

static const char *prime_export_flags(struct fixture *f, void *arg)
{
	const char *skip = prime_export_valid(f, arg);

	((struct drm_prime_handle *)arg)->flags |= 0x4;
	return skip;
}

static const char *prime_import_minus_1(struct fixture *f, void *arg)
{
	(void)f;
	((struct drm_prime_handle *)arg)->fd = -1;
	return NULL;
}

static const char *prime_import_not_dmabuf(struct fixture *f, void *arg)
{
	((struct drm_prime_handle *)arg)->fd = f->fd;
	return NULL;
}

/* ---- every ioctl: argument pointer that faults, and an undefined driver ioctl ---------------------- */

static const char *arg_guard(struct fixture *f, void *arg)
{
	(void)arg;
	f->arg_override = f->guard;
	return NULL;
}

static const char *nothing(struct fixture *f, void *arg)
{
	(void)f;
	(void)arg;
	return NULL;
}

/* ---- the table ------------------------------------------------------------------------------------ */

#define IOC(name) DRM_IOCTL_VIRTGPU_##name

static const struct negative_case cases[] = {
	/* DRM core, for every virtgpu ioctl: the argument itself cannot be read. */
	{ "map: argument pointer faults", IOC(MAP), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "execbuffer: argument pointer faults", IOC(EXECBUFFER), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "getparam: argument pointer faults", IOC(GETPARAM), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "resource_create: argument pointer faults", IOC(RESOURCE_CREATE), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "resource_info: argument pointer faults", IOC(RESOURCE_INFO), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "transfer_from_host: argument pointer faults", IOC(TRANSFER_FROM_HOST), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "transfer_to_host: argument pointer faults", IOC(TRANSFER_TO_HOST), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "wait: argument pointer faults", IOC(WAIT), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "get_caps: argument pointer faults", IOC(GET_CAPS), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "resource_create_blob: argument pointer faults", IOC(RESOURCE_CREATE_BLOB), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "context_init: argument pointer faults", IOC(CONTEXT_INIT), arg_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "undefined driver ioctl nr 0x9f", IOCTL_UNDEFINED, nothing, NULL, 0, 0, ERRNOS(EINVAL) },

	/* GETPARAM */
	{ "getparam: control 3D_FEATURES", IOC(GETPARAM), getparam_valid_3d, check_capset_mask, 0, 0, ERRNOS(OK) },
	{ "getparam: control EXPLICIT_DEBUG_NAME (8)", IOC(GETPARAM), getparam_valid_debug_name, NULL, 0, 0, ERRNOS(OK) },
	{ "getparam: param 0", IOC(GETPARAM), getparam_param_0, NULL, 0, 0, ERRNOS(EINVAL) },
	{ "getparam: param 9 (past the last)", IOC(GETPARAM), getparam_param_9, NULL, 0, 0, ERRNOS(EINVAL) },
	{ "getparam: param with high bits set", IOC(GETPARAM), getparam_param_high_bits, NULL, 0, 0, ERRNOS(EINVAL) },
	{ "getparam: value NULL", IOC(GETPARAM), getparam_value_null, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "getparam: value faults", IOC(GETPARAM), getparam_value_guard, NULL, 0, 0, ERRNOS(EFAULT) },
	{ "getparam: value is a kernel address", IOC(GETPARAM), getparam_value_kernel, NULL, 0, 0, ERRNOS(EFAULT) },

	/* GET_CAPS */
	{ "get_caps: control (preferred capset, size 4096)", IOC(GET_CAPS), get_caps_valid, check_caps_nonzero, NEED_CAPSETS, 0, ERRNOS(OK) },
	{ "get_caps: size 0", IOC(GET_CAPS), get_caps_size_0, NULL, NEED_CAPSETS, 0, ERRNOS(EINVAL) },
	{ "get_caps: capset id 0 not advertised", IOC(GET_CAPS), get_caps_id_0_unadvertised, NULL, NEED_CAPSETS, 0, ERRNOS(EINVAL) },
	{ "get_caps: capset id 99", IOC(GET_CAPS), get_caps_id_99, NULL, NEED_CAPSETS, 0, ERRNOS(EINVAL) },
	{ "get_caps: capset id 0xffffffff", IOC(GET_CAPS), get_caps_id_huge, NULL, NEED_CAPSETS, 0, ERRNOS(EINVAL) },
	{ "get_caps: version above max", IOC(GET_CAPS), get_caps_version_huge, NULL, NEED_CAPSETS, 0, ERRNOS(EINVAL) },
	{ "get_caps: addr faults", IOC(GET_CAPS), get_caps_addr_guard, NULL, NEED_CAPSETS, 0, ERRNOS(EFAULT) },
	{ "get_caps: addr NULL", IOC(GET_CAPS), get_caps_addr_null, NULL, NEED_CAPSETS, 0, ERRNOS(EFAULT) },
	{ "get_caps: size 0xffffffff into an 8-byte buffer", IOC(GET_CAPS), get_caps_short_buffer, NULL, NEED_CAPSETS, 0, ERRNOS(EFAULT) },
	/* Upstream never looks at pad. */
	{ "get_caps: non-zero pad", IOC(GET_CAPS), get_caps_pad, NULL, NEED_CAPSETS, 0, ERRNOS(OK), ERRNOS(EINVAL) },

	/* CONTEXT_INIT (each case on a fresh file; upstream needs CONTEXT_INIT and 3D) */
	{ "context_init: control (capset, 2 rings, poll ring 1, debug name)", IOC(CONTEXT_INIT), context_init_valid, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(OK) },
	{ "context_init: zero params (default context)", IOC(CONTEXT_INIT), context_init_zero_params, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(OK) },
	{ "context_init: second CONTEXT_INIT", IOC(CONTEXT_INIT), context_init_second, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EEXIST) },
	{ "context_init: after a BO created the context implicitly", IOC(CONTEXT_INIT), context_init_after_implicit, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EEXIST) },
	{ "context_init: 5 params", IOC(CONTEXT_INIT), context_init_5_params, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: 0xffffffff params", IOC(CONTEXT_INIT), context_init_huge_params, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: params pointer faults", IOC(CONTEXT_INIT), context_init_params_guard, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EFAULT) },
	{ "context_init: params array shorter than num_params", IOC(CONTEXT_INIT), context_init_params_short, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EFAULT) },
	/* Upstream never looks at pad: the context is created. */
	{ "context_init: non-zero pad", IOC(CONTEXT_INIT), context_init_pad, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(OK), ERRNOS(EINVAL) },
	{ "context_init: unknown param 5", IOC(CONTEXT_INIT), context_init_unknown_param, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: param 0", IOC(CONTEXT_INIT), context_init_param_0, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: capset id 64", IOC(CONTEXT_INIT), context_init_capset_64, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: capset id 2^64-1", IOC(CONTEXT_INIT), context_init_capset_huge, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: capset id not advertised", IOC(CONTEXT_INIT), context_init_capset_unadvertised, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: capset given twice", IOC(CONTEXT_INIT), context_init_capset_twice, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: 65 rings", IOC(CONTEXT_INIT), context_init_rings_65, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: num_rings given twice", IOC(CONTEXT_INIT), context_init_rings_twice, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: poll mask beyond num_rings", IOC(CONTEXT_INIT), context_init_poll_beyond_rings, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: poll mask without rings", IOC(CONTEXT_INIT), context_init_poll_without_rings, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: poll mask given twice", IOC(CONTEXT_INIT), context_init_poll_twice, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "context_init: debug name pointer faults", IOC(CONTEXT_INIT), context_init_name_guard, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EFAULT) },
	{ "context_init: debug name given twice", IOC(CONTEXT_INIT), context_init_name_twice, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL) },
	/* Upstream keeps the capset of the rejected call, so the retry fails as "capset given twice";
	 * pvgpu applies CONTEXT_INIT all or nothing. */
	{ "context_init: valid retry after a rejected CONTEXT_INIT", IOC(CONTEXT_INIT), context_init_retry, NULL, NEED_CONTEXT_INIT | NEED_3D, 0, ERRNOS(EINVAL), ERRNOS(OK) },

	/* RESOURCE_CREATE (classic) */
	{ "resource_create: control 16x16 texture", IOC(RESOURCE_CREATE), resource_create_valid, NULL, 0, 0, ERRNOS(OK) },
	{ "resource_create: size 0 gets one page", IOC(RESOURCE_CREATE), resource_create_size_0, check_one_page, 0, 0, ERRNOS(OK) },
	{ "resource_create (2D): depth 2", IOC(RESOURCE_CREATE), resource_create_2d_depth, NULL, NEED_NO_3D, 0, ERRNOS(EINVAL) },
	{ "resource_create (2D): 4 samples", IOC(RESOURCE_CREATE), resource_create_2d_samples, NULL, NEED_NO_3D, 0, ERRNOS(EINVAL) },
	{ "resource_create (2D): target 3", IOC(RESOURCE_CREATE), resource_create_2d_target, NULL, NEED_NO_3D, 0, ERRNOS(EINVAL) },
	{ "resource_create (2D): array size 2", IOC(RESOURCE_CREATE), resource_create_2d_array, NULL, NEED_NO_3D, 0, ERRNOS(EINVAL) },

	/* RESOURCE_INFO */
	{ "resource_info: control", IOC(RESOURCE_INFO), resource_info_valid, check_info, 0, 0, ERRNOS(OK) },
	{ "resource_info: unknown handle", IOC(RESOURCE_INFO), resource_info_unknown, NULL, 0, 0, ERRNOS(ENOENT) },
	{ "resource_info: handle 0", IOC(RESOURCE_INFO), resource_info_handle_0, NULL, 0, 0, ERRNOS(ENOENT) },
	{ "resource_info: classic resource, garbage in blob_mem", IOC(RESOURCE_INFO), resource_info_classic_garbage, check_blob_mem_output, 0, 0, ERRNOS(OK) },

	/* TRANSFER_TO_HOST / TRANSFER_FROM_HOST */
	{ "transfer_to_host: control 16x16 box", IOC(TRANSFER_TO_HOST), transfer_valid, NULL, NEED_3D, 0, ERRNOS(OK) },
	{ "transfer_to_host: unknown handle", IOC(TRANSFER_TO_HOST), transfer_unknown_handle, NULL, NEED_3D, 0, ERRNOS(ENOENT) },
	{ "transfer_to_host: handle 0", IOC(TRANSFER_TO_HOST), transfer_handle_0, NULL, NEED_3D, 0, ERRNOS(ENOENT) },
	{ "transfer_to_host: stride on a non-host3d resource", IOC(TRANSFER_TO_HOST), transfer_stride_classic, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "transfer_to_host: layer_stride on a non-host3d resource", IOC(TRANSFER_TO_HOST), transfer_layer_stride_classic, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "transfer_to_host: guest-only blob", IOC(TRANSFER_TO_HOST), transfer_guest_blob, NULL, NEED_3D | NEED_BLOB, 0, ERRNOS(EINVAL) },
	{ "transfer_from_host: control 16x16 box", IOC(TRANSFER_FROM_HOST), transfer_valid, NULL, NEED_3D, 0, ERRNOS(OK) },
	{ "transfer_from_host: unknown handle", IOC(TRANSFER_FROM_HOST), transfer_unknown_handle, NULL, NEED_3D, 0, ERRNOS(ENOENT) },
	{ "transfer_from_host: handle 0", IOC(TRANSFER_FROM_HOST), transfer_handle_0, NULL, NEED_3D, 0, ERRNOS(ENOENT) },
	{ "transfer_from_host: stride on a non-host3d resource", IOC(TRANSFER_FROM_HOST), transfer_stride_classic, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "transfer_from_host: layer_stride on a non-host3d resource", IOC(TRANSFER_FROM_HOST), transfer_layer_stride_classic, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "transfer_from_host: guest-only blob", IOC(TRANSFER_FROM_HOST), transfer_guest_blob, NULL, NEED_3D | NEED_BLOB, 0, ERRNOS(EINVAL) },
	{ "transfer_from_host (2D): no 3D", IOC(TRANSFER_FROM_HOST), nothing, NULL, NEED_NO_3D, 0, ERRNOS(ENOSYS) },

	/* WAIT */
	{ "wait: control NOWAIT on an idle BO", IOC(WAIT), wait_valid, NULL, 0, 0, ERRNOS(OK) },
	{ "wait: control blocking on an idle BO", IOC(WAIT), wait_blocking, NULL, 0, 0, ERRNOS(OK) },
	{ "wait: unknown handle", IOC(WAIT), wait_unknown_handle, NULL, 0, 0, ERRNOS(ENOENT) },
	{ "wait: handle 0", IOC(WAIT), wait_handle_0, NULL, 0, 0, ERRNOS(ENOENT) },
	/* Upstream ignores every flag but NOWAIT. */
	{ "wait: unknown flag 0x2", IOC(WAIT), wait_unknown_flags, NULL, 0, 0, ERRNOS(OK), ERRNOS(EINVAL) },
	{ "wait: unknown flag 0x80000000", IOC(WAIT), wait_high_flag, NULL, 0, 0, ERRNOS(OK), ERRNOS(EINVAL) },

	/* MAP */
	{ "map: control", IOC(MAP), map_valid, check_map_offset, 0, 0, ERRNOS(OK) },
	{ "map: unknown handle", IOC(MAP), map_unknown_handle, NULL, 0, 0, ERRNOS(ENOENT) },
	/* Upstream never looks at pad. */
	{ "map: non-zero pad", IOC(MAP), map_pad, NULL, 0, 0, ERRNOS(OK), ERRNOS(EINVAL) },

	/* RESOURCE_CREATE_BLOB (upstream folds every verify_blob() failure into EINVAL) */
	{ "blob: control guest 4096 mappable", IOC(RESOURCE_CREATE_BLOB), blob_guest_valid, NULL, NEED_BLOB, 0, ERRNOS(OK) },
	{ "blob: blob_mem 0", IOC(RESOURCE_CREATE_BLOB), blob_mem_0, NULL, NEED_BLOB, 0, ERRNOS(EINVAL) },
	{ "blob: blob_mem 4", IOC(RESOURCE_CREATE_BLOB), blob_mem_4, NULL, NEED_BLOB, 0, ERRNOS(EINVAL) },
	{ "blob: blob_mem 0xffffffff", IOC(RESOURCE_CREATE_BLOB), blob_mem_huge, NULL, NEED_BLOB, 0, ERRNOS(EINVAL) },
	{ "blob: unknown flag 0x8", IOC(RESOURCE_CREATE_BLOB), blob_unknown_flag, NULL, NEED_BLOB, 0, ERRNOS(EINVAL) },
	{ "blob: unknown flag 0x80000000", IOC(RESOURCE_CREATE_BLOB), blob_high_flag, NULL, NEED_BLOB, 0, ERRNOS(EINVAL) },
	{ "blob: CROSS_DEVICE without device support", IOC(RESOURCE_CREATE_BLOB), blob_cross_device_unsupported, NULL, NEED_BLOB | NEED_NO_CROSS_DEVICE, 0, ERRNOS(EINVAL) },
	{ "blob: guest blob with blob_id", IOC(RESOURCE_CREATE_BLOB), blob_guest_blob_id, NULL, NEED_BLOB, 0, ERRNOS(EINVAL) },
	{ "blob: guest blob with a command", IOC(RESOURCE_CREATE_BLOB), blob_guest_cmd_size, NULL, NEED_BLOB, 0, ERRNOS(EINVAL) },
	/* Upstream never looks at pad. */
	{ "blob: non-zero pad", IOC(RESOURCE_CREATE_BLOB), blob_pad, NULL, NEED_BLOB, 0, ERRNOS(OK), ERRNOS(EINVAL) },
	/* Upstream: a zero-page fake mmap offset fails in drm_mm (ENOSPC) in drm_gem_shmem_create(). */
	{ "blob: guest size 0", IOC(RESOURCE_CREATE_BLOB), blob_guest_size_0, NULL, NEED_BLOB, 0, ERRNOS(ENOSPC), ERRNOS(EINVAL, ENOSPC) },
	/* Upstream: the shmem object's fake mmap offset does not fit (drm_mm: ENOSPC), before any page. */
	{ "blob: guest size 2^44", IOC(RESOURCE_CREATE_BLOB), blob_guest_size_huge, NULL, NEED_BLOB, 0, ERRNOS(ENOSPC), ERRNOS(EINVAL, ENOMEM, E2BIG, ENOSPC) },
	{ "blob: host3d command size not a multiple of 4", IOC(RESOURCE_CREATE_BLOB), blob_host3d_cmd_unaligned, NULL, NEED_BLOB | NEED_3D, 0, ERRNOS(EINVAL) },
	{ "blob: host3d command pointer faults", IOC(RESOURCE_CREATE_BLOB), blob_host3d_cmd_guard, NULL, NEED_BLOB | NEED_3D, 0, ERRNOS(EFAULT) },
	/* Upstream: the zero-sized fake mmap offset fails in drm_mm (ENOSPC) before the host hears of it. */
	{ "blob: host3d size 0", IOC(RESOURCE_CREATE_BLOB), blob_host3d_size_0, NULL, NEED_BLOB | NEED_3D, 0, ERRNOS(ENOSPC), ERRNOS(EINVAL, ENOSPC) },

	/* EXECBUFFER */
	{ "execbuffer: control empty submission", IOC(EXECBUFFER), exec_valid, NULL, NEED_3D, 0, ERRNOS(OK) },
	{ "execbuffer: control FENCE_FD_OUT signals", IOC(EXECBUFFER), exec_fence_out, check_fence_signals, NEED_3D, 0, ERRNOS(OK) },
	{ "execbuffer: control with one BO", IOC(EXECBUFFER), exec_with_bo, NULL, NEED_3D, 0, ERRNOS(OK) },
	{ "execbuffer: control signalled in-syncobj and an out-syncobj", IOC(EXECBUFFER), exec_syncobjs, NULL, NEED_3D, 0, ERRNOS(OK) },
	{ "execbuffer: control ring 1 of 2", IOC(EXECBUFFER), exec_ring_valid, NULL, NEED_3D | NEED_CONTEXT_INIT, 0, ERRNOS(OK) },
	{ "execbuffer: pre-syncobj 32-byte struct (zero-extended)", IOCTL_EXECBUFFER_V1, exec_v1_valid, NULL, NEED_3D, 0, ERRNOS(OK) },
	{ "execbuffer: unknown flag 0x8", IOC(EXECBUFFER), exec_unknown_flag, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "execbuffer: unknown flag 0x80000000", IOC(EXECBUFFER), exec_high_flag, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "execbuffer: RING_IDX without CONTEXT_INIT", IOC(EXECBUFFER), exec_ring_without_context, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "execbuffer: ring_idx == num_rings", IOC(EXECBUFFER), exec_ring_eq_num_rings, NULL, NEED_3D | NEED_CONTEXT_INIT, 0, ERRNOS(EINVAL) },
	{ "execbuffer: ring_idx 64 of 2", IOC(EXECBUFFER), exec_ring_64, NULL, NEED_3D | NEED_CONTEXT_INIT, 0, ERRNOS(EINVAL) },
	{ "execbuffer: ring_idx 0xffffffff of 64", IOC(EXECBUFFER), exec_ring_huge, NULL, NEED_3D | NEED_CONTEXT_INIT, 0, ERRNOS(EINVAL) },
	{ "execbuffer: unknown BO handle", IOC(EXECBUFFER), exec_unknown_bo, NULL, NEED_3D, 0, ERRNOS(ENOENT) },
	{ "execbuffer: BO handle array faults", IOC(EXECBUFFER), exec_bo_handles_guard, NULL, NEED_3D, 0, ERRNOS(EFAULT) },
	{ "execbuffer: 2^20 BO handles in a 1-handle buffer", IOC(EXECBUFFER), exec_bo_count_past_buffer, NULL, NEED_3D, 0, ERRNOS(EFAULT) },
	/* Upstream: kvmalloc_array(0xffffffff, 4) is over INT_MAX: WARN, then ENOMEM. */
	{ "execbuffer: 0xffffffff BO handles", IOC(EXECBUFFER), exec_bo_count_huge, NULL, NEED_3D, UPSTREAM_WARNS, ERRNOS(ENOMEM), ERRNOS(EINVAL, ENOMEM, E2BIG, EFAULT) },
	{ "execbuffer: command pointer faults", IOC(EXECBUFFER), exec_command_guard, NULL, NEED_3D, 0, ERRNOS(EFAULT) },
	{ "execbuffer: command NULL with size 64", IOC(EXECBUFFER), exec_command_null, NULL, NEED_3D, 0, ERRNOS(EFAULT) },
	{ "execbuffer: size 1 MiB over a 64-byte command", IOC(EXECBUFFER), exec_size_past_buffer, NULL, NEED_3D, 0, ERRNOS(EFAULT) },
	/* Upstream: vmemdup_user() of 4 GiB is over INT_MAX: WARN, then ENOMEM. */
	{ "execbuffer: size 0xffffffff", IOC(EXECBUFFER), exec_size_huge, NULL, NEED_3D, UPSTREAM_WARNS, ERRNOS(ENOMEM), ERRNOS(EINVAL, ENOMEM, E2BIG, EFAULT) },
	{ "execbuffer: FENCE_FD_IN with fd -1", IOC(EXECBUFFER), exec_fence_in_minus_1, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "execbuffer: FENCE_FD_IN with a non-sync_file fd", IOC(EXECBUFFER), exec_fence_in_not_sync_file, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "execbuffer: unknown in-syncobj", IOC(EXECBUFFER), exec_in_syncobj_unknown, NULL, NEED_3D, 0, ERRNOS(ENOENT) },
	/* drm_syncobj_find_fence() without WAIT_FOR_SUBMIT: no fence yet is EINVAL. */
	{ "execbuffer: in-syncobj with no fence", IOC(EXECBUFFER), exec_in_syncobj_unsignalled, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "execbuffer: in-syncobj unknown flag 0x2", IOC(EXECBUFFER), exec_in_syncobj_flags, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "execbuffer: in-syncobj array faults", IOC(EXECBUFFER), exec_in_syncobj_guard, NULL, NEED_3D, 0, ERRNOS(EFAULT) },
	/* Stride 0 copies nothing: the entry reads as handle 0. */
	{ "execbuffer: syncobj stride 0", IOC(EXECBUFFER), exec_in_syncobj_stride_0, NULL, NEED_3D, 0, ERRNOS(ENOENT), ERRNOS(ENOENT, EINVAL) },
	/* Upstream: kvcalloc(0xffffffff, 8) over INT_MAX: WARN, then ENOMEM. */
	{ "execbuffer: 0xffffffff in-syncobjs", IOC(EXECBUFFER), exec_in_syncobj_count_huge, NULL, NEED_3D, UPSTREAM_WARNS, ERRNOS(ENOMEM), ERRNOS(EINVAL, ENOMEM, E2BIG, EFAULT) },
	/* Upstream: ENOENT for an unknown in-syncobj but EINVAL for an unknown out-syncobj. */
	{ "execbuffer: unknown out-syncobj", IOC(EXECBUFFER), exec_out_syncobj_unknown, NULL, NEED_3D, 0, ERRNOS(EINVAL), ERRNOS(EINVAL, ENOENT) },
	{ "execbuffer: out-syncobj with flags (RESET is for in-syncobjs)", IOC(EXECBUFFER), exec_out_syncobj_flags, NULL, NEED_3D, 0, ERRNOS(EINVAL) },
	{ "execbuffer: out-syncobj array faults", IOC(EXECBUFFER), exec_out_syncobj_guard, NULL, NEED_3D, 0, ERRNOS(EFAULT) },
	{ "execbuffer: 2^16 out-syncobjs in a 1-entry buffer", IOC(EXECBUFFER), exec_out_syncobj_count_past_buffer, NULL, NEED_3D, 0, ERRNOS(EFAULT) },
	/* Upstream: kvcalloc(0xffffffff, 24) over INT_MAX: WARN, then ENOMEM. */
	{ "execbuffer: 0xffffffff out-syncobjs", IOC(EXECBUFFER), exec_out_syncobj_count_huge, NULL, NEED_3D, UPSTREAM_WARNS, ERRNOS(ENOMEM), ERRNOS(EINVAL, ENOMEM, E2BIG, EFAULT) },

	/* GEM_CLOSE (DRM core) */
	{ "gem_close: control", DRM_IOCTL_GEM_CLOSE, gem_close_valid, NULL, 0, 0, ERRNOS(OK) },
	{ "gem_close: unknown handle", DRM_IOCTL_GEM_CLOSE, gem_close_unknown, NULL, 0, 0, ERRNOS(EINVAL) },
	{ "gem_close: handle 0", DRM_IOCTL_GEM_CLOSE, gem_close_0, NULL, 0, 0, ERRNOS(EINVAL) },
	{ "gem_close: twice", DRM_IOCTL_GEM_CLOSE, gem_close_twice, NULL, 0, 0, ERRNOS(EINVAL) },
	/* The DRM core ignores drm_gem_close.pad, whatever the driver. */
	{ "gem_close: non-zero pad (DRM core ignores it)", DRM_IOCTL_GEM_CLOSE, gem_close_pad, NULL, 0, 0, ERRNOS(OK) },

	/* PRIME (DRM core + the driver's export) */
	{ "prime: control export and re-import", DRM_IOCTL_PRIME_HANDLE_TO_FD, prime_export_valid, check_prime_roundtrip, 0, 0, ERRNOS(OK) },
	{ "prime: export unknown handle", DRM_IOCTL_PRIME_HANDLE_TO_FD, prime_export_unknown, NULL, 0, 0, ERRNOS(ENOENT) },
	{ "prime: export unknown flag 0x4", DRM_IOCTL_PRIME_HANDLE_TO_FD, prime_export_flags, NULL, 0, 0, ERRNOS(EINVAL) },
	{ "prime: import fd -1", DRM_IOCTL_PRIME_FD_TO_HANDLE, prime_import_minus_1, NULL, 0, 0, ERRNOS(EBADF) },
	{ "prime: import a non-dma-buf fd", DRM_IOCTL_PRIME_FD_TO_HANDLE, prime_import_not_dmabuf, NULL, 0, 0, ERRNOS(EINVAL) },
};

/* ---- the runner ---------------------------------------------------------------------------------- */

static const char *errno_name(int err)
{
	static char buf[24];

	if (!err)
		return "success";
	const char *name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

static void format_errnos(const int *errnos, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < MAX_ERRNOS && errnos[i] >= 0; i++)
		used += snprintf(out + used, used < len ? len - used : 0, "%s%s", i ? " or " : "", errno_name(errnos[i]));
}

static bool errno_in(const int *errnos, int err)
{
	for (int i = 0; i < MAX_ERRNOS && errnos[i] >= 0; i++)
		if (errnos[i] == err)
			return true;
	return false;
}

static const char *unmet_need(unsigned int needs, const struct device_caps *caps)
{
	if ((needs & NEED_3D) && !caps->has_3d)
		return "device has no 3D";
	if ((needs & NEED_NO_3D) && caps->has_3d)
		return "2D-only case, device has 3D";
	if ((needs & NEED_BLOB) && !caps->blob)
		return "device has no blob resources";
	if ((needs & NEED_CONTEXT_INIT) && !caps->context_init)
		return "device has no CONTEXT_INIT";
	if ((needs & NEED_CAPSETS) && !caps->capset_mask)
		return "device has no capsets";
	if ((needs & NEED_NO_CROSS_DEVICE) && caps->cross_device)
		return "device supports CROSS_DEVICE";
	if ((needs & NEED_HOST_VISIBLE) && !caps->host_visible)
		return "device has no host-visible memory";
	return NULL;
}

struct options {
	const char *driver;
	bool include_warn;
	const char *only;
};

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	char path[64], module[64];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--driver") && i + 1 < argc)
			opts.driver = argv[++i];
		else if (!strcmp(argv[i], "--include-warn"))
			opts.include_warn = true;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			opts.only = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--driver pvgpu|virtio_gpu] [--include-warn] [--only SUBSTRING]\n"
				"  --include-warn  also run, on upstream, the cases upstream answers with a kernel WARN\n"
				"  --only          run only the cases whose name contains SUBSTRING\n",
				argv[0]);
			return 2;
		}
	}

	int probe = open_render_node(path, sizeof(path));
	if (probe < 0) {
		printf("no render node with DRM driver name virtio_gpu\n0 passed, 0 failed\n");
		return 77;
	}
	enum driver_kind driver = detect_driver(probe, module, sizeof(module));
	if (opts.driver)
		driver = !strcmp(opts.driver, "pvgpu") ? DRIVER_PVGPU : DRIVER_UPSTREAM;
	struct device_caps caps;
	query_caps(probe, &caps);
	close(probe);
	printf("# %s: module %s, judged as %s; 3D %d, blob %d, host-visible %d, cross-device %d, context-init %d, "
	       "capsets 0x%llx (using %u)\n",
	       path, module, driver == DRIVER_PVGPU ? "pvgpu" : "upstream virtio_gpu", caps.has_3d, caps.blob,
	       caps.host_visible, caps.cross_device, caps.context_init, (unsigned long long)caps.capset_mask,
	       caps.capset_id);

	uint8_t *pages = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED || mprotect(pages + PAGE, PAGE, PROT_NONE)) {
		perror("mmap");
		return 1;
	}

	unsigned int passed = 0, failed = 0, skipped = 0, number = 0;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct negative_case *tc = &cases[c];
		const int *expected = tc->upstream;
		char expected_text[64], reason[160];
		const char *skip;

		if (opts.only && !strstr(tc->name, opts.only))
			continue;
		number++;
		if (driver == DRIVER_PVGPU && (tc->pvgpu[0] || tc->pvgpu[1]))
			expected = tc->pvgpu;
		format_errnos(expected, expected_text, sizeof(expected_text));

		skip = unmet_need(tc->needs, &caps);
		if (!skip && driver == DRIVER_UPSTREAM && tc->hazard == UPSTREAM_WARNS && !opts.include_warn)
			skip = "upstream answers with a kernel WARN; --include-warn runs it";
		if (skip) {
			printf("ok %u - %s # SKIP %s\n", number, tc->name, skip);
			skipped++;
			continue;
		}

		struct fixture f = { .caps = &caps, .driver = driver, .guard = pages + PAGE, .page = pages,
				     .fds = { -1, -1, -1, -1 } };
		union {
			uint64_t raw[32]; /* larger than any argument */
			struct drm_virtgpu_execbuffer exec;
			struct drm_prime_handle prime;
		} arg = { { 0 } };
		memset(pages, 0, PAGE);
		f.fd = open(path, O_RDWR | O_CLOEXEC);
		if (f.fd < 0) {
			printf("not ok %u - %s: cannot open %s: %s\n", number, tc->name, path, strerror(errno));
			failed++;
			continue;
		}
		skip = tc->setup(&f, &arg);
		if (skip) {
			printf("not ok %u - %s: setup failed: %s\n", number, tc->name, skip);
			failed++;
		} else {
			int got = xioctl(f.fd, tc->request, f.arg_override ? f.arg_override : (void *)&arg);
			const char *wrong = NULL;

			if (!got && tc->check && errno_in(expected, 0))
				wrong = tc->check(&f, &arg);
			if (errno_in(expected, got) && !wrong) {
				printf("ok %u - %s: expected %s, got %s\n", number, tc->name, expected_text,
				       errno_name(got));
				passed++;
			} else {
				if (wrong)
					snprintf(reason, sizeof(reason), " (%s)", wrong);
				else
					reason[0] = '\0';
				printf("not ok %u - %s: expected %s, got %s%s\n", number, tc->name, expected_text,
				       errno_name(got), reason);
				failed++;
			}
			/* An unexpected success may have handed us an fd. */
			if (!got && tc->request == IOC(EXECBUFFER) && (arg.exec.flags & VIRTGPU_EXECBUF_FENCE_FD_OUT) &&
			    tc->check != check_fence_signals)
				keep_fd(&f, arg.exec.fence_fd);
			if (!got && tc->request == DRM_IOCTL_PRIME_HANDLE_TO_FD && tc->check != check_prime_roundtrip)
				keep_fd(&f, arg.prime.fd);
		}
		fflush(stdout);
		for (int i = 0; i < 4; i++)
			if (f.fds[i] >= 0)
				close(f.fds[i]);
		close(f.fd); /* releases the case's GEM handles, syncobjs and context */
	}

	munmap(pages, 2 * PAGE);
	printf("# %u skipped\n", skipped);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
