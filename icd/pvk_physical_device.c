/*
 * VkPhysicalDevice: enumeration and groups, and every query vulkaninfo makes. Everything that
 * cannot change is asked once, when the devices are enumerated, and answered from memory after:
 * properties and features (every struct of the pNext chains pvk advertises, kept as copies),
 * queue families, memory properties, extensions; format properties on first use.
 * Which extensions pass through and how properties are adjusted follows Mesa
 * src/virtio/vulkan/vn_physical_device.c (read for behaviour); the code is pvk's own.
 */
#include "pvk_instance.h"

#include "venus-protocol/vn_protocol_driver_device.h"
#include "venus-protocol/vn_protocol_driver_info.h"
#include "venus-protocol/vn_protocol_driver_instance.h"

#define PVK_VERSION_MAJOR 0
#define PVK_VERSION_MINOR 1
#define PVK_VERSION_PATCH 0

/*
 * Device extensions whose commands and structs travel unchanged through Venus: advertised when the
 * renderer has them and the protocol can carry them (Mesa vn_physical_device.c keeps the same set:
 * the Venus protocol defines it).
 */
static const char *const pvk_passthrough_extensions[] = {
   /* promoted to 1.1 */
   "VK_KHR_16bit_storage", "VK_KHR_bind_memory2", "VK_KHR_dedicated_allocation",
   "VK_KHR_descriptor_update_template", "VK_KHR_device_group", "VK_KHR_external_fence",
   "VK_KHR_external_memory", "VK_KHR_external_semaphore", "VK_KHR_get_memory_requirements2",
   "VK_KHR_maintenance1", "VK_KHR_maintenance2", "VK_KHR_maintenance3", "VK_KHR_multiview",
   "VK_KHR_relaxed_block_layout", "VK_KHR_sampler_ycbcr_conversion", "VK_KHR_shader_draw_parameters",
   "VK_KHR_storage_buffer_storage_class", "VK_KHR_variable_pointers",
   /* promoted to 1.2 */
   "VK_KHR_8bit_storage", "VK_KHR_buffer_device_address", "VK_KHR_create_renderpass2",
   "VK_KHR_depth_stencil_resolve", "VK_KHR_draw_indirect_count", "VK_KHR_driver_properties",
   "VK_KHR_image_format_list", "VK_KHR_imageless_framebuffer", "VK_KHR_sampler_mirror_clamp_to_edge",
   "VK_KHR_separate_depth_stencil_layouts", "VK_KHR_shader_atomic_int64", "VK_KHR_shader_float16_int8",
   "VK_KHR_shader_float_controls", "VK_KHR_shader_subgroup_extended_types", "VK_KHR_spirv_1_4",
   "VK_KHR_timeline_semaphore", "VK_KHR_uniform_buffer_standard_layout", "VK_KHR_vulkan_memory_model",
   "VK_EXT_descriptor_indexing", "VK_EXT_host_query_reset", "VK_EXT_sampler_filter_minmax",
   "VK_EXT_scalar_block_layout", "VK_EXT_separate_stencil_usage", "VK_EXT_shader_viewport_index_layer",
   /* promoted to 1.3 (VK_KHR_synchronization2 is set in pvk_physical_device_init_extensions) */
   "VK_KHR_copy_commands2", "VK_KHR_dynamic_rendering", "VK_KHR_format_feature_flags2",
   "VK_KHR_maintenance4", "VK_KHR_shader_integer_dot_product", "VK_KHR_shader_non_semantic_info",
   "VK_KHR_shader_terminate_invocation", "VK_KHR_zero_initialize_workgroup_memory",
   "VK_EXT_4444_formats", "VK_EXT_extended_dynamic_state", "VK_EXT_extended_dynamic_state2",
   "VK_EXT_image_robustness", "VK_EXT_inline_uniform_block", "VK_EXT_pipeline_creation_cache_control",
   "VK_EXT_pipeline_creation_feedback", "VK_EXT_shader_demote_to_helper_invocation",
   "VK_EXT_subgroup_size_control", "VK_EXT_texel_buffer_alignment", "VK_EXT_texture_compression_astc_hdr",
   "VK_EXT_ycbcr_2plane_444_formats",
   /* KHR */
   "VK_KHR_fragment_shading_rate", "VK_KHR_maintenance5", "VK_KHR_pipeline_library",
   "VK_KHR_push_descriptor", "VK_KHR_shader_clock", "VK_KHR_shader_expect_assume",
   /* EXT (VK_EXT_memory_budget: the budget is asked for on every call, not cached) */
   "VK_EXT_memory_budget",
   "VK_EXT_attachment_feedback_loop_layout", "VK_EXT_border_color_swizzle", "VK_EXT_calibrated_timestamps",
   "VK_EXT_color_write_enable", "VK_EXT_conditional_rendering", "VK_EXT_conservative_rasterization",
   "VK_EXT_custom_border_color", "VK_EXT_depth_clip_control", "VK_EXT_depth_clip_enable",
   "VK_EXT_extended_dynamic_state3", "VK_EXT_dynamic_rendering_unused_attachments",
   "VK_EXT_external_memory_acquire_unmodified", "VK_EXT_fragment_shader_interlock",
   "VK_EXT_graphics_pipeline_library", "VK_EXT_image_2d_view_of_3d", "VK_EXT_image_drm_format_modifier",
   "VK_EXT_image_view_min_lod", "VK_EXT_index_type_uint8", "VK_EXT_line_rasterization",
   "VK_EXT_load_store_op_none", "VK_EXT_multi_draw", "VK_EXT_mutable_descriptor_type",
   "VK_EXT_non_seamless_cube_map", "VK_EXT_primitive_topology_list_restart",
   "VK_EXT_primitives_generated_query", "VK_EXT_private_data", "VK_EXT_provoking_vertex",
   "VK_EXT_queue_family_foreign", "VK_EXT_rasterization_order_attachment_access", "VK_EXT_robustness2",
   "VK_EXT_shader_stencil_export", "VK_EXT_shader_subgroup_ballot", "VK_EXT_transform_feedback",
   "VK_EXT_vertex_attribute_divisor", "VK_EXT_vertex_input_dynamic_state",
   /* vendor */
   "VK_VALVE_mutable_descriptor_type",
};

/* Device extensions pvk implements itself, whatever the renderer has. */
static const char *const pvk_native_extensions[] = {
   "VK_EXT_physical_device_drm", /* from the transport (render node numbers) */
   "VK_EXT_tooling_info",        /* pvk is not a tool and loads none */
   "VK_KHR_swapchain",           /* pvk's WSI (pvk_wsi.c): presents by a CPU copy */
   "VK_KHR_map_memory2",         /* pvk_MapMemory2/pvk_UnmapMemory2: maps are the guest's */
   "VK_KHR_swapchain_mutable_format", /* pvk_wsi.c: MUTABLE_FORMAT images with the format list */
   "VK_KHR_incremental_present", /* regions are a hint (spec): pvk copies the whole image */
};

static int32_t
pvk_ext(const char *name)
{
   const int32_t index = pvk_device_extension_index(name);
   assert(index >= 0);
   return index;
}

#define PVK_HAS_EXT(pdev, name) ((pdev)->supported_extensions[pvk_ext(name)])

static struct vn_ring *
pvk_pdev_ring(const struct pvk_physical_device *pdev)
{
   return pdev->instance->ring;
}

static VkResult
pvk_physical_device_init_renderer_extensions(struct pvk_physical_device *pdev)
{
   VkPhysicalDevice handle = pvk_physical_device_to_handle(pdev);
   uint32_t count = 0;
   VkResult result;
   PVK_CALL_ARRAY(pvk_pdev_ring(pdev), result, PVK_REPLY_COUNT_OFFSET_RESULT, 0, (VkExtensionProperties *)NULL,
                  vkEnumerateDeviceExtensionProperties, handle, NULL, &count, NULL);
   if (result != VK_SUCCESS)
      return result;
   VkExtensionProperties *props = calloc(PVK_MAX(count, 1), sizeof(*props));
   if (!props)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   PVK_CALL_ARRAY(pvk_pdev_ring(pdev), result, PVK_REPLY_COUNT_OFFSET_RESULT, count, props,
                  vkEnumerateDeviceExtensionProperties, handle, NULL, &count, props);
   if (result < VK_SUCCESS) {
      free(props);
      return result;
   }
   for (uint32_t i = 0; i < count; i++) {
      const int32_t index = pvk_device_extension_index(props[i].extensionName);
      const int32_t proto = vn_info_extension_index(props[i].extensionName);
      /* the wire format must be able to carry it */
      if (index < 0 || proto < 0)
         continue;
      const struct vn_info_extension *info = vn_info_extension_get(proto);
      if (!vn_cs_renderer_protocol_has_extension(info->number))
         continue;
      pdev->renderer_extensions[index] = true;
      pdev->renderer_ext_spec[index] =
         PVK_MIN(PVK_MIN(props[i].specVersion, info->spec_version), pvk_device_extensions[index].spec_version);
   }
   free(props);
   return VK_SUCCESS;
}

/*
 * The handle type the renderer's driver shares memory with: dma-buf when it can both export and
 * import buffer memory as dma-bufs (what Mesa's Venus requires too), else 0. A driver that exports
 * only opaque fds (lavapipe without udmabuf) is not enough with virglrenderer 1.1 (icd/README.md,
 * "External memory"): the blob is created, but its resource cannot be imported back, neither in
 * the exporting context (the renderer keeps the exported fd only for CROSS_DEVICE blobs, which
 * must be dma-bufs: VK_ERROR_INVALID_EXTERNAL_HANDLE) nor in another one (the context has no such
 * resource: fatal).
 */
static VkExternalMemoryHandleTypeFlagBits
pvk_physical_device_renderer_memory_type(struct pvk_physical_device *pdev)
{
   const VkPhysicalDeviceExternalBufferInfo info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO,
      .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
   };
   VkExternalBufferProperties props = { .sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES };
   VkResult result;
   PVK_CALL_CHAIN_VOID(pvk_pdev_ring(pdev), result, &props, VkExternalBufferProperties,
                       vkGetPhysicalDeviceExternalBufferProperties, pvk_physical_device_to_handle(pdev), &info,
                       &props);
   const VkExternalMemoryFeatureFlags need =
      VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT;
   if (result == VK_SUCCESS && (props.externalMemoryProperties.externalMemoryFeatures & need) == need)
      return VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
   if (PVK_DEBUG(INIT))
      pvk_log("external memory: the renderer's driver cannot export and import dma-bufs (features 0x%x): "
              "not offered",
              props.externalMemoryProperties.externalMemoryFeatures);
   return 0;
}

static VkResult
pvk_physical_device_init_extensions(struct pvk_physical_device *pdev)
{
   for (uint32_t i = 0; i < PVK_ARRAY_SIZE(pvk_passthrough_extensions); i++) {
      const int32_t index = pvk_ext(pvk_passthrough_extensions[i]);
      pdev->supported_extensions[index] = pdev->renderer_extensions[index];
   }
   /* VK_KHR_synchronization2 needs nothing beyond the renderer's. Mesa's Venus also asks that
    * the renderer's driver import SYNC_FD semaphores (vn_physical_device.c), because its WSI
    * imports sync files into renderer semaphores; pvk's WSI does not (it signals acquire
    * semaphores with an empty submission, pvk_wsi.c, and waits for imported sync files on the
    * CPU, pvk_sync_fd.c), and vkQueueSubmit2 takes the same path as vkQueueSubmit
    * (pvk_queue.c). */
   const int32_t sync2 = pvk_ext("VK_KHR_synchronization2");
   pdev->supported_extensions[sync2] = pdev->renderer_extensions[sync2];

   uint32_t count = 0;
   for (uint32_t i = 0; i < PVK_DEVICE_EXTENSION_COUNT; i++)
      count += pdev->supported_extensions[i];
   count += PVK_ARRAY_SIZE(pvk_native_extensions) + 1 + 4; /* pci_bus_info, external fd extensions */
   pdev->extensions = calloc(count, sizeof(*pdev->extensions));
   if (!pdev->extensions)
      return VK_ERROR_OUT_OF_HOST_MEMORY;

   for (uint32_t i = 0; i < PVK_ARRAY_SIZE(pvk_native_extensions); i++) {
      const int32_t index = pvk_ext(pvk_native_extensions[i]);
      pdev->supported_extensions[index] = true;
      pdev->renderer_ext_spec[index] = pvk_device_extensions[index].spec_version;
   }
   /* External memory and sync files: pvk's own on the virtgpu transport (PRIME dma-bufs of blobs,
    * EXECBUFFER fence fds); over vtest none is offered. What the application gets is always a
    * dma-buf of a virtio-gpu blob; behind it the renderer's driver must export and import its
    * memory as dma-bufs (pvk_physical_device_renderer_memory_type). Sync
    * files need nothing from the renderer's driver (pvk_sync_fd.c). */
   const struct pvk_renderer_ops *ops = pdev->instance->renderer->ops;
   if (ops->blob_import_fd && ops->blob_export_fd && ops->memory_blob_create &&
       pdev->renderer_extensions[pvk_ext("VK_EXT_external_memory_dma_buf")] &&
       pdev->renderer_extensions[pvk_ext("VK_KHR_external_memory_fd")] &&
       (pdev->external_memory_renderer_type = pvk_physical_device_renderer_memory_type(pdev))) {
      pdev->external_memory_types =
         VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT | VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
      static const char *const names[] = { "VK_KHR_external_memory_fd", "VK_EXT_external_memory_dma_buf" };
      for (uint32_t i = 0; i < PVK_ARRAY_SIZE(names); i++) {
         const int32_t index = pvk_ext(names[i]);
         pdev->supported_extensions[index] = true;
         pdev->renderer_ext_spec[index] = pvk_device_extensions[index].spec_version;
      }
   }
   if (ops->submit_fence && pdev->instance->renderer->info.max_timeline_count > 1) {
      pdev->external_sync_fd = true;
      static const char *const names[] = { "VK_KHR_external_fence_fd", "VK_KHR_external_semaphore_fd" };
      for (uint32_t i = 0; i < PVK_ARRAY_SIZE(names); i++) {
         const int32_t index = pvk_ext(names[i]);
         pdev->supported_extensions[index] = true;
         pdev->renderer_ext_spec[index] = pvk_device_extensions[index].spec_version;
      }
   }
   /* VK_EXT_pci_bus_info: the guest's PCI address of the virtio-gpu device (virtgpu only) */
   if (pdev->instance->renderer->info.has_pci_bus_info) {
      const int32_t index = pvk_ext("VK_EXT_pci_bus_info");
      pdev->supported_extensions[index] = true;
      pdev->renderer_ext_spec[index] = pvk_device_extensions[index].spec_version;
   }
   pdev->extension_count = 0;
   for (uint32_t i = 0; i < PVK_DEVICE_EXTENSION_COUNT; i++) {
      if (!pdev->supported_extensions[i])
         continue;
      VkExtensionProperties *p = &pdev->extensions[pdev->extension_count++];
      snprintf(p->extensionName, sizeof(p->extensionName), "%s", pvk_device_extensions[i].name);
      p->specVersion = pdev->renderer_ext_spec[i];
   }
   return VK_SUCCESS;
}

/* Is a feature/property struct part of what pvk reports for this device? */
static bool
pvk_physical_device_has_struct(const struct pvk_physical_device *pdev, const struct pvk_struct_info *s)
{
   if (s->has_pointers)
      return false;
   if (s->core_version && s->core_version <= pdev->renderer_version)
      return true;
   for (uint32_t i = 0; i < PVK_STRUCT_MAX_EXTS && s->ext_index[i] >= 0; i++) {
      if (pdev->supported_extensions[s->ext_index[i]])
         return true;
   }
   return false;
}

/*
 * Ask the renderer once for every struct of a Features2/Properties2 chain that this device reports,
 * and keep copies. table/count: the generated list of structs extending the chain's head.
 */
static VkResult
pvk_physical_device_snapshot_chain(struct pvk_physical_device *pdev, bool features,
                                   const struct pvk_struct_info *table, uint32_t table_count,
                                   struct pvk_struct_copy **out, uint32_t *out_count)
{
   uint32_t count = 0;
   for (uint32_t i = 0; i < table_count; i++)
      count += pvk_physical_device_has_struct(pdev, &table[i]);
   struct pvk_struct_copy *copies = calloc(PVK_MAX(count, 1), sizeof(*copies));
   if (!copies)
      return VK_ERROR_OUT_OF_HOST_MEMORY;

   VkPhysicalDeviceFeatures2 feats2 = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2 };
   VkPhysicalDeviceProperties2 props2 = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2 };
   VkBaseOutStructure *head = features ? (VkBaseOutStructure *)&feats2 : (VkBaseOutStructure *)&props2;
   uint32_t n = 0;
   VkResult result = VK_SUCCESS;
   for (uint32_t i = 0; i < table_count; i++) {
      if (!pvk_physical_device_has_struct(pdev, &table[i]))
         continue;
      VkBaseOutStructure *s = calloc(1, table[i].size);
      if (!s) {
         result = VK_ERROR_OUT_OF_HOST_MEMORY;
         goto out;
      }
      s->sType = table[i].stype;
      s->pNext = head->pNext;
      head->pNext = s;
      copies[n++] = (struct pvk_struct_copy){ .stype = table[i].stype, .size = table[i].size, .data = s };
   }

   VkPhysicalDevice handle = pvk_physical_device_to_handle(pdev);
   if (features) {
      PVK_CALL_CHAIN_VOID(pvk_pdev_ring(pdev), result, &feats2, VkPhysicalDeviceFeatures2,
                          vkGetPhysicalDeviceFeatures2, handle, &feats2);
      pdev->features = feats2.features;
   } else {
      PVK_CALL_CHAIN_VOID(pvk_pdev_ring(pdev), result, &props2, VkPhysicalDeviceProperties2,
                          vkGetPhysicalDeviceProperties2, handle, &props2);
      pdev->properties = props2.properties;
   }

out:
   for (uint32_t i = 0; i < n; i++)
      copies[i].data->pNext = NULL;
   *out = copies;
   *out_count = n;
   return result;
}

static void *
pvk_find_copy(struct pvk_struct_copy *copies, uint32_t count, VkStructureType stype)
{
   for (uint32_t i = 0; i < count; i++)
      if (copies[i].stype == stype)
         return copies[i].data;
   return NULL;
}

#define PVK_FOR_COPY(pdev, kind, type, stype, var)                                             \
   for (type *var = pvk_find_copy((pdev)->kind##_structs, (pdev)->kind##_struct_count, stype); \
        var; var = NULL)

/* The sparse-binding path (vkQueueBindSparse and its feedback) is not in pvk yet. */
static void
pvk_physical_device_disable_sparse(struct pvk_physical_device *pdev)
{
   VkPhysicalDeviceFeatures *f = &pdev->features;
   f->sparseBinding = f->sparseResidencyBuffer = f->sparseResidencyImage2D = VK_FALSE;
   f->sparseResidencyImage3D = f->sparseResidency2Samples = f->sparseResidency4Samples = VK_FALSE;
   f->sparseResidency8Samples = f->sparseResidency16Samples = f->sparseResidencyAliased = VK_FALSE;
   pdev->properties.limits.sparseAddressSpaceSize = 0;
   memset(&pdev->properties.sparseProperties, 0, sizeof(pdev->properties.sparseProperties));
}

static void
pvk_physical_device_adjust_features(struct pvk_physical_device *pdev)
{
   pvk_physical_device_disable_sparse(pdev);
   /* Extended dynamic state 3 bits that need extensions pvk does not offer (sample locations,
    * advanced blend, NV viewport/coverage/shading-rate-image state). */
   PVK_FOR_COPY(pdev, feature, VkPhysicalDeviceExtendedDynamicState3FeaturesEXT,
                VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTENDED_DYNAMIC_STATE_3_FEATURES_EXT, f)
   {
      f->extendedDynamicState3SampleLocationsEnable = VK_FALSE;
      f->extendedDynamicState3ColorBlendAdvanced = VK_FALSE;
      f->extendedDynamicState3ViewportWScalingEnable = VK_FALSE;
      f->extendedDynamicState3ViewportSwizzle = VK_FALSE;
      f->extendedDynamicState3CoverageToColorEnable = VK_FALSE;
      f->extendedDynamicState3CoverageToColorLocation = VK_FALSE;
      f->extendedDynamicState3CoverageModulationMode = VK_FALSE;
      f->extendedDynamicState3CoverageModulationTableEnable = VK_FALSE;
      f->extendedDynamicState3CoverageModulationTable = VK_FALSE;
      f->extendedDynamicState3CoverageReductionMode = VK_FALSE;
      f->extendedDynamicState3RepresentativeFragmentTestEnable = VK_FALSE;
      f->extendedDynamicState3ShadingRateImageEnable = VK_FALSE;
   }
}

/* FNV-1a, 64 bit: enough to derive stable UUIDs from names */
static uint64_t
pvk_hash(uint64_t h, const void *data, size_t size)
{
   const uint8_t *p = data;
   for (size_t i = 0; i < size; i++)
      h = (h ^ p[i]) * 0x100000001b3ull;
   return h;
}

static void
pvk_make_uuid(uint8_t uuid[VK_UUID_SIZE], const char *salt, const void *data, size_t size)
{
   uint64_t h1 = pvk_hash(0xcbf29ce484222325ull, salt, strlen(salt));
   h1 = pvk_hash(h1, data, size);
   const uint64_t h2 = pvk_hash(h1 ^ 0x9e3779b97f4a7c15ull, data, size);
   memcpy(uuid, &h1, 8);
   memcpy(uuid + 8, &h2, 8);
}

/*
 * MESA_VK_VERSION_OVERRIDE ("MAJOR.MINOR" or "MAJOR.MINOR.PATCH"), the variable Mesa's drivers
 * read (vk_get_version_override(), src/vulkan/runtime/vk_instance.c): pvk honours it downwards
 * only, since a version above what pvk implements would be a lie. It lets a 1.3 pvk be compared
 * with a 1.2 peer line by line (tests/icd/vulkaninfo_diff.sh). Returns @version, or the lower
 * override (patch 0 when none is given); a malformed value is ignored.
 */
static uint32_t
pvk_version_override(uint32_t version)
{
   const char *env = getenv("MESA_VK_VERSION_OVERRIDE");
   unsigned major, minor, patch = 0;
   if (!env || sscanf(env, "%u.%u.%u", &major, &minor, &patch) < 2 || major > 1 || minor > 1023 ||
       patch > 4095)
      return version;
   const uint32_t wanted = VK_MAKE_API_VERSION(0, major, minor, patch);
   return wanted < version ? wanted : version;
}

static void
pvk_physical_device_adjust_properties(struct pvk_physical_device *pdev)
{
   VkPhysicalDeviceProperties *props = &pdev->properties;
   const struct pvk_renderer_info *info = &pdev->instance->renderer->info;

   /* The version pvk offers: the renderer's, capped by pvk and by the protocol's vk.xml (keeping
    * the renderer's patch level when capped by minor), and 1.3 needs synchronization2. */
   uint32_t version = PVK_MIN(PVK_MIN(props->apiVersion, PVK_MAX_API_VERSION), info->capset.vk_xml_version);
   if (VK_API_VERSION_PATCH(version) > VK_API_VERSION_PATCH(props->apiVersion))
      version = version - VK_API_VERSION_PATCH(version) + VK_API_VERSION_PATCH(props->apiVersion);
   if (!PVK_HAS_EXT(pdev, "VK_KHR_synchronization2"))
      version = PVK_MIN(version, VK_API_VERSION_1_2);
   props->apiVersion = pvk_version_override(version);
   props->driverVersion = VK_MAKE_VERSION(PVK_VERSION_MAJOR, PVK_VERSION_MINOR, PVK_VERSION_PATCH);

   /* "Virtio-GPU Venus (<host device>)": the device is the host's, reached through Venus */
   char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
   const int len = snprintf(name, sizeof(name), "Virtio-GPU Venus (%s)", props->deviceName);
   if (len >= (int)sizeof(name))
      memcpy(name + sizeof(name) - 5, "...)", 5);
   memcpy(props->deviceName, name, sizeof(name));

   uint8_t device_uuid[VK_UUID_SIZE], driver_uuid[VK_UUID_SIZE];
   const uint32_t ids[2] = { props->vendorID, props->deviceID };
   pvk_make_uuid(device_uuid, "pvk device", ids, sizeof(ids));
   pvk_make_uuid(driver_uuid, "pvk driver", "pvk " PVK_VERSION_STRING, strlen("pvk " PVK_VERSION_STRING));

   /* No VkDriverId is registered for pvk; it reports Venus', the protocol it speaks (driverName
    * and driverInfo say it is pvk). pvk has not passed the CTS: conformance version 0.0.0.0. */
   const VkDriverId driver_id = VK_DRIVER_ID_MESA_VENUS;
   const VkConformanceVersion conformance = { 0, 0, 0, 0 };
   static const char driver_name[] = "pvk";
   static const char driver_info[] = "pvgpu " PVK_VERSION_STRING;

#define PVK_SET_DRIVER(p)                                                 \
   do {                                                                    \
      (p)->driverID = driver_id;                                           \
      snprintf((p)->driverName, sizeof((p)->driverName), "%s", driver_name); \
      snprintf((p)->driverInfo, sizeof((p)->driverInfo), "%s", driver_info); \
      (p)->conformanceVersion = conformance;                               \
   } while (0)
#define PVK_SET_IDS(p)                                                    \
   do {                                                                    \
      memcpy((p)->deviceUUID, device_uuid, VK_UUID_SIZE);                  \
      memcpy((p)->driverUUID, driver_uuid, VK_UUID_SIZE);                  \
      memset((p)->deviceLUID, 0, VK_LUID_SIZE);                            \
      (p)->deviceNodeMask = 0;                                             \
      (p)->deviceLUIDValid = VK_FALSE;                                     \
   } while (0)

   PVK_FOR_COPY(pdev, property, VkPhysicalDeviceVulkan12Properties,
                VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES, p)
      PVK_SET_DRIVER(p);
   PVK_FOR_COPY(pdev, property, VkPhysicalDeviceDriverProperties,
                VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES, p)
      PVK_SET_DRIVER(p);
   PVK_FOR_COPY(pdev, property, VkPhysicalDeviceVulkan11Properties,
                VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES, p)
      PVK_SET_IDS(p);
   PVK_FOR_COPY(pdev, property, VkPhysicalDeviceIDProperties, VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES, p)
      PVK_SET_IDS(p);
#undef PVK_SET_DRIVER
#undef PVK_SET_IDS

   /* custom sample locations need VK_EXT_sample_locations, which pvk does not offer */
   PVK_FOR_COPY(pdev, property, VkPhysicalDeviceFragmentShadingRatePropertiesKHR,
                VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FRAGMENT_SHADING_RATE_PROPERTIES_KHR, p)
      p->fragmentShadingRateWithCustomSampleLocations = VK_FALSE;

   PVK_FOR_COPY(pdev, property, VkPhysicalDevicePCIBusInfoPropertiesEXT,
                VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PCI_BUS_INFO_PROPERTIES_EXT, p)
   {
      p->pciDomain = info->pci_bus_info.pciDomain;
      p->pciBus = info->pci_bus_info.pciBus;
      p->pciDevice = info->pci_bus_info.pciDevice;
      p->pciFunction = info->pci_bus_info.pciFunction;
   }

   /* VK_EXT_physical_device_drm comes from the transport, not from the host's device */
   PVK_FOR_COPY(pdev, property, VkPhysicalDeviceDrmPropertiesEXT,
                VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRM_PROPERTIES_EXT, p)
   {
      p->hasPrimary = info->has_primary;
      p->hasRender = info->has_render;
      p->primaryMajor = info->primary_major;
      p->primaryMinor = info->primary_minor;
      p->renderMajor = info->render_major;
      p->renderMinor = info->render_minor;
   }
}

static VkResult
pvk_physical_device_init_queue_families(struct pvk_physical_device *pdev)
{
   VkPhysicalDevice handle = pvk_physical_device_to_handle(pdev);
   uint32_t count = 0;
   VkResult result;
   PVK_CALL_ARRAY_VOID(pvk_pdev_ring(pdev), result, 0, (VkQueueFamilyProperties2 *)NULL,
                       vkGetPhysicalDeviceQueueFamilyProperties2, handle, &count, NULL);
   if (result != VK_SUCCESS)
      return result;
   VkQueueFamilyProperties2 *props = calloc(PVK_MAX(count, 1), sizeof(*props));
   if (!props)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < count; i++)
      props[i].sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2;
   PVK_CALL_ARRAY_VOID(pvk_pdev_ring(pdev), result, count, props, vkGetPhysicalDeviceQueueFamilyProperties2, handle,
                       &count, props);
   if (result != VK_SUCCESS) {
      free(props);
      return result;
   }
   /* families that can only bind sparse memory are hidden: pvk has no sparse path yet */
   uint32_t kept = 0;
   for (uint32_t i = 0; i < count; i++) {
      if (props[i].queueFamilyProperties.queueFlags & ~VK_QUEUE_SPARSE_BINDING_BIT)
         props[kept++] = props[i];
   }
   pdev->queue_families = props;
   pdev->queue_family_count = kept;
   return VK_SUCCESS;
}

static VkResult
pvk_physical_device_init_memory_properties(struct pvk_physical_device *pdev)
{
   VkPhysicalDeviceMemoryProperties2 props2 = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2 };
   VkResult result;
   PVK_CALL_CHAIN_VOID(pvk_pdev_ring(pdev), result, &props2, VkPhysicalDeviceMemoryProperties2,
                       vkGetPhysicalDeviceMemoryProperties2, pvk_physical_device_to_handle(pdev), &props2);
   if (result != VK_SUCCESS)
      return result;
   pdev->memory_properties = props2.memoryProperties;

   /* Guest mappings of host memory are always coherent (the kernel maps them so): a cached but
    * incoherent host type cannot be mapped honestly and loses HOST_VISIBLE; if no type is both
    * coherent and cached, the first coherent one is reported cached (apps look for it). */
   VkPhysicalDeviceMemoryProperties *mem = &pdev->memory_properties;
   bool coherent_cached = false;
   uint32_t first_coherent = VK_MAX_MEMORY_TYPES;
   for (uint32_t i = 0; i < mem->memoryTypeCount; i++) {
      VkMemoryPropertyFlags *flags = &mem->memoryTypes[i].propertyFlags;
      const bool coherent = *flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
      const bool cached = *flags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
      if (coherent) {
         first_coherent = PVK_MIN(first_coherent, i);
         coherent_cached |= cached;
      } else if (cached) {
         *flags &= ~(VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
      }
   }
   if (!coherent_cached && first_coherent < VK_MAX_MEMORY_TYPES)
      mem->memoryTypes[first_coherent].propertyFlags |= VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
   return VK_SUCCESS;
}

static VkResult
pvk_physical_device_init(struct pvk_physical_device *pdev)
{
   struct pvk_instance *instance = pdev->instance;
   VkPhysicalDeviceProperties props;
   VkResult result;
   PVK_CALL_VOID(instance->ring, result, vkGetPhysicalDeviceProperties, pvk_physical_device_to_handle(pdev), &props);
   if (result != VK_SUCCESS)
      return result;
   if (props.apiVersion < PVK_MIN_RENDERER_VERSION) {
      if (PVK_DEBUG(INIT))
         pvk_log("%s: Vulkan %u.%u is too old (pvk needs 1.1), skipped", props.deviceName,
                 VK_API_VERSION_MAJOR(props.apiVersion), VK_API_VERSION_MINOR(props.apiVersion));
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   pdev->renderer_version = PVK_MIN(PVK_MIN(props.apiVersion, instance->renderer_api_version),
                                    instance->renderer->info.capset.vk_xml_version);

   result = pvk_physical_device_init_renderer_extensions(pdev);
   if (result == VK_SUCCESS)
      result = pvk_physical_device_init_extensions(pdev);
   if (result == VK_SUCCESS)
      result = pvk_physical_device_init_queue_families(pdev);
   if (result == VK_SUCCESS)
      result = pvk_physical_device_snapshot_chain(pdev, true, pvk_feature_structs, PVK_FEATURE_STRUCT_COUNT,
                                                  &pdev->feature_structs, &pdev->feature_struct_count);
   if (result == VK_SUCCESS)
      result = pvk_physical_device_snapshot_chain(pdev, false, pvk_property_structs, PVK_PROPERTY_STRUCT_COUNT,
                                                  &pdev->property_structs, &pdev->property_struct_count);
   if (result == VK_SUCCESS)
      result = pvk_physical_device_init_memory_properties(pdev);
   if (result != VK_SUCCESS)
      return result;
   pvk_physical_device_adjust_features(pdev);
   pvk_physical_device_adjust_properties(pdev);
   return VK_SUCCESS;
}

void
pvk_physical_device_fini(struct pvk_physical_device *pdev)
{
   for (uint32_t i = 0; i < pdev->feature_struct_count; i++)
      free(pdev->feature_structs[i].data);
   for (uint32_t i = 0; i < pdev->property_struct_count; i++)
      free(pdev->property_structs[i].data);
   free(pdev->feature_structs);
   free(pdev->property_structs);
   free(pdev->queue_families);
   free(pdev->extensions);
   free(pdev->format_cache);
   free(pdev->image_format_cache);
   free(pdev->shading_rates);
   free(pdev->time_domains);
}

/*
 * The renderer's device groups, mapped onto pvk's physical devices (devices pvk skipped are dropped
 * from their groups, and empty groups with them). Follows Mesa vn_physical_device.c
 * vn_instance_enumerate_physical_device_groups_locked(): the handles in the groups are inputs to the
 * encoder, so they point to placeholder objects with id 0, which the renderer fills in.
 */
static VkResult
pvk_instance_enumerate_groups_locked(struct pvk_instance *instance)
{
   VkInstance handle = pvk_instance_to_handle(instance);
   uint32_t count = 0;
   VkResult result;
   PVK_CALL_ARRAY(instance->ring, result, PVK_REPLY_COUNT_OFFSET_RESULT, 0, (VkPhysicalDeviceGroupProperties *)NULL,
                  vkEnumeratePhysicalDeviceGroups, handle, &count, NULL);
   if (result != VK_SUCCESS)
      return result;

   VkPhysicalDeviceGroupProperties *groups = pvk_zalloc(&instance->alloc, PVK_MAX(count, 1) * sizeof(*groups),
                                                        VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE);
   struct pvk_object_base *placeholders = calloc(PVK_MAX(count, 1) * VK_MAX_DEVICE_GROUP_SIZE, sizeof(*placeholders));
   if (!groups || !placeholders) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto out;
   }
   for (uint32_t i = 0; i < count; i++) {
      groups[i].sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_GROUP_PROPERTIES;
      for (uint32_t j = 0; j < VK_MAX_DEVICE_GROUP_SIZE; j++) {
         struct pvk_object_base *p = &placeholders[i * VK_MAX_DEVICE_GROUP_SIZE + j];
         p->type = VK_OBJECT_TYPE_PHYSICAL_DEVICE;
         groups[i].physicalDevices[j] = (VkPhysicalDevice)p;
      }
   }
   PVK_CALL_ARRAY(instance->ring, result, PVK_REPLY_COUNT_OFFSET_RESULT, count, groups,
                  vkEnumeratePhysicalDeviceGroups, handle, &count, groups);
   if (result < VK_SUCCESS)
      goto out;
   result = VK_SUCCESS;

   uint32_t kept = 0;
   for (uint32_t i = 0; i < count; i++) {
      VkPhysicalDeviceGroupProperties group = groups[i];
      uint32_t n = 0;
      for (uint32_t j = 0; j < PVK_MIN(group.physicalDeviceCount, VK_MAX_DEVICE_GROUP_SIZE); j++) {
         const pvk_object_id id = ((struct pvk_object_base *)group.physicalDevices[j])->id;
         for (uint32_t k = 0; k < instance->physical_device_count; k++) {
            if (instance->physical_devices[k].base.id == id) {
               group.physicalDevices[n++] = pvk_physical_device_to_handle(&instance->physical_devices[k]);
               break;
            }
         }
      }
      if (!n)
         continue;
      group.physicalDeviceCount = n;
      /* a group reduced to one device cannot allocate subsets */
      group.subsetAllocation = n > 1 && group.subsetAllocation;
      group.pNext = NULL;
      groups[kept++] = group;
   }
   instance->groups = groups;
   instance->group_count = kept;
   groups = NULL;

out:
   free(placeholders);
   pvk_free(&instance->alloc, groups);
   return result;
}

/* Enumerate the renderer's devices and groups once; later calls return the same objects. */
static VkResult
pvk_instance_enumerate_locked(struct pvk_instance *instance)
{
   VkInstance handle = pvk_instance_to_handle(instance);
   uint32_t count = 0;
   VkResult result;
   PVK_CALL_ARRAY(instance->ring, result, PVK_REPLY_COUNT_OFFSET_RESULT, 0, (VkPhysicalDevice *)NULL,
                  vkEnumeratePhysicalDevices, handle, &count, NULL);
   if (result != VK_SUCCESS || !count)
      return result;

   struct pvk_physical_device *pdevs = pvk_zalloc(&instance->alloc, count * sizeof(*pdevs),
                                                  VK_SYSTEM_ALLOCATION_SCOPE_INSTANCE);
   VkPhysicalDevice *handles = calloc(count, sizeof(*handles));
   if (!pdevs || !handles) {
      result = VK_ERROR_OUT_OF_HOST_MEMORY;
      goto out;
   }
   /* pvk picks the object ids; the renderer binds its devices to them in this call */
   for (uint32_t i = 0; i < count; i++) {
      pvk_object_base_init(&pdevs[i].base, VK_OBJECT_TYPE_PHYSICAL_DEVICE);
      pdevs[i].instance = instance;
      handles[i] = pvk_physical_device_to_handle(&pdevs[i]);
   }
   PVK_CALL_ARRAY(instance->ring, result, PVK_REPLY_COUNT_OFFSET_RESULT, count, handles,
                  vkEnumeratePhysicalDevices, handle, &count, handles);
   if (result < VK_SUCCESS)
      goto out;

   uint32_t kept = 0;
   for (uint32_t i = 0; i < count; i++) {
      struct pvk_physical_device *pdev = &pdevs[i];
      result = pvk_physical_device_init(pdev);
      if (result == VK_SUCCESS) {
         if (kept != i) {
            pdevs[kept] = *pdev;
         }
         kept++;
      } else {
         pvk_physical_device_fini(pdev);
         if (result != VK_ERROR_INITIALIZATION_FAILED)
            goto out;
      }
   }
   result = VK_SUCCESS;
   /* mutexes are initialised only once the array no longer moves */
   for (uint32_t i = 0; i < kept; i++) {
      if (pthread_mutex_init(&pdevs[i].format_mutex, NULL) != 0) {
         result = VK_ERROR_OUT_OF_HOST_MEMORY;
         goto out;
      }
   }
   instance->physical_devices = pdevs;
   instance->physical_device_count = kept;
   pdevs = NULL;

   result = pvk_instance_enumerate_groups_locked(instance);

out:
   free(handles);
   pvk_free(&instance->alloc, pdevs);
   return result;
}

VkResult
pvk_instance_enumerate_physical_devices(struct pvk_instance *instance)
{
   if (!instance->renderer)
      return VK_SUCCESS;
   pthread_mutex_lock(&instance->physical_device_mutex);
   if (!instance->physical_devices_enumerated) {
      instance->physical_device_result = pvk_instance_enumerate_locked(instance);
      instance->physical_devices_enumerated = true;
   }
   const VkResult result = instance->physical_device_result;
   pthread_mutex_unlock(&instance->physical_device_mutex);
   return result;
}

/* ---- entrypoints ---------------------------------------------------------------------------- */

/* spec "Physical Devices": vkEnumeratePhysicalDevices; VK_INCOMPLETE when the array is short */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_EnumeratePhysicalDevices(VkInstance _instance, uint32_t *pPhysicalDeviceCount,
                             VkPhysicalDevice *pPhysicalDevices)
{
   struct pvk_instance *instance = pvk_instance_from_handle(_instance);
   VkResult result = pvk_instance_enumerate_physical_devices(instance);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   if (!pPhysicalDevices) {
      *pPhysicalDeviceCount = instance->physical_device_count;
      return VK_SUCCESS;
   }
   const uint32_t n = PVK_MIN(*pPhysicalDeviceCount, instance->physical_device_count);
   for (uint32_t i = 0; i < n; i++)
      pPhysicalDevices[i] = pvk_physical_device_to_handle(&instance->physical_devices[i]);
   *pPhysicalDeviceCount = n;
   return n < instance->physical_device_count ? VK_INCOMPLETE : VK_SUCCESS;
}

/* spec "Physical Device Groups": one group per device */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_EnumeratePhysicalDeviceGroups(VkInstance _instance, uint32_t *pCount,
                                  VkPhysicalDeviceGroupProperties *pGroups)
{
   struct pvk_instance *instance = pvk_instance_from_handle(_instance);
   VkResult result = pvk_instance_enumerate_physical_devices(instance);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   if (!pGroups) {
      *pCount = instance->group_count;
      return VK_SUCCESS;
   }
   const uint32_t n = PVK_MIN(*pCount, instance->group_count);
   for (uint32_t i = 0; i < n; i++) {
      void *next = pGroups[i].pNext;
      pGroups[i] = instance->groups[i];
      pGroups[i].pNext = next;
   }
   *pCount = n;
   return n < instance->group_count ? VK_INCOMPLETE : VK_SUCCESS;
}

/* Fill every struct of an output chain pvk knows from the cached copies; leave the others alone. */
static void
pvk_fill_chain(struct pvk_struct_copy *copies, uint32_t count, void *chain)
{
   for (VkBaseOutStructure *s = chain; s; s = s->pNext) {
      for (uint32_t i = 0; i < count; i++) {
         if (copies[i].stype != s->sType)
            continue;
         VkBaseOutStructure *next = s->pNext;
         memcpy(s, copies[i].data, copies[i].size);
         s->pNext = next;
         break;
      }
   }
}

/* vkGetPhysicalDeviceProperties (spec "Physical Devices"): cached at enumeration, adjusted (name, versions, driver). */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceProperties(VkPhysicalDevice physicalDevice, VkPhysicalDeviceProperties *pProperties)
{
   *pProperties = pvk_physical_device_from_handle(physicalDevice)->properties;
}

/* vkGetPhysicalDeviceProperties2: every chained struct pvk reports is filled from the cached
 * copies; others are left untouched. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceProperties2(VkPhysicalDevice physicalDevice, VkPhysicalDeviceProperties2 *pProperties)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   pProperties->properties = pdev->properties;
   pvk_fill_chain(pdev->property_structs, pdev->property_struct_count, pProperties->pNext);
}

/* vkGetPhysicalDeviceFeatures (spec "Features"): cached at enumeration (sparse features off). */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceFeatures(VkPhysicalDevice physicalDevice, VkPhysicalDeviceFeatures *pFeatures)
{
   *pFeatures = pvk_physical_device_from_handle(physicalDevice)->features;
}

/* vkGetPhysicalDeviceFeatures2: chained structs filled from the cached copies. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceFeatures2(VkPhysicalDevice physicalDevice, VkPhysicalDeviceFeatures2 *pFeatures)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   pFeatures->features = pdev->features;
   pvk_fill_chain(pdev->feature_structs, pdev->feature_struct_count, pFeatures->pNext);
}

/* vkGetPhysicalDeviceQueueFamilyProperties (spec "Queue Family Properties"): cached; sparse-only families hidden. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceQueueFamilyProperties(VkPhysicalDevice physicalDevice, uint32_t *pCount,
                                           VkQueueFamilyProperties *pProps)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   if (!pProps) {
      *pCount = pdev->queue_family_count;
      return;
   }
   *pCount = PVK_MIN(*pCount, pdev->queue_family_count);
   for (uint32_t i = 0; i < *pCount; i++)
      pProps[i] = pdev->queue_families[i].queueFamilyProperties;
}

/* vkGetPhysicalDeviceQueueFamilyProperties2: as above; no chained structs are offered. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceQueueFamilyProperties2(VkPhysicalDevice physicalDevice, uint32_t *pCount,
                                            VkQueueFamilyProperties2 *pProps)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   if (!pProps) {
      *pCount = pdev->queue_family_count;
      return;
   }
   *pCount = PVK_MIN(*pCount, pdev->queue_family_count);
   for (uint32_t i = 0; i < *pCount; i++) {
      pProps[i].queueFamilyProperties = pdev->queue_families[i].queueFamilyProperties;
      /* chained structs (global priority, query result status, video) are not offered by pvk */
   }
}

/* vkGetPhysicalDeviceMemoryProperties (spec "Device Memory Properties"): cached, coherency-adjusted. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceMemoryProperties(VkPhysicalDevice physicalDevice, VkPhysicalDeviceMemoryProperties *pProps)
{
   *pProps = pvk_physical_device_from_handle(physicalDevice)->memory_properties;
}

/*
 * vkGetPhysicalDeviceMemoryProperties2: the cached properties; with VK_EXT_memory_budget's struct
 * chained (spec "Memory Budget"), its heapBudget and heapUsage (bytes per heap, zero past
 * memoryHeapCount) are asked of the renderer on every call, since they change as memory is used.
 * A call the renderer cannot answer (ring lost) reports every heap's size as its budget and no
 * usage, values that are never above what exists.
 */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceMemoryProperties2(VkPhysicalDevice physicalDevice, VkPhysicalDeviceMemoryProperties2 *pProps)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   pProps->memoryProperties = pdev->memory_properties;

   VkPhysicalDeviceMemoryBudgetPropertiesEXT *budget = NULL;
   for (VkBaseOutStructure *s = pProps->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT)
         budget = (VkPhysicalDeviceMemoryBudgetPropertiesEXT *)s;
   }
   if (!budget || !PVK_HAS_EXT(pdev, "VK_EXT_memory_budget"))
      return;

   VkPhysicalDeviceMemoryBudgetPropertiesEXT fresh = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT,
   };
   VkPhysicalDeviceMemoryProperties2 props2 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2,
      .pNext = &fresh,
   };
   VkResult result;
   PVK_CALL_CHAIN_VOID(pvk_pdev_ring(pdev), result, &props2, VkPhysicalDeviceMemoryProperties2,
                       vkGetPhysicalDeviceMemoryProperties2, physicalDevice, &props2);
   const uint32_t heaps = pdev->memory_properties.memoryHeapCount;
   for (uint32_t i = 0; i < VK_MAX_MEMORY_HEAPS; i++) {
      const bool ok = result == VK_SUCCESS && i < heaps;
      budget->heapBudget[i] = ok ? fresh.heapBudget[i]
                                 : i < heaps ? pdev->memory_properties.memoryHeaps[i].size : 0;
      budget->heapUsage[i] = ok ? fresh.heapUsage[i] : 0;
   }
}

/* vkEnumerateDeviceExtensionProperties (spec "Extensions"): the cached list; VK_INCOMPLETE when short. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_EnumerateDeviceExtensionProperties(VkPhysicalDevice physicalDevice, const char *pLayerName,
                                       uint32_t *pCount, VkExtensionProperties *pProps)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   if (pLayerName)
      return pvk_error(VK_ERROR_LAYER_NOT_PRESENT);
   return pvk_outarray_copy(pProps, pCount, pdev->extensions, pdev->extension_count, sizeof(*pProps));
}

/* vkEnumerateDeviceLayerProperties: deprecated device layers: none. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_EnumerateDeviceLayerProperties(VkPhysicalDevice physicalDevice, uint32_t *pCount, VkLayerProperties *pProps)
{
   (void)physicalDevice;
   (void)pProps;
   *pCount = 0;
   return VK_SUCCESS;
}

/* VK_EXT_tooling_info (core 1.3): pvk is no tool and loads none */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceToolProperties(VkPhysicalDevice physicalDevice, uint32_t *pCount,
                                    VkPhysicalDeviceToolProperties *pProps)
{
   (void)physicalDevice;
   (void)pProps;
   *pCount = 0;
   return VK_SUCCESS;
}

/* ---- formats: cached per format on first use ------------------------------------------------ */

#define PVK_FORMAT_CACHE_SIZE 512 /* open addressing; more than all Vulkan formats */

struct pvk_format_cache {
   struct pvk_format_entry {
      VkFormat format; /* VK_FORMAT_UNDEFINED: empty slot (UNDEFINED itself is never cached) */
      VkFormatProperties props;
      VkFormatProperties3 props3;
   } entries[PVK_FORMAT_CACHE_SIZE];
};

static struct pvk_format_entry *
pvk_format_cache_slot(struct pvk_format_cache *cache, VkFormat format)
{
   uint32_t h = ((uint32_t)format * 2654435761u) % PVK_FORMAT_CACHE_SIZE;
   for (uint32_t i = 0; i < PVK_FORMAT_CACHE_SIZE; i++) {
      struct pvk_format_entry *e = &cache->entries[(h + i) % PVK_FORMAT_CACHE_SIZE];
      if (e->format == format || e->format == VK_FORMAT_UNDEFINED)
         return e;
   }
   return NULL;
}

/* Query (once) VkFormatProperties and, with VK_KHR_format_feature_flags2, VkFormatProperties3. */
static VkResult
pvk_physical_device_get_format(struct pvk_physical_device *pdev, VkFormat format, struct pvk_format_entry *out)
{
   VkResult result = VK_SUCCESS;
   pthread_mutex_lock(&pdev->format_mutex);
   if (!pdev->format_cache)
      pdev->format_cache = calloc(1, sizeof(*pdev->format_cache));
   struct pvk_format_entry *e =
      pdev->format_cache && format != VK_FORMAT_UNDEFINED ? pvk_format_cache_slot(pdev->format_cache, format) : NULL;
   if (e && e->format == format) {
      *out = *e;
      goto out_unlock;
   }
   VkFormatProperties3 props3 = { .sType = VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3 };
   VkFormatProperties2 props2 = {
      .sType = VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_2,
      .pNext = PVK_HAS_EXT(pdev, "VK_KHR_format_feature_flags2") ? &props3 : NULL,
   };
   PVK_CALL_CHAIN_VOID(pvk_pdev_ring(pdev), result, &props2, VkFormatProperties2,
                       vkGetPhysicalDeviceFormatProperties2, pvk_physical_device_to_handle(pdev), format, &props2);
   if (result != VK_SUCCESS)
      goto out_unlock;
   out->format = format;
   out->props = props2.formatProperties;
   out->props3 = props3;
   out->props3.pNext = NULL;
   if (e)
      *e = *out;
out_unlock:
   pthread_mutex_unlock(&pdev->format_mutex);
   return result;
}

/* vkGetPhysicalDeviceFormatProperties (spec "Format Properties"): cached per format; zeros if the renderer is lost. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceFormatProperties(VkPhysicalDevice physicalDevice, VkFormat format, VkFormatProperties *pProps)
{
   struct pvk_format_entry e;
   if (pvk_physical_device_get_format(pvk_physical_device_from_handle(physicalDevice), format, &e) == VK_SUCCESS)
      *pProps = e.props;
   else
      memset(pProps, 0, sizeof(*pProps));
}

/* vkGetPhysicalDeviceFormatProperties2: cached when the chain holds only VkFormatProperties3. */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceFormatProperties2(VkPhysicalDevice physicalDevice, VkFormat format,
                                       VkFormatProperties2 *pProps)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   bool cacheable = true;
   for (VkBaseOutStructure *s = pProps->pNext; s; s = s->pNext)
      cacheable &= s->sType == VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3;
   if (!cacheable) {
      /* modifier lists are arrays the caller sizes: ask the renderer each time */
      VkResult result;
      PVK_CALL_CHAIN_VOID(pvk_pdev_ring(pdev), result, pProps, VkFormatProperties2,
                          vkGetPhysicalDeviceFormatProperties2, physicalDevice, format, pProps);
      (void)result;
      return;
   }
   struct pvk_format_entry e;
   if (pvk_physical_device_get_format(pdev, format, &e) != VK_SUCCESS)
      memset(&e, 0, sizeof(e));
   pProps->formatProperties = e.props;
   for (VkBaseOutStructure *s = pProps->pNext; s; s = s->pNext) {
      VkFormatProperties3 *p3 = (VkFormatProperties3 *)s;
      p3->linearTilingFeatures = e.props3.linearTilingFeatures;
      p3->optimalTilingFeatures = e.props3.optimalTilingFeatures;
      p3->bufferFeatures = e.props3.bufferFeatures;
   }
}

/*
 * Image format properties are immutable too, but keyed by five parameters: the plain queries
 * (no pNext on either side) are kept in a direct-mapped table of 256 entries (a lookup is one
 * hash and one compare; a colliding query replaces the entry); queries with chains (external
 * memory, modifiers, usage lists...) go to the renderer each time.
 */
#define PVK_IMAGE_FORMAT_CACHE_SIZE 256

struct pvk_image_format_cache {
   struct pvk_image_format_entry {
      bool valid;
      VkFormat format;
      VkImageType type;
      VkImageTiling tiling;
      VkImageUsageFlags usage;
      VkImageCreateFlags flags;
      VkResult result;
      VkImageFormatProperties props;
   } entries[PVK_IMAGE_FORMAT_CACHE_SIZE];
};

static uint32_t
pvk_image_format_slot(const VkPhysicalDeviceImageFormatInfo2 *info)
{
   const uint32_t key[5] = { info->format, info->type, info->tiling, info->usage, info->flags };
   return (uint32_t)(pvk_hash(0xcbf29ce484222325ull, key, sizeof(key)) % PVK_IMAGE_FORMAT_CACHE_SIZE);
}

static struct pvk_image_format_entry *
pvk_image_format_cache_find(struct pvk_physical_device *pdev, const VkPhysicalDeviceImageFormatInfo2 *info)
{
   struct pvk_image_format_cache *cache = pdev->image_format_cache;
   if (!cache)
      return NULL;
   struct pvk_image_format_entry *e = &cache->entries[pvk_image_format_slot(info)];
   if (e->valid && e->format == info->format && e->type == info->type && e->tiling == info->tiling &&
       e->usage == info->usage && e->flags == info->flags)
      return e;
   return NULL;
}

static void pvk_fix_external_memory_properties(const struct pvk_physical_device *pdev,
                                               VkExternalMemoryProperties *props);

/*
 * The query chain with the external handle type replaced by the one the renderer shares:
 * the structs a format query can carry are copied shallowly; others are dropped (Mesa
 * vn_physical_device_fix_image_format_info does the same).
 */
struct pvk_image_format_chain {
   VkPhysicalDeviceImageFormatInfo2 info;
   VkPhysicalDeviceExternalImageFormatInfo external;
   VkPhysicalDeviceImageDrmFormatModifierInfoEXT modifier;
   VkImageFormatListCreateInfo list;
   VkImageStencilUsageCreateInfo stencil;
   VkPhysicalDeviceImageViewImageFormatInfoEXT view;
};

static const VkPhysicalDeviceImageFormatInfo2 *
pvk_image_format_chain_init(struct pvk_image_format_chain *c, VkExternalMemoryHandleTypeFlagBits handle_type,
                            const VkPhysicalDeviceImageFormatInfo2 *info)
{
   c->info = *info;
   VkBaseOutStructure *tail = (VkBaseOutStructure *)&c->info;
   for (const VkBaseInStructure *s = info->pNext; s; s = s->pNext) {
      VkBaseOutStructure *copy = NULL;
      switch (s->sType) {
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO:
         c->external = *(const VkPhysicalDeviceExternalImageFormatInfo *)s;
         c->external.handleType = handle_type;
         copy = (VkBaseOutStructure *)&c->external;
         break;
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_DRM_FORMAT_MODIFIER_INFO_EXT:
         c->modifier = *(const VkPhysicalDeviceImageDrmFormatModifierInfoEXT *)s;
         copy = (VkBaseOutStructure *)&c->modifier;
         break;
      case VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO:
         c->list = *(const VkImageFormatListCreateInfo *)s;
         copy = (VkBaseOutStructure *)&c->list;
         break;
      case VK_STRUCTURE_TYPE_IMAGE_STENCIL_USAGE_CREATE_INFO:
         c->stencil = *(const VkImageStencilUsageCreateInfo *)s;
         copy = (VkBaseOutStructure *)&c->stencil;
         break;
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_VIEW_IMAGE_FORMAT_INFO_EXT:
         c->view = *(const VkPhysicalDeviceImageViewImageFormatInfoEXT *)s;
         copy = (VkBaseOutStructure *)&c->view;
         break;
      default:
         break;
      }
      if (copy) {
         tail->pNext = copy;
         tail = copy;
      }
   }
   tail->pNext = NULL;
   return &c->info;
}

VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceImageFormatProperties2(VkPhysicalDevice physicalDevice,
                                            const VkPhysicalDeviceImageFormatInfo2 *pInfo,
                                            VkImageFormatProperties2 *pProps)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   if (pInfo->flags & VK_IMAGE_CREATE_SPARSE_BINDING_BIT)
      return VK_ERROR_FORMAT_NOT_SUPPORTED; /* no sparse in pvk yet */

   /* external images: dma-bufs need a layout the importer knows, so only with DRM format modifier
    * tiling (Mesa vn_GetPhysicalDeviceImageFormatProperties2) */
   const VkPhysicalDeviceExternalImageFormatInfo *external = NULL;
   for (const VkBaseInStructure *s = pInfo->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO &&
          ((const VkPhysicalDeviceExternalImageFormatInfo *)s)->handleType)
         external = (const VkPhysicalDeviceExternalImageFormatInfo *)s;
   }
   struct pvk_image_format_chain chain;
   if (external) {
      if (!(external->handleType & pdev->external_memory_types) ||
          pInfo->tiling != VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT)
         return VK_ERROR_FORMAT_NOT_SUPPORTED;
      if (external->handleType != pdev->external_memory_renderer_type)
         pInfo = pvk_image_format_chain_init(&chain, pdev->external_memory_renderer_type, pInfo);
   }
   const bool cacheable = !pInfo->pNext && !pProps->pNext;
   if (cacheable) {
      pthread_mutex_lock(&pdev->format_mutex);
      const struct pvk_image_format_entry *e = pvk_image_format_cache_find(pdev, pInfo);
      if (e) {
         const VkResult result = e->result;
         pProps->imageFormatProperties = e->props;
         pthread_mutex_unlock(&pdev->format_mutex);
         return result;
      }
      pthread_mutex_unlock(&pdev->format_mutex);
   }

   VkResult result;
   PVK_CALL_CHAIN(pvk_pdev_ring(pdev), result, pProps, VkImageFormatProperties2,
                  vkGetPhysicalDeviceImageFormatProperties2, physicalDevice, pInfo, pProps);
   if (cacheable && (result == VK_SUCCESS || result == VK_ERROR_FORMAT_NOT_SUPPORTED)) {
      pthread_mutex_lock(&pdev->format_mutex);
      if (!pdev->image_format_cache)
         pdev->image_format_cache = calloc(1, sizeof(*pdev->image_format_cache));
      struct pvk_image_format_cache *cache = pdev->image_format_cache;
      if (cache) {
         cache->entries[pvk_image_format_slot(pInfo)] = (struct pvk_image_format_entry){
            .valid = true,
            .format = pInfo->format,
            .type = pInfo->type,
            .tiling = pInfo->tiling,
            .usage = pInfo->usage,
            .flags = pInfo->flags,
            .result = result,
            .props = pProps->imageFormatProperties,
         };
      }
      pthread_mutex_unlock(&pdev->format_mutex);
   }
   if (external && result == VK_SUCCESS) {
      for (VkBaseOutStructure *s = pProps->pNext; s; s = s->pNext) {
         if (s->sType == VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES)
            pvk_fix_external_memory_properties(pdev,
                                               &((VkExternalImageFormatProperties *)s)->externalMemoryProperties);
      }
   }
   return result == VK_ERROR_FORMAT_NOT_SUPPORTED ? result : pvk_error(result);
}

/* vkGetPhysicalDeviceImageFormatProperties: the *2 query without chains (cached). */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceImageFormatProperties(VkPhysicalDevice physicalDevice, VkFormat format, VkImageType type,
                                           VkImageTiling tiling, VkImageUsageFlags usage,
                                           VkImageCreateFlags flags, VkImageFormatProperties *pProps)
{
   const VkPhysicalDeviceImageFormatInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
      .format = format,
      .type = type,
      .tiling = tiling,
      .usage = usage,
      .flags = flags,
   };
   VkImageFormatProperties2 props = { .sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2 };
   const VkResult result = pvk_GetPhysicalDeviceImageFormatProperties2(physicalDevice, &info, &props);
   *pProps = props.imageFormatProperties;
   return result;
}

/* pvk offers no sparse residency (pvk_physical_device_disable_sparse): no properties */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceSparseImageFormatProperties(VkPhysicalDevice physicalDevice, VkFormat format,
                                                 VkImageType type, VkSampleCountFlagBits samples,
                                                 VkImageUsageFlags usage, VkImageTiling tiling,
                                                 uint32_t *pCount, VkSparseImageFormatProperties *pProps)
{
   (void)physicalDevice, (void)format, (void)type, (void)samples, (void)usage, (void)tiling, (void)pProps;
   *pCount = 0;
}

VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceSparseImageFormatProperties2(VkPhysicalDevice physicalDevice,
                                                  const VkPhysicalDeviceSparseImageFormatInfo2 *pInfo,
                                                  uint32_t *pCount, VkSparseImageFormatProperties2 *pProps)
{
   (void)physicalDevice, (void)pInfo, (void)pProps;
   *pCount = 0;
}

/*
 * External memory (spec "External Memory Handle Types"): opaque fds and dma-bufs are both dma-bufs of
 * blobs here, so either is answered by asking the renderer about the type its driver shares memory
 * with; both are then compatible with each other. Follows Mesa
 * vn_GetPhysicalDeviceExternalBufferProperties. No handle type is supported where pvk offers no
 * external memory (vtest, or a renderer that cannot share its memory).
 */
static void
pvk_fix_external_memory_properties(const struct pvk_physical_device *pdev, VkExternalMemoryProperties *props)
{
   props->compatibleHandleTypes = pdev->external_memory_types;
   props->exportFromImportedHandleTypes =
      props->exportFromImportedHandleTypes & pdev->external_memory_renderer_type ? pdev->external_memory_types : 0;
}

VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceExternalBufferProperties(VkPhysicalDevice physicalDevice,
                                              const VkPhysicalDeviceExternalBufferInfo *pInfo,
                                              VkExternalBufferProperties *pProps)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   VkExternalMemoryProperties *props = &pProps->externalMemoryProperties;
   if (!(pInfo->handleType & pdev->external_memory_types)) {
      *props = (VkExternalMemoryProperties){ .compatibleHandleTypes = pInfo->handleType };
      return;
   }
   VkPhysicalDeviceExternalBufferInfo info = *pInfo;
   info.handleType = pdev->external_memory_renderer_type;
   VkResult result;
   PVK_CALL_CHAIN_VOID(pvk_pdev_ring(pdev), result, pProps, VkExternalBufferProperties,
                       vkGetPhysicalDeviceExternalBufferProperties, physicalDevice, &info, pProps);
   if (result != VK_SUCCESS) {
      *props = (VkExternalMemoryProperties){ .compatibleHandleTypes = pInfo->handleType };
      return;
   }
   pvk_fix_external_memory_properties(pdev, props);
}

/*
 * Sync files (spec "External Fence Handle Types", "External Semaphore Handle Types"): fences and
 * binary semaphores export and import SYNC_FD on virtgpu (pvk_sync.c); nothing else.
 */
VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceExternalFenceProperties(VkPhysicalDevice physicalDevice,
                                             const VkPhysicalDeviceExternalFenceInfo *pInfo,
                                             VkExternalFenceProperties *pProps)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   const bool sync_fd = pdev->external_sync_fd && pInfo->handleType == VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
   pProps->exportFromImportedHandleTypes = sync_fd ? VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT : 0;
   pProps->compatibleHandleTypes = sync_fd ? VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT : 0;
   pProps->externalFenceFeatures =
      sync_fd ? VK_EXTERNAL_FENCE_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_FENCE_FEATURE_IMPORTABLE_BIT : 0;
}

VKAPI_ATTR void VKAPI_CALL
pvk_GetPhysicalDeviceExternalSemaphoreProperties(VkPhysicalDevice physicalDevice,
                                                 const VkPhysicalDeviceExternalSemaphoreInfo *pInfo,
                                                 VkExternalSemaphoreProperties *pProps)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   bool binary = true;
   for (const VkBaseInStructure *s = pInfo->pNext; s; s = s->pNext) {
      if (s->sType == VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO)
         binary = ((const VkSemaphoreTypeCreateInfo *)s)->semaphoreType == VK_SEMAPHORE_TYPE_BINARY;
   }
   const bool sync_fd =
      pdev->external_sync_fd && binary && pInfo->handleType == VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
   pProps->exportFromImportedHandleTypes = sync_fd ? VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT : 0;
   pProps->compatibleHandleTypes = sync_fd ? VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT : 0;
   pProps->externalSemaphoreFeatures =
      sync_fd ? VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_SEMAPHORE_FEATURE_IMPORTABLE_BIT : 0;
}

/*
 * Ask the renderer once for a list (count, then elements of elem_size bytes). fetch is called with
 * (count pointer, array or NULL) and returns the call's VkResult.
 */
#define PVK_CACHE_LIST(pdev, count_field, array_field, elem_type, init_elem, call)                      \
   do {                                                                                             \
      if ((pdev)->array_field)                                                                      \
         break;                                                                                     \
      uint32_t _n = 0;                                                                              \
      elem_type *_array = NULL;                                                                     \
      VkResult result;                                                                              \
      call(&_n, (elem_type *)NULL);                                                                 \
      if (result != VK_SUCCESS)                                                                     \
         break;                                                                                     \
      _array = calloc(PVK_MAX(_n, 1), sizeof(elem_type));                                           \
      if (!_array)                                                                                  \
         break;                                                                                     \
      for (uint32_t _i = 0; _i < _n; _i++)                                                          \
         init_elem(&_array[_i]);                                                                    \
      call(&_n, _array);                                                                            \
      if (result != VK_SUCCESS) {                                                                   \
         free(_array);                                                                              \
         break;                                                                                     \
      }                                                                                             \
      (pdev)->count_field = _n;                                                                     \
      (pdev)->array_field = _array;                                                                 \
   } while (0)

static void
pvk_init_shading_rate(VkPhysicalDeviceFragmentShadingRateKHR *r)
{
   r->sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FRAGMENT_SHADING_RATE_KHR;
   r->pNext = NULL;
}

static void
pvk_init_time_domain(VkTimeDomainKHR *d)
{
   (void)d;
}

/* VK_KHR_fragment_shading_rate: the renderer's list, asked once. VK_INCOMPLETE when short. */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceFragmentShadingRatesKHR(VkPhysicalDevice physicalDevice, uint32_t *pCount,
                                             VkPhysicalDeviceFragmentShadingRateKHR *pRates)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   pthread_mutex_lock(&pdev->format_mutex);
#define PVK_FETCH(count, array)                                                                    \
   PVK_CALL_ARRAY(pvk_pdev_ring(pdev), result, PVK_REPLY_COUNT_OFFSET_RESULT, *(count), array,      \
                  vkGetPhysicalDeviceFragmentShadingRatesKHR, physicalDevice, count, array)
   PVK_CACHE_LIST(pdev, shading_rate_count, shading_rates, VkPhysicalDeviceFragmentShadingRateKHR,
                  pvk_init_shading_rate, PVK_FETCH);
#undef PVK_FETCH
   const VkResult result = pdev->shading_rates ? VK_SUCCESS : VK_ERROR_DEVICE_LOST;
   pthread_mutex_unlock(&pdev->format_mutex);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   if (!pRates) {
      *pCount = pdev->shading_rate_count;
      return VK_SUCCESS;
   }
   const uint32_t n = PVK_MIN(*pCount, pdev->shading_rate_count);
   for (uint32_t i = 0; i < n; i++) {
      pRates[i].sampleCounts = pdev->shading_rates[i].sampleCounts;
      pRates[i].fragmentSize = pdev->shading_rates[i].fragmentSize;
   }
   *pCount = n;
   return n < pdev->shading_rate_count ? VK_INCOMPLETE : VK_SUCCESS;
}

/* VK_EXT_calibrated_timestamps / VK_KHR_calibrated_timestamps: the renderer's list, asked once */
VKAPI_ATTR VkResult VKAPI_CALL
pvk_GetPhysicalDeviceCalibrateableTimeDomainsKHR(VkPhysicalDevice physicalDevice, uint32_t *pCount,
                                                 VkTimeDomainKHR *pDomains)
{
   struct pvk_physical_device *pdev = pvk_physical_device_from_handle(physicalDevice);
   pthread_mutex_lock(&pdev->format_mutex);
#define PVK_FETCH(count, array)                                                                    \
   PVK_CALL_ARRAY(pvk_pdev_ring(pdev), result, PVK_REPLY_COUNT_OFFSET_RESULT, *(count), array,      \
                  vkGetPhysicalDeviceCalibrateableTimeDomainsEXT, physicalDevice, count, array)
   PVK_CACHE_LIST(pdev, time_domain_count, time_domains, VkTimeDomainKHR, pvk_init_time_domain, PVK_FETCH);
#undef PVK_FETCH
   const VkResult result = pdev->time_domains ? VK_SUCCESS : VK_ERROR_DEVICE_LOST;
   pthread_mutex_unlock(&pdev->format_mutex);
   if (result != VK_SUCCESS)
      return pvk_error(result);
   return pvk_outarray_copy(pDomains, pCount, pdev->time_domains, pdev->time_domain_count, sizeof(*pDomains));
}
