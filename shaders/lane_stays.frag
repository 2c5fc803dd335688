#version 330 core
// A lane's critical-section stays at one level of its pyramid (see
// gui/timeline/tick_pyramid.hpp: the `spans` bits), as the CPU path draws them: a filled band
// with an outline in the worker's colour, heavier for a stay during which
// another worker waited. Stays closer than a bucket merge into one, as the
// CPU merges those closer than a merge column. Drawn under the ticks.

uniform usamplerBuffer u_buckets; // the lane's interval bits, every level one after the other
uniform int u_levelStart;         // this level's first bucket in u_buckets
uniform int u_levelSize;          // this level's number of buckets
uniform int u_firstBucket;        // the bucket whose left edge is at u_firstBucketPx
uniform float u_firstBucketPx;
uniform float u_bucketPx;         // a bucket's width on screen

uniform vec4 u_rect;     // the band: left, top, right, bottom, in pixels
uniform vec2 u_outlines; // an outline's thickness: x for a stay, y for a contended one
uniform vec4 u_fill;
uniform vec4 u_outline;

in vec2 v_pixel;
out vec4 o_color;

const uint kStay = 1u;
const uint kContended = 2u;

// `top` drawn over `below` (the CPU draws the outline over the band): one colour
// that blends onto what is under the stay as the two would one after the other.
vec4 over(vec4 top, vec4 below) {
    float alpha = top.a + below.a * (1.0 - top.a);
    if (alpha <= 0.0) return vec4(0.0);
    return vec4((top.rgb * top.a + below.rgb * below.a * (1.0 - top.a)) / alpha, alpha);
}

uint bitsAt(float x) {
    int bucket = u_firstBucket + int(floor((x - u_firstBucketPx) / u_bucketPx));
    if (bucket < 0 || bucket >= u_levelSize) return 0u;
    return texelFetch(u_buckets, u_levelStart + bucket).r;
}

void main() {
    uint bits = bitsAt(v_pixel.x);
    if ((bits & kStay) == 0u) discard;
    float edge = (bits & kContended) != 0u ? u_outlines.y : u_outlines.x;
    // The outline runs along the band's top and bottom, and up where a stay begins or ends.
    bool side = v_pixel.y < u_rect.y + edge || v_pixel.y > u_rect.w - edge;
    bool end = (bitsAt(v_pixel.x - edge) & kStay) == 0u || (bitsAt(v_pixel.x + edge) & kStay) == 0u;
    o_color = side || end ? over(u_outline, u_fill) : u_fill;
}
