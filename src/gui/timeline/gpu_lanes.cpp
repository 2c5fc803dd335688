#include <glad/gl.h>

#include "gui/timeline/gpu_lanes.hpp"

#include "gui/gl/shader_program.hpp"
#include "gui/theme.hpp"
#include "gui/timeline/tick_pyramid.hpp"
#include "gui/timeline/timeline_frame.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace racetrace {

namespace {

/// How many of the ticks' buckets make a merge column, at most (see queue()).
constexpr double kBucketsPerColumn = 4.0;
/// Fewer events in view than this in a lane: the CPU draws them, with the heads of lone ticks.
constexpr std::size_t kGpuMinVisible = 2000;

/// Bit k set where tick kind k is drawn full height (`tall`) or in the dim ink.
constexpr GLuint kindBits(bool TickStyle::*field) {
    GLuint bits = 0;
    for (const TickStyle& style : kTickStyles)
        if (style.*field) bits |= 1u << static_cast<unsigned>(style.kind);
    return bits;
}
constexpr GLuint kTallKinds = kindBits(&TickStyle::tall), kDimKinds = kindBits(&TickStyle::dim);

void setColor(GLint location, ImU32 color) {
    const ImVec4 c = ImGui::ColorConvertU32ToFloat4(color);
    glUniform4f(location, c.x, c.y, c.z, c.w);
}

} // namespace

GpuLanes::GpuLanes() {
    const char* mode = std::getenv("RACETRACE_TICKS");
    m_forcedCpu = mode != nullptr && std::strcmp(mode, "cpu") == 0;
}

GpuLanes::~GpuLanes() {
    release();
    if (!glAvailable()) { // the context is gone and took our objects with it
        for (auto& program : m_programs)
            static_cast<void>(program.release()); // NOLINT: deleting them now would call into no context
        return;
    }
    if (m_vertexArray != 0) glDeleteVertexArrays(1, &m_vertexArray);
}

bool GpuLanes::ready() {
    if (!m_tried && !m_forcedCpu && glAvailable()) {
        m_tried = true;
        constexpr const char* kFragments[kPrograms] = {"lane_ticks.frag", "lane_stays.frag", "lane_waits.frag",
                                                       "lane_bands.frag", "lane_fill.frag"};
        std::unique_ptr<ShaderProgram> programs[kPrograms];
        for (int p = 0; p < kPrograms; ++p) {
            programs[p] = std::make_unique<ShaderProgram>();
            if (auto built = programs[p]->build("lane_quad.vert", kFragments[p]); !built) {
                m_error = built.error();
                std::fprintf(stderr, "racetrace: %s The lanes are drawn without shaders.\n", m_error.c_str());
                return false;
            }
        }
        for (int p = 0; p < kPrograms; ++p)
            m_programs[p] = std::move(programs[p]);
        findUniforms();
        glGenVertexArrays(1, &m_vertexArray); // core profile: a draw needs one bound, even empty
        glGetIntegerv(GL_MAX_TEXTURE_BUFFER_SIZE, &m_maxTexels);
    }
    return m_programs[kTicks] != nullptr;
}

void GpuLanes::findUniforms() {
    const auto buckets = [](const ShaderProgram& p) {
        return Uniforms{p.uniform("u_buckets"),     p.uniform("u_levelStart"),    p.uniform("u_levelSize"),
                        p.uniform("u_firstBucket"), p.uniform("u_firstBucketPx"), p.uniform("u_bucketPx"),
                        p.uniform("u_rect"),        p.uniform("u_display")};
    };
    for (int p = 0; p < kPrograms; ++p)
        m_buckets[p] = buckets(*m_programs[p]);
    const ShaderProgram& t = *m_programs[kTicks];
    m_tickUniforms = {t.uniform("u_columns"),  t.uniform("u_rows"), t.uniform("u_spin"),   t.uniform("u_tallKinds"),
                      t.uniform("u_dimKinds"), t.uniform("u_ink"),  t.uniform("u_dimInk"), t.uniform("u_spinInk")};
    const ShaderProgram& s = *m_programs[kStays];
    m_stayUniforms = {s.uniform("u_outlines"), s.uniform("u_runs"), s.uniform("u_fill"), s.uniform("u_outline")};
    m_bandFill = m_programs[kBands]->uniform("u_fill");
    const ShaderProgram& fill = *m_programs[kFill];
    m_fillUniforms = {fill.uniform("u_scale"), fill.uniform("u_after"), fill.uniform("u_fill")};
    const ShaderProgram& w = *m_programs[kWaits];
    m_waitUniforms = {w.uniform("u_waitTop"), w.uniform("u_hatchStep"), w.uniform("u_hatch"), w.uniform("u_hatchFill"),
                      w.uniform("u_waitFill")};
}

void GpuLanes::beginFrame(const TimelineModel& model, std::uint64_t generation) {
    m_draws.clear(); // the previous frame has been rendered
    if (!ready() || generation == m_generation) return;
    release();
    upload(model);
    m_generation = generation;
}

template <class T> void GpuLanes::upload(const std::vector<T>& texels, const PyramidLevels& levels, Texels& out) const {
    if (texels.empty() || texels.size() > static_cast<std::size_t>(m_maxTexels)) return; // the CPU draws it
    const GLenum format = sizeof(T) == 1 ? GL_R8UI : GL_R16UI;
    glGenBuffers(1, &out.buffer);
    glBindBuffer(GL_TEXTURE_BUFFER, out.buffer);
    glBufferData(GL_TEXTURE_BUFFER, static_cast<GLsizeiptr>(texels.size() * sizeof(T)), texels.data(), GL_STATIC_DRAW);
    glGenTextures(1, &out.texture);
    glBindTexture(GL_TEXTURE_BUFFER, out.texture);
    glTexBuffer(GL_TEXTURE_BUFFER, format, out.buffer);
    out.levels = &levels;
}

void GpuLanes::upload(const TimelineModel& model) {
    const auto& lanes = model.lanes();
    m_buffers.assign(lanes.size() * 2, Buffer{});
    for (std::size_t worker = 0; worker < lanes.size(); ++worker)
        for (std::size_t slot = 0; slot < 2; ++slot) {
            const TickPyramid& pyramid = lanes[worker].pyramid[slot];
            Buffer& b = m_buffers[worker * 2 + slot];
            upload(pyramid.buckets, pyramid, b.ticks);
            upload(pyramid.spans, pyramid, b.spans);
        }
    const auto& groups = model.groups();
    m_bands.assign(groups.size() * 2, Texels{});
    for (std::size_t group = 0; group < groups.size(); ++group)
        for (std::size_t slot = 0; slot < 2; ++slot)
            upload(groups[group].bands[slot].covered, groups[group].bands[slot], m_bands[group * 2 + slot]);
    const auto& channels = model.channels();
    m_fills.assign(channels.size() * 2, Texels{});
    for (std::size_t channel = 0; channel < channels.size(); ++channel)
        for (std::size_t slot = 0; slot < 2; ++slot)
            upload(channels[channel].pyramid[slot].held, channels[channel].pyramid[slot], m_fills[channel * 2 + slot]);
    glBindTexture(GL_TEXTURE_BUFFER, 0);
    glBindBuffer(GL_TEXTURE_BUFFER, 0);
}

void GpuLanes::release() {
    auto free = [](Texels& t) {
        if (t.texture != 0) glDeleteTextures(1, &t.texture);
        if (t.buffer != 0) glDeleteBuffers(1, &t.buffer);
    };
    if (glAvailable()) {
        for (Buffer& b : m_buffers) {
            free(b.ticks);
            free(b.spans);
        }
        for (auto* list : {&m_bands, &m_fills})
            for (Texels& t : *list)
                free(t);
    }
    m_buffers.clear();
    m_bands.clear();
    m_fills.clear();
    m_generation = ~std::uint64_t{0};
}

GpuLanes::Draw* GpuLanes::queue(const TimelineFrame& f, std::uint32_t worker, bool spans, bool fine) {
    const std::size_t slot = static_cast<std::size_t>(axisSlot(f.axis));
    if (m_programs[kTicks] == nullptr || worker * 2 + slot >= m_buffers.size()) return nullptr;
    const Buffer& buffer = m_buffers[worker * 2 + slot];
    const LaneModel& events = f.model->lanes()[worker];
    if (events.lowerBound(f.axis, f.ctx.end) - events.lowerBound(f.axis, f.ctx.begin) < kGpuMinVisible) return nullptr;
    const Texels& texels = spans ? buffer.spans : buffer.ticks;
    if (!fine) return queueLevels(f, texels, f.mergeUnits());
    // Buckets a fraction of a merge column wide, so that a column's block (or a
    // run of stays) starts and ends where the CPU's does: a bucket a column
    // wide lies across two columns, and its block is a pixel or two off.
    Draw* d = queueLevels(f, texels, f.mergeUnits() / kBucketsPerColumn);
    return d != nullptr ? d : queueLevels(f, texels, f.mergeUnits());
}

GpuLanes::Draw* GpuLanes::queueLevels(const TimelineFrame& f, const Texels& texels, double units) {
    if (texels.levels == nullptr) return nullptr;
    const PyramidLevels& pyramid = *texels.levels;
    const std::size_t level = pyramid.levelFor(units);
    if (level >= pyramid.levels()) return nullptr;

    const double width = pyramid.levelWidth(level);
    const double first = std::max(0.0, std::floor(f.ctx.begin / width));
    Draw& d = m_draws.emplace_back();
    d.owner = this;
    d.texture = texels.texture;
    d.levelStart = static_cast<GLint>(pyramid.levelStart[level]);
    d.levelSize = static_cast<GLint>(pyramid.levelSize(level));
    d.firstBucket = static_cast<GLint>(std::min(first, static_cast<double>(d.levelSize)));
    d.firstBucketPx = f.ctx.toPixel(first * width);
    d.bucketPx = static_cast<float>(width / f.ctx.unitsPerPixel());
    return &d;
}

bool GpuLanes::drawLane(const TimelineFrame& f, std::size_t lane, std::uint32_t worker) {
    Draw* d = queue(f, worker, false, true);
    if (d == nullptr) return false;
    const float tallTop = f.laneY(lane, kTallTop), shortTop = f.laneY(lane, kShortTop);
    const float bottom = f.laneY(lane, kTickBottom);
    const float middle = (shortTop + bottom) * 0.5f, half = std::max(1.0f, f.laneHeight(lane) * 0.04f);
    const float rect[4] = {f.ctx.left, tallTop, f.right(), bottom}, rows[4] = {tallTop, shortTop, bottom, 0.0f};
    std::memcpy(d->rect, rect, sizeof rect);
    std::memcpy(d->rows, rows, sizeof rows);
    const double column = std::max(f.mergeUnits(), 1e-9); // as WorkerLane::drawTicks
    d->columns[0] = f.ctx.toPixel(std::floor(f.ctx.begin / column) * column);
    d->columns[1] = static_cast<float>(column / f.ctx.unitsPerPixel());
    d->columns[2] = f.tickHalfWidth();
    d->spin[0] = middle - half;
    d->spin[1] = middle + half;
    d->ink = f.palette->tickInk;
    d->dimInk = f.palette->tickDim;
    d->spinInk = withAlpha(f.palette->tickDim, 170); // spins repeat reads and tries: the dim ink, as on the CPU
    f.draw->AddCallback(&GpuLanes::onRender, d);
    f.draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr); // ImGui's state back for what follows
    return true;
}

bool GpuLanes::drawStays(const TimelineFrame& f, std::size_t lane, std::uint32_t worker) {
    // A stay still going on (a live step-mode trace) reaches past the last event: the CPU draws it.
    if (worker < f.model->lanes().size() && f.model->lanes()[worker].openStay) return false;
    Draw* d = queue(f, worker, true, true);
    if (d == nullptr) return false;
    d->program = kStays;
    d->runs[0] = f.mergePx; // as forEachRun merges them, and WorkerLane draws a run at least 2 px wide
    d->runs[1] = 2.0f;
    const float rect[4] = {f.ctx.left, f.laneY(lane, kSpanTop), f.right(), f.laneY(lane, kSpanBottom)};
    std::memcpy(d->rect, rect, sizeof rect);
    d->outlines[0] = f.strokeScale; // as WorkerLane draws them: 1 px, 3 px when another waited meanwhile
    d->outlines[1] = 3.0f * f.strokeScale;
    d->fill = f.palette->criticalSpan;
    d->outline = withAlpha(f.theme->workerColor(worker), 220);
    f.draw->AddCallback(&GpuLanes::onRender, d);
    f.draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    return true;
}

bool GpuLanes::drawWaits(const TimelineFrame& f, std::size_t lane, std::uint32_t worker) {
    Draw* d = queue(f, worker, true, false);
    if (d == nullptr) return false;
    d->program = kWaits;
    // As WorkerLane draws them: a blocked bar from the tall ticks' top, a lock wait's strip from kWaitTop.
    const float rect[4] = {f.ctx.left, f.laneY(lane, kTallTop), f.right(), f.laneY(lane, kSpanBottom)};
    std::memcpy(d->rect, rect, sizeof rect);
    d->waitTop = f.laneY(lane, kWaitTop);
    d->ink = f.palette->blockedHatch;
    d->fill = withAlpha(f.theme->workerColor(worker), 150);
    f.draw->AddCallback(&GpuLanes::onRender, d);
    f.draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    return true;
}

bool GpuLanes::drawBands(const TimelineFrame& f, std::size_t group, const std::vector<std::size_t>& lanes) {
    const std::size_t index = group * 2 + static_cast<std::size_t>(axisSlot(f.axis));
    if (m_programs[kBands] == nullptr || index >= m_bands.size()) return false;
    for (const std::size_t lane : lanes) {
        Draw* d = queueLevels(f, m_bands[index], f.mergeUnits());
        if (d == nullptr) return false; // the same answer for every lane: none was queued
        d->program = kBands;
        const float rect[4] = {f.ctx.left, f.laneTop(lane), f.right(), f.laneBottom(lane)};
        std::memcpy(d->rect, rect, sizeof rect);
        d->fill = f.palette->overlapBand;
        f.draw->AddCallback(&GpuLanes::onRender, d);
        f.draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    }
    return true;
}

bool GpuLanes::drawFill(const TimelineFrame& f, std::uint16_t channel, float top, float bottom, double scale) {
    const std::size_t index = std::size_t{channel} * 2 + static_cast<std::size_t>(axisSlot(f.axis));
    if (m_programs[kFill] == nullptr || index >= m_fills.size() || m_fills[index].levels == nullptr) return false;
    const ChannelModel& points = f.model->channels()[channel];
    if (points.lowerBound(f.axis, f.ctx.end) - points.lowerBound(f.axis, f.ctx.begin) < kGpuMinVisible) return false;
    // Pixel by pixel, as the CPU walks the level: a moment the channel was empty stays visible.
    Draw* d = queueLevels(f, m_fills[index], f.ctx.unitsPerPixel());
    if (d == nullptr) return false;
    d->program = kFill;
    const float rect[4] = {f.ctx.left, top, f.right(), bottom};
    std::memcpy(d->rect, rect, sizeof rect);
    d->scale = static_cast<float>(scale);
    d->after = points.pyramid[axisSlot(f.axis)].after;
    d->fill = f.palette->channelFill;
    f.draw->AddCallback(&GpuLanes::onRender, d);
    f.draw->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    return true;
}

void GpuLanes::onRender(const ImDrawList*, const ImDrawCmd* command) {
    const auto* draw = static_cast<const Draw*>(command->UserCallbackData);
    draw->owner->render(*draw, command->ClipRect);
}

void GpuLanes::render(const Draw& d, const ImVec4& clip) const {
    const ImDrawData* data = ImGui::GetDrawData();
    const ImVec2 pos = data->DisplayPos, scale = data->FramebufferScale;
    const float x0 = (clip.x - pos.x) * scale.x, y0 = (clip.y - pos.y) * scale.y;
    const float x1 = (clip.z - pos.x) * scale.x, y1 = (clip.w - pos.y) * scale.y;
    if (x1 <= x0 || y1 <= y0) return;
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>(x0), static_cast<GLint>(data->DisplaySize.y * scale.y - y1),
              static_cast<GLsizei>(x1 - x0), static_cast<GLsizei>(y1 - y0));
    glUseProgram(m_programs[d.program]->id());
    glBindVertexArray(m_vertexArray);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_BUFFER, d.texture);
    const Uniforms& u = m_buckets[d.program];
    setBuckets(d, u);
    glUniform4f(u.display, pos.x, pos.y, data->DisplaySize.x, data->DisplaySize.y);
    setStyle(d);
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
    glBindTexture(GL_TEXTURE_BUFFER, 0);
}

void GpuLanes::setStyle(const Draw& d) const {
    switch (d.program) {
    case kTicks: {
        const TickUniforms& t = m_tickUniforms;
        glUniform3fv(t.columns, 1, d.columns);
        glUniform4fv(t.rows, 1, d.rows);
        glUniform2fv(t.spin, 1, d.spin);
        glUniform1ui(t.tallKinds, kTallKinds);
        glUniform1ui(t.dimKinds, kDimKinds);
        setColor(t.ink, d.ink);
        setColor(t.dimInk, d.dimInk);
        setColor(t.spinInk, d.spinInk);
        return;
    }
    case kStays:
        glUniform2fv(m_stayUniforms.outlines, 1, d.outlines);
        glUniform2fv(m_stayUniforms.runs, 1, d.runs);
        setColor(m_stayUniforms.fill, d.fill);
        setColor(m_stayUniforms.outline, d.outline);
        return;
    case kWaits:
        glUniform1f(m_waitUniforms.waitTop, d.waitTop);
        glUniform1f(m_waitUniforms.hatchStep, kHatchStep);
        setColor(m_waitUniforms.hatch, d.ink);
        setColor(m_waitUniforms.hatchFill, withAlpha(d.ink, kHatchFillAlpha));
        setColor(m_waitUniforms.waitFill, d.fill);
        return;
    case kBands: setColor(m_bandFill, d.fill); return;
    case kFill:
        glUniform1f(m_fillUniforms.scale, d.scale);
        glUniform1ui(m_fillUniforms.after, d.after);
        setColor(m_fillUniforms.fill, d.fill);
        return;
    case kPrograms: return;
    }
}

void GpuLanes::setBuckets(const Draw& d, const Uniforms& u) const {
    glUniform1i(u.buckets, 0);
    glUniform1i(u.levelStart, d.levelStart);
    glUniform1i(u.levelSize, d.levelSize);
    glUniform1i(u.firstBucket, d.firstBucket);
    glUniform1f(u.firstBucketPx, d.firstBucketPx);
    glUniform1f(u.bucketPx, d.bucketPx);
    glUniform4fv(u.rect, 1, d.rect);
}

} // namespace racetrace
