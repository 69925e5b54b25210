/*
 * The loader contract, seen from the loader's side: dlopen the ICD, negotiate the interface
 * version, and resolve names through vk_icdGetInstanceProcAddr / vk_icdGetPhysicalDeviceProcAddr
 * (Vulkan-Loader docs/LoaderDriverInterface.md). Also checks the generated tables: aliases resolve
 * to the command they alias, levels are kept apart. No renderer needed.
 * Usage: pvk_test_loader path/to/libvulkan_pvgpu.so
 */
#include <dlfcn.h>
#include <string.h>

#include <vulkan/vk_icd.h>
#include <vulkan/vulkan.h>

#include "pvk_test.h"

static void *lib;
static PFN_vkVoidFunction (*gipa)(VkInstance, const char *);
static PFN_vkVoidFunction (*gpdpa)(VkInstance, const char *);
static VkResult (*negotiate)(uint32_t *);

static void
test_negotiation(void)
{
   uint32_t v = 7;
   CHECK(negotiate(&v) == VK_SUCCESS && v == 7);
   v = 9; /* a newer loader: the driver answers with its own highest */
   CHECK(negotiate(&v) == VK_SUCCESS && v == 7);
   v = 5;
   CHECK(negotiate(&v) == VK_SUCCESS && v == 5);
   v = 4;
   CHECK(negotiate(&v) == VK_ERROR_INCOMPATIBLE_DRIVER);
}

static void
test_global_commands(void)
{
   /* with a NULL instance only the global commands (and vkGetInstanceProcAddr itself) */
   CHECK(gipa(VK_NULL_HANDLE, "vkCreateInstance") != NULL);
   CHECK(gipa(VK_NULL_HANDLE, "vkEnumerateInstanceVersion") != NULL);
   CHECK(gipa(VK_NULL_HANDLE, "vkEnumerateInstanceExtensionProperties") != NULL);
   CHECK(gipa(VK_NULL_HANDLE, "vkGetInstanceProcAddr") != NULL);
   CHECK(gipa(VK_NULL_HANDLE, "vkEnumeratePhysicalDevices") == NULL);
   CHECK(gipa(VK_NULL_HANDLE, "vkCreateDevice") == NULL);
   CHECK(gipa(VK_NULL_HANDLE, "vkNotAVulkanCommand") == NULL);
   CHECK(gipa(VK_NULL_HANDLE, NULL) == NULL);

   PFN_vkEnumerateInstanceVersion version = (PFN_vkEnumerateInstanceVersion)gipa(NULL, "vkEnumerateInstanceVersion");
   uint32_t api = 0;
   CHECK(version(&api) == VK_SUCCESS && VK_API_VERSION_MINOR(api) >= 2);

   PFN_vkEnumerateInstanceExtensionProperties exts =
      (PFN_vkEnumerateInstanceExtensionProperties)gipa(NULL, "vkEnumerateInstanceExtensionProperties");
   uint32_t count = 0;
   CHECK(exts(NULL, &count, NULL) == VK_SUCCESS && count >= 5);
   VkExtensionProperties props[2];
   uint32_t two = 2;
   CHECK(exts(NULL, &two, props) == VK_INCOMPLETE && two == 2);
   CHECK(exts("VK_LAYER_nope", &count, NULL) == VK_ERROR_LAYER_NOT_PRESENT);
}

static void
test_instance_and_device_commands(void)
{
   /* any non-NULL instance selects the instance-level answer; the tables do not read it */
   VkInstance fake = (VkInstance)(uintptr_t)0x1000;
   CHECK(gipa(fake, "vkEnumeratePhysicalDevices") != NULL);
   CHECK(gipa(fake, "vkGetPhysicalDeviceFeatures2") != NULL);
   CHECK(gipa(fake, "vkCreateDevice") != NULL);
   CHECK(gipa(fake, "vkGetDeviceProcAddr") != NULL);
   CHECK(gipa(fake, "vkGetDeviceQueue") != NULL);
   /* aliases resolve to the command they alias */
   CHECK(gipa(fake, "vkGetPhysicalDeviceFeatures2KHR") == gipa(fake, "vkGetPhysicalDeviceFeatures2"));
   CHECK(gipa(fake, "vkGetPhysicalDeviceProperties2KHR") == gipa(fake, "vkGetPhysicalDeviceProperties2"));
   CHECK(gipa(fake, "vkEnumeratePhysicalDeviceGroupsKHR") == gipa(fake, "vkEnumeratePhysicalDeviceGroups"));
   CHECK(gipa(fake, "vkGetPhysicalDeviceToolPropertiesEXT") == gipa(fake, "vkGetPhysicalDeviceToolProperties"));
   CHECK(gipa(fake, "vkGetPhysicalDeviceCalibrateableTimeDomainsEXT") ==
         gipa(fake, "vkGetPhysicalDeviceCalibrateableTimeDomainsKHR"));
   /* commands pvk does not implement (ray tracing): NULL, never a stub */
   CHECK(gipa(fake, "vkCmdTraceRaysKHR") == NULL);
   CHECK(gipa(fake, "vkCreateRayTracingPipelinesKHR") == NULL);
}

static void
test_physical_device_commands(void)
{
   VkInstance fake = (VkInstance)(uintptr_t)0x1000;
   CHECK(gpdpa(fake, "vkGetPhysicalDeviceFeatures2KHR") != NULL);
   CHECK(gpdpa(fake, "vkGetPhysicalDeviceFormatProperties2") != NULL);
   CHECK(gpdpa(fake, "vkCreateDevice") != NULL); /* its first parameter is a VkPhysicalDevice */
   CHECK(gpdpa(fake, "vkEnumeratePhysicalDevices") == NULL); /* instance-level */
   CHECK(gpdpa(fake, "vkGetDeviceQueue") == NULL);          /* device-level */
   CHECK(gpdpa(fake, "vkCreateInstance") == NULL);
}

int
main(int argc, char **argv)
{
   if (argc < 2)
      return 2;
   lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
   if (!lib) {
      fprintf(stderr, "%s\n", dlerror());
      return 1;
   }
   gipa = (PFN_vkVoidFunction(*)(VkInstance, const char *))dlsym(lib, "vk_icdGetInstanceProcAddr");
   gpdpa = (PFN_vkVoidFunction(*)(VkInstance, const char *))dlsym(lib, "vk_icdGetPhysicalDeviceProcAddr");
   negotiate = (VkResult(*)(uint32_t *))dlsym(lib, "vk_icdNegotiateLoaderICDInterfaceVersion");
   CHECK(gipa && gpdpa && negotiate);
   /* nothing else leaks out */
   CHECK(dlsym(lib, "vkGetInstanceProcAddr") == NULL);
   CHECK(dlsym(lib, "pvk_CreateInstance") == NULL);
   if (!gipa || !gpdpa || !negotiate)
      return 1;
   RUN(test_negotiation);
   RUN(test_global_commands);
   RUN(test_instance_and_device_commands);
   RUN(test_physical_device_commands);
   dlclose(lib);
   return pvk_test_failures ? 1 : 0;
}
