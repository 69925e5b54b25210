// SPDX-License-Identifier: MIT
/*
 * vk_threads proves that command recording is thread-safe across command pools, and that queue
 * submission and fence waits work from several threads: THREADS threads, released together by a
 * barrier, each record BUFFERS_PER_THREAD command buffers from their own command pool, each buffer
 * holding DISPATCHES compute dispatches that write one distinct slot of a shared buffer
 * (out[slot] = slot * 2654435761 ^ seed). Each thread then submits its buffers (the queue is shared,
 * so submissions take a mutex, as the spec requires external synchronisation of a VkQueue) and waits
 * on its own fence, concurrently with the others. Every slot must hold its value: a lost, repeated or
 * mixed-up command shows as a wrong or untouched slot.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "slot_write.h"

#define THREADS 8u
#define BUFFERS_PER_THREAD 4u
#define DISPATCHES 32u
#define SLOTS (THREADS * BUFFERS_PER_THREAD * DISPATCHES)
#define UNTOUCHED 0xdeadbeefu

struct params {
	uint32_t slot;
	uint32_t seed;
};

struct shared {
	struct vkt *t;
	const struct vkt_compute *compute;
	uint32_t seed;
	pthread_barrier_t start;
	pthread_mutex_t queue_lock;
};

struct worker {
	struct shared *shared;
	uint32_t index;
	VkCommandPool pool;
	VkCommandBuffer cmds[BUFFERS_PER_THREAD];
	VkFence fence;
	VkResult result; /* first failure, VK_SUCCESS otherwise */
	const char *failed_call;
};

#define WORKER_CHECK(w, call)                                                                             \
	do {                                                                                              \
		VkResult r_ = (call);                                                                     \
		if (r_ != VK_SUCCESS) {                                                                   \
			(w)->result = r_;                                                                 \
			(w)->failed_call = #call;                                                         \
			return NULL;                                                                      \
		}                                                                                         \
	} while (0)

/* Pool, command buffers and fence of one worker; false (with the failure noted) when one fails. */
static bool worker_prepare(struct worker *w)
{
	VkDevice device = w->shared->t->device;
	VkCommandPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
		.queueFamilyIndex = w->shared->t->queue_family,
	};
	VkCommandBufferAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = BUFFERS_PER_THREAD,
	};
	VkFenceCreateInfo fence_info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };

	if ((w->result = vkCreateCommandPool(device, &pool_info, NULL, &w->pool)) != VK_SUCCESS) {
		w->failed_call = "vkCreateCommandPool";
		return false;
	}
	alloc.commandPool = w->pool;
	if ((w->result = vkAllocateCommandBuffers(device, &alloc, w->cmds)) != VK_SUCCESS) {
		w->failed_call = "vkAllocateCommandBuffers";
		return false;
	}
	if ((w->result = vkCreateFence(device, &fence_info, NULL, &w->fence)) != VK_SUCCESS) {
		w->failed_call = "vkCreateFence";
		return false;
	}
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *s = w->shared;
	VkDevice device = s->t->device;
	bool prepared = worker_prepare(w);

	/* Everyone records at once (a worker whose set-up failed still meets the others here). */
	pthread_barrier_wait(&s->start);
	if (!prepared)
		return NULL;
	VkCommandBufferBeginInfo begin = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
	};
	for (uint32_t b = 0; b < BUFFERS_PER_THREAD; b++) {
		WORKER_CHECK(w, vkBeginCommandBuffer(w->cmds[b], &begin));
		for (uint32_t d = 0; d < DISPATCHES; d++) {
			struct params p = {
				.slot = (w->index * BUFFERS_PER_THREAD + b) * DISPATCHES + d,
				.seed = s->seed,
			};
			vkt_cmd_compute(w->cmds[b], s->compute, &p, sizeof(p), 1);
		}
		vkt_cmd_barrier_to_host(w->cmds[b], VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT);
		WORKER_CHECK(w, vkEndCommandBuffer(w->cmds[b]));
	}

	VkSubmitInfo submit = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.commandBufferCount = BUFFERS_PER_THREAD,
		.pCommandBuffers = w->cmds,
	};
	pthread_mutex_lock(&s->queue_lock);
	VkResult submitted = vkQueueSubmit(s->t->queue, 1, &submit, w->fence);
	pthread_mutex_unlock(&s->queue_lock);
	WORKER_CHECK(w, submitted);
	/* Waiting on different fences from several threads needs no lock. */
	WORKER_CHECK(w, vkWaitForFences(device, 1, &w->fence, VK_TRUE, VKT_WAIT_TIMEOUT_NS));
	return NULL;
}

int main(void)
{
	struct vkt t;
	struct vkt_buffer output;
	struct vkt_compute compute;
	struct shared shared;
	struct worker workers[THREADS];
	pthread_t threads[THREADS];

	vkt_init(&t, "vk_threads", NULL);
	shared.t = &t;
	shared.seed = vkt_seed(&t);
	shared.compute = &compute;
	pthread_barrier_init(&shared.start, NULL, THREADS);
	pthread_mutex_init(&shared.queue_lock, NULL);

	vkt_buffer_create(&t, &output, SLOTS * sizeof(uint32_t), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, true);
	uint32_t *out = output.map;
	for (uint32_t i = 0; i < SLOTS; i++)
		out[i] = UNTOUCHED;
	vkt_buffer_flush(&t, &output);
	const struct vkt_buffer *buffers[1] = { &output };
	vkt_compute_create(&t, &compute, slot_write, sizeof(slot_write), buffers, 1, sizeof(struct params));

	vkt_stage = "worker threads";
	for (uint32_t i = 0; i < THREADS; i++) {
		workers[i] = (struct worker){ .shared = &shared, .index = i };
		if (pthread_create(&threads[i], NULL, worker_main, &workers[i]))
			vkt_die(&t, "pthread_create failed");
	}
	for (uint32_t i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	vkt_buffer_invalidate(&t, &output);

	const struct worker *failed = NULL;
	for (uint32_t i = 0; i < THREADS && !failed; i++)
		if (workers[i].result != VK_SUCCESS)
			failed = &workers[i];

	uint32_t bad = 0, bad_slot = 0, bad_expected = 0, bad_got = 0;
	for (uint32_t slot = 0; slot < SLOTS; slot++) {
		uint32_t expected = slot * 2654435761u ^ shared.seed;

		if (out[slot] != expected && bad++ == 0) {
			bad_slot = slot;
			bad_expected = expected;
			bad_got = out[slot];
		}
	}

	/* A thread that failed may have left work queued: let the device finish before freeing. */
	vkDeviceWaitIdle(t.device);
	for (uint32_t i = 0; i < THREADS; i++) {
		if (workers[i].fence)
			vkDestroyFence(t.device, workers[i].fence, NULL);
		if (workers[i].pool)
			vkDestroyCommandPool(t.device, workers[i].pool, NULL);
	}
	vkt_compute_destroy(&t, &compute);
	vkt_buffer_destroy(&t, &output);
	pthread_mutex_destroy(&shared.queue_lock);
	pthread_barrier_destroy(&shared.start);

	if (failed)
		return vkt_fail(&t, "thread %u: %s returned %s", failed->index, failed->failed_call,
				vkt_result_name(failed->result));
	if (bad)
		return vkt_fail(&t, "%u threads x %u command buffers x %u dispatches: %u of %u slots wrong; first slot %u "
				    "(thread %u): expected 0x%08x, got 0x%08x",
				THREADS, BUFFERS_PER_THREAD, DISPATCHES, bad, SLOTS, bad_slot,
				bad_slot / (BUFFERS_PER_THREAD * DISPATCHES), bad_expected, bad_got);
	return vkt_pass(&t, "%u threads recorded %u command buffers (%u dispatches) at once, submitted and waited "
			    "concurrently: all %u slots right",
			THREADS, THREADS * BUFFERS_PER_THREAD, SLOTS, SLOTS);
}
