/*
 * VkRenderPass and VkFramebuffer (spec "Render Pass"): asynchronous creation and destruction; the
 * render area granularity is one round trip. Behaviour follows Mesa src/virtio/vulkan/vn_render_pass.c;
 * the code is pvk's own.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_framebuffer.h"
#include "venus-protocol/vn_protocol_driver_render_pass.h"

struct pvk_render_pass {
   struct pvk_object_base base;
   /* per subpass: the views a query uses (pvk_query.c), from VkRenderPassMultiviewCreateInfo or
    * VkSubpassDescription2::viewMask */
   uint32_t subpass_count;
   uint32_t view_masks[];
};
PVK_DEFINE_HANDLE_CASTS(pvk_render_pass, base, VkRenderPass, VK_OBJECT_TYPE_RENDER_PASS)

uint32_t
pvk_render_pass_view_mask(VkRenderPass renderPass, uint32_t subpass)
{
   const struct pvk_render_pass *pass = pvk_render_pass_from_handle(renderPass);
   return pass && subpass < pass->subpass_count ? pass->view_masks[subpass] : 0;
}

static struct pvk_render_pass *
pvk_render_pass_alloc(struct pvk_device *dev, const VkAllocationCallbacks *pAllocator, uint32_t subpass_count)
{
   struct pvk_render_pass *pass =
      pvk_object_zalloc(dev, pAllocator, sizeof(*pass) + subpass_count * sizeof(pass->view_masks[0]),
                        VK_OBJECT_TYPE_RENDER_PASS);
   if (pass)
      pass->subpass_count = subpass_count;
   return pass;
}

/* vkCreateRenderPass: asynchronous. Errors: VK_ERROR_OUT_OF_HOST_MEMORY. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateRenderPass(VkDevice _device, const VkRenderPassCreateInfo *pCreateInfo,
                     const VkAllocationCallbacks *pAllocator, VkRenderPass *pRenderPass)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_render_pass *pass = pvk_render_pass_alloc(dev, pAllocator, pCreateInfo->subpassCount);
   if (!pass)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   for (const VkBaseInStructure *s = pCreateInfo->pNext; s; s = s->pNext) {
      if (s->sType != VK_STRUCTURE_TYPE_RENDER_PASS_MULTIVIEW_CREATE_INFO)
         continue;
      const VkRenderPassMultiviewCreateInfo *multiview = (const VkRenderPassMultiviewCreateInfo *)s;
      for (uint32_t i = 0; i < PVK_MIN(multiview->subpassCount, pass->subpass_count); i++)
         pass->view_masks[i] = multiview->pViewMasks[i];
   }
   VkRenderPass handle = pvk_render_pass_to_handle(pass);
   vn_async_vkCreateRenderPass(dev->ring, _device, pCreateInfo, NULL, &handle);
   *pRenderPass = handle;
   return VK_SUCCESS;
}

/* vkDestroyRenderPass */
PVK_DEFINE_ASYNC_DESTROY(render_pass, VkRenderPass, RenderPass)

/* vkCreateRenderPass2 (1.2): asynchronous. Errors: VK_ERROR_OUT_OF_HOST_MEMORY. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateRenderPass2(VkDevice _device, const VkRenderPassCreateInfo2 *pCreateInfo,
                      const VkAllocationCallbacks *pAllocator, VkRenderPass *pRenderPass)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_render_pass *pass = pvk_render_pass_alloc(dev, pAllocator, pCreateInfo->subpassCount);
   if (!pass)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   for (uint32_t i = 0; i < pCreateInfo->subpassCount; i++)
      pass->view_masks[i] = pCreateInfo->pSubpasses[i].viewMask;
   VkRenderPass handle = pvk_render_pass_to_handle(pass);
   vn_async_vkCreateRenderPass2(dev->ring, _device, pCreateInfo, NULL, &handle);
   *pRenderPass = handle;
   return VK_SUCCESS;
}

/* vkGetRenderAreaGranularity: one round trip; 1x1 if the renderer is lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetRenderAreaGranularity(VkDevice _device, VkRenderPass renderPass, VkExtent2D *pGranularity)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_VOID(dev->ring, result, vkGetRenderAreaGranularity, _device, renderPass, pGranularity);
   if (result != VK_SUCCESS)
      *pGranularity = (VkExtent2D){ 1, 1 };
}

struct pvk_framebuffer {
   struct pvk_object_base base;
};
PVK_DEFINE_HANDLE_CASTS(pvk_framebuffer, base, VkFramebuffer, VK_OBJECT_TYPE_FRAMEBUFFER)

/*
 * vkCreateFramebuffer: asynchronous. pAttachments is ignored for imageless framebuffers (spec
 * "VkFramebufferCreateInfo") and may dangle: not encoded then. Errors: VK_ERROR_OUT_OF_HOST_MEMORY.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateFramebuffer(VkDevice _device, const VkFramebufferCreateInfo *pCreateInfo,
                      const VkAllocationCallbacks *pAllocator, VkFramebuffer *pFramebuffer)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_framebuffer *fb = pvk_object_zalloc(dev, pAllocator, sizeof(*fb), VK_OBJECT_TYPE_FRAMEBUFFER);
   if (!fb)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   VkFramebufferCreateInfo info = *pCreateInfo;
   if (info.flags & VK_FRAMEBUFFER_CREATE_IMAGELESS_BIT)
      info.pAttachments = NULL;
   VkFramebuffer handle = pvk_framebuffer_to_handle(fb);
   vn_async_vkCreateFramebuffer(dev->ring, _device, &info, NULL, &handle);
   *pFramebuffer = handle;
   return VK_SUCCESS;
}

/* vkDestroyFramebuffer: asynchronous. */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyFramebuffer(VkDevice _device, VkFramebuffer framebuffer, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_framebuffer *fb = pvk_framebuffer_from_handle(framebuffer);
   if (!fb)
      return;
   vn_async_vkDestroyFramebuffer(dev->ring, _device, framebuffer, NULL);
   pvk_free(pvk_device_alloc(dev, pAllocator), fb);
}

/* vkGetRenderingAreaGranularity (VK_KHR_maintenance5): one round trip; 1x1 if the renderer is lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetRenderingAreaGranularity(VkDevice _device, const VkRenderingAreaInfo *pRenderingAreaInfo,
                                VkExtent2D *pGranularity)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_VOID(dev->ring, result, vkGetRenderingAreaGranularityKHR, _device, pRenderingAreaInfo, pGranularity);
   if (result != VK_SUCCESS)
      *pGranularity = (VkExtent2D){ 1, 1 };
}
