#version 450
// a triangle from gl_VertexIndex alone: no vertex buffers in the benchmark
const vec2 pos[3] = vec2[3](vec2(-0.8, 0.8), vec2(0.8, 0.8), vec2(0.0, -0.8));
void main()
{
   gl_Position = vec4(pos[gl_VertexIndex % 3], 0.0, 1.0);
}
