#version 330 core
// A lane's waits at one level of its pyramid (see gui/timeline/tick_pyramid.hpp:
// the `spans` bits), as the CPU path draws them, under the stays and the ticks:
// a blocking channel call that had to wait is a faint bar hatched at 45 degrees
// on a grid fixed on screen, with a line along its top and bottom; a wait for
// the lock is a strip in the worker's colour along the bottom of the lane.

uniform usamplerBuffer u_buckets; // the lane's interval bits, every level one after the other
uniform int u_levelStart;         // this level's first bucket in u_buckets
uniform int u_levelSize;          // this level's number of buckets
uniform int u_firstBucket;        // the bucket whose left edge is at u_firstBucketPx
uniform float u_firstBucketPx;
uniform float u_bucketPx;         // a bucket's width on screen

uniform vec4 u_rect;       // a blocked bar: left, top, right, bottom, in pixels
uniform float u_waitTop;   // a lock wait's strip: from here to u_rect.w
uniform float u_hatchStep; // pixels between two hatch lines
uniform vec4 u_hatch;      // the hatching's ink (its faint fill is this at a tenth of the alpha)
uniform vec4 u_hatchFill;
uniform vec4 u_waitFill;

in vec2 v_pixel;
out vec4 o_color;

const uint kLockWait = 4u;
const uint kBlocked = 8u;

// `top` drawn over `below`: one colour that blends onto what is under both as
// the two would one after the other (the CPU draws the lock wait over the bar).
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

// The bar's ink where a hatch line or its top or bottom edge passes, else its faint fill.
vec4 blockedColor(vec2 p) {
    bool edge = p.y < u_rect.y + 1.0 || p.y > u_rect.w - 1.0;
    // The CPU's lines run from (x, bottom) up to the right: x + y - bottom is a multiple of the step.
    bool line = mod(p.x + p.y - u_rect.w, u_hatchStep) < 1.0;
    return edge || line ? over(u_hatch, u_hatchFill) : u_hatchFill;
}

void main() {
    uint bits = bitsAt(v_pixel.x);
    vec4 color = vec4(0.0);
    if ((bits & kBlocked) != 0u) color = blockedColor(v_pixel);
    if ((bits & kLockWait) != 0u && v_pixel.y >= u_waitTop) color = over(u_waitFill, color);
    if (color.a <= 0.0) discard;
    o_color = color;
}
