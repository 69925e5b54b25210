/*
 * Instance, physical device, device and queue objects.
 */
#ifndef PVK_INSTANCE_H
#define PVK_INSTANCE_H

#include <pthread.h>

#include "pvk_private.h"
#include "pvk_renderer.h"
#include "vn_ring.h"

struct pvk_physical_device;

struct pvk_instance {
   struct pvk_object_base base;
   VkAllocationCallbacks alloc;
   uint32_t api_version; /* what the application asked for (>= 1.0) */

   struct pvk_renderer *renderer;
   struct vn_ring *ring;
   /* instance version the renderer offers, capped by its vk.xml; version pvk asks it for */
   uint32_t renderer_version;
   uint32_t renderer_api_version;

   /* fence timelines (ring_idx) handed to queues; bit 0 is the CPU timeline, never handed out */
   pthread_mutex_t ring_idx_mutex;
   uint64_t ring_idx_used;

   /* physical devices, enumerated once under the mutex */
   pthread_mutex_t physical_device_mutex;
   bool physical_devices_enumerated;
   VkResult physical_device_result;
   uint32_t physical_device_count;
   struct pvk_physical_device *physical_devices;
   uint32_t group_count;
   VkPhysicalDeviceGroupProperties *groups;
};
PVK_DEFINE_HANDLE_CASTS(pvk_instance, base, VkInstance, VK_OBJECT_TYPE_INSTANCE)

/* An immutable copy of a feature or property struct, as the renderer answered (then adjusted). */
struct pvk_struct_copy {
   VkStructureType stype;
   uint32_t size;
   VkBaseOutStructure *data; /* size bytes, pNext cleared */
};

struct pvk_physical_device {
   struct pvk_object_base base;
   struct pvk_instance *instance;

   uint32_t renderer_version; /* device version used internally (capped) */
   /* extensions the renderer has and the protocol can carry, with their spec versions */
   bool renderer_extensions[PVK_DEVICE_EXTENSION_COUNT];
   uint32_t renderer_ext_spec[PVK_DEVICE_EXTENSION_COUNT];
   /* extensions advertised to the application */
   uint32_t extension_count;
   VkExtensionProperties *extensions;
   bool supported_extensions[PVK_DEVICE_EXTENSION_COUNT];

   /* cached queries: nothing below is asked twice */
   VkPhysicalDeviceProperties properties;
   VkPhysicalDeviceFeatures features;
   uint32_t feature_struct_count, property_struct_count;
   struct pvk_struct_copy *feature_structs, *property_structs;
   VkPhysicalDeviceMemoryProperties memory_properties;
   uint32_t queue_family_count;
   VkQueueFamilyProperties2 *queue_families;
   /* format properties, filled on first use (VK_FORMAT values < 2^31 in the core range only) */
   pthread_mutex_t format_mutex;
   struct pvk_format_cache *format_cache;
   /* lists asked once, on first use, under format_mutex (NULL: not asked yet) */
   uint32_t shading_rate_count, time_domain_count;
   VkPhysicalDeviceFragmentShadingRateKHR *shading_rates;
   VkTimeDomainKHR *time_domains;
   /* image format properties: a bounded cache, FIFO replacement, under format_mutex */
   struct pvk_image_format_cache *image_format_cache;
   /* external handles (virtgpu only): memory handle types the application may export and import
    * (the renderer always sees dma-bufs), and sync files for fences and binary semaphores */
   VkExternalMemoryHandleTypeFlags external_memory_types;
   /* the handle type the renderer's driver exports and imports its memory with (dma-buf) */
   VkExternalMemoryHandleTypeFlagBits external_memory_renderer_type;
   bool external_sync_fd;
};
PVK_DEFINE_HANDLE_CASTS(pvk_physical_device, base, VkPhysicalDevice, VK_OBJECT_TYPE_PHYSICAL_DEVICE)

struct pvk_queue {
   struct pvk_object_base base;
   struct pvk_device *device;
   uint32_t family;
   uint32_t index;
   VkDeviceQueueCreateFlags flags;
   /* the renderer timeline this queue's submissions signal on (1..max_timeline_count-1) */
   uint32_t ring_idx;
};
PVK_DEFINE_HANDLE_CASTS(pvk_queue, base, VkQueue, VK_OBJECT_TYPE_QUEUE)

struct pvk_device {
   struct pvk_object_base base;
   VkAllocationCallbacks alloc;
   struct pvk_instance *instance;
   struct pvk_physical_device *physical_device;
   struct vn_ring *ring;
   uint32_t queue_count;
   struct pvk_queue *queues;
   /* fence feedback memory (pvk_feedback.c), created on first use; failed: the transport has none */
   _Atomic(struct pvk_feedback *) feedback;
   atomic_bool feedback_failed;
};
PVK_DEFINE_HANDLE_CASTS(pvk_device, base, VkDevice, VK_OBJECT_TYPE_DEVICE)

/* pvk_instance.c: a free ring_idx (0 when all are taken), and giving it back */
uint32_t pvk_instance_acquire_ring_idx(struct pvk_instance *instance);
void pvk_instance_release_ring_idx(struct pvk_instance *instance, uint32_t ring_idx);

/* pvk_physical_device.c */
VkResult pvk_instance_enumerate_physical_devices(struct pvk_instance *instance);
void pvk_physical_device_fini(struct pvk_physical_device *pdev);

#endif /* PVK_INSTANCE_H */
