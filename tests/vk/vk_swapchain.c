// SPDX-License-Identifier: MIT
/*
 * vk_swapchain proves presentation: a FIFO swapchain on an X11 window (VK_KHR_xcb_surface, when
 * DISPLAY names a server, e.g. Xvfb) or on a headless surface (VK_EXT_headless_surface) otherwise.
 * FRAMES times: acquire an image (bounded wait), clear it to a colour of a palette, copy it into a
 * mapped buffer and check the pixels (the clear reached the swapchain image, in the byte order of its
 * format), present it. Acquired indices must lie within the image count and every present must
 * succeed. On X11 the window's own pixels are then read back from the server (xcb_get_image) and must
 * show the last frame's colour within a few seconds, which proves the image reached the screen.
 * Then, images acquired without presenting: acquire with timeout 0 until the implementation answers
 * VK_NOT_READY or VK_TIMEOUT (spec "vkAcquireNextImageKHR"), which must come, at once, before more
 * images are held than the swapchain has; the indices held are distinct. They are presented back.
 * On X11 last, the window is resized: within RESIZE_FRAMES presents, vkAcquireNextImageKHR or
 * vkQueuePresentKHR must report VK_SUBOPTIMAL_KHR or VK_ERROR_OUT_OF_DATE_KHR (the swapchain no
 * longer matches the surface: spec "Window System Integration").
 * Where the device offers them, the swapchain is created MUTABLE_FORMAT with a format list and every
 * image gets a view in the other encoding of its format (VK_KHR_swapchain_mutable_format), and each
 * present carries VkPresentRegionsKHR (VK_KHR_incremental_present); the checks above are the same.
 * Exits 77 (skip) when the driver offers no swapchain (Mesa's Venus over lavapipe) or neither surface
 * kind is available; PVGPU_VK_WSI=headless|xcb forces one.
 */
#ifdef HAVE_XCB
#define VK_USE_PLATFORM_XCB_KHR
#include <xcb/xcb.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

#define WIDTH 160u
#define HEIGHT 120u
#define FRAMES 24u
#define SCREEN_WAIT_MS 5000u
#define RESIZE_FRAMES 8u

struct window {
#ifdef HAVE_XCB
	xcb_connection_t *conn;
	xcb_window_t window;
	uint8_t depth;
#endif
	bool xcb;
};

/* Colours whose components are 0 or 1, so UNORM and SRGB formats store the same bytes. */
static const float palette[][4] = {
	{ 1, 0, 0, 1 }, { 0, 1, 0, 1 }, { 0, 0, 1, 1 }, { 1, 1, 0, 1 }, { 0, 1, 1, 1 }, { 1, 0, 1, 1 },
};
#define PALETTE_SIZE (sizeof(palette) / sizeof(palette[0]))

static bool format_is_bgra(VkFormat format)
{
	return format == VK_FORMAT_B8G8R8A8_UNORM || format == VK_FORMAT_B8G8R8A8_SRGB;
}

/* The format of the same texel layout with the other encoding (UNORM <-> SRGB). */
static VkFormat twin_format(VkFormat format)
{
	switch (format) {
	case VK_FORMAT_B8G8R8A8_UNORM: return VK_FORMAT_B8G8R8A8_SRGB;
	case VK_FORMAT_B8G8R8A8_SRGB: return VK_FORMAT_B8G8R8A8_UNORM;
	case VK_FORMAT_R8G8B8A8_UNORM: return VK_FORMAT_R8G8B8A8_SRGB;
	default: return VK_FORMAT_R8G8B8A8_UNORM;
	}
}

static void expected_bytes(VkFormat format, const float color[4], uint8_t out[4])
{
	uint8_t r = color[0] ? 255 : 0, g = color[1] ? 255 : 0, b = color[2] ? 255 : 0;

	out[0] = format_is_bgra(format) ? b : r;
	out[1] = g;
	out[2] = format_is_bgra(format) ? r : b;
	out[3] = 255;
}

static bool open_window(struct window *w)
{
	memset(w, 0, sizeof(*w));
#ifdef HAVE_XCB
	int screen_number;
	w->conn = xcb_connect(NULL, &screen_number);
	if (xcb_connection_has_error(w->conn)) {
		xcb_disconnect(w->conn);
		w->conn = NULL;
		return false;
	}
	xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(w->conn));
	for (int i = 0; i < screen_number; i++)
		xcb_screen_next(&it);
	xcb_screen_t *screen = it.data;
	uint32_t values[] = { screen->black_pixel };
	w->window = xcb_generate_id(w->conn);
	w->depth = screen->root_depth;
	xcb_create_window(w->conn, XCB_COPY_FROM_PARENT, w->window, screen->root, 0, 0, WIDTH, HEIGHT, 0,
			  XCB_WINDOW_CLASS_INPUT_OUTPUT, screen->root_visual, XCB_CW_BACK_PIXEL, values);
	xcb_map_window(w->conn, w->window);
	xcb_flush(w->conn);
	w->xcb = true;
	return true;
#else
	return false;
#endif
}

static void close_window(struct window *w)
{
#ifdef HAVE_XCB
	if (w->conn) {
		xcb_destroy_window(w->conn, w->window);
		xcb_disconnect(w->conn);
	}
#endif
	memset(w, 0, sizeof(*w));
}

/* Waits until the window's centre pixel (read from the X server) shows `color`; NULL or what it saw. */
static const char *check_screen(struct window *w, const float color[4], char *msg, size_t len)
{
#ifdef HAVE_XCB
	uint8_t want_r = color[0] ? 255 : 0, want_g = color[1] ? 255 : 0, want_b = color[2] ? 255 : 0;
	uint8_t r = 0, g = 0, b = 0;

	if (w->depth != 24 && w->depth != 32)
		return NULL; /* pixel layout unknown: the per-image checks stand alone */
	for (unsigned int waited = 0; waited <= SCREEN_WAIT_MS; waited += 20) {
		xcb_get_image_reply_t *reply = xcb_get_image_reply(
			w->conn,
			xcb_get_image(w->conn, XCB_IMAGE_FORMAT_Z_PIXMAP, w->window, WIDTH / 2, HEIGHT / 2, 1, 1, ~0u),
			NULL);
		if (reply && xcb_get_image_data_length(reply) >= 4) {
			const uint8_t *px = xcb_get_image_data(reply); /* 32 bpp, little endian: B G R X */
			b = px[0];
			g = px[1];
			r = px[2];
		}
		free(reply);
		if (abs(r - want_r) <= 2 && abs(g - want_g) <= 2 && abs(b - want_b) <= 2)
			return NULL;
		struct timespec pause = { 0, 20 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	snprintf(msg, len, "window centre after the last present: expected rgb %u,%u,%u, got %u,%u,%u after %u ms",
		 want_r, want_g, want_b, r, g, b, SCREEN_WAIT_MS);
	return msg;
#else
	(void)w;
	(void)color;
	(void)msg;
	(void)len;
	return NULL;
#endif
}

/* Records nothing but the image's move to PRESENT_SRC (contents discarded) and presents it; returns
 * what vkQueuePresentKHR returned. */
static VkResult present_as_is(struct vkt *t, VkSwapchainKHR swapchain, VkImage image, uint32_t index)
{
	VkCommandBuffer cmd = vkt_begin_one_shot(t);
	vkt_cmd_image_barrier(cmd, image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, 0, 0,
			      VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
	vkt_end_one_shot(t, cmd);
	VkPresentInfoKHR present = {
		.sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
		.swapchainCount = 1,
		.pSwapchains = &swapchain,
		.pImageIndices = &index,
	};
	vkt_stage = "vkQueuePresentKHR";
	return vkQueuePresentKHR(t->queue, &present);
}

/* Acquires without presenting until no image is free; returns NULL or what was wrong. */
static const char *check_acquire_limit(struct vkt *t, VkSwapchainKHR swapchain, const VkImage *images,
				       uint32_t image_count, VkFence fence, uint32_t *held_count, char *msg,
				       size_t len)
{
	uint32_t held[16], n = 0;
	const char *error = NULL;

	for (;;) {
		uint32_t index;
		/* the first may wait for the presentation engine to give an image back */
		vkt_stage = "vkAcquireNextImageKHR (acquire limit)";
		VkResult r = vkAcquireNextImageKHR(t->device, swapchain, n ? 0 : VKT_WAIT_TIMEOUT_NS, VK_NULL_HANDLE,
						   fence, &index);
		if ((r == VK_NOT_READY || r == VK_TIMEOUT) && n)
			break;
		if (r != VK_SUCCESS && r != VK_SUBOPTIMAL_KHR) {
			snprintf(msg, len, "acquire %u without presenting returned %s", n + 1, vkt_result_name(r));
			error = msg;
			break;
		}
		vkt_wait_fence(t, fence, "an acquire without presenting");
		VKT_CHECK(t, vkResetFences(t->device, 1, &fence));
		for (uint32_t i = 0; i < n && !error; i++)
			if (held[i] == index) {
				snprintf(msg, len, "image %u acquired twice without being presented", index);
				error = msg;
			}
		if (!error && (index >= image_count || n == image_count)) {
			snprintf(msg, len, "acquire %u without presenting gave image %u of %u", n + 1, index, image_count);
			error = msg;
		}
		if (error)
			break;
		held[n++] = index;
	}
	*held_count = n;
	for (uint32_t i = 0; i < n; i++) {
		VkResult r = present_as_is(t, swapchain, images[held[i]], held[i]);
		if (!error && r != VK_SUCCESS && r != VK_SUBOPTIMAL_KHR) {
			snprintf(msg, len, "presenting held image %u returned %s", held[i], vkt_result_name(r));
			error = msg;
		}
	}
	return error;
}

#ifdef HAVE_XCB
/* Resizes the window, then acquires and presents until the swapchain is reported out of step;
 * returns NULL or what was wrong. */
static const char *check_resize(struct vkt *t, struct window *w, VkSwapchainKHR swapchain, const VkImage *images,
				VkExtent2D extent, VkFence fence, VkResult *reported, char *msg, size_t len)
{
	const uint32_t size[2] = { extent.width + 40, extent.height + 20 };
	xcb_configure_window(w->conn, w->window, XCB_CONFIG_WINDOW_WIDTH | XCB_CONFIG_WINDOW_HEIGHT, size);
	xcb_flush(w->conn);
	free(xcb_get_input_focus_reply(w->conn, xcb_get_input_focus(w->conn), NULL)); /* the server did it */
	for (uint32_t frame = 0; frame < RESIZE_FRAMES; frame++) {
		uint32_t index;
		vkt_stage = "vkAcquireNextImageKHR (resized)";
		VkResult r = vkAcquireNextImageKHR(t->device, swapchain, VKT_WAIT_TIMEOUT_NS, VK_NULL_HANDLE, fence,
						   &index);
		if (r == VK_ERROR_OUT_OF_DATE_KHR) {
			*reported = r;
			return NULL;
		}
		if (r != VK_SUCCESS && r != VK_SUBOPTIMAL_KHR) {
			snprintf(msg, len, "after the resize, acquire %u returned %s", frame + 1, vkt_result_name(r));
			return msg;
		}
		vkt_wait_fence(t, fence, "an acquire after the resize");
		VKT_CHECK(t, vkResetFences(t->device, 1, &fence));
		VkResult p = present_as_is(t, swapchain, images[index], index);
		if (r == VK_SUBOPTIMAL_KHR || p == VK_SUBOPTIMAL_KHR || p == VK_ERROR_OUT_OF_DATE_KHR) {
			*reported = r == VK_SUBOPTIMAL_KHR ? r : p;
			return NULL;
		}
		if (p != VK_SUCCESS) {
			snprintf(msg, len, "after the resize, present %u returned %s", frame + 1, vkt_result_name(p));
			return msg;
		}
	}
	snprintf(msg, len, "the window went from %ux%u to %ux%u, yet %u acquires and presents all returned VK_SUCCESS",
		 extent.width, extent.height, size[0], size[1], RESIZE_FRAMES);
	return msg;
}
#endif

int main(void)
{
	struct vkt t;
	struct window window;
	const char *wsi = getenv("PVGPU_VK_WSI");
	const char *platform_ext = NULL;
	char msg[256];

#ifdef HAVE_XCB
	if ((!wsi || !strcmp(wsi, "xcb")) && getenv("DISPLAY") &&
	    vkt_instance_has_extension(VK_KHR_XCB_SURFACE_EXTENSION_NAME) && open_window(&window))
		platform_ext = VK_KHR_XCB_SURFACE_EXTENSION_NAME;
#endif
	if (!platform_ext && (!wsi || !strcmp(wsi, "headless")) &&
	    vkt_instance_has_extension(VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME)) {
		memset(&window, 0, sizeof(window));
		platform_ext = VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME;
	}
	if (!platform_ext) {
		printf("SKIP vk_swapchain: no %s surface (DISPLAY %s; VK_KHR_xcb_surface and VK_EXT_headless_surface "
		       "looked for)\n",
		       wsi ? wsi : "usable", getenv("DISPLAY") ? getenv("DISPLAY") : "unset");
		return VKT_EXIT_SKIP;
	}
	const char *instance_exts[2] = { VK_KHR_SURFACE_EXTENSION_NAME, platform_ext };
	vkt_init_instance_with(&t, "vk_swapchain", instance_exts, 2);
	if (!vkt_device_has_extension(&t, VK_KHR_SWAPCHAIN_EXTENSION_NAME)) {
		close_window(&window);
		return vkt_skip(&t, "the device offers no VK_KHR_swapchain");
	}

	VkSurfaceKHR surface;
#ifdef HAVE_XCB
	if (window.xcb) {
		VkXcbSurfaceCreateInfoKHR info = {
			.sType = VK_STRUCTURE_TYPE_XCB_SURFACE_CREATE_INFO_KHR,
			.connection = window.conn,
			.window = window.window,
		};
		VKT_CHECK(&t, vkCreateXcbSurfaceKHR(t.instance, &info, NULL, &surface));
	} else
#endif
	{
		VkHeadlessSurfaceCreateInfoEXT info = { .sType = VK_STRUCTURE_TYPE_HEADLESS_SURFACE_CREATE_INFO_EXT };
		PFN_vkCreateHeadlessSurfaceEXT create = (PFN_vkCreateHeadlessSurfaceEXT)
			vkGetInstanceProcAddr(t.instance, "vkCreateHeadlessSurfaceEXT");
		if (!create)
			vkt_die(&t, "VK_EXT_headless_surface listed but vkCreateHeadlessSurfaceEXT missing");
		VKT_CHECK(&t, create(t.instance, &info, NULL, &surface));
	}

	/* Where offered: a mutable-format swapchain (views in the UNORM/SRGB twin of its format) and
	 * presents carrying VkPresentRegionsKHR (the whole image as its one damaged rectangle). */
	const bool mutable_format = vkt_device_has_extension(&t, VK_KHR_SWAPCHAIN_MUTABLE_FORMAT_EXTENSION_NAME);
	const bool incremental = vkt_device_has_extension(&t, VK_KHR_INCREMENTAL_PRESENT_EXTENSION_NAME);
	const char *device_exts[3] = { VK_KHR_SWAPCHAIN_EXTENSION_NAME };
	uint32_t device_ext_count = 1;
	if (mutable_format)
		device_exts[device_ext_count++] = VK_KHR_SWAPCHAIN_MUTABLE_FORMAT_EXTENSION_NAME;
	if (incremental)
		device_exts[device_ext_count++] = VK_KHR_INCREMENTAL_PRESENT_EXTENSION_NAME;
	struct vkt_device_options opts = { .extensions = device_exts, .extension_count = device_ext_count };
	vkt_init_device(&t, &opts);
	VkBool32 supported = VK_FALSE;
	VKT_CHECK(&t, vkGetPhysicalDeviceSurfaceSupportKHR(t.physical_device, t.queue_family, surface, &supported));
	if (!supported) {
		vkDestroySurfaceKHR(t.instance, surface, NULL);
		close_window(&window);
		return vkt_skip(&t, "queue family %u cannot present to the %s surface", t.queue_family, platform_ext);
	}

	VkSurfaceCapabilitiesKHR caps;
	VKT_CHECK(&t, vkGetPhysicalDeviceSurfaceCapabilitiesKHR(t.physical_device, surface, &caps));
	VkSurfaceFormatKHR formats[64];
	uint32_t format_count = 64;
	VkResult result = vkGetPhysicalDeviceSurfaceFormatsKHR(t.physical_device, surface, &format_count, formats);
	if (result != VK_SUCCESS && result != VK_INCOMPLETE)
		vkt_die_result(&t, "vkGetPhysicalDeviceSurfaceFormatsKHR", result, __FILE__, __LINE__);
	VkSurfaceFormatKHR chosen = { VK_FORMAT_UNDEFINED, 0 };
	for (uint32_t i = 0; i < format_count && chosen.format == VK_FORMAT_UNDEFINED; i++) {
		VkFormat f = formats[i].format;
		if (f == VK_FORMAT_B8G8R8A8_UNORM || f == VK_FORMAT_B8G8R8A8_SRGB || f == VK_FORMAT_R8G8B8A8_UNORM ||
		    f == VK_FORMAT_R8G8B8A8_SRGB)
			chosen = formats[i];
	}
	if (chosen.format == VK_FORMAT_UNDEFINED)
		vkt_die(&t, "none of the %u surface formats is a 4x8-bit RGBA/BGRA format", format_count);
	VkImageUsageFlags needed = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
	if ((caps.supportedUsageFlags & needed) != needed)
		vkt_die(&t, "surface image usage 0x%x lacks TRANSFER_SRC|TRANSFER_DST", caps.supportedUsageFlags);
	VkExtent2D extent = caps.currentExtent;
	if (extent.width == UINT32_MAX)
		extent = (VkExtent2D){ WIDTH, HEIGHT };
	uint32_t image_count = caps.minImageCount + 1;
	if (caps.maxImageCount && image_count > caps.maxImageCount)
		image_count = caps.maxImageCount;
	VkCompositeAlphaFlagBitsKHR alpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
	for (uint32_t bit = 1; bit <= VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR; bit <<= 1)
		if (caps.supportedCompositeAlpha & bit) {
			alpha = bit;
			break;
		}

	VkSwapchainCreateInfoKHR swapchain_info = {
		.sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR,
		.surface = surface,
		.minImageCount = image_count,
		.imageFormat = chosen.format,
		.imageColorSpace = chosen.colorSpace,
		.imageExtent = extent,
		.imageArrayLayers = 1,
		.imageUsage = needed,
		.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE,
		.preTransform = caps.currentTransform,
		.compositeAlpha = alpha,
		.presentMode = VK_PRESENT_MODE_FIFO_KHR, /* the one mode every implementation supports */
		.clipped = VK_TRUE,
	};
	const VkFormat view_formats[2] = { chosen.format, twin_format(chosen.format) };
	const VkImageFormatListCreateInfo format_list = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO,
		.viewFormatCount = 2,
		.pViewFormats = view_formats,
	};
	/* a view needs a usage views have: sampled, else colour attachment (either works in SRGB) */
	const VkImageUsageFlags view_usage = (caps.supportedUsageFlags & VK_IMAGE_USAGE_SAMPLED_BIT) ?
						     VK_IMAGE_USAGE_SAMPLED_BIT :
						     VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT;
	if (mutable_format) {
		swapchain_info.flags |= VK_SWAPCHAIN_CREATE_MUTABLE_FORMAT_BIT_KHR;
		swapchain_info.pNext = &format_list;
		swapchain_info.imageUsage |= view_usage;
	}
	VkSwapchainKHR swapchain;
	VKT_CHECK(&t, vkCreateSwapchainKHR(t.device, &swapchain_info, NULL, &swapchain));
	VkImage images[16];
	uint32_t swapchain_images = 16;
	result = vkGetSwapchainImagesKHR(t.device, swapchain, &swapchain_images, images);
	if (result != VK_SUCCESS && result != VK_INCOMPLETE)
		vkt_die_result(&t, "vkGetSwapchainImagesKHR", result, __FILE__, __LINE__);
	/* a view in the twin format of every image: only a MUTABLE_FORMAT image allows it (VKT_CHECK
	 * fails the program on a refusal) */
	for (uint32_t i = 0; mutable_format && i < swapchain_images; i++) {
		const VkImageViewUsageCreateInfo usage = {
			.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO,
			.usage = view_usage,
		};
		const VkImageViewCreateInfo view_info = {
			.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
			.pNext = &usage,
			.image = images[i],
			.viewType = VK_IMAGE_VIEW_TYPE_2D,
			.format = view_formats[1],
			.subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 },
		};
		VkImageView view;
		VKT_CHECK(&t, vkCreateImageView(t.device, &view_info, NULL, &view));
		vkDestroyImageView(t.device, view, NULL);
	}
	const VkRectLayerKHR damage = { { 0, 0 }, extent, 0 };
	const VkPresentRegionKHR region = { 1, &damage };
	const VkPresentRegionsKHR regions = {
		.sType = VK_STRUCTURE_TYPE_PRESENT_REGIONS_KHR,
		.swapchainCount = 1,
		.pRegions = &region,
	};

	struct vkt_buffer readback;
	vkt_buffer_create(&t, &readback, (VkDeviceSize)extent.width * extent.height * 4,
			  VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
	VkFence acquired = vkt_fence(&t, false);
	const char *error = NULL;
	uint32_t used_mask = 0;

	for (uint32_t frame = 0; frame < FRAMES && !error; frame++) {
		const float *color = palette[frame % PALETTE_SIZE];
		uint32_t index;

		vkt_stage = "vkAcquireNextImageKHR";
		result = vkAcquireNextImageKHR(t.device, swapchain, VKT_WAIT_TIMEOUT_NS, VK_NULL_HANDLE, acquired, &index);
		if (result != VK_SUCCESS && result != VK_SUBOPTIMAL_KHR) {
			snprintf(msg, sizeof(msg), "frame %u: vkAcquireNextImageKHR returned %s", frame,
				 vkt_result_name(result));
			error = msg;
			break;
		}
		char what[64];
		snprintf(what, sizeof(what), "vkAcquireNextImageKHR of frame %u (image %u)", frame, index);
		vkt_wait_fence(&t, acquired, what);
		VKT_CHECK(&t, vkResetFences(t.device, 1, &acquired));
		if (index >= swapchain_images) {
			snprintf(msg, sizeof(msg), "frame %u: acquired index %u of %u images", frame, index,
				 swapchain_images);
			error = msg;
			break;
		}
		used_mask |= 1u << index;

		VkClearColorValue clear = { .float32 = { color[0], color[1], color[2], color[3] } };
		VkImageSubresourceRange range = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 };
		struct vkt_image view = { .image = images[index], .width = extent.width, .height = extent.height };
		VkCommandBuffer cmd = vkt_begin_one_shot(&t);
		vkt_cmd_image_barrier(cmd, images[index], VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
				      0, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
				      VK_PIPELINE_STAGE_TRANSFER_BIT);
		vkCmdClearColorImage(cmd, images[index], VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &clear, 1, &range);
		vkt_cmd_image_barrier(cmd, images[index], VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
				      VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
				      VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
				      VK_PIPELINE_STAGE_TRANSFER_BIT);
		vkt_cmd_copy_image_to_buffer(cmd, &view, readback.buffer);
		vkt_cmd_image_barrier(cmd, images[index], VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
				      VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, VK_ACCESS_TRANSFER_READ_BIT, 0,
				      VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
		vkt_end_one_shot(&t, cmd);
		vkt_buffer_invalidate(&t, &readback);

		uint8_t want[4];
		expected_bytes(chosen.format, color, want);
		const uint8_t *pixels = readback.map;
		const uint32_t probes[3][2] = { { 0, 0 }, { extent.width / 2, extent.height / 2 },
						{ extent.width - 1, extent.height - 1 } };
		for (int p = 0; p < 3 && !error; p++) {
			const uint8_t *got = &pixels[((size_t)probes[p][1] * extent.width + probes[p][0]) * 4];
			if (memcmp(got, want, 4)) {
				snprintf(msg, sizeof(msg), "frame %u image %u pixel (%u,%u): expected bytes %u,%u,%u,%u, "
					 "got %u,%u,%u,%u", frame, index, probes[p][0], probes[p][1], want[0], want[1],
					 want[2], want[3], got[0], got[1], got[2], got[3]);
				error = msg;
			}
		}

		VkPresentInfoKHR present = {
			.sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR,
			.pNext = incremental ? &regions : NULL,
			.swapchainCount = 1,
			.pSwapchains = &swapchain,
			.pImageIndices = &index,
		};
		vkt_stage = "vkQueuePresentKHR";
		result = vkQueuePresentKHR(t.queue, &present);
		if (!error && result != VK_SUCCESS && result != VK_SUBOPTIMAL_KHR) {
			snprintf(msg, sizeof(msg), "frame %u: vkQueuePresentKHR returned %s", frame,
				 vkt_result_name(result));
			error = msg;
		}
	}
	if (!error && window.xcb)
		error = check_screen(&window, palette[(FRAMES - 1) % PALETTE_SIZE], msg, sizeof(msg));
	uint32_t held = 0;
	if (!error)
		error = check_acquire_limit(&t, swapchain, images, swapchain_images, acquired, &held, msg, sizeof(msg));
	VkResult resize_result = VK_SUCCESS;
#ifdef HAVE_XCB
	if (!error && window.xcb)
		error = check_resize(&t, &window, swapchain, images, extent, acquired, &resize_result, msg, sizeof(msg));
#endif

	vkt_stage = "vkQueueWaitIdle (teardown)";
	vkQueueWaitIdle(t.queue);
	vkDestroyFence(t.device, acquired, NULL);
	vkt_buffer_destroy(&t, &readback);
	vkDestroySwapchainKHR(t.device, swapchain, NULL);
	vkDestroySurfaceKHR(t.instance, surface, NULL);
	bool on_screen = window.xcb;
	close_window(&window);

	if (error)
		return vkt_fail(&t, "%s", error);
	char resized[96] = "";
	if (on_screen)
		snprintf(resized, sizeof(resized), "; after a resize %s", vkt_result_name(resize_result));
	char extras[128] = "";
	if (mutable_format || incremental)
		snprintf(extras, sizeof(extras), ";%s%s%s", mutable_format ? " mutable format, views in its twin" : "",
			 mutable_format && incremental ? "," : "", incremental ? " presents with VkPresentRegionsKHR" : "");
	return vkt_pass(&t, "%u frames cleared, read back and presented (FIFO, %u images, %u used, %s, format %d)%s; "
			"%u held without presenting before VK_NOT_READY%s%s",
			FRAMES, swapchain_images, (unsigned)__builtin_popcount(used_mask),
			on_screen ? "xcb window" : "headless surface", chosen.format,
			on_screen ? "; the window shows the last frame" : "", held, resized, extras);
}
