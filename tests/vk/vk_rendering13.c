// SPDX-License-Identifier: MIT
/*
 * vk_rendering13 proves the two Vulkan 1.3 core features programs written for 1.3 lean on, through
 * their core entry points (no KHR names): dynamic rendering (vkCmdBeginRendering, a pipeline made
 * with VkPipelineRenderingCreateInfo and no render pass) and synchronization2 (vkCmdPipelineBarrier2,
 * vkCmdSetEvent2/vkCmdWaitEvents2, vkQueueSubmit2 signalling a timeline semaphore and a fence), plus
 * vkCmdCopyImageToBuffer2 (copy_commands2). Two renderings of one image:
 *   1. loadOp CLEAR to red, stored; then vkCmdSetEvent2 with the layout-keeping barrier;
 *   2. after vkCmdWaitEvents2, loadOp LOAD: a draw of a constant colour into the left half (dynamic
 *      viewport and scissor), and vkCmdClearAttachments of the top-right quadrant to green.
 * The readback must show the draw on the left, green top right, and red bottom right (what LOAD kept
 * of rendering 1), every texel within 1 of the expected value. Skips (77) on a device below 1.3 or
 * without dynamicRendering and synchronization2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "flat_fs.h"
#include "fullscreen_vs.h"

#define WIDTH 64u
#define HEIGHT 48u
#define TIMELINE_VALUE 7u

/* flat_fs.frag's constant colour, and the two clear colours, as RGBA8 */
static const uint8_t flat_rgba[4] = { 64, 128, 191, 255 };
static const uint8_t red_rgba[4] = { 255, 0, 0, 255 };
static const uint8_t green_rgba[4] = { 0, 255, 0, 255 };

static VkImageMemoryBarrier2 image_barrier(VkImage image, VkImageLayout from, VkImageLayout to,
					   VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
					   VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access)
{
	return (VkImageMemoryBarrier2){
		.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
		.srcStageMask = src_stage,
		.srcAccessMask = src_access,
		.dstStageMask = dst_stage,
		.dstAccessMask = dst_access,
		.oldLayout = from,
		.newLayout = to,
		.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.image = image,
		.subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 },
	};
}

static void barrier2(VkCommandBuffer cmd, const VkImageMemoryBarrier2 *image, const VkMemoryBarrier2 *memory)
{
	const VkDependencyInfo dep = {
		.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
		.memoryBarrierCount = memory ? 1 : 0,
		.pMemoryBarriers = memory,
		.imageMemoryBarrierCount = image ? 1 : 0,
		.pImageMemoryBarriers = image,
	};

	vkCmdPipelineBarrier2(cmd, &dep);
}

static void begin_rendering(VkCommandBuffer cmd, const struct vkt_image *img, VkAttachmentLoadOp load,
			    const float *clear)
{
	VkRenderingAttachmentInfo color = {
		.sType = VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO,
		.imageView = img->view,
		.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
		.loadOp = load,
		.storeOp = VK_ATTACHMENT_STORE_OP_STORE,
	};
	if (clear)
		memcpy(color.clearValue.color.float32, clear, sizeof(float) * 4);
	const VkRenderingInfo info = {
		.sType = VK_STRUCTURE_TYPE_RENDERING_INFO,
		.renderArea = { { 0, 0 }, { img->width, img->height } },
		.layerCount = 1,
		.colorAttachmentCount = 1,
		.pColorAttachments = &color,
	};

	vkCmdBeginRendering(cmd, &info);
}

static const uint8_t *expected_at(uint32_t x, uint32_t y)
{
	if (x < WIDTH / 2)
		return flat_rgba;
	return y < HEIGHT / 2 ? green_rgba : red_rgba;
}

int main(void)
{
	struct vkt t;

	vkt_init_instance(&t, "vk_rendering13");
	if (!vkt_api_at_least(&t, 1, 3))
		return vkt_skip(&t, "the device is Vulkan %u.%u, below 1.3", VK_API_VERSION_MAJOR(t.props.apiVersion),
				VK_API_VERSION_MINOR(t.props.apiVersion));
	VkPhysicalDeviceVulkan13Features f13 = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES };
	VkPhysicalDeviceVulkan12Features f12 = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
						 .pNext = &f13 };
	VkPhysicalDeviceFeatures2 features = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, .pNext = &f12 };
	vkGetPhysicalDeviceFeatures2(t.physical_device, &features);
	/* a 1.3 device must have all three (spec "Feature Requirements") */
	if (!f13.dynamicRendering || !f13.synchronization2 || !f12.timelineSemaphore)
		return vkt_fail(&t, "a Vulkan 1.3 device without dynamicRendering (%u), synchronization2 (%u) or "
				"timelineSemaphore (%u)", f13.dynamicRendering, f13.synchronization2,
				f12.timelineSemaphore);
	vkt_fini(&t);

	vkt_init_instance(&t, "vk_rendering13");
	f13 = (VkPhysicalDeviceVulkan13Features){
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
		.dynamicRendering = VK_TRUE,
		.synchronization2 = VK_TRUE,
	};
	f12 = (VkPhysicalDeviceVulkan12Features){
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
		.pNext = &f13,
		.timelineSemaphore = VK_TRUE,
	};
	const struct vkt_device_options opts = { .features_chain = &f12 };
	vkt_init_device(&t, &opts);

	struct vkt_image img;
	struct vkt_buffer readback;
	const VkFormat format = VK_FORMAT_R8G8B8A8_UNORM;
	vkt_image_create(&t, &img, format, WIDTH, HEIGHT,
			 VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT);
	vkt_buffer_create(&t, &readback, WIDTH * HEIGHT * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
	memset(readback.map, 0, WIDTH * HEIGHT * 4);
	vkt_buffer_flush(&t, &readback);

	VkShaderModule vs = vkt_shader_module(&t, fullscreen_vs, sizeof(fullscreen_vs));
	VkShaderModule fs = vkt_shader_module(&t, flat_fs, sizeof(flat_fs));
	const VkPipelineLayoutCreateInfo layout_info = { .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO };
	VkPipelineLayout layout;
	VKT_CHECK(&t, vkCreatePipelineLayout(t.device, &layout_info, NULL, &layout));
	VkPipeline pipeline = vkt_graphics_pipeline_rendering(&t, format, layout, vs, fs);

	const VkEventCreateInfo event_info = { .sType = VK_STRUCTURE_TYPE_EVENT_CREATE_INFO };
	VkEvent event;
	VKT_CHECK(&t, vkCreateEvent(t.device, &event_info, NULL, &event));
	const VkSemaphoreTypeCreateInfo timeline_info = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
		.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
	};
	const VkSemaphoreCreateInfo sem_info = { .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
						 .pNext = &timeline_info };
	VkSemaphore timeline;
	VKT_CHECK(&t, vkCreateSemaphore(t.device, &sem_info, NULL, &timeline));

	const VkCommandBufferAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.commandPool = t.command_pool,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = 1,
	};
	const VkCommandBufferBeginInfo begin = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
	VkCommandBuffer cmd;
	VKT_CHECK(&t, vkAllocateCommandBuffers(t.device, &alloc, &cmd));
	VKT_CHECK(&t, vkBeginCommandBuffer(cmd, &begin));

	/* rendering 1: clear to red */
	VkImageMemoryBarrier2 b = image_barrier(img.image, VK_IMAGE_LAYOUT_UNDEFINED,
						VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, VK_PIPELINE_STAGE_2_NONE, 0,
						VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
						VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT);
	barrier2(cmd, &b, NULL);
	const float red[4] = { 1.0f, 0.0f, 0.0f, 1.0f };
	begin_rendering(cmd, &img, VK_ATTACHMENT_LOAD_OP_CLEAR, red);
	vkCmdEndRendering(cmd);

	/* the store of rendering 1 before the load of rendering 2, through an event */
	b = image_barrier(img.image, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
			  VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
			  VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
			  VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT);
	const VkDependencyInfo event_dep = {
		.sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
		.imageMemoryBarrierCount = 1,
		.pImageMemoryBarriers = &b,
	};
	vkCmdSetEvent2(cmd, event, &event_dep);
	vkCmdWaitEvents2(cmd, 1, &event, &event_dep);

	/* rendering 2: LOAD, the draw on the left half, green top right */
	begin_rendering(cmd, &img, VK_ATTACHMENT_LOAD_OP_LOAD, NULL);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
	const VkViewport viewport = { 0.0f, 0.0f, (float)(WIDTH / 2), (float)HEIGHT, 0.0f, 1.0f };
	const VkRect2D scissor = { { 0, 0 }, { WIDTH / 2, HEIGHT } };
	vkCmdSetViewport(cmd, 0, 1, &viewport);
	vkCmdSetScissor(cmd, 0, 1, &scissor);
	vkCmdDraw(cmd, 3, 1, 0, 0);
	const VkClearAttachment clear = {
		.aspectMask = VK_IMAGE_ASPECT_COLOR_BIT,
		.colorAttachment = 0,
		.clearValue.color.float32 = { 0.0f, 1.0f, 0.0f, 1.0f },
	};
	const VkClearRect rect = { { { WIDTH / 2, 0 }, { WIDTH / 2, HEIGHT / 2 } }, 0, 1 };
	vkCmdClearAttachments(cmd, 1, &clear, 1, &rect);
	vkCmdEndRendering(cmd);

	/* readback: to TRANSFER_SRC, vkCmdCopyImageToBuffer2, transfer -> host */
	b = image_barrier(img.image, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
			  VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
			  VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT);
	barrier2(cmd, &b, NULL);
	const VkBufferImageCopy2 region = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_IMAGE_COPY_2,
		.imageSubresource = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1 },
		.imageExtent = { WIDTH, HEIGHT, 1 },
	};
	const VkCopyImageToBufferInfo2 copy = {
		.sType = VK_STRUCTURE_TYPE_COPY_IMAGE_TO_BUFFER_INFO_2,
		.srcImage = img.image,
		.srcImageLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
		.dstBuffer = readback.buffer,
		.regionCount = 1,
		.pRegions = &region,
	};
	vkCmdCopyImageToBuffer2(cmd, &copy);
	const VkMemoryBarrier2 to_host = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2,
		.srcStageMask = VK_PIPELINE_STAGE_2_COPY_BIT,
		.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT,
		.dstStageMask = VK_PIPELINE_STAGE_2_HOST_BIT,
		.dstAccessMask = VK_ACCESS_2_HOST_READ_BIT,
	};
	barrier2(cmd, NULL, &to_host);
	VKT_CHECK(&t, vkEndCommandBuffer(cmd));

	/* vkQueueSubmit2 signalling the timeline and a fence */
	const VkCommandBufferSubmitInfo cmd_info = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
						     .commandBuffer = cmd };
	const VkSemaphoreSubmitInfo signal = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
		.semaphore = timeline,
		.value = TIMELINE_VALUE,
		.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
	};
	const VkSubmitInfo2 submit = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
		.commandBufferInfoCount = 1,
		.pCommandBufferInfos = &cmd_info,
		.signalSemaphoreInfoCount = 1,
		.pSignalSemaphoreInfos = &signal,
	};
	VkFence fence = vkt_fence(&t, false);
	VKT_CHECK(&t, vkQueueSubmit2(t.queue, 1, &submit, fence));
	const VkSemaphoreWaitInfo wait = {
		.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
		.semaphoreCount = 1,
		.pSemaphores = &timeline,
		.pValues = &(uint64_t){ TIMELINE_VALUE },
	};
	VKT_CHECK(&t, vkWaitSemaphores(t.device, &wait, VKT_WAIT_TIMEOUT_NS));
	vkt_wait_fence(&t, fence, "vkQueueSubmit2's fence");
	uint64_t value = 0;
	VKT_CHECK(&t, vkGetSemaphoreCounterValue(t.device, timeline, &value));
	VkResult event_status = vkGetEventStatus(t.device, event);
	vkt_buffer_invalidate(&t, &readback);

	uint32_t bad = 0, first_x = 0, first_y = 0;
	uint8_t got[4] = { 0 };
	const uint8_t *px = readback.map;
	for (uint32_t y = 0; y < HEIGHT; y++) {
		for (uint32_t x = 0; x < WIDTH; x++) {
			const uint8_t *want = expected_at(x, y), *have = px + (y * WIDTH + x) * 4;
			for (int c = 0; c < 4; c++) {
				if (abs((int)have[c] - (int)want[c]) > 1) {
					if (!bad++) {
						first_x = x;
						first_y = y;
						memcpy(got, have, 4);
					}
					break;
				}
			}
		}
	}

	vkDestroyFence(t.device, fence, NULL);
	vkDestroySemaphore(t.device, timeline, NULL);
	vkDestroyEvent(t.device, event, NULL);
	vkDestroyPipeline(t.device, pipeline, NULL);
	vkDestroyPipelineLayout(t.device, layout, NULL);
	vkDestroyShaderModule(t.device, vs, NULL);
	vkDestroyShaderModule(t.device, fs, NULL);
	vkt_buffer_destroy(&t, &readback);
	vkt_image_destroy(&t, &img);

	if (value != TIMELINE_VALUE)
		return vkt_fail(&t, "vkQueueSubmit2 signalled the timeline to %llu, not %u", (unsigned long long)value,
				TIMELINE_VALUE);
	if (event_status != VK_EVENT_SET)
		return vkt_fail(&t, "vkCmdSetEvent2 left the event %s", vkt_result_name(event_status));
	if (bad) {
		const uint8_t *want = expected_at(first_x, first_y);
		return vkt_fail(&t, "%u of %u texels wrong; first at %u,%u: %u,%u,%u,%u, want %u,%u,%u,%u", bad,
				WIDTH * HEIGHT, first_x, first_y, got[0], got[1], got[2], got[3], want[0], want[1],
				want[2], want[3]);
	}
	return vkt_pass(&t, "dynamic rendering (CLEAR then LOAD, a draw, a clear) ordered by barrier2 and "
			    "events2, vkQueueSubmit2 signalled timeline %u and the fence: %u texels right",
			TIMELINE_VALUE, WIDTH * HEIGHT);
}
