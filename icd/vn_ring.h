/*
 * The ring seam Mesa's generated Venus headers expect: struct vn_ring, struct vn_ring_submit_command,
 * vn_ring_submit_command_init/submit_command/get_command_reply/free_command_reply, plus the
 * VN_SUBMIT_LOCAL_CMD_SIZE and VN_TRACE_FUNC macros. pvk_ring.c implements it.
 *
 * A ring is the single-producer/single-consumer byte queue in host-shared memory that carries Venus
 * commands to the renderer's ring thread: head (host-written), tail (guest-written) and status
 * (host-written) each on its own 64-byte line, then a power-of-two buffer. head and tail are
 * free-running u32 byte counters; a command's seqno is the tail value right after it.
 */
#ifndef VN_RING_H
#define VN_RING_H

#include <pthread.h>

#include "pvk_renderer.h"
#include "vn_cs.h"

/* commands up to this size are encoded on the caller's stack */
#define VN_SUBMIT_LOCAL_CMD_SIZE 256
#define VN_TRACE_FUNC() \
   do {                 \
   } while (0)

struct pvk_ring_layout {
   uint32_t head_offset;
   uint32_t tail_offset;
   uint32_t status_offset;
   uint32_t buffer_offset;
   uint32_t buffer_size; /* power of two */
   uint32_t extra_offset;
   uint32_t extra_size;
   uint32_t shmem_size;
};

/* Layout for a ring of buf_size bytes (a power of two, >= 4 KiB) and extra_size bytes of extra. */
void pvk_ring_get_layout(uint32_t buf_size, uint32_t extra_size, struct pvk_ring_layout *layout);

struct vn_ring {
   struct pvk_renderer *renderer;
   uint64_t id;

   struct pvk_shmem shmem;
   volatile atomic_uint *head;   /* host stores with release after consuming a command */
   volatile atomic_uint *tail;   /* we store with release after copying the bytes */
   volatile atomic_uint *status; /* VK_RING_STATUS_*_BIT_MESA */
   uint8_t *buffer;
   uint32_t buffer_size;
   uint32_t buffer_mask;
   /* commands larger than this go through an indirect stream (vkExecuteCommandStreamsMESA) */
   uint32_t direct_size;

   /* Serializes writers (single producer): held while a command (and the reply stream it answers
    * into) is written, never while waiting for the host. Protects everything below it. */
   pthread_mutex_t mutex;
   /* write position, == tail once published */
   uint32_t cur;

   /* one reply stream per calling thread, so that threads wait for their replies concurrently */
   struct pvk_reply_stream *reply_streams;
   /* indirect command stream buffer, bump-allocated; reused after upload_seqno is consumed */
   struct pvk_shmem upload;
   size_t upload_used;
   uint32_t upload_seqno;

   /* sticky: VK_ERROR_DEVICE_LOST once the host is known dead or the protocol desynced (any
    * thread may set it, relaxed: it only ever goes from VK_SUCCESS to VK_ERROR_DEVICE_LOST) */
   atomic_int lost;

   /* host watchdog (VkRingMonitorInfoMESA): the host sets ALIVE at least every period; waiting
    * threads share the deadline (relaxed: a stale read only delays or advances one check) */
   uint32_t monitor_period_us;
   atomic_int_fast64_t alive_deadline_ns;

   /* counters, for tests and PVK_DEBUG=ring (relaxed) */
   atomic_uint_fast64_t notify_count;
   atomic_uint_fast64_t indirect_count;
   atomic_uint_fast64_t sync_count; /* commands that waited for a reply (round trips) */
};

/* A thread's reply stream on a ring: host-shared memory the renderer writes replies into. */
struct pvk_reply_stream {
   pthread_t owner;
   struct pvk_shmem shmem;
   struct pvk_reply_stream *next;
};

struct vn_ring_submit_command {
   struct vn_cs_encoder command;
   size_t reply_size;
   struct pvk_reply_stream *reply_stream;
   struct vn_cs_decoder reply;
   bool has_reply;
   /* VK_SUCCESS once submitted (and, with a reply, answered); the error otherwise */
   VkResult result;
   uint32_t seqno;
};

static inline struct vn_cs_encoder *
vn_ring_submit_command_init(struct vn_ring *ring, struct vn_ring_submit_command *submit,
                            void *cmd_data, size_t cmd_size, size_t reply_size)
{
   (void)ring;
   vn_cs_encoder_init_ptr(&submit->command, cmd_data, cmd_size);
   submit->reply_size = reply_size;
   submit->has_reply = false;
   /* the generated code skips vn_ring_submit_command when it could not allocate cmd_data */
   submit->result = VK_ERROR_OUT_OF_HOST_MEMORY;
   submit->seqno = 0;
   return &submit->command;
}

/*
 * Write the encoded command to the ring; with a reply, first point the renderer's reply stream at
 * the calling thread's reply buffer, then (outside the ring mutex) wait until the host consumed
 * the command, and set up submit->reply. The reply stays valid until the thread's next call.
 */
void vn_ring_submit_command(struct vn_ring *ring, struct vn_ring_submit_command *submit);

static inline struct vn_cs_decoder *
vn_ring_get_command_reply(struct vn_ring *ring, struct vn_ring_submit_command *submit)
{
   (void)ring;
   return submit->has_reply ? &submit->reply : NULL;
}

void vn_ring_free_command_reply(struct vn_ring *ring, struct vn_ring_submit_command *submit);

/*
 * Create a ring of buf_size bytes in new host-shared memory and announce it to the host with
 * vkCreateRingMESA (sent outside any ring). Returns NULL on allocation or transport failure.
 */
struct vn_ring *pvk_ring_create(struct pvk_renderer *renderer, uint32_t buf_size);
void pvk_ring_destroy(struct vn_ring *ring);

/*
 * Finish a synchronous call: check the decoder (a truncated or corrupted reply gives
 * VK_ERROR_DEVICE_LOST and marks the ring lost), release the reply stream, and return the
 * result to hand the application.
 */
VkResult pvk_ring_end_reply(struct vn_ring *ring, struct vn_ring_submit_command *submit, VkResult decoded);

/* Wait until the host consumed everything up to seqno; VK_ERROR_DEVICE_LOST within 5 s if dead. */
VkResult pvk_ring_wait_seqno(struct vn_ring *ring, uint32_t seqno);

/* Submit an empty reply-generating command and wait for it: one synchronous round trip. */
VkResult pvk_ring_roundtrip(struct vn_ring *ring);

/*
 * The body of every synchronous Venus call below: submit cmd with a reply and wait for it; run
 * `check` on the reply's decoder _pvk_dec (a statement that marks it fatal when the reply would make
 * the generated decoder write out of bounds or assert; (void)0 for none); decode unless the decoder
 * is fatal, keeping the command's VkResult when `returns` is RESULT (VOID: the command returns
 * nothing); finish with pvk_ring_end_reply. `result` receives the command's VkResult or the
 * transport error (VK_ERROR_DEVICE_LOST on a corrupted or truncated reply).
 */
#define PVK_CALL_IMPL(ring, result, check, returns, cmd, ...)                                      \
   do {                                                                                           \
      struct vn_ring_submit_command _pvk_submit;                                                  \
      vn_submit_##cmd((ring), VK_COMMAND_GENERATE_REPLY_BIT_EXT, __VA_ARGS__, &_pvk_submit);      \
      struct vn_cs_decoder *_pvk_dec = vn_ring_get_command_reply((ring), &_pvk_submit);           \
      if (!_pvk_dec) {                                                                            \
         (result) = _pvk_submit.result;                                                           \
         break;                                                                                   \
      }                                                                                           \
      check;                                                                                      \
      VkResult _pvk_decoded = VK_SUCCESS;                                                         \
      if (!vn_cs_decoder_get_fatal(_pvk_dec))                                                     \
         PVK_DECODE_##returns(_pvk_decoded, vn_decode_##cmd##_reply(_pvk_dec, __VA_ARGS__));      \
      (result) = pvk_ring_end_reply((ring), &_pvk_submit, _pvk_decoded);                          \
   } while (0)
#define PVK_DECODE_RESULT(var, expr) (var) = (expr)
#define PVK_DECODE_VOID(var, expr) (expr)

/*
 * A synchronous Venus call with proper errors (the generated vn_call_* map every transport failure
 * to VK_ERROR_OUT_OF_HOST_MEMORY and cannot see a corrupted reply). `result` receives the command's
 * VkResult or the transport error.
 */
#define PVK_CALL(ring, result, cmd, ...) PVK_CALL_IMPL(ring, result, (void)0, RESULT, cmd, __VA_ARGS__)

/* Same for commands returning void; `result` still receives the transport status. */
#define PVK_CALL_VOID(ring, result, cmd, ...) PVK_CALL_IMPL(ring, result, (void)0, VOID, cmd, __VA_ARGS__)

/*
 * The generated decoders of enumerations trust the element count the renderer sends: a count
 * above the caller's array (or any array when the caller passed NULL) would write out of bounds.
 * Check it before decoding. count_offset: byte offset of the count value in the reply (after the
 * command type, the VkResult if any, and the u64 "pointer present" word); capacity: the caller's
 * array length; has_array: whether the caller passed an array. Marks dec fatal on a violation.
 */
void pvk_reply_check_array(struct vn_cs_decoder *dec, size_t count_offset, uint32_t capacity, bool has_array);

/* Offsets of the count in enumeration replies: [type][VkResult][u64 1][u32 count][u64 array size] */
#define PVK_REPLY_COUNT_OFFSET_RESULT 16
/* ... and in those of void commands: [type][u64 1][u32 count][u64 array size] */
#define PVK_REPLY_COUNT_OFFSET_VOID 12

/* PVK_CALL for enumerations: the reply's count is checked against the caller's array first
 * (capacity is read before the reply is decoded into it). */
#define PVK_CALL_ARRAY(ring, result, count_offset, capacity, array, cmd, ...)                     \
   PVK_CALL_IMPL(ring, result,                                                                    \
                 pvk_reply_check_array(_pvk_dec, (count_offset), (array) ? (capacity) : 0,        \
                                       (array) != NULL),                                          \
                 RESULT, cmd, __VA_ARGS__)

/* Same for void enumerations (vkGetPhysicalDeviceQueueFamilyProperties2). */
#define PVK_CALL_ARRAY_VOID(ring, result, capacity, array, cmd, ...)                              \
   PVK_CALL_IMPL(ring, result,                                                                    \
                 pvk_reply_check_array(_pvk_dec, PVK_REPLY_COUNT_OFFSET_VOID,                     \
                                       (array) ? (capacity) : 0, (array) != NULL),                \
                 VOID, cmd, __VA_ARGS__)

/*
 * The generated decoders find each struct of a reply's pNext chain by its sType in the caller's
 * chain and assert when it is missing (or unknown to the protocol). Check the reply's sTypes first:
 * ptr_offset is the byte offset of the u64 "pointer present" word of the output struct in the reply
 * (4 after the command type, 8 when a VkResult follows it); head is the caller's output struct;
 * sizeof_pnext is the generated vn_sizeof_<Head>_pnext (a struct it sizes as a bare NULL is one the
 * protocol does not know). Marks dec fatal on any mismatch.
 */
typedef size_t (*pvk_sizeof_pnext_fn)(const void *pnext);
void pvk_reply_check_chain(struct vn_cs_decoder *dec, size_t ptr_offset, const void *head,
                           pvk_sizeof_pnext_fn sizeof_pnext);

/* PVK_CALL/PVK_CALL_VOID for calls that return a struct chain: the chain is checked first. */
#define PVK_CALL_CHAIN(ring, result, head, head_type, cmd, ...)                                   \
   PVK_CALL_IMPL(ring, result, pvk_reply_check_chain(_pvk_dec, 8, (head), vn_sizeof_##head_type##_pnext), \
                 RESULT, cmd, __VA_ARGS__)
#define PVK_CALL_CHAIN_VOID(ring, result, head, head_type, cmd, ...)                              \
   PVK_CALL_IMPL(ring, result, pvk_reply_check_chain(_pvk_dec, 4, (head), vn_sizeof_##head_type##_pnext), \
                 VOID, cmd, __VA_ARGS__)

#endif /* VN_RING_H */
