/*
 * VkDevice and VkQueue: the renderer-side device and its queues. Commands go through the instance
 * ring for now; per-queue ring timelines (ring_idx) come with queue submission.
 * Behaviour follows Mesa src/virtio/vulkan/vn_device.c; the code is pvk's own.
 */
#include "pvk_instance.h"
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_device.h"
#include "venus-protocol/vn_protocol_driver_queue.h"

/* extensions pvk implements itself: never enabled on the renderer-side device (the external memory
 * ones are enabled there too: the renderer's memory is what is shared) */
static bool
pvk_is_native_device_extension(const char *name)
{
   return !strcmp(name, "VK_EXT_physical_device_drm") || !strcmp(name, "VK_EXT_tooling_info") ||
          !strcmp(name, "VK_EXT_pci_bus_info") || !strcmp(name, "VK_KHR_swapchain") ||
          !strcmp(name, "VK_KHR_external_fence_fd") || !strcmp(name, "VK_KHR_external_semaphore_fd");
}

/*
 * vkCreateDevice (spec "Devices"). Errors: VK_ERROR_EXTENSION_NOT_PRESENT for an extension pvk does
 * not offer, VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_DEVICE_LOST, or the renderer's own error.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateDevice(VkPhysicalDevice physicalDevice, const VkDeviceCreateInfo *pCreateInfo,
                 const VkAllocationCallbacks *pAllocator, VkDevice *pDevice)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   struct pvk_instance *instance = pdev->instance;
   VkResult result;
   uint32_t q = 0;

   const char **host_exts = calloc(PVK_MAX(pCreateInfo->enabledExtensionCount, 1), sizeof(*host_exts));
   if (!host_exts)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   uint32_t host_ext_count = 0;
   for (uint32_t i = 0; i < pCreateInfo->enabledExtensionCount; i++) {
      const char *name = pCreateInfo->ppEnabledExtensionNames[i];
      const int32_t index = pvk_device_extension_index(name);
      if (index < 0 || !pdev->supported_extensions[index]) {
         free(host_exts);
         return pvk_error(VK_ERROR_EXTENSION_NOT_PRESENT);
      }
      if (!pvk_is_native_device_extension(name))
         host_exts[host_ext_count++] = name;
   }

   uint32_t queue_count = 0;
   for (uint32_t i = 0; i < pCreateInfo->queueCreateInfoCount; i++)
      queue_count += pCreateInfo->pQueueCreateInfos[i].queueCount;

   struct pvk_device *dev = pvk_zalloc(pAllocator ? pAllocator : &instance->alloc, sizeof(*dev),
                                       VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   struct pvk_queue *queues = calloc(PVK_MAX(queue_count, 1), sizeof(*queues));
   if (!dev || !queues) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail;
   }
   pvk_object_base_init(&dev->base, VK_OBJECT_TYPE_DEVICE);
   dev->alloc = pAllocator ? *pAllocator : instance->alloc;
   dev->instance = instance;
   dev->physical_device = pdev;
   dev->ring = instance->ring;

   VkDeviceCreateInfo host_info = *pCreateInfo;
   host_info.enabledExtensionCount = host_ext_count;
   host_info.ppEnabledExtensionNames = host_exts;
   host_info.enabledLayerCount = 0;
   host_info.ppEnabledLayerNames = NULL;
   VkDevice handle = pvk_device_to_handle(dev);
   PVK_CALL(dev->ring, result, vkCreateDevice, physicalDevice, &host_info, NULL, &handle);
   if (result != VK_SUCCESS)
      goto fail;

   /* bind the renderer's queues to pvk's ids; asynchronous, the next call orders after it */
   q = 0;
   for (uint32_t i = 0; i < pCreateInfo->queueCreateInfoCount; i++) {
      const VkDeviceQueueCreateInfo *qi = &pCreateInfo->pQueueCreateInfos[i];
      for (uint32_t j = 0; j < qi->queueCount; j++, q++) {
         struct pvk_queue *queue = &queues[q];
         pvk_object_base_init(&queue->base, VK_OBJECT_TYPE_QUEUE);
         queue->device = dev;
         queue->family = qi->queueFamilyIndex;
         queue->index = j;
         queue->flags = qi->flags;
         /* each queue signals on its own renderer timeline */
         queue->ring_idx = pvk_instance_acquire_ring_idx(instance);
         if (!queue->ring_idx) {
            pvk_log("no free renderer timeline for queue %u of family %u", j, qi->queueFamilyIndex);
            result = VK_ERROR_INITIALIZATION_FAILED;
            goto fail_queues;
         }
         const VkDeviceQueueTimelineInfoMESA timeline = {
            .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_TIMELINE_INFO_MESA,
            .ringIdx = queue->ring_idx,
         };
         const VkDeviceQueueInfo2 info = {
            .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_INFO_2,
            .pNext = &timeline,
            .flags = qi->flags,
            .queueFamilyIndex = qi->queueFamilyIndex,
            .queueIndex = j,
         };
         VkQueue queue_handle = pvk_queue_to_handle(queue);
         vn_async_vkGetDeviceQueue2(dev->ring, handle, &info, &queue_handle);
      }
   }
   dev->queues = queues;
   dev->queue_count = queue_count;
   free(host_exts);
   *pDevice = handle;
   return VK_SUCCESS;

fail_queues:
   for (uint32_t i = 0; i < q; i++)
      pvk_instance_release_ring_idx(instance, queues[i].ring_idx);
   vn_async_vkDestroyDevice(dev->ring, handle, NULL);
fail:
   free(queues);
   pvk_free(pAllocator ? pAllocator : &instance->alloc, dev);
   free(host_exts);
   return pvk_error(result);
}

/* vkDestroyDevice (spec "Devices"): asynchronous on the renderer; frees the queues' timelines. */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyDevice(VkDevice _device, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   if (!dev)
      return;
   (void)pAllocator;
   pvk_sync_fd_device_fini(dev);
   pvk_feedback_fini(dev);
   /* asynchronous: nothing to wait for, the ring orders later commands after it */
   vn_async_vkDestroyDevice(dev->ring, _device, NULL);
   for (uint32_t i = 0; i < dev->queue_count; i++)
      pvk_instance_release_ring_idx(dev->instance, dev->queues[i].ring_idx);
   free(dev->queues);
   const VkAllocationCallbacks alloc = dev->alloc;
   pvk_free(&alloc, dev);
}

/* vkGetDeviceQueue2 (spec "Queues"): the queue made at vkCreateDevice; VK_NULL_HANDLE if none matches. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetDeviceQueue2(VkDevice _device, const VkDeviceQueueInfo2 *pQueueInfo, VkQueue *pQueue)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   *pQueue = VK_NULL_HANDLE;
   for (uint32_t i = 0; i < dev->queue_count; i++) {
      struct pvk_queue *queue = &dev->queues[i];
      if (queue->family == pQueueInfo->queueFamilyIndex && queue->index == pQueueInfo->queueIndex &&
          queue->flags == pQueueInfo->flags) {
         *pQueue = pvk_queue_to_handle(queue);
         return;
      }
   }
}

/* vkGetDeviceQueue: vkGetDeviceQueue2 with no flags. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetDeviceQueue(VkDevice device, uint32_t queueFamilyIndex, uint32_t queueIndex, VkQueue *pQueue)
{
   const VkDeviceQueueInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_INFO_2,
      .queueFamilyIndex = queueFamilyIndex,
      .queueIndex = queueIndex,
   };
   pvk_GetDeviceQueue2(device, &info, pQueue);
}

/*
 * vkDeviceWaitIdle: the renderer refuses a blocking vkDeviceWaitIdle on its ring (vkr: "CS error"),
 * so each queue is waited for through a fence (pvk_queue.c); the last wait is also a round trip
 * for every command sent before. Errors: VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_DeviceWaitIdle(VkDevice _device)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   if (!dev->queue_count)
      return pvk_error(pvk_ring_roundtrip(dev->ring));
   for (uint32_t i = 0; i < dev->queue_count; i++) {
      const VkResult result = pvk_queue_wait_idle(&dev->queues[i]);
      if (result != VK_SUCCESS)
         return pvk_error(result);
   }
   return VK_SUCCESS;
}
