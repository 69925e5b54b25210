#version 450
// vk_compute: out[i] = in[i] * 3 + seed ^ i for every i < count; a partial last workgroup is clipped.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Input { uint data[]; } src;
layout(std430, set = 0, binding = 1) writeonly buffer Output { uint data[]; } dst;
layout(push_constant) uniform Params { uint count; uint seed; } params;

void main()
{
	uint i = gl_GlobalInvocationID.x;
	if (i >= params.count)
		return;
	dst.data[i] = (src.data[i] * 3u + params.seed) ^ i;
}
