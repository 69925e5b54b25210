/*
 * VkPrivateDataSlot (1.3, spec "Private Data"): kept in pvk only, like Mesa's common
 * vk_private_data.c; the renderer never sees the slots. Each slot holds (object type, handle) ->
 * value pairs in a small array under a mutex (private data is rarely hot).
 */
#include "pvk_objects.h"

struct pvk_private_data_entry {
   VkObjectType type;
   uint64_t handle;
   uint64_t value;
};

struct pvk_private_data_slot {
   struct pvk_object_base base;
   pthread_mutex_t mutex; /* protects entries and count */
   struct pvk_private_data_entry *entries;
   uint32_t count, capacity;
};
PVK_DEFINE_HANDLE_CASTS(pvk_private_data_slot, base, VkPrivateDataSlot, VK_OBJECT_TYPE_PRIVATE_DATA_SLOT)

/* vkCreatePrivateDataSlot. Errors: VK_ERROR_OUT_OF_HOST_MEMORY. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreatePrivateDataSlot(VkDevice _device, const VkPrivateDataSlotCreateInfo *pCreateInfo,
                          const VkAllocationCallbacks *pAllocator, VkPrivateDataSlot *pPrivateDataSlot)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_private_data_slot *slot =
      pvk_object_zalloc(dev, pAllocator, sizeof(*slot), VK_OBJECT_TYPE_PRIVATE_DATA_SLOT);
   if (!slot)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   if (pthread_mutex_init(&slot->mutex, NULL) != 0) {
      pvk_free(pvk_device_alloc(dev, pAllocator), slot);
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   *pPrivateDataSlot = pvk_private_data_slot_to_handle(slot);
   return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL
pvk_DestroyPrivateDataSlot(VkDevice _device, VkPrivateDataSlot privateDataSlot, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_private_data_slot *slot = pvk_private_data_slot_from_handle(privateDataSlot);
   if (!slot)
      return;
   pthread_mutex_destroy(&slot->mutex);
   free(slot->entries);
   pvk_free(pvk_device_alloc(dev, pAllocator), slot);
}

static struct pvk_private_data_entry *
pvk_private_data_find(struct pvk_private_data_slot *slot, VkObjectType type, uint64_t handle)
{
   for (uint32_t i = 0; i < slot->count; i++) {
      if (slot->entries[i].type == type && slot->entries[i].handle == handle)
         return &slot->entries[i];
   }
   return NULL;
}

/* vkSetPrivateData. Errors: VK_ERROR_OUT_OF_HOST_MEMORY. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_SetPrivateData(VkDevice device, VkObjectType objectType, uint64_t objectHandle,
                   VkPrivateDataSlot privateDataSlot, uint64_t data)
{
   struct pvk_private_data_slot *slot = pvk_private_data_slot_from_handle(privateDataSlot);
   VkResult result = VK_SUCCESS;
   pthread_mutex_lock(&slot->mutex);
   struct pvk_private_data_entry *e = pvk_private_data_find(slot, objectType, objectHandle);
   if (!e) {
      if (slot->count == slot->capacity) {
         const uint32_t capacity = PVK_MAX(slot->capacity * 2, 8u);
         struct pvk_private_data_entry *entries = realloc(slot->entries, capacity * sizeof(*entries));
         if (!entries) {
            result = VK_ERROR_OUT_OF_HOST_MEMORY;
            goto out_unlock;
         }
         slot->entries = entries;
         slot->capacity = capacity;
      }
      e = &slot->entries[slot->count++];
      e->type = objectType;
      e->handle = objectHandle;
   }
   e->value = data;
out_unlock:
   pthread_mutex_unlock(&slot->mutex);
   return result == VK_SUCCESS ? result : pvk_error(result);
}

/* vkGetPrivateData: 0 for an object never set (spec "vkGetPrivateData"). */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPrivateData(VkDevice device, VkObjectType objectType, uint64_t objectHandle,
                   VkPrivateDataSlot privateDataSlot, uint64_t *pData)
{
   struct pvk_private_data_slot *slot = pvk_private_data_slot_from_handle(privateDataSlot);
   pthread_mutex_lock(&slot->mutex);
   const struct pvk_private_data_entry *e = pvk_private_data_find(slot, objectType, objectHandle);
   *pData = e ? e->value : 0;
   pthread_mutex_unlock(&slot->mutex);
}
