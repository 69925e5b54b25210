/* The fake host renderer: see fake_renderer.h. */
#include "fake_renderer.h"

#include <time.h>
#include <unistd.h>

#include "venus-protocol/vn_protocol_driver_instance.h"
#include "venus-protocol/vn_protocol_driver_transport.h"

static void *
fake_res(struct fake_renderer *fake, uint32_t res_id, uint64_t offset, uint64_t size)
{
   if (res_id >= FAKE_MAX_RES || !fake->res[res_id].ptr || offset + size > fake->res[res_id].size)
      return NULL;
   return (uint8_t *)fake->res[res_id].ptr + offset;
}

static void
fake_reply(struct fake_renderer *fake, const void *data, size_t size)
{
   void *dst = fake_res(fake, fake->reply_res, fake->reply_offset, size);
   if (!dst || size > fake->reply_size)
      return;
   memcpy(dst, data, size);
   if (fake->corrupt_reply)
      ((uint32_t *)dst)[0] ^= 0x5a5a; /* a reply to some other command */
   fake->replies++;
}

/* Execute one command at p (avail bytes); return its size, 0 if it is not understood. */
static size_t
fake_execute(struct fake_renderer *fake, const uint8_t *p, size_t avail)
{
   uint32_t w[2];
   if (avail < 8)
      return 0;
   memcpy(w, p, 8);
   const uint32_t type = w[0], flags = w[1];
   fake->commands++;

   switch (type) {
   case VK_COMMAND_TYPE_vkSetReplyCommandStreamMESA_EXT: {
      const VkCommandStreamDescriptionMESA dummy = { 0 };
      const size_t size = vn_sizeof_vkSetReplyCommandStreamMESA(&dummy);
      uint64_t offset, rsize;
      memcpy(&fake->reply_res, p + 16, 4);
      memcpy(&offset, p + 20, 8);
      memcpy(&rsize, p + 28, 8);
      fake->reply_offset = offset;
      fake->reply_size = rsize;
      return size;
   }
   case VK_COMMAND_TYPE_vkExecuteCommandStreamsMESA_EXT: {
      uint32_t count;
      memcpy(&count, p + 8, 4);
      VkCommandStreamDescriptionMESA descs[4];
      if (count > 4)
         return 0;
      for (uint32_t i = 0; i < count; i++) {
         const uint8_t *d = p + 20 + 20 * i;
         uint64_t offset, size;
         memcpy(&descs[i].resourceId, d, 4);
         memcpy(&offset, d + 4, 8);
         memcpy(&size, d + 12, 8);
         descs[i].offset = offset;
         descs[i].size = size;
      }
      for (uint32_t i = 0; i < count; i++) {
         const uint8_t *s = fake_res(fake, descs[i].resourceId, descs[i].offset, descs[i].size);
         size_t done = 0;
         while (s && done < descs[i].size) {
            const size_t n = fake_execute(fake, s + done, descs[i].size - done);
            if (!n)
               break;
            done += n;
         }
         fake->indirect_streams++;
      }
      return vn_sizeof_vkExecuteCommandStreamsMESA(count, descs, NULL, 0, NULL, 0);
   }
   case VK_COMMAND_TYPE_vkEnumerateInstanceVersion_EXT: {
      if (flags & VK_COMMAND_GENERATE_REPLY_BIT_EXT) {
         const uint32_t r[5] = { type, VK_SUCCESS, 1, 0, FAKE_VERSION };
         fake_reply(fake, r, sizeof(r));
      }
      return 16;
   }
   case VK_COMMAND_TYPE_vkEnumerateInstanceExtensionProperties_EXT: {
      /* pLayerName: u64 length (with the NUL), bytes padded to 4; then count pointer + value,
       * then the (NULL) properties array size: answer count = strlen(pLayerName) */
      uint64_t len;
      memcpy(&len, p + 8, 8);
      const size_t size = 8 + 8 + ((len + 3) & ~3ull) + 8 + 4 + 8;
      if (flags & VK_COMMAND_GENERATE_REPLY_BIT_EXT) {
         const uint32_t r[7] = { type, VK_SUCCESS, 1, 0, (uint32_t)(len ? len - 1 : 0), 0, 0 };
         fake_reply(fake, r, sizeof(r));
      }
      return size;
   }
   case VK_COMMAND_TYPE_vkWriteRingExtraMESA_EXT:
      if (flags & VK_COMMAND_GENERATE_REPLY_BIT_EXT)
         fake_reply(fake, &type, 4);
      return vn_sizeof_vkWriteRingExtraMESA(0, 0, 0);
   default:
      fprintf(stderr, "fake renderer: unknown command %u\n", type);
      return 0;
   }
}

static void *
fake_thread(void *arg)
{
   struct fake_renderer *fake = arg;
   uint8_t *tmp = malloc(1 << 20);
   int64_t last_alive = 0, last_work = pvk_now_ns();

   while (!fake->stop) {
      /* the mutex keeps resources (the ring included) alive while this thread uses them */
      pthread_mutex_lock(&fake->mutex);
      if (!fake->ring_res || fake->dead || fake->paused) {
         pthread_mutex_unlock(&fake->mutex);
         usleep(200);
         continue;
      }
      uint8_t *shared = fake->res[fake->ring_res].ptr;
      volatile atomic_uint *head = (volatile atomic_uint *)(shared + fake->layout.head_offset);
      volatile atomic_uint *tail = (volatile atomic_uint *)(shared + fake->layout.tail_offset);
      volatile atomic_uint *status = (volatile atomic_uint *)(shared + fake->layout.status_offset);
      const uint8_t *buffer = shared + fake->layout.buffer_offset;
      const uint32_t mask = fake->layout.buffer_size - 1;

      const int64_t now = pvk_now_ns();
      if (fake->alive_enabled && now - last_alive > 100 * 1000 * 1000) {
         atomic_fetch_or_explicit(status, VK_RING_STATUS_ALIVE_BIT_MESA, memory_order_seq_cst);
         last_alive = now;
      }
      if (fake->fatal) {
         atomic_fetch_or_explicit(status, VK_RING_STATUS_FATAL_BIT_MESA, memory_order_seq_cst);
         pthread_mutex_unlock(&fake->mutex);
         usleep(200);
         continue;
      }

      const uint32_t h = atomic_load_explicit(head, memory_order_relaxed);
      const uint32_t t = atomic_load_explicit(tail, memory_order_acquire);
      if (h != t) {
         /* copy out [h, t) across the wrap, execute commands one by one */
         const uint32_t avail = t - h;
         for (uint32_t i = 0; i < avail; i++)
            tmp[i] = buffer[(h + i) & mask];
         uint32_t done = 0;
         while (done < avail) {
            const size_t n = fake_execute(fake, tmp + done, avail - done);
            if (!n) {
               atomic_fetch_or_explicit(status, VK_RING_STATUS_FATAL_BIT_MESA, memory_order_seq_cst);
               break;
            }
            done += n;
            atomic_store_explicit(head, h + done, memory_order_release);
         }
         last_work = pvk_now_ns();
         pthread_mutex_unlock(&fake->mutex);
         continue;
      }
      if (now - last_work < 1000 * 1000) {
         pthread_mutex_unlock(&fake->mutex);
         sched_yield();
         continue;
      }
      /* park: announce IDLE, re-check the tail, sleep until notified */
      atomic_fetch_or_explicit(status, VK_RING_STATUS_IDLE_BIT_MESA, memory_order_seq_cst);
      if (atomic_load_explicit(tail, memory_order_seq_cst) == h) {
         const uint32_t seen = fake->notifies;
         fake->parked++;
         struct timespec ts;
         clock_gettime(CLOCK_REALTIME, &ts);
         ts.tv_nsec += 20 * 1000 * 1000;
         if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
         }
         while (fake->notifies == seen && !fake->stop && !fake->paused && !fake->dead && fake->ring_res)
            if (pthread_cond_timedwait(&fake->cond, &fake->mutex, &ts))
               break;
      }
      if (fake->ring_res)
         atomic_fetch_and_explicit(status, ~(uint32_t)VK_RING_STATUS_IDLE_BIT_MESA, memory_order_seq_cst);
      last_work = pvk_now_ns();
      pthread_mutex_unlock(&fake->mutex);
   }
   free(tmp);
   return NULL;
}

static VkResult
fake_submit(struct pvk_renderer *renderer, const struct pvk_renderer_batch *batch)
{
   const void *cs = batch->cs;
   const size_t size = batch->cs_size;
   struct fake_renderer *fake = (struct fake_renderer *)renderer;
   if (fake->dead)
      return VK_SUCCESS; /* a dead host swallows messages; the socket may still be open */
   uint32_t type;
   memcpy(&type, cs, 4);
   pthread_mutex_lock(&fake->mutex);
   if (type == VK_COMMAND_TYPE_vkCreateRingMESA_EXT) {
      /* the ring is the first resource the test creates */
      fake->ring_res = 1;
   } else if (type == VK_COMMAND_TYPE_vkNotifyRingMESA_EXT) {
      fake->notifies++;
      pthread_cond_broadcast(&fake->cond);
   } else if (type == VK_COMMAND_TYPE_vkDestroyRingMESA_EXT) {
      fake->ring_res = 0;
   }
   pthread_mutex_unlock(&fake->mutex);
   (void)size;
   return VK_SUCCESS;
}

static VkResult
fake_shmem_create(struct pvk_renderer *renderer, size_t size, struct pvk_shmem *out)
{
   struct fake_renderer *fake = (struct fake_renderer *)renderer;
   VkResult result = VK_ERROR_OUT_OF_DEVICE_MEMORY;
   pthread_mutex_lock(&fake->mutex);
   for (uint32_t i = 1; i < FAKE_MAX_RES; i++) {
      if (fake->res[i].ptr)
         continue;
      void *ptr = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
      if (!ptr) {
         result = VK_ERROR_OUT_OF_HOST_MEMORY;
         break;
      }
      memset(ptr, 0, size);
      fake->res[i].ptr = ptr;
      fake->res[i].size = size;
      *out = (struct pvk_shmem){ .res_id = i, .ptr = ptr, .size = size };
      result = VK_SUCCESS;
      break;
   }
   pthread_mutex_unlock(&fake->mutex);
   return result;
}

static void
fake_shmem_destroy(struct pvk_renderer *renderer, struct pvk_shmem *shmem)
{
   struct fake_renderer *fake = (struct fake_renderer *)renderer;
   pthread_mutex_lock(&fake->mutex);
   /* a lost ring is freed without vkDestroyRingMESA: stop using it (a real host holds a reference) */
   if (shmem->res_id == fake->ring_res)
      fake->ring_res = 0;
   free(fake->res[shmem->res_id].ptr);
   fake->res[shmem->res_id].ptr = NULL;
   pthread_mutex_unlock(&fake->mutex);
}

static bool
fake_is_alive(struct pvk_renderer *renderer)
{
   (void)renderer;
   return true; /* the transport stays up: only the ring watchdog can tell a dead host */
}

static void
fake_destroy(struct pvk_renderer *renderer)
{
   (void)renderer;
}

static const struct pvk_renderer_ops fake_ops = {
   .destroy = fake_destroy,
   .submit = fake_submit,
   .shmem_create = fake_shmem_create,
   .shmem_destroy = fake_shmem_destroy,
   .is_alive = fake_is_alive,
};

struct fake_renderer *
fake_renderer_create(uint32_t ring_size)
{
   struct fake_renderer *fake = calloc(1, sizeof(*fake));
   fake->base.ops = &fake_ops;
   fake->base.info.transport_name = "fake";
   fake->base.info.capset.vk_mesa_venus_protocol_spec_version = 2; /* with the watchdog */
   fake->base.info.capset.vk_xml_version = VK_API_VERSION_1_3;
   fake->base.info.max_timeline_count = 64;
   fake->alive_enabled = true;
   pvk_ring_get_layout(ring_size, 4, &fake->layout);
   pthread_mutex_init(&fake->mutex, NULL);
   pthread_cond_init(&fake->cond, NULL);
   pthread_create(&fake->thread, NULL, fake_thread, fake);
   return fake;
}

void
fake_renderer_destroy(struct fake_renderer *fake)
{
   fake->stop = true;
   pthread_mutex_lock(&fake->mutex);
   pthread_cond_broadcast(&fake->cond);
   pthread_mutex_unlock(&fake->mutex);
   pthread_join(fake->thread, NULL);
   for (uint32_t i = 0; i < FAKE_MAX_RES; i++)
      free(fake->res[i].ptr);
   free(fake);
}
