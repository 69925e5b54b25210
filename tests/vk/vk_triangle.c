// SPDX-License-Identifier: MIT
/*
 * vk_triangle proves that the graphics path works end to end offscreen: a vertex buffer, a render pass
 * with a clear, a graphics pipeline with push constants, a draw, and a copy of the image into a mapped
 * buffer. The triangle (random vertices, random colours, a non-square image so a swapped axis shows)
 * is rasterised on the CPU with edge functions; every pixel whose centre lies more than one pixel from
 * an edge must hold the triangle's colour (inside) or the clear colour (outside), within 1 of 255.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "triangle_fs.h"
#include "triangle_vs.h"

#define WIDTH 96u
#define HEIGHT 64u
#define EDGE_MARGIN 1.0f /* pixels within this distance of an edge are not judged */

struct vec2 {
	float x, y;
};

/* Positive on one side of the line a->b, negative on the other; |value| / |b - a| is the distance. */
static float edge(struct vec2 a, struct vec2 b, struct vec2 p)
{
	return (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
}

/* 1 inside, 0 outside, -1 too close to an edge to judge. */
static int classify(const struct vec2 v[3], float x, float y)
{
	struct vec2 p = { x, y };
	float area = edge(v[0], v[1], v[2]);
	int inside = 1;

	for (int i = 0; i < 3; i++) {
		struct vec2 a = v[i], b = v[(i + 1) % 3];
		float e = edge(a, b, p);
		float distance = fabsf(e) / hypotf(b.x - a.x, b.y - a.y);

		if (distance < EDGE_MARGIN)
			return -1;
		if ((e > 0) != (area > 0))
			inside = 0;
	}
	return inside;
}

static void random_color(uint32_t *state, uint8_t out[4])
{
	uint32_t r = vkt_rand(state);

	out[0] = (uint8_t)r;
	out[1] = (uint8_t)(r >> 8);
	out[2] = (uint8_t)(r >> 16);
	out[3] = 255;
}

int main(void)
{
	struct vkt t;
	struct vkt_target target;
	struct vkt_graphics draw;
	struct vkt_buffer vertices;

	vkt_init(&t, "vk_triangle", NULL);
	uint32_t state = vkt_seed(&t);

	/* Random triangle, in pixels, big enough to have plenty of inside pixels. */
	struct vec2 px[3];
	do {
		for (int i = 0; i < 3; i++) {
			px[i].x = (float)(vkt_rand(&state) % (WIDTH * 8)) / 8.0f;
			px[i].y = (float)(vkt_rand(&state) % (HEIGHT * 8)) / 8.0f;
		}
	} while (fabsf(edge(px[0], px[1], px[2])) / 2.0f < WIDTH * HEIGHT / 6.0f);
	uint8_t clear[4], color[4];
	do {
		random_color(&state, clear);
		random_color(&state, color);
	} while (abs(clear[0] - color[0]) + abs(clear[1] - color[1]) + abs(clear[2] - color[2]) < 60);

	vkt_buffer_create(&t, &vertices, sizeof(float) * 6, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, true);
	float *ndc = vertices.map;
	for (int i = 0; i < 3; i++) {
		ndc[2 * i] = px[i].x / WIDTH * 2.0f - 1.0f;
		ndc[2 * i + 1] = px[i].y / HEIGHT * 2.0f - 1.0f; /* Vulkan: NDC y = -1 is the top row */
	}
	vkt_buffer_flush(&t, &vertices);
	vkt_target_create(&t, &target, VK_FORMAT_R8G8B8A8_UNORM, WIDTH, HEIGHT, true);

	VkVertexInputBindingDescription binding = { 0, sizeof(float) * 2, VK_VERTEX_INPUT_RATE_VERTEX };
	VkVertexInputAttributeDescription attribute = { 0, 0, VK_FORMAT_R32G32_SFLOAT, 0 };
	VkPipelineVertexInputStateCreateInfo vertex_input = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO,
		.vertexBindingDescriptionCount = 1,
		.pVertexBindingDescriptions = &binding,
		.vertexAttributeDescriptionCount = 1,
		.pVertexAttributeDescriptions = &attribute,
	};
	struct vkt_graphics_desc draw_desc = {
		.vs_code = triangle_vs,
		.vs_size = sizeof(triangle_vs),
		.fs_code = triangle_fs,
		.fs_size = sizeof(triangle_fs),
		.push_size = sizeof(float) * 4,
		.vertex_input = &vertex_input,
	};
	vkt_graphics_create(&t, &draw, &target, &draw_desc);

	float color_f[4], clear_f[4];
	for (int i = 0; i < 4; i++) {
		color_f[i] = color[i] / 255.0f;
		clear_f[i] = clear[i] / 255.0f;
	}
	VkDeviceSize zero = 0;
	VkCommandBuffer cmd = vkt_begin_one_shot(&t);
	vkt_cmd_begin_target(cmd, &target, clear_f);
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, draw.pipeline);
	vkCmdBindVertexBuffers(cmd, 0, 1, &vertices.buffer, &zero);
	vkCmdPushConstants(cmd, draw.layout, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(color_f), color_f);
	vkCmdDraw(cmd, 3, 1, 0, 0);
	vkt_cmd_end_target_readback(cmd, &target);
	vkt_end_one_shot(&t, cmd);
	vkt_buffer_invalidate(&t, &target.readback);

	const uint8_t *pixels = target.readback.map;
	uint32_t inside = 0, outside = 0, bad = 0, bad_x = 0, bad_y = 0;
	uint8_t bad_expected[4] = { 0 }, bad_got[4] = { 0 };
	for (uint32_t y = 0; y < HEIGHT; y++) {
		for (uint32_t x = 0; x < WIDTH; x++) {
			int where = classify(px, x + 0.5f, y + 0.5f);
			const uint8_t *expected = where ? color : clear;
			const uint8_t *got = &pixels[(y * WIDTH + x) * 4];

			if (where < 0)
				continue;
			where ? inside++ : outside++;
			for (int c = 0; c < 4; c++) {
				if (abs(got[c] - expected[c]) <= 1)
					continue;
				if (bad++ == 0) {
					bad_x = x;
					bad_y = y;
					memcpy(bad_expected, expected, 4);
					memcpy(bad_got, got, 4);
				}
				break;
			}
		}
	}

	vkt_graphics_destroy(&t, &draw);
	vkt_target_destroy(&t, &target);
	vkt_buffer_destroy(&t, &vertices);

	if (bad)
		return vkt_fail(&t, "triangle %ux%u: %u pixels wrong; first at (%u,%u) (%s): expected rgba %u,%u,%u,%u, "
				    "got %u,%u,%u,%u",
				WIDTH, HEIGHT, bad, bad_x, bad_y,
				classify(px, bad_x + 0.5f, bad_y + 0.5f) ? "inside" : "outside", bad_expected[0],
				bad_expected[1], bad_expected[2], bad_expected[3], bad_got[0], bad_got[1], bad_got[2],
				bad_got[3]);
	if (!inside || !outside)
		return vkt_fail(&t, "triangle test degenerate: %u inside, %u outside pixels judged", inside, outside);
	return vkt_pass(&t, "triangle %ux%u matches the CPU reference: %u inside, %u outside pixels (edges skipped)",
			WIDTH, HEIGHT, inside, outside);
}
