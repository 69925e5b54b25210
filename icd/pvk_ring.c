/*
 * The Venus ring: the guest side of the single-producer/single-consumer queue the host renderer's
 * ring thread drains (virglrenderer src/venus/vkr_ring.c on the other side). See vn_ring.h for the
 * layout. Behaviour follows Mesa src/virtio/vulkan/vn_ring.c; the code is pvk's own.
 *
 * Ordering: bytes are copied into the buffer with plain stores, then the tail is stored with
 * release; the host loads the tail with acquire. The host stores the head with release after
 * consuming a command (and after writing its reply), we load it with acquire before reading the
 * reply. The status load after the tail store is seq_cst so that "host parked" (IDLE) cannot be
 * missed against our tail store (the host sets IDLE, then re-reads the tail, also seq_cst).
 */
#include <errno.h>
#include <sched.h>
#include <time.h>

#include "vn_ring.h"

#include "venus-protocol/vn_protocol_driver_instance.h"
#include "venus-protocol/vn_protocol_driver_transport.h"

/* how long the host ring thread keeps polling before it parks (VkRingCreateInfoMESA::idleTimeout) */
#define PVK_RING_IDLE_TIMEOUT_NS (1ull * 1000 * 1000)
/*
 * Host watchdog (VkRingMonitorInfoMESA): virglrenderer's per-context monitor thread sets ALIVE on
 * the ring at least every period, whether or not the ring thread is busy with a long command, so a
 * missing ALIVE means the renderer process is gone or not scheduled. Dead after 3 periods without
 * it: a late stamp on a loaded host is tolerated, and the loss is still reported within 5 s.
 */
#define PVK_RING_MONITOR_PERIOD_US (1000u * 1000u)
#define PVK_RING_DEAD_AFTER_NS (3ll * PVK_RING_MONITOR_PERIOD_US * 1000)
/* first reply stream size; grows on demand */
#define PVK_RING_REPLY_SIZE (64u * 1024)
/* indirect stream buffer size; grows on demand */
#define PVK_RING_UPLOAD_SIZE (1u * 1024 * 1024)

_Static_assert(sizeof(atomic_uint) == 4, "the ring needs 32-bit lock-free atomics");

void
pvk_ring_get_layout(uint32_t buf_size, uint32_t extra_size, struct pvk_ring_layout *layout)
{
   assert(buf_size && !(buf_size & (buf_size - 1)));
   /* one 64-byte line each: the host writes head and status, we write tail (no false sharing) */
   layout->head_offset = 0;
   layout->tail_offset = 64;
   layout->status_offset = 128;
   layout->buffer_offset = 192;
   layout->buffer_size = buf_size;
   layout->extra_offset = layout->buffer_offset + buf_size;
   layout->extra_size = extra_size;
   layout->shmem_size = layout->extra_offset + extra_size;
}

static inline uint32_t
pvk_ring_load_head(const struct vn_ring *ring)
{
   return atomic_load_explicit(ring->head, memory_order_acquire);
}

static inline uint32_t
pvk_ring_load_status(const struct vn_ring *ring)
{
   return atomic_load_explicit(ring->status, memory_order_seq_cst);
}

/* true when the host has consumed everything up to seqno (wrap-around safe for < 2 GiB distance) */
static inline bool
pvk_ring_seqno_passed(uint32_t head, uint32_t seqno)
{
   return (int32_t)(head - seqno) >= 0;
}

static inline VkResult
pvk_ring_lost(const struct vn_ring *ring)
{
   return (VkResult)atomic_load_explicit(&ring->lost, memory_order_relaxed);
}

static VkResult
pvk_ring_set_lost(struct vn_ring *ring, const char *why)
{
   int expected = VK_SUCCESS;
   if (atomic_compare_exchange_strong_explicit(&ring->lost, &expected, VK_ERROR_DEVICE_LOST, memory_order_relaxed,
                                               memory_order_relaxed))
      pvk_log("ring %llu: device lost: %s", (unsigned long long)ring->id, why);
   return VK_ERROR_DEVICE_LOST;
}

static VkResult
pvk_ring_notify(struct vn_ring *ring, uint32_t seqno)
{
   uint32_t data[8];
   struct vn_cs_encoder enc;
   vn_cs_encoder_init_ptr(&enc, data, sizeof(data));
   vn_encode_vkNotifyRingMESA(&enc, 0, ring->id, seqno, 0);
   atomic_fetch_add_explicit(&ring->notify_count, 1, memory_order_relaxed);
   VkResult result = pvk_renderer_submit(ring->renderer, data, vn_cs_encoder_get_len(&enc));
   if (result != VK_SUCCESS)
      return pvk_ring_set_lost(ring, "notify failed");
   return VK_SUCCESS;
}

/*
 * Back off while waiting on the host: yield first (the host ring thread is usually polling and
 * answers within microseconds; yielding rather than spinning on `pause` leaves it the CPU when both
 * share a core — measured on 2 cores over vtest: 3.5 us per round trip yielding, 5.1 us after 64
 * pause spins, 30 us after 1000), then sleep from 10 us doubling to 1.28 ms. Between sleeps, check
 * FATAL, the host watchdog and the transport; re-notify a parked host (guards against a lost
 * wake-up).
 */
struct pvk_relax {
   uint32_t iter;
   int64_t next_check_ns;
};

static VkResult
pvk_ring_relax(struct vn_ring *ring, struct pvk_relax *relax, uint32_t seqno)
{
   const uint32_t yield_iters = 1024;
   relax->iter++;
   if (relax->iter < yield_iters) {
      sched_yield();
      return VK_SUCCESS;
   }

   const int64_t now = pvk_now_ns();
   const uint32_t status = pvk_ring_load_status(ring);
   if (status & VK_RING_STATUS_FATAL_BIT_MESA)
      return pvk_ring_set_lost(ring, "host set FATAL");
   if (status & VK_RING_STATUS_ALIVE_BIT_MESA) {
      /* consume the heartbeat: the host sets it again within one period while alive */
      atomic_fetch_and_explicit(ring->status, ~(uint32_t)VK_RING_STATUS_ALIVE_BIT_MESA,
                                memory_order_seq_cst);
      atomic_store_explicit(&ring->alive_deadline_ns, now + PVK_RING_DEAD_AFTER_NS, memory_order_relaxed);
   } else if (ring->monitor_period_us &&
              now > atomic_load_explicit(&ring->alive_deadline_ns, memory_order_relaxed)) {
      return pvk_ring_set_lost(ring, "no ALIVE heartbeat from the host ring thread");
   }
   if (now >= relax->next_check_ns) {
      if (!ring->renderer->ops->is_alive(ring->renderer))
         return pvk_ring_set_lost(ring, "transport closed");
      if (status & VK_RING_STATUS_IDLE_BIT_MESA) {
         VkResult result = pvk_ring_notify(ring, seqno);
         if (result != VK_SUCCESS)
            return result;
      }
      relax->next_check_ns = now + 100ll * 1000 * 1000;
   }

   const uint32_t shift = PVK_MIN(relax->iter - yield_iters, 7u);
   const struct timespec ts = { .tv_nsec = (10l * 1000) << shift };
   nanosleep(&ts, NULL);
   return VK_SUCCESS;
}

static void
pvk_ring_relax_init(struct vn_ring *ring, struct pvk_relax *relax)
{
   relax->iter = 0;
   relax->next_check_ns = 0;
   /* the watchdog runs only while someone waits: start a fresh period */
   if (ring->monitor_period_us) {
      const int64_t now = pvk_now_ns();
      if (atomic_load_explicit(&ring->alive_deadline_ns, memory_order_relaxed) < now + PVK_RING_DEAD_AFTER_NS / 2)
         atomic_store_explicit(&ring->alive_deadline_ns, now + PVK_RING_DEAD_AFTER_NS, memory_order_relaxed);
   }
}

VkResult
pvk_ring_wait_seqno(struct vn_ring *ring, uint32_t seqno)
{
   if (pvk_ring_lost(ring) != VK_SUCCESS)
      return pvk_ring_lost(ring);
   if (pvk_ring_seqno_passed(pvk_ring_load_head(ring), seqno))
      return VK_SUCCESS;

   struct pvk_relax relax;
   pvk_ring_relax_init(ring, &relax);
   do {
      VkResult result = pvk_ring_relax(ring, &relax, seqno);
      if (result != VK_SUCCESS)
         return result;
   } while (!pvk_ring_seqno_passed(pvk_ring_load_head(ring), seqno));
   return VK_SUCCESS;
}

/* Wait until size bytes are free in the buffer. */
static VkResult
pvk_ring_wait_space(struct vn_ring *ring, uint32_t size)
{
   assert(size <= ring->buffer_size);
   if (pvk_likely(ring->cur + size - pvk_ring_load_head(ring) <= ring->buffer_size))
      return VK_SUCCESS;

   /* publish what we wrote so far, or the host can never make room */
   atomic_store_explicit(ring->tail, ring->cur, memory_order_release);
   struct pvk_relax relax;
   pvk_ring_relax_init(ring, &relax);
   do {
      VkResult result = pvk_ring_relax(ring, &relax, ring->cur);
      if (result != VK_SUCCESS)
         return result;
   } while (ring->cur + size - pvk_ring_load_head(ring) > ring->buffer_size);
   return VK_SUCCESS;
}

/* Copy bytes at the write position, wrapping around the end of the buffer. */
static VkResult
pvk_ring_write(struct vn_ring *ring, const void *data, uint32_t size)
{
   VkResult result = pvk_ring_wait_space(ring, size);
   if (result != VK_SUCCESS)
      return result;

   const uint32_t offset = ring->cur & ring->buffer_mask;
   const uint32_t first = PVK_MIN(size, ring->buffer_size - offset);
   memcpy(ring->buffer + offset, data, first);
   memcpy(ring->buffer, (const uint8_t *)data + first, size - first);
   ring->cur += size;
   return VK_SUCCESS;
}

/* Publish the written bytes; notify the host when its ring thread is parked. */
static VkResult
pvk_ring_publish(struct vn_ring *ring)
{
   atomic_store_explicit(ring->tail, ring->cur, memory_order_release);
   const uint32_t status = pvk_ring_load_status(ring);
   if (pvk_unlikely(status & VK_RING_STATUS_FATAL_BIT_MESA))
      return pvk_ring_set_lost(ring, "host set FATAL");
   if (status & VK_RING_STATUS_IDLE_BIT_MESA)
      return pvk_ring_notify(ring, ring->cur);
   return VK_SUCCESS;
}

/* Grow (or create) a shmem to at least size bytes. Its old contents are dropped. */
static VkResult
pvk_ring_ensure_shmem(struct vn_ring *ring, struct pvk_shmem *shmem, size_t size, size_t min_size)
{
   if (shmem->ptr && shmem->size >= size)
      return VK_SUCCESS;
   size_t new_size = PVK_MAX(min_size, shmem->size);
   while (new_size < size)
      new_size *= 2;
   pvk_renderer_shmem_destroy(ring->renderer, shmem);
   return pvk_renderer_shmem_create(ring->renderer, new_size, shmem);
}

/*
 * Write a command too large for the ring into the upload buffer and put a
 * vkExecuteCommandStreamsMESA pointing at it into the ring instead.
 */
static VkResult
pvk_ring_write_indirect(struct vn_ring *ring, const void *data, uint32_t size)
{
   VkResult result;
   size_t offset = (ring->upload_used + 3) & ~(size_t)3;
   if (!ring->upload.ptr || offset + size > ring->upload.size) {
      /* the host may still read the buffer until it consumed the last indirect command */
      if (ring->upload.ptr) {
         atomic_store_explicit(ring->tail, ring->cur, memory_order_release);
         result = pvk_ring_wait_seqno(ring, ring->upload_seqno);
         if (result != VK_SUCCESS)
            return result;
      }
      result = pvk_ring_ensure_shmem(ring, &ring->upload, size, PVK_RING_UPLOAD_SIZE);
      if (result != VK_SUCCESS)
         return result;
      offset = 0;
   }
   memcpy((uint8_t *)ring->upload.ptr + offset, data, size);
   ring->upload_used = offset + size;

   const VkCommandStreamDescriptionMESA stream = {
      .resourceId = ring->upload.res_id,
      .offset = offset,
      .size = size,
   };
   uint32_t exec[16];
   struct vn_cs_encoder enc;
   vn_cs_encoder_init_ptr(&enc, exec, sizeof(exec));
   vn_encode_vkExecuteCommandStreamsMESA(&enc, 0, 1, &stream, NULL, 0, NULL, 0);
   if (enc.fatal)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   result = pvk_ring_write(ring, exec, vn_cs_encoder_get_len(&enc));
   if (result != VK_SUCCESS)
      return result;
   ring->upload_seqno = ring->cur;
   atomic_fetch_add_explicit(&ring->indirect_count, 1, memory_order_relaxed);
   return VK_SUCCESS;
}

static VkResult
pvk_ring_write_command(struct vn_ring *ring, const void *data, uint32_t size)
{
   if (size <= ring->direct_size)
      return pvk_ring_write(ring, data, size);
   return pvk_ring_write_indirect(ring, data, size);
}

/* The calling thread's reply stream (created on first use). Called with the ring mutex held. */
static struct pvk_reply_stream *
pvk_ring_get_reply_stream(struct vn_ring *ring)
{
   const pthread_t self = pthread_self();
   for (struct pvk_reply_stream *stream = ring->reply_streams; stream; stream = stream->next) {
      if (pthread_equal(stream->owner, self))
         return stream;
   }
   struct pvk_reply_stream *stream = calloc(1, sizeof(*stream));
   if (!stream)
      return NULL;
   stream->owner = self;
   stream->next = ring->reply_streams;
   ring->reply_streams = stream;
   return stream;
}

/* Point the renderer's reply stream at the calling thread's buffer. Ring mutex held. */
static VkResult
pvk_ring_set_reply_stream(struct vn_ring *ring, struct vn_ring_submit_command *submit)
{
   struct pvk_reply_stream *stream = pvk_ring_get_reply_stream(ring);
   if (!stream)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   /* the thread's previous reply has been read: its buffer may be replaced */
   VkResult result = pvk_ring_ensure_shmem(ring, &stream->shmem, submit->reply_size, PVK_RING_REPLY_SIZE);
   if (result != VK_SUCCESS)
      return result;
   /* no stale reply may pass for the next one (see the check in vn_ring_submit_command) */
   memset(stream->shmem.ptr, 0, 4);
   const VkCommandStreamDescriptionMESA desc = {
      .resourceId = stream->shmem.res_id,
      .offset = 0,
      .size = submit->reply_size,
   };
   uint32_t data[16];
   struct vn_cs_encoder enc;
   vn_cs_encoder_init_ptr(&enc, data, sizeof(data));
   vn_encode_vkSetReplyCommandStreamMESA(&enc, 0, &desc);
   submit->reply_stream = stream;
   return pvk_ring_write(ring, data, vn_cs_encoder_get_len(&enc));
}

void
vn_ring_submit_command(struct vn_ring *ring, struct vn_ring_submit_command *submit)
{
   const size_t len = vn_cs_encoder_get_len(&submit->command);
   if (submit->command.fatal || !len || len % 4 || len > UINT32_MAX / 2) {
      submit->result = VK_ERROR_OUT_OF_HOST_MEMORY;
      return;
   }

   pthread_mutex_lock(&ring->mutex);
   VkResult result = pvk_ring_lost(ring);
   if (result == VK_SUCCESS && submit->reply_size)
      result = pvk_ring_set_reply_stream(ring, submit);
   if (result == VK_SUCCESS)
      result = pvk_ring_write_command(ring, submit->command.base, len);
   if (result == VK_SUCCESS)
      result = pvk_ring_publish(ring);
   submit->seqno = ring->cur;
   pthread_mutex_unlock(&ring->mutex);

   /* other threads keep writing while this one waits for its reply */
   if (result == VK_SUCCESS && submit->reply_size) {
      atomic_fetch_add_explicit(&ring->sync_count, 1, memory_order_relaxed);
      result = pvk_ring_wait_seqno(ring, submit->seqno);
   }

   /* A reply starts with the type of the command it answers; the generated decoders assert on
    * it, so a mismatch (a desynced or corrupted stream) is caught here, before decoding. */
   const uint8_t *reply = submit->reply_size && result == VK_SUCCESS ? submit->reply_stream->shmem.ptr : NULL;
   if (reply && (submit->reply_size < 4 || memcmp(reply, submit->command.base, 4)))
      result = pvk_ring_set_lost(ring, "reply does not answer the command");
   submit->result = result;

   if (result == VK_SUCCESS && submit->reply_size) {
      vn_cs_decoder_init(&submit->reply, reply, submit->reply_size);
      submit->has_reply = true;
   }
}

void
vn_ring_free_command_reply(struct vn_ring *ring, struct vn_ring_submit_command *submit)
{
   (void)ring;
   /* the buffer belongs to the thread and is reused by its next call */
   submit->has_reply = false;
}

VkResult
pvk_ring_end_reply(struct vn_ring *ring, struct vn_ring_submit_command *submit, VkResult decoded)
{
   VkResult result = decoded;
   if (vn_cs_decoder_get_fatal(&submit->reply))
      result = pvk_ring_set_lost(ring, "truncated or corrupted reply");
   vn_ring_free_command_reply(ring, submit);
   return result;
}

void
pvk_reply_check_array(struct vn_cs_decoder *dec, size_t count_offset, uint32_t capacity, bool has_array)
{
   const size_t avail = (size_t)(dec->end - dec->cur);
   uint64_t present, array_size;
   uint32_t count;
   if (avail < count_offset + 4 + 8) {
      vn_cs_decoder_set_fatal(dec);
      return;
   }
   memcpy(&present, dec->cur + count_offset - 8, 8);
   memcpy(&count, dec->cur + count_offset, 4);
   memcpy(&array_size, dec->cur + count_offset + 4, 8);
   if (present != 1 || (has_array ? (count > capacity || (array_size && array_size != count)) : array_size != 0))
      vn_cs_decoder_set_fatal(dec);
}

void
pvk_reply_check_chain(struct vn_cs_decoder *dec, size_t ptr_offset, const void *head,
                      pvk_sizeof_pnext_fn sizeof_pnext)
{
   const uint8_t *p = dec->cur + ptr_offset;
   const uint8_t *end = dec->end;
   uint64_t present;
   uint32_t stype;
   if (end - p < 12) {
      vn_cs_decoder_set_fatal(dec);
      return;
   }
   memcpy(&present, p, 8);
   memcpy(&stype, p + 8, 4);
   const VkBaseOutStructure *cursor = head;
   if (present != 1 || stype != (uint32_t)cursor->sType) {
      vn_cs_decoder_set_fatal(dec);
      return;
   }
   p += 12;
   cursor = cursor->pNext;
   for (;;) {
      if (end - p < 8) {
         vn_cs_decoder_set_fatal(dec);
         return;
      }
      memcpy(&present, p, 8);
      p += 8;
      if (!present)
         return;
      if (present != 1 || end - p < 4) {
         vn_cs_decoder_set_fatal(dec);
         return;
      }
      memcpy(&stype, p, 4);
      p += 4;
      /* the decoder searches forward from the struct after the previous match */
      while (cursor && (uint32_t)cursor->sType != stype)
         cursor = cursor->pNext;
      if (!cursor) {
         vn_cs_decoder_set_fatal(dec);
         return;
      }
      /* ... and knows only the structs the protocol can carry */
      VkBaseOutStructure *s = (VkBaseOutStructure *)cursor;
      VkBaseOutStructure *next = s->pNext;
      s->pNext = NULL;
      const bool known = sizeof_pnext(s) > sizeof(uint64_t);
      s->pNext = next;
      if (!known) {
         vn_cs_decoder_set_fatal(dec);
         return;
      }
      cursor = next;
   }
}

VkResult
pvk_ring_roundtrip(struct vn_ring *ring)
{
   /* vkEnumerateInstanceVersion: the cheapest command the renderer answers from its ring (the
    * MESA transport commands other than the reply/stream ones are refused there) */
   uint32_t version;
   VkResult result;
   PVK_CALL(ring, result, vkEnumerateInstanceVersion, &version);
   return result;
}

struct vn_ring *
pvk_ring_create(struct pvk_renderer *renderer, uint32_t buf_size)
{
   struct vn_ring *ring = calloc(1, sizeof(*ring));
   if (!ring)
      return NULL;
   ring->renderer = renderer;
   ring->id = pvk_next_object_id();

   struct pvk_ring_layout layout;
   pvk_ring_get_layout(buf_size, sizeof(uint32_t), &layout);
   if (pvk_renderer_shmem_create(renderer, layout.shmem_size, &ring->shmem) != VK_SUCCESS)
      goto fail_free;
   uint8_t *shared = ring->shmem.ptr;
   memset(shared, 0, layout.shmem_size);
   ring->head = (volatile atomic_uint *)(shared + layout.head_offset);
   ring->tail = (volatile atomic_uint *)(shared + layout.tail_offset);
   ring->status = (volatile atomic_uint *)(shared + layout.status_offset);
   ring->buffer = shared + layout.buffer_offset;
   ring->buffer_size = layout.buffer_size;
   ring->buffer_mask = layout.buffer_size - 1;
   /* commands above 1/16 of the ring go indirect so that small ones never wait behind them */
   ring->direct_size = layout.buffer_size >> 4;
   if (pthread_mutex_init(&ring->mutex, NULL) != 0)
      goto fail_shmem;

   /* the host watchdog exists since VK_MESA_venus_protocol spec version 2 (Mesa vn_ring.c) */
   const bool monitor = renderer->info.capset.vk_mesa_venus_protocol_spec_version >= 2;
   ring->monitor_period_us = monitor ? PVK_RING_MONITOR_PERIOD_US : 0;
   const VkRingMonitorInfoMESA monitor_info = {
      .sType = VK_STRUCTURE_TYPE_RING_MONITOR_INFO_MESA,
      .maxReportingPeriodMicroseconds = PVK_RING_MONITOR_PERIOD_US,
   };
   const VkRingCreateInfoMESA info = {
      .sType = VK_STRUCTURE_TYPE_RING_CREATE_INFO_MESA,
      .pNext = monitor ? &monitor_info : NULL,
      .resourceId = ring->shmem.res_id,
      .size = layout.shmem_size,
      .idleTimeout = PVK_RING_IDLE_TIMEOUT_NS,
      .headOffset = layout.head_offset,
      .tailOffset = layout.tail_offset,
      .statusOffset = layout.status_offset,
      .bufferOffset = layout.buffer_offset,
      .bufferSize = layout.buffer_size,
      .extraOffset = layout.extra_offset,
      .extraSize = layout.extra_size,
   };
   uint32_t data[64];
   struct vn_cs_encoder enc;
   vn_cs_encoder_init_ptr(&enc, data, sizeof(data));
   vn_encode_vkCreateRingMESA(&enc, 0, ring->id, &info);
   if (enc.fatal || pvk_renderer_submit(renderer, data, vn_cs_encoder_get_len(&enc)) != VK_SUCCESS)
      goto fail_mutex;
   return ring;

fail_mutex:
   pthread_mutex_destroy(&ring->mutex);
fail_shmem:
   pvk_renderer_shmem_destroy(renderer, &ring->shmem);
fail_free:
   free(ring);
   return NULL;
}

void
pvk_ring_destroy(struct vn_ring *ring)
{
   if (!ring)
      return;
   if (pvk_ring_lost(ring) == VK_SUCCESS) {
      uint32_t data[8];
      struct vn_cs_encoder enc;
      vn_cs_encoder_init_ptr(&enc, data, sizeof(data));
      vn_encode_vkDestroyRingMESA(&enc, 0, ring->id);
      pvk_renderer_submit(ring->renderer, data, vn_cs_encoder_get_len(&enc));
   }
   if (PVK_DEBUG(RING))
      pvk_log("ring %llu: %u bytes written, %llu notifies, %llu indirect streams, %llu synchronous calls",
              (unsigned long long)ring->id, ring->cur, (unsigned long long)ring->notify_count,
              (unsigned long long)ring->indirect_count, (unsigned long long)ring->sync_count);
   pvk_renderer_shmem_destroy(ring->renderer, &ring->upload);
   for (struct pvk_reply_stream *stream = ring->reply_streams, *next; stream; stream = next) {
      next = stream->next;
      pvk_renderer_shmem_destroy(ring->renderer, &stream->shmem);
      free(stream);
   }
   pvk_renderer_shmem_destroy(ring->renderer, &ring->shmem);
   pthread_mutex_destroy(&ring->mutex);
   free(ring);
}
