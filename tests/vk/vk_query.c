// SPDX-License-Identifier: MIT
/*
 * vk_query proves query pools:
 *  - occlusion: three queries around a full-viewport draw into a 64x64 target, the same draw through a
 *    20x10 viewport, and no draw at all. With occlusionQueryPrecise the counts must be exactly
 *    4096, 200 and 0 (otherwise non-zero, non-zero and 0, the first larger). The results are read
 *    both with vkGetQueryPoolResults and with vkCmdCopyQueryPoolResults into a buffer, which must agree.
 *  - timestamps (where the queue family has timestampValidBits): two timestamps in one submission are
 *    ordered, and a third written by a later submission, sent after the host slept SLEEP_MS, is at
 *    least SLEEP_MS later in nanoseconds (timestampPeriod applied) and not absurdly later.
 *  - result formats (what pvk answers from feedback memory, without asking the host): a fourth
 *    occlusion query left unused reads unavailable with PARTIAL_BIT | WITH_AVAILABILITY_BIT while the
 *    three others read their counts; pipeline statistics (where supported) give two values per query;
 *    of 8 timestamp queries with 4 written, 64-bit and 32-bit reads with a stride and availability
 *    give VK_NOT_READY, the 4 values and nothing written for the others (padding untouched); a host
 *    reset (Vulkan 1.2 hostQueryReset) makes two of them unavailable at once; WAIT_BIT called right
 *    after a submission (before its fence) returns the new timestamps, available and ordered; timestamps
 *    written by a secondary command buffer, executed by a simultaneous-use primary that resets them
 *    and is submitted twice, are read without WAIT_BIT after each fence, the second pair later.
 *  - round trips, where the ICD is pvk (PVK_DEBUG=ring reports its synchronous calls at
 *    vkDestroyInstance; stderr is captured for it): the same short program runs twice, once with
 *    LOOPS x (vkGetQueryPoolResults, and the same with WAIT_BIT) on available timestamps, once
 *    without; the loops may add no more than one synchronous call per 200 ms (the dead-host check)
 *    plus a little slack, where asking the host would add 2 x LOOPS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "flat_fs.h"
#include "fullscreen_vs.h"

#define WIDTH 64u
#define HEIGHT 64u
#define SMALL_W 20u
#define SMALL_H 10u
#define SLEEP_MS 50u
#define MAX_GAP_S 30u
#define LOOPS 1000u
#define SENTINEL 0xa5a5a5a5a5a5a5a5ull

static const char *check_occlusion(struct vkt *t, bool precise, bool stats, uint64_t host[3], char *msg, size_t len)
{
	struct vkt_target target;
	struct vkt_graphics full;
	struct vkt_buffer copy;

	vkt_target_create(t, &target, VK_FORMAT_R8G8B8A8_UNORM, WIDTH, HEIGHT, false);
	vkt_buffer_create(t, &copy, 3 * sizeof(uint64_t), VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
	memset(copy.map, 0xff, 3 * sizeof(uint64_t));
	vkt_buffer_flush(t, &copy);

	struct vkt_graphics_desc full_desc = {
		.vs_code = fullscreen_vs,
		.vs_size = sizeof(fullscreen_vs),
		.fs_code = flat_fs,
		.fs_size = sizeof(flat_fs),
	};
	vkt_graphics_create(t, &full, &target, &full_desc);
	/* The same draw through a SMALL_W x SMALL_H viewport. */
	VkPipeline small = vkt_graphics_pipeline(t, target.render_pass, full.layout, full.vs, full.fs, NULL, SMALL_W,
						 SMALL_H);

	VkQueryPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
		.queryType = VK_QUERY_TYPE_OCCLUSION,
		.queryCount = 4, /* the fourth is never used */
	};
	VkQueryPool pool;
	VKT_CHECK(t, vkCreateQueryPool(t->device, &pool_info, NULL, &pool));
	VkQueryPoolCreateInfo stats_info = {
		.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
		.queryType = VK_QUERY_TYPE_PIPELINE_STATISTICS,
		.queryCount = 1,
		.pipelineStatistics = VK_QUERY_PIPELINE_STATISTIC_INPUT_ASSEMBLY_VERTICES_BIT |
				      VK_QUERY_PIPELINE_STATISTIC_INPUT_ASSEMBLY_PRIMITIVES_BIT,
	};
	VkQueryPool stats_pool = VK_NULL_HANDLE;
	if (stats)
		VKT_CHECK(t, vkCreateQueryPool(t->device, &stats_info, NULL, &stats_pool));

	VkQueryControlFlags control = precise ? VK_QUERY_CONTROL_PRECISE_BIT : 0;
	VkCommandBuffer cmd = vkt_begin_one_shot(t);
	vkCmdResetQueryPool(cmd, pool, 0, 4);
	if (stats)
		vkCmdResetQueryPool(cmd, stats_pool, 0, 1);
	vkt_cmd_begin_target(cmd, &target, NULL);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, full.pipeline);
	vkCmdBeginQuery(cmd, pool, 0, control);
	if (stats)
		vkCmdBeginQuery(cmd, stats_pool, 0, 0);
	vkCmdDraw(cmd, 3, 1, 0, 0);
	if (stats)
		vkCmdEndQuery(cmd, stats_pool, 0);
	vkCmdEndQuery(cmd, pool, 0);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, small);
	vkCmdBeginQuery(cmd, pool, 1, control);
	vkCmdDraw(cmd, 3, 1, 0, 0);
	vkCmdEndQuery(cmd, pool, 1);
	vkCmdBeginQuery(cmd, pool, 2, control);
	vkCmdEndQuery(cmd, pool, 2);
	vkCmdEndRenderPass(cmd);
	vkCmdCopyQueryPoolResults(cmd, pool, 0, 3, copy.buffer, 0, sizeof(uint64_t),
				  VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
	vkt_cmd_barrier_to_host(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
	vkt_end_one_shot(t, cmd);

	uint64_t device[3];
	VKT_CHECK(t, vkGetQueryPoolResults(t->device, pool, 0, 3, 3 * sizeof(uint64_t), host, sizeof(uint64_t),
					   VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
	vkt_buffer_invalidate(t, &copy);
	memcpy(device, copy.map, sizeof(device));

	/* the unused fourth query: unavailable, its partial value written, the others complete */
	uint64_t partial[4][2];
	memset(partial, 0xa5, sizeof(partial));
	VkResult partial_result = vkGetQueryPoolResults(t->device, pool, 0, 4, sizeof(partial), partial, sizeof(partial[0]),
							VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_PARTIAL_BIT |
								VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
	uint64_t stat[3];
	memset(stat, 0xa5, sizeof(stat));
	VkResult stats_result = VK_SUCCESS;
	if (stats)
		stats_result = vkGetQueryPoolResults(t->device, stats_pool, 0, 1, sizeof(stat), stat, sizeof(stat),
						     VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);

	vkDestroyQueryPool(t->device, pool, NULL);
	vkDestroyQueryPool(t->device, stats_pool, NULL);
	vkDestroyPipeline(t->device, small, NULL);
	vkt_graphics_destroy(t, &full);
	vkt_buffer_destroy(t, &copy);
	vkt_target_destroy(t, &target);

	for (int i = 0; i < 3; i++) {
		if (host[i] != device[i]) {
			snprintf(msg, len, "occlusion query %d: vkGetQueryPoolResults %llu, vkCmdCopyQueryPoolResults %llu",
				 i, (unsigned long long)host[i], (unsigned long long)device[i]);
			return msg;
		}
	}
	/* with PARTIAL_BIT, VK_NOT_READY is not required (spec "vkGetQueryPoolResults"; lavapipe says VK_SUCCESS) */
	if ((partial_result != VK_NOT_READY && partial_result != VK_SUCCESS) || partial[3][1] != 0 ||
	    partial[3][0] == SENTINEL) {
		snprintf(msg, len, "unused occlusion query with PARTIAL|WITH_AVAILABILITY: %s, availability %llu, value %#llx "
			 "(want VK_NOT_READY or VK_SUCCESS, 0, written)", vkt_result_name(partial_result),
			 (unsigned long long)partial[3][1], (unsigned long long)partial[3][0]);
		return msg;
	}
	for (int i = 0; i < 3; i++) {
		if (partial[i][0] != host[i] || partial[i][1] != 1) {
			snprintf(msg, len, "occlusion query %d with PARTIAL|WITH_AVAILABILITY: %llu (availability %llu), "
				 "want %llu (1)", i, (unsigned long long)partial[i][0], (unsigned long long)partial[i][1],
				 (unsigned long long)host[i]);
			return msg;
		}
	}
	if (stats && (stats_result != VK_SUCCESS || stat[0] != 3 || stat[1] != 1 || stat[2] != 1)) {
		snprintf(msg, len, "pipeline statistics of one triangle: %s, vertices %llu, primitives %llu, availability "
			 "%llu (want VK_SUCCESS, 3, 1, 1)", vkt_result_name(stats_result), (unsigned long long)stat[0],
			 (unsigned long long)stat[1], (unsigned long long)stat[2]);
		return msg;
	}
	uint64_t want_full = WIDTH * HEIGHT, want_small = SMALL_W * SMALL_H;
	bool ok = precise ? host[0] == want_full && host[1] == want_small && host[2] == 0
			  : host[0] > host[1] && host[1] > 0 && host[2] == 0;
	if (!ok) {
		snprintf(msg, len, "occlusion (%s): expected %s%llu, %s%llu, 0 samples; got %llu, %llu, %llu",
			 precise ? "precise" : "not precise", precise ? "" : "~", (unsigned long long)want_full,
			 precise ? "" : "~", (unsigned long long)want_small, (unsigned long long)host[0],
			 (unsigned long long)host[1], (unsigned long long)host[2]);
		return msg;
	}
	return NULL;
}

static void write_timestamp(struct vkt *t, VkQueryPool pool, uint32_t first, uint32_t count)
{
	VkCommandBuffer cmd = vkt_begin_one_shot(t);

	vkCmdResetQueryPool(cmd, pool, first, count);
	vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, pool, first);
	if (count > 1) {
		/* Some work between the two stamps. */
		vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0,
				     0, NULL, 0, NULL, 0, NULL);
		vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, first + 1);
	}
	vkt_end_one_shot(t, cmd);
}

static const char *check_timestamps(struct vkt *t, uint32_t valid_bits, char *msg, size_t len)
{
	VkQueryPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
		.queryType = VK_QUERY_TYPE_TIMESTAMP,
		.queryCount = 3,
	};
	VkQueryPool pool;
	uint64_t stamp[3];
	uint64_t mask = valid_bits >= 64 ? UINT64_MAX : (1ull << valid_bits) - 1;

	VKT_CHECK(t, vkCreateQueryPool(t->device, &pool_info, NULL, &pool));
	write_timestamp(t, pool, 0, 2);
	struct timespec pause = { 0, SLEEP_MS * 1000000l };
	nanosleep(&pause, NULL);
	write_timestamp(t, pool, 2, 1);
	VKT_CHECK(t, vkGetQueryPoolResults(t->device, pool, 0, 3, sizeof(stamp), stamp, sizeof(uint64_t),
					   VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
	vkDestroyQueryPool(t->device, pool, NULL);

	for (int i = 0; i < 3; i++)
		stamp[i] &= mask;
	double period = t->props.limits.timestampPeriod;
	double gap_ns = (double)((stamp[2] - stamp[1]) & mask) * period;
	if (((stamp[1] - stamp[0]) & mask) > mask / 2) {
		snprintf(msg, len, "timestamps in one submission out of order: %llu then %llu",
			 (unsigned long long)stamp[0], (unsigned long long)stamp[1]);
		return msg;
	}
	if (gap_ns < SLEEP_MS * 1e6 || gap_ns > MAX_GAP_S * 1e9) {
		snprintf(msg, len, "timestamp gap across a %u ms host sleep: expected %u ms .. %u s, got %.3f ms "
			 "(ticks %llu -> %llu, period %.3f ns)",
			 SLEEP_MS, SLEEP_MS, MAX_GAP_S, gap_ns / 1e6, (unsigned long long)stamp[1],
			 (unsigned long long)stamp[2], period);
		return msg;
	}
	return NULL;
}

/* Timestamps into queries [first, first + count) of pool, after resetting [reset_first, reset_first + reset_count). */
static void record_timestamps(VkCommandBuffer cmd, VkQueryPool pool, uint32_t reset_first, uint32_t reset_count,
			      uint32_t first, uint32_t count)
{
	vkCmdResetQueryPool(cmd, pool, reset_first, reset_count);
	for (uint32_t i = 0; i < count; i++)
		vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, first + i);
}

/* Formats of 8 timestamp queries, 4 written; host reset; WAIT_BIT before the fence. */
static const char *check_formats(struct vkt *t, bool host_reset, char *msg, size_t len)
{
	VkQueryPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
		.queryType = VK_QUERY_TYPE_TIMESTAMP,
		.queryCount = 8,
	};
	VkQueryPool pool;
	VKT_CHECK(t, vkCreateQueryPool(t->device, &pool_info, NULL, &pool));
	VkCommandBuffer cmd = vkt_begin_one_shot(t);
	record_timestamps(cmd, pool, 0, 8, 0, 4);
	vkt_end_one_shot(t, cmd);

	uint64_t stamp[4];
	VkResult result = vkGetQueryPoolResults(t->device, pool, 0, 4, sizeof(stamp), stamp, sizeof(uint64_t),
						VK_QUERY_RESULT_64_BIT);
	if (result != VK_SUCCESS) {
		snprintf(msg, len, "4 written timestamps read without WAIT_BIT after the fence: %s", vkt_result_name(result));
		return msg;
	}
	for (int i = 1; i < 4; i++) {
		if (stamp[i] < stamp[i - 1]) {
			snprintf(msg, len, "timestamps of one submission go back: %llu then %llu",
				 (unsigned long long)stamp[i - 1], (unsigned long long)stamp[i]);
			return msg;
		}
	}

	/* 64-bit with availability, stride 24 (the third word is padding) */
	uint64_t wide[8][3];
	memset(wide, 0xa5, sizeof(wide));
	result = vkGetQueryPoolResults(t->device, pool, 0, 8, sizeof(wide), wide, sizeof(wide[0]),
				       VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
	for (int i = 0; i < 8; i++) {
		bool written = i < 4;
		if (result != VK_NOT_READY || wide[i][1] != written || wide[i][0] != (written ? stamp[i] : SENTINEL) ||
		    wide[i][2] != SENTINEL) {
			snprintf(msg, len, "64-bit read with availability, stride 24: %s; query %d: %#llx, availability %llu, "
				 "padding %#llx (want VK_NOT_READY, %#llx, %d, untouched)", vkt_result_name(result), i,
				 (unsigned long long)wide[i][0], (unsigned long long)wide[i][1],
				 (unsigned long long)wide[i][2], (unsigned long long)(written ? stamp[i] : SENTINEL), written);
			return msg;
		}
	}

	/* 32-bit with availability, stride 12 */
	uint32_t narrow[8][3];
	memset(narrow, 0xa5, sizeof(narrow));
	result = vkGetQueryPoolResults(t->device, pool, 0, 8, sizeof(narrow), narrow, sizeof(narrow[0]),
				       VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
	for (int i = 0; i < 8; i++) {
		bool written = i < 4;
		uint32_t want = written ? (uint32_t)stamp[i] : (uint32_t)SENTINEL;
		/* a value above 32 bits may wrap or saturate (spec "Queries"; Mesa's Venus saturates on llvmpipe) */
		bool saturated = written && stamp[i] > UINT32_MAX && narrow[i][0] == UINT32_MAX;
		if (result != VK_NOT_READY || narrow[i][1] != written || (narrow[i][0] != want && !saturated) ||
		    narrow[i][2] != (uint32_t)SENTINEL) {
			snprintf(msg, len, "32-bit read with availability, stride 12: %s; query %d: %#x, availability %u, "
				 "padding %#x (want VK_NOT_READY, %#x, %d, untouched)", vkt_result_name(result), i,
				 narrow[i][0], narrow[i][1], narrow[i][2], want, written);
			return msg;
		}
	}

	if (host_reset) {
		PFN_vkResetQueryPool reset = (PFN_vkResetQueryPool)vkGetDeviceProcAddr(t->device, "vkResetQueryPool");
		reset(t->device, pool, 0, 2);
		uint64_t after[4][2];
		result = vkGetQueryPoolResults(t->device, pool, 0, 4, sizeof(after), after, sizeof(after[0]),
					       VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
		if (result != VK_NOT_READY || after[0][1] || after[1][1] || after[2][1] != 1 || after[3][1] != 1 ||
		    after[2][0] != stamp[2]) {
			snprintf(msg, len, "after vkResetQueryPool of queries 0 and 1: %s, availability %llu %llu %llu %llu "
				 "(want VK_NOT_READY, 0 0 1 1)", vkt_result_name(result), (unsigned long long)after[0][1],
				 (unsigned long long)after[1][1], (unsigned long long)after[2][1],
				 (unsigned long long)after[3][1]);
			return msg;
		}
	}

	/* WAIT_BIT right after the submission, before its fence: returns with the values */
	cmd = vkt_begin_one_shot(t);
	record_timestamps(cmd, pool, 4, 4, 4, 2);
	VKT_CHECK(t, vkEndCommandBuffer(cmd));
	VkSubmitInfo submit = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.commandBufferCount = 1,
		.pCommandBuffers = &cmd,
	};
	VkFence fence = vkt_fence(t, false);
	VKT_CHECK(t, vkQueueSubmit(t->queue, 1, &submit, fence));
	uint64_t waited[2][2] = { { SENTINEL, SENTINEL }, { SENTINEL, SENTINEL } };
	result = vkGetQueryPoolResults(t->device, pool, 4, 2, sizeof(waited), waited, sizeof(waited[0]),
				       VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT |
					       VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
	vkt_wait_fence(t, fence, "timestamps read with WAIT_BIT");
	vkDestroyFence(t->device, fence, NULL);
	vkFreeCommandBuffers(t->device, t->command_pool, 1, &cmd);
	if (result != VK_SUCCESS || waited[0][1] != 1 || waited[1][1] != 1 || waited[0][0] < stamp[3] ||
	    waited[1][0] < waited[0][0]) {
		snprintf(msg, len, "WAIT_BIT right after the submission: %s, values %llu %llu (availability %llu %llu) after "
			 "%llu (want VK_SUCCESS, ordered, available)", vkt_result_name(result),
			 (unsigned long long)waited[0][0], (unsigned long long)waited[1][0],
			 (unsigned long long)waited[0][1], (unsigned long long)waited[1][1], (unsigned long long)stamp[3]);
		return msg;
	}
	vkDestroyQueryPool(t->device, pool, NULL);
	return NULL;
}

/*
 * Timestamps written by a secondary command buffer (executed twice by a simultaneous-use primary that
 * also resets them, submitted twice): readable without WAIT_BIT once each submission's fence signalled,
 * the second submission's values later than the first's.
 */
static const char *check_secondary(struct vkt *t, char *msg, size_t len)
{
	VkQueryPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
		.queryType = VK_QUERY_TYPE_TIMESTAMP,
		.queryCount = 2,
	};
	VkQueryPool pool;
	VKT_CHECK(t, vkCreateQueryPool(t->device, &pool_info, NULL, &pool));
	VkCommandBufferAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.commandPool = t->command_pool,
		.level = VK_COMMAND_BUFFER_LEVEL_SECONDARY,
		.commandBufferCount = 1,
	};
	VkCommandBuffer secondary, primary;
	VKT_CHECK(t, vkAllocateCommandBuffers(t->device, &alloc, &secondary));
	alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
	VKT_CHECK(t, vkAllocateCommandBuffers(t->device, &alloc, &primary));
	VkCommandBufferInheritanceInfo inherit = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO };
	VkCommandBufferBeginInfo begin = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		.flags = VK_COMMAND_BUFFER_USAGE_SIMULTANEOUS_USE_BIT,
		.pInheritanceInfo = &inherit,
	};
	VKT_CHECK(t, vkBeginCommandBuffer(secondary, &begin));
	vkCmdWriteTimestamp(secondary, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, 0);
	vkCmdWriteTimestamp(secondary, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, 1);
	VKT_CHECK(t, vkEndCommandBuffer(secondary));
	VKT_CHECK(t, vkBeginCommandBuffer(primary, &begin));
	vkCmdResetQueryPool(primary, pool, 0, 2);
	vkCmdExecuteCommands(primary, 1, &secondary);
	VKT_CHECK(t, vkEndCommandBuffer(primary));

	uint64_t stamp[2][2];
	for (int round = 0; round < 2; round++) {
		VkSubmitInfo submit = {
			.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
			.commandBufferCount = 1,
			.pCommandBuffers = &primary,
		};
		VkFence fence = vkt_fence(t, false);
		VKT_CHECK(t, vkQueueSubmit(t->queue, 1, &submit, fence));
		vkt_wait_fence(t, fence, "timestamps from a secondary command buffer");
		vkDestroyFence(t->device, fence, NULL);
		VkResult result = vkGetQueryPoolResults(t->device, pool, 0, 2, sizeof(stamp[round]), stamp[round],
							sizeof(uint64_t), VK_QUERY_RESULT_64_BIT);
		if (result != VK_SUCCESS || stamp[round][1] < stamp[round][0] ||
		    (round && stamp[1][0] <= stamp[0][1])) {
			snprintf(msg, len, "timestamps from a secondary, submission %d: %s, %llu %llu (first submission "
				 "ended at %llu)", round + 1, vkt_result_name(result), (unsigned long long)stamp[round][0],
				 (unsigned long long)stamp[round][1], (unsigned long long)stamp[0][1]);
			return msg;
		}
	}
	vkFreeCommandBuffers(t->device, t->command_pool, 1, &primary);
	vkFreeCommandBuffers(t->device, t->command_pool, 1, &secondary);
	vkDestroyQueryPool(t->device, pool, NULL);
	return NULL;
}

/* One device: timestamps written once, then loops x (vkGetQueryPoolResults without and with WAIT_BIT). */
static double reads_run(uint32_t loops)
{
	struct vkt t;
	vkt_init(&t, "vk_query", NULL);
	VkQueryPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
		.queryType = VK_QUERY_TYPE_TIMESTAMP,
		.queryCount = 4,
	};
	VkQueryPool pool;
	VKT_CHECK(&t, vkCreateQueryPool(t.device, &pool_info, NULL, &pool));
	VkCommandBuffer cmd = vkt_begin_one_shot(&t);
	record_timestamps(cmd, pool, 0, 4, 0, 4);
	vkt_end_one_shot(&t, cmd);
	uint64_t stamp[4];
	uint64_t start = vkt_now_ns();
	for (uint32_t i = 0; i < loops; i++) {
		VKT_CHECK(&t, vkGetQueryPoolResults(t.device, pool, 0, 4, sizeof(stamp), stamp, sizeof(uint64_t),
						    VK_QUERY_RESULT_64_BIT));
		VKT_CHECK(&t, vkGetQueryPoolResults(t.device, pool, 0, 4, sizeof(stamp), stamp, sizeof(uint64_t),
						    VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
	}
	double ms = (double)(vkt_now_ns() - start) / 1e6;
	vkDestroyQueryPool(t.device, pool, NULL);
	vkt_fini(&t);
	return ms;
}

int main(void)
{
	struct vkt t;
	char msg[320];
	const char *error;
	struct vkt_round_trips trips = { 0 };

	vkt_ring_report_request();

	vkt_init_instance(&t, "vk_query");
	VkPhysicalDeviceFeatures supported;
	vkGetPhysicalDeviceFeatures(t.physical_device, &supported);
	VkPhysicalDeviceHostQueryResetFeatures host_reset = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_HOST_QUERY_RESET_FEATURES,
	};
	VkPhysicalDeviceFeatures2 enable = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
		.pNext = vkt_api_at_least(&t, 1, 2) ? &host_reset : NULL,
	};
	if (enable.pNext)
		vkGetPhysicalDeviceFeatures2(t.physical_device, &enable);
	enable.features = (VkPhysicalDeviceFeatures){
		.occlusionQueryPrecise = supported.occlusionQueryPrecise,
		.pipelineStatisticsQuery = supported.pipelineStatisticsQuery,
	};
	enable.pNext = host_reset.hostQueryReset ? &host_reset : NULL;
	VkQueueFamilyProperties families[16];
	uint32_t family_count = 16;
	vkGetPhysicalDeviceQueueFamilyProperties(t.physical_device, &family_count, families);
	vkt_fini(&t);

	/* round trips first, while stderr is still ours to redirect */
	vkt_count_round_trips(&trips, reads_run, LOOPS);

	vkt_init_instance(&t, "vk_query");
	struct vkt_device_options opts = { .features_chain = &enable };
	vkt_init_device(&t, &opts);
	uint32_t valid_bits = families[t.queue_family].timestampValidBits;

	uint64_t counts[3] = { 0 };
	if ((error = check_occlusion(&t, supported.occlusionQueryPrecise, supported.pipelineStatisticsQuery, counts, msg,
				     sizeof(msg))))
		return vkt_fail(&t, "%s", error);

	if (valid_bits && (error = check_timestamps(&t, valid_bits, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);
	if (valid_bits && (error = check_formats(&t, host_reset.hostQueryReset, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);

	if (valid_bits && (error = check_secondary(&t, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);

	char trips_msg[200];
	if (trips.counted && valid_bits) {
		/* the dead-host check: at most one per 200 ms of loop, doubled, plus slack */
		if (trips.extra > trips.allowed)
			return vkt_fail(&t, "%u x 2 vkGetQueryPoolResults cost %llu synchronous calls (%llu with the loop, "
					    "%llu without) in %.1f ms; at most %llu allowed",
					LOOPS, trips.extra, trips.loop, trips.base, trips.ms, trips.allowed);
		snprintf(trips_msg, sizeof(trips_msg), "%u x 2 result reads cost %llu synchronous calls (%llu vs %llu) in %.1f ms",
			 LOOPS, trips.extra, trips.loop, trips.base, trips.ms);
	} else {
		snprintf(trips_msg, sizeof(trips_msg), "%s",
			 valid_bits ? "round trips not counted (the ICD is not pvk)" : "no timestamps: round trips not counted");
	}

	return vkt_pass(&t, "occlusion queries (%s) counted %llu, %llu and %llu samples, host and GPU copies agree, "
			    "partial/availability read%s; %s; %s",
			supported.occlusionQueryPrecise ? "precise" : "not precise", (unsigned long long)counts[0],
			(unsigned long long)counts[1], (unsigned long long)counts[2],
			supported.pipelineStatisticsQuery ? ", pipeline statistics 3 vertices 1 primitive" : "",
			valid_bits ? "timestamps ordered, the host sleep measured, 64/32-bit, stride, availability, host reset, "
				     "WAIT_BIT before the fence, a secondary in a resubmitted primary checked"
				   : "no timestamp support (not checked)",
			trips_msg);
}
