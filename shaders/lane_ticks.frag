#version 330 core
// A lane's ticks at one level of its pyramid (see gui/timeline/tick_pyramid.hpp):
// each pixel looks up the bucket under it and draws what the CPU path draws for
// a merge column: a block in the ink of its most important tick kind, full
// height for writes and lock steps, shorter for reads; a bucket of several
// events in the dim ink; the bar of a spin where nothing else is.

uniform usamplerBuffer u_buckets; // the lane's pyramid, every level one after the other
uniform int u_levelStart;         // this level's first bucket in u_buckets
uniform int u_levelSize;          // this level's number of buckets
uniform int u_firstBucket;        // the bucket whose left edge is at u_firstBucketPx
uniform float u_firstBucketPx;
uniform float u_bucketPx;         // a bucket's width on screen

uniform vec4 u_rows; // y of the tall ticks' top, the short ticks' top, the ticks' bottom, in pixels
uniform vec2 u_spin; // y of the spin bar's top and bottom
uniform uint u_tallKinds; // bit k: tick kind k is drawn full height
uniform uint u_dimKinds;  // bit k: tick kind k is drawn in the dim ink
uniform vec4 u_ink;
uniform vec4 u_dimInk;
uniform vec4 u_spinInk;

in vec2 v_pixel;
out vec4 o_color;

const uint kKindBits = 0x0FFFu;
const uint kSpinCover = 0x2000u;
const uint kMany = 0x4000u;

// The most important kind present: the lowest bit (GLSL 3.30 has no findLSB).
int dominantKind(uint kinds) {
    for (int k = 0; k < 12; ++k)
        if ((kinds & (1u << uint(k))) != 0u) return k;
    return 11;
}

void main() {
    int bucket = u_firstBucket + int(floor((v_pixel.x - u_firstBucketPx) / u_bucketPx));
    if (bucket < 0 || bucket >= u_levelSize) discard;
    uint bits = texelFetch(u_buckets, u_levelStart + bucket).r;
    uint kinds = bits & kKindBits;
    if (kinds != 0u) {
        int kind = dominantKind(kinds);
        uint bit = 1u << uint(kind);
        float top = (u_tallKinds & bit) != 0u ? u_rows.x : u_rows.y;
        if (v_pixel.y >= top && v_pixel.y <= u_rows.z) {
            bool dim = (bits & kMany) != 0u || (u_dimKinds & bit) != 0u;
            o_color = dim ? u_dimInk : u_ink;
            return;
        }
    }
    if ((bits & kSpinCover) != 0u && v_pixel.y >= u_spin.x && v_pixel.y <= u_spin.y) {
        o_color = u_spinInk;
        return;
    }
    discard;
}
