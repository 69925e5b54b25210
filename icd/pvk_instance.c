/*
 * VkInstance: connecting to the renderer, the instance ring, and the renderer-side instance.
 * Behaviour follows Mesa src/virtio/vulkan/vn_instance.c; the code is pvk's own.
 */
#include "pvk_instance.h"

#include "venus-protocol/vn_protocol_driver_instance.h"

/* the instance ring: 128 KiB, commands above 8 KiB go indirect */
#define PVK_INSTANCE_RING_SIZE (128u * 1024)

/*
 * Instance extensions pvk implements itself; none needs the renderer. The window-system ones are
 * pvk's WSI (pvk_wsi.c); the loader creates their surface objects.
 */
static const char *const pvk_instance_extension_names[] = {
   "VK_EXT_headless_surface",
   "VK_KHR_device_group_creation",
   "VK_KHR_external_fence_capabilities",
   "VK_KHR_external_memory_capabilities",
   "VK_KHR_external_semaphore_capabilities",
   "VK_KHR_get_physical_device_properties2",
   "VK_KHR_get_surface_capabilities2",
   "VK_KHR_surface",
   "VK_KHR_xcb_surface",
   "VK_KHR_xlib_surface",
};

VkResult
pvk_renderer_create(struct pvk_renderer **out)
{
   pvk_debug_init();
   if (!PVK_DEBUG(VTEST)) {
      VkResult result = pvk_renderer_create_virtgpu(out);
      if (result != VK_ERROR_INITIALIZATION_FAILED)
         return result;
   }
   return pvk_renderer_create_vtest(out);
}

/* spec "Version Query": the highest instance version pvk supports */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_EnumerateInstanceVersion(uint32_t *pApiVersion)
{
   *pApiVersion = PVK_MAX_API_VERSION;
   return VK_SUCCESS;
}

/* spec "Extensions": pvk's own instance extensions (pLayerName must be NULL: pvk has no layers) */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_EnumerateInstanceExtensionProperties(const char *pLayerName, uint32_t *pPropertyCount,
                                         VkExtensionProperties *pProperties)
{
   if (pLayerName)
      return pvk_error(VK_ERROR_LAYER_NOT_PRESENT);
   VkExtensionProperties props[PVK_ARRAY_SIZE(pvk_instance_extension_names)];
   for (uint32_t i = 0; i < PVK_ARRAY_SIZE(props); i++) {
      const int32_t index = pvk_instance_extension_index(pvk_instance_extension_names[i]);
      assert(index >= 0);
      memset(&props[i], 0, sizeof(props[i]));
      snprintf(props[i].extensionName, sizeof(props[i].extensionName), "%s", pvk_instance_extension_names[i]);
      props[i].specVersion = pvk_instance_extensions[index].spec_version;
   }
   return pvk_outarray_copy(pProperties, pPropertyCount, props, PVK_ARRAY_SIZE(props), sizeof(props[0]));
}

/* vkEnumerateInstanceLayerProperties: pvk has no layers (count 0). */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_EnumerateInstanceLayerProperties(uint32_t *pPropertyCount, VkLayerProperties *pProperties)
{
   (void)pProperties;
   *pPropertyCount = 0;
   return VK_SUCCESS;
}

static VkResult
pvk_instance_init_renderer_version(struct pvk_instance *instance)
{
   uint32_t version = 0;
   VkResult result;
   PVK_CALL(instance->ring, result, vkEnumerateInstanceVersion, &version);
   if (result != VK_SUCCESS)
      return result;
   if (version < PVK_MIN_RENDERER_VERSION) {
      pvk_log("renderer's Vulkan instance is %u.%u, pvk needs 1.1", VK_API_VERSION_MAJOR(version),
              VK_API_VERSION_MINOR(version));
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   instance->renderer_api_version = PVK_MAX(instance->api_version, PVK_MIN_RENDERER_VERSION);
   instance->renderer_version =
      PVK_MIN(PVK_MIN(version, instance->renderer_api_version), instance->renderer->info.capset.vk_xml_version);
   return VK_SUCCESS;
}

/* Connect, negotiate, create the ring and the renderer-side instance. */
static VkResult
pvk_instance_init_renderer(struct pvk_instance *instance, const VkInstanceCreateInfo *info)
{
   VkResult result = pvk_renderer_create(&instance->renderer);
   if (result != VK_SUCCESS)
      return result;
   pvk_protocol_info_init(&instance->renderer->info);

   instance->ring = pvk_ring_create(instance->renderer, PVK_INSTANCE_RING_SIZE);
   if (!instance->ring) {
      result = VK_ERROR_INITIALIZATION_FAILED;
      goto fail_renderer;
   }
   result = pvk_instance_init_renderer_version(instance);
   if (result != VK_SUCCESS)
      goto fail_ring;

   /* The renderer-side instance enables no extensions (they are all implemented here) and asks at
    * least for the version pvk uses internally. */
   VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .apiVersion = instance->renderer_api_version,
   };
   if (info->pApplicationInfo) {
      app = *info->pApplicationInfo;
      app.apiVersion = instance->renderer_api_version;
   }
   const VkInstanceCreateInfo host_info = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pApplicationInfo = &app,
   };
   VkInstance handle = pvk_instance_to_handle(instance);
   PVK_CALL(instance->ring, result, vkCreateInstance, &host_info, NULL, &handle);
   if (result != VK_SUCCESS)
      goto fail_ring;
   return VK_SUCCESS;

fail_ring:
   pvk_ring_destroy(instance->ring);
   instance->ring = NULL;
fail_renderer:
   pvk_renderer_destroy(instance->renderer);
   instance->renderer = NULL;
   return result;
}

/*
 * vkCreateInstance (spec "Instances"). When no renderer answers, the instance is still created but
 * has no physical devices (so a loader with several drivers keeps working); PVK_DEBUG=init says why.
 * Errors: VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_EXTENSION_NOT_PRESENT, VK_ERROR_LAYER_NOT_PRESENT,
 * VK_ERROR_INCOMPATIBLE_DRIVER, VK_ERROR_DEVICE_LOST (renderer died while creating).
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateInstance(const VkInstanceCreateInfo *pCreateInfo, const VkAllocationCallbacks *pAllocator,
                   VkInstance *pInstance)
{
   pvk_debug_init();
   for (uint32_t i = 0; i < pCreateInfo->enabledExtensionCount; i++) {
      bool found = false;
      for (uint32_t j = 0; j < PVK_ARRAY_SIZE(pvk_instance_extension_names); j++)
         found |= !strcmp(pCreateInfo->ppEnabledExtensionNames[i], pvk_instance_extension_names[j]);
      if (!found)
         return pvk_error(VK_ERROR_EXTENSION_NOT_PRESENT);
   }
   if (pCreateInfo->enabledLayerCount)
      return pvk_error(VK_ERROR_LAYER_NOT_PRESENT);

   struct pvk_instance *instance =
      pvk_zalloc(pAllocator, sizeof(*instance), VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE);
   if (!instance)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   pvk_object_base_init(&instance->base, VK_OBJECT_TYPE_INSTANCE);
   if (pAllocator)
      instance->alloc = *pAllocator;
   const VkApplicationInfo *app = pCreateInfo->pApplicationInfo;
   instance->api_version = app && app->apiVersion ? app->apiVersion : VK_API_VERSION_1_0;
   if (pthread_mutex_init(&instance->physical_device_mutex, NULL) != 0) {
      pvk_free(pAllocator, instance);
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   if (pthread_mutex_init(&instance->ring_idx_mutex, NULL) != 0) {
      pthread_mutex_destroy(&instance->physical_device_mutex);
      pvk_free(pAllocator, instance);
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   }
   instance->ring_idx_used = 1; /* ring_idx 0: the CPU timeline */

   const int64_t t0 = pvk_now_ns();
   VkResult result = pvk_instance_init_renderer(instance, pCreateInfo);
   if (PVK_DEBUG(INIT))
      pvk_log("instance ready in %.1f ms", (pvk_now_ns() - t0) / 1e6);
   if (result == VK_ERROR_INITIALIZATION_FAILED) {
      if (PVK_DEBUG(INIT))
         pvk_log("no Venus renderer: the instance has no physical devices");
      result = VK_SUCCESS;
   }
   if (result != VK_SUCCESS) {
      pthread_mutex_destroy(&instance->ring_idx_mutex);
      pthread_mutex_destroy(&instance->physical_device_mutex);
      pvk_free(pAllocator, instance);
      return pvk_error(result);
   }
   *pInstance = pvk_instance_to_handle(instance);
   return VK_SUCCESS;
}

/* vkDestroyInstance: destroys the renderer-side instance (one round trip), the ring and the connection. */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroyInstance(VkInstance _instance, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_instance *instance = pvk_instance_from_handle(_instance);
   if (!instance)
      return;
   (void)pAllocator;
   for (uint32_t i = 0; i < instance->physical_device_count; i++) {
      pvk_physical_device_fini(&instance->physical_devices[i]);
      pthread_mutex_destroy(&instance->physical_devices[i].format_mutex);
   }
   pvk_free(&instance->alloc, instance->physical_devices);
   pvk_free(&instance->alloc, instance->groups);

   if (instance->renderer) {
      VkResult result;
      PVK_CALL_VOID(instance->ring, result, vkDestroyInstance, _instance, NULL);
      (void)result;
      pvk_ring_destroy(instance->ring);
      pvk_renderer_destroy(instance->renderer);
   }
   pthread_mutex_destroy(&instance->ring_idx_mutex);
   pthread_mutex_destroy(&instance->physical_device_mutex);
   const VkAllocationCallbacks alloc = instance->alloc;
   pvk_free(alloc.pfnFree ? &alloc : NULL, instance);
}

uint32_t
pvk_instance_acquire_ring_idx(struct pvk_instance *instance)
{
   const uint32_t max = PVK_MIN(instance->renderer->info.max_timeline_count, 64u);
   uint32_t ring_idx = 0;
   pthread_mutex_lock(&instance->ring_idx_mutex);
   for (uint32_t i = 1; i < max; i++) {
      if (!(instance->ring_idx_used & (1ull << i))) {
         instance->ring_idx_used |= 1ull << i;
         ring_idx = i;
         break;
      }
   }
   pthread_mutex_unlock(&instance->ring_idx_mutex);
   return ring_idx;
}

void
pvk_instance_release_ring_idx(struct pvk_instance *instance, uint32_t ring_idx)
{
   if (!ring_idx)
      return;
   pthread_mutex_lock(&instance->ring_idx_mutex);
   instance->ring_idx_used &= ~(1ull << ring_idx);
   pthread_mutex_unlock(&instance->ring_idx_mutex);
}
