/*
 * The virtgpu transport: a DRM render node whose driver reports name "virtio_gpu", major version 0
 * (upstream virtio_gpu.ko and pvgpu.ko both do). Venus commands outside the ring go through
 * DRM_IOCTL_VIRTGPU_EXECBUFFER on ring_idx 0; shared memory is a blob (HOST3D, blob id 0, mappable)
 * mapped through DRM_IOCTL_VIRTGPU_MAP. Uapi: include/uapi/drm/virtgpu_drm.h. Behaviour follows Mesa
 * src/virtio/vulkan/vn_renderer_virtgpu.c (device choice, required params, context set-up).
 */
#include <errno.h>
#include <fcntl.h>
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

/* A mappable HOST3D blob, mapped: blob id 0 is memory the renderer allocates itself, any other id
 * names a renderer-side VkDeviceMemory (Mesa vn_renderer_virtgpu.c virtgpu_bo_create_from_device_memory). */
static VkResult
pvk_virtgpu_blob_create(struct pvk_virtgpu *gpu, uint64_t blob_id, uint32_t blob_flags, size_t size,
                        struct pvk_shmem *out)
{
   const size_t page = (size_t)sysconf(_SC_PAGESIZE);
   size = (size + page - 1) & ~(page - 1);
   struct drm_virtgpu_resource_create_blob blob = {
      .blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
      .blob_flags = blob_flags | VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
      .size = size,
      .blob_id = blob_id,
   };
   if (pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &blob))
      return errno == ENOMEM ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_ERROR_DEVICE_LOST;

   struct drm_virtgpu_map map = { .handle = blob.bo_handle };
   void *ptr = MAP_FAILED;
   if (!pvk_virtgpu_ioctl(gpu, DRM_IOCTL_VIRTGPU_MAP, &map))
      ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, gpu->fd, map.offset);
   if (ptr == MAP_FAILED) {
      struct drm_gem_close close_args = { .handle = blob.bo_handle };
      pvk_virtgpu_ioctl(gpu, DRM_IOCTL_GEM_CLOSE, &close_args);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   *out = (struct pvk_shmem){
      .res_id = blob.res_handle,
      .gem_handle = blob.bo_handle,
      .ptr = ptr,
      .size = size,
   };
   return VK_SUCCESS;
}

static VkResult
pvk_virtgpu_shmem_create(struct pvk_renderer *renderer, size_t size, struct pvk_shmem *out)
{
   /* blob id 0 of HOST3D: memory the renderer allocates itself (capset supports_blob_id_0) */
   return pvk_virtgpu_blob_create((struct pvk_virtgpu *)renderer, 0, 0, size, out);
}

static VkResult
pvk_virtgpu_memory_blob_create(struct pvk_renderer *renderer, uint64_t memory_id, size_t size, bool shareable,
                               struct pvk_shmem *out)
{
   const uint32_t flags = shareable ? VIRTGPU_BLOB_FLAG_USE_SHAREABLE : 0;
   return pvk_virtgpu_blob_create((struct pvk_virtgpu *)renderer, memory_id, flags, size, out);
}

static void
pvk_virtgpu_shmem_destroy(struct pvk_renderer *renderer, struct pvk_shmem *shmem)
{
   struct pvk_virtgpu *gpu = (struct pvk_virtgpu *)renderer;
   munmap(shmem->ptr, shmem->size);
   struct drm_gem_close args = { .handle = shmem->gem_handle };
   pvk_virtgpu_ioctl(gpu, DRM_IOCTL_GEM_CLOSE, &args);
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
   free(gpu);
}

static const struct pvk_renderer_ops pvk_virtgpu_ops = {
   .destroy = pvk_virtgpu_destroy,
   .submit = pvk_virtgpu_submit,
   .shmem_create = pvk_virtgpu_shmem_create,
   .shmem_destroy = pvk_virtgpu_shmem_destroy,
   .memory_blob_create = pvk_virtgpu_memory_blob_create,
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
   VkResult result = pvk_virtgpu_init(gpu);
   if (result != VK_SUCCESS) {
      pvk_virtgpu_destroy(&gpu->base);
      return result;
   }
   *out = &gpu->base;
   return VK_SUCCESS;
}
