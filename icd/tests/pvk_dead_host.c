/*
 * Kill the host renderer while a pvk thread is waiting on its replies (a loop of uncached round
 * trips) and check that the call in flight returns VK_ERROR_DEVICE_LOST within 5 s instead of
 * hanging, and that later calls fail at once. Runs under scripts/vtest (vtest transport):
 * the render server is found precisely — the peer of pvk's vtest socket is virgl_test_server
 * (SO_PEERCRED), and the Venus render server processes descend from it — and killed with SIGKILL.
 * Exit 0 on success, 1 on failure, 77 (skip) when not run over vtest.
 * Usage: scripts/vtest --icd pvk -- build/icd/tests/pvk_dead_host
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <vulkan/vulkan.h>

/* The pid of the vtest server on the other end of one of our Unix sockets (0 if none). */
static pid_t
vtest_server_pid(void)
{
   DIR *dir = opendir("/proc/self/fd");
   struct dirent *e;
   pid_t pid = 0;
   while (dir && (e = readdir(dir)) && !pid) {
      const int fd = atoi(e->d_name);
      struct ucred cred;
      socklen_t len = sizeof(cred);
      if (fd > 2 && !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) && cred.pid > 0 && cred.pid != getpid())
         pid = cred.pid;
   }
   if (dir)
      closedir(dir);
   return pid;
}

static pid_t
parent_of(pid_t pid)
{
   char path[64], buf[512];
   snprintf(path, sizeof(path), "/proc/%d/stat", pid);
   FILE *f = fopen(path, "r");
   if (!f)
      return 0;
   int ppid = 0;
   const char *paren = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
   fclose(f);
   return paren && sscanf(paren + 2, "%*c %d", &ppid) == 1 ? ppid : 0;
}

static int
is_render_server(pid_t pid)
{
   char path[64], buf[512];
   snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
   FILE *f = fopen(path, "r");
   if (!f)
      return 0;
   const size_t n = fread(buf, 1, sizeof(buf) - 1, f);
   buf[n] = 0;
   fclose(f);
   return strstr(buf, "virgl_render_server") != NULL;
}

/* Kill every virgl_render_server process descending from ancestor (virgl_test_server forks one
 * process per client, which starts the render server, which forks one worker per context). */
static int
kill_render_servers(pid_t ancestor)
{
   pid_t victims[16];
   int n = 0;
   DIR *dir = opendir("/proc");
   struct dirent *e;
   while (dir && (e = readdir(dir)) && n < 16) {
      const pid_t pid = atoi(e->d_name);
      if (pid <= 0 || !is_render_server(pid))
         continue;
      for (pid_t p = parent_of(pid); p > 1; p = parent_of(p)) {
         if (p == ancestor) {
            victims[n++] = pid;
            break;
         }
      }
   }
   if (dir)
      closedir(dir);
   for (int i = 0; i < n; i++) {
      printf("killing virgl_render_server pid %d (under virgl_test_server pid %d)\n", victims[i], ancestor);
      kill(victims[i], SIGKILL);
   }
   return n;
}

static double
now_s(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A thread asking the host continuously (uncached keys), so that the kill lands mid-wait. */
struct asker {
   VkPhysicalDevice pdev;
   VkResult result;      /* of the first failing call */
   double fail_duration; /* seconds that call took */
   double fail_start;    /* when it started (now_s()) */
   long calls;
};

static void *
asker_thread(void *arg)
{
   struct asker *a = arg;
   static const VkFormat formats[] = { VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8_UNORM,
                                       VK_FORMAT_R16G16B16A16_SFLOAT };
   for (long i = 0;; i++) {
      VkImageFormatProperties props;
      const double t0 = now_s();
      const VkResult result = vkGetPhysicalDeviceImageFormatProperties(
         a->pdev, formats[i % 4], VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
         VK_IMAGE_USAGE_SAMPLED_BIT | (VkImageUsageFlags)(((i / 4) % 128) << 1), 0, &props);
      const double dt = now_s() - t0;
      a->calls++;
      if (result == VK_ERROR_DEVICE_LOST || dt > 10.0) {
         a->result = result;
         a->fail_duration = dt;
         a->fail_start = t0;
         return NULL;
      }
   }
}

int
main(void)
{
   if (!getenv("VTEST_SOCKET_NAME")) {
      printf("skip: not under scripts/vtest\n");
      return 77;
   }
   const VkInstanceCreateInfo info = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO };
   VkInstance instance;
   if (vkCreateInstance(&info, NULL, &instance) != VK_SUCCESS) {
      printf("FAIL: vkCreateInstance\n");
      return 1;
   }
   uint32_t count = 1;
   VkPhysicalDevice pdev;
   if (vkEnumeratePhysicalDevices(instance, &count, &pdev) < 0 || !count) {
      printf("FAIL: no physical device\n");
      return 1;
   }
   const pid_t server = vtest_server_pid();
   if (!server) {
      printf("FAIL: cannot find the vtest server\n");
      return 1;
   }

   /* kill while another thread is in the middle of round trips */
   struct asker asker = { .pdev = pdev };
   pthread_t thread;
   pthread_create(&thread, NULL, asker_thread, &asker);
   usleep(200 * 1000);
   const long calls_before = asker.calls;
   const double t_scan = now_s();
   if (!kill_render_servers(server)) {
      printf("FAIL: cannot find the render server (vtest server pid %d)\n", server);
      return 1;
   }
   const double t_kill = now_s();
   pthread_join(thread, NULL);
   const double waited = now_s() - t_kill;
   printf("%ld round trips before the kill; the call in flight (started %.3f s before the kill) returned %d "
          "after %.2f s, %.2f s after the kill\n",
          calls_before, t_scan - asker.fail_start, asker.result, asker.fail_duration, waited);
   const int ok_mid = asker.result == VK_ERROR_DEVICE_LOST && waited < 5.0 && calls_before > 0;

   /* a call from another thread after the loss: fails at once (the loss is sticky) */
   VkImageFormatProperties props;
   const double t0 = now_s();
   const VkResult result = vkGetPhysicalDeviceImageFormatProperties(
      pdev, VK_FORMAT_R32_SFLOAT, VK_IMAGE_TYPE_3D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_STORAGE_BIT, 0, &props);
   const double dt = now_s() - t0;
   printf("a later call: %d in %.3f s\n", result, dt);
   /* later calls fail fast */
   const double t1 = now_s();
   /* (keys never asked before: answers already cached may still be served after the loss) */
   const VkResult again = vkGetPhysicalDeviceImageFormatProperties(
      pdev, VK_FORMAT_R16_UNORM, VK_IMAGE_TYPE_3D, VK_IMAGE_TILING_LINEAR, VK_IMAGE_USAGE_STORAGE_BIT, 0, &props);
   printf("next call: %d in %.3f s\n", again, now_s() - t1);
   vkDestroyInstance(instance, NULL);
   const int ok = ok_mid && result == VK_ERROR_DEVICE_LOST && dt < 5.0 && again == VK_ERROR_DEVICE_LOST;
   printf("%s: dead host gives VK_ERROR_DEVICE_LOST within 5 s\n", ok ? "ok" : "FAIL");
   return ok ? 0 : 1;
}
