/*
 * Device-level benchmark, run through the Vulkan loader against whichever ICD VK_DRIVER_FILES
 * names (icd/tests/bench_device.sh runs it for pvk and for Mesa's Venus side by side):
 *   draw_rate   vkCmdDraw calls recorded per second (millions) inside a render pass, best of 5
 *               recordings of 100000 draws (recording only: nothing is submitted)
 *   submit_wait an empty vkQueueSubmit with a fence + vkWaitForFences + vkResetFences (us)
 *   render_fps  frames per second of an offscreen loop: clear + one triangle into 256x256, submit,
 *               wait for its fence, for 2 s
 * Output: one "RESULT name=... key=value ..." line per metric.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vulkan/vulkan.h>

#include "bench_fs.h"
#include "bench_vs.h"

#define CHECK(expr)                                                                                 \
   do {                                                                                             \
      VkResult _r = (expr);                                                                         \
      if (_r != VK_SUCCESS) {                                                                       \
         fprintf(stderr, "bench: %s failed: %d (line %d)\n", #expr, _r, __LINE__);                  \
         exit(1);                                                                                   \
      }                                                                                             \
   } while (0)

#define SIZE 256

static double
now_s(void)
{
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
cmp_double(const void *a, const void *b)
{
   const double x = *(const double *)a, y = *(const double *)b;
   return x < y ? -1 : x > y;
}

struct bench {
   VkInstance instance;
   VkPhysicalDevice pdev;
   VkDevice dev;
   VkQueue queue;
   uint32_t family;
   VkCommandPool pool;
   VkImage image;
   VkDeviceMemory memory;
   VkImageView view;
   VkRenderPass pass;
   VkFramebuffer fb;
   VkPipelineLayout layout;
   VkPipeline pipeline;
   VkFence fence;
};

static void
setup(struct bench *b)
{
   const VkApplicationInfo app = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .pApplicationName = "pvk_bench_device",
      .apiVersion = VK_API_VERSION_1_1,
   };
   const VkInstanceCreateInfo ici = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app };
   CHECK(vkCreateInstance(&ici, NULL, &b->instance));
   uint32_t count = 1;
   VkResult r = vkEnumeratePhysicalDevices(b->instance, &count, &b->pdev);
   if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || !count) {
      fprintf(stderr, "bench: no physical device\n");
      exit(1);
   }
   VkQueueFamilyProperties families[8];
   count = 8;
   vkGetPhysicalDeviceQueueFamilyProperties(b->pdev, &count, families);
   for (b->family = 0; b->family < count && !(families[b->family].queueFlags & VK_QUEUE_GRAPHICS_BIT); b->family++)
      ;
   const float prio = 1.0f;
   const VkDeviceQueueCreateInfo qci = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
      .queueFamilyIndex = b->family,
      .queueCount = 1,
      .pQueuePriorities = &prio,
   };
   const VkDeviceCreateInfo dci = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
      .queueCreateInfoCount = 1,
      .pQueueCreateInfos = &qci,
   };
   CHECK(vkCreateDevice(b->pdev, &dci, NULL, &b->dev));
   vkGetDeviceQueue(b->dev, b->family, 0, &b->queue);
   const VkCommandPoolCreateInfo pci = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
      .queueFamilyIndex = b->family,
   };
   CHECK(vkCreateCommandPool(b->dev, &pci, NULL, &b->pool));

   const VkImageCreateInfo imci = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
      .imageType = VK_IMAGE_TYPE_2D,
      .format = VK_FORMAT_R8G8B8A8_UNORM,
      .extent = { SIZE, SIZE, 1 },
      .mipLevels = 1,
      .arrayLayers = 1,
      .samples = VK_SAMPLE_COUNT_1_BIT,
      .tiling = VK_IMAGE_TILING_OPTIMAL,
      .usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
   };
   CHECK(vkCreateImage(b->dev, &imci, NULL, &b->image));
   VkMemoryRequirements reqs;
   vkGetImageMemoryRequirements(b->dev, b->image, &reqs);
   VkPhysicalDeviceMemoryProperties props;
   vkGetPhysicalDeviceMemoryProperties(b->pdev, &props);
   uint32_t type = 0;
   while (type < props.memoryTypeCount && !(reqs.memoryTypeBits & (1u << type)))
      type++;
   const VkMemoryAllocateInfo mai = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = reqs.size,
      .memoryTypeIndex = type,
   };
   CHECK(vkAllocateMemory(b->dev, &mai, NULL, &b->memory));
   CHECK(vkBindImageMemory(b->dev, b->image, b->memory, 0));
   const VkImageViewCreateInfo vci = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
      .image = b->image,
      .viewType = VK_IMAGE_VIEW_TYPE_2D,
      .format = VK_FORMAT_R8G8B8A8_UNORM,
      .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 },
   };
   CHECK(vkCreateImageView(b->dev, &vci, NULL, &b->view));
   const VkAttachmentDescription att = {
      .format = VK_FORMAT_R8G8B8A8_UNORM,
      .samples = VK_SAMPLE_COUNT_1_BIT,
      .loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR,
      .storeOp = VK_ATTACHMENT_STORE_OP_STORE,
      .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
      .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
      .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
      .finalLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
   };
   const VkAttachmentReference ref = { 0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL };
   const VkSubpassDescription sub = {
      .pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS,
      .colorAttachmentCount = 1,
      .pColorAttachments = &ref,
   };
   const VkRenderPassCreateInfo rpci = {
      .sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO,
      .attachmentCount = 1,
      .pAttachments = &att,
      .subpassCount = 1,
      .pSubpasses = &sub,
   };
   CHECK(vkCreateRenderPass(b->dev, &rpci, NULL, &b->pass));
   const VkFramebufferCreateInfo fci = {
      .sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
      .renderPass = b->pass,
      .attachmentCount = 1,
      .pAttachments = &b->view,
      .width = SIZE,
      .height = SIZE,
      .layers = 1,
   };
   CHECK(vkCreateFramebuffer(b->dev, &fci, NULL, &b->fb));

   VkShaderModule vs, fs;
   const VkShaderModuleCreateInfo vsci = {
      .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
      .codeSize = sizeof(bench_vs),
      .pCode = bench_vs,
   };
   const VkShaderModuleCreateInfo fsci = {
      .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
      .codeSize = sizeof(bench_fs),
      .pCode = bench_fs,
   };
   CHECK(vkCreateShaderModule(b->dev, &vsci, NULL, &vs));
   CHECK(vkCreateShaderModule(b->dev, &fsci, NULL, &fs));
   const VkPipelineLayoutCreateInfo plci = { .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO };
   CHECK(vkCreatePipelineLayout(b->dev, &plci, NULL, &b->layout));
   const VkPipelineShaderStageCreateInfo stages[2] = {
      { .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, .stage = VK_SHADER_STAGE_VERTEX_BIT,
        .module = vs, .pName = "main" },
      { .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, .stage = VK_SHADER_STAGE_FRAGMENT_BIT,
        .module = fs, .pName = "main" },
   };
   const VkPipelineVertexInputStateCreateInfo vi = { .sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO };
   const VkPipelineInputAssemblyStateCreateInfo ia = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO,
      .topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST,
   };
   const VkViewport viewport = { 0, 0, SIZE, SIZE, 0, 1 };
   const VkRect2D scissor = { { 0, 0 }, { SIZE, SIZE } };
   const VkPipelineViewportStateCreateInfo vp = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO,
      .viewportCount = 1,
      .pViewports = &viewport,
      .scissorCount = 1,
      .pScissors = &scissor,
   };
   const VkPipelineRasterizationStateCreateInfo rs = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO,
      .polygonMode = VK_POLYGON_MODE_FILL,
      .cullMode = VK_CULL_MODE_NONE,
      .lineWidth = 1.0f,
   };
   const VkPipelineMultisampleStateCreateInfo ms = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO,
      .rasterizationSamples = VK_SAMPLE_COUNT_1_BIT,
   };
   const VkPipelineColorBlendAttachmentState cba = { .colorWriteMask = 0xf };
   const VkPipelineColorBlendStateCreateInfo cb = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO,
      .attachmentCount = 1,
      .pAttachments = &cba,
   };
   const VkGraphicsPipelineCreateInfo gpci = {
      .sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO,
      .stageCount = 2,
      .pStages = stages,
      .pVertexInputState = &vi,
      .pInputAssemblyState = &ia,
      .pViewportState = &vp,
      .pRasterizationState = &rs,
      .pMultisampleState = &ms,
      .pColorBlendState = &cb,
      .layout = b->layout,
      .renderPass = b->pass,
   };
   CHECK(vkCreateGraphicsPipelines(b->dev, VK_NULL_HANDLE, 1, &gpci, NULL, &b->pipeline));
   vkDestroyShaderModule(b->dev, vs, NULL);
   vkDestroyShaderModule(b->dev, fs, NULL);
   const VkFenceCreateInfo fenci = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
   CHECK(vkCreateFence(b->dev, &fenci, NULL, &b->fence));
}

static void
begin_pass(struct bench *b, VkCommandBuffer cmd)
{
   const VkCommandBufferBeginInfo begin = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
   CHECK(vkBeginCommandBuffer(cmd, &begin));
   const VkClearValue clear = { .color = { { 0.1f, 0.2f, 0.3f, 1.0f } } };
   const VkRenderPassBeginInfo rpbi = {
      .sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
      .renderPass = b->pass,
      .framebuffer = b->fb,
      .renderArea = { { 0, 0 }, { SIZE, SIZE } },
      .clearValueCount = 1,
      .pClearValues = &clear,
   };
   vkCmdBeginRenderPass(cmd, &rpbi, VK_SUBPASS_CONTENTS_INLINE);
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, b->pipeline);
}

int
main(int argc, char **argv)
{
   struct bench b = { 0 };
   setup(&b);
   VkCommandBuffer cmd;
   const VkCommandBufferAllocateInfo cbai = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = b.pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
   };
   CHECK(vkAllocateCommandBuffers(b.dev, &cbai, &cmd));

   /* draw recording rate */
   const uint32_t draws = 100000;
   double best = 0;
   for (int round = 0; round < 5; round++) {
      begin_pass(&b, cmd);
      const double t0 = now_s();
      for (uint32_t i = 0; i < draws; i++)
         vkCmdDraw(cmd, 3, 1, 0, 0);
      const double t = now_s() - t0;
      vkCmdEndRenderPass(cmd);
      CHECK(vkEndCommandBuffer(cmd));
      CHECK(vkResetCommandBuffer(cmd, 0));
      if (draws / t > best)
         best = draws / t;
   }
   printf("RESULT name=draw_rate mdraws_per_s=%.2f\n", best / 1e6);
   fflush(stdout);

   /* empty submit + fence wait */
   const int n = argc > 1 ? atoi(argv[1]) : 500;
   double *lat = calloc(n, sizeof(*lat));
   for (int i = 0; i < n; i++) {
      const double t0 = now_s();
      CHECK(vkQueueSubmit(b.queue, 0, NULL, b.fence));
      CHECK(vkWaitForFences(b.dev, 1, &b.fence, VK_TRUE, UINT64_MAX));
      CHECK(vkResetFences(b.dev, 1, &b.fence));
      lat[i] = (now_s() - t0) * 1e6;
   }
   qsort(lat, n, sizeof(*lat), cmp_double);
   printf("RESULT name=submit_wait median_us=%.1f p99_us=%.1f\n", lat[n / 2], lat[(n * 99) / 100]);
   fflush(stdout);

   /* offscreen render loop */
   int frames = 0;
   const double t0 = now_s();
   double t = 0;
   while (t < 2.0) {
      begin_pass(&b, cmd);
      vkCmdDraw(cmd, 3, 1, 0, 0);
      vkCmdEndRenderPass(cmd);
      CHECK(vkEndCommandBuffer(cmd));
      const VkSubmitInfo si = { .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &cmd };
      CHECK(vkQueueSubmit(b.queue, 1, &si, b.fence));
      CHECK(vkWaitForFences(b.dev, 1, &b.fence, VK_TRUE, UINT64_MAX));
      CHECK(vkResetFences(b.dev, 1, &b.fence));
      CHECK(vkResetCommandBuffer(cmd, 0));
      frames++;
      t = now_s() - t0;
   }
   printf("RESULT name=render_fps fps=%.1f\n", frames / t);

   CHECK(vkDeviceWaitIdle(b.dev));
   vkDestroyFence(b.dev, b.fence, NULL);
   vkDestroyPipeline(b.dev, b.pipeline, NULL);
   vkDestroyPipelineLayout(b.dev, b.layout, NULL);
   vkDestroyFramebuffer(b.dev, b.fb, NULL);
   vkDestroyRenderPass(b.dev, b.pass, NULL);
   vkDestroyImageView(b.dev, b.view, NULL);
   vkDestroyImage(b.dev, b.image, NULL);
   vkFreeMemory(b.dev, b.memory, NULL);
   vkDestroyCommandPool(b.dev, b.pool, NULL);
   vkDestroyDevice(b.dev, NULL);
   vkDestroyInstance(b.instance, NULL);
   free(lat);
   return 0;
}
