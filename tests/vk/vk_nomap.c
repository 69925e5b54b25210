// SPDX-License-Identifier: MIT
/*
 * vk_nomap proves that GPU work runs and its results reach the host without any memory being mapped,
 * so it passes over vtest on hosts where the renderer cannot share mappable memory (FACTS.md) as well
 * as in the guest. What comes back without a mapping: query results, semaphore values, event and
 * fence status.
 *  - occlusion: one query around two draws of a full-viewport triangle through two viewports of
 *    random sizes (seeded) into a 64x48 target; with occlusionQueryPrecise the count must be exactly
 *    the sum of the two viewport areas (no depth test: every covered sample passes, overlaps count
 *    twice), otherwise non-zero. A second query with no draw must be 0.
 *  - timeline semaphore: a submission signals a random value; after its fence, the counter reads it.
 *  - event: vkCmdSetEvent in the same submission; after the fence, the host sees VK_EVENT_SET.
 * Needs Vulkan 1.2 (timeline semaphores).
 */
#include <stdio.h>

#include "common.h"
#include "flat_fs.h"
#include "fullscreen_vs.h"

#define WIDTH 64u
#define HEIGHT 48u

int main(void)
{
	struct vkt t;
	VkPhysicalDeviceVulkan12Features f12 = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
	};
	VkPhysicalDeviceFeatures2 f2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f12};

	vkt_init_instance(&t, "vk_nomap");
	if (!vkt_api_at_least(&t, 1, 2))
		return vkt_skip(&t, "Vulkan 1.2 is needed for timeline semaphores");
	vkGetPhysicalDeviceFeatures2(t.physical_device, &f2);
	if (!f12.timelineSemaphore)
		return vkt_skip(&t, "no timelineSemaphore");
	bool precise = f2.features.occlusionQueryPrecise;
	VkPhysicalDeviceVulkan12Features want12 = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
		.timelineSemaphore = VK_TRUE,
	};
	VkPhysicalDeviceFeatures2 want = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
		.pNext = &want12,
		.features.occlusionQueryPrecise = precise,
	};
	vkt_init_device(&t, &(struct vkt_device_options){.features_chain = &want});

	uint32_t rng = vkt_seed(&t);
	uint32_t w[2], h[2];
	for (int i = 0; i < 2; i++) {
		w[i] = 1 + vkt_rand(&rng) % WIDTH;
		h[i] = 1 + vkt_rand(&rng) % HEIGHT;
	}
	uint64_t value = 1 + vkt_rand(&rng) % 1000000;

	/* The target has no readback buffer: nothing here is host-visible. */
	struct vkt_target target;
	vkt_target_create(&t, &target, VK_FORMAT_R8G8B8A8_UNORM, WIDTH, HEIGHT, false);
	VkPipeline pipelines[2];
	VkShaderModule vs = vkt_shader_module(&t, fullscreen_vs, sizeof(fullscreen_vs));
	VkShaderModule fs = vkt_shader_module(&t, flat_fs, sizeof(flat_fs));
	VkPipelineLayout layout;
	VKT_CHECK(&t, vkCreatePipelineLayout(t.device,
					     &(VkPipelineLayoutCreateInfo){
						     .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
					     },
					     NULL, &layout));
	for (int i = 0; i < 2; i++)
		pipelines[i] = vkt_graphics_pipeline(&t, target.render_pass, layout, vs, fs, NULL, w[i], h[i]);

	VkQueryPool pool;
	VKT_CHECK(&t, vkCreateQueryPool(t.device,
					&(VkQueryPoolCreateInfo){
						.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
						.queryType = VK_QUERY_TYPE_OCCLUSION,
						.queryCount = 2,
					},
					NULL, &pool));
	VkSemaphore timeline;
	VKT_CHECK(&t, vkCreateSemaphore(t.device,
					&(VkSemaphoreCreateInfo){
						.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
						.pNext = &(VkSemaphoreTypeCreateInfo){
							.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
							.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
						},
					},
					NULL, &timeline));
	VkEvent event;
	VKT_CHECK(&t, vkCreateEvent(t.device, &(VkEventCreateInfo){.sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO},
				    NULL, &event));

	VkCommandBuffer cmd = vkt_begin_one_shot(&t);
	vkCmdResetQueryPool(cmd, pool, 0, 2);
	vkt_cmd_begin_target(cmd, &target, NULL);
	vkCmdBeginQuery(cmd, pool, 0, precise ? VK_QUERY_CONTROL_PRECISE_BIT : 0);
	for (int i = 0; i < 2; i++) {
		vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelines[i]);
		vkCmdDraw(cmd, 3, 1, 0, 0);
	}
	vkCmdEndQuery(cmd, pool, 0);
	vkCmdBeginQuery(cmd, pool, 1, precise ? VK_QUERY_CONTROL_PRECISE_BIT : 0);
	vkCmdEndQuery(cmd, pool, 1);
	vkCmdEndRenderPass(cmd);
	vkCmdSetEvent(cmd, event, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT);
	VKT_CHECK(&t, vkEndCommandBuffer(cmd));

	VkFence fence = vkt_fence(&t, false);
	VKT_CHECK(&t, vkQueueSubmit(t.queue, 1,
				    &(VkSubmitInfo){
					    .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
					    .pNext = &(VkTimelineSemaphoreSubmitInfo){
						    .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
						    .signalSemaphoreValueCount = 1,
						    .pSignalSemaphoreValues = &value,
					    },
					    .commandBufferCount = 1,
					    .pCommandBuffers = &cmd,
					    .signalSemaphoreCount = 1,
					    .pSignalSemaphores = &timeline,
				    },
				    fence));
	vkt_wait_fence(&t, fence, "the occlusion submission");

	uint64_t counts[2] = {UINT64_MAX, UINT64_MAX};
	VKT_CHECK(&t, vkGetQueryPoolResults(t.device, pool, 0, 2, sizeof(counts), counts, sizeof(uint64_t),
					    VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
	uint64_t counter = 0;
	VKT_CHECK(&t, vkGetSemaphoreCounterValue(t.device, timeline, &counter));
	VkResult event_status = vkGetEventStatus(t.device, event);

	uint64_t expected = (uint64_t)w[0] * h[0] + (uint64_t)w[1] * h[1];
	char what[160];
	snprintf(what, sizeof(what), "viewports %ux%u + %ux%u", w[0], h[0], w[1], h[1]);
	const char *bad = NULL;
	if (precise ? counts[0] != expected : counts[0] == 0)
		bad = "occlusion count of the two draws";
	else if (counts[1] != 0)
		bad = "occlusion count of no draw";
	else if (counter != value)
		bad = "timeline semaphore value";
	else if (event_status != VK_EVENT_SET)
		bad = "event status";

	vkDestroyEvent(t.device, event, NULL);
	vkDestroySemaphore(t.device, timeline, NULL);
	vkDestroyFence(t.device, fence, NULL);
	vkDestroyQueryPool(t.device, pool, NULL);
	for (int i = 0; i < 2; i++)
		vkDestroyPipeline(t.device, pipelines[i], NULL);
	vkDestroyPipelineLayout(t.device, layout, NULL);
	vkDestroyShaderModule(t.device, vs, NULL);
	vkDestroyShaderModule(t.device, fs, NULL);
	vkt_target_destroy(&t, &target);

	if (bad)
		return vkt_fail(&t, "%s wrong (%s): occlusion %llu (expected %s%llu), empty %llu, timeline %llu "
				    "(signalled %llu), event %s",
				bad, what, (unsigned long long)counts[0], precise ? "" : "non-zero, precise would be ",
				(unsigned long long)expected, (unsigned long long)counts[1],
				(unsigned long long)counter, (unsigned long long)value,
				event_status == VK_EVENT_RESET ? "reset" : vkt_result_name(event_status));
	return vkt_pass(&t, "%s: occlusion %llu samples (%s), empty query 0, timeline value %llu and event set "
			    "seen by the host, no memory mapped",
			what, (unsigned long long)counts[0], precise ? "precise, exact" : "not precise, non-zero",
			(unsigned long long)counter);
}
