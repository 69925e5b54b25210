/*
 * Device-level Vulkan objects (issue 5): memory, resources, state objects, command buffers and
 * synchronization, one file each (pvk_device_memory.c, pvk_buffer.c, pvk_image.c, pvk_pipeline.c,
 * pvk_descriptor.c, pvk_command_buffer.c, pvk_queue.c, pvk_sync.c, pvk_query.c). Behaviour follows
 * Mesa src/virtio/vulkan/vn_*.c; the code is pvk's own.
 *
 * Every object is named on the wire by the Venus object id in its base; the renderer-side object is
 * created with the same id. Creation of objects whose only failure is running out of memory is
 * asynchronous (fire-and-forget into the ring, ordered before every later command); calls that
 * return data or can fail in ways the application must see wait for a reply.
 */
#ifndef PVK_OBJECTS_H
#define PVK_OBJECTS_H

#include "pvk_instance.h"

static inline const VkAllocationCallbacks *
pvk_device_alloc(const struct pvk_device *dev, const VkAllocationCallbacks *pAllocator)
{
   return pAllocator ? pAllocator : &dev->alloc;
}

/* Allocate a zeroed object of `size` bytes whose base is first, with a fresh Venus object id. */
static inline void *
pvk_object_zalloc(const struct pvk_device *dev, const VkAllocationCallbacks *pAllocator, size_t size,
                  VkObjectType type)
{
   struct pvk_object_base *base =
      pvk_zalloc(pvk_device_alloc(dev, pAllocator), size, VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (base)
      pvk_object_base_init(base, type);
   return base;
}

/*
 * vkCreate<Name> for an object whose creation can only fail for lack of memory: asynchronous (Mesa
 * does the same, e.g. vn_CreateSampler). The struct pvk_<obj> must exist.
 * Errors: VK_ERROR_OUT_OF_HOST_MEMORY (the renderer's own out-of-memory surfaces as device loss).
 */
#define PVK_DEFINE_ASYNC_CREATE(obj, VkType, Name, InfoType, vk_object_type)                        \
   VKAPI_ATTR VkResult VKAPI_CALL pvk_Create##Name(VkDevice _device, const InfoType *pCreateInfo,   \
                                                   const VkAllocationCallbacks *pAllocator,         \
                                                   VkType *pOut)                                    \
   {                                                                                                \
      struct pvk_device *dev = pvk_device_from_handle(_device);                                     \
      struct pvk_##obj *o = pvk_object_zalloc(dev, pAllocator, sizeof(*o), vk_object_type);         \
      if (!o)                                                                                       \
         return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);                                             \
      VkType handle = pvk_##obj##_to_handle(o);                                                     \
      vn_async_vkCreate##Name(dev->ring, _device, pCreateInfo, NULL, &handle);                      \
      *pOut = handle;                                                                               \
      return VK_SUCCESS;                                                                            \
   }

/* vkDestroy<Name>: asynchronous on the renderer (destruction cannot fail); a NULL handle is ignored. */
#define PVK_DEFINE_ASYNC_DESTROY(obj, VkType, Name)                                                 \
   VKAPI_ATTR void VKAPI_CALL pvk_Destroy##Name(VkDevice _device, VkType _handle,                   \
                                                const VkAllocationCallbacks *pAllocator)            \
   {                                                                                                \
      struct pvk_device *dev = pvk_device_from_handle(_device);                                     \
      struct pvk_##obj *o = pvk_##obj##_from_handle(_handle);                                       \
      if (!o)                                                                                       \
         return;                                                                                    \
      vn_async_vkDestroy##Name(dev->ring, _device, _handle, NULL);                                  \
      pvk_free(pvk_device_alloc(dev, pAllocator), o);                                               \
   }

/* vkCreate<Name> and vkDestroy<Name>, both asynchronous. */
#define PVK_DEFINE_ASYNC_CREATE_DESTROY(obj, VkType, Name, InfoType, vk_object_type)                \
   PVK_DEFINE_ASYNC_CREATE(obj, VkType, Name, InfoType, vk_object_type)                             \
   PVK_DEFINE_ASYNC_DESTROY(obj, VkType, Name)

/* The same for an object that is nothing but its base. */
#define PVK_DEFINE_ASYNC_OBJECT(obj, VkType, Name, InfoType, vk_object_type)                        \
   struct pvk_##obj {                                                                               \
      struct pvk_object_base base;                                                                  \
   };                                                                                               \
   PVK_DEFINE_HANDLE_CASTS(pvk_##obj, base, VkType, vk_object_type)                                 \
   PVK_DEFINE_ASYNC_CREATE_DESTROY(obj, VkType, Name, InfoType, vk_object_type)

/*
 * Memory requirements and binding of a resource type (Name: Buffer or Image; obj: buffer or image,
 * the handle's member in the info structs; *_stype: the sTypes of Vk<Name>MemoryRequirementsInfo2
 * and VkBind<Name>MemoryInfo), spec "Resource Memory Association":
 *  - vkGet<Name>MemoryRequirements2, vkGet<Name>MemoryRequirements and (1.3, no object needed)
 *    vkGetDevice<Name>MemoryRequirements: one round trip each, the reply's pNext chain checked first;
 *    zero requirements if the renderer is lost.
 *  - vkBind<Name>Memory2 and vkBind<Name>Memory: asynchronous, always VK_SUCCESS (the renderer's only
 *    failure is running out of memory, which surfaces as device loss).
 * Behaviour follows Mesa src/virtio/vulkan/vn_buffer.c and vn_image.c (without their caches).
 */
#define PVK_DEFINE_MEMORY_REQUIREMENTS_AND_BIND(Name, obj, reqs_info_stype, bind_info_stype)        \
   VKAPI_ATTR void VKAPI_CALL pvk_Get##Name##MemoryRequirements2(                                   \
      VkDevice _device, const Vk##Name##MemoryRequirementsInfo2 *pInfo, VkMemoryRequirements2 *pReqs) \
   {                                                                                                \
      struct pvk_device *dev = pvk_device_from_handle(_device);                                     \
      VkResult result;                                                                              \
      PVK_CALL_CHAIN_VOID(dev->ring, result, pReqs, VkMemoryRequirements2, vkGet##Name##MemoryRequirements2, \
                          _device, pInfo, pReqs);                                                   \
      if (result != VK_SUCCESS)                                                                     \
         memset(&pReqs->memoryRequirements, 0, sizeof(pReqs->memoryRequirements));                  \
   }                                                                                                \
   VKAPI_ATTR void VKAPI_CALL pvk_Get##Name##MemoryRequirements(VkDevice device, Vk##Name _handle,  \
                                                                VkMemoryRequirements *pReqs)        \
   {                                                                                                \
      const Vk##Name##MemoryRequirementsInfo2 info = { .sType = (reqs_info_stype), .obj = _handle }; \
      VkMemoryRequirements2 reqs = { .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2 };            \
      pvk_Get##Name##MemoryRequirements2(device, &info, &reqs);                                     \
      *pReqs = reqs.memoryRequirements;                                                             \
   }                                                                                                \
   VKAPI_ATTR void VKAPI_CALL pvk_GetDevice##Name##MemoryRequirements(                              \
      VkDevice _device, const VkDevice##Name##MemoryRequirements *pInfo, VkMemoryRequirements2 *pReqs) \
   {                                                                                                \
      struct pvk_device *dev = pvk_device_from_handle(_device);                                     \
      VkResult result;                                                                              \
      PVK_CALL_CHAIN_VOID(dev->ring, result, pReqs, VkMemoryRequirements2,                          \
                          vkGetDevice##Name##MemoryRequirements, _device, pInfo, pReqs);            \
      if (result != VK_SUCCESS)                                                                     \
         memset(&pReqs->memoryRequirements, 0, sizeof(pReqs->memoryRequirements));                  \
   }                                                                                                \
   VKAPI_ATTR VkResult VKAPI_CALL pvk_Bind##Name##Memory2(VkDevice _device, uint32_t bindInfoCount, \
                                                          const VkBind##Name##MemoryInfo *pBindInfos) \
   {                                                                                                \
      struct pvk_device *dev = pvk_device_from_handle(_device);                                     \
      vn_async_vkBind##Name##Memory2(dev->ring, _device, bindInfoCount, pBindInfos);                \
      return VK_SUCCESS;                                                                            \
   }                                                                                                \
   VKAPI_ATTR VkResult VKAPI_CALL pvk_Bind##Name##Memory(VkDevice device, Vk##Name _handle,         \
                                                         VkDeviceMemory memory, VkDeviceSize memoryOffset) \
   {                                                                                                \
      const VkBind##Name##MemoryInfo info = {                                                       \
         .sType = (bind_info_stype),                                                                \
         .obj = _handle,                                                                            \
         .memory = memory,                                                                          \
         .memoryOffset = memoryOffset,                                                              \
      };                                                                                            \
      return pvk_Bind##Name##Memory2(device, 1, &info);                                             \
   }

/* ---- pvk_device_memory.c ---- */
struct pvk_device_memory {
   struct pvk_object_base base;
   VkDeviceSize size;
   uint32_t type_index;
   VkMemoryPropertyFlags flags;
   /* the blob whose id is this memory's object id (host-visible memory: made and mapped at the first
    * map; exportable memory: made at allocation), or the imported dma-buf's blob */
   struct pvk_shmem blob;
   /* the blob is shareable: vkGetMemoryFdKHR can export it */
   bool exportable;
   /* vkMapMemory's current mapping offset (VK_WHOLE_SIZE-free bookkeeping only) */
   bool mapped;
};
PVK_DEFINE_HANDLE_CASTS(pvk_device_memory, base, VkDeviceMemory, VK_OBJECT_TYPE_DEVICE_MEMORY)

/* ---- pvk_buffer.c ---- */
struct pvk_buffer {
   struct pvk_object_base base;
};
PVK_DEFINE_HANDLE_CASTS(pvk_buffer, base, VkBuffer, VK_OBJECT_TYPE_BUFFER)

/* ---- pvk_image.c ---- */
struct pvk_image {
   struct pvk_object_base base;
   /* swapchain images (pvk_wsi.c) own their memory */
   VkDeviceMemory wsi_memory;
};
PVK_DEFINE_HANDLE_CASTS(pvk_image, base, VkImage, VK_OBJECT_TYPE_IMAGE)

/* ---- pvk_descriptor.c ---- */
struct pvk_descriptor_set_layout;
struct pvk_descriptor_set {
   struct pvk_object_base base;
   struct pvk_descriptor_pool *pool;
   struct pvk_descriptor_set_layout *layout; /* a reference */
   struct pvk_descriptor_set *prev, *next;   /* in pool->sets */
};
PVK_DEFINE_HANDLE_CASTS(pvk_descriptor_set, base, VkDescriptorSet, VK_OBJECT_TYPE_DESCRIPTOR_SET)

/* ---- pvk_query.c ---- */
struct pvk_query_pool;
/* A query a command buffer ends or writes (one query), or a range it resets, in recording order. */
struct pvk_query_record {
   struct pvk_query_pool *pool;
   uint32_t first, count;
   bool reset;
};

/* ---- pvk_command_buffer.c ---- */
struct pvk_command_pool;
struct pvk_command_buffer {
   struct pvk_object_base base;
   struct pvk_device *device;
   struct pvk_command_pool *pool;
   VkCommandBufferLevel level;
   struct pvk_command_buffer *prev, *next; /* in pool->buffers */
   /* the recorded Venus stream not yet sent to the ring; grows by doubling */
   struct vn_cs_encoder enc;
   /* recording went wrong (out of memory): vkEndCommandBuffer reports it */
   VkResult record_result;

   /* query feedback (pvk_query.c): the queries recorded so far that feedback follows */
   struct pvk_query_record *queries;
   uint32_t query_count, query_capacity;
   /* primary command buffers: recorded at vkEndCommandBuffer when queries is not empty, it copies
    * the results of the queries into their pools' feedback; submitted right after this command
    * buffer, freed with its recording (not in the pool's list) */
   struct pvk_command_buffer *query_cmd;
   /* queries per vkCmdEndQuery / vkCmdWriteTimestamp: the views of the current subpass or dynamic
    * rendering (multiview), 1 outside render pass instances */
   uint32_t view_count;
   VkRenderPass render_pass; /* the render pass instance being recorded, and its subpass */
   uint32_t subpass;
   /* dynamic rendering: whether the last render pass instance begun (here or in an executed secondary)
    * suspends (a companion must not come between it and its resumption) */
   enum { PVK_RENDERING_NONE, PVK_RENDERING_SUSPENDS, PVK_RENDERING_ENDS } rendering;
};
PVK_DEFINE_HANDLE_CASTS(pvk_command_buffer, base, VkCommandBuffer, VK_OBJECT_TYPE_COMMAND_BUFFER)

/*
 * Room for `size` more bytes in cmd's stream: the encoder to write the command with, or NULL (out of
 * memory, remembered for vkEndCommandBuffer). Streams above a threshold are flushed to the ring
 * first, so a long recording never holds more than 16 MiB.
 */
struct vn_cs_encoder *pvk_command_buffer_reserve(VkCommandBuffer commandBuffer, size_t size);

/* ---- pvk_query.c ---- */
/*
 * Note that cmd (recording) ends or writes `count` queries from `first` of pool (reset: resets them),
 * for query feedback. Out of memory is remembered in cmd->record_result.
 */
void pvk_query_track(struct pvk_command_buffer *cmd, VkQueryPool pool, uint32_t first, uint32_t count, bool reset);
/* Append a secondary command buffer's query records to cmd's (vkCmdExecuteCommands). */
void pvk_query_track_secondary(struct pvk_command_buffer *cmd, const struct pvk_command_buffer *secondary);
/*
 * Record into query_cmd (begun, not ended) the copies of the query results cmd's records leave
 * behind into their pools' feedback buffers, creating those on first use (one round trip each).
 * Returns whether anything was recorded; pools that cannot have feedback are switched to asking the
 * renderer.
 */
bool pvk_query_feedback_record(struct pvk_command_buffer *cmd, VkCommandBuffer query_cmd);
/* Switch the pools of cmd's records to asking the renderer (their feedback would miss cmd's work). */
void pvk_query_feedback_disable(const struct pvk_command_buffer *cmd);

/* ---- pvk_render_pass.c ---- */
/* The view mask of subpass of pass (0: no multiview). */
uint32_t pvk_render_pass_view_mask(VkRenderPass pass, uint32_t subpass);

/* ---- pvk_feedback.c ---- */
/* A host-visible, coherent buffer (transfer destination, shared by all queue families), mapped. */
struct pvk_feedback_buffer {
   VkBuffer buffer;
   VkDeviceMemory memory;
   void *map;
};
/*
 * Create a feedback buffer of size bytes, bound, mapped and zeroed (one round trip for the memory).
 * Errors: VK_ERROR_FEATURE_NOT_PRESENT (no mappable memory on this transport), or those of
 * vkCreateBuffer, vkAllocateMemory, vkMapMemory.
 */
VkResult pvk_feedback_buffer_create(struct pvk_device *dev, VkDeviceSize size, struct pvk_feedback_buffer *out);
void pvk_feedback_buffer_destroy(struct pvk_device *dev, struct pvk_feedback_buffer *buf);
/*
 * A 4-byte slot of the device's feedback buffer holding `initial`, or -1 when there is none (no
 * mappable memory on this transport, or all PVK_FEEDBACK_SLOTS taken): the caller then asks the
 * renderer instead.
 */
int32_t pvk_feedback_slot_alloc(struct pvk_device *dev, VkResult initial);
/* Give the slot back (its command buffers stay recorded for the next owner). */
void pvk_feedback_slot_free(struct pvk_device *dev, int32_t slot);
void pvk_feedback_slot_set(struct pvk_device *dev, int32_t slot, VkResult value);
VkResult pvk_feedback_slot_get(struct pvk_device *dev, int32_t slot);
/* The command buffer of `family` that fills slot with VK_SUCCESS after all prior work (recorded on
 * first use, simultaneous-use, kept until the device is destroyed). */
VkResult pvk_feedback_cmd(struct pvk_device *dev, int32_t slot, uint32_t family, VkCommandBuffer *cmd);
/* Free the feedback state at vkDestroyDevice (runs the deferred work still waiting first). */
void pvk_feedback_fini(struct pvk_device *dev);
/* Whether the device has feedback memory (created on first call). */
bool pvk_feedback_enabled(struct pvk_device *dev);
/* The feedback buffer and the byte offset of slot in it (for fills recorded in command buffers). */
VkBuffer pvk_feedback_buffer(struct pvk_device *dev, int32_t slot, VkDeviceSize *offset);
void pvk_feedback_cmd_write(VkCommandBuffer cmd, VkBuffer buffer, VkDeviceSize offset, uint32_t value,
                            VkPipelineStageFlags src_stages, VkAccessFlags src_access);
/*
 * For reads of feedback memory that never reach the host: a round trip at most every 200 ms (one
 * thread makes it, the others go on), so a dead host is noticed. Returns VK_SUCCESS or
 * VK_ERROR_DEVICE_LOST.
 */
VkResult pvk_feedback_check_alive(struct pvk_device *dev);
/*
 * Run fn(dev, data) once every one of the `count` slots reads VK_SUCCESS (checked at every slot
 * allocation, and unconditionally at vkDestroyDevice), then free the slots. For work that must not
 * happen while the host may still execute a submission that writes the slots (destroying a
 * semaphore a pending feedback batch waits on). Out of memory: the slots leak and fn never runs.
 */
typedef void (*pvk_feedback_deferred_fn)(struct pvk_device *dev, uint64_t data);
void pvk_feedback_defer(struct pvk_device *dev, const int32_t *slots, uint32_t count, pvk_feedback_deferred_fn fn,
                        uint64_t data);

/* ---- pvk_sync.c ---- */
struct pvk_fence {
   struct pvk_object_base base;
   /* feedback slot (-1: none, status is asked from the renderer); a fence with a slot is never
    * given to the renderer in a submission (pvk_feedback.c) */
   int32_t feedback_slot;
   /* the queue of its last submission: a sync file exported from it is that queue's */
   _Atomic(struct pvk_queue *) queue;
};
PVK_DEFINE_HANDLE_CASTS(pvk_fence, base, VkFence, VK_OBJECT_TYPE_FENCE)

/*
 * The command buffer to append to a submission on queue that signals fence, so that its feedback
 * slot is written; the submission then goes to the renderer without the fence. VK_NULL_HANDLE
 * when the fence has no slot (the renderer gets the fence).
 */
VkCommandBuffer pvk_fence_feedback_cmd(struct pvk_queue *queue, VkFence fence);

/*
 * A submission on queue signals semaphore with value: the command buffer that writes the feedback
 * slot of this signal, to be submitted in a batch after the signalling one that waits for the
 * semaphore to reach value (pvk_queue.c); VK_NULL_HANDLE when the semaphore has no feedback
 * (binary, none on this device, or no slot left: the renderer is asked from then on).
 */
VkCommandBuffer pvk_semaphore_feedback_cmd(struct pvk_queue *queue, VkSemaphore semaphore, uint64_t value);

/* ---- pvk_sync_fd.c ---- */
/* A sync_file that signals once queue finished everything submitted to it so far (virtgpu).
 * Errors: VK_ERROR_TOO_MANY_OBJECTS, VK_ERROR_DEVICE_LOST. */
VkResult pvk_queue_export_sync_file(struct pvk_queue *queue, int *out_fd);
/* Drop what the device's exported fences still hold (at vkDestroyDevice). */
void pvk_sync_fd_device_fini(struct pvk_device *dev);

/* ---- pvk_queue.c ---- */
/* Wait until every submission to queue completed (bounded: VK_ERROR_DEVICE_LOST on a dead host). */
VkResult pvk_queue_wait_idle(struct pvk_queue *queue);

/* ---- pvk_wsi.c ---- */
/* Platform WSI commands the generated tables leave out (vkGetPhysicalDeviceXcbPresentationSupportKHR
 * and the Xlib one), or NULL. */
PFN_vkVoidFunction pvk_wsi_lookup_entrypoint(const char *name);

/* ---- pvk_sync.c ---- */
/*
 * Poll `check` (a synchronous status query returning VK_SUCCESS when done, VK_NOT_READY while not,
 * or an error) until it is done or timeout_ns (relative, UINT64_MAX: forever) passes, yielding first
 * and then sleeping with exponential back-off up to 320 us. Returns VK_TIMEOUT, VK_SUCCESS or the error.
 * Every check is a ring round trip, so a dead host ends the wait with VK_ERROR_DEVICE_LOST.
 */
typedef VkResult (*pvk_poll_fn)(void *data);
VkResult pvk_poll_until(pvk_poll_fn check, void *data, uint64_t timeout_ns);

#endif /* PVK_OBJECTS_H */
