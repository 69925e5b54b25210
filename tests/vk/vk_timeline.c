// SPDX-License-Identifier: MIT
/*
 * vk_timeline proves timeline semaphores (core in Vulkan 1.2):
 *  1. host side: the initial value is reported, vkSignalSemaphore moves it, vkWaitSemaphores returns
 *     at once for a reached value and VK_TIMEOUT for an unreached one, WAIT_ANY vs WAIT_ALL;
 *  2. wait-before-signal: a chain of STEPS submissions, submission k waiting for value k and signalling
 *     k + 1, is submitted before the host signals value 1. Until then nothing may run (the counter
 *     and the buffer stay untouched); once the host signals, each step computes
 *     slot[k] = slot[k - 1] * 31 + k, so a step that ran before its predecessor leaves a wrong value;
 *  3. the counter values the host observes while the chain runs never go backwards and end at
 *     STEPS + 1; the steps alternate between two queues when the device has two.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "timeline_step.h"

#define STEPS 24u
#define SENTINEL 0xdeadbeefu
#define MAX_OBSERVATIONS 100000u

static uint64_t counter_value(struct vkt *t, VkSemaphore semaphore)
{
	uint64_t value;

	VKT_CHECK(t, vkGetSemaphoreCounterValue(t->device, semaphore, &value));
	return value;
}

static VkResult wait_value(struct vkt *t, const VkSemaphore *semaphores, const uint64_t *values, uint32_t count,
			   bool any, uint64_t timeout_ns)
{
	VkSemaphoreWaitInfo info = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
		.flags = any ? VK_SEMAPHORE_WAIT_ANY_BIT : 0,
		.semaphoreCount = count,
		.pSemaphores = semaphores,
		.pValues = values,
	};

	vkt_stage = "vkWaitSemaphores";
	return vkWaitSemaphores(t->device, &info, timeout_ns);
}

static void signal_value(struct vkt *t, VkSemaphore semaphore, uint64_t value)
{
	VkSemaphoreSignalInfo info = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
		.semaphore = semaphore,
		.value = value,
	};

	VKT_CHECK(t, vkSignalSemaphore(t->device, &info));
}

static VkSemaphore timeline_create(struct vkt *t, uint64_t initial)
{
	VkSemaphoreTypeCreateInfo type_info = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
		.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
		.initialValue = initial,
	};
	VkSemaphoreCreateInfo info = { .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, .pNext = &type_info };
	VkSemaphore semaphore;

	VKT_CHECK(t, vkCreateSemaphore(t->device, &info, NULL, &semaphore));
	return semaphore;
}

/* Part 1; returns NULL or a description of what was wrong. */
static const char *check_host_operations(struct vkt *t, char *msg, size_t len)
{
	VkSemaphore a = timeline_create(t, 5), b = timeline_create(t, 0);
	const char *error = NULL;
	uint64_t got;
	VkResult result;

	if ((got = counter_value(t, a)) != 5) {
		snprintf(msg, len, "initial value: expected 5, got %llu", (unsigned long long)got);
		error = msg;
		goto out;
	}
	signal_value(t, a, 7);
	if ((got = counter_value(t, a)) != 7) {
		snprintf(msg, len, "after host signal 7: expected 7, got %llu", (unsigned long long)got);
		error = msg;
		goto out;
	}
	uint64_t seven = 7, eight = 8;
	if ((result = wait_value(t, &a, &seven, 1, false, 0)) != VK_SUCCESS) {
		snprintf(msg, len, "wait for reached value 7: expected VK_SUCCESS, got %s", vkt_result_name(result));
		error = msg;
		goto out;
	}
	if ((result = wait_value(t, &a, &eight, 1, false, 1000000)) != VK_TIMEOUT) {
		snprintf(msg, len, "wait for unreached value 8 (1 ms): expected VK_TIMEOUT, got %s",
			 vkt_result_name(result));
		error = msg;
		goto out;
	}
	/* a = 7, b = 0: waiting for (a >= 6, b >= 1) is satisfied with ANY, not with ALL. */
	VkSemaphore both[2] = { a, b };
	uint64_t values[2] = { 6, 1 };
	if ((result = wait_value(t, both, values, 2, true, 1000000)) != VK_SUCCESS) {
		snprintf(msg, len, "WAIT_ANY with one of two reached: expected VK_SUCCESS, got %s",
			 vkt_result_name(result));
		error = msg;
		goto out;
	}
	if ((result = wait_value(t, both, values, 2, false, 1000000)) != VK_TIMEOUT) {
		snprintf(msg, len, "WAIT_ALL with one of two reached: expected VK_TIMEOUT, got %s",
			 vkt_result_name(result));
		error = msg;
		goto out;
	}
out:
	vkDestroySemaphore(t->device, b, NULL);
	vkDestroySemaphore(t->device, a, NULL);
	return error;
}

int main(void)
{
	struct vkt t;
	char msg[256];
	const char *error;

	vkt_init_instance(&t, "vk_timeline");
	if (!vkt_api_at_least(&t, 1, 2))
		return vkt_skip(&t, "device reports Vulkan %u.%u; timeline semaphores are core from 1.2",
				VK_API_VERSION_MAJOR(t.props.apiVersion), VK_API_VERSION_MINOR(t.props.apiVersion));
	VkPhysicalDeviceTimelineSemaphoreFeatures timeline_features = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
	};
	VkPhysicalDeviceFeatures2 features = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
		.pNext = &timeline_features,
	};
	vkGetPhysicalDeviceFeatures2(t.physical_device, &features);
	if (!timeline_features.timelineSemaphore)
		return vkt_skip(&t, "timelineSemaphore feature not supported");
	timeline_features = (VkPhysicalDeviceTimelineSemaphoreFeatures){
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
		.timelineSemaphore = VK_TRUE,
	};
	struct vkt_device_options opts = {
		.features_chain = &timeline_features,
		.queue_count = 2,
		.queue_flags = VK_QUEUE_COMPUTE_BIT,
	};
	vkt_init_device(&t, &opts);

	/* 1. Host operations. */
	if ((error = check_host_operations(&t, msg, sizeof(msg))))
		return vkt_fail(&t, "timeline host operations: %s", error);

	/* 2. A gated chain of submissions. */
	uint32_t state = vkt_seed(&t);
	struct vkt_buffer chain;
	vkt_buffer_create(&t, &chain, (STEPS + 1) * sizeof(uint32_t), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, true);
	uint32_t *slot = chain.map;
	slot[0] = vkt_rand(&state);
	for (uint32_t k = 1; k <= STEPS; k++)
		slot[k] = SENTINEL;
	vkt_buffer_flush(&t, &chain);

	const struct vkt_buffer *buffers[1] = { &chain };
	struct vkt_compute step;
	vkt_compute_create(&t, &step, timeline_step, sizeof(timeline_step), buffers, 1, sizeof(uint32_t));

	VkCommandBuffer cmds[STEPS];
	VkCommandBufferAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.commandPool = t.command_pool,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = STEPS,
	};
	VKT_CHECK(&t, vkAllocateCommandBuffers(t.device, &alloc, cmds));
	VkCommandBufferBeginInfo begin = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
	for (uint32_t k = 1; k <= STEPS; k++) {
		VKT_CHECK(&t, vkBeginCommandBuffer(cmds[k - 1], &begin));
		vkt_cmd_compute(cmds[k - 1], &step, &k, sizeof(k), 1);
		vkt_cmd_barrier_to_host(cmds[k - 1], VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT);
		VKT_CHECK(&t, vkEndCommandBuffer(cmds[k - 1]));
	}

	VkSemaphore timeline = timeline_create(&t, 0);
	VkFence last_fence = vkt_fence(&t, false);
	for (uint32_t k = 1; k <= STEPS; k++) {
		uint64_t wait = k, signal = k + 1;
		VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
		VkTimelineSemaphoreSubmitInfo values = {
			.sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
			.waitSemaphoreValueCount = 1,
			.pWaitSemaphoreValues = &wait,
			.signalSemaphoreValueCount = 1,
			.pSignalSemaphoreValues = &signal,
		};
		VkSubmitInfo submit = {
			.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
			.pNext = &values,
			.waitSemaphoreCount = 1,
			.pWaitSemaphores = &timeline,
			.pWaitDstStageMask = &wait_stage,
			.commandBufferCount = 1,
			.pCommandBuffers = &cmds[k - 1],
			.signalSemaphoreCount = 1,
			.pSignalSemaphores = &timeline,
		};
		VKT_CHECK(&t, vkQueueSubmit(t.queues[k % t.queue_count], 1, &submit,
					    k == STEPS ? last_fence : VK_NULL_HANDLE));
	}

	/* Nothing may have run before the host signals value 1. */
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	uint64_t early = counter_value(&t, timeline);
	vkt_buffer_invalidate(&t, &chain);
	uint32_t early_slot = slot[1];
	VkResult early_fence = vkGetFenceStatus(t.device, last_fence);

	signal_value(&t, timeline, 1);

	/* Observe the counter while the chain runs; it must never go backwards. */
	uint64_t previous = 1, deadline = vkt_now_ns() + VKT_WAIT_TIMEOUT_NS;
	uint32_t observed_count = 0, polls = 0, backwards = 0;
	uint64_t backwards_from = 0, backwards_to = 0;
	for (;;) {
		uint64_t value = counter_value(&t, timeline);

		if (value < previous && backwards++ == 0) {
			backwards_from = previous;
			backwards_to = value;
		}
		if (value != previous)
			observed_count++;
		previous = value;
		if (value >= STEPS + 1 || ++polls >= MAX_OBSERVATIONS || vkt_now_ns() > deadline)
			break;
	}
	/* Then wait for a mid value and the end with a bounded wait. */
	uint64_t middle = STEPS / 2, end = STEPS + 1;
	VkResult middle_result = wait_value(&t, &timeline, &middle, 1, false, VKT_WAIT_TIMEOUT_NS);
	VkResult end_result = wait_value(&t, &timeline, &end, 1, false, VKT_WAIT_TIMEOUT_NS);
	vkt_wait_fence(&t, last_fence, "the last step of the chain");
	uint64_t final_value = counter_value(&t, timeline);
	vkt_buffer_invalidate(&t, &chain);

	uint32_t expected = slot[0], bad_k = 0, bad_expected = 0, bad_got = 0;
	for (uint32_t k = 1; k <= STEPS && !bad_k; k++) {
		expected = expected * 31u + k;
		if (slot[k] != expected) {
			bad_k = k;
			bad_expected = expected;
			bad_got = slot[k];
		}
	}

	vkDestroyFence(t.device, last_fence, NULL);
	vkDestroySemaphore(t.device, timeline, NULL);
	vkFreeCommandBuffers(t.device, t.command_pool, STEPS, cmds);
	vkt_compute_destroy(&t, &step);
	vkt_buffer_destroy(&t, &chain);

	if (early != 0 || early_slot != SENTINEL || early_fence != VK_NOT_READY)
		return vkt_fail(&t, "chain ran before the host signalled its first value: counter expected 0, got %llu; "
				    "slot[1] expected 0x%08x, got 0x%08x; fence expected VK_NOT_READY, got %s",
				(unsigned long long)early, SENTINEL, early_slot, vkt_result_name(early_fence));
	if (backwards)
		return vkt_fail(&t, "counter went backwards %u time(s), first from %llu to %llu", backwards,
				(unsigned long long)backwards_from, (unsigned long long)backwards_to);
	if (middle_result != VK_SUCCESS || end_result != VK_SUCCESS)
		return vkt_fail(&t, "host wait for %llu / %llu: expected VK_SUCCESS, got %s / %s",
				(unsigned long long)middle, (unsigned long long)end, vkt_result_name(middle_result),
				vkt_result_name(end_result));
	if (final_value != STEPS + 1)
		return vkt_fail(&t, "final counter: expected %u, got %llu", STEPS + 1, (unsigned long long)final_value);
	if (bad_k)
		return vkt_fail(&t, "chain step %u ran out of order or not at all: slot[%u] expected 0x%08x, got 0x%08x",
				bad_k, bad_k, bad_expected, bad_got);
	return vkt_pass(&t, "timeline: host signal/wait/any/all; %u gated steps on %u queue(s) ran in order; "
			    "%u distinct counter values observed, never decreasing",
			STEPS, t.queue_count, observed_count);
}
