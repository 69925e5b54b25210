/*
 * Process-wide helpers: PVK_DEBUG flags, logging, the monotonic clock.
 */
#include <stdarg.h>
#include <pthread.h>
#include <time.h>

#include "pvk_private.h"

uint32_t pvk_debug;

static const struct {
   const char *name;
   uint32_t flag;
} pvk_debug_options[] = {
   { "init", PVK_DEBUG_INIT },
   { "vtest", PVK_DEBUG_VTEST },
   { "ring", PVK_DEBUG_RING },
   { "result", PVK_DEBUG_RESULT },
};

static void
pvk_debug_parse(void)
{
   const char *env = getenv("PVK_DEBUG");
   while (env && *env) {
      const size_t len = strcspn(env, ",");
      for (size_t i = 0; i < PVK_ARRAY_SIZE(pvk_debug_options); i++) {
         if (strlen(pvk_debug_options[i].name) == len && !strncmp(env, pvk_debug_options[i].name, len))
            pvk_debug |= pvk_debug_options[i].flag;
      }
      env += len + (env[len] == ',');
   }
}

/* Parse PVK_DEBUG (comma-separated flag names) once per process. */
void
pvk_debug_init(void)
{
   static pthread_once_t once = PTHREAD_ONCE_INIT;
   pthread_once(&once, pvk_debug_parse);
}

void
pvk_log(const char *fmt, ...)
{
   char buf[512];
   va_list ap;
   va_start(ap, fmt);
   vsnprintf(buf, sizeof(buf), fmt, ap);
   va_end(ap);
   fprintf(stderr, "pvk: %s\n", buf);
}

VkResult
pvk_result_log(VkResult result, const char *func)
{
   if (result < VK_SUCCESS && PVK_DEBUG(RESULT))
      pvk_log("%s returns %d", func, result);
   return result;
}

int64_t
pvk_now_ns(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

