/*
 * The encoder/decoder seam Mesa's generated Venus protocol headers expect (the list at the top of
 * venus-protocol/vn_protocol_driver_cs.h): struct vn_cs_encoder, vn_cs_encoder_get_len/reserve/write,
 * struct vn_cs_decoder, vn_cs_decoder_set_fatal/read/peek, vn_cs_handle_load_id/store_id, and the
 * renderer protocol queries vn_cs_renderer_protocol_has_api_version/has_extension.
 *
 * Unlike Mesa, a decoder running past its end never aborts: it marks itself fatal, yields zeros and
 * stops advancing; callers check vn_cs_decoder_get_fatal() after decoding a reply and turn it into an
 * error (pvk_ring.c). The encoder likewise marks itself fatal instead of writing out of bounds.
 */
#ifndef VN_CS_H
#define VN_CS_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vulkan/vulkan_core.h>

#include "pvk_private.h"

/* Venus protocol knowledge of the renderer we talk to, set once from its capset (pvk_cs.c). */
#define PVK_PROTOCOL_EXTENSION_WORDS 32 /* capset vk_extension_mask1: extension numbers 0..1023 */
struct pvk_protocol_info {
   uint32_t api_version;
   uint32_t extension_mask[PVK_PROTOCOL_EXTENSION_WORDS];
};
extern struct pvk_protocol_info pvk_protocol_info;

static inline bool
vn_cs_renderer_protocol_has_api_version(uint32_t api_version)
{
   return pvk_protocol_info.api_version >= api_version;
}

static inline bool
vn_cs_renderer_protocol_has_extension(uint32_t ext_number)
{
   if (ext_number >= PVK_PROTOCOL_EXTENSION_WORDS * 32)
      return false;
   return pvk_protocol_info.extension_mask[ext_number / 32] & (1u << (ext_number % 32));
}

/* An encoder writes 4-byte aligned command words into caller-provided storage. */
struct vn_cs_encoder {
   uint8_t *base;
   uint8_t *cur;
   const uint8_t *end;
   bool fatal;
};

static inline void
vn_cs_encoder_init_ptr(struct vn_cs_encoder *enc, void *storage, size_t size)
{
   enc->base = storage;
   enc->cur = storage;
   enc->end = (const uint8_t *)storage + size;
   enc->fatal = false;
}

static inline size_t
vn_cs_encoder_get_len(const struct vn_cs_encoder *enc)
{
   return (size_t)(enc->cur - enc->base);
}

static inline bool
vn_cs_encoder_reserve(struct vn_cs_encoder *enc, size_t size)
{
   if (pvk_unlikely(size > (size_t)(enc->end - enc->cur))) {
      enc->fatal = true;
      return false;
   }
   return true;
}

/* always inlined: every call site passes constant sizes, which turn the copies into plain stores
 * (out of line, recording one vkCmdDraw cost seven calls into memcpy) */
static inline __attribute__((always_inline)) void
vn_cs_encoder_write(struct vn_cs_encoder *enc, size_t size, const void *val, size_t val_size)
{
   assert(val_size <= size);
   if (pvk_unlikely(enc->fatal || size > (size_t)(enc->end - enc->cur))) {
      enc->fatal = true;
      return;
   }
   memcpy(enc->cur, val, val_size);
   /* the wire format pads to 4 bytes; keep the padding deterministic */
   if (size > val_size)
      memset(enc->cur + val_size, 0, size - val_size);
   enc->cur += size;
}

/* A decoder reads a reply stream the renderer wrote; it never reads past end. */
struct vn_cs_decoder {
   const uint8_t *cur;
   const uint8_t *end;
   bool fatal;
};

static inline void
vn_cs_decoder_init(struct vn_cs_decoder *dec, const void *data, size_t size)
{
   dec->cur = data;
   dec->end = (const uint8_t *)data + size;
   dec->fatal = false;
}

static inline void
vn_cs_decoder_set_fatal(const struct vn_cs_decoder *dec)
{
   /* the generated headers pass const decoders here; the flag is ours to set */
   ((struct vn_cs_decoder *)dec)->fatal = true;
}

static inline bool
vn_cs_decoder_get_fatal(const struct vn_cs_decoder *dec)
{
   return dec->fatal;
}

static inline bool
vn_cs_decoder_peek_checked(const struct vn_cs_decoder *dec, size_t size, void *val, size_t val_size)
{
   assert(val_size <= size);
   if (pvk_unlikely(dec->fatal || size > (size_t)(dec->end - dec->cur))) {
      vn_cs_decoder_set_fatal(dec);
      memset(val, 0, val_size);
      return false;
   }
   memcpy(val, dec->cur, val_size);
   return true;
}

static inline void
vn_cs_decoder_read(struct vn_cs_decoder *dec, size_t size, void *val, size_t val_size)
{
   if (vn_cs_decoder_peek_checked(dec, size, val, val_size))
      dec->cur += size;
}

static inline void
vn_cs_decoder_peek(const struct vn_cs_decoder *dec, size_t size, void *val, size_t val_size)
{
   vn_cs_decoder_peek_checked(dec, size, val, val_size);
}

/* Handles on the wire are the Venus object ids kept in every pvk object's base. */
static inline uint64_t
vn_cs_handle_load_id(const void **handle, VkObjectType type)
{
   (void)type;
   const struct pvk_object_base *obj = *handle;
   return obj ? obj->id : 0;
}

static inline void
vn_cs_handle_store_id(void **handle, uint64_t id, VkObjectType type)
{
   (void)type;
   struct pvk_object_base *obj = *handle;
   /* replies echo the ids pvk chose; an object the caller did not provide is not created here */
   if (obj)
      obj->id = id;
}

/* Set pvk_protocol_info from the renderer's Venus capset (see pvk_cs.c). */
struct pvk_renderer_info;
void pvk_protocol_info_init(const struct pvk_renderer_info *info);

#endif /* VN_CS_H */
