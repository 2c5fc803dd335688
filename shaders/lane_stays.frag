#version 330 core
// A lane's critical-section stays from one level of its pyramid (see
// gui/timeline/tick_pyramid.hpp: the `spans` bits), as the CPU path draws them
// (WorkerLane::drawStays): stays less than a merge gap apart make one run, a
// run is at least a few pixels wide, and each run is a filled band with an
// outline in the worker's colour, heavier for a stay during which another
// worker waited. The level's buckets are a fraction of the merge gap wide, so
// a run starts and ends within a bucket of where the CPU's does. Drawn under the ticks.

uniform usamplerBuffer u_buckets; // the lane's interval bits, every level one after the other
uniform int u_levelStart;         // this level's first bucket in u_buckets
uniform int u_levelSize;          // this level's number of buckets
uniform int u_firstBucket;        // the bucket whose left edge is at u_firstBucketPx
uniform float u_firstBucketPx;
uniform float u_bucketPx;         // a bucket's width on screen

uniform vec4 u_rect;     // the band: left, top, right, bottom, in pixels
uniform vec2 u_outlines; // an outline's thickness: x for a stay, y for a contended one
uniform vec2 u_runs;     // x: stays closer than this (pixels) are one run; y: a run's least width
uniform vec4 u_fill;
uniform vec4 u_outline;

in vec2 v_pixel;
out vec4 o_color;

const uint kStay = 1u;
const uint kContended = 2u;
const int kMostBuckets = 64; // a scan's reach, in buckets (a coarse level needs a few)

// `top` drawn over `below` (the CPU draws the outline over the band): one colour
// that blends onto what is under the stay as the two would one after the other.
vec4 over(vec4 top, vec4 below) {
    float alpha = top.a + below.a * (1.0 - top.a);
    if (alpha <= 0.0) return vec4(0.0);
    return vec4((top.rgb * top.a + below.rgb * below.a * (1.0 - top.a)) / alpha, alpha);
}

uint bitsOf(int bucket) {
    if (bucket < 0 || bucket >= u_levelSize) return 0u;
    return texelFetch(u_buckets, u_levelStart + bucket).r;
}

bool stayIn(int bucket) {
    return (bitsOf(bucket) & kStay) != 0u;
}

int bucketAt(float x) {
    return u_firstBucket + int(floor((x - u_firstBucketPx) / u_bucketPx));
}

int bucketsIn(float pixels) {
    return min(kMostBuckets, int(ceil(pixels / u_bucketPx)));
}

// How many buckets from `bucket`, going `step` (1 or -1), to the nearest with a stay; 0: none within `most`.
int nearestStay(int bucket, int step, int most) {
    for (int k = 1; k <= most; ++k)
        if (stayIn(bucket + step * k)) return k;
    return 0;
}

// True where the CPU's runs cover x: a stay, a gap shorter than the merge gap
// between two stays, or the rest of the least width of a run that began just before.
bool covered(float x) {
    int bucket = bucketAt(x);
    if (stayIn(bucket)) return true;
    int reach = bucketsIn(u_runs.x + u_bucketPx);
    int left = nearestStay(bucket, -1, reach);
    if (left == 0) return false;
    int right = nearestStay(bucket, 1, reach);
    if (right != 0 && float(left + right - 1) * u_bucketPx <= u_runs.x) return true;
    // The run ending `left` buckets back: where does it begin?
    int begin = bucket - left;
    int widest = bucketsIn(u_runs.y);
    for (int k = 0; k < widest && stayIn(begin - 1); ++k)
        --begin;
    float beginPx = u_firstBucketPx + float(begin - u_firstBucket) * u_bucketPx;
    return x < beginPx + u_runs.y;
}

void main() {
    if (!covered(v_pixel.x)) discard;
    // Heavier where a stay nearby was contended (the CPU weighs the whole run).
    int bucket = bucketAt(v_pixel.x);
    int reach = bucketsIn(u_outlines.y);
    bool contended = false;
    for (int k = -reach; k <= reach && !contended; ++k)
        contended = (bitsOf(bucket + k) & kContended) != 0u;
    float edge = contended ? u_outlines.y : u_outlines.x;
    // The outline runs along the band's top and bottom, and up where a run begins or ends.
    bool side = v_pixel.y < u_rect.y + edge || v_pixel.y > u_rect.w - edge;
    bool end = !covered(v_pixel.x - edge) || !covered(v_pixel.x + edge);
    o_color = side || end ? over(u_outline, u_fill) : u_fill;
}
