/*
 * The virtgpu transport: a DRM render node whose driver reports name "virtio_gpu", major version 0
 * (upstream virtio_gpu.ko and pvgpu.ko both do). Venus commands outside the ring go through
 * DRM_IOCTL_VIRTGPU_EXECBUFFER on ring_idx 0; shared memory is a blob (HOST3D, blob id 0, mappable)
 * mapped through DRM_IOCTL_VIRTGPU_MAP. Device memory is shared as blobs whose id is the memory's
 * Venus object id, exported and imported as dma-bufs through DRM PRIME; sync files come from
 * EXECBUFFER's fence fds on the queues' timelines (ring_idx). Uapi: include/uapi/drm/virtgpu_drm.h.
 * Behaviour follows Mesa src/virtio/vulkan/vn_renderer_virtgpu.c (device choice, required params,
 * context set-up, blob flags, dma-buf import); the code is pvk's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <drm/virtgpu_drm.h>
#include <xf86drm.h>

#include "pvk_renderer.h"

#define PVK_VIRTGPU_PCI_VENDOR_ID 0x1af4
#define PVK_VIRTGPU_PCI_DEVICE_ID 0x1050
/* CONTEXT_INIT allows up to 64 rings; ring 0 is the CPU timeline */
#define PVK_VIRTGPU_NUM_RINGS 64

struct pvk_virtgpu {
   struct pvk_renderer base;
   int fd;
   /* References per GEM handle: PRIME import of a buffer this file already has returns the handle
    * it has, so a handle is closed only when its last blob goes. Closing and importing both run
    * under the mutex, so an import never gets a handle that is being closed. */
   pthread_mutex_t gem_mutex;
   uint32_t *gem_refs;
   uint32_t gem_refs_size;
};

static int
pvk_virtgpu_ioctl(struct pvk_virtgpu *gpu, unsigned long request, void *args)
{
   return drmIoctl(gpu->fd, request, args);
}

static uint64_t
pvk_virtgpu_getparam(struct pvk_virtgpu *gpu, uint64_t param)
{
   /* the kernel writes a 32-bit int through the pointer */
   int value = 0;
   struct drm_virtgpu_getparam args = { .param = param, .value = (uintptr_t)&value };
   return pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_GETPARAM, &args) ? 0 : (uint64_t)value;
}

static VkResult
pvk_virtgpu_submit(struct pvk_renderer *renderer, const struct pvk_renderer_batch *batch)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   struct drm_virtgpu_execbuffer args = {
      .flags = VIRTGPU_EXECBUF_RING_IDX,
      .size = batch->cs_size,
      .command = (uintptr_t)batch->cs,
      .ring_idx = batch->ring_idx,
      .fence_fd = -1,
   };
   return pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_EXECBUFFER, &args) ? VK_ERROR_DEVICE_LOST : VK_SUCCESS;
}

/*
 * EXECBUFFER on batch->ring_idx, waiting for in_fence_fd (-1: none) first; with out_fence_fd, a
 * sync_file for the batch's fence on that timeline. The kernel owns nothing of ours afterwards.
 */
static VkResult
pvk_virtgpu_submit_fence(struct pvk_renderer *renderer, const struct pvk_renderer_batch *batch, int in_fence_fd,
                         int *out_fence_fd)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   struct drm_virtgpu_execbuffer args = {
      .flags = VIRTGPU_EXECBUF_RING_IDX | (in_fence_fd >= 0 ? VIRTGPU_EXECBUF_FENCE_FD_IN : 0) |
               (out_fence_fd ? VIRTGPU_EXECBUF_FENCE_FD_OUT : 0),
      .size = batch->cs_size,
      .command = (uintptr_t)batch->cs,
      .ring_idx = batch->ring_idx,
      .fence_fd = in_fence_fd,
   };
   if (pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_EXECBUFFER, &args)) {
      if (PVK_DEBUG(INIT))
         pvk_log("virtgpu: EXECBUFFER on ring %u failed: %s", batch->ring_idx, strerror(errno));
      return errno == EMFILE || errno == ENFILE ? VK_ERROR_TOO_MANY_OBJECTS : VK_ERROR_DEVICE_LOST;
   }
   if (out_fence_fd)
      *out_fence_fd = args.fence_fd;
   return VK_SUCCESS;
}

/* Count one more blob on gem_handle; false when out of memory. Called with gem_mutex held. */
static bool
pvk_virtgpu_gem_ref_locked(struct pvk_virtgpu *gpu, uint32_t gem_handle)
{
   if (gem_handle >= gpu->gem_refs_size) {
      uint32_t size = PVK_MAX(gpu->gem_refs_size * 2, 64u);
      while (size <= gem_handle)
         size *= 2;
      uint32_t *refs = realloc(gpu->gem_refs, size * sizeof(*refs));
      if (!refs)
         return false;
      memset(refs + gpu->gem_refs_size, 0, (size - gpu->gem_refs_size) * sizeof(*refs));
      gpu->gem_refs = refs;
      gpu->gem_refs_size = size;
   }
   gpu->gem_refs[gem_handle]++;
   return true;
}

/* Drop one blob's reference; the handle is closed with the last. Called with gem_mutex held. */
static void
pvk_virtgpu_gem_unref_locked(struct pvk_virtgpu *gpu, uint32_t gem_handle)
{
   if (gem_handle < gpu->gem_refs_size && gpu->gem_refs[gem_handle] > 1) {
      gpu->gem_refs[gem_handle]--;
      return;
   }
   if (gem_handle < gpu->gem_refs_size)
      gpu->gem_refs[gem_handle] = 0;
   struct drm_gem_close args = { .handle = gem_handle };
   pvk_virtgpu_ioctl(gpu, DRM_IOCTL_GEM_CLOSE, &args);
}

static VkResult
pvk_virtgpu_blob_map(struct pvk_renderer *renderer, struct pvk_shmem *blob)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   if (blob->ptr)
      return VK_SUCCESS;
   struct drm_virtgpu_map map = { .handle = blob->gem_handle };
   void *ptr = MAP_FAILED;
   if (!pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_MAP, &map))
      ptr = mmap(NULL, blob->size, PROT_READ | PROT_WRITE, MAP_SHARED, gpu->fd, map.offset);
   if (ptr == MAP_FAILED)
      return VK_ERROR_MEMORY_MAP_FAILED;
   blob->ptr = ptr;
   return VK_SUCCESS;
}

/* A HOST3D blob, unmapped: blob id 0 is memory the renderer allocates itself, any other id names a
 * renderer-side VkDeviceMemory (Mesa vn_renderer_virtgpu.c virtgpu_bo_create_from_device_memory). */
static VkResult
pvk_virtgpu_blob_create(struct pvk_virtgpu *gpu, uint64_t blob_id, uint32_t blob_flags, size_t size,
                        struct pvk_shmem *out)
{
   const size_t page = (size_t)sysconf(_SC_PAGESIZE);
   size = (size + page - 1) & ~(page - 1);
   struct drm_virtgpu_resource_create_blob blob = {
      .blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
      .blob_flags = blob_flags,
      .size = size,
      .blob_id = blob_id,
   };
   if (pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &blob))
      return errno == ENOMEM ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_ERROR_DEVICE_LOST;
   pthread_mutex_lock(&gpu->gem_mutex);
   const bool counted = pvk_virtgpu_gem_ref_locked(gpu, blob.bo_handle);
   if (!counted)
      pvk_virtgpu_gem_unref_locked(gpu, blob.bo_handle);
   pthread_mutex_unlock(&gpu->gem_mutex);
   if (!counted)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   *out = (struct pvk_shmem){
      .res_id = blob.res_handle,
      .gem_handle = blob.bo_handle,
      .size = size,
   };
   return VK_SUCCESS;
}

static void
pvk_virtgpu_shmem_destroy(struct pvk_renderer *renderer, struct pvk_shmem *shmem)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   if (shmem->ptr)
      munmap(shmem->ptr, shmem->size);
   pthread_mutex_lock(&gpu->gem_mutex);
   pvk_virtgpu_gem_unref_locked(gpu, shmem->gem_handle);
   pthread_mutex_unlock(&gpu->gem_mutex);
}

static VkResult
pvk_virtgpu_shmem_create(struct pvk_renderer *renderer, size_t size, struct pvk_shmem *out)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   /* blob id 0 of HOST3D: memory the renderer allocates itself (capset supports_blob_id_0) */
   VkResult result = pvk_virtgpu_blob_create(gpu, 0, VIRTGPU_BLOB_FLAG_USE_MAPPABLE, size, out);
   if (result != VK_SUCCESS)
      return result;
   if (pvk_virtgpu_blob_map(renderer, out) != VK_SUCCESS) {
      pvk_virtgpu_shmem_destroy(renderer, out);
      memset(out, 0, sizeof(*out));
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   return VK_SUCCESS;
}

static VkResult
pvk_virtgpu_memory_blob_create(struct pvk_renderer *renderer, uint64_t memory_id, size_t size, uint32_t flags,
                               struct pvk_shmem *out)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   uint32_t blob_flags = 0;
   if (flags & PVK_BLOB_MAPPABLE)
      blob_flags |= VIRTGPU_BLOB_FLAG_USE_MAPPABLE;
   /* shareable: PRIME export allowed; cross-device: other virtio devices may import it too */
   if (flags & PVK_BLOB_SHAREABLE) {
      blob_flags |= VIRTGPU_BLOB_FLAG_USE_SHAREABLE;
      if (gpu->base.info.supports_cross_device)
         blob_flags |= VIRTGPU_BLOB_FLAG_USE_CROSS_DEVICE;
   }
   return pvk_virtgpu_blob_create(gpu, memory_id, blob_flags, size, out);
}

static VkResult
pvk_virtgpu_blob_export_fd(struct pvk_renderer *renderer, const struct pvk_shmem *blob, int *fd)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   *fd = -1;
   if (drmPrimeHandleToFD(gpu->fd, blob->gem_handle, DRM_CLOEXEC | DRM_RDWR, fd)) {
      if (PVK_DEBUG(INIT))
         pvk_log("virtgpu: PRIME export of resource %u failed: %s", blob->res_id, strerror(errno));
      return errno == EMFILE || errno == ENFILE ? VK_ERROR_TOO_MANY_OBJECTS : VK_ERROR_INVALID_EXTERNAL_HANDLE;
   }
   return VK_SUCCESS;
}

static VkResult
pvk_virtgpu_blob_import_fd(struct pvk_renderer *renderer, int fd, struct pvk_shmem *out)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   uint32_t gem_handle = 0;
   VkResult result = VK_ERROR_INVALID_EXTERNAL_HANDLE;
   pthread_mutex_lock(&gpu->gem_mutex);
   if (drmPrimeFDToHandle(gpu->fd, fd, &gem_handle)) {
      pthread_mutex_unlock(&gpu->gem_mutex);
      pvk_log("dma-buf import: not a buffer of this virtio-gpu device (%s)", strerror(errno));
      return VK_ERROR_INVALID_EXTERNAL_HANDLE;
   }
   /* a handle the file already had gets one more reference; a new one its first */
   if (!pvk_virtgpu_gem_ref_locked(gpu, gem_handle)) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto fail_close;
   }
   struct drm_virtgpu_resource_info info = { .bo_handle = gem_handle };
   if (pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &info))
      goto fail_unref;
   /* only a HOST3D blob can be device memory on the renderer (a classic 3D resource has no
    * renderer-side allocation Venus could import) */
   if (info.blob_mem != VIRTGPU_BLOB_MEM_HOST3D) {
      pvk_log("dma-buf import: resource %u is not a host blob (blob_mem %u)", info.res_handle, info.blob_mem);
      goto fail_unref;
   }
   pthread_mutex_unlock(&gpu->gem_mutex);
   *out = (struct pvk_shmem){
      .res_id = info.res_handle,
      .gem_handle = gem_handle,
      .size = info.size,
   };
   return VK_SUCCESS;

fail_unref:
   /* closes the handle only if this import made it */
   pvk_virtgpu_gem_unref_locked(gpu, gem_handle);
   pthread_mutex_unlock(&gpu->gem_mutex);
   return result;
fail_close:
   /* the count could not grow, so the handle had none: this import made it */
   pvk_virtgpu_gem_unref_locked(gpu, gem_handle);
   pthread_mutex_unlock(&gpu->gem_mutex);
   return result;
}

static bool
pvk_virtgpu_is_alive(struct pvk_renderer *renderer)
{
   /* the device node stays: a dead host shows through the ring's FATAL/ALIVE bits */
   (void)renderer;
   return true;
}

static void
pvk_virtgpu_destroy(struct pvk_renderer *renderer)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   if (gpu->fd >= 0)
      close(gpu->fd);
   pthread_mutex_destroy(&gpu->gem_mutex);
   free(gpu->gem_refs);
   free(gpu);
}

static const struct pvk_renderer_ops pvk_virtgpu_ops = {
   .destroy = pvk_virtgpu_destroy,
   .submit = pvk_virtgpu_submit,
   .shmem_create = pvk_virtgpu_shmem_create,
   .shmem_destroy = pvk_virtgpu_shmem_destroy,
   .memory_blob_create = pvk_virtgpu_memory_blob_create,
   .blob_map = pvk_virtgpu_blob_map,
   .blob_export_fd = pvk_virtgpu_blob_export_fd,
   .blob_import_fd = pvk_virtgpu_blob_import_fd,
   .submit_fence = pvk_virtgpu_submit_fence,
   .is_alive = pvk_virtgpu_is_alive,
};

/* Open dev's render node if it is a virtio-gpu one; record the DRM and PCI numbers. */
static bool
pvk_virtgpu_open_device(struct pvk_virtgpu *gpu, drmDevicePtr dev)
{
   const bool pci = dev->bustype == DRM_BUS_PCI && dev->deviceinfo.pci->vendor_id == PVK_VIRTGPU_PCI_VENDOR_ID &&
                    dev->deviceinfo.pci->device_id == PVK_VIRTGPU_PCI_DEVICE_ID;
   if (!(pci || dev->bustype == DRM_BUS_PLATFORM) || !(dev->available_nodes & (1 << DRM_NODE_RENDER)))
      return false;

   const char *render = dev->nodes[DRM_NODE_RENDER];
   int fd = open(render, O_RDWR | O_CLOEXEC);
   if (fd < 0) {
      if (PVK_DEBUG(INIT))
         pvk_log("virtgpu: cannot open %s: %s", render, strerror(errno));
      return false;
   }
   drmVersionPtr version = drmGetVersion(fd);
   const bool ok = version && !strcmp(version->name, "virtio_gpu") && version->version_major == 0;
   if (!ok && PVK_DEBUG(INIT))
      pvk_log("virtgpu: %s is %s %d, not virtio_gpu 0", render, version ? version->name : "?",
              version ? version->version_major : -1);
   if (version)
      drmFreeVersion(version);
   if (!ok) {
      close(fd);
      return false;
   }

   struct pvk_renderer_info *info = &gpu->base.info;
   struct stat st;
   if ((dev->available_nodes & (1 << DRM_NODE_PRIMARY)) && !stat(dev->nodes[DRM_NODE_PRIMARY], &st)) {
      info->has_primary = true;
      info->primary_major = major(st.st_rdev);
      info->primary_minor = minor(st.st_rdev);
   }
   if (!fstat(fd, &st)) {
      info->has_render = true;
      info->render_major = major(st.st_rdev);
      info->render_minor = minor(st.st_rdev);
   }
   if (dev->bustype == DRM_BUS_PCI) {
      info->has_pci_bus_info = true;
      info->pci_bus_info = (VkPhysicalDevicePCIBusInfoPropertiesEXT){
         .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PCI_BUS_INFO_PROPERTIES_EXT,
         .pciDomain = dev->businfo.pci->domain,
         .pciBus = dev->businfo.pci->bus,
         .pciDevice = dev->businfo.pci->dev,
         .pciFunction = dev->businfo.pci->func,
      };
   }
   gpu->fd = fd;
   if (PVK_DEBUG(INIT))
      pvk_log("virtgpu: using %s", render);
   return true;
}

static VkResult
pvk_virtgpu_init(struct pvk_virtgpu *gpu)
{
   drmDevicePtr devs[8];
   const int count = drmGetDevices2(0, devs, PVK_ARRAY_SIZE(devs));
   if (count <= 0)
      return VK_ERROR_INITIALIZATION_FAILED;
   bool found = false;
   for (int i = 0; i < count && !found; i++)
      found = pvk_virtgpu_open_device(gpu, devs[i]);
   drmFreeDevices(devs, count);
   if (!found)
      return VK_ERROR_INITIALIZATION_FAILED;

   static const struct {
      uint64_t param;
      const char *name;
   } required[] = {
      { VIRTGPU_PARAM_3D_FEATURES, "3D_FEATURES" },
      { VIRTGPU_PARAM_CAPSET_QUERY_FIX, "CAPSET_QUERY_FIX" },
      { VIRTGPU_PARAM_RESOURCE_BLOB, "RESOURCE_BLOB" },
      { VIRTGPU_PARAM_CONTEXT_INIT, "CONTEXT_INIT" },
   };
   for (uint32_t i = 0; i < PVK_ARRAY_SIZE(required); i++) {
      if (!pvk_virtgpu_getparam(gpu, required[i].param)) {
         pvk_log("virtgpu: the kernel driver lacks %s", required[i].name);
         return VK_ERROR_INITIALIZATION_FAILED;
      }
   }
   if (!(pvk_virtgpu_getparam(gpu, VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs) & (1ull << PVK_CAPSET_VENUS))) {
      pvk_log("virtgpu: the host offers no Venus capset (QEMU needs virtio-gpu-gl with venus=on)");
      return VK_ERROR_INITIALIZATION_FAILED;
   }

   struct drm_virtgpu_get_caps caps = {
      .cap_set_id = PVK_CAPSET_VENUS,
      .cap_set_ver = 0,
      .addr = (uintptr_t)&gpu->base.info.capset,
      .size = sizeof(gpu->base.info.capset),
   };
   if (pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_GET_CAPS, &caps)) {
      pvk_log("virtgpu: GET_CAPS(Venus) failed: %s", strerror(errno));
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   gpu->base.info.max_timeline_count = PVK_VIRTGPU_NUM_RINGS;
   gpu->base.info.supports_cross_device = pvk_virtgpu_getparam(gpu, VIRTGPU_PARAM_CROSS_DEVICE) != 0;
   if (pvk_renderer_check_capset(&gpu->base.info) != VK_SUCCESS)
      return VK_ERROR_INITIALIZATION_FAILED;

   struct drm_virtgpu_context_set_param params[] = {
      { .param = VIRTGPU_CONTEXT_PARAM_CAPSET_ID, .value = PVK_CAPSET_VENUS },
      { .param = VIRTGPU_CONTEXT_PARAM_NUM_RINGS, .value = PVK_VIRTGPU_NUM_RINGS },
      /* no DRM events: fences are waited on through sync files and feedback memory */
      { .param = VIRTGPU_CONTEXT_PARAM_POLL_RINGS_MASK, .value = 0 },
   };
   struct drm_virtgpu_context_init init = {
      .num_params = PVK_ARRAY_SIZE(params),
      .ctx_set_params = (uintptr_t)params,
   };
   if (pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &init)) {
      pvk_log("virtgpu: CONTEXT_INIT(Venus) failed: %s", strerror(errno));
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   return VK_SUCCESS;
}

VkResult
pvk_renderer_create_virtgpu(struct pvk_renderer **out)
{
   struct pvk_virtgpu *gpu = calloc(1, sizeof(*gpu));
   if (!gpu)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   gpu->base.ops = &pvk_virtgpu_ops;
   gpu->base.info.transport_name = "virtgpu";
   gpu->fd = -1;
   if (pthread_mutex_init(&gpu->gem_mutex, NULL) != 0) {
      free(gpu);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   VkResult result = pvk_virtgpu_init(gpu);
   if (result != VK_SUCCESS) {
      pvk_virtgpu_destroy(&gpu->base);
      return result;
   }
   *out = &gpu->base;
   return VK_SUCCESS;
}
