/*
 * VkCommandPool and VkCommandBuffer (spec "Command Buffers"). Recording never talks to the host:
 * vkBeginCommandBuffer, every vkCmd* (generated, pvk_cmd_encode.c) and vkEndCommandBuffer are encoded
 * into the command buffer's own Venus stream, which vkEndCommandBuffer hands to the ring in one
 * piece (the ring sends it indirectly, through shared memory, when it is large); the renderer then
 * records the host command buffer from it. Long recordings are sent in pieces of at most
 * PVK_CMD_FLUSH_SIZE (16 MiB). Pools and buffers are created and freed asynchronously. Behaviour follows Mesa
 * src/virtio/vulkan/vn_command_buffer.c; the code is pvk's own.
 *
 * Query feedback (pvk_query.c): the generated entry points of the commands that end, write or reset
 * queries, and of those that begin and end render pass instances or execute secondaries, call the
 * pvk_cmd_track_* functions below; vkEndCommandBuffer of a primary that ended or reset queries records
 * its companion command buffer (cmd->query_cmd) from the same pool.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_command_buffer.h"
#include "venus-protocol/vn_protocol_driver_command_pool.h"

/*
 * First stream allocation, and the size above which a recording is sent to the ring early. Sending
 * early can stall the recording thread (the ring's upload buffer is reused only once the host
 * consumed its previous contents), so it is kept for recordings too large to hold: 16 MiB is about
 * half a million draws.
 */
#define PVK_CMD_INITIAL_SIZE (4u * 1024)
#define PVK_CMD_FLUSH_SIZE (16u * 1024 * 1024)

struct pvk_command_pool {
   struct pvk_object_base base;
   struct pvk_command_buffer *buffers; /* live command buffers (the pool is externally synchronized) */
};
PVK_DEFINE_HANDLE_CASTS(pvk_command_pool, base, VkCommandPool, VK_OBJECT_TYPE_COMMAND_POOL)

/* vkCreateCommandPool: asynchronous. Errors: VK_ERROR_OUT_OF_HOST_MEMORY. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateCommandPool(VkDevice _device, const VkCommandPoolCreateInfo *pCreateInfo,
                      const VkAllocationCallbacks *pAllocator, VkCommandPool *pCommandPool)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_command_pool *pool = pvk_object_zalloc(dev, pAllocator, sizeof(*pool), VK_OBJECT_TYPE_COMMAND_POOL);
   if (!pool)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   VkCommandPool handle = pvk_command_pool_to_handle(pool);
   vn_async_vkCreateCommandPool(dev->ring, _device, pCreateInfo, NULL, &handle);
   *pCommandPool = handle;
   return VK_SUCCESS;
}

/* A command buffer struct of pool (not yet in the pool's list, no renderer twin). */
static struct pvk_command_buffer *
pvk_command_buffer_alloc(struct pvk_device *dev, struct pvk_command_pool *pool, VkCommandBufferLevel level)
{
   struct pvk_command_buffer *cmd = calloc(1, sizeof(*cmd));
   if (!cmd)
      return NULL;
   pvk_object_base_init(&cmd->base, VK_OBJECT_TYPE_COMMAND_BUFFER);
   cmd->device = dev;
   cmd->pool = pool;
   cmd->level = level;
   cmd->view_count = 1;
   return cmd;
}

/* Free the structs of cmd's companion and cmd's own memory (not cmd itself). */
static void
pvk_command_buffer_fini(struct pvk_command_buffer *cmd)
{
   if (cmd->query_cmd) {
      pvk_command_buffer_fini(cmd->query_cmd);
      free(cmd->query_cmd);
      cmd->query_cmd = NULL;
   }
   free(cmd->queries);
   free(cmd->enc.base);
}

/* Free cmd's query feedback companion, on the renderer too (the application's command buffer is not
 * pending, so neither is its companion: they are submitted together). */
static void
pvk_command_buffer_release_query_cmd(struct pvk_command_buffer *cmd)
{
   if (!cmd->query_cmd)
      return;
   VkCommandBuffer handle = pvk_command_buffer_to_handle(cmd->query_cmd);
   vn_async_vkFreeCommandBuffers(cmd->device->ring, pvk_device_to_handle(cmd->device),
                                 pvk_command_pool_to_handle(cmd->pool), 1, &handle);
   pvk_command_buffer_fini(cmd->query_cmd);
   free(cmd->query_cmd);
   cmd->query_cmd = NULL;
}

/* Drop what was recorded but not sent: the stream restarts empty, without queries or companion. */
static void
pvk_command_buffer_clear(struct pvk_command_buffer *cmd)
{
   cmd->enc.cur = cmd->enc.base;
   cmd->enc.fatal = false;
   cmd->record_result = VK_SUCCESS;
   pvk_command_buffer_release_query_cmd(cmd);
   cmd->query_count = 0;
   cmd->view_count = 1;
   cmd->render_pass = VK_NULL_HANDLE;
   cmd->subpass = 0;
   cmd->rendering = PVK_RENDERING_NONE;
}

/* Unlink cmd from its pool and free it (and its companion's struct; not on the renderer). */
static void
pvk_command_buffer_free(struct pvk_command_buffer *cmd)
{
   struct pvk_command_pool *pool = cmd->pool;
   if (cmd->prev)
      cmd->prev->next = cmd->next;
   else
      pool->buffers = cmd->next;
   if (cmd->next)
      cmd->next->prev = cmd->prev;
   pvk_command_buffer_fini(cmd);
   free(cmd);
}

/* vkDestroyCommandPool: frees the pool's command buffers; asynchronous on the renderer. */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyCommandPool(VkDevice _device, VkCommandPool commandPool, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_command_pool *pool = pvk_command_pool_from_handle(commandPool);
   if (!pool)
      return;
   vn_async_vkDestroyCommandPool(dev->ring, _device, commandPool, NULL);
   while (pool->buffers)
      pvk_command_buffer_free(pool->buffers);
   pvk_free(pvk_device_alloc(dev, pAllocator), pool);
}

/* vkResetCommandPool: asynchronous; unsent recordings of the pool's buffers are dropped. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_ResetCommandPool(VkDevice _device, VkCommandPool commandPool, VkCommandPoolResetFlags flags)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_command_pool *pool = pvk_command_pool_from_handle(commandPool);
   for (struct pvk_command_buffer *cmd = pool->buffers; cmd; cmd = cmd->next)
      pvk_command_buffer_clear(cmd);
   vn_async_vkResetCommandPool(dev->ring, _device, commandPool, flags);
   return VK_SUCCESS;
}

/* vkTrimCommandPool (1.1): asynchronous. */
VKAPI_ATTR void VKAPI_CALL
pvk_TrimCommandPool(VkDevice _device, VkCommandPool commandPool, VkCommandPoolTrimFlags flags)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkTrimCommandPool(dev->ring, _device, commandPool, flags);
}

/*
 * vkAllocateCommandBuffers: asynchronous (command buffers are dispatchable: the loader magic comes
 * first). Errors: VK_ERROR_OUT_OF_HOST_MEMORY, with every element of pCommandBuffers NULL.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_AllocateCommandBuffers(VkDevice _device, const VkCommandBufferAllocateInfo *pAllocateInfo,
                           VkCommandBuffer *pCommandBuffers)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_command_pool *pool = pvk_command_pool_from_handle(pAllocateInfo->commandPool);
   const uint32_t count = pAllocateInfo->commandBufferCount;
   for (uint32_t i = 0; i < count; i++) {
      struct pvk_command_buffer *cmd = pvk_command_buffer_alloc(dev, pool, pAllocateInfo->level);
      if (!cmd) {
         for (uint32_t j = 0; j < i; j++)
            free(pvk_command_buffer_from_handle(pCommandBuffers[j]));
         for (uint32_t j = 0; j < count; j++)
            pCommandBuffers[j] = VK_NULL_HANDLE;
         return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
      }
      pCommandBuffers[i] = pvk_command_buffer_to_handle(cmd);
   }
   vn_async_vkAllocateCommandBuffers(dev->ring, _device, pAllocateInfo, pCommandBuffers);
   for (uint32_t i = 0; i < count; i++) {
      struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(pCommandBuffers[i]);
      cmd->next = pool->buffers;
      if (pool->buffers)
         pool->buffers->prev = cmd;
      pool->buffers = cmd;
   }
   return VK_SUCCESS;
}

/* vkFreeCommandBuffers: asynchronous (with their query feedback companions). */
VKAPI_ATTR void VKAPI_CALL
pvk_FreeCommandBuffers(VkDevice _device, VkCommandPool commandPool, uint32_t commandBufferCount,
                       const VkCommandBuffer *pCommandBuffers)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkFreeCommandBuffers(dev->ring, _device, commandPool, commandBufferCount, pCommandBuffers);
   for (uint32_t i = 0; i < commandBufferCount; i++) {
      struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(pCommandBuffers[i]);
      if (!cmd)
         continue;
      pvk_command_buffer_release_query_cmd(cmd);
      pvk_command_buffer_free(cmd);
   }
}

/* Send what cmd recorded so far to the ring (the renderer records it into the host command buffer). */
static VkResult
pvk_command_buffer_flush(struct pvk_command_buffer *cmd)
{
   if (cmd->enc.cur == cmd->enc.base)
      return VK_SUCCESS;
   struct vn_ring_submit_command submit;
   struct vn_cs_encoder *enc = vn_ring_submit_command_init(cmd->device->ring, &submit, cmd->enc.base,
                                                           cmd->enc.end - cmd->enc.base, 0);
   enc->cur = cmd->enc.cur;
   vn_ring_submit_command(cmd->device->ring, &submit);
   cmd->enc.cur = cmd->enc.base;
   return submit.result;
}

struct vn_cs_encoder *
pvk_command_buffer_reserve(VkCommandBuffer commandBuffer, size_t size)
{
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   struct vn_cs_encoder *enc = &cmd->enc;
   if (pvk_likely(size <= (size_t)(enc->end - enc->cur)))
      return enc;
   if (cmd->record_result != VK_SUCCESS)
      return NULL;

   const size_t used = (size_t)(enc->cur - enc->base);
   if (used + size > PVK_CMD_FLUSH_SIZE && used) {
      VkResult result = pvk_command_buffer_flush(cmd);
      if (result != VK_SUCCESS) {
         cmd->record_result = result;
         return NULL;
      }
      if (size <= (size_t)(enc->end - enc->cur))
         return enc;
   }
   const size_t need = (size_t)(enc->cur - enc->base) + size;
   size_t capacity = PVK_MAX((size_t)(enc->end - enc->base), (size_t)PVK_CMD_INITIAL_SIZE);
   while (capacity < need)
      capacity *= 2;
   const size_t cur = (size_t)(enc->cur - enc->base);
   uint8_t *base = realloc(enc->base, capacity);
   if (!base) {
      cmd->record_result = VK_ERROR_OUT_OF_HOST_MEMORY;
      return NULL;
   }
   enc->base = base;
   enc->cur = base + cur;
   enc->end = base + capacity;
   return enc;
}

/* Queries per query command: one per view (spec "Queries": multiview render pass instances). */
static void
pvk_command_buffer_set_views(struct pvk_command_buffer *cmd, uint32_t view_mask)
{
   cmd->view_count = view_mask ? (uint32_t)__builtin_popcount(view_mask) : 1;
}

/* A secondary command buffer continuing a render pass instance uses its views. */
static void
pvk_command_buffer_inherit_views(struct pvk_command_buffer *cmd, const VkCommandBufferInheritanceInfo *info)
{
   if (info->renderPass) {
      pvk_command_buffer_set_views(cmd, pvk_render_pass_view_mask(info->renderPass, info->subpass));
      return;
   }
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_RENDERING_INFO)
         pvk_command_buffer_set_views(cmd, ((const VkCommandBufferInheritanceRenderingInfo *)s)->viewMask);
   }
}

/*
 * vkBeginCommandBuffer: starts a new stream (an implicit reset drops an unsent recording). The
 * inheritance info is ignored for primary command buffers (spec "vkBeginCommandBuffer") and may
 * dangle: not encoded for them. Errors: VK_ERROR_OUT_OF_HOST_MEMORY.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_BeginCommandBuffer(VkCommandBuffer commandBuffer, const VkCommandBufferBeginInfo *pBeginInfo)
{
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   pvk_command_buffer_clear(cmd);
   VkCommandBufferBeginInfo info = *pBeginInfo;
   if (cmd->level == VK_COMMAND_BUFFER_LEVEL_PRIMARY)
      info.pInheritanceInfo = NULL;
   else if ((info.flags & VK_COMMAND_BUFFER_USAGE_RENDER_PASS_CONTINUE_BIT) && info.pInheritanceInfo)
      pvk_command_buffer_inherit_views(cmd, info.pInheritanceInfo);
   struct vn_cs_encoder *enc =
      pvk_command_buffer_reserve(commandBuffer, vn_sizeof_vkBeginCommandBuffer(commandBuffer, &info));
   if (!enc)
      return pvk_error(cmd->record_result);
   vn_encode_vkBeginCommandBuffer(enc, 0, commandBuffer, &info);
   return VK_SUCCESS;
}

/*
 * Record cmd's query feedback companion (pvk_query.c). Where feedback cannot follow cmd (the last
 * render pass instance suspends: nothing may run before it resumes; out of memory), the pools it
 * touches go back to asking the renderer. Errors: VK_ERROR_DEVICE_LOST.
 */
static VkResult
pvk_command_buffer_record_query_cmd(struct pvk_command_buffer *cmd)
{
   struct pvk_command_buffer *query_cmd = NULL;
   if (cmd->rendering != PVK_RENDERING_SUSPENDS)
      query_cmd = pvk_command_buffer_alloc(cmd->device, cmd->pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY);
   if (!query_cmd) {
      pvk_query_feedback_disable(cmd);
      return VK_SUCCESS;
   }
   VkDevice device = pvk_device_to_handle(cmd->device);
   VkCommandBuffer handle = pvk_command_buffer_to_handle(query_cmd);
   const VkCommandBufferAllocateInfo alloc_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = pvk_command_pool_to_handle(cmd->pool),
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
   };
   vn_async_vkAllocateCommandBuffers(cmd->device->ring, device, &alloc_info, &handle);
   cmd->query_cmd = query_cmd;
   /* submitted whenever cmd is, which may be simultaneous-use */
   const VkCommandBufferBeginInfo begin_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT,
   };
   VkResult result = pvk_BeginCommandBuffer(handle, &begin_info);
   const bool recorded = result == VK_SUCCESS && pvk_query_feedback_record(cmd, handle);
   if (result == VK_SUCCESS)
      result = pvk_EndCommandBuffer(handle);
   if (result != VK_SUCCESS || !recorded) {
      pvk_command_buffer_release_query_cmd(cmd);
      if (result != VK_SUCCESS)
         pvk_query_feedback_disable(cmd);
   }
   return result == VK_ERROR_DEVICE_LOST ? result : VK_SUCCESS;
}

/*
 * vkEndCommandBuffer: the recording goes to the ring (asynchronously: the renderer's own error is
 * not waited for). Errors: VK_ERROR_OUT_OF_HOST_MEMORY (recording ran out of memory),
 * VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_EndCommandBuffer(VkCommandBuffer commandBuffer)
{
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   struct vn_cs_encoder *enc =
      pvk_command_buffer_reserve(commandBuffer, vn_sizeof_vkEndCommandBuffer(commandBuffer));
   if (enc)
      vn_encode_vkEndCommandBuffer(enc, 0, commandBuffer);
   VkResult result = cmd->record_result;
   if (result == VK_SUCCESS && enc && enc->fatal)
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
   if (result == VK_SUCCESS)
      result = pvk_command_buffer_flush(cmd);
   if (result == VK_SUCCESS && cmd->level == VK_COMMAND_BUFFER_LEVEL_PRIMARY && cmd->query_count)
      result = pvk_command_buffer_record_query_cmd(cmd);
   if (result != VK_SUCCESS)
      pvk_command_buffer_clear(cmd);
   return result == VK_SUCCESS ? VK_SUCCESS : pvk_error(result);
}

/* vkResetCommandBuffer: drops the unsent recording (and the query feedback companion); asynchronous on
 * the renderer. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_ResetCommandBuffer(VkCommandBuffer commandBuffer, VkCommandBufferResetFlags flags)
{
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   pvk_command_buffer_clear(cmd);
   vn_async_vkResetCommandBuffer(cmd->device->ring, commandBuffer, flags);
   return VK_SUCCESS;
}

/* ---- query feedback tracking (called by the generated entry points, after encoding) ---- */

void
pvk_cmd_track_EndQuery(VkCommandBuffer commandBuffer, VkQueryPool queryPool, uint32_t query)
{
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   pvk_query_track(cmd, queryPool, query, cmd->view_count, false);
}

void
pvk_cmd_track_EndQueryIndexedEXT(VkCommandBuffer commandBuffer, VkQueryPool queryPool, uint32_t query,
                                 uint32_t index)
{
   (void)index;
   pvk_cmd_track_EndQuery(commandBuffer, queryPool, query);
}

void
pvk_cmd_track_WriteTimestamp(VkCommandBuffer commandBuffer, VkPipelineStageFlagBits pipelineStage,
                             VkQueryPool queryPool, uint32_t query)
{
   (void)pipelineStage;
   pvk_cmd_track_EndQuery(commandBuffer, queryPool, query);
}

void
pvk_cmd_track_WriteTimestamp2(VkCommandBuffer commandBuffer, VkPipelineStageFlags2 stage, VkQueryPool queryPool,
                              uint32_t query)
{
   (void)stage;
   pvk_cmd_track_EndQuery(commandBuffer, queryPool, query);
}

void
pvk_cmd_track_ResetQueryPool(VkCommandBuffer commandBuffer, VkQueryPool queryPool, uint32_t firstQuery,
                             uint32_t queryCount)
{
   pvk_query_track(pvk_command_buffer_from_handle(commandBuffer), queryPool, firstQuery, queryCount, true);
}

void
pvk_cmd_track_ExecuteCommands(VkCommandBuffer commandBuffer, uint32_t commandBufferCount,
                              const VkCommandBuffer *pCommandBuffers)
{
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   for (uint32_t i = 0; i < commandBufferCount; i++) {
      const struct pvk_command_buffer *secondary = pvk_command_buffer_from_handle(pCommandBuffers[i]);
      pvk_query_track_secondary(cmd, secondary);
      if (secondary->rendering != PVK_RENDERING_NONE)
         cmd->rendering = secondary->rendering;
   }
}

static void
pvk_command_buffer_begin_subpass(struct pvk_command_buffer *cmd, VkRenderPass renderPass, uint32_t subpass)
{
   cmd->render_pass = renderPass;
   cmd->subpass = subpass;
   pvk_command_buffer_set_views(cmd, pvk_render_pass_view_mask(renderPass, subpass));
}

void
pvk_cmd_track_BeginRenderPass(VkCommandBuffer commandBuffer, const VkRenderPassBeginInfo *pRenderPassBegin,
                              VkSubpassContents contents)
{
   (void)contents;
   pvk_command_buffer_begin_subpass(pvk_command_buffer_from_handle(commandBuffer), pRenderPassBegin->renderPass, 0);
}

void
pvk_cmd_track_BeginRenderPass2(VkCommandBuffer commandBuffer, const VkRenderPassBeginInfo *pRenderPassBegin,
                               const VkSubpassBeginInfo *pSubpassBeginInfo)
{
   (void)pSubpassBeginInfo;
   pvk_command_buffer_begin_subpass(pvk_command_buffer_from_handle(commandBuffer), pRenderPassBegin->renderPass, 0);
}

void
pvk_cmd_track_NextSubpass(VkCommandBuffer commandBuffer, VkSubpassContents contents)
{
   (void)contents;
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   pvk_command_buffer_begin_subpass(cmd, cmd->render_pass, cmd->subpass + 1);
}

void
pvk_cmd_track_NextSubpass2(VkCommandBuffer commandBuffer, const VkSubpassBeginInfo *pSubpassBeginInfo,
                           const VkSubpassEndInfo *pSubpassEndInfo)
{
   (void)pSubpassBeginInfo;
   (void)pSubpassEndInfo;
   pvk_cmd_track_NextSubpass(commandBuffer, VK_SUBPASS_CONTENTS_INLINE);
}

void
pvk_cmd_track_EndRenderPass(VkCommandBuffer commandBuffer)
{
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   cmd->render_pass = VK_NULL_HANDLE;
   cmd->subpass = 0;
   cmd->view_count = 1;
}

void
pvk_cmd_track_EndRenderPass2(VkCommandBuffer commandBuffer, const VkSubpassEndInfo *pSubpassEndInfo)
{
   (void)pSubpassEndInfo;
   pvk_cmd_track_EndRenderPass(commandBuffer);
}

void
pvk_cmd_track_BeginRendering(VkCommandBuffer commandBuffer, const VkRenderingInfo *pRenderingInfo)
{
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   pvk_command_buffer_set_views(cmd, pRenderingInfo->viewMask);
   cmd->rendering =
      pRenderingInfo->flags & VK_RENDERING_SUSPENDING_BIT ? PVK_RENDERING_SUSPENDS : PVK_RENDERING_ENDS;
}

void
pvk_cmd_track_EndRendering(VkCommandBuffer commandBuffer)
{
   pvk_command_buffer_from_handle(commandBuffer)->view_count = 1;
}
