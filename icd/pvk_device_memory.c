/*
 * VkDeviceMemory (spec "Device Memory"). The renderer allocates the memory; the first vkMapMemory of
 * host-visible memory creates a blob resource whose blob id is the memory's Venus object id (the
 * renderer exports its VkDeviceMemory behind it) and maps it into the process, until vkFreeMemory.
 * Memory never mapped never becomes a blob: on hosts where every memory type is host-visible
 * (lavapipe) that keeps images and device-local buffers out of the guest's address space, and each
 * blob mapping changes the VM's memory map. The mapping is the host's memory itself, so flushes
 * and invalidations have nothing to move. Behaviour follows Mesa src/virtio/vulkan/vn_device_memory.c
 * (vn_MapMemory, vn_device_memory_bo_init); the code is pvk's own.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_device.h"
#include "venus-protocol/vn_protocol_driver_device_memory.h"

/* The memory type's property flags, or 0 for an index the physical device does not have. */
static VkMemoryPropertyFlags
pvk_memory_type_flags(const struct pvk_device *dev, uint32_t index)
{
   const VkPhysicalDeviceMemoryProperties *props = &dev->physical_device->memory_properties;
   return index < props->memoryTypeCount ? props->memoryTypes[index].propertyFlags : 0;
}

/*
 * vkAllocateMemory: one round trip (the renderer's VK_ERROR_OUT_OF_DEVICE_MEMORY must reach the
 * caller). Errors: VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_OUT_OF_DEVICE_MEMORY,
 * VK_ERROR_INVALID_EXTERNAL_HANDLE (imports: not supported yet), VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_AllocateMemory(VkDevice _device, const VkMemoryAllocateInfo *pAllocateInfo,
                   const VkAllocationCallbacks *pAllocator, VkDeviceMemory *pMemory)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;

   for (const VkBaseInStructure *s = pAllocateInfo->pNext; s; s = s->pNext) {
      switch (s->sType) {
      case VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR:
      case VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT:
         /* pvk reports no external handle types yet (pvk_physical_device.c) */
         pvk_log("vkAllocateMemory: memory import is not supported yet");
         return pvk_error(VK_ERROR_INVALID_EXTERNAL_HANDLE);
      default:
         break;
      }
   }

   struct pvk_device_memory *mem =
      pvk_object_zalloc(dev, pAllocator, sizeof(*mem), VK_OBJECT_TYPE_DEVICE_MEMORY);
   if (!mem)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   mem->size = pAllocateInfo->allocationSize;
   mem->type_index = pAllocateInfo->memoryTypeIndex;
   mem->flags = pvk_memory_type_flags(dev, pAllocateInfo->memoryTypeIndex);

   VkDeviceMemory handle = pvk_device_memory_to_handle(mem);
   PVK_CALL(dev->ring, result, vkAllocateMemory, _device, pAllocateInfo, NULL, &handle);
   if (result != VK_SUCCESS) {
      pvk_free(pvk_device_alloc(dev, pAllocator), mem);
      return pvk_error(result);
   }
   *pMemory = handle;
   return VK_SUCCESS;
}

/* The blob behind host-visible memory, created and mapped on first use. */
static VkResult
pvk_device_memory_map_blob(struct pvk_device *dev, struct pvk_device_memory *mem)
{
   struct pvk_renderer *renderer = dev->instance->renderer;
   if (mem->blob.ptr)
      return VK_SUCCESS;
   if (!(mem->flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
      return VK_ERROR_MEMORY_MAP_FAILED;
   if (!renderer->ops->memory_blob_create) {
      pvk_log("vkMapMemory: the %s transport cannot share host-visible memory with the renderer",
              renderer->info.transport_name);
      return VK_ERROR_MEMORY_MAP_FAILED;
   }
   VkResult result = renderer->ops->memory_blob_create(renderer, mem->base.id, mem->size, false, &mem->blob);
   if (result != VK_SUCCESS) {
      pvk_log("vkMapMemory: no blob for %llu bytes of host-visible memory", (unsigned long long)mem->size);
      return result == VK_ERROR_DEVICE_LOST ? result : VK_ERROR_MEMORY_MAP_FAILED;
   }
   return VK_SUCCESS;
}

/* vkFreeMemory: unmaps and drops the blob, then frees asynchronously on the renderer. */
VKAPI_ATTR void VKAPI_CALL
pvk_FreeMemory(VkDevice _device, VkDeviceMemory _memory, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_device_memory *mem = pvk_device_memory_from_handle(_memory);
   if (!mem)
      return;
   pvk_renderer_shmem_destroy(dev->instance->renderer, &mem->blob);
   vn_async_vkFreeMemory(dev->ring, _device, _memory, NULL);
   pvk_free(pvk_device_alloc(dev, pAllocator), mem);
}

/*
 * vkMapMemory2KHR / vkMapMemory: a pointer into the memory's blob mapping (made by the first map,
 * kept until vkFreeMemory). Errors: VK_ERROR_MEMORY_MAP_FAILED for memory that is not host-visible,
 * a range outside it, or a transport that cannot share it (vtest on a host without udmabuf);
 * VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_MapMemory2(VkDevice _device, const VkMemoryMapInfo *pMemoryMapInfo, void **ppData)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_device_memory *mem = pvk_device_memory_from_handle(pMemoryMapInfo->memory);
   const VkDeviceSize offset = pMemoryMapInfo->offset;
   const VkDeviceSize size = pMemoryMapInfo->size;
   *ppData = NULL;
   if (offset >= mem->size || (size != VK_WHOLE_SIZE && size > mem->size - offset))
      return pvk_error(VK_ERROR_MEMORY_MAP_FAILED);
   const VkResult result = pvk_device_memory_map_blob(dev, mem);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   mem->mapped = true;
   *ppData = (uint8_t *)mem->blob.ptr + offset;
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_MapMemory(VkDevice device, VkDeviceMemory memory, VkDeviceSize offset, VkDeviceSize size,
              VkMemoryMapFlags flags, void **ppData)
{
   const VkMemoryMapInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_MAP_INFO,
      .flags = flags,
      .memory = memory,
      .offset = offset,
      .size = size,
   };
   return pvk_MapMemory2(device, &info, ppData);
}

/* vkUnmapMemory2KHR / vkUnmapMemory: the blob stays mapped until vkFreeMemory. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_UnmapMemory2(VkDevice device, const VkMemoryUnmapInfo *pMemoryUnmapInfo)
{
   struct pvk_device_memory *mem = pvk_device_memory_from_handle(pMemoryUnmapInfo->memory);
   mem->mapped = false;
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
pvk_UnmapMemory(VkDevice device, VkDeviceMemory memory)
{
   const VkMemoryUnmapInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_UNMAP_INFO,
      .memory = memory,
   };
   pvk_UnmapMemory2(device, &info);
}

/*
 * vkFlushMappedMemoryRanges / vkInvalidateMappedMemoryRanges: the mapping is the renderer's memory
 * (a shared blob, not a staging copy), so there is nothing to copy; the CPU caches are coherent on
 * the platforms pvk runs on (x86-64 guests; Mesa's vn_FlushMappedMemoryRanges likewise only flushes
 * a bo whose mapping is not coherent). The fences order the application's stores and loads.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_FlushMappedMemoryRanges(VkDevice device, uint32_t memoryRangeCount, const VkMappedMemoryRange *pMemoryRanges)
{
   atomic_thread_fence(memory_order_release);
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_InvalidateMappedMemoryRanges(VkDevice device, uint32_t memoryRangeCount,
                                 const VkMappedMemoryRange *pMemoryRanges)
{
   atomic_thread_fence(memory_order_acquire);
   return VK_SUCCESS;
}

/* vkGetDeviceMemoryCommitment: one round trip (lazily allocated memory only). */
VKAPI_ATTR void VKAPI_CALL
pvk_GetDeviceMemoryCommitment(VkDevice _device, VkDeviceMemory memory, VkDeviceSize *pCommittedMemoryInBytes)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_VOID(dev->ring, result, vkGetDeviceMemoryCommitment, _device, memory, pCommittedMemoryInBytes);
   if (result != VK_SUCCESS)
      *pCommittedMemoryInBytes = 0;
}

/* vkGetDeviceMemoryOpaqueCaptureAddress (1.2): one round trip; 0 if the renderer is lost. */
VKAPI_ATTR uint64_t VKAPI_CALL
pvk_GetDeviceMemoryOpaqueCaptureAddress(VkDevice _device, const VkDeviceMemoryOpaqueCaptureAddressInfo *pInfo)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct vn_ring_submit_command submit;
   vn_submit_vkGetDeviceMemoryOpaqueCaptureAddress(dev->ring, VK_COMMAND_GENERATE_REPLY_BIT_EXT, _device, pInfo,
                                                   &submit);
   struct vn_cs_decoder *dec = vn_ring_get_command_reply(dev->ring, &submit);
   if (!dec)
      return 0;
   const uint64_t address = vn_decode_vkGetDeviceMemoryOpaqueCaptureAddress_reply(dec, _device, pInfo);
   return pvk_ring_end_reply(dev->ring, &submit, VK_SUCCESS) == VK_SUCCESS ? address : 0;
}

/* vkGetDeviceGroupPeerMemoryFeatures (1.1): one round trip; no features if the renderer is lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetDeviceGroupPeerMemoryFeatures(VkDevice _device, uint32_t heapIndex, uint32_t localDeviceIndex,
                                     uint32_t remoteDeviceIndex, VkPeerMemoryFeatureFlags *pPeerMemoryFeatures)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_VOID(dev->ring, result, vkGetDeviceGroupPeerMemoryFeatures, _device, heapIndex, localDeviceIndex,
                 remoteDeviceIndex, pPeerMemoryFeatures);
   if (result != VK_SUCCESS)
      *pPeerMemoryFeatures = 0;
}
