// SPDX-License-Identifier: MIT
/*
 * vk_texture proves the texture path: random texels are written into a host-visible staging buffer,
 * copied into an optimally tiled image with vkCmdCopyBufferToImage (layout transitions in between),
 * and sampled through a combined image sampler (nearest filtering) by a fragment shader that draws the
 * texture mirrored horizontally and magnified 2x into a render target. The target is read back and
 * every pixel must equal the texel the CPU predicts: target(x, y) = texture(TEX_W - 1 - x/2, y/2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "fullscreen_vs.h"
#include "texture_fs.h"

#define TEX_W 32u
#define TEX_H 16u
#define SCALE 2u
#define TARGET_W (TEX_W * SCALE)
#define TARGET_H (TEX_H * SCALE)

int main(void)
{
	struct vkt t;
	struct vkt_image texture;
	struct vkt_target target;
	struct vkt_graphics draw;
	struct vkt_buffer staging;

	vkt_init(&t, "vk_texture", NULL);
	uint32_t state = vkt_seed(&t);

	vkt_buffer_create(&t, &staging, TEX_W * TEX_H * 4, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, true);
	uint32_t *texels = staging.map;
	for (uint32_t i = 0; i < TEX_W * TEX_H; i++)
		texels[i] = vkt_rand(&state);
	vkt_buffer_flush(&t, &staging);

	vkt_image_create(&t, &texture, VK_FORMAT_R8G8B8A8_UNORM, TEX_W, TEX_H,
			 VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT);
	vkt_target_create(&t, &target, VK_FORMAT_R8G8B8A8_UNORM, TARGET_W, TARGET_H, true);

	VkSamplerCreateInfo sampler_info = {
		.sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
		.magFilter = VK_FILTER_NEAREST,
		.minFilter = VK_FILTER_NEAREST,
		.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST,
		.addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
		.addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
		.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
		.maxLod = 0.0f,
	};
	VkSampler sampler;
	VKT_CHECK(&t, vkCreateSampler(t.device, &sampler_info, NULL, &sampler));

	VkDescriptorSetLayoutBinding binding = {
		0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, NULL
	};
	VkDescriptorSetLayoutCreateInfo set_layout_info = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
		.bindingCount = 1,
		.pBindings = &binding,
	};
	VkDescriptorSetLayout set_layout;
	VKT_CHECK(&t, vkCreateDescriptorSetLayout(t.device, &set_layout_info, NULL, &set_layout));

	VkDescriptorPoolSize pool_size = { VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1 };
	VkDescriptorPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
		.maxSets = 1,
		.poolSizeCount = 1,
		.pPoolSizes = &pool_size,
	};
	VkDescriptorPool pool;
	VKT_CHECK(&t, vkCreateDescriptorPool(t.device, &pool_info, NULL, &pool));
	VkDescriptorSetAllocateInfo set_info = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
		.descriptorPool = pool,
		.descriptorSetCount = 1,
		.pSetLayouts = &set_layout,
	};
	VkDescriptorSet set;
	VKT_CHECK(&t, vkAllocateDescriptorSets(t.device, &set_info, &set));
	VkDescriptorImageInfo image_info = { sampler, texture.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL };
	VkWriteDescriptorSet write = {
		.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
		.dstSet = set,
		.descriptorCount = 1,
		.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
		.pImageInfo = &image_info,
	};
	vkUpdateDescriptorSets(t.device, 1, &write, 0, NULL);

	struct vkt_graphics_desc draw_desc = {
		.vs_code = fullscreen_vs,
		.vs_size = sizeof(fullscreen_vs),
		.fs_code = texture_fs,
		.fs_size = sizeof(texture_fs),
		.set_layout = set_layout,
		.push_size = sizeof(float) * 2,
	};
	vkt_graphics_create(&t, &draw, &target, &draw_desc);

	/* Upload in its own submission, then draw and read back in a second one: the upload must be
	 * complete and visible to a later command buffer. */
	VkBufferImageCopy upload = {
		.imageSubresource = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1 },
		.imageExtent = { TEX_W, TEX_H, 1 },
	};
	VkCommandBuffer cmd = vkt_begin_one_shot(&t);
	vkt_cmd_image_barrier(cmd, texture.image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
			      VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
			      VK_PIPELINE_STAGE_TRANSFER_BIT);
	vkCmdCopyBufferToImage(cmd, staging.buffer, texture.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &upload);
	vkt_cmd_image_barrier(cmd, texture.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
			      VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
			      VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
			      VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
	vkt_end_one_shot(&t, cmd);

	float target_size[2] = { (float)TARGET_W, (float)TARGET_H };
	cmd = vkt_begin_one_shot(&t);
	vkt_cmd_begin_target(cmd, &target, NULL);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, draw.pipeline);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, draw.layout, 0, 1, &set, 0, NULL);
	vkCmdPushConstants(cmd, draw.layout, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(target_size), target_size);
	vkCmdDraw(cmd, 3, 1, 0, 0);
	vkt_cmd_end_target_readback(cmd, &target);
	vkt_end_one_shot(&t, cmd);
	vkt_buffer_invalidate(&t, &target.readback);

	const uint8_t *pixels = target.readback.map;
	const uint8_t *tex_bytes = staging.map;
	uint32_t bad = 0, bad_x = 0, bad_y = 0;
	const uint8_t *bad_expected = NULL, *bad_got = NULL;
	for (uint32_t y = 0; y < TARGET_H; y++) {
		for (uint32_t x = 0; x < TARGET_W; x++) {
			uint32_t u = TEX_W - 1 - x / SCALE, v = y / SCALE;
			const uint8_t *expected = &tex_bytes[(v * TEX_W + u) * 4];
			const uint8_t *got = &pixels[(y * TARGET_W + x) * 4];

			if (!memcmp(expected, got, 4))
				continue;
			if (bad++ == 0) {
				bad_x = x;
				bad_y = y;
				bad_expected = expected;
				bad_got = got;
			}
		}
	}
	char message[256];
	if (bad)
		snprintf(message, sizeof(message),
			 "texture %ux%u sampled mirrored into %ux%u: %u pixels wrong; first at (%u,%u): expected "
			 "rgba %u,%u,%u,%u, got %u,%u,%u,%u",
			 TEX_W, TEX_H, TARGET_W, TARGET_H, bad, bad_x, bad_y, bad_expected[0], bad_expected[1],
			 bad_expected[2], bad_expected[3], bad_got[0], bad_got[1], bad_got[2], bad_got[3]);

	vkt_graphics_destroy(&t, &draw);
	vkDestroyDescriptorPool(t.device, pool, NULL);
	vkDestroyDescriptorSetLayout(t.device, set_layout, NULL);
	vkDestroySampler(t.device, sampler, NULL);
	vkt_target_destroy(&t, &target);
	vkt_image_destroy(&t, &texture);
	vkt_buffer_destroy(&t, &staging);

	if (bad)
		return vkt_fail(&t, "%s", message);
	return vkt_pass(&t, "texture %ux%u uploaded through staging and sampled (nearest, mirrored, 2x) into %ux%u: "
			    "all pixels match",
			TEX_W, TEX_H, TARGET_W, TARGET_H);
}
