/*
 * VkQueryPool (spec "Queries"): asynchronous creation, destruction and host reset; results are one
 * round trip. VK_QUERY_RESULT_WAIT_BIT is not passed on (the renderer must not block its ring
 * thread): pvk asks without it until the results are available, as Mesa's vn_query_pool.c does.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_query_pool.h"

struct pvk_query_pool {
   struct pvk_object_base base;
};
PVK_DEFINE_HANDLE_CASTS(pvk_query_pool, base, VkQueryPool, VK_OBJECT_TYPE_QUERY_POOL)

/* vkCreateQueryPool / vkDestroyQueryPool */
PVK_DEFINE_ASYNC_CREATE_DESTROY(query_pool, VkQueryPool, QueryPool, VkQueryPoolCreateInfo,
                                VK_OBJECT_TYPE_QUERY_POOL)

/* vkResetQueryPool (1.2, host reset): asynchronous. */
VKAPI_ATTR void VKAPI_CALL
pvk_ResetQueryPool(VkDevice _device, VkQueryPool queryPool, uint32_t firstQuery, uint32_t queryCount)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkResetQueryPool(dev->ring, _device, queryPool, firstQuery, queryCount);
}

struct pvk_query_get {
   VkDevice device;
   VkQueryPool pool;
   uint32_t first, count;
   size_t size;
   void *data;
   VkDeviceSize stride;
   VkQueryResultFlags flags;
};

static VkResult
pvk_query_get_check(void *data)
{
   struct pvk_query_get *q = data;
   struct pvk_device *dev = pvk_device_from_handle(q->device);
   VkResult result;
   PVK_CALL(dev->ring, result, vkGetQueryPoolResults, q->device, q->pool, q->first, q->count, q->size, q->data,
            q->stride, q->flags);
   return result;
}

/*
 * vkGetQueryPoolResults: one round trip, repeated while WAIT_BIT was asked and a result is not
 * available yet. Returns VK_SUCCESS, VK_NOT_READY (without WAIT_BIT) or VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetQueryPoolResults(VkDevice device, VkQueryPool queryPool, uint32_t firstQuery, uint32_t queryCount,
                        size_t dataSize, void *pData, VkDeviceSize stride, VkQueryResultFlags flags)
{
   struct pvk_query_get q = {
      .device = device,
      .pool = queryPool,
      .first = firstQuery,
      .count = queryCount,
      .size = dataSize,
      .data = pData,
      .stride = stride,
      .flags = flags & ~VK_QUERY_RESULT_WAIT_BIT,
   };
   VkResult result;
   if (flags & VK_QUERY_RESULT_WAIT_BIT)
      result = pvk_poll_until(pvk_query_get_check, &q, UINT64_MAX);
   else
      result = pvk_query_get_check(&q);
   return result == VK_NOT_READY ? result : pvk_error(result);
}
