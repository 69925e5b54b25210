// SPDX-License-Identifier: MIT
/*
 * vk_memory2 checks two memory extensions through whatever the device offers of them:
 *  - VK_KHR_map_memory2: vkMapMemory2KHR at an offset into host-visible memory, random words written
 *    through that pointer, vkUnmapMemory2KHR, a GPU copy of the words into a second buffer, and the
 *    copy read back through vkMapMemory must hold the words (the pointer pointed at the offset, and
 *    the writes reached the memory the device reads);
 *  - VK_EXT_memory_budget: every heap below memoryHeapCount has a non-zero heapBudget, every entry
 *    past it is zero in both arrays (spec "VkPhysicalDeviceMemoryBudgetPropertiesEXT"), and a second
 *    query answers again (the budget is not a stale copy of a failed call: nonzero once more).
 * Skips (77) when the device has neither extension.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

#define WORDS 4096u
#define MAP_OFFSET 256u /* bytes into the source memory */

static const char *check_map_memory2(struct vkt *t, char *msg, size_t len)
{
	PFN_vkMapMemory2KHR map2 = (PFN_vkMapMemory2KHR)vkGetDeviceProcAddr(t->device, "vkMapMemory2KHR");
	PFN_vkUnmapMemory2KHR unmap2 = (PFN_vkUnmapMemory2KHR)vkGetDeviceProcAddr(t->device, "vkUnmapMemory2KHR");
	if (!map2 || !unmap2)
		return "VK_KHR_map_memory2 enabled but vkMapMemory2KHR/vkUnmapMemory2KHR not resolved";

	/* the source: a buffer bound at MAP_OFFSET into host-visible memory, written through map2 */
	const VkBufferCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.size = WORDS * 4,
		.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
	};
	VkBuffer src;
	VKT_CHECK(t, vkCreateBuffer(t->device, &info, NULL, &src));
	VkMemoryRequirements req;
	vkGetBufferMemoryRequirements(t->device, src, &req);
	const VkDeviceSize offset = (MAP_OFFSET + req.alignment - 1) / req.alignment * req.alignment;
	const uint32_t type = vkt_memory_type(t, req.memoryTypeBits,
					      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
					      0);
	if (type == UINT32_MAX)
		return "no host-visible coherent memory type for a transfer-source buffer";
	const VkMemoryAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		.allocationSize = offset + req.size,
		.memoryTypeIndex = type,
	};
	VkDeviceMemory memory;
	VKT_CHECK(t, vkAllocateMemory(t->device, &alloc, NULL, &memory));
	VKT_CHECK(t, vkBindBufferMemory(t->device, src, memory, offset));

	const VkMemoryMapInfoKHR map_info = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_MAP_INFO_KHR,
		.memory = memory,
		.offset = offset,
		.size = WORDS * 4,
	};
	uint32_t *words = NULL;
	VKT_CHECK(t, map2(t->device, &map_info, (void **)&words));
	uint32_t seed = vkt_seed(t), state = seed;
	for (uint32_t i = 0; i < WORDS; i++)
		words[i] = vkt_rand(&state);
	const VkMemoryUnmapInfoKHR unmap_info = { .sType = VK_STRUCTURE_TYPE_MEMORY_UNMAP_INFO_KHR, .memory = memory };
	VKT_CHECK(t, unmap2(t->device, &unmap_info));

	struct vkt_buffer dst;
	vkt_buffer_create(t, &dst, WORDS * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
	memset(dst.map, 0, WORDS * 4);
	vkt_buffer_flush(t, &dst);
	VkCommandBuffer cmd = vkt_begin_one_shot(t);
	const VkBufferCopy region = { 0, 0, WORDS * 4 };
	vkCmdCopyBuffer(cmd, src, dst.buffer, 1, &region);
	vkt_cmd_barrier_to_host(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
	vkt_end_one_shot(t, cmd);
	vkt_buffer_invalidate(t, &dst);

	uint32_t bad = 0, first = 0;
	const uint32_t *got = dst.map;
	state = seed;
	for (uint32_t i = 0; i < WORDS; i++) {
		if (got[i] != vkt_rand(&state) && !bad++)
			first = i;
	}
	vkt_buffer_destroy(t, &dst);
	vkDestroyBuffer(t->device, src, NULL);
	vkFreeMemory(t->device, memory, NULL);
	if (bad) {
		snprintf(msg, len, "%u of %u words written through vkMapMemory2KHR at offset %llu did not reach the "
			 "device (first: word %u)", bad, WORDS, (unsigned long long)offset, first);
		return msg;
	}
	return NULL;
}

static const char *check_budget(struct vkt *t, char *msg, size_t len)
{
	for (int round = 0; round < 2; round++) {
		VkPhysicalDeviceMemoryBudgetPropertiesEXT budget = {
			.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT,
		};
		memset(budget.heapBudget, 0xff, sizeof(budget.heapBudget));
		memset(budget.heapUsage, 0xff, sizeof(budget.heapUsage));
		VkPhysicalDeviceMemoryProperties2 props = {
			.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2,
			.pNext = &budget,
		};
		vkGetPhysicalDeviceMemoryProperties2(t->physical_device, &props);
		const uint32_t heaps = props.memoryProperties.memoryHeapCount;
		for (uint32_t i = 0; i < VK_MAX_MEMORY_HEAPS; i++) {
			if (i < heaps && !budget.heapBudget[i]) {
				snprintf(msg, len, "query %d: heap %u of %u has a zero heapBudget", round + 1, i, heaps);
				return msg;
			}
			if (i >= heaps && (budget.heapBudget[i] || budget.heapUsage[i])) {
				snprintf(msg, len, "query %d: entry %u past the %u heaps is not zero (budget %llu, usage %llu)",
					 round + 1, i, heaps, (unsigned long long)budget.heapBudget[i],
					 (unsigned long long)budget.heapUsage[i]);
				return msg;
			}
		}
	}
	return NULL;
}

int main(void)
{
	struct vkt t;
	char msg[256];
	const char *error;

	vkt_init_instance(&t, "vk_memory2");
	const bool map2 = vkt_device_has_extension(&t, VK_KHR_MAP_MEMORY_2_EXTENSION_NAME);
	const bool budget = vkt_device_has_extension(&t, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
	if (!map2 && !budget)
		return vkt_skip(&t, "neither VK_KHR_map_memory2 nor VK_EXT_memory_budget");
	const char *exts[2];
	uint32_t n = 0;
	if (map2)
		exts[n++] = VK_KHR_MAP_MEMORY_2_EXTENSION_NAME;
	if (budget)
		exts[n++] = VK_EXT_MEMORY_BUDGET_EXTENSION_NAME;
	const struct vkt_device_options opts = { .extensions = exts, .extension_count = n };
	vkt_init_device(&t, &opts);

	if (map2 && (error = check_map_memory2(&t, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);
	if (budget && (error = check_budget(&t, msg, sizeof(msg))))
		return vkt_fail(&t, "%s", error);
	return vkt_pass(&t, "%s%s%s", map2 ? "vkMapMemory2KHR at an offset: 4096 words reached the device" : "",
			map2 && budget ? "; " : "", budget ? "memory budget: every heap's budget non-zero, zero past them" : "");
}
