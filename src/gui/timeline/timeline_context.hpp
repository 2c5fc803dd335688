// All time <-> pixel arithmetic of the timeline in one place (Tracy keeps it in
// its TimelineContext too): an axis range mapped onto a pixel span.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace racetrace {

struct TimelineContext {
    double begin = 0.0; ///< axis value at the left edge (ns or event index)
    double end = 1.0;   ///< axis value at the right edge
    float left = 0.0f;  ///< pixel x of the left edge
    float width = 1.0f; ///< pixels across

    double unitsPerPixel() const { return (end - begin) / std::max(1.0f, width); }
    float toPixel(double value) const {
        return left + static_cast<float>((value - begin) / (end - begin) * static_cast<double>(width));
    }
    double toValue(float pixel) const {
        return begin + static_cast<double>(pixel - left) / static_cast<double>(std::max(1.0f, width)) * (end - begin);
    }
    bool visible(double from, double to) const { return to >= begin && from <= end; }

    /// Zooms by `factor` (< 1 zooms in) keeping the value under `pixel` in place.
    void zoomAround(float pixel, double factor, double minSpan) {
        const double anchor = toValue(pixel);
        const double span = std::max(minSpan, (end - begin) * factor);
        const double fraction = (anchor - begin) / (end - begin);
        begin = anchor - fraction * span;
        end = begin + span;
    }
    /// Pans by `pixels` (positive moves the view to the left, like dragging the content right).
    void panPixels(float pixels) {
        const double delta = static_cast<double>(pixels) * unitsPerPixel();
        begin -= delta;
        end -= delta;
    }
};

} // namespace racetrace
