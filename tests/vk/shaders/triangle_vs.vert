#version 450
// vk_triangle: positions come from the vertex buffer (already in clip space).
layout(location = 0) in vec2 position;

void main()
{
	gl_Position = vec4(position, 0.0, 1.0);
}
