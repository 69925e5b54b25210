/*
 * pvk — the pvgpu Vulkan ICD. Common objects, handle casts and logging.
 *
 * Every object pvk hands to the application starts with struct pvk_object_base: the loader's dispatch
 * slot first (for dispatchable handles the loader overwrites it, see Vulkan-Loader
 * docs/LoaderDriverInterface.md "Driver Dispatchable Object Creation" and vk_icd.h ICD_LOADER_MAGIC),
 * then the object type and the Venus object id that names the host-side twin on the wire.
 */
#ifndef PVK_PRIVATE_H
#define PVK_PRIVATE_H

#include <assert.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vulkan/vk_icd.h>
#include <vulkan/vulkan_core.h>

#include "pvk_entrypoints.h"

#define PVK_EXPORT __attribute__((visibility("default")))

#define PVK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PVK_MIN(a, b) ((a) < (b) ? (a) : (b))
#define PVK_MAX(a, b) ((a) > (b) ? (a) : (b))

#define pvk_likely(x) __builtin_expect(!!(x), 1)
#define pvk_unlikely(x) __builtin_expect(!!(x), 0)

/* The Vulkan versions pvk speaks to the application and requires from the renderer. */
#define PVK_MAX_API_VERSION VK_MAKE_API_VERSION(0, 1, 3, VK_HEADER_VERSION)
#define PVK_MIN_RENDERER_VERSION VK_API_VERSION_1_1

typedef uint64_t pvk_object_id;

struct pvk_object_base {
   /* must be first: ICD_LOADER_MAGIC at creation, the loader's dispatch table afterwards */
   VK_LOADER_DATA loader_data;
   VkObjectType type;
   /* the Venus object id of the renderer-side object (never 0 for a live object) */
   pvk_object_id id;
};

/* Allocate a process-unique Venus object id (never 0). Ids are never reused. */
extern atomic_uint_fast64_t pvk_next_id;
static inline pvk_object_id
pvk_next_object_id(void)
{
   /* relaxed: only uniqueness matters, not ordering with other memory */
   return atomic_fetch_add_explicit(&pvk_next_id, 1, memory_order_relaxed);
}

static inline void
pvk_object_base_init(struct pvk_object_base *base, VkObjectType type)
{
   set_loader_magic_value(base);
   base->type = type;
   base->id = pvk_next_object_id();
}

/*
 * PVK_DEFINE_HANDLE_CASTS(pvk_instance, base, VkInstance, VK_OBJECT_TYPE_INSTANCE) defines
 * pvk_instance_from_handle() and pvk_instance_to_handle(). All handle casts come from this macro.
 */
#define PVK_DEFINE_HANDLE_CASTS(__pvk_type, __base, __VkType, __vk_object_type)                   \
   _Static_assert(offsetof(struct __pvk_type, __base) == 0, #__pvk_type " base not first");       \
   static inline struct __pvk_type *__pvk_type##_from_handle(__VkType _handle)                     \
   {                                                                                                \
      struct __pvk_type *obj = (struct __pvk_type *)(uintptr_t)_handle;                            \
      /* a NULL handle is valid input; otherwise the type must match */                            \
      if (obj && obj->__base.type != (__vk_object_type))                                           \
         abort();                                                                                   \
      return obj;                                                                                   \
   }                                                                                                \
   static inline __VkType __pvk_type##_to_handle(struct __pvk_type *_obj)                          \
   {                                                                                                \
      return (__VkType)(uintptr_t)_obj;                                                            \
   }

/* ---- debug flags (PVK_DEBUG=flag,flag; in the style of Mesa's VN_DEBUG) ---- */
enum pvk_debug_flags {
   PVK_DEBUG_INIT = 1u << 0,   /* log renderer/protocol negotiation */
   PVK_DEBUG_VTEST = 1u << 1,  /* force the vtest transport */
   PVK_DEBUG_RING = 1u << 2,   /* log ring activity */
   PVK_DEBUG_RESULT = 1u << 3, /* log every error VkResult returned */
};

extern uint32_t pvk_debug;
void pvk_debug_init(void);
#define PVK_DEBUG(flag) (pvk_debug & PVK_DEBUG_##flag)

void pvk_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log (under PVK_DEBUG=result) and return an error VkResult. */
VkResult pvk_result_log(VkResult result, const char *func);
#define pvk_error(result) pvk_result_log((result), __func__)

/* The outarray idiom for the two-call enumerations (spec "Object Enumeration"). */
static inline VkResult
pvk_outarray_copy(void *dst, uint32_t *dst_count, const void *src, uint32_t src_count, size_t elem_size)
{
   if (!dst) {
      *dst_count = src_count;
      return VK_SUCCESS;
   }
   const uint32_t n = PVK_MIN(*dst_count, src_count);
   memcpy(dst, src, n * elem_size);
   *dst_count = n;
   return n < src_count ? VK_INCOMPLETE : VK_SUCCESS;
}

static inline void *
pvk_alloc(const VkAllocationCallbacks *alloc, size_t size, VkSystemAllocationScope scope)
{
   if (alloc && alloc->pfnAllocation)
      return alloc->pfnAllocation(alloc->pUserData, size, 16, scope);
   return aligned_alloc(16, (size + 15) & ~(size_t)15);
}

static inline void *
pvk_zalloc(const VkAllocationCallbacks *alloc, size_t size, VkSystemAllocationScope scope)
{
   void *p = pvk_alloc(alloc, size, scope);
   if (p)
      memset(p, 0, size);
   return p;
}

static inline void
pvk_free(const VkAllocationCallbacks *alloc, void *p)
{
   if (!p)
      return;
   if (alloc && alloc->pfnFree)
      alloc->pfnFree(alloc->pUserData, p);
   else
      free(p);
}

/* monotonic clock in nanoseconds */
int64_t pvk_now_ns(void);

#endif /* PVK_PRIVATE_H */
