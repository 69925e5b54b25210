/*
 * Queue submission (spec "Queues", "Command Buffer Submission"). vkQueueSubmit and vkQueueSubmit2
 * are asynchronous: the batch goes into the ring after every recording it names (each command
 * buffer's stream was sent at vkEndCommandBuffer) and the renderer submits it to the host queue.
 * Waiting for a queue uses a fence, because the renderer refuses blocking waits on its ring thread.
 * Behaviour follows Mesa src/virtio/vulkan/vn_queue.c (feedback batches, no sync files); the code is
 * pvk's own.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_fence.h"
#include "venus-protocol/vn_protocol_driver_queue.h"

static VkResult
pvk_ring_status(struct vn_ring *ring)
{
   /* relaxed: only ever goes from VK_SUCCESS to VK_ERROR_DEVICE_LOST (vn_ring.h) */
   return (VkResult)atomic_load_explicit(&ring->lost, memory_order_relaxed);
}

/*
 * Feedback (pvk_feedback.c) changes what goes to the renderer:
 *  - after every batch that signals timeline semaphores with feedback comes a feedback batch that
 *    waits for each signalled value (ALL_COMMANDS) and then runs each signal's slot fill; a slot is
 *    thus written only once the host semaphore holds the value, whatever order queues run in;
 *  - a fence with a feedback slot gets its slot's fill as a last batch instead of going to the
 *    renderer;
 *  - a command buffer that ends or resets queries is followed, in its batch, by its query feedback
 *    companion (pvk_query.c), so the batch's semaphores and fence signal once results are in memory.
 *    Batches that carry per-command-buffer device masks (VkDeviceGroupSubmitInfo) keep their list:
 *    the pools of their queries go back to asking the renderer.
 */

/* Whether a command buffer among the batches has a query feedback companion. */
static bool
pvk_submit_has_query_cmds(uint32_t count, const VkSubmitInfo *submits)
{
   for (uint32_t i = 0; i < count; i++) {
      for (uint32_t j = 0; j < submits[i].commandBufferCount; j++) {
         if (pvk_command_buffer_from_handle(submits[i].pCommandBuffers[j])->query_cmd)
            return true;
      }
   }
   return false;
}

static bool
pvk_submit_has_device_group(const void *pNext)
{
   for (const VkBaseInStructure *s = pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_DEVICE_GROUP_SUBMIT_INFO)
         return true;
   }
   return false;
}

/* A copy of the batches with each command buffer's companion right after it (one allocation, for the
 * caller to free), or NULL when out of memory. */
static VkSubmitInfo *
pvk_submit_add_query_cmds(uint32_t count, const VkSubmitInfo *submits)
{
   size_t cmds = 0;
   for (uint32_t i = 0; i < count; i++)
      cmds += (size_t)submits[i].commandBufferCount * 2;
   VkSubmitInfo *out = malloc(count * sizeof(VkSubmitInfo) + cmds * sizeof(VkCommandBuffer));
   if (!out)
      return NULL;
   VkCommandBuffer *list = (VkCommandBuffer *)(out + count);
   for (uint32_t i = 0; i < count; i++) {
      out[i] = submits[i];
      const bool keep = pvk_submit_has_device_group(submits[i].pNext);
      uint32_t n = 0;
      for (uint32_t j = 0; j < submits[i].commandBufferCount; j++) {
         const struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(submits[i].pCommandBuffers[j]);
         list[n++] = submits[i].pCommandBuffers[j];
         if (cmd->query_cmd && keep)
            pvk_query_feedback_disable(cmd);
         else if (cmd->query_cmd)
            list[n++] = pvk_command_buffer_to_handle(cmd->query_cmd);
      }
      out[i].commandBufferCount = n;
      out[i].pCommandBuffers = list;
      list += n;
   }
   return out;
}

/* The same for vkQueueSubmit2 (a companion takes its command buffer's device mask). */
static bool
pvk_submit2_has_query_cmds(uint32_t count, const VkSubmitInfo2 *submits)
{
   for (uint32_t i = 0; i < count; i++) {
      for (uint32_t j = 0; j < submits[i].commandBufferInfoCount; j++) {
         if (pvk_command_buffer_from_handle(submits[i].pCommandBufferInfos[j].commandBuffer)->query_cmd)
            return true;
      }
   }
   return false;
}

static VkSubmitInfo2 *
pvk_submit2_add_query_cmds(uint32_t count, const VkSubmitInfo2 *submits)
{
   size_t cmds = 0;
   for (uint32_t i = 0; i < count; i++)
      cmds += (size_t)submits[i].commandBufferInfoCount * 2;
   VkSubmitInfo2 *out = malloc(count * sizeof(VkSubmitInfo2) + cmds * sizeof(VkCommandBufferSubmitInfo));
   if (!out)
      return NULL;
   VkCommandBufferSubmitInfo *list = (VkCommandBufferSubmitInfo *)(out + count);
   for (uint32_t i = 0; i < count; i++) {
      out[i] = submits[i];
      uint32_t n = 0;
      for (uint32_t j = 0; j < submits[i].commandBufferInfoCount; j++) {
         const VkCommandBufferSubmitInfo *info = &submits[i].pCommandBufferInfos[j];
         const struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(info->commandBuffer);
         list[n++] = *info;
         if (cmd->query_cmd) {
            list[n] = *info;
            list[n].pNext = NULL;
            list[n++].commandBuffer = pvk_command_buffer_to_handle(cmd->query_cmd);
         }
      }
      out[i].commandBufferInfoCount = n;
      out[i].pCommandBufferInfos = list;
      list += n;
   }
   return out;
}

static const VkTimelineSemaphoreSubmitInfo *
pvk_timeline_submit_info(const void *pNext)
{
   for (const VkBaseInStructure *s = pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO)
         return (const VkTimelineSemaphoreSubmitInfo *)s;
   }
   return NULL;
}

/* The number of timeline signals a batch (VkSubmitInfo, VkBindSparseInfo) may make. */
static uint32_t
pvk_timeline_signal_count(uint32_t signal_count, const void *pNext)
{
   const VkTimelineSemaphoreSubmitInfo *info = pvk_timeline_submit_info(pNext);
   return info && info->pSignalSemaphoreValues ? PVK_MIN(signal_count, info->signalSemaphoreValueCount) : 0;
}

/* Room for the feedback batches of a vkQueueSubmit or vkQueueBindSparse (one allocation). */
struct pvk_submit_feedback {
   VkSubmitInfo *submits;                   /* the batches to send */
   uint32_t submit_count;
   VkTimelineSemaphoreSubmitInfo *timelines; /* one per feedback batch */
   uint32_t timeline_count;
   VkSemaphore *semaphores;                 /* waits of the feedback batches ... */
   uint64_t *values;
   VkPipelineStageFlags *stages;
   VkCommandBuffer *cmds;                   /* ... and their fills */
   uint32_t used;
};

static bool
pvk_submit_feedback_init(struct pvk_submit_feedback *fb, uint32_t batch_count, uint32_t signal_count)
{
   const size_t submits = (size_t)batch_count * 2 + 1;
   char *mem = malloc(submits * sizeof(VkSubmitInfo) + batch_count * sizeof(VkTimelineSemaphoreSubmitInfo) +
                      signal_count * (sizeof(VkSemaphore) + sizeof(uint64_t) + sizeof(VkPipelineStageFlags) +
                                      sizeof(VkCommandBuffer)));
   *fb = (struct pvk_submit_feedback){ 0 };
   if (!mem)
      return false;
   fb->submits = (VkSubmitInfo *)mem;
   mem += submits * sizeof(VkSubmitInfo);
   fb->timelines = (VkTimelineSemaphoreSubmitInfo *)mem;
   mem += batch_count * sizeof(VkTimelineSemaphoreSubmitInfo);
   fb->values = (uint64_t *)mem;
   mem += signal_count * sizeof(uint64_t);
   fb->semaphores = (VkSemaphore *)mem;
   mem += signal_count * sizeof(VkSemaphore);
   fb->cmds = (VkCommandBuffer *)mem;
   mem += signal_count * sizeof(VkCommandBuffer);
   fb->stages = (VkPipelineStageFlags *)mem;
   return true;
}

/* Append the feedback batch of one batch's signals, if any of them has feedback. */
static void
pvk_submit_feedback_add(struct pvk_queue *queue, struct pvk_submit_feedback *fb, uint32_t signal_count,
                        const VkSemaphore *signals, const void *pNext)
{
   const VkTimelineSemaphoreSubmitInfo *info = pvk_timeline_submit_info(pNext);
   const uint32_t count = pvk_timeline_signal_count(signal_count, pNext);
   const uint32_t first = fb->used;
   for (uint32_t i = 0; i < count; i++) {
      const uint64_t value = info->pSignalSemaphoreValues[i];
      const VkCommandBuffer cmd = pvk_semaphore_feedback_cmd(queue, signals[i], value);
      if (!cmd)
         continue;
      fb->semaphores[fb->used] = signals[i];
      fb->values[fb->used] = value;
      fb->stages[fb->used] = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
      fb->cmds[fb->used] = cmd;
      fb->used++;
   }
   const uint32_t n = fb->used - first;
   if (!n)
      return;
   VkTimelineSemaphoreSubmitInfo *timeline = &fb->timelines[fb->timeline_count++];
   *timeline = (VkTimelineSemaphoreSubmitInfo){
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = n,
      .pWaitSemaphoreValues = &fb->values[first],
   };
   fb->submits[fb->submit_count++] = (VkSubmitInfo){
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = timeline,
      .waitSemaphoreCount = n,
      .pWaitSemaphores = &fb->semaphores[first],
      .pWaitDstStageMask = &fb->stages[first],
      .commandBufferCount = n,
      .pCommandBuffers = &fb->cmds[first],
   };
}

/*
 * Send app's batches (or, when app is NULL, only the feedback batches of binds' signals) with
 * their feedback batches, then the fence's fill batch or the fence itself.
 */
static VkResult
pvk_queue_submit_feedback(struct pvk_queue *queue, uint32_t count, const VkSubmitInfo *app,
                          const VkBindSparseInfo *binds, uint32_t signal_count, VkFence fence)
{
   struct vn_ring *ring = queue->device->ring;
   struct pvk_submit_feedback fb;
   if (!pvk_submit_feedback_init(&fb, count, signal_count))
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   for (uint32_t i = 0; i < count; i++) {
      if (app) {
         fb.submits[fb.submit_count++] = app[i];
         pvk_submit_feedback_add(queue, &fb, app[i].signalSemaphoreCount, app[i].pSignalSemaphores, app[i].pNext);
      } else {
         pvk_submit_feedback_add(queue, &fb, binds[i].signalSemaphoreCount, binds[i].pSignalSemaphores,
                                 binds[i].pNext);
      }
   }
   const VkCommandBuffer fence_cmd = pvk_fence_feedback_cmd(queue, fence);
   if (fence_cmd) {
      fb.submits[fb.submit_count++] = (VkSubmitInfo){
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
         .commandBufferCount = 1,
         .pCommandBuffers = &fence_cmd,
      };
   }
   /* a fence with a slot stays out of it: see pvk_feedback.c */
   vn_async_vkQueueSubmit(ring, pvk_queue_to_handle(queue), fb.submit_count, fb.submits,
                          fence_cmd ? VK_NULL_HANDLE : fence);
   free(fb.submits);
   return pvk_error(pvk_ring_status(ring));
}

static VkResult
pvk_queue_submit(struct pvk_queue *queue, uint32_t submitCount, const VkSubmitInfo *pSubmits, VkFence fence);

/*
 * vkQueueSubmit: asynchronous, with the feedback batches and query feedback companions above.
 * Errors: VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_DEVICE_LOST once the ring is lost.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_QueueSubmit(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo *pSubmits, VkFence fence)
{
   struct pvk_queue *queue = pvk_queue_from_handle(_queue);
   if (!pvk_submit_has_query_cmds(submitCount, pSubmits))
      return pvk_queue_submit(queue, submitCount, pSubmits, fence);
   VkSubmitInfo *submits = pvk_submit_add_query_cmds(submitCount, pSubmits);
   if (!submits)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   const VkResult result = pvk_queue_submit(queue, submitCount, submits, fence);
   free(submits);
   return result;
}

static VkResult
pvk_queue_submit(struct pvk_queue *queue, uint32_t submitCount, const VkSubmitInfo *pSubmits, VkFence fence)
{
   VkQueue _queue = pvk_queue_to_handle(queue);
   struct vn_ring *ring = queue->device->ring;
   const struct pvk_fence *f = pvk_fence_from_handle(fence);
   uint32_t signals = 0;
   for (uint32_t i = 0; i < submitCount; i++)
      signals += pvk_timeline_signal_count(pSubmits[i].signalSemaphoreCount, pSubmits[i].pNext);
   if (!signals && !(f && f->feedback_slot >= 0)) {
      vn_async_vkQueueSubmit(ring, _queue, submitCount, pSubmits, fence);
      return pvk_error(pvk_ring_status(ring));
   }
   return pvk_queue_submit_feedback(queue, submitCount, pSubmits, NULL, signals, fence);
}

/* The feedback batch of one VkSubmitInfo2's timeline signals, appended at submits[*count]. */
static void
pvk_submit2_feedback_add(struct pvk_queue *queue, const VkSubmitInfo2 *batch, VkSubmitInfo2 *submits,
                         uint32_t *count, VkSemaphoreSubmitInfo *waits, VkCommandBufferSubmitInfo *cmds,
                         uint32_t *used)
{
   const uint32_t first = *used;
   for (uint32_t i = 0; i < batch->signalSemaphoreInfoCount; i++) {
      const VkSemaphoreSubmitInfo *signal = &batch->pSignalSemaphoreInfos[i];
      const VkCommandBuffer cmd = pvk_semaphore_feedback_cmd(queue, signal->semaphore, signal->value);
      if (!cmd)
         continue;
      waits[*used] = (VkSemaphoreSubmitInfo){
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
         .semaphore = signal->semaphore,
         .value = signal->value,
         .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
      };
      cmds[*used] = (VkCommandBufferSubmitInfo){
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
         .commandBuffer = cmd,
      };
      (*used)++;
   }
   const uint32_t n = *used - first;
   if (!n)
      return;
   submits[(*count)++] = (VkSubmitInfo2){
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
      .waitSemaphoreInfoCount = n,
      .pWaitSemaphoreInfos = &waits[first],
      .commandBufferInfoCount = n,
      .pCommandBufferInfos = &cmds[first],
   };
}

static VkResult
pvk_queue_submit2(struct pvk_queue *queue, uint32_t submitCount, const VkSubmitInfo2 *pSubmits, VkFence fence);

/* vkQueueSubmit2 (1.3): as vkQueueSubmit. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_QueueSubmit2(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo2 *pSubmits, VkFence fence)
{
   struct pvk_queue *queue = pvk_queue_from_handle(_queue);
   if (!pvk_submit2_has_query_cmds(submitCount, pSubmits))
      return pvk_queue_submit2(queue, submitCount, pSubmits, fence);
   VkSubmitInfo2 *submits = pvk_submit2_add_query_cmds(submitCount, pSubmits);
   if (!submits)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   const VkResult result = pvk_queue_submit2(queue, submitCount, submits, fence);
   free(submits);
   return result;
}

static VkResult
pvk_queue_submit2(struct pvk_queue *queue, uint32_t submitCount, const VkSubmitInfo2 *pSubmits, VkFence fence)
{
   VkQueue _queue = pvk_queue_to_handle(queue);
   struct vn_ring *ring = queue->device->ring;
   const struct pvk_fence *f = pvk_fence_from_handle(fence);
   uint32_t signals = 0;
   for (uint32_t i = 0; i < submitCount; i++)
      signals += pSubmits[i].signalSemaphoreInfoCount;
   if (!signals && !(f && f->feedback_slot >= 0)) {
      vn_async_vkQueueSubmit2(ring, _queue, submitCount, pSubmits, fence);
      return pvk_error(pvk_ring_status(ring));
   }
   const size_t batches = (size_t)submitCount * 2 + 1;
   char *mem = malloc(batches * sizeof(VkSubmitInfo2) +
                      signals * (sizeof(VkSemaphoreSubmitInfo) + sizeof(VkCommandBufferSubmitInfo)));
   if (!mem)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   VkSubmitInfo2 *submits = (VkSubmitInfo2 *)mem;
   VkSemaphoreSubmitInfo *waits = (VkSemaphoreSubmitInfo *)(mem + batches * sizeof(VkSubmitInfo2));
   VkCommandBufferSubmitInfo *cmds = (VkCommandBufferSubmitInfo *)(waits + signals);
   uint32_t count = 0, used = 0;
   for (uint32_t i = 0; i < submitCount; i++) {
      submits[count++] = pSubmits[i];
      pvk_submit2_feedback_add(queue, &pSubmits[i], submits, &count, waits, cmds, &used);
   }
   const VkCommandBuffer fence_cmd = pvk_fence_feedback_cmd(queue, fence);
   const VkCommandBufferSubmitInfo fence_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
      .commandBuffer = fence_cmd,
   };
   if (fence_cmd) {
      submits[count++] = (VkSubmitInfo2){
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
         .commandBufferInfoCount = 1,
         .pCommandBufferInfos = &fence_info,
      };
   }
   vn_async_vkQueueSubmit2(ring, _queue, count, submits, fence_cmd ? VK_NULL_HANDLE : fence);
   free(mem);
   return pvk_error(pvk_ring_status(ring));
}

VkResult
pvk_queue_wait_idle(struct pvk_queue *queue)
{
   struct pvk_device *dev = queue->device;
   VkDevice device = pvk_device_to_handle(dev);
   const VkFenceCreateInfo info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
   VkFence fence;
   VkResult result = pvk_CreateFence(device, &info, NULL, &fence);
   if (result != VK_SUCCESS)
      return result;
   /* an empty submission signals its fence once all earlier work on the queue completed */
   result = pvk_QueueSubmit(pvk_queue_to_handle(queue), 0, NULL, fence);
   if (result == VK_SUCCESS)
      result = pvk_WaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX);
   pvk_DestroyFence(device, fence, NULL);
   return result;
}

/* vkQueueWaitIdle: an empty submission with a fence, then a wait on it. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_QueueWaitIdle(VkQueue _queue)
{
   return pvk_error(pvk_queue_wait_idle(pvk_queue_from_handle(_queue)));
}

/*
 * vkQueueBindSparse: asynchronous. No command buffer fits in a bind batch: timeline signals with
 * feedback and a fence with a slot are followed by a submission that holds their feedback batches
 * (and signals the fence once all prior work on the queue completed). Errors:
 * VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_DEVICE_LOST once the ring is lost.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_QueueBindSparse(VkQueue _queue, uint32_t bindInfoCount, const VkBindSparseInfo *pBindInfo, VkFence fence)
{
   struct pvk_queue *queue = pvk_queue_from_handle(_queue);
   struct vn_ring *ring = queue->device->ring;
   const struct pvk_fence *f = pvk_fence_from_handle(fence);
   uint32_t signals = 0;
   for (uint32_t i = 0; i < bindInfoCount; i++)
      signals += pvk_timeline_signal_count(pBindInfo[i].signalSemaphoreCount, pBindInfo[i].pNext);
   if (!signals && !(f && f->feedback_slot >= 0)) {
      vn_async_vkQueueBindSparse(ring, _queue, bindInfoCount, pBindInfo, fence);
      return pvk_error(pvk_ring_status(ring));
   }
   vn_async_vkQueueBindSparse(ring, _queue, bindInfoCount, pBindInfo, VK_NULL_HANDLE);
   return pvk_queue_submit_feedback(queue, bindInfoCount, NULL, pBindInfo, signals, fence);
}
