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

/* vkGetBufferMemoryRequirements{,2}, vkGetDeviceBufferMemoryRequirements, vkBindBufferMemory{,2} */
PVK_DEFINE_MEMORY_REQUIREMENTS_AND_BIND(Buffer, buffer, VK_STRUCTURE_TYPE_BUFFER_MEMORY_REQUIREMENTS_INFO_2,
                                        VK_STRUCTURE_TYPE_BIND_BUFFER_MEMORY_INFO)

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
