#version 450
// vk_texture: samples the texture mirrored horizontally, so a straight copy of the texture cannot pass.
layout(set = 0, binding = 0) uniform sampler2D tex;
layout(push_constant) uniform Params { vec2 target_size; } params;
layout(location = 0) out vec4 out_color;

void main()
{
	vec2 uv = gl_FragCoord.xy / params.target_size;
	out_color = texture(tex, vec2(1.0 - uv.x, uv.y));
}
