/*
 * Window-system integration (spec "Window System Integration (WSI)"): VK_KHR_surface with the xcb,
 * Xlib and headless surfaces the loader creates (VkIcdSurfaceXcb/Xlib/Headless: pvk exports no
 * vkCreate*SurfaceKHR, so the loader's own surface struct is the handle pvk receives), and
 * VK_KHR_swapchain presenting by a CPU copy.
 *
 * A swapchain's images are ordinary renderer-side images. vkQueuePresentKHR submits, on the
 * presenting queue, a command buffer that waits for the application's semaphores and copies the
 * image into a host-visible buffer, with the image's fence, hands the image to the swapchain's
 * present thread and returns at once. The thread takes images in present order, waits for the
 * copy's fence (a dead host ends the wait with VK_ERROR_DEVICE_LOST within seconds), puts the
 * pixels into the X11 window (MIT-SHM when the server shares memory with us, PutImage otherwise),
 * gives the image back, then makes one round trip (GetGeometry): the server has read the SHM
 * segment before the next put, and a window whose size differs makes the chain SUBOPTIMAL.
 * vkAcquireNextImageKHR waits (condition variable, bounded by its timeout) for an image the
 * thread gave back, and signals the semaphore/fence with an empty submission (the copy is done, so
 * the image is idle). So the application renders frame N+1 while frame N is copied and shown.
 * FIFO and IMMEDIATE show every image in order with no tearing (one put per frame; Xvfb has no
 * vblank to pace to); MAILBOX drops an image when a newer one is queued behind it. Errors the
 * thread meets (SURFACE_LOST, DEVICE_LOST) stick to the chain and are returned by the next
 * vkQueuePresentKHR / vkAcquireNextImageKHR, like SUBOPTIMAL while the size differs.
 * vkDestroySwapchainKHR lets the thread finish the queue and joins it. Locking: see struct
 * pvk_swapchain. Headless surfaces have no thread: the present submission only waits for the
 * semaphores, synchronously.
 *
 * Model for behaviour: Mesa src/vulkan/wsi/wsi_common.c and wsi_common_x11.c (the software path);
 * the code is pvk's own. The host driver never sees VK_KHR_swapchain: VK_IMAGE_LAYOUT_PRESENT_SRC_KHR
 * is passed through as is (lavapipe, like most drivers, treats it as GENERAL).
 */
#define VK_USE_PLATFORM_XCB_KHR 1
#define VK_USE_PLATFORM_XLIB_KHR 1

#include <X11/Xlib-xcb.h>
#include <X11/Xlib.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <xcb/shm.h>
#include <xcb/xcb.h>

#include "pvk_objects.h"

#include <vulkan/vulkan_xcb.h>
#include <vulkan/vulkan_xlib.h>

/* surface limits pvk offers */
#define PVK_WSI_MIN_IMAGES 2
#define PVK_WSI_MAX_IMAGES 8
#define PVK_WSI_MAX_EXTENT 16384

static const VkSurfaceFormatKHR pvk_wsi_formats[] = {
   { VK_FORMAT_B8G8R8A8_SRGB, VK_COLOR_SPACE_SRGB_NONLINEAR_KHR },
   { VK_FORMAT_B8G8R8A8_UNORM, VK_COLOR_SPACE_SRGB_NONLINEAR_KHR },
};

static const VkPresentModeKHR pvk_wsi_present_modes[] = {
   VK_PRESENT_MODE_FIFO_KHR,
   VK_PRESENT_MODE_MAILBOX_KHR,
   VK_PRESENT_MODE_IMMEDIATE_KHR,
};

static VkIcdSurfaceBase *
pvk_icd_surface(VkSurfaceKHR surface)
{
   return (VkIcdSurfaceBase *)(uintptr_t)surface;
}

/* The surface's X connection and window; false for headless surfaces. */
static bool
pvk_wsi_x11_target(VkIcdSurfaceBase *surface, xcb_connection_t **conn, xcb_window_t *window)
{
   switch (surface->platform) {
   case VK_ICD_WSI_PLATFORM_XCB: {
      VkIcdSurfaceXcb *xcb = (VkIcdSurfaceXcb *)surface;
      *conn = xcb->connection;
      *window = xcb->window;
      return true;
   }
   case VK_ICD_WSI_PLATFORM_XLIB: {
      VkIcdSurfaceXlib *xlib = (VkIcdSurfaceXlib *)surface;
      *conn = XGetXCBConnection(xlib->dpy);
      *window = (xcb_window_t)xlib->window;
      return true;
   }
   default:
      return false;
   }
}

static bool
pvk_wsi_platform_supported(VkIcdSurfaceBase *surface)
{
   return surface->platform == VK_ICD_WSI_PLATFORM_XCB || surface->platform == VK_ICD_WSI_PLATFORM_XLIB ||
          surface->platform == VK_ICD_WSI_PLATFORM_HEADLESS;
}

/* The window's size in pixels; false when the window is gone. */
static bool
pvk_wsi_x11_window_extent(xcb_connection_t *conn, xcb_window_t window, VkExtent2D *extent, uint8_t *depth)
{
   xcb_get_geometry_reply_t *geom = xcb_get_geometry_reply(conn, xcb_get_geometry(conn, window), NULL);
   if (!geom)
      return false;
   *extent = (VkExtent2D){ geom->width, geom->height };
   if (depth)
      *depth = geom->depth;
   free(geom);
   return true;
}

/* ---- surface queries (VK_KHR_surface) ---- */

/* vkGetPhysicalDeviceSurfaceSupportKHR: every queue family that can copy an image can present. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceSurfaceSupportKHR(VkPhysicalDevice physicalDevice, uint32_t queueFamilyIndex,
                                       VkSurfaceKHR surface, VkBool32 *pSupported)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   const VkQueueFlags copy = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT;
   *pSupported = queueFamilyIndex < pdev->queue_family_count &&
                 (pdev->queue_families[queueFamilyIndex].queueFamilyProperties.queueFlags & copy) &&
                 pvk_wsi_platform_supported(pvk_icd_surface(surface));
   return VK_SUCCESS;
}

/*
 * vkGetPhysicalDeviceSurfaceCapabilitiesKHR: X11 windows have the window's size as their only
 * extent; headless surfaces take any. Errors: VK_ERROR_SURFACE_LOST_KHR (window gone).
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceSurfaceCapabilitiesKHR(VkPhysicalDevice physicalDevice, VkSurfaceKHR _surface,
                                            VkSurfaceCapabilitiesKHR *pCaps)
{
   VkIcdSurfaceBase *surface = pvk_icd_surface(_surface);
   xcb_connection_t *conn;
   xcb_window_t window;
   *pCaps = (VkSurfaceCapabilitiesKHR){
      .minImageCount = PVK_WSI_MIN_IMAGES,
      .maxImageCount = PVK_WSI_MAX_IMAGES,
      .currentExtent = { UINT32_MAX, UINT32_MAX },
      .minImageExtent = { 1, 1 },
      .maxImageExtent = { PVK_WSI_MAX_EXTENT, PVK_WSI_MAX_EXTENT },
      .maxImageArrayLayers = 1,
      .supportedTransforms = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .currentTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR,
      .supportedCompositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR,
      .supportedUsageFlags = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                             VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_STORAGE_BIT |
                             VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT,
   };
   if (pvk_wsi_x11_target(surface, &conn, &window)) {
      VkExtent2D extent;
      if (!pvk_wsi_x11_window_extent(conn, window, &extent, NULL))
         return pvk_error(VK_ERROR_SURFACE_LOST_KHR);
      pCaps->currentExtent = extent;
      pCaps->minImageExtent = extent;
      pCaps->maxImageExtent = extent;
   } else if (!pvk_wsi_platform_supported(surface)) {
      return pvk_error(VK_ERROR_SURFACE_LOST_KHR);
   }
   return VK_SUCCESS;
}

/* vkGetPhysicalDeviceSurfaceCapabilities2KHR (VK_KHR_get_surface_capabilities2): no chained output. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceSurfaceCapabilities2KHR(VkPhysicalDevice physicalDevice,
                                             const VkPhysicalDeviceSurfaceInfo2KHR *pSurfaceInfo,
                                             VkSurfaceCapabilities2KHR *pCaps)
{
   return pvk_GetPhysicalDeviceSurfaceCapabilitiesKHR(physicalDevice, pSurfaceInfo->surface,
                                                      &pCaps->surfaceCapabilities);
}

/* vkGetPhysicalDeviceSurfaceFormatsKHR: 8-bit BGRA, the layout of a 24/32-bit X11 ZPixmap. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceSurfaceFormatsKHR(VkPhysicalDevice physicalDevice, VkSurfaceKHR surface,
                                       uint32_t *pSurfaceFormatCount, VkSurfaceFormatKHR *pSurfaceFormats)
{
   return pvk_outarray_copy(pSurfaceFormats, pSurfaceFormatCount, pvk_wsi_formats,
                            PVK_ARRAY_SIZE(pvk_wsi_formats), sizeof(pvk_wsi_formats[0]));
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceSurfaceFormats2KHR(VkPhysicalDevice physicalDevice,
                                        const VkPhysicalDeviceSurfaceInfo2KHR *pSurfaceInfo,
                                        uint32_t *pSurfaceFormatCount, VkSurfaceFormat2KHR *pSurfaceFormats)
{
   const uint32_t total = PVK_ARRAY_SIZE(pvk_wsi_formats);
   if (!pSurfaceFormats) {
      *pSurfaceFormatCount = total;
      return VK_SUCCESS;
   }
   const uint32_t n = PVK_MIN(*pSurfaceFormatCount, total);
   for (uint32_t i = 0; i < n; i++)
      pSurfaceFormats[i].surfaceFormat = pvk_wsi_formats[i];
   *pSurfaceFormatCount = n;
   return n < total ? VK_INCOMPLETE : VK_SUCCESS;
}

/* vkGetPhysicalDeviceSurfacePresentModesKHR: FIFO, MAILBOX, IMMEDIATE (see the top of the file). */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceSurfacePresentModesKHR(VkPhysicalDevice physicalDevice, VkSurfaceKHR surface,
                                            uint32_t *pPresentModeCount, VkPresentModeKHR *pPresentModes)
{
   return pvk_outarray_copy(pPresentModes, pPresentModeCount, pvk_wsi_present_modes,
                            PVK_ARRAY_SIZE(pvk_wsi_present_modes), sizeof(pvk_wsi_present_modes[0]));
}

/* vkGetPhysicalDevicePresentRectanglesKHR (1.1 device groups): the whole surface. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDevicePresentRectanglesKHR(VkPhysicalDevice physicalDevice, VkSurfaceKHR surface,
                                          uint32_t *pRectCount, VkRect2D *pRects)
{
   VkSurfaceCapabilitiesKHR caps;
   VkResult result = pvk_GetPhysicalDeviceSurfaceCapabilitiesKHR(physicalDevice, surface, &caps);
   if (result != VK_SUCCESS)
      return result;
   const VkRect2D rect = { { 0, 0 }, caps.currentExtent };
   return pvk_outarray_copy(pRects, pRectCount, &rect, 1, sizeof(rect));
}

/* vkGetDeviceGroupPresentCapabilitiesKHR: one device, local presentation. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetDeviceGroupPresentCapabilitiesKHR(VkDevice device, VkDeviceGroupPresentCapabilitiesKHR *pCaps)
{
   memset(pCaps->presentMask, 0, sizeof(pCaps->presentMask));
   pCaps->presentMask[0] = 1;
   pCaps->modes = VK_DEVICE_GROUP_PRESENT_MODE_LOCAL_BIT_KHR;
   return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetDeviceGroupSurfacePresentModesKHR(VkDevice device, VkSurfaceKHR surface,
                                         VkDeviceGroupPresentModeFlagsKHR *pModes)
{
   *pModes = VK_DEVICE_GROUP_PRESENT_MODE_LOCAL_BIT_KHR;
   return VK_SUCCESS;
}

/* vkGetPhysicalDeviceXcbPresentationSupportKHR: any X server pvk can send images to. */
static VKAPI_ATTR VkBool32 VKAPI_CALL
pvk_GetPhysicalDeviceXcbPresentationSupportKHR(VkPhysicalDevice physicalDevice, uint32_t queueFamilyIndex,
                                               xcb_connection_t *connection, xcb_visualid_t visual_id)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   return queueFamilyIndex < pdev->queue_family_count;
}

static VKAPI_ATTR VkBool32 VKAPI_CALL
pvk_GetPhysicalDeviceXlibPresentationSupportKHR(VkPhysicalDevice physicalDevice, uint32_t queueFamilyIndex,
                                                Display *dpy, VisualID visualID)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   return queueFamilyIndex < pdev->queue_family_count;
}

PFN_vkVoidFunction
pvk_wsi_lookup_entrypoint(const char *name)
{
   if (!strcmp(name, "vkGetPhysicalDeviceXcbPresentationSupportKHR"))
      return (PFN_vkVoidFunction)pvk_GetPhysicalDeviceXcbPresentationSupportKHR;
   if (!strcmp(name, "vkGetPhysicalDeviceXlibPresentationSupportKHR"))
      return (PFN_vkVoidFunction)pvk_GetPhysicalDeviceXlibPresentationSupportKHR;
   return NULL;
}

/* ---- swapchains (VK_KHR_swapchain) ---- */

/* Where a swapchain image is; it moves ACQUIRED -> QUEUED -> PRESENTING -> IDLE -> ACQUIRED */
enum pvk_swapchain_image_state {
   PVK_WSI_IMAGE_IDLE,       /* the presentation engine is done with it: vkAcquireNextImageKHR may hand it out */
   PVK_WSI_IMAGE_ACQUIRED,   /* held by the application */
   PVK_WSI_IMAGE_QUEUED,     /* its copy is submitted; in the present queue, waiting for the thread */
   PVK_WSI_IMAGE_PRESENTING, /* the present thread waits for its copy and puts its pixels */
};

struct pvk_swapchain_image {
   VkImage image;
   VkDeviceMemory memory;
   /* X11 only: the host-visible copy of the image, and the command buffer that makes it */
   VkBuffer buffer;
   VkDeviceMemory buffer_memory;
   const void *pixels;
   VkCommandBuffer copy_cmd;
   VkFence fence; /* signaled by the copy; waited for and reset by the present thread */
   enum pvk_swapchain_image_state state; /* chain->lock */
};

struct pvk_swapchain {
   struct pvk_object_base base;
   struct pvk_device *device;
   VkExtent2D extent;
   VkFormat format;
   VkPresentModeKHR present_mode;
   bool retired;

   /* X11 target; conn is NULL for headless surfaces */
   xcb_connection_t *conn;
   xcb_window_t window;
   xcb_gcontext_t gc;
   uint8_t depth;
   /* MIT-SHM segment of extent.width * extent.height * 4 bytes, when the server can attach it
    * (written only by the present thread, which makes a round trip after each put before the next) */
   bool use_shm;
   xcb_shm_seg_t shm_seg;
   int shm_id;
   void *shm_addr;
   uint32_t max_request_bytes;

   /* where the search for a free image starts: images are handed out in turn, as a presentation
    * engine with a queue of images would (applications keep per-image state); application side only */
   uint32_t next_acquire;

   /* the pool of the copy command buffers, for the queue family they were recorded for (application
    * side only; re-recorded only when no copy is in flight) */
   VkCommandPool pool;
   uint32_t pool_family;

   /*
    * Present thread (X11 only; headless swapchains present synchronously and have none).
    * `lock` protects: every image's state, the present queue (queue, queue_head, queue_count),
    * in_flight, status and stopping. `cond` is broadcast whenever one of them changes: the thread
    * waits on it for a queued image (or stopping), vkAcquireNextImageKHR for an image going back to
    * IDLE (or an error status), a re-record of the copies for in_flight to reach 0. Nothing else
    * of the swapchain is touched by both sides: the thread alone uses the X resources (gc, SHM
    * segment) after creation and the images' fences and pixels while they are QUEUED/PRESENTING;
    * the application side alone submits, records and acquires. The device's own objects (ring,
    * feedback) have their own locks. Neither side calls into the device holding `lock`.
    */
   pthread_mutex_t lock;
   pthread_cond_t cond; /* CLOCK_MONOTONIC, for vkAcquireNextImageKHR's timeout */
   pthread_t thread;
   bool thread_started;
   bool stopping;        /* vkDestroySwapchainKHR: show or drop what is queued, then exit */
   uint32_t in_flight;   /* images QUEUED or PRESENTING */
   /* the result of the latest present the thread finished: VK_SUCCESS, VK_SUBOPTIMAL_KHR (window
    * size differs), or an error, which is sticky (SURFACE_LOST, DEVICE_LOST) */
   VkResult status;
   uint32_t queue[PVK_WSI_MAX_IMAGES]; /* image indices in present order, a ring */
   uint32_t queue_head, queue_count;

   uint32_t image_count;
   struct pvk_swapchain_image images[];
};
PVK_DEFINE_HANDLE_CASTS(pvk_swapchain, base, VkSwapchainKHR, VK_OBJECT_TYPE_SWAPCHAIN_KHR)

/* A memory type in type_bits with all of `want`, or UINT32_MAX. */
static uint32_t
pvk_wsi_memory_type(const struct pvk_device *dev, uint32_t type_bits, VkMemoryPropertyFlags want)
{
   const VkPhysicalDeviceMemoryProperties *props = &dev->physical_device->memory_properties;
   for (uint32_t i = 0; i < props->memoryTypeCount; i++) {
      if ((type_bits & (1u << i)) && (props->memoryTypes[i].propertyFlags & want) == want)
         return i;
   }
   return UINT32_MAX;
}

static VkResult
pvk_wsi_alloc_bind(struct pvk_device *dev, const VkMemoryRequirements *reqs, VkMemoryPropertyFlags want,
                   VkDeviceMemory *memory)
{
   uint32_t type = pvk_wsi_memory_type(dev, reqs->memoryTypeBits, want);
   if (type == UINT32_MAX)
      type = pvk_wsi_memory_type(dev, reqs->memoryTypeBits, want & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT);
   if (type == UINT32_MAX)
      return VK_ERROR_OUT_OF_DEVICE_MEMORY;
   const VkMemoryAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = reqs->size,
      .memoryTypeIndex = type,
   };
   return pvk_AllocateMemory(pvk_device_to_handle(dev), &info, NULL, memory);
}

/* Record, for each image, the copy into its buffer (PRESENT_SRC -> TRANSFER_SRC -> PRESENT_SRC). */
static VkResult
pvk_swapchain_record_copies(struct pvk_swapchain *chain, uint32_t family)
{
   struct pvk_device *dev = chain->device;
   VkDevice device = pvk_device_to_handle(dev);
   if (chain->pool && chain->pool_family == family)
      return VK_SUCCESS;
   if (chain->pool) {
      pvk_DestroyCommandPool(device, chain->pool, NULL);
      chain->pool = VK_NULL_HANDLE;
   }
   const VkCommandPoolCreateInfo pool_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = family,
   };
   VkResult result = pvk_CreateCommandPool(device, &pool_info, NULL, &chain->pool);
   if (result != VK_SUCCESS)
      return result;
   chain->pool_family = family;
   for (uint32_t i = 0; i < chain->image_count; i++) {
      struct pvk_swapchain_image *img = &chain->images[i];
      const VkCommandBufferAllocateInfo alloc = {
         .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
         .commandPool = chain->pool,
         .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
         .commandBufferCount = 1,
      };
      result = pvk_AllocateCommandBuffers(device, &alloc, &img->copy_cmd);
      if (result != VK_SUCCESS)
         return result;
      VkCommandBuffer cmd = img->copy_cmd;
      const VkCommandBufferBeginInfo begin = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
      pvk_BeginCommandBuffer(cmd, &begin);
      const VkImageSubresourceRange range = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 };
      VkImageMemoryBarrier barrier = {
         .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
         .srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT,
         .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
         .oldLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
         .newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
         .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .image = img->image,
         .subresourceRange = range,
      };
      pvk_CmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0,
                             NULL, 1, &barrier);
      const VkBufferImageCopy region = {
         .imageSubresource = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1 },
         .imageExtent = { chain->extent.width, chain->extent.height, 1 },
      };
      pvk_CmdCopyImageToBuffer(cmd, img->image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, img->buffer, 1, &region);
      barrier.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
      barrier.dstAccessMask = 0;
      barrier.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
      barrier.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
      const VkBufferMemoryBarrier host_barrier = {
         .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
         .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
         .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
         .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .buffer = img->buffer,
         .size = VK_WHOLE_SIZE,
      };
      pvk_CmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                             VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT | VK_PIPELINE_STAGE_HOST_BIT, 0, 0, NULL, 1,
                             &host_barrier, 1, &barrier);
      result = pvk_EndCommandBuffer(cmd);
      if (result != VK_SUCCESS)
         return result;
   }
   return VK_SUCCESS;
}

/* Set up the X11 side: a GC, and MIT-SHM when the server can attach our segment. */
static VkResult
pvk_swapchain_x11_init(struct pvk_swapchain *chain)
{
   xcb_connection_t *conn = chain->conn;
   VkExtent2D extent;
   if (!pvk_wsi_x11_window_extent(conn, chain->window, &extent, &chain->depth))
      return VK_ERROR_SURFACE_LOST_KHR;
   chain->gc = xcb_generate_id(conn);
   xcb_void_cookie_t cookie = xcb_create_gc_checked(conn, chain->gc, chain->window, 0, NULL);
   xcb_generic_error_t *error = xcb_request_check(conn, cookie);
   if (error) {
      free(error);
      chain->gc = 0;
      return VK_ERROR_SURFACE_LOST_KHR;
   }
   chain->max_request_bytes = xcb_get_maximum_request_length(conn) * 4;

   const xcb_query_extension_reply_t *ext = xcb_get_extension_data(conn, &xcb_shm_id);
   if (!ext || !ext->present || getenv("PVK_WSI_NO_SHM"))
      return VK_SUCCESS;
   const size_t size = (size_t)chain->extent.width * chain->extent.height * 4;
   chain->shm_id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
   if (chain->shm_id < 0)
      return VK_SUCCESS;
   chain->shm_addr = shmat(chain->shm_id, NULL, 0);
   if (chain->shm_addr == (void *)-1) {
      chain->shm_addr = NULL;
      shmctl(chain->shm_id, IPC_RMID, NULL);
      return VK_SUCCESS;
   }
   chain->shm_seg = xcb_generate_id(conn);
   cookie = xcb_shm_attach_checked(conn, chain->shm_seg, chain->shm_id, 0);
   error = xcb_request_check(conn, cookie);
   /* marked for removal now: it goes away with the last detach, even if we crash */
   shmctl(chain->shm_id, IPC_RMID, NULL);
   if (error) {
      /* a remote server (or one in another IPC namespace) cannot attach it: plain PutImage */
      free(error);
      shmdt(chain->shm_addr);
      chain->shm_addr = NULL;
      return VK_SUCCESS;
   }
   chain->use_shm = true;
   return VK_SUCCESS;
}

/* Put the image's pixels (tightly packed BGRA rows) into the window; present thread only. When
 * this returns, the pixels are no longer needed (copied into the SHM segment or the socket). */
static void
pvk_swapchain_x11_put(struct pvk_swapchain *chain, const struct pvk_swapchain_image *img)
{
   xcb_connection_t *conn = chain->conn;
   const uint32_t width = chain->extent.width, height = chain->extent.height;
   const uint32_t stride = width * 4;
   if (chain->use_shm) {
      memcpy(chain->shm_addr, img->pixels, (size_t)stride * height);
      xcb_shm_put_image(conn, chain->window, chain->gc, width, height, 0, 0, width, height, 0, 0, chain->depth,
                        XCB_IMAGE_FORMAT_Z_PIXMAP, 0, chain->shm_seg, 0);
   } else {
      /* as many rows per request as the server takes (header: 24 bytes) */
      const uint32_t rows_per_request = PVK_MAX((chain->max_request_bytes - 64) / stride, 1u);
      for (uint32_t y = 0; y < height; y += rows_per_request) {
         const uint32_t rows = PVK_MIN(rows_per_request, height - y);
         xcb_put_image(conn, XCB_IMAGE_FORMAT_Z_PIXMAP, chain->window, chain->gc, width, rows, 0, y, 0,
                       chain->depth, rows * stride, (const uint8_t *)img->pixels + (size_t)y * stride);
      }
   }
}

/*
 * After a put, one round trip (GetGeometry, answered after the puts before it): the server has
 * read the SHM segment, so the next put may overwrite it, and the window's size tells whether the
 * swapchain still fits. Present thread only. Returns VK_SUCCESS, VK_SUBOPTIMAL_KHR (size differs),
 * VK_ERROR_SURFACE_LOST_KHR (window or connection gone).
 */
static VkResult
pvk_swapchain_x11_sync(struct pvk_swapchain *chain)
{
   VkExtent2D extent;
   if (!pvk_wsi_x11_window_extent(chain->conn, chain->window, &extent, NULL))
      return VK_ERROR_SURFACE_LOST_KHR;
   return extent.width == chain->extent.width && extent.height == chain->extent.height ? VK_SUCCESS
                                                                                     : VK_SUBOPTIMAL_KHR;
}

/* slice of a copy's fence wait, and how long vkDestroySwapchainKHR lets a copy that never ends run */
#define PVK_WSI_FENCE_SLICE_NS (1000ull * 1000 * 1000)
#define PVK_WSI_DESTROY_GRACE_NS (5000ll * 1000 * 1000)

/*
 * Present thread: wait for the copy of img (its fence), then reset the fence. A live host may take
 * as long as the application's semaphores make it; a dead one ends the wait with
 * VK_ERROR_DEVICE_LOST within seconds (pvk_WaitForFences). Once the swapchain is being destroyed, a
 * copy still unfinished after PVK_WSI_DESTROY_GRACE_NS counts as VK_ERROR_DEVICE_LOST, so that
 * vkDestroySwapchainKHR never hangs (only a semaphore that is never signaled, invalid usage, gets
 * there). Returns VK_SUCCESS or VK_ERROR_DEVICE_LOST.
 */
static VkResult
pvk_swapchain_wait_copy(struct pvk_swapchain *chain, struct pvk_swapchain_image *img)
{
   VkDevice device = pvk_device_to_handle(chain->device);
   int64_t give_up_ns = 0;
   for (;;) {
      VkResult result = pvk_WaitForFences(device, 1, &img->fence, VK_TRUE, PVK_WSI_FENCE_SLICE_NS);
      if (result == VK_SUCCESS)
         return pvk_ResetFences(device, 1, &img->fence);
      if (result != VK_TIMEOUT)
         return VK_ERROR_DEVICE_LOST;
      pthread_mutex_lock(&chain->lock);
      const bool stopping = chain->stopping;
      pthread_mutex_unlock(&chain->lock);
      if (stopping && !give_up_ns)
         give_up_ns = pvk_now_ns() + PVK_WSI_DESTROY_GRACE_NS;
      else if (stopping && pvk_now_ns() > give_up_ns)
         return VK_ERROR_DEVICE_LOST;
   }
}

/*
 * The present thread of an X11 swapchain (model: Mesa's x11_manage_fifo_queues, software path).
 * Takes the images in the order vkQueuePresentKHR queued them; for each, waits for its copy, puts
 * its pixels into the window and gives it back (IDLE) before the round trip that follows the put,
 * so the application renders the next frame meanwhile. FIFO and IMMEDIATE show every image;
 * MAILBOX drops an image when a newer one is queued behind it (still waiting for its copy, which
 * uses the image). After an error (sticky in chain->status) images are only waited for and given
 * back. Exits when vkDestroySwapchainKHR sets stopping and the queue is empty.
 */
static void *
pvk_swapchain_thread(void *data)
{
   struct pvk_swapchain *chain = data;
   pthread_mutex_lock(&chain->lock);
   for (;;) {
      while (!chain->queue_count && !chain->stopping)
         pthread_cond_wait(&chain->cond, &chain->lock);
      if (!chain->queue_count)
         break;
      const uint32_t index = chain->queue[chain->queue_head];
      chain->queue_head = (chain->queue_head + 1) % PVK_WSI_MAX_IMAGES;
      chain->queue_count--;
      struct pvk_swapchain_image *img = &chain->images[index];
      img->state = PVK_WSI_IMAGE_PRESENTING;
      const bool drop = chain->present_mode == VK_PRESENT_MODE_MAILBOX_KHR && chain->queue_count > 0;
      bool show = !drop && chain->status >= VK_SUCCESS;
      pthread_mutex_unlock(&chain->lock);

      VkResult result = pvk_swapchain_wait_copy(chain, img);
      show = show && result == VK_SUCCESS;
      if (show)
         pvk_swapchain_x11_put(chain, img);

      pthread_mutex_lock(&chain->lock);
      img->state = PVK_WSI_IMAGE_IDLE;
      chain->in_flight--;
      if (result < VK_SUCCESS)
         chain->status = result;
      pthread_cond_broadcast(&chain->cond);
      if (!show)
         continue;
      pthread_mutex_unlock(&chain->lock);

      result = pvk_swapchain_x11_sync(chain);

      pthread_mutex_lock(&chain->lock);
      if (chain->status >= VK_SUCCESS && chain->status != result) {
         chain->status = result;
         pthread_cond_broadcast(&chain->cond);
      }
   }
   pthread_mutex_unlock(&chain->lock);
   return NULL;
}

/* Start the present thread (X11 swapchains). Errors: VK_ERROR_OUT_OF_HOST_MEMORY. */
static VkResult
pvk_swapchain_thread_start(struct pvk_swapchain *chain)
{
   if (pthread_create(&chain->thread, NULL, pvk_swapchain_thread, chain))
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   chain->thread_started = true;
   return VK_SUCCESS;
}

/* Block until no copy is in flight (before re-recording the copies). Returns the chain status. */
static VkResult
pvk_swapchain_wait_drained(struct pvk_swapchain *chain)
{
   pthread_mutex_lock(&chain->lock);
   while (chain->in_flight)
      pthread_cond_wait(&chain->cond, &chain->lock);
   const VkResult status = chain->status;
   pthread_mutex_unlock(&chain->lock);
   return status;
}

static void
pvk_swapchain_destroy(struct pvk_swapchain *chain, const VkAllocationCallbacks *alloc)
{
   struct pvk_device *dev = chain->device;
   VkDevice device = pvk_device_to_handle(dev);
   if (chain->thread_started) {
      /* the thread shows (or, for MAILBOX, drops) what is queued, then exits; a dead host ends
       * its fence waits with VK_ERROR_DEVICE_LOST within seconds */
      pthread_mutex_lock(&chain->lock);
      chain->stopping = true;
      pthread_cond_broadcast(&chain->cond);
      pthread_mutex_unlock(&chain->lock);
      pthread_join(chain->thread, NULL);
   }
   pthread_cond_destroy(&chain->cond);
   pthread_mutex_destroy(&chain->lock);
   for (uint32_t i = 0; i < chain->image_count; i++) {
      struct pvk_swapchain_image *img = &chain->images[i];
      if (img->fence)
         pvk_DestroyFence(device, img->fence, NULL);
      if (img->buffer)
         pvk_DestroyBuffer(device, img->buffer, NULL);
      if (img->buffer_memory)
         pvk_FreeMemory(device, img->buffer_memory, NULL);
      if (img->image)
         pvk_DestroyImage(device, img->image, NULL);
      if (img->memory)
         pvk_FreeMemory(device, img->memory, NULL);
   }
   if (chain->pool)
      pvk_DestroyCommandPool(device, chain->pool, NULL);
   if (chain->conn) {
      if (chain->use_shm)
         xcb_shm_detach(chain->conn, chain->shm_seg);
      if (chain->gc)
         xcb_free_gc(chain->conn, chain->gc);
      xcb_flush(chain->conn);
   }
   if (chain->shm_addr)
      shmdt(chain->shm_addr);
   pvk_free(alloc, chain);
}

/* One swapchain image: the image, its memory and, for X11, its host-visible copy and fence. */
static VkResult
pvk_swapchain_image_init(struct pvk_swapchain *chain, const VkSwapchainCreateInfoKHR *info,
                         struct pvk_swapchain_image *img)
{
   struct pvk_device *dev = chain->device;
   VkDevice device = pvk_device_to_handle(dev);
   const VkImageFormatListCreateInfo *format_list = NULL;
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO)
         format_list = (const VkImageFormatListCreateInfo *)s;
   }
   VkImageCreateFlags flags = 0;
   if (info->flags & VK_SWAPCHAIN_CREATE_MUTABLE_FORMAT_BIT_KHR)
      flags |= VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT | VK_IMAGE_CREATE_EXTENDED_USAGE_BIT;
   const VkImageCreateInfo image_info = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
      .pNext = (flags & VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT) ? format_list : NULL,
      .flags = flags,
      .imageType = VK_IMAGE_TYPE_2D,
      .format = info->imageFormat,
      .extent = { info->imageExtent.width, info->imageExtent.height, 1 },
      .mipLevels = 1,
      .arrayLayers = info->imageArrayLayers,
      .samples = VK_SAMPLE_COUNT_1_BIT,
      .tiling = VK_IMAGE_TILING_OPTIMAL,
      .usage = info->imageUsage | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
      .sharingMode = info->imageSharingMode,
      .queueFamilyIndexCount = info->imageSharingMode == VK_SHARING_MODE_CONCURRENT ? info->queueFamilyIndexCount : 0,
      .pQueueFamilyIndices = info->imageSharingMode == VK_SHARING_MODE_CONCURRENT ? info->pQueueFamilyIndices : NULL,
      .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
   };
   VkResult result = pvk_CreateImage(device, &image_info, NULL, &img->image);
   if (result != VK_SUCCESS)
      return result;
   VkMemoryRequirements reqs;
   pvk_GetImageMemoryRequirements(device, img->image, &reqs);
   result = pvk_wsi_alloc_bind(dev, &reqs, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &img->memory);
   if (result != VK_SUCCESS)
      return result;
   result = pvk_BindImageMemory(device, img->image, img->memory, 0);
   if (result != VK_SUCCESS || !chain->conn)
      return result;

   const VkBufferCreateInfo buffer_info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = (VkDeviceSize)chain->extent.width * chain->extent.height * 4,
      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   result = pvk_CreateBuffer(device, &buffer_info, NULL, &img->buffer);
   if (result != VK_SUCCESS)
      return result;
   pvk_GetBufferMemoryRequirements(device, img->buffer, &reqs);
   result = pvk_wsi_alloc_bind(dev, &reqs, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT,
                               &img->buffer_memory);
   if (result != VK_SUCCESS)
      return result;
   result = pvk_BindBufferMemory(device, img->buffer, img->buffer_memory, 0);
   if (result != VK_SUCCESS)
      return result;
   void *pixels;
   result = pvk_MapMemory(device, img->buffer_memory, 0, VK_WHOLE_SIZE, 0, &pixels);
   if (result != VK_SUCCESS)
      return result;
   img->pixels = pixels;
   const VkFenceCreateInfo fence_info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
   return pvk_CreateFence(device, &fence_info, NULL, &img->fence);
}

/*
 * vkCreateSwapchainKHR. Errors: VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_OUT_OF_DEVICE_MEMORY (also
 * when the transport cannot map memory: the CPU copy needs it), VK_ERROR_SURFACE_LOST_KHR,
 * VK_ERROR_INITIALIZATION_FAILED (a surface pvk cannot present to).
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_CreateSwapchainKHR(VkDevice _device, const VkSwapchainCreateInfoKHR *pCreateInfo,
                       const VkAllocationCallbacks *pAllocator, VkSwapchainKHR *pSwapchain)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   VkIcdSurfaceBase *surface = pvk_icd_surface(pCreateInfo->surface);
   if (!pvk_wsi_platform_supported(surface))
      return pvk_error(VK_ERROR_INITIALIZATION_FAILED);
   if (pCreateInfo->oldSwapchain) {
      /* the old one is retired: its images can no longer be acquired (spec "vkCreateSwapchainKHR") */
      pvk_swapchain_from_handle(pCreateInfo->oldSwapchain)->retired = true;
   }
   const uint32_t count = PVK_MIN(PVK_MAX(pCreateInfo->minImageCount, PVK_WSI_MIN_IMAGES), PVK_WSI_MAX_IMAGES);
   const size_t size = sizeof(struct pvk_swapchain) + count * sizeof(struct pvk_swapchain_image);
   struct pvk_swapchain *chain = pvk_object_zalloc(dev, pAllocator, size, VK_OBJECT_TYPE_SWAPCHAIN_KHR);
   if (!chain)
      return pvk_error(VK_ERROR_OUT_OF_HOST_MEMORY);
   chain->device = dev;
   chain->extent = pCreateInfo->imageExtent;
   chain->format = pCreateInfo->imageFormat;
   chain->image_count = count;
   chain->present_mode = pCreateInfo->presentMode;
   chain->shm_id = -1;
   chain->pool_family = UINT32_MAX;
   pthread_mutex_init(&chain->lock, NULL);
   pthread_condattr_t cond_attr;
   pthread_condattr_init(&cond_attr);
   pthread_condattr_setclock(&cond_attr, CLOCK_MONOTONIC);
   pthread_cond_init(&chain->cond, &cond_attr);
   pthread_condattr_destroy(&cond_attr);

   VkResult result = VK_SUCCESS;
   if (pvk_wsi_x11_target(surface, &chain->conn, &chain->window))
      result = pvk_swapchain_x11_init(chain);
   for (uint32_t i = 0; i < count && result == VK_SUCCESS; i++)
      result = pvk_swapchain_image_init(chain, pCreateInfo, &chain->images[i]);
   if (result == VK_SUCCESS && chain->conn)
      result = pvk_swapchain_record_copies(chain, dev->queue_count ? dev->queues[0].family : 0);
   if (result == VK_SUCCESS && chain->conn)
      result = pvk_swapchain_thread_start(chain);
   if (result != VK_SUCCESS) {
      pvk_swapchain_destroy(chain, pvk_device_alloc(dev, pAllocator));
      return pvk_error(result);
   }
   *pSwapchain = pvk_swapchain_to_handle(chain);
   return VK_SUCCESS;
}

/*
 * vkDestroySwapchainKHR: the images already presented are shown (MAILBOX: the newest) before the
 * present thread is joined; bounded when the host died (see pvk_swapchain_wait_copy).
 */
VKAPI_ATTR void VKAPI_CALL
pvk_DestroySwapchainKHR(VkDevice _device, VkSwapchainKHR swapchain, const VkAllocationCallbacks *pAllocator)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_swapchain *chain = pvk_swapchain_from_handle(swapchain);
   if (chain)
      pvk_swapchain_destroy(chain, pvk_device_alloc(dev, pAllocator));
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetSwapchainImagesKHR(VkDevice device, VkSwapchainKHR swapchain, uint32_t *pCount, VkImage *pImages)
{
   struct pvk_swapchain *chain = pvk_swapchain_from_handle(swapchain);
   if (!pImages) {
      *pCount = chain->image_count;
      return VK_SUCCESS;
   }
   const uint32_t n = PVK_MIN(*pCount, chain->image_count);
   for (uint32_t i = 0; i < n; i++)
      pImages[i] = chain->images[i].image;
   *pCount = n;
   return n < chain->image_count ? VK_INCOMPLETE : VK_SUCCESS;
}

/*
 * Pick an IDLE image for vkAcquireNextImageKHR, waiting up to timeout_ns (UINT64_MAX: no limit)
 * for the present thread to give one back; marks it ACQUIRED. Returns VK_SUCCESS or
 * VK_SUBOPTIMAL_KHR (the chain status) with *index set, VK_NOT_READY (timeout 0) / VK_TIMEOUT when
 * none came back in time or none can (the application holds every image), or the chain's error.
 */
static VkResult
pvk_swapchain_take_idle(struct pvk_swapchain *chain, uint64_t timeout_ns, uint32_t *index)
{
   /* beyond ~146 years from now the deadline would overflow: no limit, as UINT64_MAX */
   const bool forever = timeout_ns >= (uint64_t)INT64_MAX / 2;
   const int64_t deadline_ns = forever ? 0 : pvk_now_ns() + (int64_t)timeout_ns;
   VkResult result;
   pthread_mutex_lock(&chain->lock);
   for (;;) {
      result = chain->status;
      if (result < VK_SUCCESS)
         break;
      uint32_t found = UINT32_MAX;
      for (uint32_t n = 0; n < chain->image_count && found == UINT32_MAX; n++) {
         const uint32_t i = (chain->next_acquire + n) % chain->image_count;
         if (chain->images[i].state == PVK_WSI_IMAGE_IDLE)
            found = i;
      }
      if (found != UINT32_MAX) {
         chain->images[found].state = PVK_WSI_IMAGE_ACQUIRED;
         chain->next_acquire = (found + 1) % chain->image_count;
         *index = found;
         break;
      }
      /* nothing in flight: the application holds them all, only its own present gives one back */
      if (!timeout_ns || !chain->in_flight) {
         result = timeout_ns ? VK_TIMEOUT : VK_NOT_READY;
         break;
      }
      if (forever) {
         pthread_cond_wait(&chain->cond, &chain->lock);
      } else {
         const struct timespec ts = { deadline_ns / 1000000000, deadline_ns % 1000000000 };
         if (pthread_cond_timedwait(&chain->cond, &chain->lock, &ts) == ETIMEDOUT &&
             pvk_now_ns() >= deadline_ns) {
            result = VK_TIMEOUT;
            break;
         }
      }
   }
   pthread_mutex_unlock(&chain->lock);
   return result;
}

/*
 * vkAcquireNextImage2KHR: an image the presentation engine has given back (its copy is done, so
 * the image is idle); the semaphore and fence are signaled by an empty submission on the device's
 * first queue. Waits up to pAcquireInfo->timeout (ns) for the present thread. Returns VK_SUCCESS,
 * VK_SUBOPTIMAL_KHR (window resized), VK_NOT_READY (timeout 0) / VK_TIMEOUT, VK_ERROR_OUT_OF_DATE_KHR
 * for a retired swapchain, VK_ERROR_SURFACE_LOST_KHR, VK_ERROR_DEVICE_LOST.
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_AcquireNextImage2KHR(VkDevice _device, const VkAcquireNextImageInfoKHR *pAcquireInfo, uint32_t *pImageIndex)
{
   struct pvk_device *dev = pvk_device_from_handle(_device);
   struct pvk_swapchain *chain = pvk_swapchain_from_handle(pAcquireInfo->swapchain);
   if (chain->retired)
      return VK_ERROR_OUT_OF_DATE_KHR;
   uint32_t index;
   const VkResult status = pvk_swapchain_take_idle(chain, pAcquireInfo->timeout, &index);
   if (status == VK_TIMEOUT || status == VK_NOT_READY)
      return status;
   if (status < VK_SUCCESS)
      return pvk_error(status);

   if (pAcquireInfo->semaphore || pAcquireInfo->fence) {
      const VkSubmitInfo submit = {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
         .signalSemaphoreCount = pAcquireInfo->semaphore ? 1 : 0,
         .pSignalSemaphores = &pAcquireInfo->semaphore,
      };
      VkResult result = VK_ERROR_DEVICE_LOST;
      if (dev->queue_count)
         result = pvk_QueueSubmit(pvk_queue_to_handle(&dev->queues[0]), pAcquireInfo->semaphore ? 1 : 0,
                                  &submit, pAcquireInfo->fence);
      if (result != VK_SUCCESS) {
         pthread_mutex_lock(&chain->lock);
         chain->images[index].state = PVK_WSI_IMAGE_IDLE;
         pthread_mutex_unlock(&chain->lock);
         return pvk_error(result);
      }
   }
   *pImageIndex = index;
   return status;
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_AcquireNextImageKHR(VkDevice device, VkSwapchainKHR swapchain, uint64_t timeout, VkSemaphore semaphore,
                        VkFence fence, uint32_t *pImageIndex)
{
   const VkAcquireNextImageInfoKHR info = {
      .sType = VK_STRUCTURE_TYPE_ACQUIRE_NEXT_IMAGE_INFO_KHR,
      .swapchain = swapchain,
      .timeout = timeout,
      .semaphore = semaphore,
      .fence = fence,
      .deviceMask = 1,
   };
   return pvk_AcquireNextImage2KHR(device, &info, pImageIndex);
}

/* Submit waits (and a command buffer and fence, when given) on queue, with stage masks ALL_COMMANDS. */
static VkResult
pvk_swapchain_submit(struct pvk_queue *queue, uint32_t wait_count, const VkSemaphore *waits, VkCommandBuffer cmd,
                     VkFence fence)
{
   VkPipelineStageFlags stages[16];
   VkPipelineStageFlags *wait_stages = stages;
   if (wait_count > PVK_ARRAY_SIZE(stages)) {
      wait_stages = malloc(wait_count * sizeof(*wait_stages));
      if (!wait_stages)
         return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   for (uint32_t i = 0; i < wait_count; i++)
      wait_stages[i] = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .waitSemaphoreCount = wait_count,
      .pWaitSemaphores = waits,
      .pWaitDstStageMask = wait_stages,
      .commandBufferCount = cmd ? 1 : 0,
      .pCommandBuffers = &cmd,
   };
   const VkResult result = pvk_QueueSubmit(pvk_queue_to_handle(queue), 1, &submit, fence);
   if (wait_stages != stages)
      free(wait_stages);
   return result;
}

/* Present one image of a headless swapchain: wait for the semaphores (the fence), nothing to show. */
static VkResult
pvk_swapchain_present_headless(struct pvk_queue *queue, struct pvk_swapchain *chain,
                               struct pvk_swapchain_image *img, uint32_t wait_count, const VkSemaphore *waits)
{
   VkDevice device = pvk_device_to_handle(chain->device);
   const VkFenceCreateInfo fence_info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
   VkFence fence;
   VkResult result = pvk_CreateFence(device, &fence_info, NULL, &fence);
   if (result == VK_SUCCESS) {
      result = pvk_swapchain_submit(queue, wait_count, waits, VK_NULL_HANDLE, fence);
      if (result == VK_SUCCESS)
         result = pvk_WaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX);
      pvk_DestroyFence(device, fence, NULL);
   }
   pthread_mutex_lock(&chain->lock);
   img->state = PVK_WSI_IMAGE_IDLE;
   pthread_mutex_unlock(&chain->lock);
   return result;
}

/*
 * Present one image: submit its copy after the wait semaphores with the image's fence and hand it
 * to the present thread (headless: wait and give it back). Returns the chain status: VK_SUCCESS,
 * VK_SUBOPTIMAL_KHR, or an error the thread met earlier (then the image is given back unshown,
 * after the semaphores are waited for).
 */
static VkResult
pvk_swapchain_present(struct pvk_queue *queue, struct pvk_swapchain *chain, uint32_t index,
                      uint32_t wait_count, const VkSemaphore *waits)
{
   if (index >= chain->image_count)
      return VK_ERROR_OUT_OF_DATE_KHR;
   struct pvk_swapchain_image *img = &chain->images[index];
   pthread_mutex_lock(&chain->lock);
   const bool acquired = img->state == PVK_WSI_IMAGE_ACQUIRED;
   VkResult status = chain->status;
   pthread_mutex_unlock(&chain->lock);
   if (!acquired)
      return VK_ERROR_OUT_OF_DATE_KHR;
   if (!chain->conn)
      return pvk_swapchain_present_headless(queue, chain, img, wait_count, waits);
   VkResult result = VK_SUCCESS;
   if (status >= VK_SUCCESS && chain->pool_family != queue->family) {
      /* the copies are re-recorded for this queue's family: none may be pending */
      status = pvk_swapchain_wait_drained(chain);
      if (status >= VK_SUCCESS)
         result = pvk_swapchain_record_copies(chain, queue->family);
   }
   if (status < VK_SUCCESS || result != VK_SUCCESS) {
      /* nothing is shown; the semaphores are still consumed */
      pvk_swapchain_submit(queue, wait_count, waits, VK_NULL_HANDLE, VK_NULL_HANDLE);
      pthread_mutex_lock(&chain->lock);
      img->state = PVK_WSI_IMAGE_IDLE;
      pthread_mutex_unlock(&chain->lock);
      return status < VK_SUCCESS ? status : result;
   }

   result = pvk_swapchain_submit(queue, wait_count, waits, img->copy_cmd, img->fence);
   pthread_mutex_lock(&chain->lock);
   if (result != VK_SUCCESS) {
      img->state = PVK_WSI_IMAGE_IDLE;
      if (result == VK_ERROR_DEVICE_LOST)
         chain->status = result;
   } else {
      img->state = PVK_WSI_IMAGE_QUEUED;
      chain->queue[(chain->queue_head + chain->queue_count) % PVK_WSI_MAX_IMAGES] = index;
      chain->queue_count++;
      chain->in_flight++;
      result = chain->status;
   }
   pthread_cond_broadcast(&chain->cond);
   pthread_mutex_unlock(&chain->lock);
   return result;
}

/*
 * vkQueuePresentKHR: each swapchain's image copy is submitted (the first after pWaitSemaphores)
 * and queued to its present thread; returns without waiting for either. Returns VK_SUCCESS,
 * VK_SUBOPTIMAL_KHR (window resized), VK_ERROR_OUT_OF_DATE_KHR, VK_ERROR_SURFACE_LOST_KHR,
 * VK_ERROR_DEVICE_LOST; the last three as met by earlier presents of the chain (chain status).
 */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_QueuePresentKHR(VkQueue _queue, const VkPresentInfoKHR *pPresentInfo)
{
   struct pvk_queue *queue = pvk_queue_from_handle(_queue);
   VkResult final = VK_SUCCESS;
   for (uint32_t i = 0; i < pPresentInfo->swapchainCount; i++) {
      struct pvk_swapchain *chain = pvk_swapchain_from_handle(pPresentInfo->pSwapchains[i]);
      const bool first = i == 0;
      VkResult result = pvk_swapchain_present(queue, chain, pPresentInfo->pImageIndices[i],
                                              first ? pPresentInfo->waitSemaphoreCount : 0,
                                              first ? pPresentInfo->pWaitSemaphores : NULL);
      if (pPresentInfo->pResults)
         pPresentInfo->pResults[i] = result;
      /* errors win over VK_SUBOPTIMAL_KHR, which wins over VK_SUCCESS */
      if (result < VK_SUCCESS && final >= VK_SUCCESS)
         final = result;
      else if (result == VK_SUBOPTIMAL_KHR && final == VK_SUCCESS)
         final = result;
   }
   return final == VK_SUCCESS || final == VK_SUBOPTIMAL_KHR ? final : pvk_error(final);
}
