#version 330 core
// One strip of a lane (its ticks, stays, waits, a band, a fill level) as a
// single quad, for every lane_*.frag: the corners come from gl_VertexID, so
// no vertex buffer is needed. Positions are ImGui's pixels (y down); the
// fragment shader gets them unchanged to find the bucket under each pixel.

uniform vec4 u_rect;    // left, top, right, bottom of the strip, in pixels
uniform vec4 u_display; // ImGui's display position (xy) and size (zw), in pixels

out vec2 v_pixel;

void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
    v_pixel = mix(u_rect.xy, u_rect.zw, corner);
    vec2 unit = (v_pixel - u_display.xy) / u_display.zw;
    gl_Position = vec4(unit.x * 2.0 - 1.0, 1.0 - unit.y * 2.0, 0.0, 1.0);
}
