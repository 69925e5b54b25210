/*
 * Shader modules, pipeline layouts, pipeline caches and pipelines (spec "Shaders", "Pipelines",
 * "Pipeline Cache"). SPIR-V goes to the renderer as it is. Modules, layouts and caches are created
 * asynchronously; pipelines synchronously, because their creation can fail in ways the application
 * must see (VK_PIPELINE_COMPILE_REQUIRED, a shader the host driver rejects). Behaviour follows Mesa
 * src/virtio/vulkan/vn_pipeline.c (the ignored-state fix-ups); the code is pvk's own.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_pipeline.h"
#include "venus-protocol/vn_protocol_driver_pipeline_cache.h"
#include "venus-protocol/vn_protocol_driver_pipeline_layout.h"
#include "venus-protocol/vn_protocol_driver_shader_module.h"

PVK_DEFINE_ASYNC_OBJECT(shader_module, VkShaderModule, ShaderModule, VkShaderModuleCreateInfo,
                        VK_OBJECT_TYPE_SHADER_MODULE)
PVK_DEFINE_ASYNC_OBJECT(pipeline_layout, VkPipelineLayout, PipelineLayout, VkPipelineLayoutCreateInfo,
                        VK_OBJECT_TYPE_PIPELINE_LAYOUT)
PVK_DEFINE_ASYNC_OBJECT(pipeline_cache, VkPipelineCache, PipelineCache, VkPipelineCacheCreateInfo,
                        VK_OBJECT_TYPE_PIPELINE_CACHE)

/*
 * vkGetPipelineCacheData: one round trip for the size, and with pData one more for the bytes, into
 * a buffer of the renderer's size so that its answer can never overrun the caller's. Errors:
 * VK_INCOMPLETE, VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPipelineCacheData(VkDevice _device, VkPipelineCache pipelineCache, size_t *pDataSize, void *pData)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   size_t size = 0;
   PVK_CALL(dev->ring, result, vkGetPipelineCacheData, _device, pipelineCache, &size, NULL);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   if (!pData) {
      *pDataSize = size;
      return VK_SUCCESS;
   }
   void *data = malloc(PVK_MAX(size, 1));
   if (!data)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   size_t got = size;
   PVK_CALL(dev->ring, result, vkGetPipelineCacheData, _device, pipelineCache, &got, data);
   if (result == VK_SUCCESS || result == VK_INCOMPLETE) {
      got = PVK_MIN(got, size);
      const size_t n = PVK_MIN(got, *pDataSize);
      memcpy(pData, data, n);
      result = n < got ? VK_INCOMPLETE : VK_SUCCESS;
      *pDataSize = n;
   }
   free(data);
   return result == VK_INCOMPLETE ? result : pvk_error(result);
}

/* vkMergePipelineCaches: asynchronous. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_MergePipelineCaches(VkDevice _device, VkPipelineCache dstCache, uint32_t srcCacheCount,
                        const VkPipelineCache *pSrcCaches)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkMergePipelineCaches(dev->ring, _device, dstCache, srcCacheCount, pSrcCaches);
   return VK_SUCCESS;
}

struct pvk_pipeline {
   struct pvk_object_base base;
};
PVK_DEFINE_HANDLE_CASTS(pvk_pipeline, base, VkPipeline, VK_OBJECT_TYPE_PIPELINE)

/* Allocate count pipeline objects into pPipelines (all VK_NULL_HANDLE on failure). */
static VkResult
pvk_pipelines_alloc(struct pvk_device *dev, const VkAllocationCallbacks *pAllocator, uint32_t count,
                    VkPipeline *pPipelines)
{
   for (uint32_t i = 0; i < count; i++) {
      struct pvk_pipeline *p = pvk_object_zalloc(dev, pAllocator, sizeof(*p), VK_OBJECT_TYPE_PIPELINE);
      if (!p) {
         for (uint32_t j = 0; j < i; j++) {
            pvk_free(pvk_device_alloc(dev, pAllocator), pvk_pipeline_from_handle(pPipelines[j]));
            pPipelines[j] = VK_NULL_HANDLE;
         }
         return VK_ERROR_OUT_OF_HOST_MEMORY;
      }
      pPipelines[i] = pvk_pipeline_to_handle(p);
   }
   return VK_SUCCESS;
}

/*
 * After the renderer answered: a pipeline it did not create comes back with object id 0 (the
 * decoder stores the id it returns); free those and hand VK_NULL_HANDLE back (spec "Multiple
 * Pipeline Creation"). On a transport error all are freed.
 */
static void
pvk_pipelines_finish(struct pvk_device *dev, const VkAllocationCallbacks *pAllocator, uint32_t count,
                     VkPipeline *pPipelines, VkResult result)
{
   const bool lost = result == VK_ERROR_DEVICE_LOST || result == VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < count; i++) {
      struct pvk_pipeline *p = pvk_pipeline_from_handle(pPipelines[i]);
      if (p && (lost || !p->base.id)) {
         pvk_free(pvk_device_alloc(dev, pAllocator), p);
         pPipelines[i] = VK_NULL_HANDLE;
      }
   }
}

static bool
pvk_has_dynamic_state(const VkPipelineDynamicStateCreateInfo *dyn, VkDynamicState state)
{
   for (uint32_t i = 0; dyn && i < dyn->dynamicStateCount; i++) {
      if (dyn->pDynamicStates[i] == state)
         return true;
   }
   return false;
}

/*
 * The encoder follows every non-NULL pointer, but the spec lets the application leave pointers it
 * says are ignored dangling ("VkGraphicsPipelineCreateInfo" valid usage): clear them in a copy, as
 * Mesa's vn_fix_graphics_pipeline_create_info does for the same reason.
 */
static void
pvk_fix_graphics_pipeline_info(VkGraphicsPipelineCreateInfo *info)
{
   bool tess = false;
   for (uint32_t i = 0; i < info->stageCount; i++) {
      if (info->pStages[i].stage &
          (VK_SHADER_STAGE_TESSELLATION_CONTROL_BIT | VK_SHADER_STAGE_TESSELLATION_EVALUATION_BIT))
         tess = true;
   }
   if (!tess)
      info->pTessellationState = NULL;
   const bool discard = info->pRasterizationState && info->pRasterizationState->rasterizerDiscardEnable &&
                        !pvk_has_dynamic_state(info->pDynamicState, VK_DYNAMIC_STATE_RASTERIZER_DISCARD_ENABLE);
   if (discard) {
      info->pViewportState = NULL;
      info->pMultisampleState = NULL;
      info->pDepthStencilState = NULL;
      info->pColorBlendState = NULL;
   }
   if (!(info->flags & VK_PIPELINE_CREATE_DERIVATIVE_BIT))
      info->basePipelineHandle = VK_NULL_HANDLE;
}

/* vkCreateGraphicsPipelines: one round trip for the whole array. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateGraphicsPipelines(VkDevice _device, VkPipelineCache pipelineCache, uint32_t createInfoCount,
                            const VkGraphicsPipelineCreateInfo *pCreateInfos, const VkAllocationCallbacks *pAllocator,
                            VkPipeline *pPipelines)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result = pvk_pipelines_alloc(dev, pAllocator, createInfoCount, pPipelines);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   VkGraphicsPipelineCreateInfo *infos = malloc(PVK_MAX(createInfoCount, 1) * sizeof(*infos));
   if (!infos) {
      pvk_pipelines_finish(dev, pAllocator, createInfoCount, pPipelines, VK_ERROR_OUT_OF_HOST_MEMORY);
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   for (uint32_t i = 0; i < createInfoCount; i++) {
      infos[i] = pCreateInfos[i];
      pvk_fix_graphics_pipeline_info(&infos[i]);
   }
   PVK_CALL(dev->ring, result, vkCreateGraphicsPipelines, _device, pipelineCache, createInfoCount, infos, NULL,
            pPipelines);
   free(infos);
   pvk_pipelines_finish(dev, pAllocator, createInfoCount, pPipelines, result);
   return result == VK_PIPELINE_COMPILE_REQUIRED ? result : pvk_error(result);
}

/* vkCreateComputePipelines: one round trip for the whole array. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateComputePipelines(VkDevice _device, VkPipelineCache pipelineCache, uint32_t createInfoCount,
                           const VkComputePipelineCreateInfo *pCreateInfos, const VkAllocationCallbacks *pAllocator,
                           VkPipeline *pPipelines)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result = pvk_pipelines_alloc(dev, pAllocator, createInfoCount, pPipelines);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   VkComputePipelineCreateInfo *infos = malloc(PVK_MAX(createInfoCount, 1) * sizeof(*infos));
   if (!infos) {
      pvk_pipelines_finish(dev, pAllocator, createInfoCount, pPipelines, VK_ERROR_OUT_OF_HOST_MEMORY);
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   for (uint32_t i = 0; i < createInfoCount; i++) {
      infos[i] = pCreateInfos[i];
      if (!(infos[i].flags & VK_PIPELINE_CREATE_DERIVATIVE_BIT))
         infos[i].basePipelineHandle = VK_NULL_HANDLE;
   }
   PVK_CALL(dev->ring, result, vkCreateComputePipelines, _device, pipelineCache, createInfoCount, infos, NULL,
            pPipelines);
   free(infos);
   pvk_pipelines_finish(dev, pAllocator, createInfoCount, pPipelines, result);
   return result == VK_PIPELINE_COMPILE_REQUIRED ? result : pvk_error(result);
}

/* vkDestroyPipeline: asynchronous. */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyPipeline(VkDevice _device, VkPipeline _pipeline, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_pipeline *p = pvk_pipeline_from_handle(_pipeline);
   if (!p)
      return;
   vn_async_vkDestroyPipeline(dev->ring, _device, _pipeline, NULL);
   pvk_free(pvk_device_alloc(dev, pAllocator), p);
}
