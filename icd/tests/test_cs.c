/*
 * Encoder and decoder tests: the vn_cs seam under Mesa's generated Venus headers. Replies are built
 * by hand as the renderer would write them; truncated and corrupted ones must fail cleanly
 * (decoder fatal, outputs zeroed, no out-of-bounds access — run under ASan/valgrind to be sure).
 */
#include "vn_ring.h"

#include "pvk_test.h"
#include "venus-protocol/vn_protocol_driver_device.h"
#include "venus-protocol/vn_protocol_driver_instance.h"

static void
test_encoder_layout(void)
{
   uint32_t buf[16];
   struct vn_cs_encoder enc;
   vn_cs_encoder_init_ptr(&enc, buf, sizeof(buf));
   uint32_t version = 0;
   vn_encode_vkEnumerateInstanceVersion(&enc, VK_COMMAND_GENERATE_REPLY_BIT_EXT, &version);
   CHECK(!enc.fatal);
   /* command type, flags, then the output pointer as a u64 array size (1 = non-NULL) */
   CHECK(vn_cs_encoder_get_len(&enc) == vn_sizeof_vkEnumerateInstanceVersion(&version));
   CHECK(buf[0] == VK_COMMAND_TYPE_vkEnumerateInstanceVersion_EXT);
   CHECK(buf[1] == VK_COMMAND_GENERATE_REPLY_BIT_EXT);
   CHECK(buf[2] == 1 && buf[3] == 0);
}

static void
test_encoder_overflow(void)
{
   uint32_t buf[3]; /* one dword short */
   struct vn_cs_encoder enc;
   vn_cs_encoder_init_ptr(&enc, buf, sizeof(buf));
   uint32_t version = 0;
   vn_encode_vkEnumerateInstanceVersion(&enc, 0, &version);
   CHECK(enc.fatal);
   CHECK(vn_cs_encoder_get_len(&enc) <= sizeof(buf));
   CHECK(!vn_cs_encoder_reserve(&enc, 64));
}

static void
test_encoder_string_padding(void)
{
   uint8_t buf[64];
   memset(buf, 0xaa, sizeof(buf));
   struct vn_cs_encoder enc;
   vn_cs_encoder_init_ptr(&enc, buf, sizeof(buf));
   uint32_t count = 0;
   vn_encode_vkEnumerateInstanceExtensionProperties(&enc, 0, "abcde", &count, NULL);
   CHECK(!enc.fatal);
   CHECK(vn_cs_encoder_get_len(&enc) % 4 == 0);
   /* "abcde\0" padded to 8 bytes after the u64 length: padding must be zero, not stale bytes */
   const uint8_t *str = buf + 8 + 8;
   CHECK(!memcmp(str, "abcde", 6) && str[6] == 0 && str[7] == 0);
}

/* A reply to vkEnumerateInstanceVersion as the renderer writes it. */
static size_t
make_version_reply(uint32_t *w, VkResult result, uint32_t version)
{
   w[0] = VK_COMMAND_TYPE_vkEnumerateInstanceVersion_EXT;
   w[1] = (uint32_t)result;
   w[2] = 1; /* pApiVersion present: u64 array size 1 */
   w[3] = 0;
   w[4] = version;
   return 5 * 4;
}

static void
test_decoder_reply(void)
{
   uint32_t w[8];
   const size_t size = make_version_reply(w, VK_SUCCESS, VK_API_VERSION_1_3);
   uint32_t version = 0;
   CHECK(size == vn_sizeof_vkEnumerateInstanceVersion_reply(&version));
   struct vn_cs_decoder dec;
   vn_cs_decoder_init(&dec, w, size);
   CHECK(vn_decode_vkEnumerateInstanceVersion_reply(&dec, &version) == VK_SUCCESS);
   CHECK(version == VK_API_VERSION_1_3);
   CHECK(!vn_cs_decoder_get_fatal(&dec));
   CHECK(dec.cur == dec.end);
}

static void
test_decoder_truncated(void)
{
   uint32_t w[8];
   const size_t size = make_version_reply(w, VK_ERROR_DEVICE_LOST, VK_API_VERSION_1_3);
   /* every length short of the full reply must be detected (the leading command type is checked
    * by the ring before any decoding: see test_ring.c test_corrupted_reply) */
   for (size_t len = 4; len < size; len += 4) {
      uint32_t version = 0xdeadbeef;
      struct vn_cs_decoder dec;
      vn_cs_decoder_init(&dec, w, len);
      vn_decode_vkEnumerateInstanceVersion_reply(&dec, &version);
      CHECK(vn_cs_decoder_get_fatal(&dec));
      CHECK(dec.cur <= dec.end);
   }
}

static void
test_decoder_corrupted_array(void)
{
   /* vkEnumeratePhysicalDevices reply claiming 1000 devices into an array of 2 */
   uint32_t w[32] = { 0 };
   w[0] = VK_COMMAND_TYPE_vkEnumeratePhysicalDevices_EXT;
   w[1] = VK_SUCCESS;
   w[2] = 1;    /* pPhysicalDeviceCount present */
   w[4] = 1000; /* count */
   w[5] = 1000; /* array size, u64 */
   struct pvk_object_base a = { .id = 11 }, b = { .id = 12 };
   VkPhysicalDevice handles[2] = { (VkPhysicalDevice)&a, (VkPhysicalDevice)&b };
   uint32_t count = 2;
   struct vn_cs_decoder dec;
   /* the generated decoder would trust the count and write past handles[1]: pvk checks first */
   vn_cs_decoder_init(&dec, w, sizeof(w));
   pvk_reply_check_array(&dec, PVK_REPLY_COUNT_OFFSET_RESULT, count, true);
   CHECK(vn_cs_decoder_get_fatal(&dec));
   CHECK(a.id == 11 && b.id == 12);

   /* a count within the array but an array size that disagrees: the decoder catches that one */
   w[4] = 2;
   w[5] = 3;
   vn_cs_decoder_init(&dec, w, sizeof(w));
   pvk_reply_check_array(&dec, PVK_REPLY_COUNT_OFFSET_RESULT, count, true);
   CHECK(vn_cs_decoder_get_fatal(&dec));

   /* an array when the caller passed none */
   w[4] = 2;
   w[5] = 2;
   vn_cs_decoder_init(&dec, w, sizeof(w));
   pvk_reply_check_array(&dec, PVK_REPLY_COUNT_OFFSET_RESULT, 0, false);
   CHECK(vn_cs_decoder_get_fatal(&dec));

   /* a well-formed reply passes the check and decodes, ids echoed back */
   w[4] = 2;
   w[5] = 2;
   w[7] = 11;
   w[9] = 12;
   vn_cs_decoder_init(&dec, w, 4 * 11);
   pvk_reply_check_array(&dec, PVK_REPLY_COUNT_OFFSET_RESULT, count, true);
   CHECK(!vn_cs_decoder_get_fatal(&dec));
   CHECK(vn_decode_vkEnumeratePhysicalDevices_reply(&dec, VK_NULL_HANDLE, &count, handles) == VK_SUCCESS);
   CHECK(!vn_cs_decoder_get_fatal(&dec));
   CHECK(count == 2 && a.id == 11 && b.id == 12);
}

static void
test_decoder_string(void)
{
   /* a VkExtensionProperties whose name array claims 4096 chars (more than the 256 allowed) */
   uint32_t w[16] = { 0 };
   w[0] = VK_COMMAND_TYPE_vkEnumerateInstanceExtensionProperties_EXT;
   w[1] = VK_SUCCESS;
   w[2] = 1; /* pPropertyCount present */
   w[4] = 1; /* count */
   w[5] = 1; /* pProperties array size */
   w[7] = 4096; /* extensionName array size */
   uint32_t count = 1;
   VkExtensionProperties props;
   struct vn_cs_decoder dec;
   vn_cs_decoder_init(&dec, w, sizeof(w));
   vn_decode_vkEnumerateInstanceExtensionProperties_reply(&dec, NULL, &count, &props);
   CHECK(vn_cs_decoder_get_fatal(&dec));
   CHECK(memchr(props.extensionName, 0, sizeof(props.extensionName)) != NULL);
}

/* vkGetPhysicalDeviceFeatures2 replies with a two-struct chain, checked before decoding */
static void
test_decoder_chain(void)
{
   VkPhysicalDevice16BitStorageFeatures storage = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES };
   VkPhysicalDeviceTimelineSemaphoreFeatures timeline = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
      .pNext = &storage,
   };
   VkPhysicalDeviceFeatures2 feats = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &timeline };

   /* [type][u64 1][FEATURES_2][u64 1][TIMELINE][u64 1][16BIT][u64 0][16bit self][timeline self][features] */
   uint32_t w[128] = { 0 };
   uint32_t n = 0;
   w[n++] = VK_COMMAND_TYPE_vkGetPhysicalDeviceFeatures2_EXT;
   w[n++] = 1, w[n++] = 0, w[n++] = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
   const uint32_t first_stype = n + 2;
   w[n++] = 1, w[n++] = 0, w[n++] = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES;
   const uint32_t second_stype = n + 2;
   w[n++] = 1, w[n++] = 0, w[n++] = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
   w[n++] = 0, w[n++] = 0;
   for (int i = 0; i < 4; i++)
      w[n++] = 1; /* 16-bit storage features */
   w[n++] = 1;    /* timelineSemaphore */
   for (int i = 0; i < 55; i++)
      w[n++] = 1; /* VkPhysicalDeviceFeatures */
   const size_t size = n * 4;

   struct vn_cs_decoder dec;
   vn_cs_decoder_init(&dec, w, size);
   pvk_reply_check_chain(&dec, 4, &feats, vn_sizeof_VkPhysicalDeviceFeatures2_pnext);
   CHECK(!vn_cs_decoder_get_fatal(&dec));
   vn_decode_vkGetPhysicalDeviceFeatures2_reply(&dec, VK_NULL_HANDLE, &feats);
   CHECK(!vn_cs_decoder_get_fatal(&dec));
   CHECK(timeline.timelineSemaphore && storage.storageBuffer16BitAccess && feats.features.robustBufferAccess);

   /* an sType not in the caller's chain */
   w[second_stype] = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
   vn_cs_decoder_init(&dec, w, size);
   pvk_reply_check_chain(&dec, 4, &feats, vn_sizeof_VkPhysicalDeviceFeatures2_pnext);
   CHECK(vn_cs_decoder_get_fatal(&dec));
   /* out of the caller's order */
   w[first_stype] = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
   w[second_stype] = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES;
   vn_cs_decoder_init(&dec, w, size);
   pvk_reply_check_chain(&dec, 4, &feats, vn_sizeof_VkPhysicalDeviceFeatures2_pnext);
   CHECK(vn_cs_decoder_get_fatal(&dec));
   /* a garbage sType */
   w[first_stype] = 0x7fff1234;
   vn_cs_decoder_init(&dec, w, size);
   pvk_reply_check_chain(&dec, 4, &feats, vn_sizeof_VkPhysicalDeviceFeatures2_pnext);
   CHECK(vn_cs_decoder_get_fatal(&dec));
   /* a struct in the caller's chain the protocol does not know */
   VkBaseOutStructure unknown = { .sType = (VkStructureType)0x7fff1234 };
   feats.pNext = &unknown;
   vn_cs_decoder_init(&dec, w, size);
   pvk_reply_check_chain(&dec, 4, &feats, vn_sizeof_VkPhysicalDeviceFeatures2_pnext);
   CHECK(vn_cs_decoder_get_fatal(&dec));
   feats.pNext = &timeline;
   /* truncated inside the sType list */
   vn_cs_decoder_init(&dec, w, 4 * 7);
   pvk_reply_check_chain(&dec, 4, &feats, vn_sizeof_VkPhysicalDeviceFeatures2_pnext);
   CHECK(vn_cs_decoder_get_fatal(&dec));
}

static void
test_handle_ids(void)
{
   struct pvk_object_base obj = { .type = VK_OBJECT_TYPE_INSTANCE, .id = 42 };
   VkInstance handle = (VkInstance)&obj;
   const void *p = handle;
   CHECK(vn_cs_handle_load_id(&p, VK_OBJECT_TYPE_INSTANCE) == 42);
   p = NULL;
   CHECK(vn_cs_handle_load_id(&p, VK_OBJECT_TYPE_INSTANCE) == 0);
   void *q = &obj;
   vn_cs_handle_store_id(&q, 43, VK_OBJECT_TYPE_INSTANCE);
   CHECK(obj.id == 43);
   q = NULL;
   vn_cs_handle_store_id(&q, 44, VK_OBJECT_TYPE_INSTANCE); /* must not crash */
}

int
main(void)
{
   memset(&pvk_protocol_info, 0xff, sizeof(pvk_protocol_info));
   RUN(test_encoder_layout);
   RUN(test_encoder_overflow);
   RUN(test_encoder_string_padding);
   RUN(test_decoder_reply);
   RUN(test_decoder_truncated);
   RUN(test_decoder_corrupted_array);
   RUN(test_decoder_string);
   RUN(test_decoder_chain);
   RUN(test_handle_ids);
   return pvk_test_failures ? 1 : 0;
}
