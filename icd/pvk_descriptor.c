/*
 * Descriptor set layouts, pools, sets, updates and update templates (spec "Resource Descriptors").
 * Layouts and pools are created asynchronously; sets are allocated with one round trip (the pool can
 * run out: VK_ERROR_OUT_OF_POOL_MEMORY, VK_ERROR_FRAGMENTED_POOL); updates are asynchronous.
 * Templates live in pvk only: an update through a template is turned into plain writes, as Mesa's
 * src/virtio/vulkan/vn_descriptor_set.c does. The code is pvk's own.
 */
#include "pvk_objects.h"

#include "venus-protocol/vn_protocol_driver_command_buffer.h"
#include "venus-protocol/vn_protocol_driver_descriptor_pool.h"
#include "venus-protocol/vn_protocol_driver_descriptor_set.h"
#include "venus-protocol/vn_protocol_driver_descriptor_set_layout.h"

/* What an update needs to know about a layout: per binding, the type and immutable samplers. */
struct pvk_descriptor_binding {
   VkDescriptorType type;
   bool immutable_samplers;
};

struct pvk_descriptor_set_layout {
   struct pvk_object_base base;
   /* the application's handle and every set allocated with it hold a reference (acq_rel) */
   atomic_uint refcount;
   uint32_t binding_count; /* highest binding number + 1 */
   struct pvk_descriptor_binding bindings[];
};
PVK_DEFINE_HANDLE_CASTS(pvk_descriptor_set_layout, base, VkDescriptorSetLayout,
                        VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT)

struct pvk_descriptor_pool {
   struct pvk_object_base base;
   struct pvk_descriptor_set *sets; /* live sets, to free on reset and destroy */
};
PVK_DEFINE_HANDLE_CASTS(pvk_descriptor_pool, base, VkDescriptorPool, VK_OBJECT_TYPE_DESCRIPTOR_POOL)

static void
pvk_descriptor_set_layout_unref(struct pvk_descriptor_set_layout *layout)
{
   /* release: our uses happen before the free; acquire: the freeing thread sees them */
   if (atomic_fetch_sub_explicit(&layout->refcount, 1, memory_order_acq_rel) == 1)
      free(layout);
}

/*
 * vkCreateDescriptorSetLayout: asynchronous. pImmutableSamplers is ignored for descriptor types
 * other than samplers (spec "VkDescriptorSetLayoutBinding") and may dangle: cleared in a copy.
 * Errors: VK_ERROR_OUT_OF_HOST_MEMORY.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateDescriptorSetLayout(VkDevice _device, const VkDescriptorSetLayoutCreateInfo *pCreateInfo,
                              const VkAllocationCallbacks *pAllocator, VkDescriptorSetLayout *pSetLayout)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   uint32_t binding_count = 0;
   for (uint32_t i = 0; i < pCreateInfo->bindingCount; i++)
      binding_count = PVK_MAX(binding_count, pCreateInfo->pBindings[i].binding + 1);

   /* plain malloc: sets outlive the handle, and the application's allocator scope with it */
   struct pvk_descriptor_set_layout *layout =
      calloc(1, sizeof(*layout) + binding_count * sizeof(layout->bindings[0]));
   VkDescriptorSetLayoutBinding *bindings = malloc(PVK_MAX(pCreateInfo->bindingCount, 1) * sizeof(*bindings));
   if (!layout || !bindings) {
      free(layout);
      free(bindings);
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   pvk_object_base_init(&layout->base, VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT);
   atomic_init(&layout->refcount, 1);
   layout->binding_count = binding_count;
   for (uint32_t i = 0; i < pCreateInfo->bindingCount; i++) {
      bindings[i] = pCreateInfo->pBindings[i];
      const bool sampler = bindings[i].descriptorType == VK_DESCRIPTOR_TYPE_SAMPLER ||
                           bindings[i].descriptorType == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
      if (!sampler)
         bindings[i].pImmutableSamplers = NULL;
      layout->bindings[bindings[i].binding] = (struct pvk_descriptor_binding){
         .type = bindings[i].descriptorType,
         .immutable_samplers = bindings[i].pImmutableSamplers != NULL,
      };
   }
   VkDescriptorSetLayoutCreateInfo info = *pCreateInfo;
   info.pBindings = bindings;
   VkDescriptorSetLayout handle = pvk_descriptor_set_layout_to_handle(layout);
   vn_async_vkCreateDescriptorSetLayout(dev->ring, _device, &info, NULL, &handle);
   free(bindings);
   *pSetLayout = handle;
   return VK_SUCCESS;
}

/* vkDestroyDescriptorSetLayout: asynchronous on the renderer (sets keep pvk's copy alive). */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyDescriptorSetLayout(VkDevice _device, VkDescriptorSetLayout _layout,
                               const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_descriptor_set_layout *layout = pvk_descriptor_set_layout_from_handle(_layout);
   if (!layout)
      return;
   vn_async_vkDestroyDescriptorSetLayout(dev->ring, _device, _layout, NULL);
   pvk_descriptor_set_layout_unref(layout);
}

/* vkGetDescriptorSetLayoutSupport: one round trip; "not supported" if the renderer is lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetDescriptorSetLayoutSupport(VkDevice _device, const VkDescriptorSetLayoutCreateInfo *pCreateInfo,
                                  VkDescriptorSetLayoutSupport *pSupport)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkResult result;
   PVK_CALL_CHAIN_VOID(dev->ring, result, pSupport, VkDescriptorSetLayoutSupport,
                       vkGetDescriptorSetLayoutSupport, _device, pCreateInfo, pSupport);
   if (result != VK_SUCCESS)
      pSupport->supported = VK_FALSE;
}

/* vkCreateDescriptorPool: asynchronous. Errors: VK_ERROR_OUT_OF_HOST_MEMORY. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateDescriptorPool(VkDevice _device, const VkDescriptorPoolCreateInfo *pCreateInfo,
                         const VkAllocationCallbacks *pAllocator, VkDescriptorPool *pDescriptorPool)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_descriptor_pool *pool =
      pvk_object_zalloc(dev, pAllocator, sizeof(*pool), VK_OBJECT_TYPE_DESCRIPTOR_POOL);
   if (!pool)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   VkDescriptorPool handle = pvk_descriptor_pool_to_handle(pool);
   vn_async_vkCreateDescriptorPool(dev->ring, _device, pCreateInfo, NULL, &handle);
   *pDescriptorPool = handle;
   return VK_SUCCESS;
}

static void
pvk_descriptor_set_free(struct pvk_descriptor_set *set)
{
   struct pvk_descriptor_pool *pool = set->pool;
   if (set->prev)
      set->prev->next = set->next;
   else
      pool->sets = set->next;
   if (set->next)
      set->next->prev = set->prev;
   pvk_descriptor_set_layout_unref(set->layout);
   free(set);
}

static void
pvk_descriptor_pool_free_sets(struct pvk_descriptor_pool *pool)
{
   while (pool->sets)
      pvk_descriptor_set_free(pool->sets);
}

/* vkDestroyDescriptorPool: frees the pool's sets; asynchronous on the renderer. */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyDescriptorPool(VkDevice _device, VkDescriptorPool descriptorPool, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_descriptor_pool *pool = pvk_descriptor_pool_from_handle(descriptorPool);
   if (!pool)
      return;
   vn_async_vkDestroyDescriptorPool(dev->ring, _device, descriptorPool, NULL);
   pvk_descriptor_pool_free_sets(pool);
   pvk_free(pvk_device_alloc(dev, pAllocator), pool);
}

/* vkResetDescriptorPool: frees the pool's sets; asynchronous on the renderer. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_ResetDescriptorPool(VkDevice _device, VkDescriptorPool descriptorPool, VkDescriptorPoolResetFlags flags)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_descriptor_pool *pool = pvk_descriptor_pool_from_handle(descriptorPool);
   vn_async_vkResetDescriptorPool(dev->ring, _device, descriptorPool, flags);
   pvk_descriptor_pool_free_sets(pool);
   return VK_SUCCESS;
}

/*
 * vkAllocateDescriptorSets: one round trip. Errors: VK_ERROR_OUT_OF_POOL_MEMORY,
 * VK_ERROR_FRAGMENTED_POOL (from the renderer), VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_DEVICE_LOST.
 * On failure every element of pDescriptorSets is VK_NULL_HANDLE.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_AllocateDescriptorSets(VkDevice _device, const VkDescriptorSetAllocateInfo *pAllocateInfo,
                           VkDescriptorSet *pDescriptorSets)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_descriptor_pool *pool = pvk_descriptor_pool_from_handle(pAllocateInfo->descriptorPool);
   const uint32_t count = pAllocateInfo->descriptorSetCount;
   VkResult result = VK_SUCCESS;
   uint32_t i;

   for (i = 0; i < count; i++) {
      struct pvk_descriptor_set *set = calloc(1, sizeof(*set));
      if (!set) {
         result = VK_ERROR_OUT_OF_HOST_MEMORY;
         break;
      }
      pvk_object_base_init(&set->base, VK_OBJECT_TYPE_DESCRIPTOR_SET);
      set->pool = pool;
      set->layout = pvk_descriptor_set_layout_from_handle(pAllocateInfo->pSetLayouts[i]);
      atomic_fetch_add_explicit(&set->layout->refcount, 1, memory_order_relaxed);
      pDescriptorSets[i] = pvk_descriptor_set_to_handle(set);
   }
   if (result == VK_SUCCESS)
      PVK_CALL(dev->ring, result, vkAllocateDescriptorSets, _device, pAllocateInfo, pDescriptorSets);
   if (result != VK_SUCCESS) {
      for (uint32_t j = 0; j < i; j++) {
         struct pvk_descriptor_set *set = pvk_descriptor_set_from_handle(pDescriptorSets[j]);
         pvk_descriptor_set_layout_unref(set->layout);
         free(set);
      }
      for (uint32_t j = 0; j < count; j++)
         pDescriptorSets[j] = VK_NULL_HANDLE;
      return result == VK_ERROR_OUT_OF_POOL_MEMORY || result == VK_ERROR_FRAGMENTED_POOL ? result
                                                                                          : pvk_error(result);
   }
   for (i = 0; i < count; i++) {
      struct pvk_descriptor_set *set = pvk_descriptor_set_from_handle(pDescriptorSets[i]);
      set->next = pool->sets;
      if (pool->sets)
         pool->sets->prev = set;
      pool->sets = set;
   }
   return VK_SUCCESS;
}

/* vkFreeDescriptorSets: asynchronous. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_FreeDescriptorSets(VkDevice _device, VkDescriptorPool descriptorPool, uint32_t descriptorSetCount,
                       const VkDescriptorSet *pDescriptorSets)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   vn_async_vkFreeDescriptorSets(dev->ring, _device, descriptorPool, descriptorSetCount, pDescriptorSets);
   for (uint32_t i = 0; i < descriptorSetCount; i++) {
      struct pvk_descriptor_set *set = pvk_descriptor_set_from_handle(pDescriptorSets[i]);
      if (set)
         pvk_descriptor_set_free(set);
   }
   return VK_SUCCESS;
}

/* Storage for writes with their ignored members cleared (see pvk_fix_writes). */
struct pvk_write_storage {
   VkWriteDescriptorSet *writes;
   VkDescriptorImageInfo *images;
};

static bool
pvk_type_is_image(VkDescriptorType type)
{
   return type == VK_DESCRIPTOR_TYPE_SAMPLER || type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER ||
          type == VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE || type == VK_DESCRIPTOR_TYPE_STORAGE_IMAGE ||
          type == VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT;
}

/*
 * Copy writes, keeping for each only the array its descriptor type reads and, in image infos, only
 * the members that type reads (spec "VkWriteDescriptorSet": the others are ignored and may dangle;
 * a sampler in a binding with immutable samplers is ignored too). The encoder would follow them.
 * push: writes of vkCmdPushDescriptorSet, whose dstSet is ignored (immutable samplers not checked).
 */
static VkResult
pvk_fix_writes(uint32_t count, const VkWriteDescriptorSet *src, bool push, struct pvk_write_storage *out)
{
   uint32_t image_count = 0;
   for (uint32_t i = 0; i < count; i++) {
      if (pvk_type_is_image(src[i].descriptorType))
         image_count += src[i].descriptorCount;
   }
   out->writes = malloc(PVK_MAX(count, 1) * sizeof(*out->writes));
   out->images = malloc(PVK_MAX(image_count, 1) * sizeof(*out->images));
   if (!out->writes || !out->images) {
      free(out->writes);
      free(out->images);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   VkDescriptorImageInfo *images = out->images;
   for (uint32_t i = 0; i < count; i++) {
      VkWriteDescriptorSet *w = &out->writes[i];
      *w = src[i];
      const VkDescriptorType type = w->descriptorType;
      if (type != VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER && type != VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER)
         w->pTexelBufferView = NULL;
      if (type != VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER && type != VK_DESCRIPTOR_TYPE_STORAGE_BUFFER &&
          type != VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC && type != VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC)
         w->pBufferInfo = NULL;
      if (!pvk_type_is_image(type)) {
         w->pImageInfo = NULL;
         continue;
      }
      bool immutable = false;
      if (push) {
         w->dstSet = VK_NULL_HANDLE;
      } else {
         const struct pvk_descriptor_set *set = pvk_descriptor_set_from_handle(w->dstSet);
         const struct pvk_descriptor_set_layout *layout = set->layout;
         immutable = w->dstBinding < layout->binding_count && layout->bindings[w->dstBinding].immutable_samplers;
      }
      for (uint32_t j = 0; j < w->descriptorCount; j++) {
         images[j] = w->pImageInfo[j];
         if (type == VK_DESCRIPTOR_TYPE_SAMPLER)
            images[j].imageView = VK_NULL_HANDLE;
         if (type != VK_DESCRIPTOR_TYPE_SAMPLER && type != VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER)
            images[j].sampler = VK_NULL_HANDLE;
         if (immutable)
            images[j].sampler = VK_NULL_HANDLE;
      }
      w->pImageInfo = images;
      images += w->descriptorCount;
   }
   return VK_SUCCESS;
}

/* vkUpdateDescriptorSets: asynchronous. Out of host memory, the update is dropped with a log line. */
VKAPI_ATTR void VKAPI_CALL
pvk_UpdateDescriptorSets(VkDevice _device, uint32_t descriptorWriteCount,
                         const VkWriteDescriptorSet *pDescriptorWrites, uint32_t descriptorCopyCount,
                         const VkCopyDescriptorSet *pDescriptorCopies)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_write_storage storage;
   if (pvk_fix_writes(descriptorWriteCount, pDescriptorWrites, false, &storage) != VK_SUCCESS) {
      pvk_log("vkUpdateDescriptorSets: out of host memory, update dropped");
      return;
   }
   vn_async_vkUpdateDescriptorSets(dev->ring, _device, descriptorWriteCount, storage.writes, descriptorCopyCount,
                                   pDescriptorCopies);
   free(storage.writes);
   free(storage.images);
}

/*
 * vkCmdPushDescriptorSet (VK_KHR_push_descriptor): the fixed writes go into the command buffer's
 * stream. Not yet: a sampler in a binding with immutable samplers is passed on (it must then be a
 * valid handle or VK_NULL_HANDLE). Out of host memory, the command is dropped with a log line.
 */
VKAPI_ATTR void VKAPI_CALL
pvk_CmdPushDescriptorSet(VkCommandBuffer commandBuffer, VkPipelineBindPoint pipelineBindPoint,
                         VkPipelineLayout layout, uint32_t set, uint32_t descriptorWriteCount,
                         const VkWriteDescriptorSet *pDescriptorWrites)
{
   struct pvk_write_storage storage;
   if (pvk_fix_writes(descriptorWriteCount, pDescriptorWrites, true, &storage) != VK_SUCCESS) {
      pvk_log("vkCmdPushDescriptorSet: out of host memory, command dropped");
      return;
   }
   struct vn_cs_encoder *enc = pvk_command_buffer_reserve(
      commandBuffer, vn_sizeof_vkCmdPushDescriptorSetKHR(commandBuffer, pipelineBindPoint, layout, set,
                                                         descriptorWriteCount, storage.writes));
   if (enc)
      vn_encode_vkCmdPushDescriptorSetKHR(enc, 0, commandBuffer, pipelineBindPoint, layout, set,
                                          descriptorWriteCount, storage.writes);
   free(storage.writes);
   free(storage.images);
}

/* ---- update templates: kept in pvk, applied as writes ---- */
struct pvk_descriptor_update_template {
   struct pvk_object_base base;
   VkPipelineBindPoint bind_point; /* push-descriptor templates */
   uint32_t entry_count;
   VkDescriptorUpdateTemplateEntry entries[];
};
PVK_DEFINE_HANDLE_CASTS(pvk_descriptor_update_template, base, VkDescriptorUpdateTemplate,
                        VK_OBJECT_TYPE_DESCRIPTOR_UPDATE_TEMPLATE)

/*
 * vkCreateDescriptorUpdateTemplate (1.1): no renderer object, for descriptor sets and push
 * descriptors alike. Errors: VK_ERROR_OUT_OF_HOST_MEMORY.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateDescriptorUpdateTemplate(VkDevice _device, const VkDescriptorUpdateTemplateCreateInfo *pCreateInfo,
                                   const VkAllocationCallbacks *pAllocator,
                                   VkDescriptorUpdateTemplate *pDescriptorUpdateTemplate)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   const size_t size = sizeof(struct pvk_descriptor_update_template) +
                       pCreateInfo->descriptorUpdateEntryCount * sizeof(VkDescriptorUpdateTemplateEntry);
   struct pvk_descriptor_update_template *templ =
      pvk_object_zalloc(dev, pAllocator, size, VK_OBJECT_TYPE_DESCRIPTOR_UPDATE_TEMPLATE);
   if (!templ)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   templ->bind_point = pCreateInfo->pipelineBindPoint;
   templ->entry_count = pCreateInfo->descriptorUpdateEntryCount;
   memcpy(templ->entries, pCreateInfo->pDescriptorUpdateEntries, templ->entry_count * sizeof(templ->entries[0]));
   *pDescriptorUpdateTemplate = pvk_descriptor_update_template_to_handle(templ);
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
pvk_DestroyDescriptorUpdateTemplate(VkDevice _device, VkDescriptorUpdateTemplate descriptorUpdateTemplate,
                                    const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   pvk_free(pvk_device_alloc(dev, pAllocator), pvk_descriptor_update_template_from_handle(descriptorUpdateTemplate));
}

/* Writes built from a template and its data; the arrays they point into are owned here. */
struct pvk_template_writes {
   VkWriteDescriptorSet *writes;
   VkWriteDescriptorSetInlineUniformBlock *inline_blocks;
   uint8_t *elems;
   uint32_t count;
};

static void
pvk_template_writes_free(struct pvk_template_writes *tw)
{
   free(tw->writes);
   free(tw->inline_blocks);
   free(tw->elems);
}

/*
 * The template's entries read from pData (spec "Descriptor Update Templates": element j of entry e
 * at pData + offset + j * stride) as writes to descriptorSet. false: out of host memory.
 */
static bool
pvk_template_build_writes(const struct pvk_descriptor_update_template *templ, VkDescriptorSet descriptorSet,
                          const void *pData, struct pvk_template_writes *tw)
{
   const uint8_t *data = pData;
   uint32_t elements = 0;
   for (uint32_t e = 0; e < templ->entry_count; e++)
      elements += templ->entries[e].descriptorCount;
   /* one array big enough for any kind of element */
   const size_t elem_size = PVK_MAX(sizeof(VkDescriptorImageInfo),
                                    PVK_MAX(sizeof(VkDescriptorBufferInfo), sizeof(VkBufferView)));
   VkWriteDescriptorSet *writes = calloc(PVK_MAX(templ->entry_count, 1), sizeof(*writes));
   VkWriteDescriptorSetInlineUniformBlock *inline_blocks =
      calloc(PVK_MAX(templ->entry_count, 1), sizeof(*inline_blocks));
   uint8_t *elems = malloc(PVK_MAX(elements, 1) * elem_size);
   *tw = (struct pvk_template_writes){ .writes = writes, .inline_blocks = inline_blocks, .elems = elems };
   if (!writes || !inline_blocks || !elems) {
      pvk_template_writes_free(tw);
      return false;
   }
   uint8_t *cur = elems;
   for (uint32_t e = 0; e < templ->entry_count; e++) {
      const VkDescriptorUpdateTemplateEntry *entry = &templ->entries[e];
      VkWriteDescriptorSet *w = &writes[e];
      *w = (VkWriteDescriptorSet){
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .dstSet = descriptorSet,
         .dstBinding = entry->dstBinding,
         .dstArrayElement = entry->dstArrayElement,
         .descriptorCount = entry->descriptorCount,
         .descriptorType = entry->descriptorType,
      };
      const uint8_t *src = data + entry->offset;
      switch (entry->descriptorType) {
      case VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK:
         /* descriptorCount is a byte count; the bytes are contiguous */
         inline_blocks[e] = (VkWriteDescriptorSetInlineUniformBlock){
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
            .dataSize = entry->descriptorCount,
            .pData = src,
         };
         w->pNext = &inline_blocks[e];
         continue;
      case VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER:
      case VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER: {
         VkBufferView *views = (VkBufferView *)cur;
         for (uint32_t j = 0; j < entry->descriptorCount; j++)
            memcpy(&views[j], src + j * entry->stride, sizeof(VkBufferView));
         w->pTexelBufferView = views;
         break;
      }
      case VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER:
      case VK_DESCRIPTOR_TYPE_STORAGE_BUFFER:
      case VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC:
      case VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC: {
         VkDescriptorBufferInfo *infos = (VkDescriptorBufferInfo *)cur;
         for (uint32_t j = 0; j < entry->descriptorCount; j++)
            memcpy(&infos[j], src + j * entry->stride, sizeof(*infos));
         w->pBufferInfo = infos;
         break;
      }
      default:
         if (pvk_type_is_image(entry->descriptorType)) {
            VkDescriptorImageInfo *infos = (VkDescriptorImageInfo *)cur;
            for (uint32_t j = 0; j < entry->descriptorCount; j++)
               memcpy(&infos[j], src + j * entry->stride, sizeof(*infos));
            w->pImageInfo = infos;
            break;
         }
         pvk_log("vkUpdateDescriptorSetWithTemplate: descriptor type %d not supported, entry skipped",
                 entry->descriptorType);
         w->descriptorCount = 0;
         continue;
      }
      cur += entry->descriptorCount * elem_size;
   }
   /* entries with nothing to write are legal only as zero-count writes: drop them */
   uint32_t n = 0;
   for (uint32_t e = 0; e < templ->entry_count; e++) {
      if (writes[e].descriptorCount)
         writes[n++] = writes[e];
   }
   /* the inline-block pNext pointers still point into inline_blocks[], which stays put */
   tw->count = n;
   return true;
}

/* vkUpdateDescriptorSetWithTemplate (1.1): the template's writes, as vkUpdateDescriptorSets. */
VKAPI_ATTR void VKAPI_CALL
pvk_UpdateDescriptorSetWithTemplate(VkDevice device, VkDescriptorSet descriptorSet,
                                    VkDescriptorUpdateTemplate descriptorUpdateTemplate, const void *pData)
{
   struct pvk_template_writes tw;
   if (!pvk_template_build_writes(pvk_descriptor_update_template_from_handle(descriptorUpdateTemplate),
                                  descriptorSet, pData, &tw)) {
      pvk_log("vkUpdateDescriptorSetWithTemplate: out of host memory, update dropped");
      return;
   }
   pvk_UpdateDescriptorSets(device, tw.count, tw.writes, 0, NULL);
   pvk_template_writes_free(&tw);
}

/* vkCmdPushDescriptorSetWithTemplate (VK_KHR_push_descriptor): the template's writes, pushed. */
VKAPI_ATTR void VKAPI_CALL
pvk_CmdPushDescriptorSetWithTemplate(VkCommandBuffer commandBuffer, VkDescriptorUpdateTemplate descriptorUpdateTemplate,
                                     VkPipelineLayout layout, uint32_t set, const void *pData)
{
   const struct pvk_descriptor_update_template *templ =
      pvk_descriptor_update_template_from_handle(descriptorUpdateTemplate);
   struct pvk_template_writes tw;
   if (!pvk_template_build_writes(templ, VK_NULL_HANDLE, pData, &tw)) {
      pvk_log("vkCmdPushDescriptorSetWithTemplate: out of host memory, command dropped");
      return;
   }
   pvk_CmdPushDescriptorSet(commandBuffer, templ->bind_point, layout, set, tw.count, tw.writes);
   pvk_template_writes_free(&tw);
}
