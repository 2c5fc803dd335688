#include "gui/timeline/channel_lane.hpp"

#include "gui/theme.hpp"
#include "gui/timeline/gpu_lanes.hpp"
#include "session/document.hpp"

namespace racetrace {

namespace {

constexpr float kFillTop = 0.15f, kFillBottom = 0.92f;

} // namespace

void ChannelLane::preprocess(const TimelineModel& model) {
    const auto& channels = model.channels();
    m_fill = m_channel < channels.size() ? &channels[m_channel] : nullptr;
    const auto& infos = model.trace().scenario.channels;
    m_name = m_kind = m_capacity = {};
    if (m_fill == nullptr || m_channel >= infos.size()) return;
    const ChannelInfo& info = infos[m_channel];
    m_name = info.displayName();
    m_kind = "capacity " + std::to_string(m_fill->capacity); // in messages, as the fill level
    m_capacity = "peak " + std::to_string(m_fill->maxHeld);
    m_scale = static_cast<double>(std::max<std::uint64_t>({m_fill->capacity, m_fill->maxHeld, 1}));
}

float ChannelLane::levelY(const TimelineFrame& f, std::size_t lane, double held) const {
    const float top = f.laneY(lane, kFillTop), bottom = f.laneY(lane, kFillBottom);
    return bottom - static_cast<float>(std::min(held / m_scale, 1.0)) * (bottom - top);
}

bool ChannelLane::painted(const TimelineFrame& f, std::size_t lane) const {
    return f.gpu != nullptr &&
           f.gpu->drawFill(f, m_channel, f.laneY(lane, kFillTop), f.laneY(lane, kFillBottom), m_scale);
}

void ChannelLane::drawBackground(const TimelineFrame& f, std::size_t lane) const {
    const Palette& palette = *f.palette;
    const float top = f.laneTop(lane), bottom = f.laneBottom(lane);
    f.draw->AddRectFilled(ImVec2(f.labelLeft, top), ImVec2(f.right(), bottom),
                          m_channel % 2 ? palette.laneBackground : palette.laneAlternate);
    f.draw->AddRectFilled(ImVec2(f.labelLeft, top), ImVec2(f.right(), top + 1.0f), palette.laneSeparator);
    f.draw->AddRectFilled(ImVec2(f.labelLeft, bottom - 1.0f), ImVec2(f.right(), bottom), palette.laneSeparator);
}

void ChannelLane::drawOver(const TimelineFrame& f, std::size_t lane) const {
    if (m_fill == nullptr) return;
    const ChannelModel& fill = *m_fill;
    const float bottom = f.laneY(lane, kFillBottom);
    const std::size_t n = painted(f, lane) ? 0 : fill.size(); // the shader drew the levels: only the capacity is left
    // Walk pixel columns; a column without points extends to the next point as one rectangle.
    float px = std::floor(f.ctx.left);
    std::size_t k = fill.lowerBound(f.axis, f.ctx.toValue(px));
    while (px < f.right() && n > 0) {
        const double columnEnd = f.ctx.toValue(px + 1.0f);
        const std::size_t next = std::max(k, fill.lowerBound(f.axis, columnEnd));
        const std::uint32_t before = k > 0 ? fill.held(k - 1) : 0;
        float until = px + 1.0f;
        std::uint32_t level = std::max(before, fill.maxHeldIn(k, next));
        if (next == k) { // nothing changes until the next point (or the end)
            until = k < n ? std::max(px + 1.0f, std::floor(f.px(fill.x[axisSlot(f.axis)][k]))) : f.right();
            level = before;
        }
        if (level > 0)
            f.draw->AddRectFilled(ImVec2(px, levelY(f, lane, level)), ImVec2(until, bottom), f.palette->channelFill);
        px = until;
        k = next;
    }
    const float capacityY = levelY(f, lane, static_cast<double>(fill.capacity));
    f.draw->AddRectFilled(ImVec2(f.ctx.left, capacityY), ImVec2(f.right(), capacityY + 1.0f),
                          f.palette->channelCapacity);
}

void ChannelLane::drawHeader(const TimelineFrame& f, std::size_t lane) const {
    const Palette& palette = *f.palette;
    const float pad = f.fontSize * 0.4f;
    const float line = ImGui::GetTextLineHeight();
    const float x = f.labelLeft + pad;
    float y = f.laneTop(lane) + std::max(pad * 0.5f, (f.laneHeight(lane) - 3.0f * line) * 0.5f);
    f.draw->AddText(ImVec2(x, y), palette.text, m_name.c_str());
    y += line;
    f.draw->AddText(ImVec2(x, y), palette.dimText, m_kind.c_str());
    y += line;
    f.draw->AddText(ImVec2(x, y), palette.dimText, m_capacity.c_str());
}

std::size_t ChannelLane::nearestPoint(const TimelineFrame& f, double value) const {
    const std::size_t n = m_fill == nullptr ? 0 : m_fill->size();
    if (n == 0) return n;
    const std::vector<double>& xs = m_fill->x[axisSlot(f.axis)];
    const std::size_t k = m_fill->lowerBound(f.axis, value);
    if (k == 0) return 0;
    if (k == n) return n - 1;
    return value - xs[k - 1] <= xs[k] - value ? k - 1 : k;
}

LaneHover ChannelLane::hoverEvent(const TimelineFrame& f, std::size_t) const {
    LaneHover out;
    if (!f.mouseOverLanes) return out;
    const std::size_t k = nearestPoint(f, f.ctx.toValue(f.mouse.x));
    if (k >= (m_fill == nullptr ? 0 : m_fill->size())) return out;
    const float distance = std::fabs(f.px(m_fill->x[axisSlot(f.axis)][k]) - f.mouse.x);
    if (distance <= std::max(f.mergePx, f.tickHalfWidth()) + 2.0f) {
        out.event = m_fill->events[k];
        out.sameColumn = 1;
    }
    return out;
}

std::uint64_t ChannelLane::nearestEvent(const TimelineFrame& f, double value) const {
    const std::size_t k = nearestPoint(f, value);
    return k < (m_fill == nullptr ? 0 : m_fill->size()) ? m_fill->events[k] : kNoEvent;
}

} // namespace racetrace
