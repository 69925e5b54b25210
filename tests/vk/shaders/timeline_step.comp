#version 450
// vk_timeline: one step of a chain: slot[k] = slot[k - 1] * 31 + k. Run out of order, a step reads a
// slot its predecessor has not written yet and the chain's values differ from the CPU's.
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) buffer Chain { uint slot[]; } chain;
layout(push_constant) uniform Params { uint k; } params;

void main()
{
	chain.slot[params.k] = chain.slot[params.k - 1u] * 31u + params.k;
}
