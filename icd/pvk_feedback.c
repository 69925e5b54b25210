/*
 * Feedback memory: fence, timeline semaphore and event status read from memory the host writes, not
 * asked with a round trip. One host-visible buffer per device holds 4-byte slots. Each slot has, per
 * queue family, a small command buffer (recorded once, simultaneous-use) that, after everything
 * submitted before it, fills the slot with VK_SUCCESS.
 *  - Fences: vkQueueSubmit appends it as a last batch of every submission that signals a fence owning
 *    the slot, and then gives the renderer no fence at all. The slot is written before the host's
 *    submission retires, so the renderer's fence must never be pending when pvk resets or destroys
 *    it: not attaching it makes both always safe, and keeping the command buffers with their slot
 *    (freed only with the device) means none is ever freed or re-recorded while the host may still be
 *    executing its last instructions. vkResetFences writes VK_NOT_READY from the CPU.
 *  - Timeline semaphores (pvk_sync.c, pvk_queue.c): every signal a submission makes gets a slot of its
 *    own, filled by a batch that waits for the semaphore to reach the signalled value; the counter is
 *    the highest value whose slot was written.
 *  - Events: vkCmdSetEvent/vkCmdResetEvent fill the event's slot with VK_EVENT_SET/VK_EVENT_RESET in
 *    the application's command buffer, right after the event command.
 * Mesa's src/virtio/vulkan/vn_feedback.c keeps fence, semaphore and event status in memory for the
 * same reason; the code is pvk's own.
 *
 * Without mappable memory (vtest on a host without udmabuf) there is no feedback: fences, semaphores
 * and events fall back to asking the renderer.
 */
#include "pvk_objects.h"

/* 16 KiB: fences and events hold a slot for their lifetime, timeline signals while in flight */
#define PVK_FEEDBACK_SLOTS 4096u

/* how often reads of feedback memory make a round trip, to notice a dead host */
#define PVK_FEEDBACK_LIVENESS_NS (200ll * 1000 * 1000)

/* work that waits for slots to be written (pvk_feedback_defer) */
struct pvk_feedback_deferred {
   struct pvk_feedback_deferred *next;
   pvk_feedback_deferred_fn fn;
   uint64_t data;
   uint32_t slot_count;
   int32_t slots[];
};

struct pvk_feedback {
   struct pvk_feedback_buffer mem;
   VkBuffer buffer;  /* mem.buffer */
   uint32_t *slots; /* mapped: PVK_FEEDBACK_SLOTS VkResult values, written by the GPU and by us */

   /* the next time a feedback read makes a liveness round trip (relaxed: one check more or less) */
   atomic_int_fast64_t next_liveness_ns;

   pthread_mutex_t mutex; /* protects used[], cmds[], pools[] (pools are externally synchronized), deferred */
   struct pvk_feedback_deferred *deferred;
   uint64_t used[PVK_FEEDBACK_SLOTS / 64];
   /* cmds[slot * pool_count + family]: the slot's fill for that family, recorded on first use */
   VkCommandBuffer *cmds;
   uint32_t pool_count;
   VkCommandPool pools[]; /* one per queue family, created on first use */
};

/* serializes the lazy creation of every device's feedback state (once per device, rare) */
static pthread_mutex_t pvk_feedback_init_mutex = PTHREAD_MUTEX_INITIALIZER;

/* A host-visible, coherent memory type in type_bits, or UINT32_MAX. */
static uint32_t
pvk_feedback_memory_type(const struct pvk_device *dev, uint32_t type_bits)
{
   const VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
   const VkPhysicalDeviceMemoryProperties *props = &dev->physical_device->memory_properties;
   for (uint32_t i = 0; i < props->memoryTypeCount; i++) {
      if ((type_bits & (1u << i)) && (props->memoryTypes[i].propertyFlags & want) == want)
         return i;
   }
   return UINT32_MAX;
}

VkResult
pvk_feedback_buffer_create(struct pvk_device *dev, VkDeviceSize size, struct pvk_feedback_buffer *out)
{
   VkDevice device = pvk_device_to_handle(dev);
   *out = (struct pvk_feedback_buffer){ 0 };
   if (!dev->instance->renderer->ops->memory_blob_create)
      return VK_ERROR_FEATURE_NOT_PRESENT;

   /* every queue family fills slots (event slots from the application's command buffers, query
    * results from theirs): concurrent sharing needs no ownership transfer (Mesa's
    * vn_feedback_buffer_create does the same) */
   uint32_t family_indices[64];
   const uint32_t family_count =
      PVK_MIN(dev->physical_device->queue_family_count, (uint32_t)PVK_ARRAY_SIZE(family_indices));
   for (uint32_t i = 0; i < family_count; i++)
      family_indices[i] = i;
   const VkBufferCreateInfo buffer_info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = size,
      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .sharingMode = family_count > 1 ? VK_SHARING_MODE_CONCURRENT : VK_SHARING_MODE_EXCLUSIVE,
      .queueFamilyIndexCount = family_count > 1 ? family_count : 0,
      .pQueueFamilyIndices = family_count > 1 ? family_indices : NULL,
   };
   VkResult result = pvk_CreateBuffer(device, &buffer_info, NULL, &out->buffer);
   if (result != VK_SUCCESS)
      return result;
   VkMemoryRequirements reqs;
   pvk_GetBufferMemoryRequirements(device, out->buffer, &reqs);
   const VkMemoryAllocateInfo alloc_info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = reqs.size,
      .memoryTypeIndex = pvk_feedback_memory_type(dev, reqs.memoryTypeBits),
   };
   if (alloc_info.memoryTypeIndex == UINT32_MAX || !reqs.size) {
      result = VK_ERROR_FEATURE_NOT_PRESENT;
      goto fail_buffer;
   }
   result = pvk_AllocateMemory(device, &alloc_info, NULL, &out->memory);
   if (result != VK_SUCCESS)
      goto fail_buffer;
   result = pvk_BindBufferMemory(device, out->buffer, out->memory, 0);
   if (result == VK_SUCCESS)
      result = pvk_MapMemory(device, out->memory, 0, VK_WHOLE_SIZE, 0, &out->map);
   if (result != VK_SUCCESS)
      goto fail_memory;
   /* new memory holds whatever the host had there */
   memset(out->map, 0, size);
   return VK_SUCCESS;

fail_memory:
   pvk_FreeMemory(device, out->memory, NULL);
fail_buffer:
   pvk_DestroyBuffer(device, out->buffer, NULL);
   *out = (struct pvk_feedback_buffer){ 0 };
   return result;
}

void
pvk_feedback_buffer_destroy(struct pvk_device *dev, struct pvk_feedback_buffer *buf)
{
   VkDevice device = pvk_device_to_handle(dev);
   pvk_DestroyBuffer(device, buf->buffer, NULL);
   pvk_FreeMemory(device, buf->memory, NULL);
   *buf = (struct pvk_feedback_buffer){ 0 };
}

static struct pvk_feedback *
pvk_feedback_create(struct pvk_device *dev)
{
   const uint32_t families = dev->physical_device->queue_family_count;
   struct pvk_feedback *fb = calloc(1, sizeof(*fb) + families * sizeof(fb->pools[0]));
   if (!fb)
      return NULL;
   fb->pool_count = families;
   fb->cmds = calloc((size_t)PVK_FEEDBACK_SLOTS * PVK_MAX(families, 1), sizeof(fb->cmds[0]));
   if (!fb->cmds)
      goto fail_free;
   if (pthread_mutex_init(&fb->mutex, NULL) != 0)
      goto fail_free;
   if (pvk_feedback_buffer_create(dev, PVK_FEEDBACK_SLOTS * sizeof(uint32_t), &fb->mem) != VK_SUCCESS)
      goto fail_mutex;
   fb->buffer = fb->mem.buffer;
   fb->slots = fb->mem.map;
   atomic_init(&fb->next_liveness_ns, pvk_now_ns() + PVK_FEEDBACK_LIVENESS_NS);
   return fb;

fail_mutex:
   pthread_mutex_destroy(&fb->mutex);
fail_free:
   free(fb->cmds);
   free(fb);
   return NULL;
}

/* The device's feedback state, created on first use; NULL when the transport cannot have one. */
static struct pvk_feedback *
pvk_feedback_get(struct pvk_device *dev)
{
   /* acquire: the creating thread's writes to the state happen before we use it */
   struct pvk_feedback *fb = atomic_load_explicit(&dev->feedback, memory_order_acquire);
   if (fb || atomic_load_explicit(&dev->feedback_failed, memory_order_relaxed))
      return fb;
   pthread_mutex_lock(&pvk_feedback_init_mutex);
   fb = atomic_load_explicit(&dev->feedback, memory_order_relaxed);
   if (!fb && !atomic_load_explicit(&dev->feedback_failed, memory_order_relaxed)) {
      fb = pvk_feedback_create(dev);
      if (fb)
         atomic_store_explicit(&dev->feedback, fb, memory_order_release);
      else
         atomic_store_explicit(&dev->feedback_failed, true, memory_order_relaxed);
   }
   pthread_mutex_unlock(&pvk_feedback_init_mutex);
   return fb;
}

static VkResult
pvk_feedback_slot_read(const struct pvk_feedback *fb, int32_t slot)
{
   /* acquire: the GPU's writes before the fill (made visible by its barrier) are seen after it */
   return (VkResult)atomic_load_explicit((_Atomic uint32_t *)&fb->slots[slot], memory_order_acquire);
}

/* Unlink the deferred work whose slots are all written (all: every entry). fb->mutex held. */
static struct pvk_feedback_deferred *
pvk_feedback_collect_locked(struct pvk_feedback *fb, bool all)
{
   struct pvk_feedback_deferred *ready = NULL;
   for (struct pvk_feedback_deferred **link = &fb->deferred; *link;) {
      struct pvk_feedback_deferred *d = *link;
      bool done = true;
      for (uint32_t i = 0; i < d->slot_count && done && !all; i++)
         done = pvk_feedback_slot_read(fb, d->slots[i]) == VK_SUCCESS;
      if (!done) {
         link = &d->next;
         continue;
      }
      *link = d->next;
      d->next = ready;
      ready = d;
   }
   return ready;
}

/* Run collected deferred work and give its slots back. fb->mutex not held. */
static void
pvk_feedback_run(struct pvk_device *dev, struct pvk_feedback_deferred *ready)
{
   while (ready) {
      struct pvk_feedback_deferred *next = ready->next;
      ready->fn(dev, ready->data);
      for (uint32_t i = 0; i < ready->slot_count; i++)
         pvk_feedback_slot_free(dev, ready->slots[i]);
      free(ready);
      ready = next;
   }
}

void
pvk_feedback_defer(struct pvk_device *dev, const int32_t *slots, uint32_t count, pvk_feedback_deferred_fn fn,
                   uint64_t data)
{
   struct pvk_feedback *fb = atomic_load_explicit(&dev->feedback, memory_order_acquire);
   struct pvk_feedback_deferred *d = fb ? malloc(sizeof(*d) + count * sizeof(d->slots[0])) : NULL;
   if (!d) {
      /* out of memory: leak the slots and skip the work rather than risk a late fill landing in
       * a slot's next owner */
      return;
   }
   d->fn = fn;
   d->data = data;
   d->slot_count = count;
   memcpy(d->slots, slots, count * sizeof(d->slots[0]));
   pthread_mutex_lock(&fb->mutex);
   d->next = fb->deferred;
   fb->deferred = d;
   pthread_mutex_unlock(&fb->mutex);
}

bool
pvk_feedback_enabled(struct pvk_device *dev)
{
   return pvk_feedback_get(dev) != NULL;
}

VkBuffer
pvk_feedback_buffer(struct pvk_device *dev, int32_t slot, VkDeviceSize *offset)
{
   struct pvk_feedback *fb = atomic_load_explicit(&dev->feedback, memory_order_acquire);
   *offset = (VkDeviceSize)slot * sizeof(uint32_t);
   return fb->buffer;
}

VkResult
pvk_feedback_check_alive(struct pvk_device *dev)
{
   struct pvk_feedback *fb = atomic_load_explicit(&dev->feedback, memory_order_acquire);
   /* relaxed: only ever goes from VK_SUCCESS to VK_ERROR_DEVICE_LOST (vn_ring.h) */
   const VkResult lost = (VkResult)atomic_load_explicit(&dev->ring->lost, memory_order_relaxed);
   if (!fb || lost != VK_SUCCESS)
      return lost;
   const int64_t now = pvk_now_ns();
   int_fast64_t next = atomic_load_explicit(&fb->next_liveness_ns, memory_order_relaxed);
   if (now < next)
      return VK_SUCCESS;
   /* one thread makes the round trip; the others keep reading memory */
   if (!atomic_compare_exchange_strong_explicit(&fb->next_liveness_ns, &next, now + PVK_FEEDBACK_LIVENESS_NS,
                                                memory_order_relaxed, memory_order_relaxed))
      return VK_SUCCESS;
   return pvk_ring_roundtrip(dev->ring);
}

void
pvk_feedback_fini(struct pvk_device *dev)
{
   struct pvk_feedback *fb = atomic_load_explicit(&dev->feedback, memory_order_acquire);
   if (!fb)
      return;
   /* the device is idle: whatever waited for the GPU may run now */
   pthread_mutex_lock(&fb->mutex);
   struct pvk_feedback_deferred *ready = pvk_feedback_collect_locked(fb, true);
   pthread_mutex_unlock(&fb->mutex);
   pvk_feedback_run(dev, ready);
   VkDevice device = pvk_device_to_handle(dev);
   for (uint32_t i = 0; i < fb->pool_count; i++) {
      if (fb->pools[i])
         pvk_DestroyCommandPool(device, fb->pools[i], NULL);
   }
   pvk_feedback_buffer_destroy(dev, &fb->mem);
   pthread_mutex_destroy(&fb->mutex);
   free(fb->cmds);
   free(fb);
   atomic_store_explicit(&dev->feedback, NULL, memory_order_relaxed);
}

int32_t
pvk_feedback_slot_alloc(struct pvk_device *dev, VkResult initial)
{
   struct pvk_feedback *fb = pvk_feedback_get(dev);
   if (!fb)
      return -1;
   int32_t slot = -1;
   pthread_mutex_lock(&fb->mutex);
   struct pvk_feedback_deferred *ready = fb->deferred ? pvk_feedback_collect_locked(fb, false) : NULL;
   for (uint32_t w = 0; w < PVK_ARRAY_SIZE(fb->used) && slot < 0; w++) {
      if (~fb->used[w]) {
         const uint32_t bit = __builtin_ctzll(~fb->used[w]);
         fb->used[w] |= 1ull << bit;
         slot = (int32_t)(w * 64 + bit);
      }
   }
   pthread_mutex_unlock(&fb->mutex);
   pvk_feedback_run(dev, ready);
   if (slot >= 0)
      pvk_feedback_slot_set(dev, slot, initial);
   return slot;
}

void
pvk_feedback_slot_free(struct pvk_device *dev, int32_t slot)
{
   struct pvk_feedback *fb = atomic_load_explicit(&dev->feedback, memory_order_acquire);
   if (!fb || slot < 0)
      return;
   /* the slot's command buffers stay recorded for its next owner */
   pthread_mutex_lock(&fb->mutex);
   fb->used[slot / 64] &= ~(1ull << (slot % 64));
   pthread_mutex_unlock(&fb->mutex);
}

void
pvk_feedback_slot_set(struct pvk_device *dev, int32_t slot, VkResult value)
{
   struct pvk_feedback *fb = atomic_load_explicit(&dev->feedback, memory_order_acquire);
   /* release: whatever the caller did before (a reset) is ordered before the new value */
   atomic_store_explicit((_Atomic uint32_t *)&fb->slots[slot], (uint32_t)value, memory_order_release);
}

VkResult
pvk_feedback_slot_get(struct pvk_device *dev, int32_t slot)
{
   return pvk_feedback_slot_read(atomic_load_explicit(&dev->feedback, memory_order_acquire), slot);
}

/*
 * Records into cmd the write of one feedback word: a global barrier from src_stages/src_access to
 * the transfer, vkCmdFillBuffer of value into the 4 bytes at offset of buffer, and a barrier that
 * makes the word visible to host reads and writes. Used for fence and event feedback (Mesa's
 * vn_feedback_cmd_record and vn_event_feedback_cmd_record do the same with their own barriers).
 */
void
pvk_feedback_cmd_write(VkCommandBuffer cmd, VkBuffer buffer, VkDeviceSize offset, uint32_t value,
                       VkPipelineStageFlags src_stages, VkAccessFlags src_access)
{
   const VkMemoryBarrier before = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = src_access,
      .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
   };
   pvk_CmdPipelineBarrier(cmd, src_stages, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &before, 0, NULL, 0, NULL);
   pvk_CmdFillBuffer(cmd, buffer, offset, sizeof(uint32_t), value);
   const VkBufferMemoryBarrier after = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_HOST_WRITE_BIT,
      .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
      .buffer = buffer,
      .offset = offset,
      .size = sizeof(uint32_t),
   };
   pvk_CmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, NULL, 1, &after, 0,
                          NULL);
}

VkResult
pvk_feedback_cmd(struct pvk_device *dev, int32_t slot, uint32_t family, VkCommandBuffer *out)
{
   struct pvk_feedback *fb = atomic_load_explicit(&dev->feedback, memory_order_acquire);
   VkDevice device = pvk_device_to_handle(dev);
   if (family >= fb->pool_count)
      return VK_ERROR_FEATURE_NOT_PRESENT;
   VkResult result = VK_SUCCESS;
   pthread_mutex_lock(&fb->mutex);
   VkCommandBuffer *cmd = &fb->cmds[(size_t)slot * fb->pool_count + family];
   if (*cmd) {
      *out = *cmd;
      pthread_mutex_unlock(&fb->mutex);
      return VK_SUCCESS;
   }
   if (!fb->pools[family]) {
      const VkCommandPoolCreateInfo pool_info = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
         .queueFamilyIndex = family,
      };
      result = pvk_CreateCommandPool(device, &pool_info, NULL, &fb->pools[family]);
   }
   if (result == VK_SUCCESS) {
      const VkCommandBufferAllocateInfo alloc = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
         .commandPool = fb->pools[family],
         .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
         .commandBufferCount = 1,
      };
      result = pvk_AllocateCommandBuffers(device, &alloc, cmd);
   }
   if (result == VK_SUCCESS) {
      /* submitted again while the host may still be retiring its previous submission */
      const VkCommandBufferBeginInfo begin = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
         .flags = VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT,
      };
      pvk_BeginCommandBuffer(*cmd, &begin);
      /* everything submitted before (submission order) completes before the fill */
      pvk_feedback_cmd_write(*cmd, fb->buffer, (VkDeviceSize)slot * sizeof(uint32_t), VK_SUCCESS,
                             VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_ACCESS_MEMORY_WRITE_BIT);
      result = pvk_EndCommandBuffer(*cmd);
      if (result != VK_SUCCESS) {
         pvk_FreeCommandBuffers(device, fb->pools[family], 1, cmd);
         *cmd = VK_NULL_HANDLE;
      }
   }
   *out = *cmd;
   pthread_mutex_unlock(&fb->mutex);
   return result;
}
