/*
 * VkFence, VkSemaphore (binary and timeline) and VkEvent (spec "Synchronization and Cache Control").
 * Creation, reset and signal are asynchronous. Status is asked from the renderer (one round trip),
 * and waits poll it: the renderer refuses to block its ring thread (Mesa's Venus, without feedback
 * memory, waits the same way: vn_WaitForFences over vn_GetFenceStatus), so a dead host ends any
 * wait with VK_ERROR_DEVICE_LOST within the ring's watchdog time. Fences with a feedback slot
 * (pvk_feedback.c) are read from memory the host writes instead, with a round trip every 200 ms
 * while waiting so that a dead host is still noticed.
 * Not yet: feedback for semaphores and events, sync-file import/export.
 */
#include <sched.h>
#include <time.h>

#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_event.h"
#include "venus-protocol/vn_protocol_driver_fence.h"
#include "venus-protocol/vn_protocol_driver_semaphore.h"

/*
 * Yields before the first sleep. Few: in a TCG guest a yielding vCPU keeps a host core busy that the
 * renderer needs to finish the very work being waited for (Mesa's vn_relax yields 16 times for
 * fences too).
 */
#define PVK_POLL_YIELDS 16u

VkResult
pvk_poll_until(pvk_poll_fn check, void *data, uint64_t timeout_ns)
{
   const int64_t start = pvk_now_ns();
   const int64_t deadline = timeout_ns >= (uint64_t)INT64_MAX - (uint64_t)start ? INT64_MAX
                                                                                 : start + (int64_t)timeout_ns;
   for (uint32_t iter = 0;; iter++) {
      VkResult result = check(data);
      if (result != VK_NOT_READY)
         return result;
      const int64_t now = pvk_now_ns();
      if (now >= deadline)
         return VK_TIMEOUT;
      if (iter < PVK_POLL_YIELDS) {
         sched_yield();
         continue;
      }
      /* 20 us doubling to 320 us, never past the deadline: a longer sleep overshoots the signal
       * by up to its own length */
      int64_t sleep_ns = (20ll * 1000) << PVK_MIN(iter - PVK_POLL_YIELDS, 4u);
      sleep_ns = PVK_MIN(sleep_ns, deadline - now);
      const struct timespec ts = { .tv_sec = sleep_ns / 1000000000, .tv_nsec = sleep_ns % 1000000000 };
      nanosleep(&ts, NULL);
   }
}

/* ---- fences ---- */

static VkResult
pvk_ring_status(struct vn_ring *ring)
{
   /* relaxed: only ever goes from VK_SUCCESS to VK_ERROR_DEVICE_LOST (vn_ring.h) */
   return (VkResult)atomic_load_explicit(&ring->lost, memory_order_relaxed);
}

/* vkCreateFence: asynchronous; the fence gets a feedback slot when the device has them. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateFence(VkDevice _device, const VkFenceCreateInfo *pCreateInfo, const VkAllocationCallbacks *pAllocator,
                VkFence *pFence)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_fence *fence = pvk_object_zalloc(dev, pAllocator, sizeof(*fence), VK_OBJECT_TYPE_FENCE);
   if (!fence)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   VkFence handle = pvk_fence_to_handle(fence);
   vn_async_vkCreateFence(dev->ring, _device, pCreateInfo, NULL, &handle);
   const bool signaled = pCreateInfo->flags & VK_FENCE_CREATE_SIGNALED_BIT;
   fence->feedback_slot = pvk_feedback_slot_alloc(dev, signaled ? VK_SUCCESS : VK_NOT_READY);
   *pFence = handle;
   return VK_SUCCESS;
}

/* vkDestroyFence: asynchronous (a fence with a slot was never given to the renderer to signal). */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyFence(VkDevice _device, VkFence _fence, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_fence *fence = pvk_fence_from_handle(_fence);
   if (!fence)
      return;
   pvk_feedback_slot_free(dev, fence->feedback_slot);
   vn_async_vkDestroyFence(dev->ring, _device, _fence, NULL);
   pvk_free(pvk_device_alloc(dev, pAllocator), fence);
}

VkCommandBuffer
pvk_fence_feedback_cmd(struct pvk_queue *queue, VkFence _fence)
{
   struct pvk_fence *fence = pvk_fence_from_handle(_fence);
   if (!fence || fence->feedback_slot < 0)
      return VK_NULL_HANDLE;
   VkCommandBuffer cmd;
   if (pvk_feedback_cmd(queue->device, fence->feedback_slot, queue->family, &cmd) != VK_SUCCESS) {
      /* no feedback for this fence from now on: the renderer signals it, and is asked */
      pvk_log("fence %llu: no feedback command buffer, falling back to asking the renderer",
              (unsigned long long)fence->base.id);
      pvk_feedback_slot_free(queue->device, fence->feedback_slot);
      fence->feedback_slot = -1;
      return VK_NULL_HANDLE;
   }
   return cmd;
}

/* vkResetFences: asynchronous (ordered before any later submission and status query). */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_ResetFences(VkDevice _device, uint32_t fenceCount, const VkFence *pFences)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   for (uint32_t i = 0; i < fenceCount; i++) {
      struct pvk_fence *fence = pvk_fence_from_handle(pFences[i]);
      if (fence->feedback_slot >= 0)
         pvk_feedback_slot_set(dev, fence->feedback_slot, VK_NOT_READY);
   }
   vn_async_vkResetFences(dev->ring, _device, fenceCount, pFences);
   return VK_SUCCESS;
}

/*
 * vkGetFenceStatus: the feedback slot when the fence has one (no round trip), else one round trip.
 * Returns VK_SUCCESS, VK_NOT_READY or VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetFenceStatus(VkDevice _device, VkFence _fence)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   const struct pvk_fence *fence = pvk_fence_from_handle(_fence);
   if (fence->feedback_slot >= 0) {
      if (pvk_feedback_slot_get(dev, fence->feedback_slot) == VK_SUCCESS)
         return VK_SUCCESS;
      return pvk_ring_status(dev->ring) == VK_SUCCESS ? VK_NOT_READY : pvk_error(VK_ERROR_DEVICE_LOST);
   }
   VkResult result;
   PVK_CALL(dev->ring, result, vkGetFenceStatus, _device, _fence);
   return result == VK_NOT_READY ? result : pvk_error(result);
}

/* how often a wait that reads only feedback memory makes a round trip, to notice a dead host */
#define PVK_FENCE_LIVENESS_NS (200ll * 1000 * 1000)

struct pvk_fence_wait {
   VkDevice device;
   uint32_t count;
   const VkFence *fences;
   bool wait_all;
   uint32_t done; /* with wait_all: fences [0, done) are known signaled (they stay so) */
   int64_t next_liveness_ns;
};

static VkResult
pvk_fence_wait_poll(struct pvk_fence_wait *w)
{
   if (w->wait_all) {
      for (; w->done < w->count; w->done++) {
         const VkResult result = pvk_GetFenceStatus(w->device, w->fences[w->done]);
         if (result != VK_SUCCESS)
            return result;
      }
      return VK_SUCCESS;
   }
   for (uint32_t i = 0; i < w->count; i++) {
      const VkResult result = pvk_GetFenceStatus(w->device, w->fences[i]);
      if (result != VK_NOT_READY)
         return result;
   }
   return VK_NOT_READY;
}

static VkResult
pvk_fence_wait_check(void *data)
{
   struct pvk_fence_wait *w = data;
   const VkResult result = pvk_fence_wait_poll(w);
   if (result != VK_NOT_READY)
      return result;
   /* feedback reads never reach the host: ask it now and then whether it is still there */
   const int64_t now = pvk_now_ns();
   if (now >= w->next_liveness_ns) {
      w->next_liveness_ns = now + PVK_FENCE_LIVENESS_NS;
      struct pvk_device *dev = pvk_device_from_handle(w->device);
      const VkResult alive = pvk_ring_roundtrip(dev->ring);
      if (alive != VK_SUCCESS)
         return alive;
   }
   return VK_NOT_READY;
}

/* vkWaitForFences: polls the fences' status. Returns VK_SUCCESS, VK_TIMEOUT or VK_ERROR_DEVICE_LOST. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_WaitForFences(VkDevice device, uint32_t fenceCount, const VkFence *pFences, VkBool32 waitAll,
                  uint64_t timeout)
{
   struct pvk_fence_wait w = {
      .device = device,
      .count = fenceCount,
      .fences = pFences,
      .wait_all = waitAll || fenceCount == 1,
      .next_liveness_ns = pvk_now_ns() + PVK_FENCE_LIVENESS_NS,
   };
   const VkResult result = pvk_poll_until(pvk_fence_wait_check, &w, timeout);
   return result == VK_TIMEOUT ? result : pvk_error(result);
}

/* ---- semaphores ---- */
struct pvk_semaphore {
   struct pvk_object_base base;
};
PVK_DEFINE_HANDLE_CASTS(pvk_semaphore, base, VkSemaphore, VK_OBJECT_TYPE_SEMAPHORE)

/* vkCreateSemaphore / vkDestroySemaphore: asynchronous (binary and timeline alike) */
PVK_DEFINE_ASYNC_CREATE_DESTROY(semaphore, VkSemaphore, Semaphore, VkSemaphoreCreateInfo,
                                VK_OBJECT_TYPE_SEMAPHORE)

/* vkGetSemaphoreCounterValue (1.2): one round trip. Errors: VK_ERROR_DEVICE_LOST. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetSemaphoreCounterValue(VkDevice _device, VkSemaphore semaphore, uint64_t *pValue)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL(dev->ring, result, vkGetSemaphoreCounterValue, _device, semaphore, pValue);
   return pvk_error(result);
}

/* vkSignalSemaphore (1.2): asynchronous; ordered before every later command on the ring. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_SignalSemaphore(VkDevice _device, const VkSemaphoreSignalInfo *pSignalInfo)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkSignalSemaphore(dev->ring, _device, pSignalInfo);
   return VK_SUCCESS;
}

struct pvk_semaphore_wait {
   VkDevice device;
   const VkSemaphoreWaitInfo *info;
   uint32_t done; /* wait-all: semaphores [0, done) reached their value (counters only grow) */
};

static VkResult
pvk_semaphore_wait_check(void *data)
{
   struct pvk_semaphore_wait *w = data;
   const VkSemaphoreWaitInfo *info = w->info;
   const bool any = info->flags & VK_SEMAPHORE_WAIT_ANY_BIT;
   for (uint32_t i = any ? 0 : w->done; i < info->semaphoreCount; i++) {
      uint64_t value = 0;
      const VkResult result = pvk_GetSemaphoreCounterValue(w->device, info->pSemaphores[i], &value);
      if (result != VK_SUCCESS)
         return result;
      const bool reached = value >= info->pValues[i];
      if (any && reached)
         return VK_SUCCESS;
      if (!any) {
         if (!reached)
            return VK_NOT_READY;
         w->done = i + 1;
      }
   }
   return any && info->semaphoreCount ? VK_NOT_READY : VK_SUCCESS;
}

/* vkWaitSemaphores (1.2): polls the counters. Returns VK_SUCCESS, VK_TIMEOUT or VK_ERROR_DEVICE_LOST. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_WaitSemaphores(VkDevice device, const VkSemaphoreWaitInfo *pWaitInfo, uint64_t timeout)
{
   struct pvk_semaphore_wait w = { .device = device, .info = pWaitInfo };
   const VkResult result = pvk_poll_until(pvk_semaphore_wait_check, &w, timeout);
   return result == VK_TIMEOUT ? result : pvk_error(result);
}

/* ---- events ---- */
struct pvk_event {
   struct pvk_object_base base;
};
PVK_DEFINE_HANDLE_CASTS(pvk_event, base, VkEvent, VK_OBJECT_TYPE_EVENT)

/* vkCreateEvent / vkDestroyEvent: asynchronous */
PVK_DEFINE_ASYNC_CREATE_DESTROY(event, VkEvent, Event, VkEventCreateInfo, VK_OBJECT_TYPE_EVENT)

/* vkGetEventStatus: one round trip. Returns VK_EVENT_SET, VK_EVENT_RESET or VK_ERROR_DEVICE_LOST. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetEventStatus(VkDevice _device, VkEvent event)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL(dev->ring, result, vkGetEventStatus, _device, event);
   return result == VK_EVENT_SET || result == VK_EVENT_RESET ? result : pvk_error(result);
}

/* vkSetEvent / vkResetEvent: asynchronous. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_SetEvent(VkDevice _device, VkEvent event)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkSetEvent(dev->ring, _device, event);
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_ResetEvent(VkDevice _device, VkEvent event)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkResetEvent(dev->ring, _device, event);
   return VK_SUCCESS;
}
