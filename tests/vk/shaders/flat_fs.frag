#version 450
// A constant colour (vk_query: only coverage matters).
layout(location = 0) out vec4 out_color;

void main()
{
	out_color = vec4(0.25, 0.5, 0.75, 1.0);
}
