/*
 * The transport to the host renderer behind one ops table: vtest (pvk_renderer_vtest.c, a Unix socket
 * to virgl_test_server --venus) and virtgpu (pvk_renderer_virtgpu.c, a DRM render node). Everything
 * above this header — ring, encoder, Vulkan objects — is the same code for both.
 * Model: Mesa src/virtio/vulkan/vn_renderer.h (read for behaviour; this interface is pvk's own).
 */
#ifndef PVK_RENDERER_H
#define PVK_RENDERER_H

#include "pvk_private.h"

/* Venus capset (id 4, version 0): see venus_hw.h struct virgl_renderer_capset_venus. */
#define PVK_CAPSET_VENUS 4

struct pvk_capset_venus {
   uint32_t wire_format_version;
   uint32_t vk_xml_version;
   uint32_t vk_ext_command_serialization_spec_version;
   uint32_t vk_mesa_venus_protocol_spec_version;
   uint32_t supports_blob_id_0;
   uint32_t vk_extension_mask1[32];
   uint32_t allow_vk_wait_syncs;
   uint32_t supports_multiple_timelines;
   uint32_t use_guest_vram;
};

struct pvk_renderer_info {
   struct pvk_capset_venus capset;
   /* number of fence timelines (ring_idx values) the host offers, ring 0 included */
   uint32_t max_timeline_count;
   /* VK_EXT_physical_device_drm (virtgpu only) */
   bool has_primary, has_render;
   int64_t primary_major, primary_minor, render_major, render_minor;
   /* VK_EXT_pci_bus_info (virtgpu only) */
   bool has_pci_bus_info;
   VkPhysicalDevicePCIBusInfoPropertiesEXT pci_bus_info;
   /* blobs can be shared with other devices (VIRTGPU_PARAM_CROSS_DEVICE; virtgpu only) */
   bool supports_cross_device;
   const char *transport_name;
};

/* Host-shared memory the renderer can read and write (ring, reply and indirect streams). */
struct pvk_shmem {
   uint32_t res_id;     /* virtio-gpu resource id, as named in Venus commands */
   uint32_t gem_handle; /* virtgpu only (0: none) */
   void *ptr;           /* CPU mapping, size bytes (NULL: not mapped, see memory_blob_create) */
   size_t size;
};

/* memory_blob_create flags */
#define PVK_BLOB_MAPPABLE (1u << 0)  /* host-visible: can be mapped with blob_map */
#define PVK_BLOB_SHAREABLE (1u << 1) /* exportable as a dma-buf (blob_export_fd) */

struct pvk_renderer;

/*
 * One batch of Venus commands for a fence timeline. ring_idx 0 is the context's CPU timeline,
 * 1..max_timeline_count-1 the timelines bound to VkQueues (VkDeviceQueueTimelineInfoMESA).
 * cs_size may be 0 (a fence-only batch, see submit_fence).
 */
struct pvk_renderer_batch {
   const void *cs;
   size_t cs_size; /* bytes, a multiple of 4 */
   uint32_t ring_idx;
};

struct pvk_renderer_ops {
   void (*destroy)(struct pvk_renderer *renderer);
   /* Send a batch of Venus commands outside any Venus ring (vtest SUBMIT_CMD2, virtgpu EXECBUFFER).
    * Returns VK_ERROR_DEVICE_LOST when the host is gone. */
   VkResult (*submit)(struct pvk_renderer *renderer, const struct pvk_renderer_batch *batch);
   /* Allocate a mappable blob with blob id 0 (host-allocated shared memory), size rounded up to
    * the page size. */
   VkResult (*shmem_create)(struct pvk_renderer *renderer, size_t size, struct pvk_shmem *out);
   void (*shmem_destroy)(struct pvk_renderer *renderer, struct pvk_shmem *shmem);
   /* Create a blob backed by the renderer-side VkDeviceMemory whose Venus object id is memory_id
    * (size bytes, rounded up to the page size; flags PVK_BLOB_*), not mapped yet (blob_map).
    * Destroyed with shmem_destroy. NULL when the transport cannot share such memory (vtest: the host
    * exports it as a dma-buf, which needs udmabuf or a DRM device). Errors:
    * VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_ERROR_DEVICE_LOST. */
   VkResult (*memory_blob_create)(struct pvk_renderer *renderer, uint64_t memory_id, size_t size, uint32_t flags,
                                  struct pvk_shmem *out);
   /* Map a PVK_BLOB_MAPPABLE blob (from memory_blob_create or blob_import_fd) whole, if not yet:
    * sets blob->ptr. Non-NULL whenever memory_blob_create is. Errors: VK_ERROR_MEMORY_MAP_FAILED. */
   VkResult (*blob_map)(struct pvk_renderer *renderer, struct pvk_shmem *blob);

   /* ---- external memory and sync files: virtgpu only, NULL on vtest (its protocol passes no
    * dma-buf into the guest and has no fence fds) ---- */
   /* A new dma-buf fd (O_CLOEXEC | O_RDWR) for a PVK_BLOB_SHAREABLE blob (DRM PRIME). Errors:
    * VK_ERROR_TOO_MANY_OBJECTS (no fd), VK_ERROR_INVALID_EXTERNAL_HANDLE (not shareable). */
   VkResult (*blob_export_fd)(struct pvk_renderer *renderer, const struct pvk_shmem *blob, int *fd);
   /* The blob behind a dma-buf of this device (DRM PRIME; the fd stays the caller's): resource id
    * and size, unmapped. The same buffer imported twice shares one GEM handle, counted: each import
    * is released with shmem_destroy. Errors: VK_ERROR_INVALID_EXTERNAL_HANDLE (not a virtio-gpu
    * buffer of this device, or not a blob). */
   VkResult (*blob_import_fd)(struct pvk_renderer *renderer, int fd, struct pvk_shmem *out);
   /* Submit, on the batch's ring_idx, after in_fence_fd (a sync_file, -1 for none) signals; with
    * out_fence_fd, also return a sync_file that signals when the host retires the batch on that
    * timeline (for ring_idx > 0: after all work the renderer submitted before it to the VkQueue bound
    * to the timeline). Errors: VK_ERROR_TOO_MANY_OBJECTS (no fd), VK_ERROR_DEVICE_LOST. */
   VkResult (*submit_fence)(struct pvk_renderer *renderer, const struct pvk_renderer_batch *batch, int in_fence_fd,
                            int *out_fence_fd);
   /* Cheap liveness check of the transport itself (socket or device); false means lost. */
   bool (*is_alive)(struct pvk_renderer *renderer);
};

struct pvk_renderer {
   const struct pvk_renderer_ops *ops;
   struct pvk_renderer_info info;
};

/*
 * Connect to the host renderer and negotiate the Venus capset. With PVK_DEBUG=vtest only vtest is
 * tried; otherwise a virtio_gpu render node first, then vtest. Returns VK_ERROR_INITIALIZATION_FAILED
 * (with a log line saying why) when no renderer answers.
 */
VkResult pvk_renderer_create(struct pvk_renderer **out);
VkResult pvk_renderer_create_vtest(struct pvk_renderer **out);
VkResult pvk_renderer_create_virtgpu(struct pvk_renderer **out);

static inline void
pvk_renderer_destroy(struct pvk_renderer *r)
{
   r->ops->destroy(r);
}

/* Send Venus commands (size bytes) to the CPU timeline, outside any ring. */
static inline VkResult
pvk_renderer_submit(struct pvk_renderer *r, const void *cs, size_t size)
{
   const struct pvk_renderer_batch batch = { .cs = cs, .cs_size = size, .ring_idx = 0 };
   return r->ops->submit(r, &batch);
}

static inline VkResult
pvk_renderer_shmem_create(struct pvk_renderer *r, size_t size, struct pvk_shmem *out)
{
   return r->ops->shmem_create(r, size, out);
}

static inline void
pvk_renderer_shmem_destroy(struct pvk_renderer *r, struct pvk_shmem *shmem)
{
   if (shmem->ptr || shmem->gem_handle)
      r->ops->shmem_destroy(r, shmem);
   memset(shmem, 0, sizeof(*shmem));
}

/*
 * Check the capset against what the protocol headers pvk was built with (wire format version,
 * vk.xml version, extension spec versions) and clamp it. Returns VK_ERROR_INITIALIZATION_FAILED with
 * a clear log line on a mismatch. Follows Mesa vn_instance.c vn_instance_init_renderer().
 */
VkResult pvk_renderer_check_capset(struct pvk_renderer_info *info);

#endif /* PVK_RENDERER_H */
