/*
 * VkBuffer and VkBufferView (spec "Resource Creation"). Creation and binding are asynchronous;
 * memory requirements and device addresses are one round trip each. Behaviour follows Mesa
 * src/virtio/vulkan/vn_buffer.c (without its requirement cache); the code is pvk's own.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_buffer.h"
#include "venus-protocol/vn_protocol_driver_buffer_view.h"

/* vkCreateBuffer / vkDestroyBuffer */
PVK_DEFINE_ASYNC_CREATE_DESTROY(buffer, VkBuffer, Buffer, VkBufferCreateInfo, VK_OBJECT_TYPE_BUFFER)

/* vkCreateBufferView / vkDestroyBufferView */
PVK_DEFINE_ASYNC_OBJECT(buffer_view, VkBufferView, BufferView, VkBufferViewCreateInfo,
                        VK_OBJECT_TYPE_BUFFER_VIEW)

/* vkGetBufferMemoryRequirements2: one round trip; zero requirements if the renderer is lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetBufferMemoryRequirements2(VkDevice _device, const VkBufferMemoryRequirementsInfo2 *pInfo,
                                 VkMemoryRequirements2 *pReqs)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_CHAIN_VOID(dev->ring, result, pReqs, VkMemoryRequirements2, vkGetBufferMemoryRequirements2, _device,
                       pInfo, pReqs);
   if (result != VK_SUCCESS)
      memset(&pReqs->memoryRequirements, 0, sizeof(pReqs->memoryRequirements));
}

VKAPI_ATTR void VKAPI_CALL
pvk_GetBufferMemoryRequirements(VkDevice device, VkBuffer buffer, VkMemoryRequirements *pReqs)
{
   const VkBufferMemoryRequirementsInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_REQUIREMENTS_INFO_2,
      .buffer = buffer,
   };
   VkMemoryRequirements2 reqs = { .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2 };
   pvk_GetBufferMemoryRequirements2(device, &info, &reqs);
   *pReqs = reqs.memoryRequirements;
}

/* vkGetDeviceBufferMemoryRequirements (1.3): no buffer object needed. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetDeviceBufferMemoryRequirements(VkDevice _device, const VkDeviceBufferMemoryRequirements *pInfo,
                                      VkMemoryRequirements2 *pReqs)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_CHAIN_VOID(dev->ring, result, pReqs, VkMemoryRequirements2, vkGetDeviceBufferMemoryRequirements,
                       _device, pInfo, pReqs);
   if (result != VK_SUCCESS)
      memset(&pReqs->memoryRequirements, 0, sizeof(pReqs->memoryRequirements));
}

/* vkBindBufferMemory2: asynchronous (the renderer's only failure is running out of memory). */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_BindBufferMemory2(VkDevice _device, uint32_t bindInfoCount, const VkBindBufferMemoryInfo *pBindInfos)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkBindBufferMemory2(dev->ring, _device, bindInfoCount, pBindInfos);
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_BindBufferMemory(VkDevice device, VkBuffer buffer, VkDeviceMemory memory, VkDeviceSize memoryOffset)
{
   const VkBindBufferMemoryInfo info = {
      .sType = VK_STRUCTURE_TYPE_BIND_BUFFER_MEMORY_INFO,
      .buffer = buffer,
      .memory = memory,
      .memoryOffset = memoryOffset,
   };
   return pvk_BindBufferMemory2(device, 1, &info);
}

/* vkGetBufferDeviceAddress (1.2): one round trip; 0 if the renderer is lost. */
VKAPI_ATTR VkDeviceAddress VKAPI_CALL
pvk_GetBufferDeviceAddress(VkDevice _device, const VkBufferDeviceAddressInfo *pInfo)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct vn_ring_submit_command submit;
   vn_submit_vkGetBufferDeviceAddress(dev->ring, VK_COMMAND_GENERATE_REPLY_BIT_EXT, _device, pInfo, &submit);
   struct vn_cs_decoder *dec = vn_ring_get_command_reply(dev->ring, &submit);
   if (!dec)
      return 0;
   const VkDeviceAddress address = vn_decode_vkGetBufferDeviceAddress_reply(dec, _device, pInfo);
   return pvk_ring_end_reply(dev->ring, &submit, VK_SUCCESS) == VK_SUCCESS ? address : 0;
}

/* vkGetBufferOpaqueCaptureAddress (1.2): one round trip; 0 if the renderer is lost. */
VKAPI_ATTR uint64_t VKAPI_CALL
pvk_GetBufferOpaqueCaptureAddress(VkDevice _device, const VkBufferDeviceAddressInfo *pInfo)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct vn_ring_submit_command submit;
   vn_submit_vkGetBufferOpaqueCaptureAddress(dev->ring, VK_COMMAND_GENERATE_REPLY_BIT_EXT, _device, pInfo,
                                             &submit);
   struct vn_cs_decoder *dec = vn_ring_get_command_reply(dev->ring, &submit);
   if (!dec)
      return 0;
   const uint64_t address = vn_decode_vkGetBufferOpaqueCaptureAddress_reply(dec, _device, pInfo);
   return pvk_ring_end_reply(dev->ring, &submit, VK_SUCCESS) == VK_SUCCESS ? address : 0;
}
