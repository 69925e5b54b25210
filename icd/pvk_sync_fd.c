/*
 * Sync files for fences and binary semaphores (VK_KHR_external_fence_fd,
 * VK_KHR_external_semaphore_fd, handle type SYNC_FD; virtgpu only).
 *
 * Export: a queue's sync file is the out-fence of an EXECBUFFER on the queue's own timeline
 * (ring_idx, bound to the renderer's VkQueue by VkDeviceQueueTimelineInfoMESA) whose only command,
 * vkWaitRingSeqnoMESA, holds the renderer until its ring has run everything pvk wrote so far; the
 * renderer then puts the fence behind that work on the queue, so the sync file signals once every
 * earlier submission to the queue is done. A fence exports its last queue's; a semaphore first
 * gets an empty submission on the device's first queue that waits on it (that consumes the signal
 * on the renderer, as the export's copy transference does), then exports that queue's.
 * Import (temporary only, as the spec requires for sync files): the file is waited for on the CPU,
 * then the payload is made signaled (the fence's feedback slot, or an empty submission that signals
 * the renderer's fence or semaphore), so later work that waits on it needs nothing more.
 * Mesa's Venus exports the same way (vn_queue.c vn_create_sync_file, vn_GetFenceFdKHR,
 * vn_GetSemaphoreFdKHR) and imports by waiting too; it also needs the renderer's driver to export
 * sync files, pvk does not. The code is pvk's own.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_transport.h"

/* while waiting for an imported sync file, how often the host is asked whether it is alive */
#define PVK_SYNC_FD_LIVENESS_MS 1000

/*
 * Feedback slots whose fence was exported (and so reset) before the host wrote the slot: the write
 * is still coming, so the slot is given back only once the exported sync file signals. Few and
 * short-lived: a list under one lock.
 */
struct pvk_retired_slot {
   struct pvk_device *dev;
   int32_t slot;
   int fd; /* a dup of the exported sync file */
   struct pvk_retired_slot *next;
};
static pthread_mutex_t pvk_retired_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct pvk_retired_slot *pvk_retired_slots;

static bool
pvk_sync_fd_signaled(int fd)
{
   struct pollfd p = { .fd = fd, .events = POLLIN };
   return poll(&p, 1, 0) == 1;
}

/* Give back the retired slots of dev whose sync file signaled (all of them, closing only, when
 * the device goes: destroying). */
static void
pvk_retired_slots_reap(struct pvk_device *dev, bool destroying)
{
   pthread_mutex_lock(&pvk_retired_mutex);
   for (struct pvk_retired_slot **p = &pvk_retired_slots; *p;) {
      struct pvk_retired_slot *r = *p;
      if (r->dev != dev || !(destroying || pvk_sync_fd_signaled(r->fd))) {
         p = &r->next;
         continue;
      }
      if (!destroying)
         pvk_feedback_slot_free(dev, r->slot);
      close(r->fd);
      *p = r->next;
      free(r);
   }
   pthread_mutex_unlock(&pvk_retired_mutex);
}

void
pvk_sync_fd_device_fini(struct pvk_device *dev)
{
   pvk_retired_slots_reap(dev, true);
}

VkResult
pvk_queue_export_sync_file(struct pvk_queue *queue, int *out_fd)
{
   struct pvk_device *dev = queue->device;
   struct pvk_renderer *renderer = dev->instance->renderer;
   struct vn_ring *ring = dev->ring;
   *out_fd = -1;
   if (!renderer->ops->submit_fence)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   const VkResult lost = (VkResult)atomic_load_explicit(&ring->lost, memory_order_relaxed);
   if (lost != VK_SUCCESS)
      return lost;
   /* everything written to the ring so far (each command publishes the tail) */
   const uint32_t seqno = atomic_load_explicit(ring->tail, memory_order_acquire);
   uint32_t data[8];
   struct vn_cs_encoder enc;
   vn_cs_encoder_init_ptr(&enc, data, sizeof(data));
   vn_encode_vkWaitRingSeqnoMESA(&enc, 0, ring->id, seqno);
   const struct pvk_renderer_batch batch = {
      .cs = data,
      .cs_size = vn_cs_encoder_get_len(&enc),
      .ring_idx = queue->ring_idx,
   };
   return renderer->ops->submit_fence(renderer, &batch, -1, out_fd);
}

/*
 * Wait for an imported sync file (-1: already signaled) on the CPU, asking the host now and then
 * whether it is alive: a file that never signals because the host died ends with
 * VK_ERROR_DEVICE_LOST. Errors: VK_ERROR_INVALID_EXTERNAL_HANDLE (not a pollable fd).
 */
static VkResult
pvk_sync_fd_wait(struct pvk_device *dev, int fd)
{
   if (fd < 0)
      return VK_SUCCESS;
   for (;;) {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      const int ret = poll(&p, 1, PVK_SYNC_FD_LIVENESS_MS);
      if (ret == 1 && (p.revents & POLLIN))
         return VK_SUCCESS;
      if (ret == 1 || (ret < 0 && errno != EINTR && errno != EAGAIN))
         return VK_ERROR_INVALID_EXTERNAL_HANDLE;
      if (ret == 0) {
         const VkResult alive = pvk_ring_roundtrip(dev->ring);
         if (alive != VK_SUCCESS)
            return alive;
      }
   }
}

/* An empty submission on the device's first queue that waits on or signals one semaphore. */
static VkResult
pvk_semaphore_submit_empty(struct pvk_device *dev, VkSemaphore semaphore, bool wait)
{
   const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .waitSemaphoreCount = wait ? 1 : 0,
      .pWaitSemaphores = wait ? &semaphore : NULL,
      .pWaitDstStageMask = wait ? &stage : NULL,
      .signalSemaphoreCount = wait ? 0 : 1,
      .pSignalSemaphores = wait ? NULL : &semaphore,
   };
   return pvk_QueueSubmit(pvk_queue_to_handle(&dev->queues[0]), 1, &submit, VK_NULL_HANDLE);
}

/*
 * vkGetFenceFdKHR (SYNC_FD): a sync file that signals when the fence's last queue finished what was
 * submitted to it up to now; -1 for a fence never submitted (it can only be signaled). The fence is
 * reset, as copy transference requires. Errors: VK_ERROR_TOO_MANY_OBJECTS (no fd left),
 * VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetFenceFdKHR(VkDevice _device, const VkFenceGetFdInfoKHR *pGetFdInfo, int *pFd)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_fence *fence = pvk_fence_from_handle(pGetFdInfo->fence);
   *pFd = -1;
   if (pGetFdInfo->handleType != VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT || !dev->physical_device->external_sync_fd)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   pvk_retired_slots_reap(dev, false);
   struct pvk_queue *queue = atomic_load_explicit(&fence->queue, memory_order_acquire);
   if (!queue)
      return VK_SUCCESS;
   int fd;
   VkResult result = pvk_queue_export_sync_file(queue, &fd);
   if (result != VK_SUCCESS)
      return pvk_error(result);

   /* reset: a slot the host has written can simply be cleared; one whose write is still coming
    * retires until the sync file signals, and the fence takes a fresh one (or, with none left,
    * asks the renderer from now on: its renderer-side fence was never submitted, so it is
    * unsignaled as the reset wants). A fence without a slot has its renderer fence pending: it is
    * left alone (reset by the application before it is submitted again). */
   if (fence->feedback_slot >= 0) {
      if (pvk_feedback_slot_get(dev, fence->feedback_slot) == VK_SUCCESS) {
         pvk_feedback_slot_set(dev, fence->feedback_slot, VK_NOT_READY);
      } else {
         struct pvk_retired_slot *r = malloc(sizeof(*r));
         const int dup_fd = r ? dup(fd) : -1;
         if (dup_fd >= 0) {
            *r = (struct pvk_retired_slot){ .dev = dev, .slot = fence->feedback_slot, .fd = dup_fd };
            pthread_mutex_lock(&pvk_retired_mutex);
            r->next = pvk_retired_slots;
            pvk_retired_slots = r;
            pthread_mutex_unlock(&pvk_retired_mutex);
         } else {
            /* the slot stays taken for good rather than be written under a new owner */
            free(r);
         }
         fence->feedback_slot = pvk_feedback_slot_alloc(dev, VK_NOT_READY);
      }
   }
   *pFd = fd;
   return VK_SUCCESS;
}

/*
 * vkImportFenceFdKHR (SYNC_FD, temporary): waits for the sync file on the CPU (bounded by the host's
 * liveness), closes it, and leaves the fence signaled. Errors: VK_ERROR_INVALID_EXTERNAL_HANDLE
 * (another handle type, a permanent import, or an fd that cannot be polled), VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_ImportFenceFdKHR(VkDevice _device, const VkImportFenceFdInfoKHR *pImportFenceFdInfo)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_fence *fence = pvk_fence_from_handle(pImportFenceFdInfo->fence);
   if (pImportFenceFdInfo->handleType != VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT ||
       !(pImportFenceFdInfo->flags & VK_FENCE_IMPORT_TEMPORARY_BIT) || !dev->physical_device->external_sync_fd ||
       !dev->queue_count)
      return pvk_error(VK_ERROR_INVALID_EXTERNAL_HANDLE);
   VkResult result = pvk_sync_fd_wait(dev, pImportFenceFdInfo->fd);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   if (pImportFenceFdInfo->fd >= 0)
      close(pImportFenceFdInfo->fd);
   if (fence->feedback_slot >= 0) {
      pvk_feedback_slot_set(dev, fence->feedback_slot, VK_SUCCESS);
      return VK_SUCCESS;
   }
   /* the renderer's fence: signal it with an empty submission, unless it already is */
   result = pvk_GetFenceStatus(_device, pImportFenceFdInfo->fence);
   if (result == VK_NOT_READY)
      result = pvk_QueueSubmit(pvk_queue_to_handle(&dev->queues[0]), 0, NULL, pImportFenceFdInfo->fence);
   return pvk_error(result);
}

/*
 * vkGetSemaphoreFdKHR (SYNC_FD, binary): the semaphore's pending signal is waited on by an empty
 * submission on the device's first queue, and the sync file of that queue is returned, so it
 * signals after the signal operation. Errors: VK_ERROR_TOO_MANY_OBJECTS, VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetSemaphoreFdKHR(VkDevice _device, const VkSemaphoreGetFdInfoKHR *pGetFdInfo, int *pFd)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   *pFd = -1;
   if (pGetFdInfo->handleType != VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT ||
       !dev->physical_device->external_sync_fd || !dev->queue_count)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   VkResult result = pvk_semaphore_submit_empty(dev, pGetFdInfo->semaphore, true);
   if (result == VK_SUCCESS)
      result = pvk_queue_export_sync_file(&dev->queues[0], pFd);
   return pvk_error(result);
}

/*
 * vkImportSemaphoreFdKHR (SYNC_FD, temporary, binary): waits for the sync file on the CPU (bounded
 * by the host's liveness), closes it, and signals the renderer's semaphore with an empty submission
 * on the device's first queue; the next wait consumes that signal, which leaves the semaphore as
 * the temporary import's end requires. Errors: VK_ERROR_INVALID_EXTERNAL_HANDLE,
 * VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_ImportSemaphoreFdKHR(VkDevice _device, const VkImportSemaphoreFdInfoKHR *pImportSemaphoreFdInfo)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   if (pImportSemaphoreFdInfo->handleType != VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT ||
       !(pImportSemaphoreFdInfo->flags & VK_SEMAPHORE_IMPORT_TEMPORARY_BIT) ||
       !dev->physical_device->external_sync_fd || !dev->queue_count)
      return pvk_error(VK_ERROR_INVALID_EXTERNAL_HANDLE);
   VkResult result = pvk_sync_fd_wait(dev, pImportSemaphoreFdInfo->fd);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   if (pImportSemaphoreFdInfo->fd >= 0)
      close(pImportSemaphoreFdInfo->fd);
   return pvk_error(pvk_semaphore_submit_empty(dev, pImportSemaphoreFdInfo->semaphore, false));
}
