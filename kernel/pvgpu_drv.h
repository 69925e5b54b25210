/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * pvgpu - a paravirtual GPU driver for virtio-gpu devices (virtio id 16).
 *
 * Private structures and prototypes, grouped by the file that defines them.
 * The render-node ABI is upstream's include/uapi/drm/virtgpu_drm.h; the
 * device ABI is include/uapi/linux/virtio_gpu.h.
 */
#ifndef PVGPU_DRV_H
#define PVGPU_DRV_H

#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/dma-fence.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_gpu.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_plane.h>
#include <drm/drm_rect.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>
#include <drm/virtgpu_drm.h>

#include <kunit/visibility.h>

#include "pvgpu_compat.h"

#define PVGPU_DRIVER_NAME	"virtio_gpu"	/* Mesa's Venus matches on it */
#define PVGPU_DRIVER_DESC	"pvgpu paravirtual GPU (virtio-gpu)"
#define PVGPU_DRIVER_MAJOR	0		/* Mesa's Venus requires 0 */
#define PVGPU_DRIVER_MINOR	1
#define PVGPU_DRIVER_PATCHLEVEL	0

#define PVGPU_MAX_CAPSET_ID	63		/* capset ids are bits of a u64 */
#define PVGPU_MAX_RINGS		64		/* VIRTGPU_CONTEXT_PARAM_NUM_RINGS */
#define PVGPU_MAX_CTX_PARAMS	4		/* distinct CONTEXT_INIT params */
#define PVGPU_DEBUG_NAME_LEN	64		/* virtio_gpu_ctx_create.debug_name */

/*
 * How long the driver waits for an answer of the host before it calls it
 * dead (module parameter host_timeout_ms, default 20 s: a TCG guest on a
 * loaded machine can take seconds to map a blob).
 */
extern unsigned int pvgpu_host_timeout_ms;
#define PVGPU_HOST_TIMEOUT	msecs_to_jiffies(READ_ONCE(pvgpu_host_timeout_ms))
/* VIRTGPU_WAIT without NOWAIT, as upstream: 15 s, then -EBUSY. */
#define PVGPU_WAIT_IOCTL_TIMEOUT	(15 * HZ)

struct drm_edid;
struct drm_framebuffer;
struct pvgpu_bo;
struct pvgpu_device;
struct pvgpu_fence;
struct pvgpu_vbuf;

/* ---- pvgpu_stats.c ---------------------------------------------------- */

/**
 * enum pvgpu_stat - per-CPU event counters, one debugfs line each
 * @PVGPU_STAT_CMDS_QUEUED: commands added to a virtqueue
 * @PVGPU_STAT_KICKS: notifications sent to the device
 * @PVGPU_STAT_FENCES_EMITTED: fences given a seqno and queued
 * @PVGPU_STAT_FENCES_SIGNALED: fences signalled (also with an error)
 * @PVGPU_STAT_POLL_SPINS: iterations of the pre-sleep busy-poll
 * @PVGPU_STAT_BARRIERS: memory barriers the virtqueue code issued for us
 * @PVGPU_STAT_SPACE_WAITS: times a submitter slept for ring space
 * @PVGPU_STAT_HOST_ERRORS: responses with a VIRTIO_GPU_RESP_ERR_* type
 * @PVGPU_STAT_COUNT: number of counters
 */
enum pvgpu_stat {
	PVGPU_STAT_CMDS_QUEUED,
	PVGPU_STAT_KICKS,
	PVGPU_STAT_FENCES_EMITTED,
	PVGPU_STAT_FENCES_SIGNALED,
	PVGPU_STAT_POLL_SPINS,
	PVGPU_STAT_BARRIERS,
	PVGPU_STAT_SPACE_WAITS,
	PVGPU_STAT_HOST_ERRORS,
	PVGPU_STAT_COUNT
};

struct pvgpu_stats_cpu {
	u64 c[PVGPU_STAT_COUNT];
};

/**
 * struct pvgpu_stats - per-CPU counters; no shared cache line on the hot path
 * @cpu: one slot per possible CPU, updated with this_cpu_*() operations
 */
struct pvgpu_stats {
	struct pvgpu_stats_cpu __percpu *cpu;
};

static inline void pvgpu_stat_add(struct pvgpu_stats *s, enum pvgpu_stat i, u64 n)
{
	/* this_cpu_add() is safe against preemption and interrupts. */
	this_cpu_add(s->cpu->c[i], n);
}

static inline void pvgpu_stat_inc(struct pvgpu_stats *s, enum pvgpu_stat i)
{
	this_cpu_inc(s->cpu->c[i]);
}

int pvgpu_stats_init(struct pvgpu_stats *s);
void pvgpu_stats_fini(struct pvgpu_stats *s);
u64 pvgpu_stats_read(struct pvgpu_stats *s, enum pvgpu_stat i);
const char *pvgpu_stat_name(enum pvgpu_stat i);
void pvgpu_stats_debugfs_init(struct pvgpu_device *pvdev);

/* ---- pvgpu_debugfs.c -------------------------------------------------- */

void pvgpu_debugfs_init(struct pvgpu_device *pvdev);

/* ---- pvgpu_cmd.c ------------------------------------------------------ */

/**
 * struct pvgpu_capset - one GET_CAPSET_INFO answer
 * @id: capset id (VIRTIO_GPU_CAPSET_*)
 * @max_version: highest version the host serves
 * @max_size: size in bytes of the capset at any version
 */
struct pvgpu_capset {
	u32 id;
	u32 max_version;
	u32 max_size;
};

/**
 * struct pvgpu_capset_cache - capsets fetched from the host, kept until unbind
 * @lock: protects @entries and the @valid flag of each entry
 * @entries: list of struct pvgpu_capset_entry
 */
struct pvgpu_capset_cache {
	struct mutex lock;
	struct list_head entries;
};

struct pvgpu_capset_entry {
	struct list_head node;
	u32 id;
	u32 version;
	u32 size;
	u8 data[];
};

void pvgpu_encode_hdr(struct virtio_gpu_ctrl_hdr *hdr, u32 type, u32 ctx_id);
void pvgpu_encode_ctx_create(struct virtio_gpu_ctx_create *c, u32 ctx_id,
			     u32 context_init, const char *name, size_t len);
void pvgpu_encode_submit(struct virtio_gpu_cmd_submit *c, u32 ctx_id,
			 u32 size);
void pvgpu_encode_create_blob(struct virtio_gpu_resource_create_blob *c,
			      u32 ctx_id, u32 res_id, u32 blob_mem,
			      u32 blob_flags, u64 blob_id, u64 size,
			      u32 nr_entries);
void pvgpu_encode_map_blob(struct virtio_gpu_resource_map_blob *c,
			   u32 ctx_id, u32 res_id, u64 offset);
void pvgpu_encode_transfer_3d(struct virtio_gpu_transfer_host_3d *c, u32 type,
			      u32 ctx_id, u32 res_id,
			      const struct drm_virtgpu_3d_box *box, u32 level,
			      u32 stride, u32 layer_stride, u64 offset);
int pvgpu_capset_find(const struct pvgpu_capset *caps, u32 num, u32 id,
		      u32 version);
u64 pvgpu_capset_mask(const struct pvgpu_capset *caps, u32 num);
void pvgpu_capset_cache_init(struct pvgpu_capset_cache *cache);
void pvgpu_capset_cache_fini(struct pvgpu_capset_cache *cache);
struct pvgpu_capset_entry *
pvgpu_capset_cache_lookup(struct pvgpu_capset_cache *cache, u32 id,
			  u32 version);
struct pvgpu_capset_entry *
pvgpu_capset_cache_insert(struct pvgpu_capset_cache *cache, u32 id,
			  u32 version, const void *data, u32 size);

void pvgpu_encode_create_2d(struct virtio_gpu_resource_create_2d *c,
			    u32 res_id, u32 format, u32 width, u32 height);
void pvgpu_encode_set_scanout(struct virtio_gpu_set_scanout *c, u32 scanout,
			      u32 res_id, const struct virtio_gpu_rect *r);
void pvgpu_encode_set_scanout_blob(struct virtio_gpu_set_scanout_blob *c,
				   u32 scanout, u32 res_id, u32 format,
				   u32 width, u32 height, const u32 *strides,
				   const u32 *offsets,
				   const struct virtio_gpu_rect *r);
void pvgpu_encode_flush(struct virtio_gpu_resource_flush *c, u32 res_id,
			const struct virtio_gpu_rect *r);
void pvgpu_encode_transfer_2d(struct virtio_gpu_transfer_to_host_2d *c,
			      u32 res_id, const struct virtio_gpu_rect *r,
			      u64 offset);
void pvgpu_encode_cursor(struct virtio_gpu_update_cursor *c, u32 type,
			 u32 scanout, s32 x, s32 y, u32 res_id, u32 hot_x,
			 u32 hot_y);

int pvgpu_cmd_get_display_info(struct pvgpu_device *pvdev,
			       struct virtio_gpu_resp_display_info *out);
int pvgpu_cmd_get_edid(struct pvgpu_device *pvdev, u32 scanout,
		       struct virtio_gpu_resp_edid *out);
int pvgpu_cmd_set_scanout(struct pvgpu_device *pvdev, u32 scanout,
			  struct pvgpu_bo *bo, struct drm_framebuffer *fb,
			  const struct virtio_gpu_rect *r);
int pvgpu_cmd_transfer_2d(struct pvgpu_device *pvdev, struct pvgpu_bo *bo,
			  const struct virtio_gpu_rect *r, u64 offset,
			  bool wait);
int pvgpu_cmd_flush(struct pvgpu_device *pvdev, u32 res_id,
		    const struct virtio_gpu_rect *r);
int pvgpu_cmd_cursor(struct pvgpu_device *pvdev, u32 type, u32 scanout,
		     s32 x, s32 y, u32 res_id, u32 hot_x, u32 hot_y);
int pvgpu_cmd_get_capset_infos(struct pvgpu_device *pvdev);
int pvgpu_cmd_get_capset(struct pvgpu_device *pvdev, int index, u32 version,
			 struct pvgpu_capset_entry **out);
int pvgpu_cmd_ctx_create(struct pvgpu_device *pvdev, u32 ctx_id,
			 u32 context_init, const char *name, size_t len);
int pvgpu_cmd_ctx_destroy(struct pvgpu_device *pvdev, u32 ctx_id);
int pvgpu_cmd_ctx_resource(struct pvgpu_device *pvdev, u32 type, u32 ctx_id,
			   u32 res_id);
int pvgpu_cmd_submit(struct pvgpu_device *pvdev, u32 ctx_id, void *stream,
		     u32 size, struct pvgpu_fence *fence,
		     struct drm_gem_object **objs, u32 num_objs,
		     struct ww_acquire_ctx *ticket);

/* ---- pvgpu_vq.c ------------------------------------------------------- */

/**
 * struct pvgpu_vq - one virtqueue and what serialises access to it
 * @vq: the virtqueue
 * @lock: protects every virtqueue_*() call on @vq (the virtqueue API needs
 *	  its callers serialised); taken from the interrupt callback too
 * @space_wq: submitters waiting for free descriptors
 * @stalled: a wait for descriptors timed out and no answer came since
 * @pvdev: owning device
 */
struct pvgpu_vq {
	struct virtqueue *vq;
	spinlock_t lock;
	wait_queue_head_t space_wq;
	bool stalled;
	struct pvgpu_device *pvdev;
};

typedef void (*pvgpu_resp_fn)(struct pvgpu_device *pvdev,
			      struct pvgpu_vbuf *vbuf);

/**
 * struct pvgpu_vbuf - one command in flight, with its response buffer
 * @node: on pvgpu_device.done_list once the device returned it
 * @refs: the ring holds one reference, a synchronous waiter another
 * @cmd: command (points into @inline_buf)
 * @cmd_size: bytes of @cmd
 * @data_size: bytes of @data
 * @data: optional second out-buffer (command stream, memory entries), owned
 * @resp: response buffer (points into @inline_buf)
 * @resp_size: bytes of @resp
 * @num_objs: entries in @objs
 * @fence: fence to signal on response, or NULL; a reference is held
 * @objs: GEM objects kept alive until the response
 * @ticket: when set, the resvs of @objs are locked with it: the queueing
 *	    code adds @fence to them and unlocks them
 * @data_sgt: page list of @data when it is vmalloc memory
 * @resp_cb: called in interrupt context when the response arrives
 * @release_cb: called in process context before the buffer is freed
 * @priv: payload for the callbacks
 * @done: completed when the response arrived (or the device went away)
 * @error: 0, the errno of a RESP_ERR_* answer, -ENODEV when never answered
 * @inline_buf: command, then response (8-byte aligned)
 */
struct pvgpu_vbuf {
	struct list_head node;
	refcount_t refs;
	void *cmd;
	u32 cmd_size;
	u32 data_size;
	void *data;
	void *resp;
	u32 resp_size;
	u32 num_objs;
	struct pvgpu_fence *fence;
	struct drm_gem_object **objs;
	struct ww_acquire_ctx *ticket;
	struct sg_table *data_sgt;
	pvgpu_resp_fn resp_cb;
	pvgpu_resp_fn release_cb;
	void *priv;
	struct completion done;
	int error;
	u8 inline_buf[] __aligned(8);
};

/**
 * struct pvgpu_poll_ops - the two probes the fence-on-progress poll uses
 * @done: plain load of the waited-for condition
 * @reap: consume used buffers; a plain load of the used index when nothing
 *	  moved, barriers only when it did; returns the buffers consumed
 */
struct pvgpu_poll_ops {
	bool (*done)(void *arg);
	unsigned int (*reap)(void *arg);
};

struct pvgpu_vbuf *pvgpu_vbuf_alloc(u32 cmd_size, u32 resp_size, gfp_t gfp);
void pvgpu_vbuf_put(struct pvgpu_device *pvdev, struct pvgpu_vbuf *vbuf);
int pvgpu_vq_queue(struct pvgpu_vq *q, struct pvgpu_vbuf *vbuf);
void pvgpu_vq_kick(struct pvgpu_vq *q);
int pvgpu_vq_queue_panic(struct pvgpu_vq *q, struct pvgpu_vbuf *vbuf);
void pvgpu_vq_kick_panic(struct pvgpu_vq *q);
int pvgpu_vq_send_sync(struct pvgpu_vq *q, struct pvgpu_vbuf *vbuf);
unsigned int pvgpu_vq_reap(struct pvgpu_vq *q);
void pvgpu_vq_callback(struct virtqueue *vq);
void pvgpu_vq_done_work(struct work_struct *work);
void pvgpu_vq_drain(struct pvgpu_device *pvdev, struct pvgpu_vq *q);
bool pvgpu_poll(const struct pvgpu_poll_ops *ops, void *arg, u64 budget_ns,
		struct pvgpu_stats *stats);
int pvgpu_resp_to_errno(u32 type);

/* ---- pvgpu_fence.c ---------------------------------------------------- */

/**
 * struct pvgpu_fence_drv - fences in flight on one device
 * @lock: the dma_fence lock of every fence, and protects @pending and @seq
 * @pending: emitted, unsignalled fences in emission (= ring) order
 * @seq: last seqno/fence_id handed out; one counter for every timeline, so
 *	 ids grow per (context, ring) as the host requires
 * @stats: counters of the owning device (may be NULL in tests)
 * @q: queue a waiter may poll before it sleeps (NULL: never poll)
 */
struct pvgpu_fence_drv {
	spinlock_t lock;
	struct pvgpu_vq *q;
	struct list_head pending;
	u64 seq;
	struct pvgpu_stats *stats;
};

/**
 * struct pvgpu_fence - a fence on one (file, ring) timeline
 * @base: the dma_fence; base.context names the (file, ring) timeline
 * @node: on pvgpu_fence_drv.pending while emitted and unsignalled
 * @drv: the fence driver (outlives the fence while the device is bound)
 * @ring_idx: ring of the context, sent with VIRTIO_GPU_FLAG_INFO_RING_IDX
 * @use_ring: whether the command carries INFO_RING_IDX
 * @event: DRM event sent on signal for rings in the poll mask, or NULL
 */
struct pvgpu_fence {
	struct dma_fence base;
	struct list_head node;
	struct pvgpu_fence_drv *drv;
	u32 ring_idx;
	bool use_ring;
	struct pvgpu_fence_event *event;
};

/**
 * struct pvgpu_fence_event - VIRTGPU_EVENT_FENCE_SIGNALED for a poll ring
 * @base: the pending DRM event (its file_priv is cleared when the file
 *	  closes, hence @dev)
 * @event: what read() returns
 * @dev: DRM device the event was reserved on
 */
struct pvgpu_fence_event {
	struct drm_pending_event base;
	struct drm_event event;
	struct drm_device *dev;
};

void pvgpu_fence_drv_init(struct pvgpu_fence_drv *drv,
			  struct pvgpu_stats *stats);
struct pvgpu_fence *pvgpu_fence_alloc(struct pvgpu_fence_drv *drv,
				      u64 context, u32 ring_idx,
				      bool use_ring);
void pvgpu_fence_emit(struct pvgpu_fence_drv *drv, struct pvgpu_fence *f,
		      struct virtio_gpu_ctrl_hdr *hdr);
void pvgpu_fence_cancel(struct pvgpu_fence_drv *drv, struct pvgpu_fence *f,
			int error);
void pvgpu_fence_complete(struct pvgpu_fence_drv *drv, struct pvgpu_fence *f,
			  int error);
void pvgpu_fence_fail_all(struct pvgpu_fence_drv *drv, int error);
int pvgpu_fence_wait(struct dma_fence *f, bool intr, long timeout);
bool pvgpu_is_fence(struct dma_fence *f);
extern unsigned int pvgpu_poll_us;

/* ---- pvgpu_gem.c ------------------------------------------------------ */

enum pvgpu_map_state {
	PVGPU_MAP_NONE,		/* not mappable or not yet asked */
	PVGPU_MAP_PENDING,	/* MAP_BLOB sent, no answer yet */
	PVGPU_MAP_OK,
	PVGPU_MAP_FAILED,
};

/**
 * struct pvgpu_bo - a resource and its GEM object
 * @shmem: GEM object; the shmem part is used only for guest-backed blobs
 *	   and classic resources, host-only blobs use @shmem.base alone
 * @res_id: host resource id
 * @blob_mem: VIRTGPU_BLOB_MEM_* or 0 for a classic resource
 * @blob_flags: VIRTGPU_BLOB_FLAG_USE_*
 * @guest_backed: pages come from shmem and were attached to the host
 * @host_visible: host memory, mapped through the shared-memory region
 * @created: the host knows @res_id (an unref is owed on free)
 * @node: range of the shared-memory region (under pvgpu_device.hvr_lock)
 * @map_state: enum pvgpu_map_state, written from the response callback
 * @map_info: VIRTIO_GPU_MAP_CACHE_* the host returned
 * @sgt: DMA mapping of the backing pages when the DMA API is in use
 * @uuid: RESOURCE_ASSIGN_UUID answer for CROSS_DEVICE blobs
 * @dumb: a 2D resource (MODE_CREATE_DUMB, or RESOURCE_CREATE on a 2D-only
 *	  device): the host copies it from the guest pages on
 *	  TRANSFER_TO_HOST_2D
 * @format: VIRTIO_GPU_FORMAT_* of a 2D resource
 * @width: width in pixels of a 2D resource
 * @height: height in pixels of a 2D resource
 */
struct pvgpu_bo {
	struct drm_gem_shmem_object shmem;
	u32 res_id;
	u32 blob_mem;
	u32 blob_flags;
	bool guest_backed;
	bool host_visible;
	bool created;
	struct drm_mm_node node;
	int map_state;
	u32 map_info;
	struct sg_table *sgt;
	u8 uuid[16];
	bool dumb;
	u32 format;
	u32 width;
	u32 height;
};

static inline struct pvgpu_bo *to_pvgpu_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct pvgpu_bo, shmem.base);
}

/**
 * struct pvgpu_id_alloc - ids that are not reused right away
 * @ida: ids in use
 * @lock: protects @next
 * @next: where the next search starts
 * @max: largest id handed out
 */
struct pvgpu_id_alloc {
	struct ida ida;
	spinlock_t lock;
	u32 next;
	u32 max;
};

void pvgpu_id_init(struct pvgpu_id_alloc *a, u32 max);
void pvgpu_id_fini(struct pvgpu_id_alloc *a);
int pvgpu_id_get(struct pvgpu_id_alloc *a, u32 *id);
void pvgpu_id_put(struct pvgpu_id_alloc *a, u32 id);

struct drm_gem_object *pvgpu_gem_create_object(struct drm_device *dev,
					       size_t size);
int pvgpu_bo_create_blob(struct pvgpu_device *pvdev, struct drm_file *file,
			 const struct drm_virtgpu_resource_create_blob *args,
			 struct pvgpu_bo **out);
int pvgpu_bo_create_3d(struct pvgpu_device *pvdev, struct drm_file *file,
		       const struct drm_virtgpu_resource_create *args,
		       struct pvgpu_bo **out);
int pvgpu_bo_create_2d(struct pvgpu_device *pvdev, u32 format, u32 width,
		       u32 height, size_t size, struct pvgpu_bo **out);
int pvgpu_mode_dumb_create(struct drm_file *file, struct drm_device *dev,
			   struct drm_mode_create_dumb *args);
bool pvgpu_is_bo(struct drm_gem_object *obj);
struct drm_gem_object *pvgpu_gem_prime_import(struct drm_device *dev,
					      struct dma_buf *buf);
int pvgpu_gem_map_offset(struct drm_file *file, u32 handle, u64 *offset);
void *pvgpu_memdup_user(u64 uptr, size_t size);
int pvgpu_gem_lookup_array(struct drm_file *file, const u32 *handles,
			   u32 num, struct drm_gem_object ***out);
void pvgpu_gem_put_array(struct drm_gem_object **objs, u32 num);
int pvgpu_vbuf_hold(struct pvgpu_vbuf *vbuf, struct drm_gem_object *obj);

/* ---- pvgpu_ioctl.c ---------------------------------------------------- */

/**
 * struct pvgpu_file - per-open-file state
 * @ctx_lock: protects the context fields below (creation happens once)
 * @ctx_created: CTX_CREATE was sent; CONTEXT_INIT now fails with -EEXIST
 * @ctx_id: host context id, allocated at open
 * @capset_id: VIRTGPU_CONTEXT_PARAM_CAPSET_ID, 0 when not given
 * @num_rings: VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 0 when not given
 * @poll_mask: rings whose fences send VIRTGPU_EVENT_FENCE_SIGNALED
 * @ring_ctx: first of @num_rings dma_fence contexts, one per ring
 * @default_ctx: dma_fence context of submissions without RING_IDX
 * @explicit_name: @debug_name came from VIRTGPU_CONTEXT_PARAM_DEBUG_NAME
 * @debug_name: context name given to the host
 */
struct pvgpu_file {
	struct mutex ctx_lock;
	bool ctx_created;
	u32 ctx_id;
	u32 capset_id;
	u32 num_rings;
	u64 poll_mask;
	u64 ring_ctx;
	u64 default_ctx;
	bool explicit_name;
	char debug_name[PVGPU_DEBUG_NAME_LEN];
};

/**
 * struct pvgpu_ctx_params - CONTEXT_INIT parameters after validation
 * @capset_id: 0 or an advertised capset id
 * @num_rings: 0..PVGPU_MAX_RINGS
 * @poll_mask: subset of the rings
 * @name_ptr: user address of the debug name
 * @has_rings: NUM_RINGS was given (even as 0)
 * @has_name: DEBUG_NAME was given (a NULL @name_ptr then faults)
 */
struct pvgpu_ctx_params {
	u32 capset_id;
	u32 num_rings;
	u64 poll_mask;
	u64 name_ptr;
	bool has_rings;
	bool has_name;
};

/* ioctls 0x40 + DRM_VIRTGPU_MAP (0x01) .. DRM_VIRTGPU_CONTEXT_INIT (0x0b) */
#define PVGPU_NUM_IOCTLS	(DRM_VIRTGPU_CONTEXT_INIT + 1)
extern const struct drm_ioctl_desc pvgpu_ioctls[PVGPU_NUM_IOCTLS];
int pvgpu_driver_open(struct drm_device *dev, struct drm_file *file);
void pvgpu_driver_postclose(struct drm_device *dev, struct drm_file *file);
int pvgpu_getparam_value(struct pvgpu_device *pvdev, u64 param, int *value);
int pvgpu_check_ctx_params(const struct drm_virtgpu_context_set_param *p,
			   u32 num, u64 capset_mask,
			   struct pvgpu_ctx_params *out);
int pvgpu_check_blob_args(const struct drm_virtgpu_resource_create_blob *a,
			  bool has_blob, bool has_3d, bool has_uuid);
int pvgpu_file_ensure_context(struct pvgpu_device *pvdev,
			      struct pvgpu_file *pvfile);

/* ---- pvgpu_submit.c --------------------------------------------------- */

int pvgpu_check_execbuffer(const struct drm_virtgpu_execbuffer *exbuf,
			   u32 num_rings, bool ring_ctx_ready);
int pvgpu_execbuffer_ioctl(struct drm_device *dev, void *data,
			   struct drm_file *file);

/* ---- pvgpu_display.c / pvgpu_plane.c ---------------------------------- */

#define PVGPU_MAX_SCANOUTS	VIRTIO_GPU_MAX_SCANOUTS	/* 16 */
#define PVGPU_XRES_MIN		32	/* upstream's XRES_MIN/YRES_MIN */
#define PVGPU_XRES_MAX		8192
#define PVGPU_XRES_DEF		1024	/* mode preferred without display info */
#define PVGPU_YRES_DEF		768
#define PVGPU_CURSOR_SIZE	64	/* the device's cursor: 64x64 ARGB8888 */

/**
 * struct pvgpu_output - one scanout: its CRTC, planes, encoder, connector
 * @crtc: the CRTC
 * @primary: primary plane
 * @cursor: cursor plane
 * @encoder: the (virtual) encoder
 * @connector: the Virtual connector
 * @index: scanout id on the wire
 * @info: last GET_DISPLAY_INFO entry for this scanout (under
 *	  pvgpu_device.display_lock)
 * @edid: last GET_EDID answer, or NULL (under pvgpu_device.display_lock)
 * @vblank_timer: the simulated vblank (upstream vkms' idiom)
 * @period_ns: frame duration of the current mode
 * @vblank_on: the timer may re-arm itself; cleared by disable_vblank
 *	       (the timer cannot be cancelled synchronously there)
 */
struct pvgpu_output {
	struct drm_crtc crtc;
	struct drm_plane *primary;
	struct drm_plane *cursor;
	struct drm_encoder encoder;
	struct drm_connector connector;
	u32 index;
	struct virtio_gpu_display_one info;
	const struct drm_edid *edid;
	struct hrtimer vblank_timer;
	ktime_t period_ns;
	bool vblank_on;
};

static inline struct pvgpu_output *crtc_to_output(struct drm_crtc *crtc)
{
	return container_of(crtc, struct pvgpu_output, crtc);
}

static inline struct pvgpu_output *
connector_to_output(struct drm_connector *connector)
{
	return container_of(connector, struct pvgpu_output, connector);
}

int pvgpu_display_init(struct pvgpu_device *pvdev);

/* ---- pvgpu_panic.c ---------------------------------------------------- */

struct drm_scanout_buffer;
struct pvgpu_panic;
struct pvgpu_panic *pvgpu_panic_alloc(struct pvgpu_device *pvdev);
int pvgpu_panic_scanout_buffer(struct drm_plane *plane,
			       struct drm_scanout_buffer *sb);
void pvgpu_panic_show(struct pvgpu_device *pvdev, struct pvgpu_panic *panic,
		      struct drm_framebuffer *fb);
void pvgpu_display_fini(struct pvgpu_device *pvdev);
void pvgpu_display_refresh(struct pvgpu_device *pvdev, bool notify);
u32 pvgpu_format_to_virtio(u32 drm_format);
int pvgpu_mode_check(u32 width, u32 height);
const struct drm_edid *pvgpu_edid_parse(const struct virtio_gpu_resp_edid *resp);
void pvgpu_display_info_mode(const struct virtio_gpu_display_one *info,
			     u32 *width, u32 *height);
struct drm_plane *pvgpu_plane_create(struct pvgpu_device *pvdev,
				     enum drm_plane_type type, u32 index);
bool pvgpu_plane_damage(const struct drm_plane_state *old,
			struct drm_plane_state *new, bool full,
			struct drm_rect *rect);
int pvgpu_cursor_check_size(const struct drm_framebuffer *fb);
extern const u32 pvgpu_primary_formats[];
extern const unsigned int pvgpu_num_primary_formats;

/* ---- pvgpu_drv.c ------------------------------------------------------ */

/**
 * struct pvgpu_device - one bound virtio-gpu device
 * @drm: the DRM device (devm-managed on the virtio device)
 * @vdev: the virtio device
 * @ctrlq: control queue
 * @cursorq: cursor queue (UPDATE_CURSOR / MOVE_CURSOR)
 * @stats: per-CPU counters
 * @fence_drv: fences in flight
 * @done_lock: protects @done_list
 * @done_list: answered buffers waiting for process-context release
 * @done_work: releases them
 * @has_virgl_3d: VIRTIO_GPU_F_VIRGL negotiated
 * @has_edid: VIRTIO_GPU_F_EDID negotiated
 * @has_resource_uuid: VIRTIO_GPU_F_RESOURCE_UUID negotiated
 * @has_resource_blob: VIRTIO_GPU_F_RESOURCE_BLOB negotiated
 * @has_context_init: VIRTIO_GPU_F_CONTEXT_INIT negotiated
 * @has_host_visible: shared-memory region 1 found and reserved
 * @dma_direct: the device uses guest-physical addresses (no DMA API)
 * @num_capsets: entries in @capsets (config space)
 * @capset_mask: bit per capset id the host serves
 * @capsets: GET_CAPSET_INFO answers
 * @capset_cache: capsets fetched so far
 * @num_scanouts: from config space (at most PVGPU_MAX_SCANOUTS used)
 * @has_modeset: KMS registered (scanouts present, modeset not disabled)
 * @display_lock: protects the @info and @edid of every output
 * @outputs: @num_scanouts outputs (drmm-managed), NULL without KMS
 * @hvr_addr: guest-physical start of the host-visible region
 * @hvr_len: its length in bytes
 * @hvr_lock: protects @hvr_mm
 * @hvr_mm: allocator over the region
 * @map_wq: woken when a MAP_BLOB answer arrives
 * @res_ids: resource ids
 * @ctx_ids: context ids
 * @config_work: handles config-change (display) events
 */
struct pvgpu_device {
	struct drm_device drm;
	struct virtio_device *vdev;
	struct pvgpu_vq ctrlq;
	struct pvgpu_vq cursorq;
	struct pvgpu_stats stats;
	struct pvgpu_fence_drv fence_drv;

	spinlock_t done_lock;
	struct list_head done_list;
	struct work_struct done_work;

	bool has_virgl_3d;
	bool has_edid;
	bool has_resource_uuid;
	bool has_resource_blob;
	bool has_context_init;
	bool has_host_visible;
	bool dma_direct;

	u32 num_capsets;
	u64 capset_mask;
	struct pvgpu_capset *capsets;
	struct pvgpu_capset_cache capset_cache;

	u32 num_scanouts;
	bool has_modeset;
	struct mutex display_lock;
	struct pvgpu_output *outputs;

	u64 hvr_addr;
	u64 hvr_len;
	spinlock_t hvr_lock;
	struct drm_mm hvr_mm;
	wait_queue_head_t map_wq;

	struct pvgpu_id_alloc res_ids;
	struct pvgpu_id_alloc ctx_ids;

	struct work_struct config_work;
};

static inline struct pvgpu_device *to_pvgpu(struct drm_device *dev)
{
	return container_of(dev, struct pvgpu_device, drm);
}

#if IS_ENABLED(CONFIG_KUNIT)
struct pvgpu_device *pvgpu_kunit_device(void);
#endif

#endif /* PVGPU_DRV_H */
