#version 330 core
// A lane's ticks from one level of its pyramid (see gui/timeline/tick_pyramid.hpp),
// drawn as the CPU path draws them (WorkerLane::drawTicks): the axis is cut
// into merge columns on a grid fixed in axis units, and each column with
// events becomes one block from its first event to its last, widened by half
// a tick on each side; full height for writes and lock steps, shorter for
// reads; in the ink of its kind for a lone event, in the dim ink for several.
// Blocks are drawn left to right, so where two overlap the later one shows.
// The level's buckets are a fraction of a column wide: a pixel gathers the
// buckets of its own column and of the two beside it, whose widened blocks may
// reach it. The bar of a spin shows where no block is.

uniform usamplerBuffer u_buckets; // the lane's pyramid, every level one after the other
uniform int u_levelStart;         // this level's first bucket in u_buckets
uniform int u_levelSize;          // this level's number of buckets
uniform int u_firstBucket;        // the bucket whose left edge is at u_firstBucketPx
uniform float u_firstBucketPx;
uniform float u_bucketPx;         // a bucket's width on screen

uniform vec3 u_columns; // a merge column's left edge, its width, and half a tick's width, in pixels
uniform vec4 u_rows;    // y of the tall ticks' top, the short ticks' top, the ticks' bottom, in pixels
uniform vec2 u_spin;    // y of the spin bar's top and bottom
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
const int kMostBucketsPerColumn = 64; // a coarser level than the view asks for never needs more

// The most important kind present: the lowest bit (GLSL 3.30 has no findLSB).
int dominantKind(uint kinds) {
    for (int k = 0; k < 12; ++k)
        if ((kinds & (1u << uint(k))) != 0u) return k;
    return 11;
}

uint bucketBits(int bucket) {
    if (bucket < 0 || bucket >= u_levelSize) return 0u;
    return texelFetch(u_buckets, u_levelStart + bucket).r;
}

float bucketCentre(int bucket) {
    return u_firstBucketPx + (float(bucket - u_firstBucket) + 0.5) * u_bucketPx;
}

// Column `column`'s block, if it has events: its left and right edge in x, its
// top in y; `bits` the OR of its buckets, `lone` true for a single event.
bool columnBlock(int column, out vec3 block, out uint bits, out bool lone) {
    float left = u_columns.x + float(column) * u_columns.y;
    float right = left + u_columns.y;
    // The buckets whose centre lies in the column (an event belongs to one column).
    int bucket = u_firstBucket + int(ceil((left - u_firstBucketPx) / u_bucketPx - 0.5));
    int first = -1, last = -1, count = 0;
    bits = 0u;
    for (int k = 0; k < kMostBucketsPerColumn && bucketCentre(bucket) < right; ++k, ++bucket) {
        uint b = bucketBits(bucket);
        if ((b & kKindBits) == 0u) continue;
        if (first < 0) first = bucket;
        last = bucket;
        bits |= b;
        ++count;
    }
    lone = count == 1 && (bits & kMany) == 0u;
    if (first < 0) return false;
    float x0 = bucketCentre(first) - u_columns.z;
    float x1 = max(bucketCentre(last) + u_columns.z, x0 + 1.0);
    uint bit = 1u << uint(dominantKind(bits & kKindBits));
    block = vec3(x0, x1, (u_tallKinds & bit) != 0u ? u_rows.x : u_rows.y);
    return true;
}

void main() {
    int column = int(floor((v_pixel.x - u_columns.x) / u_columns.y));
    if (v_pixel.y <= u_rows.z) {
        for (int next = 1; next >= -1; --next) { // the column drawn last first: it shows over the others
            vec3 block;
            uint bits;
            bool lone;
            if (!columnBlock(column + next, block, bits, lone)) continue;
            if (v_pixel.x < block.x || v_pixel.x >= block.y || v_pixel.y < block.z) continue;
            uint bit = 1u << uint(dominantKind(bits & kKindBits));
            bool dim = !lone || (u_dimKinds & bit) != 0u;
            o_color = dim ? u_dimInk : u_ink;
            return;
        }
    }
    uint under = bucketBits(u_firstBucket + int(floor((v_pixel.x - u_firstBucketPx) / u_bucketPx)));
    if ((under & kSpinCover) != 0u && v_pixel.y >= u_spin.x && v_pixel.y <= u_spin.y) {
        o_color = u_spinInk;
        return;
    }
    discard;
}
