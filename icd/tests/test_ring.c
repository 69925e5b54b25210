/*
 * Ring tests against the fake host renderer (fake_renderer.c): round trips and reply handling,
 * wrap-around, a full ring, indirect streams for large commands, IDLE/notify, FATAL, and a dead
 * host (no ALIVE heartbeat) giving VK_ERROR_DEVICE_LOST within 5 s instead of hanging.
 */
#include <unistd.h>

#include "fake_renderer.h"
#include "pvk_test.h"
#include "venus-protocol/vn_protocol_driver_instance.h"

#define SMALL_RING 4096

static struct vn_ring *
make_ring(struct fake_renderer **fake, uint32_t size)
{
   *fake = fake_renderer_create(size);
   struct vn_ring *ring = pvk_ring_create(&(*fake)->base, size);
   CHECK(ring != NULL);
   return ring;
}

static void
done(struct fake_renderer *fake, struct vn_ring *ring)
{
   pvk_ring_destroy(ring);
   fake_renderer_destroy(fake);
}

static VkResult
call_version(struct vn_ring *ring, uint32_t *version)
{
   VkResult result;
   PVK_CALL(ring, result, vkEnumerateInstanceVersion, version);
   return result;
}

static void
test_layout(void)
{
   struct pvk_ring_layout l;
   pvk_ring_get_layout(SMALL_RING, 4, &l);
   /* head, tail and status on their own 64-byte lines, buffer after them */
   CHECK(l.head_offset / 64 != l.tail_offset / 64);
   CHECK(l.tail_offset / 64 != l.status_offset / 64);
   CHECK(l.head_offset / 64 != l.status_offset / 64);
   CHECK(l.buffer_offset >= l.status_offset + 64 && l.buffer_offset % 64 == 0);
   CHECK(l.extra_offset == l.buffer_offset + SMALL_RING);
   CHECK(l.shmem_size == l.extra_offset + 4);
}

static void
test_roundtrip_reply(void)
{
   struct fake_renderer *fake;
   struct vn_ring *ring = make_ring(&fake, SMALL_RING);
   uint32_t version = 0;
   CHECK(call_version(ring, &version) == VK_SUCCESS);
   CHECK(version == FAKE_VERSION);
   CHECK(pvk_ring_roundtrip(ring) == VK_SUCCESS);
   CHECK(fake->replies == 2);
   /* the synchronous-call counter (PVK_DEBUG=ring, tests/vk/vk_events) counts both, and no
    * asynchronous command */
   vn_async_vkEnumerateInstanceVersion(ring, &version);
   CHECK(pvk_ring_roundtrip(ring) == VK_SUCCESS);
   CHECK(ring->sync_count == 3);
   done(fake, ring);
}

static void
test_wraparound(void)
{
   struct fake_renderer *fake;
   struct vn_ring *ring = make_ring(&fake, SMALL_RING);
   /* 16-byte commands and 36-byte reply-stream commands: thousands of them wrap a 4 KiB ring many
    * times, at every alignment */
   for (int i = 0; i < 3000; i++) {
      uint32_t version = 0;
      if (call_version(ring, &version) != VK_SUCCESS || version != FAKE_VERSION) {
         CHECK(!"round trip failed");
         break;
      }
   }
   CHECK(ring->cur > 20 * SMALL_RING);
   CHECK(atomic_load(&ring->lost) == VK_SUCCESS);
   done(fake, ring);
}

static void *
resume_after_50ms(void *arg)
{
   usleep(50 * 1000);
   ((struct fake_renderer *)arg)->paused = false;
   return NULL;
}

static void
test_full_ring(void)
{
   struct fake_renderer *fake;
   struct vn_ring *ring = make_ring(&fake, SMALL_RING);
   fake->paused = true;
   /* async commands until the ring is full: the writer must wait, not overwrite */
   const uint32_t n = SMALL_RING / 16 + 8;
   pthread_t resumer;
   pthread_create(&resumer, NULL, resume_after_50ms, fake);
   for (uint32_t i = 0; i < n; i++) {
      uint32_t version;
      vn_async_vkEnumerateInstanceVersion(ring, &version);
   }
   pthread_join(resumer, NULL);
   uint32_t version = 0;
   CHECK(call_version(ring, &version) == VK_SUCCESS && version == FAKE_VERSION);
   CHECK(fake->commands >= n);
   done(fake, ring);
}

static void
test_indirect(void)
{
   struct fake_renderer *fake;
   struct vn_ring *ring = make_ring(&fake, SMALL_RING);
   /* a layer name of 3000 chars makes a command far above the direct limit (ring size / 16) */
   char name[3001];
   memset(name, 'x', 3000);
   name[3000] = 0;
   for (int i = 0; i < 50; i++) {
      uint32_t count = 0;
      VkResult result;
      PVK_CALL(ring, result, vkEnumerateInstanceExtensionProperties, name, &count, NULL);
      CHECK(result == VK_SUCCESS && count == 3000);
   }
   CHECK(ring->indirect_count == 50);
   CHECK(fake->indirect_streams == 50);
   /* small commands still go inline */
   uint32_t version = 0;
   CHECK(call_version(ring, &version) == VK_SUCCESS);
   CHECK(ring->indirect_count == 50);
   done(fake, ring);
}

static void
test_idle_notify(void)
{
   struct fake_renderer *fake;
   struct vn_ring *ring = make_ring(&fake, SMALL_RING);
   uint32_t version = 0;
   CHECK(call_version(ring, &version) == VK_SUCCESS);
   /* let the host park, then talk to it again: it must be notified and answer */
   const uint32_t parked = fake->parked;
   for (int i = 0; i < 100 && fake->parked == parked; i++)
      usleep(1000);
   CHECK(fake->parked > parked);
   CHECK(call_version(ring, &version) == VK_SUCCESS && version == FAKE_VERSION);
   CHECK(fake->notifies >= 1);
   done(fake, ring);
}

static void
test_fatal(void)
{
   struct fake_renderer *fake;
   struct vn_ring *ring = make_ring(&fake, SMALL_RING);
   fake->fatal = true;
   usleep(5 * 1000);
   uint32_t version = 0;
   const int64_t t0 = pvk_now_ns();
   CHECK(call_version(ring, &version) == VK_ERROR_DEVICE_LOST);
   CHECK(pvk_now_ns() - t0 < 5ll * 1000 * 1000 * 1000);
   /* sticky: later calls fail at once */
   CHECK(call_version(ring, &version) == VK_ERROR_DEVICE_LOST);
   done(fake, ring);
}

static void
test_dead_host(void)
{
   struct fake_renderer *fake;
   struct vn_ring *ring = make_ring(&fake, SMALL_RING);
   uint32_t version = 0;
   CHECK(call_version(ring, &version) == VK_SUCCESS);
   fake->dead = true; /* the host thread stops consuming and stops its heartbeat */
   const int64_t t0 = pvk_now_ns();
   CHECK(call_version(ring, &version) == VK_ERROR_DEVICE_LOST);
   const int64_t ms = (pvk_now_ns() - t0) / 1000000;
   printf("     dead host detected in %lld ms\n", (long long)ms);
   CHECK(ms < 5000);
   done(fake, ring);
}

/* Threads calling at once: each must get the reply to its own command. */
struct caller {
   struct vn_ring *ring;
   int index;
   int failures;
};

static void *
caller_thread(void *arg)
{
   struct caller *c = arg;
   /* a name length only this thread uses; every 7th call large enough to go indirect */
   char name[4000];
   for (int i = 0; i < 400; i++) {
      const size_t len = (i % 7 == 6 ? 3000 : 10) + c->index;
      memset(name, 'a' + c->index, len);
      name[len] = 0;
      uint32_t count = 0;
      VkResult result;
      PVK_CALL(c->ring, result, vkEnumerateInstanceExtensionProperties, name, &count, NULL);
      if (result != VK_SUCCESS || count != len)
         c->failures++;
   }
   return NULL;
}

static void
test_threads(void)
{
   struct fake_renderer *fake;
   struct vn_ring *ring = make_ring(&fake, SMALL_RING);
   struct caller callers[4];
   pthread_t threads[4];
   for (int t = 0; t < 4; t++) {
      callers[t] = (struct caller){ .ring = ring, .index = t };
      pthread_create(&threads[t], NULL, caller_thread, &callers[t]);
   }
   for (int t = 0; t < 4; t++) {
      pthread_join(threads[t], NULL);
      CHECK(callers[t].failures == 0);
   }
   /* one reply stream per thread */
   int streams = 0;
   for (struct pvk_reply_stream *s = ring->reply_streams; s; s = s->next)
      streams++;
   CHECK(streams == 4);
   done(fake, ring);
}

static void
test_corrupted_reply(void)
{
   struct fake_renderer *fake;
   struct vn_ring *ring = make_ring(&fake, SMALL_RING);
   fake->corrupt_reply = true;
   uint32_t version = 0;
   CHECK(call_version(ring, &version) == VK_ERROR_DEVICE_LOST);
   done(fake, ring);
}

int
main(void)
{
   memset(&pvk_protocol_info, 0xff, sizeof(pvk_protocol_info));
   RUN(test_layout);
   RUN(test_roundtrip_reply);
   RUN(test_wraparound);
   RUN(test_full_ring);
   RUN(test_indirect);
   RUN(test_idle_notify);
   RUN(test_threads);
   RUN(test_fatal);
   RUN(test_dead_host);
   RUN(test_corrupted_reply);
   return pvk_test_failures ? 1 : 0;
}
