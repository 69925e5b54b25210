/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the tests/vk programs: instance and device creation on the first physical device,
 * memory-type selection, buffers and images with their memory, offscreen render targets and the graphics
 * pipelines that draw into them, compute pipelines, one-shot command buffers, bounded waits, and the
 * single result line each program prints.
 *
 * Every program runs on whatever ICD the Vulkan loader selects (VK_DRIVER_FILES / VK_ICD_FILENAMES),
 * needs at most Vulkan 1.2 (vk_rendering13: 1.3, else it skips) and no window system (vk_swapchain uses X11 when DISPLAY is set). A failing
 * Vulkan call ends the program with "FAIL <test>: <call> returned <VkResult> (<file>:<line>)" and exit
 * status 1; a wait never blocks for longer than VKT_WAIT_TIMEOUT_NS, and a watchdog (VKT_WATCHDOG_S
 * seconds, PVGPU_VK_WATCHDOG_S in the environment overrides it) ends a program that hangs inside a
 * driver call, naming the call it was in.
 * (PVGPU_* variables are the ones scripts/inroot passes into the root filesystem.)
 */
#ifndef PVGPU_TESTS_VK_COMMON_H
#define PVGPU_TESTS_VK_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

/* Bound on every fence/semaphore wait: a few seconds is plenty for these tiny workloads, even under TCG. */
#define VKT_WAIT_TIMEOUT_NS (10ull * 1000 * 1000 * 1000)
/* Default whole-program watchdog; PVGPU_VK_WATCHDOG_S in the environment overrides it (0 disables it). */
#define VKT_WATCHDOG_S 120

/* meson's exit status for "skipped": the device lacks what the test needs. */
#define VKT_EXIT_SKIP 77

struct vkt_device_options {
	/* Chained into VkDeviceCreateInfo.pNext (feature structs the program needs enabled). */
	const void *features_chain;
	/* Queues wanted from one family (1 when 0); fewer are created when the family has fewer. */
	uint32_t queue_count;
	/* Flags the queue family must support (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT when 0). */
	VkQueueFlags queue_flags;
	/* Device extensions to enable (the program checks they exist first). */
	const char *const *extensions;
	uint32_t extension_count;
};

struct vkt {
	const char *name;
	VkInstance instance;
	VkPhysicalDevice physical_device;
	VkPhysicalDeviceProperties props;
	char driver_name[VK_MAX_DRIVER_NAME_SIZE]; /* VkPhysicalDeviceDriverProperties (1.2), else "" */
	VkPhysicalDeviceMemoryProperties mem_props;
	VkDevice device;
	uint32_t queue_family;
	uint32_t queue_count;
	VkQueue queues[4];
	VkQueue queue; /* queues[0] */
	VkCommandPool command_pool;
	VkDebugUtilsMessengerEXT messenger;
	uint32_t validation_errors;
	bool validation; /* VK_LOADER_LAYERS_ENABLE asks for the validation layer, and it is installed */
	uint32_t seed;
	bool seeded; /* vkt_seed was called: result lines name the seed */
};

struct vkt_buffer {
	VkBuffer buffer;
	VkDeviceMemory memory;
	VkDeviceSize size;
	void *map; /* non-NULL when the memory is host-visible */
	bool coherent;
};

struct vkt_image {
	VkImage image;
	VkDeviceMemory memory;
	VkImageView view;
	VkFormat format;
	uint32_t width, height;
};

/* Fails the program (exit 1) when a Vulkan call does not return VK_SUCCESS. */
#define VKT_CHECK(t, call)                                                                                \
	do {                                                                                              \
		vkt_stage = #call;                                                                        \
		VkResult vkt_result_ = (call);                                                            \
		if (vkt_result_ != VK_SUCCESS)                                                            \
			vkt_die_result((t), #call, vkt_result_, __FILE__, __LINE__);                      \
	} while (0)

/* The call a program is in, for the watchdog's message. */
extern const char *volatile vkt_stage;

/* Instance, first physical device, device with queues, command pool. Exits the program on failure. */
void vkt_init(struct vkt *t, const char *name, const struct vkt_device_options *opts);
/* vkt_init in two steps, for programs that query features before creating the device. */
void vkt_init_instance(struct vkt *t, const char *name);
void vkt_init_device(struct vkt *t, const struct vkt_device_options *opts);
/* vkt_init_instance with instance extensions enabled (the program checks they exist first). */
void vkt_init_instance_with(struct vkt *t, const char *name, const char *const *extensions, uint32_t count);
bool vkt_instance_has_extension(const char *name);
bool vkt_device_has_extension(const struct vkt *t, const char *name);
/* Waits for the device to go idle, destroys what vkt_init made. */
void vkt_fini(struct vkt *t);

/* Prints "PASS <test>: <what>", tears down, returns 0 (or 1 when validation reported errors). */
int vkt_pass(struct vkt *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "FAIL <test>: <what>", tears down, returns 1. */
int vkt_fail(struct vkt *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "SKIP <test>: <why>", tears down, returns VKT_EXIT_SKIP. */
int vkt_skip(struct vkt *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "FAIL <test>: <what>" and exits 1 at once (nothing torn down). */
_Noreturn void vkt_die(struct vkt *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void vkt_die_result(struct vkt *t, const char *call, VkResult result, const char *file, int line);

const char *vkt_result_name(VkResult result);
/* True when the physical device reports apiVersion >= major.minor. */
bool vkt_api_at_least(const struct vkt *t, uint32_t major, uint32_t minor);

/* Index of a memory type allowed by type_bits with all `required` flags, preferring one that also has
 * `preferred`; UINT32_MAX when none exists. */
uint32_t vkt_memory_type(const struct vkt *t, uint32_t type_bits, VkMemoryPropertyFlags required,
			 VkMemoryPropertyFlags preferred);

/* Buffer bound to fresh memory. host_visible: HOST_VISIBLE memory (coherent preferred), mapped. */
void vkt_buffer_create(struct vkt *t, struct vkt_buffer *b, VkDeviceSize size, VkBufferUsageFlags usage,
		       bool host_visible);
void vkt_buffer_destroy(struct vkt *t, struct vkt_buffer *b);
/* Makes host writes visible to the device (flush) / device writes visible to the host (invalidate);
 * no-ops on coherent memory. */
void vkt_buffer_flush(struct vkt *t, const struct vkt_buffer *b);
void vkt_buffer_invalidate(struct vkt *t, const struct vkt_buffer *b);

/* 2D single-mip image in device memory (device-local preferred) with a colour view. */
void vkt_image_create(struct vkt *t, struct vkt_image *img, VkFormat format, uint32_t width, uint32_t height,
		      VkImageUsageFlags usage);
void vkt_image_destroy(struct vkt *t, struct vkt_image *img);
/* Records a whole-image layout transition with a full pipeline barrier (simple, not fast). */
void vkt_cmd_image_barrier(VkCommandBuffer cmd, VkImage image, VkImageLayout old_layout,
			   VkImageLayout new_layout, VkAccessFlags src_access, VkAccessFlags dst_access,
			   VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage);
/* Records a copy of a whole colour image (in TRANSFER_SRC_OPTIMAL) into a tightly packed buffer,
 * followed by a transfer->host barrier. */
void vkt_cmd_copy_image_to_buffer(VkCommandBuffer cmd, const struct vkt_image *img, VkBuffer buffer);

/* Render pass with one colour attachment: cleared on load, stored, left in TRANSFER_SRC_OPTIMAL for
 * readback (with the external dependency that orders the colour writes before the transfer). */
VkRenderPass vkt_color_render_pass(struct vkt *t, VkFormat format);
/* Graphics pipeline for a width x height viewport: triangle list, no culling, no depth, no blending.
 * vertex_input may be NULL (vertices generated from gl_VertexIndex). */
VkPipeline vkt_graphics_pipeline(struct vkt *t, VkRenderPass render_pass, VkPipelineLayout layout,
				 VkShaderModule vs, VkShaderModule fs,
				 const VkPipelineVertexInputStateCreateInfo *vertex_input, uint32_t width,
				 uint32_t height);
/* The same for dynamic rendering (Vulkan 1.3, spec "Render Pass", vkCmdBeginRendering): one colour
 * attachment of color_format, viewport and scissor dynamic (vkCmdSetViewport/vkCmdSetScissor). */
VkPipeline vkt_graphics_pipeline_rendering(struct vkt *t, VkFormat color_format, VkPipelineLayout layout,
					   VkShaderModule vs, VkShaderModule fs);
VkFramebuffer vkt_framebuffer(struct vkt *t, VkRenderPass render_pass, const struct vkt_image *img);

/* An offscreen colour target of width x height texels of a 4-byte format: the image (colour attachment,
 * transfer source), its vkt_color_render_pass and framebuffer, and, when asked for, a host-visible
 * readback buffer of width * height * 4 bytes, zeroed so that a copy that never happened shows. */
struct vkt_target {
	struct vkt_image image;
	VkRenderPass render_pass;
	VkFramebuffer framebuffer;
	struct vkt_buffer readback; /* all zero without readback */
};
void vkt_target_create(struct vkt *t, struct vkt_target *rt, VkFormat format, uint32_t width, uint32_t height,
		       bool readback);
void vkt_target_destroy(struct vkt *t, struct vkt_target *rt);
/* Records vkCmdBeginRenderPass over the whole target (inline contents), cleared to clear_rgba (float
 * components; NULL: transparent black). */
void vkt_cmd_begin_target(VkCommandBuffer cmd, const struct vkt_target *rt, const float *clear_rgba);
/* Records vkCmdEndRenderPass, then the copy of the image into the readback buffer with its
 * transfer->host barrier (vkt_cmd_copy_image_to_buffer); after the submission completes,
 * vkt_buffer_invalidate(t, &rt->readback) and read rt->readback.map. */
void vkt_cmd_end_target_readback(VkCommandBuffer cmd, const struct vkt_target *rt);

/* A graphics pipeline drawing into a vkt_target, with what it owns: both shader modules and a pipeline
 * layout with at most one descriptor set layout and push constants for the fragment stage. */
struct vkt_graphics_desc {
	const uint32_t *vs_code, *fs_code; /* SPIR-V */
	size_t vs_size, fs_size;	   /* bytes */
	VkDescriptorSetLayout set_layout;  /* set 0, or VK_NULL_HANDLE for none (not owned) */
	uint32_t push_size;		   /* bytes of fragment-stage push constants at offset 0; 0: none */
	/* NULL: vertices generated from gl_VertexIndex */
	const VkPipelineVertexInputStateCreateInfo *vertex_input;
};
struct vkt_graphics {
	VkShaderModule vs, fs;
	VkPipelineLayout layout;
	VkPipeline pipeline; /* vkt_graphics_pipeline with a viewport over the whole target */
};
void vkt_graphics_create(struct vkt *t, struct vkt_graphics *g, const struct vkt_target *rt,
			 const struct vkt_graphics_desc *desc);
void vkt_graphics_destroy(struct vkt *t, struct vkt_graphics *g);

/* A compute pipeline over storage buffers bound at bindings 0..n-1 of set 0, with push constants. */
struct vkt_compute {
	VkShaderModule shader;
	VkDescriptorSetLayout set_layout;
	VkPipelineLayout layout;
	VkPipeline pipeline;
	VkDescriptorPool pool;
	VkDescriptorSet set;
};
void vkt_compute_create(struct vkt *t, struct vkt_compute *c, const uint32_t *code, size_t code_size,
			const struct vkt_buffer *const *buffers, uint32_t buffer_count, uint32_t push_size);
void vkt_compute_destroy(struct vkt *t, struct vkt_compute *c);
/* Binds pipeline and set, pushes the constants, dispatches groups_x workgroups. */
void vkt_cmd_compute(VkCommandBuffer cmd, const struct vkt_compute *c, const void *push, uint32_t push_size,
		     uint32_t groups_x);
/* Records a global memory barrier from the given stage/access to host reads. */
void vkt_cmd_barrier_to_host(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src_access);

/* Allocates a primary command buffer from the common pool and begins it (one-time submit). */
VkCommandBuffer vkt_begin_one_shot(struct vkt *t);
/* Ends, submits to t->queue, waits with the bounded timeout, frees the command buffer. */
void vkt_end_one_shot(struct vkt *t, VkCommandBuffer cmd);
/* Waits for one fence with the bounded timeout; VK_TIMEOUT or DEVICE_LOST fails the program. */
void vkt_wait_fence(struct vkt *t, VkFence fence, const char *what);

VkShaderModule vkt_shader_module(struct vkt *t, const uint32_t *code, size_t size);
VkFence vkt_fence(struct vkt *t, bool signaled);

/* CLOCK_MONOTONIC in nanoseconds, for measuring waits and loops. */
uint64_t vkt_now_ns(void);
/* Deterministic pseudo-random numbers for test data; the seed is printed so a failure can be rerun
 * (PVGPU_VK_SEED in the environment fixes it). */
uint32_t vkt_seed(struct vkt *t);
uint32_t vkt_rand(uint32_t *state);

/* Counting pvk's synchronous calls (host round trips): with PVK_DEBUG=ring, pvk prints
 * "pvk: ring N: ... M synchronous calls" when an instance is destroyed. vkt_ring_report_request adds
 * "ring" to PVK_DEBUG; call it before the first instance (pvk reads PVK_DEBUG once). */
void vkt_ring_report_request(void);
struct vkt_round_trips {
	bool counted;		       /* both runs printed ring reports (the ICD is pvk) */
	unsigned long long base, loop; /* synchronous calls of run(0) and run(loops) */
	unsigned long long extra;      /* loop - base (0 when fewer) */
	unsigned long long allowed;    /* the dead-host check's rate: 4 + 2 per 200 ms of run(loops) */
	double ms;		       /* what run(loops) returned: its loop's duration, ms */
};
/* Runs run(0) and run(loops), each creating and destroying its own instance, with stderr captured
 * (and passed through afterwards), and fills r from the ring reports. Call it before any other
 * instance of the program exists. */
void vkt_count_round_trips(struct vkt_round_trips *r, double (*run)(uint32_t loops), uint32_t loops);

#endif
