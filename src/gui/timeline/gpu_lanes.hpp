// The timeline's dense parts drawn by our own GLSL (shaders/lane_quad.vert
// with lane_ticks.frag, lane_stays.frag, lane_waits.frag, lane_bands.frag,
// lane_fill.frag) from the pyramids of gui/timeline/tick_pyramid.hpp: each
// worker lane's TickPyramid, each overlap group's BandPyramid and each
// channel's FillPyramid, uploaded into GPU buffers once per trace. The view
// asks drawBands(), a worker lane drawWaits(), drawStays() and drawLane()
// (ticks), a channel lane drawFill(), at the points of the draw list where
// they belong; each adds an ImGui callback which, when ImGui renders, draws one
// quad with only the view's transform as uniforms. The CPU path (the lanes,
// timeline_findings.cpp) stays for what needs detail: zoomed in (few events
// in view, heads on lone ticks), short lanes, a live stay or overlap, no GL
// context (benchmarks), or a shader that did not compile, whose sentence
// error() then keeps.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace racetrace {

class ShaderProgram;
class TimelineModel;
struct TimelineFrame;
struct PyramidLevels;
struct TickPyramid;

class GpuLanes {
  public:
    GpuLanes();
    GpuLanes(const GpuLanes&) = delete;
    GpuLanes& operator=(const GpuLanes&) = delete;
    ~GpuLanes();

    /// Before a frame's lanes: forgets the last frame's draws, and uploads the
    /// pyramids when the model is new (`generation` changes with it).
    void beginFrame(const TimelineModel& model, std::uint64_t generation);
    /// Queues worker's ticks in `lane` for the shader; false: draw them on the CPU.
    bool drawLane(const TimelineFrame& frame, std::size_t lane, std::uint32_t worker);
    /// Queues worker's stays in `lane` for the shader; false: draw them on the CPU.
    bool drawStays(const TimelineFrame& frame, std::size_t lane, std::uint32_t worker);
    /// Queues worker's lock waits and blocked calls in `lane` for the shader; false: draw them on the CPU.
    bool drawWaits(const TimelineFrame& frame, std::size_t lane, std::uint32_t worker);
    /// Queues the overlap bands of group `group` (TimelineModel::groups) across
    /// `lanes` for the shader; false: draw them on the CPU.
    bool drawBands(const TimelineFrame& frame, std::size_t group, const std::vector<std::size_t>& lanes);
    /// Queues channel's fill level for the shader, `scale` messages at `top`
    /// and none at `bottom` (pixels); false: draw it on the CPU.
    bool drawFill(const TimelineFrame& frame, std::uint16_t channel, float top, float bottom, double scale);
    /// Why the shaders are not used ("shaders/lane_ticks.frag:12: ..."), or empty.
    const std::string& error() const { return m_error; }

  private:
    enum Program { kTicks, kStays, kWaits, kBands, kFill, kPrograms }; ///< shaders/lane_*.frag
    struct Texels {                                                    ///< one array of a pyramid on the GPU
        unsigned buffer = 0, texture = 0;                              ///< GL names
        const PyramidLevels* levels = nullptr;                         ///< its layout; null: not uploaded
    };
    struct Buffer { ///< one lane's pyramid on the GPU: its ticks, and its intervals
        Texels ticks, spans;
    };
    struct Draw { ///< what one callback needs, kept until ImGui has rendered the frame
        GpuLanes* owner = nullptr;
        unsigned texture = 0;
        Program program = kTicks;
        int levelStart = 0, levelSize = 0, firstBucket = 0;
        float firstBucketPx = 0, bucketPx = 1;
        float rect[4] = {};
        float columns[3] = {};            ///< ticks: a merge column's left edge and width, half a tick
        float rows[4] = {}, spin[2] = {}; ///< ticks
        ImU32 ink = 0, dimInk = 0, spinInk = 0;
        float outlines[2] = {}; ///< stays: the outline's thickness, plain and contended
        float runs[2] = {};     ///< stays: the gap that merges two into one run, a run's least width
        ImU32 fill = 0, outline = 0;
        float waitTop = 0;  ///< waits: the lock wait's strip; `fill` its colour, `ink` the hatching's
        float scale = 1;    ///< fill: messages at the top of `rect`
        unsigned after = 0; ///< fill: held after the last bucket
    };

    /// The programs' uniform locations, looked up once after they are built (not per lane per frame).
    struct Uniforms { ///< both programs: where the buckets are
        int buckets, levelStart, levelSize, firstBucket, firstBucketPx, bucketPx, rect, display;
    };
    struct TickUniforms {
        int columns, rows, spin, tallKinds, dimKinds, ink, dimInk, spinInk;
    };
    struct StayUniforms {
        int outlines, runs, fill, outline;
    };
    struct WaitUniforms {
        int waitTop, hatchStep, hatch, hatchFill, waitFill;
    };

    bool ready();
    void findUniforms();
    /// A draw of worker's pyramid in view (`spans`: its intervals, else its
    /// ticks; `fine`: buckets a fraction of a merge column), its buckets
    /// placed; null when the CPU should draw.
    Draw* queue(const TimelineFrame& frame, std::uint32_t worker, bool spans, bool fine);
    /// A draw of `texels` in view at the coarsest level whose buckets are at
    /// most `units` wide, its buckets placed; null when no level is fine enough.
    Draw* queueLevels(const TimelineFrame& frame, const Texels& texels, double units);
    void setBuckets(const Draw& draw, const Uniforms& u) const;
    void setStyle(const Draw& draw) const; ///< the uniforms only draw.program has
    void upload(const TimelineModel& model);
    /// One array of a pyramid into `out`, unless it is empty or too long for a texture buffer.
    template <class T> void upload(const std::vector<T>& texels, const PyramidLevels& levels, Texels& out) const;
    void release();
    static void onRender(const ImDrawList* list, const ImDrawCmd* command);
    void render(const Draw& draw, const ImVec4& clip) const;

    std::unique_ptr<ShaderProgram> m_programs[kPrograms];
    Uniforms m_buckets[kPrograms]{};
    TickUniforms m_tickUniforms{};
    StayUniforms m_stayUniforms{};
    WaitUniforms m_waitUniforms{};
    int m_bandFill = -1;
    struct FillUniforms {
        int scale, after, fill;
    } m_fillUniforms{};
    unsigned m_vertexArray = 0;
    bool m_tried = false;     ///< the program was built (or failed) once
    bool m_forcedCpu = false; ///< RACETRACE_TICKS=cpu: the reference the GPU picture is checked against
    std::string m_error;
    std::uint64_t m_generation = ~std::uint64_t{0};
    std::vector<Buffer> m_buffers; ///< [worker * 2 + axis slot]
    std::vector<Texels> m_bands;   ///< [group * 2 + axis slot]
    std::vector<Texels> m_fills;   ///< [channel * 2 + axis slot]
    std::deque<Draw> m_draws;      ///< a deque: callbacks keep pointers into it
    int m_maxTexels = 0;           ///< GL_MAX_TEXTURE_BUFFER_SIZE: a longer pyramid stays on the CPU
};

} // namespace racetrace
