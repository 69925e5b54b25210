// SPDX-License-Identifier: MIT
/*
 * vk_events proves events, and that host reads of event and timeline status cost no round trip on pvk:
 *  1. host: a new event is reset; vkSetEvent and vkResetEvent change vkGetEventStatus at once;
 *  2. device: a fill, a transfer->host barrier and vkCmdSetEvent; the host polls vkGetEventStatus (no
 *     fence wait) until the event is set, and the filled word must then be there; a second submission
 *     with vkCmdResetEvent leaves it reset. With VK_KHR_synchronization2, the same with
 *     vkCmdSetEvent2KHR and vkCmdResetEvent2KHR;
 *  3. host-set event waited for by the device: vkCmdWaitEvents on an event the host set before the
 *     submission lets the copy recorded after it run;
 *  4. round trips, where the ICD is pvk (PVK_DEBUG=ring reports its synchronous calls at
 *     vkDestroyInstance; stderr is captured for it): the same short program runs twice, once with
 *     LOOPS x (vkGetEventStatus, vkGetSemaphoreCounterValue, vkWaitSemaphores with timeout 0) on a
 *     GPU-signalled timeline semaphore, once without; the loops may add no more than one synchronous
 *     call per 200 ms (the dead-host check) plus a little slack, where asking the host would add
 *     3 x LOOPS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define PATTERN 0x600dcafeu

/* VK_KHR_synchronization2's commands (the programs create Vulkan 1.2 instances: no core 1.3 entry points) */
static PFN_vkCmdSetEvent2KHR cmd_set_event2;
static PFN_vkCmdResetEvent2KHR cmd_reset_event2;
#define LOOPS 1000u

static VkEvent event_create(struct vkt *t)
{
	VkEventCreateInfo info = { .sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO };
	VkEvent event;

	VKT_CHECK(t, vkCreateEvent(t->device, &info, NULL, &event));
	return event;
}

/* Polls vkGetEventStatus until it returns want (or the bounded timeout passes); returns the last status. */
static VkResult poll_event(struct vkt *t, VkEvent event, VkResult want)
{
	uint64_t deadline = vkt_now_ns() + VKT_WAIT_TIMEOUT_NS;
	VkResult status;

	vkt_stage = "vkGetEventStatus (polling)";
	while ((status = vkGetEventStatus(t->device, event)) != want && vkt_now_ns() < deadline) {
		struct timespec pause = { 0, 100 * 1000 };
		nanosleep(&pause, NULL);
	}
	return status;
}

static VkSubmitInfo submit_info(const VkCommandBuffer *cmd)
{
	return (VkSubmitInfo){ .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = cmd };
}

/* Part 1; returns NULL or what was wrong. */
static const char *check_host(struct vkt *t, char *msg, size_t len)
{
	VkEvent event = event_create(t);
	VkResult s0 = vkGetEventStatus(t->device, event);
	VKT_CHECK(t, vkSetEvent(t->device, event));
	VkResult s1 = vkGetEventStatus(t->device, event);
	VKT_CHECK(t, vkResetEvent(t->device, event));
	VkResult s2 = vkGetEventStatus(t->device, event);
	vkDestroyEvent(t->device, event, NULL);
	if (s0 != VK_EVENT_RESET || s1 != VK_EVENT_SET || s2 != VK_EVENT_RESET) {
		snprintf(msg, len, "host: new, set, reset: expected VK_EVENT_RESET, VK_EVENT_SET, VK_EVENT_RESET; got %s, %s, %s",
			 vkt_result_name(s0), vkt_result_name(s1), vkt_result_name(s2));
		return msg;
	}
	return NULL;
}

/* Part 2 (sync2: vkCmdSetEvent2/vkCmdResetEvent2); returns NULL or what was wrong. */
static const char *check_device(struct vkt *t, bool sync2, char *msg, size_t len)
{
	struct vkt_buffer buf;
	VkEvent event = event_create(t);
	const char *what = sync2 ? "vkCmdSetEvent2KHR" : "vkCmdSetEvent";

	vkt_buffer_create(t, &buf, 4 * sizeof(uint32_t), VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
	memset(buf.map, 0, 4 * sizeof(uint32_t));
	vkt_buffer_flush(t, &buf);

	VkCommandBuffer set = vkt_begin_one_shot(t);
	vkCmdFillBuffer(set, buf.buffer, 0, 4 * sizeof(uint32_t), PATTERN);
	vkt_cmd_barrier_to_host(set, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
	if (sync2) {
		/* a source stage above bit 31 (CLEAR) */
		VkMemoryBarrier2 barrier = {
			.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2,
			.srcStageMask = VK_PIPELINE_STAGE_2_CLEAR_BIT,
			.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
			.dstStageMask = VK_PIPELINE_STAGE_2_TRANSFER_BIT,
			.dstAccessMask = VK_ACCESS_2_TRANSFER_READ_BIT,
		};
		VkDependencyInfo dep = {
			.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
			.memoryBarrierCount = 1,
			.pMemoryBarriers = &barrier,
		};
		cmd_set_event2(set, event, &dep);
	} else {
		vkCmdSetEvent(set, event, VK_PIPELINE_STAGE_TRANSFER_BIT);
	}
	VKT_CHECK(t, vkEndCommandBuffer(set));
	VkCommandBuffer reset = vkt_begin_one_shot(t);
	if (sync2)
		cmd_reset_event2(reset, event, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
	else
		vkCmdResetEvent(reset, event, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
	VKT_CHECK(t, vkEndCommandBuffer(reset));

	VkFence fence = vkt_fence(t, false);
	VkSubmitInfo submit = submit_info(&set);
	VKT_CHECK(t, vkQueueSubmit(t->queue, 1, &submit, fence));
	VkResult after_set = poll_event(t, event, VK_EVENT_SET);
	vkt_buffer_invalidate(t, &buf);
	uint32_t word = ((uint32_t *)buf.map)[3];
	vkt_wait_fence(t, fence, what);
	VkResult after_wait = vkGetEventStatus(t->device, event);

	VKT_CHECK(t, vkResetFences(t->device, 1, &fence));
	submit = submit_info(&reset);
	VKT_CHECK(t, vkQueueSubmit(t->queue, 1, &submit, fence));
	vkt_wait_fence(t, fence, sync2 ? "vkCmdResetEvent2KHR" : "vkCmdResetEvent");
	VkResult after_reset = vkGetEventStatus(t->device, event);

	if (after_set != VK_EVENT_SET)
		snprintf(msg, len, "%s: the host never saw the event set (last status %s)", what,
			 vkt_result_name(after_set));
	else if (word != PATTERN)
		snprintf(msg, len, "%s: event set but the fill before it not visible: word 0x%08x, expected 0x%08x",
			 what, word, PATTERN);
	else if (after_wait != VK_EVENT_SET || after_reset != VK_EVENT_RESET)
		snprintf(msg, len, "%s: after the fence, after the reset submission: expected VK_EVENT_SET, "
			 "VK_EVENT_RESET; got %s, %s", what, vkt_result_name(after_wait), vkt_result_name(after_reset));
	else
		msg = NULL;
	const char *error = msg;

	vkDestroyFence(t->device, fence, NULL);
	VkCommandBuffer cmds[2] = { set, reset };
	vkFreeCommandBuffers(t->device, t->command_pool, 2, cmds);
	vkDestroyEvent(t->device, event, NULL);
	vkt_buffer_destroy(t, &buf);
	return error;
}

/* Part 3; returns NULL or what was wrong. */
static const char *check_host_set_wait(struct vkt *t, char *msg, size_t len)
{
	struct vkt_buffer src, dst;
	VkEvent event = event_create(t);
	const char *error = NULL;

	vkt_buffer_create(t, &src, sizeof(uint32_t), VK_BUFFER_USAGE_TRANSFER_SRC_BIT, true);
	vkt_buffer_create(t, &dst, sizeof(uint32_t), VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
	*(uint32_t *)src.map = PATTERN ^ 0xffffffffu;
	*(uint32_t *)dst.map = 0;
	vkt_buffer_flush(t, &src);
	vkt_buffer_flush(t, &dst);

	VkCommandBuffer cmd = vkt_begin_one_shot(t);
	VkMemoryBarrier barrier = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
		.srcAccessMask = VK_ACCESS_HOST_WRITE_BIT,
		.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
	};
	vkCmdWaitEvents(cmd, 1, &event, VK_PIPELINE_STAGE_HOST_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 1, &barrier, 0, NULL,
			0, NULL);
	VkBufferCopy region = { .size = sizeof(uint32_t) };
	vkCmdCopyBuffer(cmd, src.buffer, dst.buffer, 1, &region);
	vkt_cmd_barrier_to_host(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
	VKT_CHECK(t, vkEndCommandBuffer(cmd));

	VKT_CHECK(t, vkSetEvent(t->device, event));
	VkFence fence = vkt_fence(t, false);
	VkSubmitInfo submit = submit_info(&cmd);
	VKT_CHECK(t, vkQueueSubmit(t->queue, 1, &submit, fence));
	vkt_wait_fence(t, fence, "a copy after vkCmdWaitEvents on a host-set event");
	vkt_buffer_invalidate(t, &dst);
	uint32_t word = *(uint32_t *)dst.map;
	if (word != (PATTERN ^ 0xffffffffu)) {
		snprintf(msg, len, "copy after waiting for a host-set event: 0x%08x, expected 0x%08x", word,
			 PATTERN ^ 0xffffffffu);
		error = msg;
	}
	vkDestroyFence(t->device, fence, NULL);
	vkFreeCommandBuffers(t->device, t->command_pool, 1, &cmd);
	vkDestroyEvent(t->device, event, NULL);
	vkt_buffer_destroy(t, &dst);
	vkt_buffer_destroy(t, &src);
	return error;
}

/*
 * Part 4, one run: instance, device, an event and a timeline semaphore the GPU signals to 1, then
 * `loops` rounds of host reads, each checked. Returns the loop's duration in ms; exits on a wrong read.
 */
static double reads_run(uint32_t loops)
{
	struct vkt t;
	VkPhysicalDeviceTimelineSemaphoreFeatures timeline_features = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES,
		.timelineSemaphore = VK_TRUE,
	};
	struct vkt_device_options opts = { .features_chain = &timeline_features };

	vkt_init(&t, "vk_events", &opts);
	VkSemaphoreTypeCreateInfo type_info = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
		.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
	};
	VkSemaphoreCreateInfo sem_info = { .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, .pNext = &type_info };
	VkSemaphore semaphore;
	VKT_CHECK(&t, vkCreateSemaphore(t.device, &sem_info, NULL, &semaphore));
	VkEvent event = event_create(&t);

	uint64_t one = 1;
	VkTimelineSemaphoreSubmitInfo values = {
		.sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
		.signalSemaphoreValueCount = 1,
		.pSignalSemaphoreValues = &one,
	};
	VkSubmitInfo submit = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.pNext = &values,
		.signalSemaphoreCount = 1,
		.pSignalSemaphores = &semaphore,
	};
	VkFence fence = vkt_fence(&t, false);
	VKT_CHECK(&t, vkQueueSubmit(t.queue, 1, &submit, fence));
	vkt_wait_fence(&t, fence, "an empty submission signalling a timeline semaphore");
	VkSemaphoreWaitInfo wait = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
		.semaphoreCount = 1,
		.pSemaphores = &semaphore,
		.pValues = &one,
	};
	/* the signal may land just after the fence's own feedback: wait for it, bounded */
	VKT_CHECK(&t, vkWaitSemaphores(t.device, &wait, VKT_WAIT_TIMEOUT_NS));

	vkt_stage = "host reads";
	uint64_t start = vkt_now_ns();
	for (uint32_t i = 0; i < loops; i++) {
		VkResult status = vkGetEventStatus(t.device, event);
		uint64_t value = 0;
		VKT_CHECK(&t, vkGetSemaphoreCounterValue(t.device, semaphore, &value));
		VkResult waited = vkWaitSemaphores(t.device, &wait, 0);
		if (status != VK_EVENT_RESET || value != 1 || waited != VK_SUCCESS)
			vkt_die(&t, "read %u: event %s (expected VK_EVENT_RESET), counter %llu (expected 1), "
				    "wait for 1 %s (expected VK_SUCCESS)",
				i, vkt_result_name(status), (unsigned long long)value, vkt_result_name(waited));
	}
	double ms = (double)(vkt_now_ns() - start) / 1e6;

	vkDestroyFence(t.device, fence, NULL);
	vkDestroyEvent(t.device, event, NULL);
	vkDestroySemaphore(t.device, semaphore, NULL);
	vkt_fini(&t);
	return ms;
}

int main(void)
{
	struct vkt t;
	char msg[256];
	const char *error;
	struct vkt_round_trips trips = { 0 };

	vkt_ring_report_request();

	vkt_init_instance(&t, "vk_events");
	bool timeline = vkt_api_at_least(&t, 1, 2);
	bool sync2 = false;
	VkPhysicalDeviceSynchronization2Features sync2_features = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES,
	};
	if (vkt_device_has_extension(&t, VK_KHR_SYNCHRONIZATION_2_EXTENSION_NAME)) {
		VkPhysicalDeviceFeatures2 features = {
			.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
			.pNext = &sync2_features,
		};
		vkGetPhysicalDeviceFeatures2(t.physical_device, &features);
		sync2 = sync2_features.synchronization2;
	}
	vkt_fini(&t);

	/* 4 first, while stderr is still ours to redirect. */
	if (timeline)
		vkt_count_round_trips(&trips, reads_run, LOOPS);

	vkt_init_instance(&t, "vk_events");
	sync2_features = (VkPhysicalDeviceSynchronization2Features){
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SYNCHRONIZATION_2_FEATURES,
		.synchronization2 = sync2,
	};
	const char *const sync2_ext[] = { VK_KHR_SYNCHRONIZATION_2_EXTENSION_NAME };
	struct vkt_device_options opts = {
		.features_chain = sync2 ? &sync2_features : NULL,
		.extensions = sync2 ? sync2_ext : NULL,
		.extension_count = sync2 ? 1 : 0,
	};
	vkt_init_device(&t, &opts);
	if (sync2) {
		cmd_set_event2 = (PFN_vkCmdSetEvent2KHR)vkGetDeviceProcAddr(t.device, "vkCmdSetEvent2KHR");
		cmd_reset_event2 = (PFN_vkCmdResetEvent2KHR)vkGetDeviceProcAddr(t.device, "vkCmdResetEvent2KHR");
		if (!cmd_set_event2 || !cmd_reset_event2)
			return vkt_fail(&t, "VK_KHR_synchronization2 enabled but vkCmdSetEvent2KHR/vkCmdResetEvent2KHR not resolved");
	}

	if ((error = check_host(&t, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);
	if ((error = check_device(&t, false, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);
	if (sync2 && (error = check_device(&t, true, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);
	if ((error = check_host_set_wait(&t, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);

	char trips_msg[200];
	if (trips.counted) {
		/* the dead-host check: at most one per 200 ms of loop, doubled, plus slack for the fence and
		 * semaphore waits of the two runs taking different times */
		if (trips.extra > trips.allowed)
			return vkt_fail(&t, "%u x 3 host reads of event/timeline status cost %llu synchronous calls "
					    "(%llu with the loop, %llu without) in %.1f ms; at most %llu allowed",
					LOOPS, trips.extra, trips.loop, trips.base, trips.ms, trips.allowed);
		snprintf(trips_msg, sizeof(trips_msg), "%u x 3 host reads cost %llu synchronous calls (%llu vs %llu) in %.1f ms",
			 LOOPS, trips.extra, trips.loop, trips.base, trips.ms);
	} else {
		snprintf(trips_msg, sizeof(trips_msg), "%s",
			 timeline ? "round trips not counted (the ICD is not pvk)" : "no timeline semaphores (Vulkan < 1.2)");
	}
	return vkt_pass(&t, "events: host set/reset, vkCmdSetEvent/vkCmdResetEvent%s seen by the host, "
			    "vkCmdWaitEvents on a host-set event; %s",
			sync2 ? " and their synchronization2 forms" : "", trips_msg);
}
