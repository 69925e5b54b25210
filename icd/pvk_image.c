/*
 * VkImage, VkImageView, VkSampler and VkSamplerYcbcrConversion (spec "Resource Creation",
 * "Samplers"). Image creation is synchronous so that the renderer's errors (an unsupported
 * combination of format, usage and flags) reach the caller; views, samplers and binding are
 * asynchronous. Behaviour follows Mesa src/virtio/vulkan/vn_image.c; the code is pvk's own.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_image.h"
#include "venus-protocol/vn_protocol_driver_image_view.h"
#include "venus-protocol/vn_protocol_driver_sampler.h"
#include "venus-protocol/vn_protocol_driver_sampler_ycbcr_conversion.h"

/* vkCreateImage (spec "Images"). Errors: VK_ERROR_OUT_OF_HOST_MEMORY, the renderer's own error. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateImage(VkDevice _device, const VkImageCreateInfo *pCreateInfo, const VkAllocationCallbacks *pAllocator,
                VkImage *pImage)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_image *image = pvk_object_zalloc(dev, pAllocator, sizeof(*image), VK_OBJECT_TYPE_IMAGE);
   if (!image)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   VkImage handle = pvk_image_to_handle(image);
   VkResult result;
   PVK_CALL(dev->ring, result, vkCreateImage, _device, pCreateInfo, NULL, &handle);
   if (result != VK_SUCCESS) {
      pvk_free(pvk_device_alloc(dev, pAllocator), image);
      return pvk_error(result);
   }
   *pImage = handle;
   return VK_SUCCESS;
}

/* vkDestroyImage */
PVK_DEFINE_ASYNC_DESTROY(image, VkImage, Image)

/* vkGetImageMemoryRequirements{,2}, vkGetDeviceImageMemoryRequirements, vkBindImageMemory{,2} */
PVK_DEFINE_MEMORY_REQUIREMENTS_AND_BIND(Image, image, VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2,
                                        VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_INFO)

/* vkGetImageSubresourceLayout: one round trip; a zero layout if the renderer is lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetImageSubresourceLayout(VkDevice _device, VkImage image, const VkImageSubresource *pSubresource,
                              VkSubresourceLayout *pLayout)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_VOID(dev->ring, result, vkGetImageSubresourceLayout, _device, image, pSubresource, pLayout);
   if (result != VK_SUCCESS)
      memset(pLayout, 0, sizeof(*pLayout));
}

/* vkImageView, vkSampler, vkSamplerYcbcrConversion: asynchronous create and destroy */
PVK_DEFINE_ASYNC_OBJECT(image_view, VkImageView, ImageView, VkImageViewCreateInfo, VK_OBJECT_TYPE_IMAGE_VIEW)
PVK_DEFINE_ASYNC_OBJECT(sampler, VkSampler, Sampler, VkSamplerCreateInfo, VK_OBJECT_TYPE_SAMPLER)
PVK_DEFINE_ASYNC_OBJECT(sampler_ycbcr_conversion, VkSamplerYcbcrConversion, SamplerYcbcrConversion,
                        VkSamplerYcbcrConversionCreateInfo, VK_OBJECT_TYPE_SAMPLER_YCBCR_CONVERSION)

/* vkGetImageSparseMemoryRequirements2: one round trip; no requirements if the renderer is lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetImageSparseMemoryRequirements2(VkDevice _device, const VkImageSparseMemoryRequirementsInfo2 *pInfo,
                                      uint32_t *pCount, VkSparseImageMemoryRequirements2 *pReqs)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_ARRAY_VOID(dev->ring, result, *pCount, pReqs, vkGetImageSparseMemoryRequirements2, _device, pInfo,
                       pCount, pReqs);
   if (result != VK_SUCCESS)
      *pCount = 0;
}

VKAPI_ATTR void VKAPI_CALL
pvk_GetImageSparseMemoryRequirements(VkDevice _device, VkImage image, uint32_t *pCount,
                                     VkSparseImageMemoryRequirements *pReqs)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_ARRAY_VOID(dev->ring, result, *pCount, pReqs, vkGetImageSparseMemoryRequirements, _device, image,
                       pCount, pReqs);
   if (result != VK_SUCCESS)
      *pCount = 0;
}

/* vkGetDeviceImageSparseMemoryRequirements (1.3): no image object needed. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetDeviceImageSparseMemoryRequirements(VkDevice _device, const VkDeviceImageMemoryRequirements *pInfo,
                                           uint32_t *pCount, VkSparseImageMemoryRequirements2 *pReqs)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_ARRAY_VOID(dev->ring, result, *pCount, pReqs, vkGetDeviceImageSparseMemoryRequirements, _device,
                       pInfo, pCount, pReqs);
   if (result != VK_SUCCESS)
      *pCount = 0;
}

/* vkGetImageSubresourceLayout2 (VK_KHR_maintenance5): one round trip; a zero layout if lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetImageSubresourceLayout2(VkDevice _device, VkImage image, const VkImageSubresource2 *pSubresource,
                               VkSubresourceLayout2 *pLayout)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_CHAIN_VOID(dev->ring, result, pLayout, VkSubresourceLayout2KHR, vkGetImageSubresourceLayout2KHR,
                       _device, image, pSubresource, pLayout);
   if (result != VK_SUCCESS)
      memset(&pLayout->subresourceLayout, 0, sizeof(pLayout->subresourceLayout));
}

/* vkGetDeviceImageSubresourceLayout (VK_KHR_maintenance5): no image object needed. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetDeviceImageSubresourceLayout(VkDevice _device, const VkDeviceImageSubresourceInfo *pInfo,
                                    VkSubresourceLayout2 *pLayout)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_CHAIN_VOID(dev->ring, result, pLayout, VkSubresourceLayout2KHR, vkGetDeviceImageSubresourceLayoutKHR,
                       _device, pInfo, pLayout);
   if (result != VK_SUCCESS)
      memset(&pLayout->subresourceLayout, 0, sizeof(pLayout->subresourceLayout));
}
