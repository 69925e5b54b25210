/*
 * The loader–driver contract (Vulkan-Loader docs/LoaderDriverInterface.md, "Loader and Driver
 * Interface Negotiation" and "Driver Dispatchable Object Creation"): pvk exports exactly
 * vk_icdNegotiateLoaderICDInterfaceVersion, vk_icdGetInstanceProcAddr and
 * vk_icdGetPhysicalDeviceProcAddr (icd/pvk.sym); everything else is reached through them, from the
 * tables icd/gen/pvk_entrypoints_gen.py generates out of vk.xml.
 */
#include "pvk_instance.h"
#include "pvk_objects.h"

/* interface 5 and up let pvk report apiVersion > 1.0 without the loader rejecting it */
#define PVK_MIN_LOADER_INTERFACE 5
#define PVK_MAX_LOADER_INTERFACE 7

/*
 * Loader interface negotiation. *pSupportedVersion: in, the loader's highest version; out, the
 * version both speak. Returns VK_ERROR_INCOMPATIBLE_DRIVER below version 5.
 * LoaderDriverInterface.md "Loader and Driver Interface Negotiation".
 */
PVK_EXPORT VKAPI_ATTR VkResult VKAPI_CALL
vk_icdNegotiateLoaderICDInterfaceVersion(uint32_t *pSupportedVersion)
{
   if (*pSupportedVersion < PVK_MIN_LOADER_INTERFACE)
      return VK_ERROR_INCOMPATIBLE_DRIVER;
   *pSupportedVersion = PVK_MIN(*pSupportedVersion, PVK_MAX_LOADER_INTERFACE);
   return VK_SUCCESS;
}

/*
 * vkGetInstanceProcAddr (spec "Command Function Pointers"): global commands with a NULL instance;
 * with an instance, every instance-, physical-device- and device-level command pvk implements.
 * Returns NULL for anything else.
 */
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
pvk_GetInstanceProcAddr(VkInstance instance, const char *pName)
{
   if (!pName)
      return NULL;
   PFN_vkVoidFunction pfn = pvk_lookup_global_entrypoint(pName);
   if (pfn || !instance)
      return pfn;
   pfn = pvk_lookup_instance_entrypoint(pName);
   if (!pfn)
      pfn = pvk_lookup_device_entrypoint(pName);
   /* window-system commands the generated tables leave out (platform extensions: pvk_wsi.c) */
   return pfn ? pfn : pvk_wsi_lookup_entrypoint(pName);
}

PVK_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetInstanceProcAddr(VkInstance instance, const char *pName)
{
   return pvk_GetInstanceProcAddr(instance, pName);
}

/*
 * Physical-device-level commands the loader does not know (LoaderDriverInterface.md
 * "Physical Device Level Functions"): only commands whose first parameter is a VkPhysicalDevice.
 */
PVK_EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetPhysicalDeviceProcAddr(VkInstance instance, const char *pName)
{
   (void)instance;
   return pName ? pvk_lookup_physical_device_entrypoint(pName) : NULL;
}

/* vkGetDeviceProcAddr (spec "Command Function Pointers"): device-level commands pvk implements, else NULL. */
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
pvk_GetDeviceProcAddr(VkDevice device, const char *pName)
{
   if (!device || !pName)
      return NULL;
   return pvk_lookup_device_entrypoint(pName);
}
