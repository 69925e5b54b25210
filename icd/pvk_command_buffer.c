/*
 * VkCommandPool and VkCommandBuffer (spec "Command Buffers"). Recording never talks to the host:
 * vkBeginCommandBuffer, every vkCmd* (generated, pvk_cmd_encode.c) and vkEndCommandBuffer are encoded
 * into the command buffer's own Venus stream, which vkEndCommandBuffer hands to the ring in one
 * piece (the ring sends it indirectly, through shared memory, when it is large); the renderer then
 * records the host command buffer from it. Long recordings are sent in pieces of at most
 * PVK_CMD_FLUSH_SIZE (16 MiB). Pools and buffers are created and freed asynchronously. Behaviour follows Mesa
 * src/virtio/vulkan/vn_command_buffer.c; the code is pvk's own.
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

/* Drop what was recorded but not sent: the stream restarts empty. */
static void
pvk_command_buffer_clear(struct pvk_command_buffer *cmd)
{
   cmd->enc.cur = cmd->enc.base;
   cmd->enc.fatal = false;
   cmd->record_result = VK_SUCCESS;
}

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
   free(cmd->enc.base);
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
      struct pvk_command_buffer *cmd = calloc(1, sizeof(*cmd));
      if (!cmd) {
         for (uint32_t j = 0; j < i; j++)
            free(pvk_command_buffer_from_handle(pCommandBuffers[j]));
         for (uint32_t j = 0; j < count; j++)
            pCommandBuffers[j] = VK_NULL_HANDLE;
         return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
      }
      pvk_object_base_init(&cmd->base, VK_OBJECT_TYPE_COMMAND_BUFFER);
      cmd->device = dev;
      cmd->pool = pool;
      cmd->level = pAllocateInfo->level;
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

/* vkFreeCommandBuffers: asynchronous. */
VKAPI_ATTR void VKAPI_CALL
pvk_FreeCommandBuffers(VkDevice _device, VkCommandPool commandPool, uint32_t commandBufferCount,
                       const VkCommandBuffer *pCommandBuffers)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkFreeCommandBuffers(dev->ring, _device, commandPool, commandBufferCount, pCommandBuffers);
   for (uint32_t i = 0; i < commandBufferCount; i++) {
      struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(pCommandBuffers[i]);
      if (cmd)
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
   struct vn_cs_encoder *enc =
      pvk_command_buffer_reserve(commandBuffer, vn_sizeof_vkBeginCommandBuffer(commandBuffer, &info));
   if (!enc)
      return pvk_error(cmd->record_result);
   vn_encode_vkBeginCommandBuffer(enc, 0, commandBuffer, &info);
   return VK_SUCCESS;
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
   else
      pvk_command_buffer_clear(cmd);
   return result == VK_SUCCESS ? VK_SUCCESS : pvk_error(result);
}

/* vkResetCommandBuffer: drops the unsent recording; asynchronous on the renderer. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_ResetCommandBuffer(VkCommandBuffer commandBuffer, VkCommandBufferResetFlags flags)
{
   struct pvk_command_buffer *cmd = pvk_command_buffer_from_handle(commandBuffer);
   pvk_command_buffer_clear(cmd);
   vn_async_vkResetCommandBuffer(cmd->device->ring, commandBuffer, flags);
   return VK_SUCCESS;
}
