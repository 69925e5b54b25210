/*
 * VkQueryPool (spec "Queries"): asynchronous creation, destruction and host reset. Results come from
 * feedback memory the host writes, without a round trip, as in Mesa's src/virtio/vulkan
 * (vn_query_pool.c, the query parts of vn_feedback.c, vn_command_buffer.c and vn_queue.c); the code
 * is pvk's own:
 *  - every command buffer notes the queries it ends or writes (vkCmdEndQuery, vkCmdEndQueryIndexedEXT,
 *    vkCmdWriteTimestamp(2): one query per view in a multiview render pass instance) and the ranges
 *    it resets (vkCmdResetQueryPool), in order; a reset drops the earlier notes of the queries it
 *    resets; vkCmdExecuteCommands appends the secondaries' notes;
 *  - at vkEndCommandBuffer of a primary, a companion command buffer is recorded from its pool that
 *    copies each noted query, once its result is available (WAIT_BIT: ordered after the end), into
 *    the pool's feedback buffer as 64-bit values followed by a 64-bit availability word, and fills
 *    reset ranges with zeros; vkQueueSubmit puts it right after its command buffer in the same batch
 *    (pvk_queue.c), so the batch's semaphores and fence signal after it;
 *  - vkResetQueryPool clears the range in feedback memory; vkGetQueryPoolResults reads it, and with
 *    VK_QUERY_RESULT_WAIT_BIT polls it (a round trip every 200 ms notices a dead host).
 * A pool's feedback buffer is created by the first vkEndCommandBuffer that needs it (one round trip).
 * Pools without one (no mappable memory on this transport, a query type pvk has no layout for,
 * VK_QUERY_RESULT_WITH_STATUS_BIT_KHR, or a submission feedback could not follow) ask the renderer:
 * one round trip, repeated without VK_QUERY_RESULT_WAIT_BIT (the renderer must not block its ring
 * thread) until the results are available.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_query_pool.h"

enum pvk_query_feedback_state {
   PVK_QUERY_FEEDBACK_NONE,  /* no buffer yet: no query was ended or reset in a recording */
   PVK_QUERY_FEEDBACK_READY, /* every recording that ends or resets a query copies it to feedback */
   PVK_QUERY_FEEDBACK_OFF,   /* results are asked from the renderer, for good */
};

struct pvk_query_pool {
   struct pvk_object_base base;
   uint32_t query_count;
   /* 64-bit values per query in feedback (0: no feedback for this query type) */
   uint32_t value_count;
   /* enum pvk_query_feedback_state; NONE -> READY under mutex, anything -> OFF at any time */
   atomic_int state;
   pthread_mutex_t mutex;
   /* READY: query_count x (value_count values, availability), 64 bits each */
   struct pvk_feedback_buffer fb;
};
PVK_DEFINE_HANDLE_CASTS(pvk_query_pool, base, VkQueryPool, VK_OBJECT_TYPE_QUERY_POOL)

/* The values one query of this type writes (spec "Query Types"), or 0 when pvk keeps none. */
static uint32_t
pvk_query_value_count(const VkQueryPoolCreateInfo *info)
{
   switch (info->queryType) {
   case VK_QUERY_TYPE_OCCLUSION:
   case VK_QUERY_TYPE_TIMESTAMP:
   case VK_QUERY_TYPE_PRIMITIVES_GENERATED_EXT:
      return 1;
   case VK_QUERY_TYPE_PIPELINE_STATISTICS:
      return (uint32_t)__builtin_popcount(info->pipelineStatistics);
   case VK_QUERY_TYPE_TRANSFORM_FEEDBACK_STREAM_EXT:
      return 2;
   default:
      return 0;
   }
}

static inline VkDeviceSize
pvk_query_feedback_stride(const struct pvk_query_pool *pool)
{
   return ((VkDeviceSize)pool->value_count + 1) * sizeof(uint64_t);
}

static inline int
pvk_query_feedback_state(struct pvk_query_pool *pool)
{
   /* acquire: a READY pool's buffer was written before the state */
   return atomic_load_explicit(&pool->state, memory_order_acquire);
}

static void
pvk_query_feedback_off(struct pvk_query_pool *pool)
{
   atomic_store_explicit(&pool->state, PVK_QUERY_FEEDBACK_OFF, memory_order_relaxed);
}

/* vkCreateQueryPool: asynchronous. Errors: VK_ERROR_OUT_OF_HOST_MEMORY. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateQueryPool(VkDevice _device, const VkQueryPoolCreateInfo *pCreateInfo,
                    const VkAllocationCallbacks *pAllocator, VkQueryPool *pQueryPool)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_query_pool *pool = pvk_object_zalloc(dev, pAllocator, sizeof(*pool), VK_OBJECT_TYPE_QUERY_POOL);
   if (!pool)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   if (pthread_mutex_init(&pool->mutex, NULL) != 0) {
      pvk_free(pvk_device_alloc(dev, pAllocator), pool);
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   pool->query_count = pCreateInfo->queryCount;
   pool->value_count = pvk_query_value_count(pCreateInfo);
   atomic_init(&pool->state, pool->value_count ? PVK_QUERY_FEEDBACK_NONE : PVK_QUERY_FEEDBACK_OFF);
   VkQueryPool handle = pvk_query_pool_to_handle(pool);
   vn_async_vkCreateQueryPool(dev->ring, _device, pCreateInfo, NULL, &handle);
   *pQueryPool = handle;
   return VK_SUCCESS;
}

/*
 * vkDestroyQueryPool: asynchronous. The work that used the pool completed (spec), and with it the
 * companions that wrote its feedback (they run in the same batches).
 */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyQueryPool(VkDevice _device, VkQueryPool queryPool, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_query_pool *pool = pvk_query_pool_from_handle(queryPool);
   if (!pool)
      return;
   vn_async_vkDestroyQueryPool(dev->ring, _device, queryPool, NULL);
   if (pool->fb.buffer)
      pvk_feedback_buffer_destroy(dev, &pool->fb);
   pthread_mutex_destroy(&pool->mutex);
   pvk_free(pvk_device_alloc(dev, pAllocator), pool);
}

/* vkResetQueryPool (1.2, host reset): asynchronous on the renderer; feedback is cleared at once. */
VKAPI_ATTR void VKAPI_CALL
pvk_ResetQueryPool(VkDevice _device, VkQueryPool queryPool, uint32_t firstQuery, uint32_t queryCount)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_query_pool *pool = pvk_query_pool_from_handle(queryPool);
   vn_async_vkResetQueryPool(dev->ring, _device, queryPool, firstQuery, queryCount);
   if (pvk_query_feedback_state(pool) != PVK_QUERY_FEEDBACK_READY || firstQuery >= pool->query_count)
      return;
   queryCount = PVK_MIN(queryCount, pool->query_count - firstQuery);
   const VkDeviceSize stride = pvk_query_feedback_stride(pool);
   memset((char *)pool->fb.map + firstQuery * stride, 0, queryCount * stride);
}

/* ---- recording ---- */

static bool
pvk_query_records_reserve(struct pvk_command_buffer *cmd, uint32_t more)
{
   if (cmd->query_count + more <= cmd->query_capacity)
      return true;
   uint32_t capacity = PVK_MAX(cmd->query_capacity * 2, 16u);
   while (capacity < cmd->query_count + more)
      capacity *= 2;
   struct pvk_query_record *queries = realloc(cmd->queries, capacity * sizeof(*queries));
   if (!queries) {
      cmd->record_result = VK_ERROR_OUT_OF_HOST_MEMORY;
      return false;
   }
   cmd->queries = queries;
   cmd->query_capacity = capacity;
   return true;
}

/*
 * Append one record. A reset drops the earlier copies of the queries it resets: their companion copy
 * (which waits for availability) would otherwise wait forever, after the reset.
 */
static void
pvk_query_record_add(struct pvk_command_buffer *cmd, const struct pvk_query_record *record)
{
   if (record->reset) {
      for (uint32_t i = 0; i < cmd->query_count; i++) {
         struct pvk_query_record *r = &cmd->queries[i];
         if (!r->reset && r->pool == record->pool && r->first >= record->first &&
             r->first - record->first < record->count)
            r->count = 0;
      }
   }
   if (pvk_query_records_reserve(cmd, 1))
      cmd->queries[cmd->query_count++] = *record;
}

void
pvk_query_track(struct pvk_command_buffer *cmd, VkQueryPool _pool, uint32_t first, uint32_t count, bool reset)
{
   struct pvk_query_pool *pool = pvk_query_pool_from_handle(_pool);
   if (!pool || pvk_query_feedback_state(pool) == PVK_QUERY_FEEDBACK_OFF || first >= pool->query_count)
      return;
   count = PVK_MIN(count, pool->query_count - first);
   if (reset) {
      pvk_query_record_add(cmd, &(struct pvk_query_record){ pool, first, count, true });
      return;
   }
   /* copies one query each, so that a later reset of some of them drops exactly those */
   for (uint32_t i = 0; i < count; i++)
      pvk_query_record_add(cmd, &(struct pvk_query_record){ pool, first + i, 1, false });
}

void
pvk_query_track_secondary(struct pvk_command_buffer *cmd, const struct pvk_command_buffer *secondary)
{
   for (uint32_t i = 0; i < secondary->query_count; i++) {
      if (secondary->queries[i].count)
         pvk_query_record_add(cmd, &secondary->queries[i]);
   }
}

/* READY, after creating the pool's feedback buffer if it has none yet; OFF when it cannot have one. */
static int
pvk_query_feedback_init(struct pvk_device *dev, struct pvk_query_pool *pool)
{
   int state = pvk_query_feedback_state(pool);
   if (state != PVK_QUERY_FEEDBACK_NONE)
      return state;
   pthread_mutex_lock(&pool->mutex);
   state = atomic_load_explicit(&pool->state, memory_order_relaxed);
   if (state == PVK_QUERY_FEEDBACK_NONE) {
      state = PVK_QUERY_FEEDBACK_OFF;
      if (pvk_feedback_enabled(dev) &&
          pvk_feedback_buffer_create(dev, pool->query_count * pvk_query_feedback_stride(pool), &pool->fb) ==
             VK_SUCCESS)
         state = PVK_QUERY_FEEDBACK_READY;
      /* release: the buffer before the state (pvk_query_feedback_state) */
      atomic_store_explicit(&pool->state, state, memory_order_release);
   }
   pthread_mutex_unlock(&pool->mutex);
   return state;
}

bool
pvk_query_feedback_record(struct pvk_command_buffer *cmd, VkCommandBuffer query_cmd)
{
   struct pvk_device *dev = cmd->device;
   bool recorded = false;
   for (uint32_t i = 0; i < cmd->query_count;) {
      const struct pvk_query_record *r = &cmd->queries[i];
      struct pvk_query_pool *pool = r->pool;
      /* merge the following records of the same kind on the next queries of the same pool */
      uint32_t count = r->count, next = i + 1;
      for (; next < cmd->query_count; next++) {
         const struct pvk_query_record *n = &cmd->queries[next];
         if (!n->count)
            continue;
         if (n->pool != pool || n->reset != r->reset || n->first != r->first + count)
            break;
         count += n->count;
      }
      const uint32_t first = r->first;
      const bool reset = r->reset;
      i = next;
      if (!count || pvk_query_feedback_init(dev, pool) != PVK_QUERY_FEEDBACK_READY)
         continue;

      const VkDeviceSize stride = pvk_query_feedback_stride(pool);
      const VkBufferMemoryBarrier before = {
         .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
         .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
         .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
         .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .buffer = pool->fb.buffer,
         .offset = first * stride,
         .size = count * stride,
      };
      /* earlier writes of the same feedback (companions before this one, or this one) come first; a
       * reset's fill also waits for every earlier command (it has no implicit ordering with them) */
      pvk_CmdPipelineBarrier(query_cmd, reset ? VK_PIPELINE_STAGE_ALL_COMMANDS_BIT : VK_PIPELINE_STAGE_TRANSFER_BIT,
                             VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 1, &before, 0, NULL);
      if (reset) {
         pvk_CmdFillBuffer(query_cmd, pool->fb.buffer, first * stride, count * stride, 0);
      } else {
         /* WAIT_BIT puts the ends and timestamp writes of the queries in the copy's first
          * synchronization scope (spec "vkCmdCopyQueryPoolResults") */
         pvk_CmdCopyQueryPoolResults(query_cmd, pvk_query_pool_to_handle(pool), first, count, pool->fb.buffer,
                                     first * stride, stride,
                                     VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WITH_AVAILABILITY_BIT |
                                        VK_QUERY_RESULT_WAIT_BIT);
      }
      recorded = true;
   }
   if (recorded) {
      const VkMemoryBarrier to_host = {
         .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
         .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
         .dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_HOST_WRITE_BIT,
      };
      pvk_CmdPipelineBarrier(query_cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &to_host,
                             0, NULL, 0, NULL);
   }
   return recorded;
}

void
pvk_query_feedback_disable(const struct pvk_command_buffer *cmd)
{
   for (uint32_t i = 0; i < cmd->query_count; i++)
      pvk_query_feedback_off(cmd->queries[i].pool);
}

/* ---- results ---- */

struct pvk_query_get {
   VkDevice device;
   struct pvk_query_pool *pool;
   uint32_t first, count;
   size_t size;
   void *data;
   VkDeviceSize stride;
   VkQueryResultFlags flags;
   uint32_t done; /* feedback waits: queries [first, first + done) are known available */
};

static VkResult
pvk_query_get_check(void *data)
{
   struct pvk_query_get *q = data;
   struct pvk_device *dev = pvk_device_from_handle(q->device);
   VkResult result;
   PVK_CALL(dev->ring, result, vkGetQueryPoolResults, q->device, pvk_query_pool_to_handle(q->pool), q->first,
            q->count, q->size, q->data, q->stride, q->flags);
   return result;
}

static inline uint64_t
pvk_query_feedback_word(const struct pvk_query_pool *pool, uint32_t query, uint32_t index)
{
   const uint64_t *words = (const uint64_t *)pool->fb.map + (size_t)query * (pool->value_count + 1) + index;
   /* acquire: the values the GPU copied with the availability word are read after it */
   return atomic_load_explicit((const _Atomic uint64_t *)words, memory_order_acquire);
}

/* VK_SUCCESS once every query is available in feedback, VK_NOT_READY, VK_INCOMPLETE when the pool
 * left feedback (ask the renderer instead), or VK_ERROR_DEVICE_LOST. */
static VkResult
pvk_query_feedback_wait_check(void *data)
{
   struct pvk_query_get *q = data;
   for (; q->done < q->count; q->done++) {
      if (!pvk_query_feedback_word(q->pool, q->first + q->done, q->pool->value_count))
         break;
   }
   if (q->done == q->count)
      return VK_SUCCESS;
   if (pvk_query_feedback_state(q->pool) != PVK_QUERY_FEEDBACK_READY)
      return VK_INCOMPLETE;
   /* feedback reads never reach the host: ask it now and then whether it is still there */
   const VkResult alive = pvk_feedback_check_alive(pvk_device_from_handle(q->device));
   return alive == VK_SUCCESS ? VK_NOT_READY : alive;
}

/* Write the results from feedback as the application asked (spec "vkGetQueryPoolResults"). */
static VkResult
pvk_query_feedback_read(const struct pvk_query_get *q)
{
   const struct pvk_query_pool *pool = q->pool;
   const uint32_t values = pool->value_count;
   const bool wide = q->flags & VK_QUERY_RESULT_64_BIT;
   VkResult result = VK_SUCCESS;
   for (uint32_t i = 0; i < q->count; i++) {
      char *dst = (char *)q->data + i * q->stride;
      const uint64_t available = pvk_query_feedback_word(pool, q->first + i, values);
      /* unavailable: nothing is written, except zeros (a valid partial result) with PARTIAL_BIT */
      if (!available)
         result = VK_NOT_READY;
      if (available || (q->flags & VK_QUERY_RESULT_PARTIAL_BIT)) {
         for (uint32_t v = 0; v < values; v++) {
            const uint64_t value = available ? pvk_query_feedback_word(pool, q->first + i, v) : 0;
            if (wide)
               memcpy(dst + v * sizeof(uint64_t), &value, sizeof(uint64_t));
            else
               memcpy(dst + v * sizeof(uint32_t), &(uint32_t){ (uint32_t)value }, sizeof(uint32_t));
         }
      }
      if (q->flags & VK_QUERY_RESULT_WITH_AVAILABILITY_BIT) {
         if (wide)
            memcpy(dst + values * sizeof(uint64_t), &available, sizeof(uint64_t));
         else
            memcpy(dst + values * sizeof(uint32_t), &(uint32_t){ available != 0 }, sizeof(uint32_t));
      }
   }
   return result;
}

/*
 * vkGetQueryPoolResults: from feedback memory when the pool has it (no round trip; with WAIT_BIT,
 * polled until every query is available, a round trip every 200 ms noticing a dead host); otherwise
 * one round trip, repeated while WAIT_BIT was asked and a result is not available yet. Returns
 * VK_SUCCESS, VK_NOT_READY (without WAIT_BIT) or VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetQueryPoolResults(VkDevice device, VkQueryPool queryPool, uint32_t firstQuery, uint32_t queryCount,
                        size_t dataSize, void *pData, VkDeviceSize stride, VkQueryResultFlags flags)
{
   struct pvk_query_pool *pool = pvk_query_pool_from_handle(queryPool);
   struct pvk_query_get q = {
      .device = device,
      .pool = pool,
      .first = firstQuery,
      .count = queryCount,
      .size = dataSize,
      .data = pData,
      .stride = stride,
      .flags = flags & ~VK_QUERY_RESULT_WAIT_BIT,
   };
   VkResult result;
   if (pvk_query_feedback_state(pool) == PVK_QUERY_FEEDBACK_READY &&
       !(flags & VK_QUERY_RESULT_WITH_STATUS_BIT_KHR) && firstQuery <= pool->query_count &&
       queryCount <= pool->query_count - firstQuery) {
      result = VK_SUCCESS;
      if (flags & VK_QUERY_RESULT_WAIT_BIT)
         result = pvk_poll_until(pvk_query_feedback_wait_check, &q, UINT64_MAX);
      else if (pvk_query_feedback_state(pool) != PVK_QUERY_FEEDBACK_READY)
         result = VK_INCOMPLETE;
      if (result == VK_SUCCESS)
         result = pvk_query_feedback_read(&q);
      if (result != VK_INCOMPLETE)
         return result == VK_NOT_READY ? result : pvk_error(result);
      /* the pool left feedback while we waited: ask the renderer */
   }
   if (flags & VK_QUERY_RESULT_WAIT_BIT)
      result = pvk_poll_until(pvk_query_get_check, &q, UINT64_MAX);
   else
      result = pvk_query_get_check(&q);
   return result == VK_NOT_READY ? result : pvk_error(result);
}
