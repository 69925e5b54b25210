/*
 * Protocol negotiation: what the renderer's Venus capset says versus what the generated protocol
 * headers pvk was built with. Behaviour follows Mesa vn_instance.c vn_instance_init_renderer() and
 * vn_cs.c vn_cs_renderer_protocol_info_init(); the code is pvk's own.
 */
#include "vn_cs.h"

#include "pvk_renderer.h"
#include "venus-protocol/vn_protocol_driver_info.h"

struct pvk_protocol_info pvk_protocol_info;

/* Venus object ids; the renderer keeps one namespace per context, pvk one per process */
atomic_uint_fast64_t pvk_next_id = 1;

static uint32_t
pvk_protocol_spec_version(const char *name)
{
   const int32_t index = vn_info_extension_index(name);
   return index >= 0 ? vn_info_extension_get(index)->spec_version : 0;
}

VkResult
pvk_renderer_check_capset(struct pvk_renderer_info *info)
{
   struct pvk_capset_venus *caps = &info->capset;

   if (caps->wire_format_version != vn_info_wire_format_version()) {
      pvk_log("renderer speaks Venus wire format %u, pvk was built for %u: refusing to talk to it",
              caps->wire_format_version, vn_info_wire_format_version());
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   /* both sides understand the older of the two registries */
   caps->vk_xml_version = PVK_MIN(caps->vk_xml_version, vn_info_vk_xml_version());
   if (caps->vk_xml_version < PVK_MIN_RENDERER_VERSION) {
      pvk_log("renderer's vk.xml is %u.%u.%u, pvk needs at least 1.1",
              VK_API_VERSION_MAJOR(caps->vk_xml_version), VK_API_VERSION_MINOR(caps->vk_xml_version),
              VK_API_VERSION_PATCH(caps->vk_xml_version));
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   const uint32_t ser = pvk_protocol_spec_version("VK_EXT_command_serialization");
   const uint32_t venus = pvk_protocol_spec_version("VK_MESA_venus_protocol");
   if (!caps->vk_ext_command_serialization_spec_version || !caps->vk_mesa_venus_protocol_spec_version) {
      pvk_log("renderer reports no VK_EXT_command_serialization/VK_MESA_venus_protocol: not a Venus renderer");
      return VK_ERROR_INITIALIZATION_FAILED;
   }
   caps->vk_ext_command_serialization_spec_version =
      PVK_MIN(caps->vk_ext_command_serialization_spec_version, ser);
   caps->vk_mesa_venus_protocol_spec_version = PVK_MIN(caps->vk_mesa_venus_protocol_spec_version, venus);
   if (!caps->supports_blob_id_0) {
      pvk_log("renderer cannot allocate shared memory itself (supports_blob_id_0 = 0): no ring possible");
      return VK_ERROR_INITIALIZATION_FAILED;
   }

   if (PVK_DEBUG(INIT)) {
      pvk_log("%s: wire format %u, vk.xml %u.%u.%u, command_serialization v%u, venus_protocol v%u, "
              "timelines %u, guest vram %u",
              info->transport_name, caps->wire_format_version, VK_API_VERSION_MAJOR(caps->vk_xml_version),
              VK_API_VERSION_MINOR(caps->vk_xml_version), VK_API_VERSION_PATCH(caps->vk_xml_version),
              caps->vk_ext_command_serialization_spec_version, caps->vk_mesa_venus_protocol_spec_version,
              info->max_timeline_count, caps->use_guest_vram);
   }
   return VK_SUCCESS;
}

void
pvk_protocol_info_init(const struct pvk_renderer_info *info)
{
   const struct pvk_capset_venus *caps = &info->capset;
   pvk_protocol_info.api_version = caps->vk_xml_version;
   /* bit 0 clear: an old renderer without a mask, which understands every extension */
   const bool all = !(caps->vk_extension_mask1[0] & 1);
   for (uint32_t i = 0; i < PVK_PROTOCOL_EXTENSION_WORDS; i++)
      pvk_protocol_info.extension_mask[i] = all ? ~0u : caps->vk_extension_mask1[i];
   /* and never beyond what the headers pvk was built with know */
   for (uint32_t n = VN_INFO_EXTENSION_MAX_NUMBER + 1; n < PVK_PROTOCOL_EXTENSION_WORDS * 32; n++)
      pvk_protocol_info.extension_mask[n / 32] &= ~(1u << (n % 32));
}
