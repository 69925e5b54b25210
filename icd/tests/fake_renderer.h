/*
 * A fake host renderer for pvk's ring tests: a pvk_renderer backend whose shared memory is plain
 * process memory and whose "ring thread" is a thread of the test. It understands just the Venus
 * commands the tests send (reply stream, indirect streams, vkEnumerateInstanceVersion,
 * vkEnumerateInstanceExtensionProperties, vkWriteRingExtraMESA) and behaves like virglrenderer's
 * vkr ring: head stored with release after each command, IDLE set before parking, woken by
 * vkNotifyRingMESA, ALIVE set periodically, FATAL on request.
 */
#ifndef FAKE_RENDERER_H
#define FAKE_RENDERER_H

#include <pthread.h>

#include "vn_ring.h"

#define FAKE_MAX_RES 64
#define FAKE_VERSION VK_MAKE_API_VERSION(0, 1, 3, 42)

struct fake_renderer {
   struct pvk_renderer base;
   struct {
      void *ptr;
      size_t size;
   } res[FAKE_MAX_RES];
   /* everything below up to `thread` is protected by mutex */
   uint32_t ring_res; /* resource id of the ring (0: none) */
   struct pvk_ring_layout layout;

   pthread_t thread;
   pthread_mutex_t mutex;
   pthread_cond_t cond;
   atomic_bool stop, paused, dead, fatal, alive_enabled, corrupt_reply;
   atomic_uint notifies, commands, indirect_streams, replies, parked;
   uint32_t reply_res, reply_offset, reply_size;
};

/* Create the fake (with its host thread) for a ring of ring_size bytes. */
struct fake_renderer *fake_renderer_create(uint32_t ring_size);
void fake_renderer_destroy(struct fake_renderer *fake);

#endif
