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

	const struct vkt_buffer *buffers[2] = { &input, &output };
	struct vkt_compute compute;
	vkt_compute_create(&t, &compute, compute_fill, sizeof(compute_fill), buffers, 2, sizeof(struct params));

	struct params params = { ELEMENT_COUNT, seed };
	VkCommandBuffer cmd = vkt_begin_one_shot(&t);
	vkt_cmd_compute(cmd, &compute, &params, sizeof(params), (ELEMENT_COUNT + LOCAL_SIZE - 1) / LOCAL_SIZE);
	vkt_cmd_barrier_to_host(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT);
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

	vkt_compute_destroy(&t, &compute);
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
