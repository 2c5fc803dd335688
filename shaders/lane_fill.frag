#version 330 core
// A channel's fill level at one level of its pyramid (see
// gui/timeline/tick_pyramid.hpp: FillPyramid), as the CPU path draws it: in
// each pixel column a bar from the lane's foot up to the most messages the
// channel held inside it, the lane's top standing for u_scale messages.

uniform usamplerBuffer u_buckets; // the channel's pyramid, every level one after the other
uniform int u_levelStart;         // this level's first bucket in u_buckets
uniform int u_levelSize;          // this level's number of buckets
uniform int u_firstBucket;        // the bucket whose left edge is at u_firstBucketPx
uniform float u_firstBucketPx;
uniform float u_bucketPx;         // a bucket's width on screen

uniform vec4 u_rect;     // where levels are drawn: left, top (u_scale messages), right, bottom (none), in pixels
uniform float u_scale;   // messages at the top
uniform uint u_after;    // held after the last bucket (the level stays until the next change)
uniform vec4 u_fill;

in vec2 v_pixel;
out vec4 o_color;

uint heldIn(int bucket) {
    if (bucket < 0) return 0u;
    return bucket < u_levelSize ? texelFetch(u_buckets, u_levelStart + bucket).r : u_after;
}

void main() {
    // The most held in the pixel's whole column, as the CPU takes it: the
    // buckets are at most a pixel wide, so a column meets at most three.
    int first = u_firstBucket + int(floor((v_pixel.x - 0.5 - u_firstBucketPx) / u_bucketPx));
    int last = u_firstBucket + int(ceil((v_pixel.x + 0.5 - u_firstBucketPx) / u_bucketPx)) - 1;
    uint held = 0u;
    for (int bucket = first; bucket <= min(last, first + 3); ++bucket)
        held = max(held, heldIn(bucket));
    if (held == 0u) discard;
    float top = u_rect.w - min(float(held) / u_scale, 1.0) * (u_rect.w - u_rect.y);
    if (v_pixel.y < top) discard;
    o_color = u_fill;
}
