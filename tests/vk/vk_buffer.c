// SPDX-License-Identifier: MIT
/*
 * vk_buffer proves the transfer commands on buffers: in one command buffer a device-local buffer is
 * filled (vkCmdFillBuffer, whole buffer and then a VK_WHOLE_SIZE tail from an offset), patched with
 * inline data (vkCmdUpdateBuffer), and overwritten in several regions copied from a host-visible
 * staging buffer of random words (vkCmdCopyBuffer, three regions in one call); then it is copied back
 * into a host-visible buffer at a non-zero offset. The CPU applies the same operations to its own copy
 * and every word must match; the words before the readback offset must be left alone.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

#define WORDS 16384u                 /* 64 KiB device buffer */
#define READBACK_OFFSET_WORDS 64u    /* the final copy lands here in the readback buffer */
#define UPDATE_OFFSET_WORDS 1000u
#define UPDATE_WORDS 4096u           /* 16 KiB: within vkCmdUpdateBuffer's 65536-byte limit */
#define TAIL_OFFSET_WORDS 12000u
#define UNTOUCHED 0x5a5a5a5au

static void transfer_barrier(VkCommandBuffer cmd)
{
	VkMemoryBarrier barrier = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
		.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
		.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
	};

	vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &barrier, 0,
			     NULL, 0, NULL);
}

int main(void)
{
	static uint32_t expected[WORDS], update_data[UPDATE_WORDS];
	struct vkt t;
	struct vkt_buffer device, staging, readback;
	const VkDeviceSize size = WORDS * sizeof(uint32_t);

	vkt_init(&t, "vk_buffer", NULL);
	uint32_t state = vkt_seed(&t);
	uint32_t fill_a = vkt_rand(&state), fill_b = vkt_rand(&state);

	vkt_buffer_create(&t, &device, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
			  false);
	vkt_buffer_create(&t, &staging, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, true);
	vkt_buffer_create(&t, &readback, size + READBACK_OFFSET_WORDS * sizeof(uint32_t),
			  VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
	uint32_t *src = staging.map, *out = readback.map;
	for (uint32_t i = 0; i < WORDS; i++)
		src[i] = vkt_rand(&state);
	for (uint32_t i = 0; i < WORDS + READBACK_OFFSET_WORDS; i++)
		out[i] = UNTOUCHED;
	for (uint32_t i = 0; i < UPDATE_WORDS; i++)
		update_data[i] = vkt_rand(&state);
	vkt_buffer_flush(&t, &staging);
	vkt_buffer_flush(&t, &readback);

	/* Three copy regions with odd (but 4-byte aligned) offsets and sizes, one overlapping the update. */
	VkBufferCopy regions[3] = {
		{ .srcOffset = 4 * 7, .dstOffset = 4 * 3, .size = 4 * 100 },
		{ .srcOffset = 4 * 5000, .dstOffset = 4 * 4000, .size = 4 * 1500 },
		{ .srcOffset = 4 * 16000, .dstOffset = 4 * 16300, .size = 4 * 84 },
	};

	VkCommandBuffer cmd = vkt_begin_one_shot(&t);
	vkCmdFillBuffer(cmd, device.buffer, 0, VK_WHOLE_SIZE, fill_a);
	transfer_barrier(cmd);
	vkCmdFillBuffer(cmd, device.buffer, TAIL_OFFSET_WORDS * 4, VK_WHOLE_SIZE, fill_b);
	transfer_barrier(cmd);
	vkCmdUpdateBuffer(cmd, device.buffer, UPDATE_OFFSET_WORDS * 4, sizeof(update_data), update_data);
	transfer_barrier(cmd);
	vkCmdCopyBuffer(cmd, staging.buffer, device.buffer, 3, regions);
	transfer_barrier(cmd);
	VkBufferCopy back = { .srcOffset = 0, .dstOffset = READBACK_OFFSET_WORDS * 4, .size = size };
	vkCmdCopyBuffer(cmd, device.buffer, readback.buffer, 1, &back);
	vkt_cmd_barrier_to_host(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
	vkt_end_one_shot(&t, cmd);
	vkt_buffer_invalidate(&t, &readback);

	/* The same operations on the CPU. */
	for (uint32_t i = 0; i < WORDS; i++)
		expected[i] = i < TAIL_OFFSET_WORDS ? fill_a : fill_b;
	memcpy(&expected[UPDATE_OFFSET_WORDS], update_data, sizeof(update_data));
	for (int r = 0; r < 3; r++)
		memcpy(&expected[regions[r].dstOffset / 4], &src[regions[r].srcOffset / 4], regions[r].size);

	uint32_t bad = 0, bad_index = 0, bad_expected = 0, bad_got = 0;
	for (uint32_t i = 0; i < WORDS + READBACK_OFFSET_WORDS; i++) {
		uint32_t want = i < READBACK_OFFSET_WORDS ? UNTOUCHED : expected[i - READBACK_OFFSET_WORDS];

		if (out[i] != want && bad++ == 0) {
			bad_index = i;
			bad_expected = want;
			bad_got = out[i];
		}
	}

	vkt_buffer_destroy(&t, &readback);
	vkt_buffer_destroy(&t, &staging);
	vkt_buffer_destroy(&t, &device);

	if (bad)
		return vkt_fail(&t, "fill/update/copy: %u of %u readback words wrong; first at word %u (%s): expected "
				    "0x%08x, got 0x%08x",
				bad, WORDS + READBACK_OFFSET_WORDS, bad_index,
				bad_index < READBACK_OFFSET_WORDS ? "before the copy offset" : "copied range",
				bad_expected, bad_got);
	return vkt_pass(&t, "fill (whole, tail), update (%u bytes), 3-region copy and readback at an offset: all %u "
			    "words match",
			UPDATE_WORDS * 4, WORDS + READBACK_OFFSET_WORDS);
}
