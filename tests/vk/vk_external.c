// SPDX-License-Identifier: MIT
/*
 * vk_external proves external memory and sync files (VK_KHR_external_memory_fd with
 * VK_EXT_external_memory_dma_buf, VK_KHR_external_fence_fd, VK_KHR_external_semaphore_fd):
 *
 * - memory: a buffer's memory, allocated for dma-buf export, is filled with random words through its
 *   mapping and exported (vkGetMemoryFdKHR); the dma-buf must be at least as large as the memory, and
 *   vkGetMemoryFdPropertiesKHR must allow the memory type it came from. A second VkDevice imports it
 *   (VkImportMemoryFdInfoKHR) into a buffer of its own, copies it on the GPU into a readback buffer
 *   (every word must match), then fills a range of the imported buffer on the GPU, which the first
 *   device's mapping must show.
 * - sync files: a fence and a semaphore with a sync-file export type are signalled by a submission
 *   that fills a large buffer; the exported sync files must become readable within the bounded wait,
 *   and by then the fill must be complete in memory (the files signal after the work, not before);
 *   the exported fence is reset by the export. A semaphore sync file imported (temporarily) into a
 *   second semaphore is waited on by a submission that must complete; a fence sync file imported into
 *   a second fence leaves it signalled.
 *
 * Skips (exit 77) when the device has neither the memory nor the sync-file extensions; runs the part
 * it has otherwise.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define MEM_WORDS 16384u           /* 64 KiB shared buffer */
#define FILL_OFFSET_WORDS 1024u    /* the second device fills [FILL_OFFSET, FILL_OFFSET + FILL_WORDS) */
#define FILL_WORDS 2048u
#define SYNC_WORDS (4u << 20)      /* 16 MiB filled before a sync file may signal */
#define POLL_TIMEOUT_MS 10000

static PFN_vkGetMemoryFdKHR get_memory_fd;
static PFN_vkGetMemoryFdPropertiesKHR get_memory_fd_properties;
static PFN_vkGetFenceFdKHR get_fence_fd;
static PFN_vkImportFenceFdKHR import_fence_fd;
static PFN_vkGetSemaphoreFdKHR get_semaphore_fd;
static PFN_vkImportSemaphoreFdKHR import_semaphore_fd;

/* A buffer whose memory is exported (import_fd < 0) or imported from import_fd (which it then owns). */
static void external_buffer(struct vkt *t, struct vkt_buffer *b, VkDeviceSize size, int import_fd,
			    uint32_t memory_type)
{
	const VkExternalMemoryBufferCreateInfo external = {
		.sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
		.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
	};
	const VkBufferCreateInfo info = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.pNext = &external,
		.size = size,
		.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
		.sharingMode = VK_SHARING_MODE_EXCLUSIVE,
	};
	memset(b, 0, sizeof(*b));
	b->size = size;
	VKT_CHECK(t, vkCreateBuffer(t->device, &info, NULL, &b->buffer));
	VkMemoryRequirements reqs;
	vkGetBufferMemoryRequirements(t->device, b->buffer, &reqs);
	if (!(reqs.memoryTypeBits & (1u << memory_type)))
		vkt_die(t, "memory type %u not allowed for an external buffer (bits 0x%x)", memory_type,
			reqs.memoryTypeBits);

	const VkExportMemoryAllocateInfo export_info = {
		.sType = VK_STRUCTURE_TYPE_EXPORT_MEMORY_ALLOCATE_INFO,
		.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
	};
	const VkImportMemoryFdInfoKHR import_info = {
		.sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR,
		.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
		.fd = import_fd,
	};
	const VkMemoryAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
		.pNext = import_fd >= 0 ? (const void *)&import_info : (const void *)&export_info,
		.allocationSize = reqs.size,
		.memoryTypeIndex = memory_type,
	};
	VKT_CHECK(t, vkAllocateMemory(t->device, &alloc, NULL, &b->memory));
	VKT_CHECK(t, vkBindBufferMemory(t->device, b->buffer, b->memory, 0));
	const VkMemoryPropertyFlags flags = t->mem_props.memoryTypes[memory_type].propertyFlags;
	b->coherent = flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
	if (flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)
		VKT_CHECK(t, vkMapMemory(t->device, b->memory, 0, VK_WHOLE_SIZE, 0, &b->map));
}

static bool buffer_external_ok(struct vkt *t)
{
	const VkPhysicalDeviceExternalBufferInfo info = {
		.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO,
		.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
		.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
	};
	VkExternalBufferProperties props = { .sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES };
	vkGetPhysicalDeviceExternalBufferProperties(t->physical_device, &info, &props);
	const VkExternalMemoryFeatureFlags need =
		VK_EXTERNAL_MEMORY_FEATURE_EXPORTABLE_BIT | VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT;
	if ((props.externalMemoryProperties.externalMemoryFeatures & need) != need)
		return false;
	if (!(props.externalMemoryProperties.compatibleHandleTypes & VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT))
		vkt_die(t, "dma-buf buffers are exportable but dma-buf is not among their compatible types");
	return true;
}

/* The memory part; returns a description of what was checked, or NULL when the device cannot. */
static const char *test_memory(struct vkt *t, struct vkt *t2, uint32_t *state)
{
	static char what[160];
	if (!buffer_external_ok(t))
		return NULL;
	const VkDeviceSize size = MEM_WORDS * sizeof(uint32_t);

	/* a host-visible type the external buffer allows (from a probe buffer's requirements) */
	struct vkt_buffer probe;
	VkBufferCreateInfo probe_info = {
		.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
		.size = size,
		.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
	};
	VKT_CHECK(t, vkCreateBuffer(t->device, &probe_info, NULL, &probe.buffer));
	VkMemoryRequirements reqs;
	vkGetBufferMemoryRequirements(t->device, probe.buffer, &reqs);
	vkDestroyBuffer(t->device, probe.buffer, NULL);
	const uint32_t type = vkt_memory_type(t, reqs.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT,
					      VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
	if (type == UINT32_MAX)
		vkt_die(t, "no host-visible memory type for a transfer buffer");

	struct vkt_buffer exported, imported, readback;
	external_buffer(t, &exported, size, -1, type);
	uint32_t *words = exported.map;
	static uint32_t expected[MEM_WORDS];
	for (uint32_t i = 0; i < MEM_WORDS; i++)
		words[i] = expected[i] = vkt_rand(state);
	vkt_buffer_flush(t, &exported);

	const VkMemoryGetFdInfoKHR get_fd = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_GET_FD_INFO_KHR,
		.memory = exported.memory,
		.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
	};
	int fd = -1;
	VKT_CHECK(t, get_memory_fd(t->device, &get_fd, &fd));
	if (fd < 0)
		vkt_die(t, "vkGetMemoryFdKHR returned success and fd %d", fd);
	const off_t dma_buf_size = lseek(fd, 0, SEEK_END);
	if (dma_buf_size < (off_t)size)
		vkt_die(t, "the dma-buf has %lld bytes, the memory %llu", (long long)dma_buf_size,
			(unsigned long long)size);
	VkMemoryFdPropertiesKHR fd_props = { .sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR };
	VKT_CHECK(t2, get_memory_fd_properties(t2->device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, fd,
					       &fd_props));
	if (!(fd_props.memoryTypeBits & (1u << type)))
		vkt_die(t, "vkGetMemoryFdPropertiesKHR allows types 0x%x, not the exporter's %u",
			fd_props.memoryTypeBits, type);

	/* the second device imports (the import owns the fd), copies it out on the GPU, then fills a range */
	external_buffer(t2, &imported, size, fd, type);
	vkt_buffer_create(t2, &readback, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
	memset(readback.map, 0, size);
	vkt_buffer_flush(t2, &readback);
	const uint32_t fill = vkt_rand(state);
	VkCommandBuffer cmd = vkt_begin_one_shot(t2);
	const VkBufferCopy region = { .size = size };
	vkCmdCopyBuffer(cmd, imported.buffer, readback.buffer, 1, &region);
	const VkMemoryBarrier barrier = {
		.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
		.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
		.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
	};
	vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &barrier, 0,
			     NULL, 0, NULL);
	vkCmdFillBuffer(cmd, imported.buffer, FILL_OFFSET_WORDS * 4, FILL_WORDS * 4, fill);
	vkt_cmd_barrier_to_host(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
	vkt_end_one_shot(t2, cmd);

	vkt_buffer_invalidate(t2, &readback);
	const uint32_t *copied = readback.map;
	for (uint32_t i = 0; i < MEM_WORDS; i++) {
		if (copied[i] != expected[i])
			vkt_die(t, "imported memory word %u: GPU copy read 0x%08x, the exporter wrote 0x%08x", i,
				copied[i], expected[i]);
	}
	vkt_buffer_invalidate(t, &exported);
	for (uint32_t i = 0; i < MEM_WORDS; i++) {
		const bool filled = i >= FILL_OFFSET_WORDS && i < FILL_OFFSET_WORDS + FILL_WORDS;
		const uint32_t want = filled ? fill : expected[i];
		if (words[i] != want)
			vkt_die(t, "exporter's mapping word %u: 0x%08x after the importer's fill, want 0x%08x", i,
				words[i], want);
	}
	/* the import's own mapping (when host-visible) is the same memory */
	if (imported.map && ((const uint32_t *)imported.map)[FILL_OFFSET_WORDS] != fill)
		vkt_die(t, "importer's mapping does not show its own fill");

	vkt_buffer_destroy(t2, &readback);
	vkt_buffer_destroy(t2, &imported);
	vkt_buffer_destroy(t, &exported);
	snprintf(what, sizeof(what),
		 "%u KiB dma-buf (%lld bytes) exported, imported by a second device, GPU copy and fill seen both ways",
		 (unsigned)(size / 1024), (long long)dma_buf_size);
	return what;
}

/* Waits for a sync file to become readable; false on timeout. */
static bool sync_file_wait(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret;
	do {
		ret = poll(&p, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	return ret == 1 && (p.revents & POLLIN);
}

/* Submits a fill of the whole big buffer, signalling semaphore (if any) and fence (if any). */
static void submit_fill(struct vkt *t, VkCommandBuffer cmd, VkSemaphore signal, VkSemaphore wait, VkFence fence)
{
	const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_TRANSFER_BIT;
	const VkSubmitInfo submit = {
		.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
		.waitSemaphoreCount = wait ? 1 : 0,
		.pWaitSemaphores = &wait,
		.pWaitDstStageMask = &stage,
		.commandBufferCount = cmd ? 1 : 0,
		.pCommandBuffers = &cmd,
		.signalSemaphoreCount = signal ? 1 : 0,
		.pSignalSemaphores = &signal,
	};
	VKT_CHECK(t, vkQueueSubmit(t->queue, 1, &submit, fence));
}

static VkCommandBuffer record_fill(struct vkt *t, const struct vkt_buffer *b, uint32_t value)
{
	const VkCommandBufferAllocateInfo alloc = {
		.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
		.commandPool = t->command_pool,
		.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
		.commandBufferCount = 1,
	};
	VkCommandBuffer cmd;
	VKT_CHECK(t, vkAllocateCommandBuffers(t->device, &alloc, &cmd));
	const VkCommandBufferBeginInfo begin = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
	VKT_CHECK(t, vkBeginCommandBuffer(cmd, &begin));
	vkCmdFillBuffer(cmd, b->buffer, 0, VK_WHOLE_SIZE, value);
	vkt_cmd_barrier_to_host(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
	VKT_CHECK(t, vkEndCommandBuffer(cmd));
	return cmd;
}

static void check_filled(struct vkt *t, const struct vkt_buffer *b, uint32_t value, const char *what)
{
	vkt_buffer_invalidate(t, b);
	const uint32_t *w = b->map;
	/* first, last and a stride through the middle */
	for (uint32_t i = 0; i < SYNC_WORDS; i += (i + 1 == SYNC_WORDS ? 1 : 4093)) {
		if (w[i] != value)
			vkt_die(t, "%s signalled before the work: word %u is 0x%08x, want 0x%08x", what, i, w[i],
				value);
	}
	if (w[SYNC_WORDS - 1] != value)
		vkt_die(t, "%s signalled before the work: last word is 0x%08x", what, w[SYNC_WORDS - 1]);
}

static const char *test_sync(struct vkt *t, uint32_t *state)
{
	static char what[200];
	struct vkt_buffer big;
	vkt_buffer_create(t, &big, SYNC_WORDS * sizeof(uint32_t), VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);

	/* fence export */
	const VkExportFenceCreateInfo fence_export = {
		.sType = VK_STRUCTURE_TYPE_EXPORT_FENCE_CREATE_INFO,
		.handleTypes = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT,
	};
	const VkFenceCreateInfo fence_info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, .pNext = &fence_export };
	VkFence fence, imported_fence;
	VKT_CHECK(t, vkCreateFence(t->device, &fence_info, NULL, &fence));
	VKT_CHECK(t, vkCreateFence(t->device, &fence_info, NULL, &imported_fence));
	uint32_t value = vkt_rand(state);
	VkCommandBuffer fill_a = record_fill(t, &big, value);
	submit_fill(t, fill_a, VK_NULL_HANDLE, VK_NULL_HANDLE, fence);
	const VkFenceGetFdInfoKHR fence_get = {
		.sType = VK_STRUCTURE_TYPE_FENCE_GET_FD_INFO_KHR,
		.fence = fence,
		.handleType = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT,
	};
	int fence_fd = -1;
	VKT_CHECK(t, get_fence_fd(t->device, &fence_get, &fence_fd));
	if (fence_fd < 0)
		vkt_die(t, "vkGetFenceFdKHR gave no sync file for a submitted fence");
	if (!sync_file_wait(fence_fd, POLL_TIMEOUT_MS))
		vkt_die(t, "the fence's sync file did not signal within %d ms", POLL_TIMEOUT_MS);
	check_filled(t, &big, value, "fence sync file");
	/* copy transference: the export reset the fence */
	VkResult status = vkGetFenceStatus(t->device, fence);
	if (status != VK_NOT_READY)
		vkt_die(t, "vkGetFenceStatus after the export: %s, want VK_NOT_READY (the export resets it)",
			vkt_result_name(status));
	/* import it (temporary) into another fence: signalled */
	const VkImportFenceFdInfoKHR fence_import = {
		.sType = VK_STRUCTURE_TYPE_IMPORT_FENCE_FD_INFO_KHR,
		.fence = imported_fence,
		.flags = VK_FENCE_IMPORT_TEMPORARY_BIT,
		.handleType = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT,
		.fd = fence_fd,
	};
	VKT_CHECK(t, import_fence_fd(t->device, &fence_import));
	vkt_wait_fence(t, imported_fence, "fence with an imported sync file");
	/* the exported fence can be used again at once */
	value = vkt_rand(state);
	VkCommandBuffer fill_b = record_fill(t, &big, value);
	submit_fill(t, fill_b, VK_NULL_HANDLE, VK_NULL_HANDLE, fence);
	vkt_wait_fence(t, fence, "fence reused after its export");
	check_filled(t, &big, value, "reused fence");

	/* semaphore export, and import into a second semaphore that a submission waits on */
	const VkExportSemaphoreCreateInfo sem_export = {
		.sType = VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO,
		.handleTypes = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT,
	};
	const VkSemaphoreCreateInfo sem_info = { .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, .pNext = &sem_export };
	VkSemaphore sem, imported_sem;
	VKT_CHECK(t, vkCreateSemaphore(t->device, &sem_info, NULL, &sem));
	VKT_CHECK(t, vkCreateSemaphore(t->device, &sem_info, NULL, &imported_sem));
	uint32_t rounds = 0;
	for (; rounds < 2; rounds++) {
		/* twice: the export consumed the first signal, so the semaphore can be signalled again */
		value = vkt_rand(state);
		VkCommandBuffer fill_c = record_fill(t, &big, value);
		submit_fill(t, fill_c, sem, VK_NULL_HANDLE, VK_NULL_HANDLE);
		const VkSemaphoreGetFdInfoKHR sem_get = {
			.sType = VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR,
			.semaphore = sem,
			.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT,
		};
		int sem_fd = -1;
		VKT_CHECK(t, get_semaphore_fd(t->device, &sem_get, &sem_fd));
		if (sem_fd < 0)
			vkt_die(t, "vkGetSemaphoreFdKHR gave no sync file for a pending signal");
		if (!sync_file_wait(sem_fd, POLL_TIMEOUT_MS))
			vkt_die(t, "the semaphore's sync file did not signal within %d ms", POLL_TIMEOUT_MS);
		check_filled(t, &big, value, "semaphore sync file");
		const VkImportSemaphoreFdInfoKHR sem_import = {
			.sType = VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR,
			.semaphore = imported_sem,
			.flags = VK_SEMAPHORE_IMPORT_TEMPORARY_BIT,
			.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT,
			.fd = sem_fd,
		};
		VKT_CHECK(t, import_semaphore_fd(t->device, &sem_import));
		VkFence done = vkt_fence(t, false);
		submit_fill(t, VK_NULL_HANDLE, VK_NULL_HANDLE, imported_sem, done);
		vkt_wait_fence(t, done, "submission waiting on an imported sync file");
		vkDestroyFence(t->device, done, NULL);
		VkCommandBuffer cmds[] = { fill_c };
		vkFreeCommandBuffers(t->device, t->command_pool, 1, cmds);
	}

	VKT_CHECK(t, vkQueueWaitIdle(t->queue));
	VkCommandBuffer cmds[] = { fill_a, fill_b };
	vkFreeCommandBuffers(t->device, t->command_pool, 2, cmds);
	vkDestroySemaphore(t->device, sem, NULL);
	vkDestroySemaphore(t->device, imported_sem, NULL);
	vkDestroyFence(t->device, fence, NULL);
	vkDestroyFence(t->device, imported_fence, NULL);
	vkt_buffer_destroy(t, &big);
	snprintf(what, sizeof(what),
		 "fence and semaphore sync files signal after a %u MiB fill, fence reset by export, %u semaphore "
		 "imports waited on, fence import signalled",
		 (unsigned)(SYNC_WORDS * 4 >> 20), rounds);
	return what;
}

int main(void)
{
	struct vkt t, t2;
	vkt_init_instance(&t, "vk_external");
	const bool memory = vkt_device_has_extension(&t, VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME) &&
			    vkt_device_has_extension(&t, VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME);
	const bool sync = vkt_device_has_extension(&t, VK_KHR_EXTERNAL_FENCE_FD_EXTENSION_NAME) &&
			  vkt_device_has_extension(&t, VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME);
	if (!memory && !sync)
		return vkt_skip(&t, "no VK_KHR_external_memory_fd + VK_EXT_external_memory_dma_buf nor "
				    "VK_KHR_external_fence_fd + VK_KHR_external_semaphore_fd");
	const char *exts[4];
	uint32_t ext_count = 0;
	if (memory) {
		exts[ext_count++] = VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME;
		exts[ext_count++] = VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME;
	}
	if (sync) {
		exts[ext_count++] = VK_KHR_EXTERNAL_FENCE_FD_EXTENSION_NAME;
		exts[ext_count++] = VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME;
	}
	const struct vkt_device_options opts = { .extensions = exts, .extension_count = ext_count };
	vkt_init_device(&t, &opts);
	uint32_t state = vkt_seed(&t);

	get_memory_fd = (PFN_vkGetMemoryFdKHR)vkGetDeviceProcAddr(t.device, "vkGetMemoryFdKHR");
	get_memory_fd_properties =
		(PFN_vkGetMemoryFdPropertiesKHR)vkGetDeviceProcAddr(t.device, "vkGetMemoryFdPropertiesKHR");
	get_fence_fd = (PFN_vkGetFenceFdKHR)vkGetDeviceProcAddr(t.device, "vkGetFenceFdKHR");
	import_fence_fd = (PFN_vkImportFenceFdKHR)vkGetDeviceProcAddr(t.device, "vkImportFenceFdKHR");
	get_semaphore_fd = (PFN_vkGetSemaphoreFdKHR)vkGetDeviceProcAddr(t.device, "vkGetSemaphoreFdKHR");
	import_semaphore_fd = (PFN_vkImportSemaphoreFdKHR)vkGetDeviceProcAddr(t.device, "vkImportSemaphoreFdKHR");
	if (memory && (!get_memory_fd || !get_memory_fd_properties))
		vkt_die(&t, "VK_KHR_external_memory_fd is enabled but its commands do not resolve");
	if (sync && (!get_fence_fd || !import_fence_fd || !get_semaphore_fd || !import_semaphore_fd))
		vkt_die(&t, "the sync-fd extensions are enabled but their commands do not resolve");

	const char *memory_what = NULL, *sync_what = NULL;
	if (memory) {
		/* a second device on the same physical device (and instance) imports */
		t2 = t;
		t2.messenger = VK_NULL_HANDLE;
		vkt_init_device(&t2, &opts);
		memory_what = test_memory(&t, &t2, &state);
		t2.instance = VK_NULL_HANDLE; /* t owns the instance */
		vkt_fini(&t2);
	}
	if (sync)
		sync_what = test_sync(&t, &state);
	if (!memory_what && !sync_what)
		return vkt_skip(&t, "dma-buf buffers are not both exportable and importable here");
	return vkt_pass(&t, "%s%s%s", memory_what ? memory_what : "no external memory (not offered)",
			sync_what ? "; " : "", sync_what ? sync_what : "");
}
