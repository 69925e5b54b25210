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
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "flat_fs.h"
#include "fullscreen_vs.h"

#define WIDTH 64u
#define HEIGHT 64u
#define SMALL_W 20u
#define SMALL_H 10u
#define SLEEP_MS 50u
#define MAX_GAP_S 30u

static const char *check_occlusion(struct vkt *t, bool precise, uint64_t host[3], char *msg, size_t len)
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
		.queryCount = 3,
	};
	VkQueryPool pool;
	VKT_CHECK(t, vkCreateQueryPool(t->device, &pool_info, NULL, &pool));

	VkQueryControlFlags control = precise ? VK_QUERY_CONTROL_PRECISE_BIT : 0;
	VkCommandBuffer cmd = vkt_begin_one_shot(t);
	vkCmdResetQueryPool(cmd, pool, 0, 3);
	vkt_cmd_begin_target(cmd, &target, NULL);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, full.pipeline);
	vkCmdBeginQuery(cmd, pool, 0, control);
	vkCmdDraw(cmd, 3, 1, 0, 0);
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

	vkDestroyQueryPool(t->device, pool, NULL);
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

int main(void)
{
	struct vkt t;
	char msg[256];
	const char *error;

	vkt_init_instance(&t, "vk_query");
	VkPhysicalDeviceFeatures supported;
	vkGetPhysicalDeviceFeatures(t.physical_device, &supported);
	VkPhysicalDeviceFeatures2 enable = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
		.features.occlusionQueryPrecise = supported.occlusionQueryPrecise,
	};
	struct vkt_device_options opts = { .features_chain = &enable };
	vkt_init_device(&t, &opts);

	uint64_t counts[3] = { 0 };
	if ((error = check_occlusion(&t, supported.occlusionQueryPrecise, counts, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);

	VkQueueFamilyProperties families[16];
	uint32_t family_count = 16;
	vkGetPhysicalDeviceQueueFamilyProperties(t.physical_device, &family_count, families);
	uint32_t valid_bits = families[t.queue_family].timestampValidBits;
	if (valid_bits && (error = check_timestamps(&t, valid_bits, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);

	return vkt_pass(&t, "occlusion queries (%s) counted %llu, %llu and %llu samples, host and GPU copies agree; %s",
			supported.occlusionQueryPrecise ? "precise" : "not precise", (unsigned long long)counts[0],
			(unsigned long long)counts[1], (unsigned long long)counts[2],
			valid_bits ? "timestamps ordered and the host sleep measured" : "no timestamp support (not checked)");
}
