/*
 * VkDeviceMemory (spec "Device Memory"). The renderer allocates the memory; the first vkMapMemory of
 * host-visible memory creates a blob resource whose blob id is the memory's Venus object id (the
 * renderer exports its VkDeviceMemory behind it) and maps it into the process, until vkFreeMemory.
 * Memory never mapped never becomes a blob: on hosts where every memory type is host-visible
 * (lavapipe) that keeps images and device-local buffers out of the guest's address space, and each
 * blob mapping changes the VM's memory map. The mapping is the host's memory itself, so flushes
 * and invalidations have nothing to move.
 * External memory (VK_KHR_external_memory_fd, VK_EXT_external_memory_dma_buf; virtgpu only): an
 * exportable allocation is made on the renderer with a dma-buf export type and gets a shareable blob
 * at once; vkGetMemoryFdKHR hands out a dma-buf of that blob (PRIME). An import turns the dma-buf back
 * into the blob (PRIME), and the renderer allocates from the blob's resource
 * (VkImportMemoryResourceInfoMESA). Behaviour follows Mesa src/virtio/vulkan/vn_device_memory.c
 * (vn_MapMemory, vn_device_memory_bo_init, vn_device_memory_import_dma_buf, vn_GetMemoryFdKHR);
 * the code is pvk's own.
 */
#include <pthread.h>
#include <unistd.h>

#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_device.h"
#include "venus-protocol/vn_protocol_driver_device_memory.h"
#include "venus-protocol/vn_protocol_driver_transport.h"

/* The memory type's property flags, or 0 for an index the physical device does not have. */
static VkMemoryPropertyFlags
pvk_memory_type_flags(const struct pvk_device *dev, uint32_t index)
{
   const VkPhysicalDeviceMemoryProperties *props = &dev->physical_device->memory_properties;
   return index < props->memoryTypeCount ? props->memoryTypes[index].propertyFlags : 0;
}

/*
 * Make the renderer's ring wait until the virtqueue has carried everything sent through it so far:
 * resources created or attached by the kernel (a dma-buf import) reach the renderer that way, and
 * a ring command naming one before that would be fatal for the context. Asynchronous: the ring
 * orders every later command after the wait. Mesa vn_ring.c vn_ring_submit_roundtrip.
 */
static VkResult
pvk_device_memory_sync_virtqueue(struct pvk_device *dev)
{
   /* one counter for every ring: each ring sees increasing values (it waits for >=) */
   static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
   static uint64_t next_seqno = 1;
   uint32_t data[8];
   struct vn_cs_encoder enc;
   vn_cs_encoder_init_ptr(&enc, data, sizeof(data));
   pthread_mutex_lock(&mutex);
   const uint64_t seqno = next_seqno++;
   vn_encode_vkSubmitVirtqueueSeqnoMESA(&enc, 0, dev->ring->id, seqno);
   const VkResult result = pvk_renderer_submit(dev->instance->renderer, data, vn_cs_encoder_get_len(&enc));
   pthread_mutex_unlock(&mutex);
   if (result != VK_SUCCESS)
      return result;
   vn_async_vkWaitVirtqueueSeqnoMESA(dev->ring, seqno);
   return VK_SUCCESS;
}

/*
 * The allocation chain the renderer gets: the structs it knows, with an import replaced by the
 * blob's resource id and an export asking for the handle type the renderer shares (dma-buf)
 * whatever the application asked for. Mesa vn_device_memory_fix_alloc_info.
 */
struct pvk_memory_alloc_chain {
   VkMemoryAllocateInfo info;
   VkImportMemoryResourceInfoMESA resource;
   VkExportMemoryAllocateInfo export_info;
   VkMemoryAllocateFlagsInfo flags;
   VkMemoryDedicatedAllocateInfo dedicated;
   VkMemoryOpaqueCaptureAddressAllocateInfo capture;
};

static const VkMemoryAllocateInfo *
pvk_memory_alloc_chain_init(struct pvk_memory_alloc_chain *c, const VkMemoryAllocateInfo *info, uint32_t import_res_id,
                            VkExternalMemoryHandleTypeFlags export_type)
{
   c->info = *info;
   VkBaseOutStructure *tail = (VkBaseOutStructure *)&c->info;
   if (import_res_id) {
      c->resource = (VkImportMemoryResourceInfoMESA){
         .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_RESOURCE_INFO_MESA,
         .resourceId = import_res_id,
      };
      tail->pNext = (VkBaseOutStructure *)&c->resource;
      tail = tail->pNext;
   }
   if (export_type) {
      c->export_info = (VkExportMemoryAllocateInfo){
         .sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
         .handleTypes = export_type,
      };
      tail->pNext = (VkBaseOutStructure *)&c->export_info;
      tail = tail->pNext;
   }
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      VkBaseOutStructure *copy = NULL;
      switch (s->sType) {
      case VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO:
         c->flags = *(const VkMemoryAllocateFlagsInfo *)s;
         copy = (VkBaseOutStructure *)&c->flags;
         break;
      case VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO:
         c->dedicated = *(const VkMemoryDedicatedAllocateInfo *)s;
         copy = (VkBaseOutStructure *)&c->dedicated;
         break;
      case VK_STRUCTURE_TYPE_MEMORY_OPAQUE_CAPTURE_ADDRESS_ALLOCATE_INFO:
         c->capture = *(const VkMemoryOpaqueCaptureAddressAllocateInfo *)s;
         copy = (VkBaseOutStructure *)&c->capture;
         break;
      default:
         /* import/export structs are rebuilt above; nothing else reaches the renderer */
         break;
      }
      if (copy) {
         tail->pNext = copy;
         tail = copy;
      }
   }
   tail->pNext = NULL;
   return &c->info;
}

/*
 * vkAllocateMemory: one round trip (the renderer's VK_ERROR_OUT_OF_DEVICE_MEMORY must reach the
 * caller). With VkExportMemoryAllocateInfo (opaque fd or dma-buf) the memory also gets a shareable
 * blob; with VkImportMemoryFdInfoKHR the dma-buf's blob backs it, and the fd is closed on success
 * (the spec gives its ownership to the implementation). Errors: VK_ERROR_OUT_OF_HOST_MEMORY,
 * VK_ERROR_OUT_OF_DEVICE_MEMORY, VK_ERROR_INVALID_EXTERNAL_HANDLE (a handle type or fd pvk cannot
 * import, or a buffer smaller than allocationSize), VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_AllocateMemory(VkDevice _device, const VkMemoryAllocateInfo *pAllocateInfo,
                   const VkAllocationCallbacks *pAllocator, VkDeviceMemory *pMemory)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_renderer *renderer = dev->instance->renderer;
   const VkExternalMemoryHandleTypeFlags external_types = dev->physical_device->external_memory_types;
   const VkImportMemoryFdInfoKHR *import = NULL;
   VkExternalMemoryHandleTypeFlags export_types = 0;
   VkResult result;

   for (const VkBaseInStructure *s = pAllocateInfo->pNext; s; s = s->pNext) {
      switch (s->sType) {
      case VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR:
         import = (const VkImportMemoryFdInfoKHR *)s;
         /* handleType 0: no import (spec "VkImportMemoryFdInfoKHR") */
         if (!import->handleType)
            import = NULL;
         else if (!(import->handleType & external_types) || import->fd < 0)
            return pvk_error(VK_ERROR_INVALID_EXTERNAL_HANDLE);
         break;
      case VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO:
         export_types = ((const VkExportMemoryAllocateInfo *)s)->handleTypes;
         break;
      case VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT:
         /* VK_EXT_external_memory_host is not offered */
         pvk_log("vkAllocateMemory: host-pointer import is not supported");
         return pvk_error(VK_ERROR_INVALID_EXTERNAL_HANDLE);
      default:
         break;
      }
   }
   if (export_types & ~external_types)
      return pvk_error(VK_ERROR_INVALID_EXTERNAL_HANDLE);

   struct pvk_device_memory *mem =
      pvk_object_zalloc(dev, pAllocator, sizeof(*mem), VK_OBJECT_TYPE_DEVICE_MEMORY);
   if (!mem)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   mem->size = pAllocateInfo->allocationSize;
   mem->type_index = pAllocateInfo->memoryTypeIndex;
   mem->flags = pvk_memory_type_flags(dev, pAllocateInfo->memoryTypeIndex);

   struct pvk_memory_alloc_chain chain;
   const VkMemoryAllocateInfo *info = pAllocateInfo;
   if (import) {
      result = renderer->ops->blob_import_fd(renderer, import->fd, &mem->blob);
      if (result != VK_SUCCESS)
         goto fail;
      if (mem->blob.size < mem->size) {
         pvk_log("vkAllocateMemory: imported dma-buf has %zu bytes, %llu asked", mem->blob.size,
                 (unsigned long long)mem->size);
         result = VK_ERROR_INVALID_EXTERNAL_HANDLE;
         goto fail;
      }
      /* an import can be exported again (exportFromImportedHandleTypes) */
      mem->exportable = true;
      result = pvk_device_memory_sync_virtqueue(dev);
      if (result != VK_SUCCESS)
         goto fail;
      info = pvk_memory_alloc_chain_init(&chain, pAllocateInfo, mem->blob.res_id, 0);
   } else if (export_types) {
      info = pvk_memory_alloc_chain_init(&chain, pAllocateInfo, 0,
                                         dev->physical_device->external_memory_renderer_type);
   }

   VkDeviceMemory handle = pvk_device_memory_to_handle(mem);
   PVK_CALL(dev->ring, result, vkAllocateMemory, _device, info, NULL, &handle);
   if (result != VK_SUCCESS)
      goto fail;

   if (export_types && !import) {
      /* the blob exists from the start: the renderer exports the memory behind it */
      const uint32_t flags =
         PVK_BLOB_SHAREABLE | (mem->flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT ? PVK_BLOB_MAPPABLE : 0);
      result = renderer->ops->memory_blob_create(renderer, mem->base.id, mem->size, flags, &mem->blob);
      if (result != VK_SUCCESS) {
         pvk_log("vkAllocateMemory: no shareable blob for %llu bytes", (unsigned long long)mem->size);
         vn_async_vkFreeMemory(dev->ring, _device, handle, NULL);
         goto fail;
      }
      mem->exportable = true;
   }
   if (import)
      close(import->fd);
   *pMemory = handle;
   return VK_SUCCESS;

fail:
   pvk_renderer_shmem_destroy(renderer, &mem->blob);
   pvk_free(pvk_device_alloc(dev, pAllocator), mem);
   return pvk_error(result);
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
   /* exportable and imported memory have their blob already */
   if (!mem->blob.gem_handle) {
      VkResult result =
         renderer->ops->memory_blob_create(renderer, mem->base.id, mem->size, PVK_BLOB_MAPPABLE, &mem->blob);
      if (result != VK_SUCCESS) {
         pvk_log("vkMapMemory: no blob for %llu bytes of host-visible memory", (unsigned long long)mem->size);
         return result == VK_ERROR_DEVICE_LOST ? result : VK_ERROR_MEMORY_MAP_FAILED;
      }
   }
   if (renderer->ops->blob_map(renderer, &mem->blob) != VK_SUCCESS) {
      pvk_log("vkMapMemory: cannot map the blob of %llu bytes", (unsigned long long)mem->size);
      return VK_ERROR_MEMORY_MAP_FAILED;
   }
   return VK_SUCCESS;
}

/* vkFreeMemory: unmaps and drops the blob, then frees asynchronously on the renderer (which keeps
 * what it imported or exported alive as long as it needs it). */
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

/*
 * vkGetMemoryFdKHR (VK_KHR_external_memory_fd): a new dma-buf fd of the memory's blob (opaque fd
 * and dma-buf are the same thing here). Errors: VK_ERROR_TOO_MANY_OBJECTS (no fd left),
 * VK_ERROR_OUT_OF_HOST_MEMORY (memory not allocated for export: the spec forbids that call).
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetMemoryFdKHR(VkDevice _device, const VkMemoryGetFdInfoKHR *pGetFdInfo, int *pFd)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_device_memory *mem = pvk_device_memory_from_handle(pGetFdInfo->memory);
   struct pvk_renderer *renderer = dev->instance->renderer;
   *pFd = -1;
   if (!mem->exportable || !(pGetFdInfo->handleType & dev->physical_device->external_memory_types)) {
      pvk_log("vkGetMemoryFdKHR: memory %llu was not allocated for export", (unsigned long long)mem->base.id);
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   const VkResult result = renderer->ops->blob_export_fd(renderer, &mem->blob, pFd);
   return result == VK_SUCCESS ? VK_SUCCESS : pvk_error(VK_ERROR_TOO_MANY_OBJECTS);
}

/*
 * vkGetMemoryFdPropertiesKHR: the memory types a dma-buf can be imported as, asked from the renderer
 * for the buffer's resource (vkGetMemoryResourcePropertiesMESA). Errors:
 * VK_ERROR_INVALID_EXTERNAL_HANDLE (not a dma-buf, an opaque fd handle type, or not of this
 * device), VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetMemoryFdPropertiesKHR(VkDevice _device, VkExternalMemoryHandleTypeFlagBits handleType, int fd,
                             VkMemoryFdPropertiesKHR *pMemoryFdProperties)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_renderer *renderer = dev->instance->renderer;
   pMemoryFdProperties->memoryTypeBits = 0;
   /* spec: handleType must not be VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT */
   if (handleType != VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT ||
       !(handleType & dev->physical_device->external_memory_types))
      return pvk_error(VK_ERROR_INVALID_EXTERNAL_HANDLE);
   struct pvk_shmem blob = { 0 };
   VkResult result = renderer->ops->blob_import_fd(renderer, fd, &blob);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   result = pvk_device_memory_sync_virtqueue(dev);
   if (result == VK_SUCCESS) {
      VkMemoryResourcePropertiesMESA props = { .sType = VK_STRUCTURE_TYPE_MEMORY_RESOURCE_PROPERTIES_MESA };
      PVK_CALL_CHAIN(dev->ring, result, &props, VkMemoryResourcePropertiesMESA, vkGetMemoryResourcePropertiesMESA,
                     _device, blob.res_id, &props);
      if (result == VK_SUCCESS)
         pMemoryFdProperties->memoryTypeBits = props.memoryTypeBits;
   }
   /* after the reply: the renderer no longer needs the resource */
   pvk_renderer_shmem_destroy(renderer, &blob);
   return pvk_error(result);
}
