// SPDX-License-Identifier: MIT
/*
 * vk_compute proves that a compute dispatch runs on the device and that its writes reach host-visible,
 * mapped memory: the host fills an input buffer with random words, a compute shader writes
 * out[i] = (in[i] * 3 + seed) ^ i for a count that is not a multiple of the workgroup size, and every
 * element is compared with the CPU's value. The output starts filled with a sentinel, so a skipped
 * workgroup, an unmapped or stale page, or a dispatch that never ran all show as a mismatch; the word
 * just past the count must keep the sentinel (the shader's bounds check).
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "compute_fill.h"

#define ELEMENT_COUNT 100003u /* not a multiple of 64: the last workgroup is partial */
#define LOCAL_SIZE 64u
#define SENTINEL 0xdeadbeefu

struct params {
	uint32_t count;
	uint32_t seed;
};

int main(void)
{
	struct vkt t;
	struct vkt_buffer input, output;
	const VkDeviceSize size = ELEMENT_COUNT * sizeof(uint32_t);

	vkt_init(&t, "vk_compute", NULL);
	uint32_t seed = vkt_seed(&t), state = seed;

	vkt_buffer_create(&t, &input, size, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, true);
	/* One extra word after the range the shader may write. */
	vkt_buffer_create(&t, &output, size + sizeof(uint32_t), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, true);
	uint32_t *in = input.map, *out = output.map;
	for (uint32_t i = 0; i < ELEMENT_COUNT; i++)
		in[i] = vkt_rand(&state);
	for (uint32_t i = 0; i <= ELEMENT_COUNT; i++)
		out[i] = SENTINEL;
	vkt_buffer_flush(&t, &input);
	vkt_buffer_flush(&t, &output);

	VkDescriptorSetLayoutBinding bindings[2] = {
		{ 0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL },
		{ 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL },
	};
	VkDescriptorSetLayoutCreateInfo set_layout_info = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
		.bindingCount = 2,
		.pBindings = bindings,
	};
	VkDescriptorSetLayout set_layout;
	VKT_CHECK(&t, vkCreateDescriptorSetLayout(t.device, &set_layout_info, NULL, &set_layout));

	VkPushConstantRange push_range = { VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(struct params) };
	VkPipelineLayoutCreateInfo layout_info = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
		.setLayoutCount = 1,
		.pSetLayouts = &set_layout,
		.pushConstantRangeCount = 1,
		.pPushConstantRanges = &push_range,
	};
	VkPipelineLayout layout;
	VKT_CHECK(&t, vkCreatePipelineLayout(t.device, &layout_info, NULL, &layout));

	VkShaderModule shader = vkt_shader_module(&t, compute_fill, sizeof(compute_fill));
	VkComputePipelineCreateInfo pipeline_info = {
		.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
		.stage = {
			.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
			.stage = VK_SHADER_STAGE_COMPUTE_BIT,
			.module = shader,
			.pName = "main",
		},
		.layout = layout,
	};
	VkPipeline pipeline;
	VKT_CHECK(&t, vkCreateComputePipelines(t.device, VK_NULL_HANDLE, 1, &pipeline_info, NULL, &pipeline));

	VkDescriptorPoolSize pool_size = { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 };
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
	VkDescriptorBufferInfo buffer_infos[2] = {
		{ input.buffer, 0, size },
		{ output.buffer, 0, size },
	};
	VkWriteDescriptorSet write = {
		.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
		.dstSet = set,
		.dstBinding = 0,
		.descriptorCount = 2,
		.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
		.pBufferInfo = buffer_infos,
	};
	vkUpdateDescriptorSets(t.device, 1, &write, 0, NULL);

	struct params params = { ELEMENT_COUNT, seed };
	VkMemoryBarrier to_host = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
		.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
		.dstAccessMask = VK_ACCESS_HOST_READ_BIT,
	};
	VkCommandBuffer cmd = vkt_begin_one_shot(&t);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &set, 0, NULL);
	vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(params), &params);
	vkCmdDispatch(cmd, (ELEMENT_COUNT + LOCAL_SIZE - 1) / LOCAL_SIZE, 1, 1);
	vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &to_host,
			     0, NULL, 0, NULL);
	vkt_end_one_shot(&t, cmd);
	vkt_buffer_invalidate(&t, &output);

	uint32_t bad = 0, first_bad = 0, expected_first = 0, got_first = 0;
	for (uint32_t i = 0; i < ELEMENT_COUNT; i++) {
		uint32_t expected = (in[i] * 3u + seed) ^ i;

		if (out[i] != expected && bad++ == 0) {
			first_bad = i;
			expected_first = expected;
			got_first = out[i];
		}
	}
	uint32_t past_end = out[ELEMENT_COUNT];

	vkDestroyDescriptorPool(t.device, pool, NULL);
	vkDestroyPipeline(t.device, pipeline, NULL);
	vkDestroyShaderModule(t.device, shader, NULL);
	vkDestroyPipelineLayout(t.device, layout, NULL);
	vkDestroyDescriptorSetLayout(t.device, set_layout, NULL);
	vkt_buffer_destroy(&t, &output);
	vkt_buffer_destroy(&t, &input);

	if (bad)
		return vkt_fail(&t, "compute out[i] = (in[i]*3+seed)^i: %u of %u elements wrong; first at [%u]: "
				    "expected 0x%08x, got 0x%08x",
				bad, ELEMENT_COUNT, first_bad, expected_first, got_first);
	if (past_end != SENTINEL)
		return vkt_fail(&t, "compute wrote past its count: [%u] expected sentinel 0x%08x, got 0x%08x",
				ELEMENT_COUNT, SENTINEL, past_end);
	return vkt_pass(&t, "compute shader wrote all %u elements of a mapped buffer correctly", ELEMENT_COUNT);
}
