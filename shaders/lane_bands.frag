#version 330 core
// The overlap bands of one group of workers at one level of its pyramid (see
// gui/timeline/tick_pyramid.hpp: BandPyramid), painted across one of their
// lanes as the CPU path paints them: the band's colour wherever a band touches
// the bucket under the pixel. Drawn under the ticks.

uniform usamplerBuffer u_buckets; // the group's pyramid, every level one after the other
uniform int u_levelStart;         // this level's first bucket in u_buckets
uniform int u_levelSize;          // this level's number of buckets
uniform int u_firstBucket;        // the bucket whose left edge is at u_firstBucketPx
uniform float u_firstBucketPx;
uniform float u_bucketPx;         // a bucket's width on screen

uniform vec4 u_fill;

in vec2 v_pixel;
out vec4 o_color;

void main() {
    int bucket = u_firstBucket + int(floor((v_pixel.x - u_firstBucketPx) / u_bucketPx));
    if (bucket < 0 || bucket >= u_levelSize) discard;
    if (texelFetch(u_buckets, u_levelStart + bucket).r == 0u) discard;
    o_color = u_fill;
}
