/*
 * VkFence, VkSemaphore (binary and timeline) and VkEvent (spec "Synchronization and Cache Control").
 * Creation, reset and signal are asynchronous. Status comes from feedback memory (pvk_feedback.c)
 * the host writes, without a round trip, for fences, timeline semaphores and host-visible events;
 * reads of it make a round trip at most every 200 ms so that a dead host is still noticed. Without
 * feedback memory (or a slot) status is asked from the renderer (one round trip), and waits poll
 * it: the renderer refuses to block its ring thread (Mesa's Venus, without feedback memory, waits
 * the same way: vn_WaitForFences over vn_GetFenceStatus), so a dead host ends any wait with
 * VK_ERROR_DEVICE_LOST within the ring's watchdog time.
 * Sync files: pvk_sync_fd.c (the renderer never sees the export structs: its driver need not have
 * external fences or semaphores).
 */
#include <sched.h>
#include <time.h>

#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_command_buffer.h"
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
   /* external handles: sync files are pvk's own (pvk_sync_fd.c); VkExportFenceCreateInfo is the
    * only struct that extends the create info on Linux */
   const VkFenceCreateInfo host_info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, .flags = pCreateInfo->flags };
   vn_async_vkCreateFence(dev->ring, _device, &host_info, NULL, &handle);
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
   if (fence)
      atomic_store_explicit(&fence->queue, queue, memory_order_release); /* for sync-file export */
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

/* a GPU signal of a timeline semaphore still in flight: its slot is written once value is reached */
struct pvk_timeline_point {
   uint64_t value;
   int32_t slot;
};

struct pvk_semaphore {
   struct pvk_object_base base;
   pthread_mutex_t mutex; /* feedback, value, points */
   /* a timeline semaphore whose counter is known here; false: it is asked from the renderer
    * (binary semaphores, no feedback memory, or a signal that found no slot) */
   bool feedback;
   /* the highest value known reached: initial value, host signals, written points */
   uint64_t value;
   struct pvk_timeline_point *points;
   uint32_t point_count, point_capacity;
};
PVK_DEFINE_HANDLE_CASTS(pvk_semaphore, base, VkSemaphore, VK_OBJECT_TYPE_SEMAPHORE)

/* Fold the points whose slot was written into value, freeing their slots. sem->mutex held. */
static void
pvk_semaphore_retire_locked(struct pvk_device *dev, struct pvk_semaphore *sem)
{
   for (uint32_t i = 0; i < sem->point_count;) {
      const struct pvk_timeline_point *point = &sem->points[i];
      if (pvk_feedback_slot_get(dev, point->slot) != VK_SUCCESS) {
         i++;
         continue;
      }
      /* each point's batch waited for its value, so any written point is a lower bound; the
       * maximum keeps the counter monotonic whatever order the queues wrote them in */
      sem->value = PVK_MAX(sem->value, point->value);
      pvk_feedback_slot_free(dev, point->slot);
      sem->points[i] = sem->points[--sem->point_count];
   }
}

/*
 * vkCreateSemaphore: asynchronous (binary and timeline alike). A timeline semaphore that is not
 * exported gets feedback when the device has feedback memory. Errors: VK_ERROR_OUT_OF_HOST_MEMORY.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateSemaphore(VkDevice _device, const VkSemaphoreCreateInfo *pCreateInfo,
                    const VkAllocationCallbacks *pAllocator, VkSemaphore *pSemaphore)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_semaphore *sem = pvk_object_zalloc(dev, pAllocator, sizeof(*sem), VK_OBJECT_TYPE_SEMAPHORE);
   if (!sem)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   if (pthread_mutex_init(&sem->mutex, NULL) != 0) {
      pvk_free(pvk_device_alloc(dev, pAllocator), sem);
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   bool timeline = false, exported = false;
   /* the renderer gets the type only: sync files are pvk's own (pvk_sync_fd.c), so the export
    * struct (which its driver may not support) stays here */
   VkSemaphoreTypeCreateInfo host_type;
   VkSemaphoreCreateInfo host_info = { .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, .flags = pCreateInfo->flags };
   for (const VkBaseInStructure *s = pCreateInfo->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO) {
         const VkSemaphoreTypeCreateInfo *type = (const VkSemaphoreTypeCreateInfo *)s;
         timeline = type->semaphoreType == VK_SEMAPHORE_TYPE_TIMELINE;
         sem->value = type->initialValue;
         host_type = *type;
         host_type.pNext = NULL;
         host_info.pNext = &host_type;
      } else if (s->sType == VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO) {
         exported = ((const VkExportSemaphoreCreateInfo *)s)->handleTypes != 0;
      }
   }
   /* an exported payload can be signalled where pvk does not see it */
   sem->feedback = timeline && !exported && pvk_feedback_enabled(dev);
   VkSemaphore handle = pvk_semaphore_to_handle(sem);
   vn_async_vkCreateSemaphore(dev->ring, _device, &host_info, NULL, &handle);
   *pSemaphore = handle;
   return VK_SUCCESS;
}

static void
pvk_semaphore_destroy_deferred(struct pvk_device *dev, uint64_t id)
{
   /* the wire names the object by its id alone (vn_cs_handle_load_id) */
   struct pvk_semaphore stub = { .base = { .type = VK_OBJECT_TYPE_SEMAPHORE, .id = id } };
   vn_async_vkDestroySemaphore(dev->ring, pvk_device_to_handle(dev), pvk_semaphore_to_handle(&stub), NULL);
}

/*
 * vkDestroySemaphore: asynchronous. While a feedback batch waiting on the semaphore may still be
 * pending on the host (the application only waited for its own batches), the renderer's semaphore
 * is destroyed later, once those batches wrote their slots (pvk_feedback_defer).
 */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroySemaphore(VkDevice _device, VkSemaphore _semaphore, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_semaphore *sem = pvk_semaphore_from_handle(_semaphore);
   if (!sem)
      return;
   pvk_semaphore_retire_locked(dev, sem); /* externally synchronized: no other user */
   if (sem->point_count) {
      int32_t local[16];
      int32_t *slots = sem->point_count <= PVK_ARRAY_SIZE(local) ? local : malloc(sem->point_count * sizeof(*slots));
      if (slots) {
         for (uint32_t i = 0; i < sem->point_count; i++)
            slots[i] = sem->points[i].slot;
         pvk_feedback_defer(dev, slots, sem->point_count, pvk_semaphore_destroy_deferred, sem->base.id);
      }
      /* without memory for the list the slots and the renderer's semaphore leak (never unsafe) */
      if (slots != local)
         free(slots);
   } else {
      vn_async_vkDestroySemaphore(dev->ring, _device, _semaphore, NULL);
   }
   free(sem->points);
   pthread_mutex_destroy(&sem->mutex);
   pvk_free(pvk_device_alloc(dev, pAllocator), sem);
}

VkCommandBuffer
pvk_semaphore_feedback_cmd(struct pvk_queue *queue, VkSemaphore _semaphore, uint64_t value)
{
   struct pvk_device *dev = queue->device;
   struct pvk_semaphore *sem = pvk_semaphore_from_handle(_semaphore);
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   if (!sem)
      return cmd;
   pthread_mutex_lock(&sem->mutex);
   if (!sem->feedback) {
      pthread_mutex_unlock(&sem->mutex);
      return cmd;
   }
   /* written points go first, so an application that never reads the counter keeps only the
    * signals in flight */
   pvk_semaphore_retire_locked(dev, sem);
   VkResult result = VK_SUCCESS;
   if (sem->point_count == sem->point_capacity) {
      const uint32_t capacity = PVK_MAX(sem->point_capacity * 2, 4u);
      struct pvk_timeline_point *points = realloc(sem->points, capacity * sizeof(*points));
      if (points) {
         sem->points = points;
         sem->point_capacity = capacity;
      } else {
         result = VK_ERROR_OUT_OF_HOST_MEMORY;
      }
   }
   const int32_t slot = result == VK_SUCCESS ? pvk_feedback_slot_alloc(dev, VK_NOT_READY) : -1;
   if (slot >= 0 && pvk_feedback_cmd(dev, slot, queue->family, &cmd) != VK_SUCCESS) {
      pvk_feedback_slot_free(dev, slot);
      cmd = VK_NULL_HANDLE;
   }
   if (cmd) {
      sem->points[sem->point_count++] = (struct pvk_timeline_point){ .value = value, .slot = slot };
   } else {
      /* this signal cannot be followed here: from now on the renderer is asked (the points in
       * flight still complete and are freed as they do) */
      pvk_log("semaphore %llu: no feedback slot, falling back to asking the renderer",
              (unsigned long long)sem->base.id);
      sem->feedback = false;
   }
   pthread_mutex_unlock(&sem->mutex);
   return cmd;
}

/*
 * vkGetSemaphoreCounterValue (1.2): with feedback, the highest value whose feedback slot was written
 * or that the host signalled, no round trip (one every 200 ms notices a dead host); otherwise one
 * round trip. Errors: VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetSemaphoreCounterValue(VkDevice _device, VkSemaphore semaphore, uint64_t *pValue)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_semaphore *sem = pvk_semaphore_from_handle(semaphore);
   pthread_mutex_lock(&sem->mutex);
   const bool feedback = sem->feedback;
   if (feedback) {
      pvk_semaphore_retire_locked(dev, sem);
      *pValue = sem->value;
   }
   pthread_mutex_unlock(&sem->mutex);
   VkResult result;
   if (feedback)
      result = pvk_feedback_check_alive(dev);
   else
      PVK_CALL(dev->ring, result, vkGetSemaphoreCounterValue, _device, semaphore, pValue);
   return pvk_error(result);
}

/* vkSignalSemaphore (1.2): asynchronous; ordered before every later command on the ring. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_SignalSemaphore(VkDevice _device, const VkSemaphoreSignalInfo *pSignalInfo)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_semaphore *sem = pvk_semaphore_from_handle(pSignalInfo->semaphore);
   pthread_mutex_lock(&sem->mutex);
   sem->value = PVK_MAX(sem->value, pSignalInfo->value);
   pthread_mutex_unlock(&sem->mutex);
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
   /* feedback slot holding VK_EVENT_SET or VK_EVENT_RESET (-1: none, status asked from the renderer) */
   int32_t feedback_slot;
};
PVK_DEFINE_HANDLE_CASTS(pvk_event, base, VkEvent, VK_OBJECT_TYPE_EVENT)

/*
 * vkCreateEvent: asynchronous. An event the host may query (not DEVICE_ONLY) gets a feedback slot
 * when the device has feedback memory. Errors: VK_ERROR_OUT_OF_HOST_MEMORY.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateEvent(VkDevice _device, const VkEventCreateInfo *pCreateInfo, const VkAllocationCallbacks *pAllocator,
                VkEvent *pEvent)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_event *event = pvk_object_zalloc(dev, pAllocator, sizeof(*event), VK_OBJECT_TYPE_EVENT);
   if (!event)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   VkEvent handle = pvk_event_to_handle(event);
   vn_async_vkCreateEvent(dev->ring, _device, pCreateInfo, NULL, &handle);
   /* events are created unsignaled (spec "Events") */
   event->feedback_slot = pCreateInfo->flags & VK_EVENT_CREATE_DEVICE_ONLY_BIT
                             ? -1
                             : pvk_feedback_slot_alloc(dev, VK_EVENT_RESET);
   *pEvent = handle;
   return VK_SUCCESS;
}

/* vkDestroyEvent: asynchronous (the command buffers that fill the slot have completed: spec). */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyEvent(VkDevice _device, VkEvent _event, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_event *event = pvk_event_from_handle(_event);
   if (!event)
      return;
   pvk_feedback_slot_free(dev, event->feedback_slot);
   vn_async_vkDestroyEvent(dev->ring, _device, _event, NULL);
   pvk_free(pvk_device_alloc(dev, pAllocator), event);
}

/*
 * vkGetEventStatus: the feedback slot when the event has one (no round trip; one every 200 ms
 * notices a dead host), else one round trip. Returns VK_EVENT_SET, VK_EVENT_RESET or
 * VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetEventStatus(VkDevice _device, VkEvent _event)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   const struct pvk_event *event = pvk_event_from_handle(_event);
   VkResult result;
   if (event->feedback_slot >= 0) {
      result = pvk_feedback_check_alive(dev);
      if (result == VK_SUCCESS)
         result = pvk_feedback_slot_get(dev, event->feedback_slot);
   } else {
      PVK_CALL(dev->ring, result, vkGetEventStatus, _device, _event);
   }
   return result == VK_EVENT_SET || result == VK_EVENT_RESET ? result : pvk_error(result);
}

/* vkSetEvent / vkResetEvent: the slot at once, the renderer asynchronously. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_SetEvent(VkDevice _device, VkEvent _event)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   const struct pvk_event *event = pvk_event_from_handle(_event);
   if (event->feedback_slot >= 0)
      pvk_feedback_slot_set(dev, event->feedback_slot, VK_EVENT_SET);
   vn_async_vkSetEvent(dev->ring, _device, _event);
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_ResetEvent(VkDevice _device, VkEvent _event)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   const struct pvk_event *event = pvk_event_from_handle(_event);
   if (event->feedback_slot >= 0)
      pvk_feedback_slot_set(dev, event->feedback_slot, VK_EVENT_RESET);
   vn_async_vkResetEvent(dev->ring, _device, _event);
   return VK_SUCCESS;
}

/*
 * After a vkCmdSetEvent(2) or vkCmdResetEvent(2) recorded in commandBuffer: fill the event's slot with
 * status once the stages the event command waits for (src_stages, legacy flags) are done. The fill
 * also waits for earlier fills (TRANSFER) and host writes to the slot, and is made visible to the
 * host. As Mesa's vn_event_feedback_cmd_record, it comes after the event command so that the event
 * command itself gets no extra dependency.
 */
static void
pvk_event_feedback_record(VkCommandBuffer commandBuffer, VkEvent _event, VkPipelineStageFlags src_stages,
                          VkResult status)
{
   const struct pvk_event *event = pvk_event_from_handle(_event);
   if (!event || event->feedback_slot < 0)
      return;
   struct pvk_device *dev = pvk_command_buffer_from_handle(commandBuffer)->device;
   VkDeviceSize offset;
   const VkBuffer buffer = pvk_feedback_buffer(dev, event->feedback_slot, &offset);
   pvk_feedback_cmd_write(commandBuffer, buffer, offset, (uint32_t)status,
                          src_stages | VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                          VK_ACCESS_HOST_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT);
}

/* A synchronization2 stage mask as legacy flags (the bits below 32 are the same; the others are
 * covered by ALL_COMMANDS). */
static VkPipelineStageFlags
pvk_stages2_to_legacy(VkPipelineStageFlags2 stages)
{
   return stages >> 32 ? VK_PIPELINE_STAGE_ALL_COMMANDS_BIT : (VkPipelineStageFlags)stages;
}

static VkPipelineStageFlags
pvk_dependency_src_stages(const VkDependencyInfo *info)
{
   VkPipelineStageFlags2 stages = 0;
   for (uint32_t i = 0; i < info->memoryBarrierCount; i++)
      stages |= info->pMemoryBarriers[i].srcStageMask;
   for (uint32_t i = 0; i < info->bufferMemoryBarrierCount; i++)
      stages |= info->pBufferMemoryBarriers[i].srcStageMask;
   for (uint32_t i = 0; i < info->imageMemoryBarrierCount; i++)
      stages |= info->pImageMemoryBarriers[i].srcStageMask;
   return pvk_stages2_to_legacy(stages);
}

/* vkCmdSetEvent: recorded, then the event's feedback fill. */
VKAPI_ATTR void VKAPI_CALL
pvk_CmdSetEvent(VkCommandBuffer commandBuffer, VkEvent event, VkPipelineStageFlags stageMask)
{
   struct vn_cs_encoder *enc =
      pvk_command_buffer_reserve(commandBuffer, vn_sizeof_vkCmdSetEvent(commandBuffer, event, stageMask));
   if (enc)
      vn_encode_vkCmdSetEvent(enc, 0, commandBuffer, event, stageMask);
   pvk_event_feedback_record(commandBuffer, event, stageMask, VK_EVENT_SET);
}

/* vkCmdResetEvent: recorded, then the event's feedback fill. */
VKAPI_ATTR void VKAPI_CALL
pvk_CmdResetEvent(VkCommandBuffer commandBuffer, VkEvent event, VkPipelineStageFlags stageMask)
{
   struct vn_cs_encoder *enc =
      pvk_command_buffer_reserve(commandBuffer, vn_sizeof_vkCmdResetEvent(commandBuffer, event, stageMask));
   if (enc)
      vn_encode_vkCmdResetEvent(enc, 0, commandBuffer, event, stageMask);
   pvk_event_feedback_record(commandBuffer, event, stageMask, VK_EVENT_RESET);
}

/* vkCmdSetEvent2 (1.3): recorded, then the feedback fill after the dependency's source stages. */
VKAPI_ATTR void VKAPI_CALL
pvk_CmdSetEvent2(VkCommandBuffer commandBuffer, VkEvent event, const VkDependencyInfo *pDependencyInfo)
{
   struct vn_cs_encoder *enc =
      pvk_command_buffer_reserve(commandBuffer, vn_sizeof_vkCmdSetEvent2(commandBuffer, event, pDependencyInfo));
   if (enc)
      vn_encode_vkCmdSetEvent2(enc, 0, commandBuffer, event, pDependencyInfo);
   pvk_event_feedback_record(commandBuffer, event, pvk_dependency_src_stages(pDependencyInfo), VK_EVENT_SET);
}

/* vkCmdResetEvent2 (1.3): recorded, then the event's feedback fill. */
VKAPI_ATTR void VKAPI_CALL
pvk_CmdResetEvent2(VkCommandBuffer commandBuffer, VkEvent event, VkPipelineStageFlags2 stageMask)
{
   struct vn_cs_encoder *enc =
      pvk_command_buffer_reserve(commandBuffer, vn_sizeof_vkCmdResetEvent2(commandBuffer, event, stageMask));
   if (enc)
      vn_encode_vkCmdResetEvent2(enc, 0, commandBuffer, event, stageMask);
   pvk_event_feedback_record(commandBuffer, event, pvk_stages2_to_legacy(stageMask), VK_EVENT_RESET);
}
