#version 450
// vk_triangle: a flat colour from the push constants.
layout(push_constant) uniform Params { vec4 color; } params;
layout(location = 0) out vec4 out_color;

void main()
{
	out_color = params.color;
}
