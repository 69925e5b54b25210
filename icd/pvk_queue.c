/*
 * Queue submission (spec "Queues", "Command Buffer Submission"). vkQueueSubmit and vkQueueSubmit2
 * are asynchronous: the batch goes into the ring after every recording it names (each command
 * buffer's stream was sent at vkEndCommandBuffer) and the renderer submits it to the host queue.
 * Waiting for a queue uses a fence, because the renderer refuses blocking waits on its ring thread.
 * Behaviour follows Mesa src/virtio/vulkan/vn_queue.c (without feedback or sync files); the code is
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
 * vkQueueSubmit: asynchronous. A fence with a feedback slot gets its slot's command buffer as one
 * more batch after the application's instead of going to the renderer (pvk_feedback.c). Errors:
 * VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_DEVICE_LOST once the ring is lost.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_QueueSubmit(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo *pSubmits, VkFence fence)
{
   struct pvk_queue *queue = pvk_queue_from_handle(_queue);
   struct vn_ring *ring = queue->device->ring;
   const VkCommandBuffer feedback = pvk_fence_feedback_cmd(queue, fence);
   if (!feedback) {
      vn_async_vkQueueSubmit(ring, _queue, submitCount, pSubmits, fence);
      return pvk_error(pvk_ring_status(ring));
   }
   VkSubmitInfo local[8];
   VkSubmitInfo *submits = submitCount < PVK_ARRAY_SIZE(local) ? local : malloc((submitCount + 1) * sizeof(*submits));
   if (!submits)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   if (submitCount)
      memcpy(submits, pSubmits, submitCount * sizeof(*submits));
   submits[submitCount] = (VkSubmitInfo){
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &feedback,
   };
   /* the renderer's fence stays out of it: see pvk_feedback.c */
   vn_async_vkQueueSubmit(ring, _queue, submitCount + 1, submits, VK_NULL_HANDLE);
   if (submits != local)
      free(submits);
   return pvk_error(pvk_ring_status(ring));
}

/* vkQueueSubmit2 (1.3): as vkQueueSubmit. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_QueueSubmit2(VkQueue _queue, uint32_t submitCount, const VkSubmitInfo2 *pSubmits, VkFence fence)
{
   struct pvk_queue *queue = pvk_queue_from_handle(_queue);
   struct vn_ring *ring = queue->device->ring;
   const VkCommandBuffer feedback = pvk_fence_feedback_cmd(queue, fence);
   if (!feedback) {
      vn_async_vkQueueSubmit2(ring, _queue, submitCount, pSubmits, fence);
      return pvk_error(pvk_ring_status(ring));
   }
   VkSubmitInfo2 local[8];
   VkSubmitInfo2 *submits =
      submitCount < PVK_ARRAY_SIZE(local) ? local : malloc((submitCount + 1) * sizeof(*submits));
   if (!submits)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   if (submitCount)
      memcpy(submits, pSubmits, submitCount * sizeof(*submits));
   const VkCommandBufferSubmitInfo cmd_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
      .commandBuffer = feedback,
   };
   submits[submitCount] = (VkSubmitInfo2){
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
      .commandBufferInfoCount = 1,
      .pCommandBufferInfos = &cmd_info,
   };
   vn_async_vkQueueSubmit2(ring, _queue, submitCount + 1, submits, VK_NULL_HANDLE);
   if (submits != local)
      free(submits);
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

/* vkQueueBindSparse: asynchronous. Errors: VK_ERROR_DEVICE_LOST once the ring is lost. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_QueueBindSparse(VkQueue _queue, uint32_t bindInfoCount, const VkBindSparseInfo *pBindInfo, VkFence fence)
{
   struct pvk_queue *queue = pvk_queue_from_handle(_queue);
   struct vn_ring *ring = queue->device->ring;
   const struct pvk_fence *f = pvk_fence_from_handle(fence);
   if (f && f->feedback_slot >= 0) {
      /* no command buffer fits in a bind batch: an empty submission after it signals the fence
       * (and its slot) once all prior work on the queue completed */
      vn_async_vkQueueBindSparse(ring, _queue, bindInfoCount, pBindInfo, VK_NULL_HANDLE);
      return pvk_QueueSubmit(_queue, 0, NULL, fence);
   }
   vn_async_vkQueueBindSparse(ring, _queue, bindInfoCount, pBindInfo, fence);
   return pvk_error(pvk_ring_status(ring));
}
