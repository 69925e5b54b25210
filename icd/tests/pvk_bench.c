/*
 * Instance-level timings of whatever Vulkan driver the loader is given (pvk or Mesa's Venus), for
 * bench_vs_venus.sh to print side by side:
 *   create_instance   vkCreateInstance (connect, negotiate, ring, renderer instance)
 *   enumerate         first vkEnumeratePhysicalDevices (where drivers ask the host for everything)
 *   roundtrip         one synchronous host round trip: vkGetPhysicalDeviceImageFormatProperties
 *                     cycling through 2048 (format, usage, tiling, flags) keys, far more than any
 *                     driver-side cache holds (Mesa keeps 100, pvk 256), so every call goes to the host
 * Prints "RESULT name=<metric> median_us=<x> p99_us=<y> n=<n>" lines.
 * Usage: pvk_bench [-n ROUNDTRIPS] [-i INSTANCES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vulkan/vulkan.h>

static double
now_us(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
   const double x = *(const double *)a, y = *(const double *)b;
   return x < y ? -1 : x > y;
}

static void
report(const char *name, double *v, int n)
{
   qsort(v, n, sizeof(*v), cmp_double);
   const double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
   int i99 = (int)(0.99 * n + 0.5) - 1;
   if (i99 < 0)
      i99 = 0;
   if (i99 >= n)
      i99 = n - 1;
   printf("RESULT name=%s median_us=%.1f p99_us=%.1f n=%d\n", name, median, v[i99], n);
}

static VkInstance
create_instance(void)
{
   const VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .pApplicationName = "pvk_bench",
      .apiVersion = VK_API_VERSION_1_2,
   };
   const VkInstanceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pApplicationInfo = &app,
   };
   VkInstance instance;
   return vkCreateInstance(&info, NULL, &instance) == VK_SUCCESS ? instance : VK_NULL_HANDLE;
}

int
main(int argc, char **argv)
{
   int n = 2000, instances = 20, opt;
   while ((opt = getopt(argc, argv, "n:i:")) != -1) {
      if (opt == 'n')
         n = atoi(optarg);
      else if (opt == 'i')
         instances = atoi(optarg);
      else
         return 2;
   }
   if (n < 1 || instances < 1)
      return 2;

   double *create = calloc(instances, sizeof(double)), *enumerate = calloc(instances, sizeof(double));
   for (int i = 0; i < instances; i++) {
      double t0 = now_us();
      VkInstance instance = create_instance();
      double t1 = now_us();
      if (!instance) {
         fprintf(stderr, "pvk_bench: vkCreateInstance failed\n");
         return 1;
      }
      uint32_t count = 1;
      VkPhysicalDevice pdev;
      VkResult result = vkEnumeratePhysicalDevices(instance, &count, &pdev);
      double t2 = now_us();
      if ((result != VK_SUCCESS && result != VK_INCOMPLETE) || !count) {
         fprintf(stderr, "pvk_bench: no physical device (%d)\n", result);
         return 1;
      }
      create[i] = t1 - t0;
      enumerate[i] = t2 - t1;
      vkDestroyInstance(instance, NULL);
   }
   report("create_instance", create, instances);
   report("enumerate", enumerate, instances);

   VkInstance instance = create_instance();
   uint32_t count = 1;
   VkPhysicalDevice pdev;
   vkEnumeratePhysicalDevices(instance, &count, &pdev);
   VkPhysicalDeviceProperties props;
   vkGetPhysicalDeviceProperties(pdev, &props);
   fprintf(stderr, "pvk_bench: %s\n", props.deviceName);

   static const VkFormat formats[] = {
      VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R16G16B16A16_SFLOAT,
      VK_FORMAT_R32G32B32A32_SFLOAT, VK_FORMAT_R8_UNORM, VK_FORMAT_R16_SFLOAT, VK_FORMAT_R32_UINT,
      VK_FORMAT_A2B10G10R10_UNORM_PACK32,
   };
   double *rt = calloc(n, sizeof(double));
   for (int i = 0; i < n; i++) {
      const int key = i % 2048;
      const VkImageUsageFlags usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | (VkImageUsageFlags)(((key / 8) % 64) << 1);
      const VkImageTiling tiling = (key / 512) % 2 ? VK_IMAGE_TILING_LINEAR : VK_IMAGE_TILING_OPTIMAL;
      const VkImageCreateFlags flags = (key / 1024) % 2 ? VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT : 0;
      VkImageFormatProperties ifp;
      const double t0 = now_us();
      VkResult result = vkGetPhysicalDeviceImageFormatProperties(pdev, formats[key % 8], VK_IMAGE_TYPE_2D, tiling,
                                                                 usage, flags, &ifp);
      rt[i] = now_us() - t0;
      if (result == VK_ERROR_DEVICE_LOST) {
         fprintf(stderr, "pvk_bench: device lost\n");
         return 1;
      }
   }
   report("roundtrip", rt, n);
   vkDestroyInstance(instance, NULL);
   return 0;
}
