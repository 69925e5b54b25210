/*
 * VkImage, as far as the physical-device level needs it: vulkaninfo (and applications choosing a
 * memory type) create images only to ask their memory requirements. Creation is synchronous for
 * now so that the renderer's errors reach the caller; binding memory arrives with device memory.
 */
#include "pvk_instance.h"

#include "venus-protocol/vn_protocol_driver_image.h"

struct pvk_image {
   struct pvk_object_base base;
};
PVK_DEFINE_HANDLE_CASTS(pvk_image, base, VkImage, VK_OBJECT_TYPE_IMAGE)

/* vkCreateImage (spec "Images"). Errors: VK_ERROR_OUT_OF_HOST_MEMORY, the renderer's own error. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateImage(VkDevice _device, const VkImageCreateInfo *pCreateInfo, const VkAllocationCallbacks *pAllocator,
                VkImage *pImage)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_image *image =
      pvk_zalloc(pAllocator ? pAllocator : &dev->alloc, sizeof(*image), VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!image)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   pvk_object_base_init(&image->base, VK_OBJECT_TYPE_IMAGE);
   VkImage handle = pvk_image_to_handle(image);
   VkResult result;
   PVK_CALL(dev->ring, result, vkCreateImage, _device, pCreateInfo, NULL, &handle);
   if (result != VK_SUCCESS) {
      pvk_free(pAllocator ? pAllocator : &dev->alloc, image);
      return pvk_error(result);
   }
   *pImage = handle;
   return VK_SUCCESS;
}

/* vkDestroyImage: asynchronous on the renderer. */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyImage(VkDevice _device, VkImage _image, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_image *image = pvk_image_from_handle(_image);
   if (!image)
      return;
   vn_async_vkDestroyImage(dev->ring, _device, _image, NULL);
   pvk_free(pAllocator ? pAllocator : &dev->alloc, image);
}

/* vkGetImageMemoryRequirements2: one round trip; zero requirements if the renderer is lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetImageMemoryRequirements2(VkDevice _device, const VkImageMemoryRequirementsInfo2 *pInfo,
                                VkMemoryRequirements2 *pReqs)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_CHAIN_VOID(dev->ring, result, pReqs, VkMemoryRequirements2, vkGetImageMemoryRequirements2, _device,
                       pInfo, pReqs);
   if (result != VK_SUCCESS)
      memset(&pReqs->memoryRequirements, 0, sizeof(pReqs->memoryRequirements));
}

/* vkGetImageMemoryRequirements: vkGetImageMemoryRequirements2 without a chain. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetImageMemoryRequirements(VkDevice device, VkImage image, VkMemoryRequirements *pReqs)
{
   const VkImageMemoryRequirementsInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2,
      .image = image,
   };
   VkMemoryRequirements2 reqs = { .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2 };
   pvk_GetImageMemoryRequirements2(device, &info, &reqs);
   *pReqs = reqs.memoryRequirements;
}

/* vkGetDeviceImageMemoryRequirements (1.3 / VK_KHR_maintenance4): no image object needed */
VKAPI_ATTR void VKAPI_CALL
pvk_GetDeviceImageMemoryRequirements(VkDevice _device, const VkDeviceImageMemoryRequirements *pInfo,
                                     VkMemoryRequirements2 *pReqs)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_CHAIN_VOID(dev->ring, result, pReqs, VkMemoryRequirements2, vkGetDeviceImageMemoryRequirements,
                       _device, pInfo, pReqs);
   if (result != VK_SUCCESS)
      memset(&pReqs->memoryRequirements, 0, sizeof(pReqs->memoryRequirements));
}
