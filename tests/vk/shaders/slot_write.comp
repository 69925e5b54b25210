#version 450
// vk_threads: one invocation writes one slot: out[slot] = slot * 2654435761 ^ seed.
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) writeonly buffer Output { uint slot[]; } dst;
layout(push_constant) uniform Params { uint slot; uint seed; } params;

void main()
{
	dst.slot[params.slot] = params.slot * 2654435761u ^ params.seed;
}
