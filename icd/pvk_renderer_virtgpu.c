/* placeholder replaced below */
#include "pvk_renderer.h"
VkResult
pvk_renderer_create_virtgpu(struct pvk_renderer **out)
{
   (void)out;
   return VK_ERROR_INITIALIZATION_FAILED;
}
