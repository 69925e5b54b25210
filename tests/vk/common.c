// SPDX-License-Identifier: MIT
/* Shared helpers of the tests/vk programs: see common.h. */
#include "common.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *volatile vkt_stage = "start";
static const char *volatile watchdog_test_name = "vk test";

static void watchdog_fired(int sig)
{
	(void)sig;
	/* Only async-signal-safe calls here: write(2) and _exit(2). */
	const char *parts[] = { "FAIL ", watchdog_test_name, ": watchdog expired (hang?) in ", vkt_stage, "\n" };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (write(STDOUT_FILENO, parts[i], strlen(parts[i])) < 0)
			break;
	_exit(1);
}

static void watchdog_start(const char *name)
{
	unsigned int seconds = VKT_WATCHDOG_S;
	const char *env = getenv("PVGPU_VK_WATCHDOG_S");

	if (env)
		seconds = (unsigned int)strtoul(env, NULL, 10);
	watchdog_test_name = name;
	if (!seconds)
		return;
	signal(SIGALRM, watchdog_fired);
	alarm(seconds);
}

const char *vkt_result_name(VkResult result)
{
	switch (result) {
#define R(x) case x: return #x
	R(VK_SUCCESS);
	R(VK_NOT_READY);
	R(VK_TIMEOUT);
	R(VK_SUBOPTIMAL_KHR);
	R(VK_ERROR_OUT_OF_DATE_KHR);
	R(VK_ERROR_SURFACE_LOST_KHR);
	R(VK_EVENT_SET);
	R(VK_EVENT_RESET);
	R(VK_INCOMPLETE);
	R(VK_ERROR_OUT_OF_HOST_MEMORY);
	R(VK_ERROR_OUT_OF_DEVICE_MEMORY);
	R(VK_ERROR_INITIALIZATION_FAILED);
	R(VK_ERROR_DEVICE_LOST);
	R(VK_ERROR_MEMORY_MAP_FAILED);
	R(VK_ERROR_LAYER_NOT_PRESENT);
	R(VK_ERROR_EXTENSION_NOT_PRESENT);
	R(VK_ERROR_FEATURE_NOT_PRESENT);
	R(VK_ERROR_INCOMPATIBLE_DRIVER);
	R(VK_ERROR_TOO_MANY_OBJECTS);
	R(VK_ERROR_FORMAT_NOT_SUPPORTED);
	R(VK_ERROR_FRAGMENTED_POOL);
	R(VK_ERROR_UNKNOWN);
	R(VK_ERROR_OUT_OF_POOL_MEMORY);
	R(VK_ERROR_INVALID_EXTERNAL_HANDLE);
	R(VK_ERROR_FRAGMENTATION);
#undef R
	default:
		return "VkResult(unknown)";
	}
}

static void print_line(struct vkt *t, const char *verdict, const char *fmt, va_list ap)
{
	printf("%s %s: ", verdict, t->name ? t->name : "vk test");
	vprintf(fmt, ap);
	if (t->seeded)
		printf(" (seed %u)", t->seed);
	if (t->validation)
		printf(" (validation layer)");
	if (t->physical_device)
		printf(" [%s%s%s]", t->props.deviceName, t->driver_name[0] ? ", driver " : "", t->driver_name);
	printf("\n");
	fflush(stdout);
}

_Noreturn void vkt_die(struct vkt *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line(t, "FAIL", fmt, ap);
	va_end(ap);
	exit(1);
}

_Noreturn void vkt_die_result(struct vkt *t, const char *call, VkResult result, const char *file, int line)
{
	vkt_die(t, "%s returned %s (%d) at %s:%d", call, vkt_result_name(result), result, file, line);
}

int vkt_pass(struct vkt *t, const char *fmt, ...)
{
	va_list ap;

	vkt_fini(t);
	if (t->validation_errors) {
		printf("FAIL %s: validation layer reported %u error(s) (above); the check itself: ", t->name,
		       t->validation_errors);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		return 1;
	}
	va_start(ap, fmt);
	print_line(t, "PASS", fmt, ap);
	va_end(ap);
	return 0;
}

int vkt_fail(struct vkt *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line(t, "FAIL", fmt, ap);
	va_end(ap);
	vkt_fini(t);
	return 1;
}

int vkt_skip(struct vkt *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_line(t, "SKIP", fmt, ap);
	va_end(ap);
	vkt_fini(t);
	return VKT_EXIT_SKIP;
}

bool vkt_api_at_least(const struct vkt *t, uint32_t major, uint32_t minor)
{
	uint32_t v = t->props.apiVersion;

	return VK_API_VERSION_MAJOR(v) > major ||
	       (VK_API_VERSION_MAJOR(v) == major && VK_API_VERSION_MINOR(v) >= minor);
}

static VKAPI_ATTR VkBool32 VKAPI_CALL debug_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
						    VkDebugUtilsMessageTypeFlagsEXT types,
						    const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
	struct vkt *t = user;

	(void)types;
	if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
		/* Layers may call back from any thread that makes a Vulkan call (vk_threads). */
		__atomic_add_fetch(&t->validation_errors, 1, __ATOMIC_RELAXED);
		fprintf(stderr, "%s: validation error: %s\n", t->name, data->pMessage);
	} else {
		fprintf(stderr, "%s: validation warning: %s\n", t->name, data->pMessage);
	}
	return VK_FALSE;
}

bool vkt_instance_has_extension(const char *name)
{
	uint32_t count = 0;
	bool found = false;

	if (vkEnumerateInstanceExtensionProperties(NULL, &count, NULL) != VK_SUCCESS)
		return false;
	VkExtensionProperties *exts = calloc(count ? count : 1, sizeof(*exts));
	if (exts && vkEnumerateInstanceExtensionProperties(NULL, &count, exts) == VK_SUCCESS)
		for (uint32_t i = 0; i < count && !found; i++)
			found = !strcmp(exts[i].extensionName, name);
	free(exts);
	return found;
}

bool vkt_device_has_extension(const struct vkt *t, const char *name)
{
	uint32_t count = 0;
	bool found = false;

	if (vkEnumerateDeviceExtensionProperties(t->physical_device, NULL, &count, NULL) != VK_SUCCESS)
		return false;
	VkExtensionProperties *exts = calloc(count ? count : 1, sizeof(*exts));
	if (exts && vkEnumerateDeviceExtensionProperties(t->physical_device, NULL, &count, exts) == VK_SUCCESS)
		for (uint32_t i = 0; i < count && !found; i++)
			found = !strcmp(exts[i].extensionName, name);
	free(exts);
	return found;
}

/* True when VK_LOADER_LAYERS_ENABLE asks the loader for the validation layer; the program then dies
 * if the layer is not installed, so that a run "under validation" cannot pass without it. */
static bool validation_requested(struct vkt *t)
{
	const char *enable = getenv("VK_LOADER_LAYERS_ENABLE");
	VkLayerProperties layers[64];
	uint32_t count = 64;

	if (!enable || !strstr(enable, "validation"))
		return false;
	VkResult result = vkEnumerateInstanceLayerProperties(&count, layers);
	if (result != VK_SUCCESS && result != VK_INCOMPLETE)
		vkt_die_result(t, "vkEnumerateInstanceLayerProperties", result, __FILE__, __LINE__);
	for (uint32_t i = 0; i < count; i++)
		if (!strcmp(layers[i].layerName, "VK_LAYER_KHRONOS_validation"))
			return true;
	vkt_die(t, "VK_LOADER_LAYERS_ENABLE=%s asks for the validation layer, which is not installed "
		   "(Debian: vulkan-validationlayers)", enable);
}

static void create_instance(struct vkt *t, const char *const *wanted, uint32_t wanted_count)
{
	/* VK_EXT_debug_utils is offered when a layer (validation) or the driver implements it; its
	 * messenger turns validation errors into a test failure. */
	bool debug_utils = vkt_instance_has_extension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
	const char *extensions[9];

	t->validation = validation_requested(t);
	if (t->validation && !debug_utils)
		vkt_die(t, "the validation layer is loaded but offers no VK_EXT_debug_utils: its errors would go unseen");
	uint32_t extension_count = 0;

	if (wanted_count > 8)
		vkt_die(t, "at most 8 instance extensions");
	for (uint32_t i = 0; i < wanted_count; i++)
		extensions[extension_count++] = wanted[i];
	if (debug_utils)
		extensions[extension_count++] = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
	VkDebugUtilsMessengerCreateInfoEXT messenger_info = {
		.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
		.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT |
				   VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT,
		.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT,
		.pfnUserCallback = debug_message,
		.pUserData = t,
	};
	VkApplicationInfo app = {
		.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
		.pApplicationName = t->name,
		.pEngineName = "pvgpu tests/vk",
		.apiVersion = VK_API_VERSION_1_3, /* the most any program uses; each checks the device's */
	};
	VkInstanceCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
		.pNext = debug_utils ? &messenger_info : NULL,
		.pApplicationInfo = &app,
		.enabledExtensionCount = extension_count,
		.ppEnabledExtensionNames = extensions,
	};

	VKT_CHECK(t, vkCreateInstance(&info, NULL, &t->instance));
	if (debug_utils) {
		PFN_vkCreateDebugUtilsMessengerEXT create = (PFN_vkCreateDebugUtilsMessengerEXT)
			vkGetInstanceProcAddr(t->instance, "vkCreateDebugUtilsMessengerEXT");
		if (create)
			VKT_CHECK(t, create(t->instance, &messenger_info, NULL, &t->messenger));
	}
}

void vkt_init(struct vkt *t, const char *name, const struct vkt_device_options *opts)
{
	vkt_init_instance(t, name);
	vkt_init_device(t, opts);
}

void vkt_init_instance(struct vkt *t, const char *name)
{
	vkt_init_instance_with(t, name, NULL, 0);
}

void vkt_init_instance_with(struct vkt *t, const char *name, const char *const *extensions,
			    uint32_t extension_count)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	watchdog_start(name);
	create_instance(t, extensions, extension_count);

	uint32_t count = 1;
	VkResult result = vkEnumeratePhysicalDevices(t->instance, &count, &t->physical_device);
	if (result != VK_SUCCESS && result != VK_INCOMPLETE)
		vkt_die_result(t, "vkEnumeratePhysicalDevices", result, __FILE__, __LINE__);
	if (!count)
		vkt_die(t, "no Vulkan physical device (is the loader pointed at an ICD?)");
	vkGetPhysicalDeviceProperties(t->physical_device, &t->props);
	vkGetPhysicalDeviceMemoryProperties(t->physical_device, &t->mem_props);
	if (vkt_api_at_least(t, 1, 2)) {
		/* Names the ICD in the result line: pvk and Mesa's Venus report the same device name. */
		VkPhysicalDeviceDriverProperties driver = {
			.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
		};
		VkPhysicalDeviceProperties2 props2 = {
			.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
			.pNext = &driver,
		};
		vkGetPhysicalDeviceProperties2(t->physical_device, &props2);
		snprintf(t->driver_name, sizeof(t->driver_name), "%s", driver.driverName);
	}
}

void vkt_init_device(struct vkt *t, const struct vkt_device_options *opts)
{
	static const struct vkt_device_options defaults;
	VkQueueFlags want_flags;
	uint32_t want_queues;

	if (!opts)
		opts = &defaults;
	want_flags = opts->queue_flags ? opts->queue_flags : VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
	want_queues = opts->queue_count ? opts->queue_count : 1;
	if (want_queues > sizeof(t->queues) / sizeof(t->queues[0]))
		want_queues = sizeof(t->queues) / sizeof(t->queues[0]);

	uint32_t family_count = 0;
	vkGetPhysicalDeviceQueueFamilyProperties(t->physical_device, &family_count, NULL);
	VkQueueFamilyProperties families[16];
	if (family_count > 16)
		family_count = 16;
	vkGetPhysicalDeviceQueueFamilyProperties(t->physical_device, &family_count, families);
	t->queue_family = UINT32_MAX;
	for (uint32_t i = 0; i < family_count; i++) {
		if ((families[i].queueFlags & want_flags) != want_flags)
			continue;
		/* Prefer the family with the most queues (for programs that want several). */
		if (t->queue_family == UINT32_MAX || families[i].queueCount > families[t->queue_family].queueCount)
			t->queue_family = i;
	}
	if (t->queue_family == UINT32_MAX)
		vkt_die(t, "no queue family with flags 0x%x", want_flags);
	t->queue_count = families[t->queue_family].queueCount < want_queues ?
				 families[t->queue_family].queueCount : want_queues;

	float priorities[4] = { 1.0f, 1.0f, 1.0f, 1.0f };
	VkDeviceQueueCreateInfo queue_info = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
		.queueFamilyIndex = t->queue_family,
		.queueCount = t->queue_count,
		.pQueuePriorities = priorities,
	};
	VkDeviceCreateInfo device_info = {
		.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
		.pNext = opts->features_chain,
		.queueCreateInfoCount = 1,
		.pQueueCreateInfos = &queue_info,
		.enabledExtensionCount = opts->extension_count,
		.ppEnabledExtensionNames = opts->extensions,
	};
	VKT_CHECK(t, vkCreateDevice(t->physical_device, &device_info, NULL, &t->device));
	for (uint32_t i = 0; i < t->queue_count; i++)
		vkGetDeviceQueue(t->device, t->queue_family, i, &t->queues[i]);
	t->queue = t->queues[0];

	VkCommandPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
		.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
		.queueFamilyIndex = t->queue_family,
	};
	VKT_CHECK(t, vkCreateCommandPool(t->device, &pool_info, NULL, &t->command_pool));
	vkt_stage = "test body";
}

void vkt_fini(struct vkt *t)
{
	vkt_stage = "teardown";
	if (t->device) {
		/* Bounded by the watchdog: an idle wait that hangs is reported as such. */
		vkt_stage = "vkDeviceWaitIdle (teardown)";
		vkDeviceWaitIdle(t->device);
		if (t->command_pool)
			vkDestroyCommandPool(t->device, t->command_pool, NULL);
		vkDestroyDevice(t->device, NULL);
		t->device = VK_NULL_HANDLE;
	}
	if (t->instance) {
		if (t->messenger) {
			PFN_vkDestroyDebugUtilsMessengerEXT destroy = (PFN_vkDestroyDebugUtilsMessengerEXT)
				vkGetInstanceProcAddr(t->instance, "vkDestroyDebugUtilsMessengerEXT");
			if (destroy)
				destroy(t->instance, t->messenger, NULL);
		}
		vkDestroyInstance(t->instance, NULL);
		t->instance = VK_NULL_HANDLE;
	}
	alarm(0);
}

uint32_t vkt_memory_type(const struct vkt *t, uint32_t type_bits, VkMemoryPropertyFlags required,
			 VkMemoryPropertyFlags preferred)
{
	uint32_t fallback = UINT32_MAX;

	for (uint32_t i = 0; i < t->mem_props.memoryTypeCount; i++) {
		VkMemoryPropertyFlags flags = t->mem_props.memoryTypes[i].propertyFlags;

		if (!(type_bits & (1u << i)) || (flags & required) != required)
			continue;
		if ((flags & preferred) == preferred)
			return i;
		if (fallback == UINT32_MAX)
			fallback = i;
	}
	return fallback;
}

static VkDeviceMemory allocate(struct vkt *t, VkMemoryRequirements *req, VkMemoryPropertyFlags required,
			       VkMemoryPropertyFlags preferred, VkMemoryPropertyFlags *got)
{
	uint32_t type = vkt_memory_type(t, req->memoryTypeBits, required, preferred);
	VkDeviceMemory memory;

	if (type == UINT32_MAX)
		vkt_die(t, "no memory type in bits 0x%x with flags 0x%x", req->memoryTypeBits, required);
	*got = t->mem_props.memoryTypes[type].propertyFlags;
	VkMemoryAllocateInfo info = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		.allocationSize = req->size,
		.memoryTypeIndex = type,
	};
	VKT_CHECK(t, vkAllocateMemory(t->device, &info, NULL, &memory));
	return memory;
}

void vkt_buffer_create(struct vkt *t, struct vkt_buffer *b, VkDeviceSize size, VkBufferUsageFlags usage,
		       bool host_visible)
{
	VkBufferCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.size = size,
		.usage = usage,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	VkMemoryRequirements req;
	VkMemoryPropertyFlags flags;

	memset(b, 0, sizeof(*b));
	b->size = size;
	VKT_CHECK(t, vkCreateBuffer(t->device, &info, NULL, &b->buffer));
	vkGetBufferMemoryRequirements(t->device, b->buffer, &req);
	if (host_visible)
		b->memory = allocate(t, &req, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT,
				     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, &flags);
	else
		b->memory = allocate(t, &req, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &flags);
	b->coherent = flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
	VKT_CHECK(t, vkBindBufferMemory(t->device, b->buffer, b->memory, 0));
	if (host_visible)
		VKT_CHECK(t, vkMapMemory(t->device, b->memory, 0, VK_WHOLE_SIZE, 0, &b->map));
}

void vkt_buffer_destroy(struct vkt *t, struct vkt_buffer *b)
{
	if (b->map)
		vkUnmapMemory(t->device, b->memory);
	vkDestroyBuffer(t->device, b->buffer, NULL);
	vkFreeMemory(t->device, b->memory, NULL);
	memset(b, 0, sizeof(*b));
}

void vkt_buffer_flush(struct vkt *t, const struct vkt_buffer *b)
{
	VkMappedMemoryRange range = {
		.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, .memory = b->memory, .size = VK_WHOLE_SIZE
	};

	if (!b->coherent)
		VKT_CHECK(t, vkFlushMappedMemoryRanges(t->device, 1, &range));
}

void vkt_buffer_invalidate(struct vkt *t, const struct vkt_buffer *b)
{
	VkMappedMemoryRange range = {
		.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, .memory = b->memory, .size = VK_WHOLE_SIZE
	};

	if (!b->coherent)
		VKT_CHECK(t, vkInvalidateMappedMemoryRanges(t->device, 1, &range));
}

void vkt_image_create(struct vkt *t, struct vkt_image *img, VkFormat format, uint32_t width, uint32_t height,
		      VkImageUsageFlags usage)
{
	VkImageCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
		.imageType = VK_IMAGE_TYPE_2D,
		.format = format,
		.extent = { width, height, 1 },
		.mipLevels = 1,
		.arrayLayers = 1,
		.samples = VK_SAMPLE_COUNT_1_BIT,
		.tiling = VK_IMAGE_TILING_OPTIMAL,
		.usage = usage,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
		.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
	};
	VkMemoryRequirements req;
	VkMemoryPropertyFlags flags;

	memset(img, 0, sizeof(*img));
	img->format = format;
	img->width = width;
	img->height = height;
	VKT_CHECK(t, vkCreateImage(t->device, &info, NULL, &img->image));
	vkGetImageMemoryRequirements(t->device, img->image, &req);
	img->memory = allocate(t, &req, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, &flags);
	VKT_CHECK(t, vkBindImageMemory(t->device, img->image, img->memory, 0));

	VkImageViewCreateInfo view_info = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
		.image = img->image,
		.viewType = VK_IMAGE_VIEW_TYPE_2D,
		.format = format,
		.subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 },
	};
	VKT_CHECK(t, vkCreateImageView(t->device, &view_info, NULL, &img->view));
}

void vkt_image_destroy(struct vkt *t, struct vkt_image *img)
{
	vkDestroyImageView(t->device, img->view, NULL);
	vkDestroyImage(t->device, img->image, NULL);
	vkFreeMemory(t->device, img->memory, NULL);
	memset(img, 0, sizeof(*img));
}

void vkt_cmd_image_barrier(VkCommandBuffer cmd, VkImage image, VkImageLayout old_layout,
			   VkImageLayout new_layout, VkAccessFlags src_access, VkAccessFlags dst_access,
			   VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage)
{
	VkImageMemoryBarrier barrier = {
		.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
		.srcAccessMask = src_access,
		.dstAccessMask = dst_access,
		.oldLayout = old_layout,
		.newLayout = new_layout,
		.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
		.image = image,
		.subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 },
	};

	vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 0, NULL, 0, NULL, 1, &barrier);
}

void vkt_cmd_copy_image_to_buffer(VkCommandBuffer cmd, const struct vkt_image *img, VkBuffer buffer)
{
	VkBufferImageCopy region = {
		.imageSubresource = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1 },
		.imageExtent = { img->width, img->height, 1 },
	};

	vkCmdCopyImageToBuffer(cmd, img->image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer, 1, &region);
	vkt_cmd_barrier_to_host(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
}

VkCommandBuffer vkt_begin_one_shot(struct vkt *t)
{
	VkCommandBufferAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.commandPool = t->command_pool,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = 1,
	};
	VkCommandBufferBeginInfo begin = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
		.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
	};
	VkCommandBuffer cmd;

	VKT_CHECK(t, vkAllocateCommandBuffers(t->device, &alloc, &cmd));
	VKT_CHECK(t, vkBeginCommandBuffer(cmd, &begin));
	return cmd;
}

void vkt_end_one_shot(struct vkt *t, VkCommandBuffer cmd)
{
	VkFence fence = vkt_fence(t, false);
	VkSubmitInfo submit = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.commandBufferCount = 1,
		.pCommandBuffers = &cmd,
	};

	VKT_CHECK(t, vkEndCommandBuffer(cmd));
	VKT_CHECK(t, vkQueueSubmit(t->queue, 1, &submit, fence));
	vkt_wait_fence(t, fence, "one-shot command buffer");
	vkDestroyFence(t->device, fence, NULL);
	vkFreeCommandBuffers(t->device, t->command_pool, 1, &cmd);
}

void vkt_wait_fence(struct vkt *t, VkFence fence, const char *what)
{
	vkt_stage = "vkWaitForFences";
	VkResult result = vkWaitForFences(t->device, 1, &fence, VK_TRUE, VKT_WAIT_TIMEOUT_NS);

	if (result == VK_TIMEOUT)
		vkt_die(t, "fence of %s not signalled within %llu s (VK_TIMEOUT)", what,
			VKT_WAIT_TIMEOUT_NS / 1000000000ull);
	if (result != VK_SUCCESS)
		vkt_die(t, "waiting for the fence of %s returned %s", what, vkt_result_name(result));
}

VkShaderModule vkt_shader_module(struct vkt *t, const uint32_t *code, size_t size)
{
	VkShaderModuleCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
		.codeSize = size,
		.pCode = code,
	};
	VkShaderModule module;

	VKT_CHECK(t, vkCreateShaderModule(t->device, &info, NULL, &module));
	return module;
}

VkFence vkt_fence(struct vkt *t, bool signaled)
{
	VkFenceCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
		.flags = signaled ? VK_FENCE_CREATE_SIGNALED_BIT : 0,
	};
	VkFence fence;

	VKT_CHECK(t, vkCreateFence(t->device, &info, NULL, &fence));
	return fence;
}

uint32_t vkt_seed(struct vkt *t)
{
	const char *env = getenv("PVGPU_VK_SEED");

	if (!t->seeded) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		t->seed = env ? (uint32_t)strtoul(env, NULL, 0)
			      : (uint32_t)now.tv_sec * 2654435761u ^ (uint32_t)now.tv_nsec ^ ((uint32_t)getpid() << 16);
		if (!t->seed)
			t->seed = 1;
		t->seeded = true;
	}
	return t->seed;
}

uint32_t vkt_rand(uint32_t *state)
{
	/* xorshift32: enough to make data that no constant or identity mapping reproduces. */
	uint32_t x = *state ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

VkRenderPass vkt_color_render_pass(struct vkt *t, VkFormat format)
{
	VkAttachmentDescription attachment = {
		.format = format,
		.samples = VK_SAMPLE_COUNT_1_BIT,
		.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR,
		.storeOp = VK_ATTACHMENT_STORE_OP_STORE,
		.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
		.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
		.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
		.finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
	};
	VkAttachmentReference color_ref = { 0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL };
	VkSubpassDescription subpass = {
		.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS,
		.colorAttachmentCount = 1,
		.pColorAttachments = &color_ref,
	};
	VkSubpassDependency dependencies[2] = {
		{
			/* Earlier transfers (texture uploads) before this pass's reads/writes. */
			.srcSubpass = VK_SUBPASS_EXTERNAL,
			.dstSubpass = 0,
			.srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT,
			.dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
					VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
			.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
			.dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT,
		},
		{
			/* The colour writes before the copy to the readback buffer. */
			.srcSubpass = 0,
			.dstSubpass = VK_SUBPASS_EXTERNAL,
			.srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
			.dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT,
			.srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
			.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
		},
	};
	VkRenderPassCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO,
		.attachmentCount = 1,
		.pAttachments = &attachment,
		.subpassCount = 1,
		.pSubpasses = &subpass,
		.dependencyCount = 2,
		.pDependencies = dependencies,
	};
	VkRenderPass render_pass;

	VKT_CHECK(t, vkCreateRenderPass(t->device, &info, NULL, &render_pass));
	return render_pass;
}

/* Both pipeline kinds: a render pass, or dynamic rendering (rendering != NULL, chained) with dynamic
 * viewport and scissor (width and height then unused). */
static VkPipeline graphics_pipeline(struct vkt *t, VkRenderPass render_pass,
				    const VkPipelineRenderingCreateInfo *rendering, VkPipelineLayout layout,
				    VkShaderModule vs, VkShaderModule fs,
				    const VkPipelineVertexInputStateCreateInfo *vertex_input, uint32_t width,
				    uint32_t height)
{
	VkPipelineShaderStageCreateInfo stages[2] = {
		{ .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, .stage = VK_SHADER_STAGE_VERTEX_BIT,
		  .module = vs, .pName = "main" },
		{ .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, .stage = VK_SHADER_STAGE_FRAGMENT_BIT,
		  .module = fs, .pName = "main" },
	};
	VkPipelineVertexInputStateCreateInfo no_vertex_input = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO,
	};
	VkPipelineInputAssemblyStateCreateInfo input_assembly = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO,
		.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST,
	};
	VkViewport viewport = { 0.0f, 0.0f, (float)width, (float)height, 0.0f, 1.0f };
	VkRect2D scissor = { { 0, 0 }, { width, height } };
	VkPipelineViewportStateCreateInfo viewport_state = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO,
		.viewportCount = 1,
		.pViewports = &viewport,
		.scissorCount = 1,
		.pScissors = &scissor,
	};
	VkPipelineRasterizationStateCreateInfo raster = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO,
		.polygonMode = VK_POLYGON_MODE_FILL,
		.cullMode = VK_CULL_MODE_NONE,
		.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE,
		.lineWidth = 1.0f,
	};
	VkPipelineMultisampleStateCreateInfo multisample = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO,
		.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT,
	};
	VkPipelineColorBlendAttachmentState blend_attachment = {
		.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT | VK_COLOR_COMPONENT_B_BIT |
				  VK_COLOR_COMPONENT_A_BIT,
	};
	VkPipelineColorBlendStateCreateInfo blend = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO,
		.attachmentCount = 1,
		.pAttachments = &blend_attachment,
	};
	static const VkDynamicState dynamic_states[] = { VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR };
	VkPipelineDynamicStateCreateInfo dynamic = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO,
		.dynamicStateCount = 2,
		.pDynamicStates = dynamic_states,
	};
	VkGraphicsPipelineCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO,
		.pNext = rendering,
		.pDynamicState = rendering ? &dynamic : NULL,
		.stageCount = 2,
		.pStages = stages,
		.pVertexInputState = vertex_input ? vertex_input : &no_vertex_input,
		.pInputAssemblyState = &input_assembly,
		.pViewportState = &viewport_state,
		.pRasterizationState = &raster,
		.pMultisampleState = &multisample,
		.pColorBlendState = &blend,
		.layout = layout,
		.renderPass = render_pass,
		.subpass = 0,
	};
	VkPipeline pipeline;

	VKT_CHECK(t, vkCreateGraphicsPipelines(t->device, VK_NULL_HANDLE, 1, &info, NULL, &pipeline));
	return pipeline;
}

VkPipeline vkt_graphics_pipeline(struct vkt *t, VkRenderPass render_pass, VkPipelineLayout layout,
				 VkShaderModule vs, VkShaderModule fs,
				 const VkPipelineVertexInputStateCreateInfo *vertex_input, uint32_t width,
				 uint32_t height)
{
	return graphics_pipeline(t, render_pass, NULL, layout, vs, fs, vertex_input, width, height);
}

VkPipeline vkt_graphics_pipeline_rendering(struct vkt *t, VkFormat color_format, VkPipelineLayout layout,
					   VkShaderModule vs, VkShaderModule fs)
{
	const VkPipelineRenderingCreateInfo rendering = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO,
		.colorAttachmentCount = 1,
		.pColorAttachmentFormats = &color_format,
	};

	return graphics_pipeline(t, VK_NULL_HANDLE, &rendering, layout, vs, fs, NULL, 1, 1);
}

VkFramebuffer vkt_framebuffer(struct vkt *t, VkRenderPass render_pass, const struct vkt_image *img)
{
	VkFramebufferCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
		.renderPass = render_pass,
		.attachmentCount = 1,
		.pAttachments = &img->view,
		.width = img->width,
		.height = img->height,
		.layers = 1,
	};
	VkFramebuffer framebuffer;

	VKT_CHECK(t, vkCreateFramebuffer(t->device, &info, NULL, &framebuffer));
	return framebuffer;
}

void vkt_target_create(struct vkt *t, struct vkt_target *rt, VkFormat format, uint32_t width, uint32_t height,
		       bool readback)
{
	memset(rt, 0, sizeof(*rt));
	vkt_image_create(t, &rt->image, format, width, height,
			 VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT);
	rt->render_pass = vkt_color_render_pass(t, format);
	rt->framebuffer = vkt_framebuffer(t, rt->render_pass, &rt->image);
	if (readback) {
		VkDeviceSize size = (VkDeviceSize)width * height * 4;

		vkt_buffer_create(t, &rt->readback, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
		memset(rt->readback.map, 0, size);
		vkt_buffer_flush(t, &rt->readback);
	}
}

void vkt_target_destroy(struct vkt *t, struct vkt_target *rt)
{
	if (rt->readback.buffer)
		vkt_buffer_destroy(t, &rt->readback);
	vkDestroyFramebuffer(t->device, rt->framebuffer, NULL);
	vkDestroyRenderPass(t->device, rt->render_pass, NULL);
	vkt_image_destroy(t, &rt->image);
	memset(rt, 0, sizeof(*rt));
}

void vkt_cmd_begin_target(VkCommandBuffer cmd, const struct vkt_target *rt, const float *clear_rgba)
{
	VkClearValue clear = { .color = { .float32 = { 0.0f, 0.0f, 0.0f, 0.0f } } };
	VkRenderPassBeginInfo begin = {
		.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
		.renderPass = rt->render_pass,
		.framebuffer = rt->framebuffer,
		.renderArea = { { 0, 0 }, { rt->image.width, rt->image.height } },
		.clearValueCount = 1,
		.pClearValues = &clear,
	};

	if (clear_rgba)
		memcpy(clear.color.float32, clear_rgba, sizeof(clear.color.float32));
	vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
}

void vkt_cmd_end_target_readback(VkCommandBuffer cmd, const struct vkt_target *rt)
{
	vkCmdEndRenderPass(cmd);
	vkt_cmd_copy_image_to_buffer(cmd, &rt->image, rt->readback.buffer);
}

void vkt_graphics_create(struct vkt *t, struct vkt_graphics *g, const struct vkt_target *rt,
			 const struct vkt_graphics_desc *desc)
{
	VkPushConstantRange push_range = { VK_SHADER_STAGE_FRAGMENT_BIT, 0, desc->push_size };
	VkPipelineLayoutCreateInfo layout_info = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
		.setLayoutCount = desc->set_layout ? 1 : 0,
		.pSetLayouts = desc->set_layout ? &desc->set_layout : NULL,
		.pushConstantRangeCount = desc->push_size ? 1 : 0,
		.pPushConstantRanges = desc->push_size ? &push_range : NULL,
	};

	memset(g, 0, sizeof(*g));
	VKT_CHECK(t, vkCreatePipelineLayout(t->device, &layout_info, NULL, &g->layout));
	g->vs = vkt_shader_module(t, desc->vs_code, desc->vs_size);
	g->fs = vkt_shader_module(t, desc->fs_code, desc->fs_size);
	g->pipeline = vkt_graphics_pipeline(t, rt->render_pass, g->layout, g->vs, g->fs, desc->vertex_input,
					    rt->image.width, rt->image.height);
}

void vkt_graphics_destroy(struct vkt *t, struct vkt_graphics *g)
{
	vkDestroyPipeline(t->device, g->pipeline, NULL);
	vkDestroyShaderModule(t->device, g->fs, NULL);
	vkDestroyShaderModule(t->device, g->vs, NULL);
	vkDestroyPipelineLayout(t->device, g->layout, NULL);
	memset(g, 0, sizeof(*g));
}

void vkt_compute_create(struct vkt *t, struct vkt_compute *c, const uint32_t *code, size_t code_size,
			const struct vkt_buffer *const *buffers, uint32_t buffer_count, uint32_t push_size)
{
	VkDescriptorSetLayoutBinding bindings[8];
	VkDescriptorBufferInfo buffer_infos[8];

	if (buffer_count > 8)
		vkt_die(t, "vkt_compute_create: at most 8 buffers");
	memset(c, 0, sizeof(*c));
	for (uint32_t i = 0; i < buffer_count; i++) {
		bindings[i] = (VkDescriptorSetLayoutBinding){ i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1,
							      VK_SHADER_STAGE_COMPUTE_BIT, NULL };
		buffer_infos[i] = (VkDescriptorBufferInfo){ buffers[i]->buffer, 0, VK_WHOLE_SIZE };
	}
	VkDescriptorSetLayoutCreateInfo set_layout_info = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
		.bindingCount = buffer_count,
		.pBindings = bindings,
	};
	VKT_CHECK(t, vkCreateDescriptorSetLayout(t->device, &set_layout_info, NULL, &c->set_layout));

	VkPushConstantRange push_range = { VK_SHADER_STAGE_COMPUTE_BIT, 0, push_size };
	VkPipelineLayoutCreateInfo layout_info = {
		.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
		.setLayoutCount = 1,
		.pSetLayouts = &c->set_layout,
		.pushConstantRangeCount = push_size ? 1 : 0,
		.pPushConstantRanges = &push_range,
	};
	VKT_CHECK(t, vkCreatePipelineLayout(t->device, &layout_info, NULL, &c->layout));

	c->shader = vkt_shader_module(t, code, code_size);
	VkComputePipelineCreateInfo pipeline_info = {
		.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
		.stage = {
			.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
			.stage = VK_SHADER_STAGE_COMPUTE_BIT,
			.module = c->shader,
			.pName = "main",
		},
		.layout = c->layout,
	};
	VKT_CHECK(t, vkCreateComputePipelines(t->device, VK_NULL_HANDLE, 1, &pipeline_info, NULL, &c->pipeline));

	VkDescriptorPoolSize pool_size = { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, buffer_count };
	VkDescriptorPoolCreateInfo pool_info = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
		.maxSets = 1,
		.poolSizeCount = 1,
		.pPoolSizes = &pool_size,
	};
	VKT_CHECK(t, vkCreateDescriptorPool(t->device, &pool_info, NULL, &c->pool));
	VkDescriptorSetAllocateInfo set_info = {
		.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
		.descriptorPool = c->pool,
		.descriptorSetCount = 1,
		.pSetLayouts = &c->set_layout,
	};
	VKT_CHECK(t, vkAllocateDescriptorSets(t->device, &set_info, &c->set));
	VkWriteDescriptorSet write = {
		.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
		.dstSet = c->set,
		.dstBinding = 0,
		.descriptorCount = buffer_count,
		.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
		.pBufferInfo = buffer_infos,
	};
	vkUpdateDescriptorSets(t->device, 1, &write, 0, NULL);
}

void vkt_compute_destroy(struct vkt *t, struct vkt_compute *c)
{
	vkDestroyDescriptorPool(t->device, c->pool, NULL);
	vkDestroyPipeline(t->device, c->pipeline, NULL);
	vkDestroyShaderModule(t->device, c->shader, NULL);
	vkDestroyPipelineLayout(t->device, c->layout, NULL);
	vkDestroyDescriptorSetLayout(t->device, c->set_layout, NULL);
	memset(c, 0, sizeof(*c));
}

void vkt_cmd_compute(VkCommandBuffer cmd, const struct vkt_compute *c, const void *push, uint32_t push_size,
		     uint32_t groups_x)
{
	vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, c->pipeline);
	vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, c->layout, 0, 1, &c->set, 0, NULL);
	if (push_size)
		vkCmdPushConstants(cmd, c->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_size, push);
	vkCmdDispatch(cmd, groups_x, 1, 1);
}

void vkt_cmd_barrier_to_host(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src_access)
{
	VkMemoryBarrier to_host = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
		.srcAccessMask = src_access,
		.dstAccessMask = VK_ACCESS_HOST_READ_BIT,
	};

	vkCmdPipelineBarrier(cmd, src_stage, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &to_host, 0, NULL, 0, NULL);
}

void vkt_ring_report_request(void)
{
	const char *debug = getenv("PVK_DEBUG");
	char flags[256];

	snprintf(flags, sizeof(flags), "%s%sring", debug ? debug : "", debug && *debug ? "," : "");
	setenv("PVK_DEBUG", flags, 1);
}

/* Sum of pvk's "N synchronous calls" over the ring lines in text; *lines receives how many there were. */
static unsigned long long sync_calls(const char *text, unsigned *lines)
{
	unsigned long long total = 0;

	*lines = 0;
	for (const char *p = text; (p = strstr(p, "pvk: ring ")); p++) {
		const char *end = strchr(p, '\n');
		const char *calls = strstr(p, " synchronous calls");
		if (!calls || (end && calls > end))
			continue;
		const char *number = calls;
		while (number > p && number[-1] >= '0' && number[-1] <= '9')
			number--;
		total += strtoull(number, NULL, 10);
		(*lines)++;
	}
	return total;
}

static char *read_from(int fd, off_t from, off_t to)
{
	char *text = calloc(1, (size_t)(to - from) + 1);

	if (text && pread(fd, text, (size_t)(to - from), from) != to - from)
		text[0] = '\0';
	return text;
}

void vkt_count_round_trips(struct vkt_round_trips *r, double (*run)(uint32_t loops), uint32_t loops)
{
	FILE *capture = tmpfile();
	int saved = dup(STDERR_FILENO);

	memset(r, 0, sizeof(*r));
	if (!capture || saved < 0) {
		if (capture)
			fclose(capture);
		if (saved >= 0)
			close(saved);
		return;
	}
	fflush(stderr);
	dup2(fileno(capture), STDERR_FILENO);
	run(0);
	off_t middle = lseek(fileno(capture), 0, SEEK_CUR);
	r->ms = run(loops);
	off_t end = lseek(fileno(capture), 0, SEEK_CUR);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);

	char *base = read_from(fileno(capture), 0, middle), *loop = read_from(fileno(capture), middle, end);
	unsigned base_lines = 0, loop_lines = 0;
	if (base && loop) {
		fputs(base, stderr); /* pass everything else through */
		fputs(loop, stderr);
		r->base = sync_calls(base, &base_lines);
		r->loop = sync_calls(loop, &loop_lines);
	}
	r->counted = base_lines && loop_lines;
	r->extra = r->loop > r->base ? r->loop - r->base : 0;
	r->allowed = 4 + 2 * (unsigned long long)(r->ms / 200.0);
	free(base);
	free(loop);
	fclose(capture);
}

uint64_t vkt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
