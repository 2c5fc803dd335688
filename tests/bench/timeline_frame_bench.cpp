// What one frame of the timeline costs on the CPU with a 1 M- and a 10 M-event trace:
// ImGui::NewFrame, the Timeline window with TimelineView::draw, ImGui::Render
// (building the vertex buffers; no GL, nothing is rasterised). The level of
// detail should keep this O(pixels x lanes x log n): zoomed all the way out,
// where every pixel column holds hundreds of events, a frame must cost about
// what it costs zoomed in. Target: < 8 ms per frame.
//
//   synthetic naive-flag run, 2 workers, ~1 M or ~10 M events (each built once, seconds)
//        |
//        v  buildDocument (analysis, index)       TimelineModel (BM_TimelineModelBuild)
//   per iteration:  NewFrame -> Begin("Timeline") -> draw -> End -> Render
//
// Arguments: axis (0 real time, 1 event order), zoom (1 = whole trace, 1000 =
// a thousandth of it, centred), hover (1 = the mouse rests on lane A, so the
// hover search and a tooltip are part of the frame), millions of events (1, 10).
// No GL context here: the ticks are drawn on the CPU (the path the GPU one
// falls back to, and the one that builds vertices).
#include "gui/theme.hpp"
#include "gui/timeline/timeline_model.hpp"
#include "gui/timeline/timeline_view.hpp"
#include "session/document.hpp"
#include "trace/event_order.hpp"

#include <benchmark/benchmark.h>
#include <imgui.h>

#include <cfloat>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>

namespace racetrace {
namespace {

constexpr float kWidth = 1600.0f, kHeight = 900.0f;

/// Two workers racing through the naive-flag program on simulated shared
/// memory: whoever's next step is due first goes, so loads see what is really
/// there, and the check-then-set window lets both in (overlaps, lost updates,
/// torn records). Repeated reads of Y = false fold into Spin events.
Trace syntheticNaiveFlag(std::size_t targetEvents) {
    Trace trace;
    auto& info = trace.scenario;
    info.name = "naive-flag";
    info.title = "Naive boolean flag (synthetic)";
    info.variables = {declareVariable("Y", VariableRole::Flag, 1, 1, 0),
                      declareVariable("counter", VariableRole::Counter, 1, 0, 1),
                      declareVariable("X", VariableRole::Record, 4, 0, 2)};
    ProgramInfo program{"worker", {}};
    for (const char* text :
         {"while (Y == false) { }", "Y = false", "-- enter critical section --", "counter = counter + 1",
          "X = my signature", "check X", "-- leave critical section --", "Y = true"})
        program.lines.push_back({text});
    info.programs.push_back(program);
    trace.settings.workers = 2;
    for (std::uint32_t w = 0; w < 2; ++w)
        trace.workers.push_back({w, 4000 + static_cast<std::int32_t>(w), "worker", 0, 0, {}, {}});

    std::int64_t memory[6] = {1, 0, 0, 0, 0, 0}; // Y, counter, X[0..3]
    struct Worker {
        std::uint64_t next = 0; ///< when its next step is due (ns)
        int step = 0;           ///< position in the program below
        std::int64_t counterRead = 0;
        std::uint32_t seq = 0, spinCount = 0, iterations = 0;
        std::uint64_t spinLast = 0;
    } workers[2];
    std::mt19937_64 random(42);
    trace.events.reserve(targetEvents + 64); // 100 M events grown by doubling would copy 3 GB at a time
    auto delay = [&](std::uint64_t lo, std::uint64_t hi) { return lo + random() % (hi - lo + 1); };
    auto emit = [&](std::uint32_t w, std::uint64_t ns, EventKind kind, std::uint16_t line, std::uint16_t variable,
                    std::int64_t value, std::uint32_t aux) {
        trace.events.push_back(Event{ns, value, workers[w].seq++, aux, line, variable, static_cast<std::uint16_t>(w),
                                     kind, static_cast<std::uint8_t>(w)});
    };
    for (std::uint32_t w = 0; w < 2; ++w) {
        workers[w].next = delay(0, 50);
        emit(w, workers[w].next, EventKind::WorkerStart, 0, kNoVariable, 0, 0);
    }

    while (trace.events.size() < targetEvents - 2) {
        const std::uint32_t w = workers[0].next <= workers[1].next ? 0 : 1;
        Worker& me = workers[w];
        const std::uint64_t now = me.next;
        std::uint64_t wait = delay(8, 30);
        switch (me.step) {
        case 0: // while (Y == false): repeated reads of "in use" fold into one Spin
            if (memory[0] == 0) {
                if (me.spinCount == 0) emit(w, now, EventKind::Load, 0, 0, 0, 0);
                ++me.spinCount, me.spinLast = now;
                break;
            }
            if (me.spinCount > 1) emit(w, me.spinLast, EventKind::Spin, 0, 0, 0, me.spinCount - 1);
            me.spinCount = 0;
            emit(w, now, EventKind::Load, 0, 0, 1, 0);
            me.step = 1, wait = delay(100, 400); // the race window between check and set
            break;
        case 1: memory[0] = 0, emit(w, now, EventKind::Store, 1, 0, 0, 0), me.step = 2; break;
        case 2: emit(w, now, EventKind::CsEnter, 2, kNoVariable, 0, 0), me.step = 3; break;
        case 3:
            me.counterRead = memory[1];
            emit(w, now, EventKind::Load, 3, 1, me.counterRead, 0);
            me.step = 4, wait = delay(50, 200);
            break;
        case 4: memory[1] = me.counterRead + 1, emit(w, now, EventKind::Store, 3, 1, memory[1], 0), me.step = 5; break;
        case 5:
        case 6:
        case 7:
        case 8: { // X word by word
            const auto word = static_cast<std::uint32_t>(me.step - 5);
            memory[2 + word] = w + 1;
            emit(w, now, EventKind::RecordWordWrite, 4, 2, w + 1, word);
            ++me.step, wait = delay(20, 80);
            break;
        }
        case 9:
        case 10:
        case 11:
        case 12: {
            const auto word = static_cast<std::uint32_t>(me.step - 9);
            emit(w, now, EventKind::RecordCheck, 5, 2, memory[2 + word], word);
            ++me.step;
            break;
        }
        case 13: emit(w, now, EventKind::CsExit, 6, kNoVariable, 0, 0), me.step = 14; break;
        default:
            memory[0] = 1, emit(w, now, EventKind::Store, 7, 0, 1, 0);
            me.step = 0, ++me.iterations, wait = delay(30, 300);
            break;
        }
        me.next = now + wait;
    }
    for (std::uint32_t w = 0; w < 2; ++w) {
        emit(w, workers[w].next, EventKind::WorkerExit, 7, kNoVariable, workers[w].iterations, 0);
        trace.workers[w].iterationsDone = workers[w].iterations;
        trace.workers[w].exit.how = WorkerExit::How::Exited;
    }
    trace.settings.iterations = std::min(workers[0].iterations, workers[1].iterations);
    trace.finalWords.assign(memory, memory + 6);
    trace.scenario.invariants.push_back({"counter == workers * iterations", 1,
                                         static_cast<std::int64_t>(workers[0].iterations + workers[1].iterations)});
    sortEventsByTimestamp(trace);
    trace.durationNs = trace.events.back().timestamp + 1;
    return trace;
}

/// The one ImGui context all benchmarks draw with.
struct ImGuiContextHolder {
    ImGuiContextHolder() {
        IMGUI_CHECKVERSION();
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(kWidth, kHeight);
        io.DeltaTime = 1.0f / 60.0f;
        io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset; // as the OpenGL 3 backend says
        theme.apply(false, 1.0f, kHeight); // DejaVu from RACETRACE_FONT_DIR, compiled into racetrace_gui
        unsigned char* pixels = nullptr;
        int width = 0, height = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
    }
    ~ImGuiContextHolder() { ImGui::DestroyContext(); }
    Theme theme;
};

ImGuiContextHolder& imgui() {
    static ImGuiContextHolder holder;
    return holder;
}

/// One document and one view per trace size, shared by the benchmarks.
struct Bench {
    explicit Bench(std::size_t events) : theme(imgui().theme) {
        document = buildDocument(syntheticNaiveFlag(events), "bench", "");
        view.prepareInBackground(false); // the first frame must have the timeline, as the window's later ones do
    }

    /// One frame; returns the vertices it produced.
    int frame() {
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(kWidth, kHeight));
        ImGui::Begin("Timeline", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
        ViewContext context{document, state, theme, commands};
        view.draw(context);
        ImGui::End();
        ImGui::Render();
        return ImGui::GetDrawData()->TotalVtxCount;
    }

    const Theme& theme;
    NoCommands commands;
    ViewState state;
    TimelineView view;
    std::shared_ptr<const TraceDocument> document;
};

/// `millions` of events: 1 or 10 (10 takes ~20 s and ~2 GB to build, once), or 100 on demand.
Bench& bench(std::int64_t millions) {
    static std::map<std::int64_t, std::unique_ptr<Bench>> benches;
    auto& slot = benches[millions];
    if (!slot) slot = std::make_unique<Bench>(static_cast<std::size_t>(millions) * 1'000'000);
    return *slot;
}

void BM_TimelineFrame(benchmark::State& s) {
    Bench& b = bench(s.range(3));
    const auto axis = s.range(0) == 0 ? TimeAxis::RealTime : TimeAxis::EventOrder;
    const auto zoom = static_cast<double>(s.range(1));
    b.state = ViewState{};
    b.state.axis = axis;
    b.state.selectedFinding = b.document->analysis.findings.empty() ? -1 : 0;
    ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    b.frame(); // fits the view on this axis
    const double full = b.state.viewEnd - b.state.viewBegin;
    const double centre = (b.state.viewBegin + b.state.viewEnd) * 0.5;
    b.state.viewBegin = centre - full / zoom * 0.5;
    b.state.viewEnd = centre + full / zoom * 0.5;
    // Lane A sits below the ruler (~1.8 lines), a lane is ~3 lines: rest in its middle.
    if (s.range(2)) ImGui::GetIO().MousePos = ImVec2(kWidth * 0.6f, ImGui::GetTextLineHeight() * 4.0f);
    b.frame(); // the hover settles (ImGui needs one frame to know the hovered window)

    int vertices = 0;
    for (auto _ : s)
        vertices = b.frame();
    s.counters["vertices"] = vertices;
    s.counters["events"] = static_cast<double>(b.document->trace.events.size());
    s.counters["findings"] = static_cast<double>(b.document->analysis.findings.size());
    ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
}
BENCHMARK(BM_TimelineFrame)
    ->ArgNames({"axis", "zoom", "hover", "millions"})
    ->ArgsProduct({{0, 1}, {1, 1000}, {0, 1}, {1, 10}})
    ->Unit(benchmark::kMillisecond);

// 100 M events take a minute and ~9 GB to build: measured only when asked
// (RACETRACE_BENCH_100M=1), so that `make bench` still runs on a small machine.
const bool kHundredMillionRegistered = [] {
    if (std::getenv("RACETRACE_BENCH_100M") == nullptr) return false;
    benchmark::RegisterBenchmark("BM_TimelineFrame", BM_TimelineFrame)
        ->ArgNames({"axis", "zoom", "hover", "millions"})
        ->ArgsProduct({{0, 1}, {1, 1000}, {0, 1}, {100}})
        ->Unit(benchmark::kMillisecond);
    return true;
}();

/// What a new document costs the UI thread once: the timeline's lookups.
void BM_TimelineModelBuild(benchmark::State& s) {
    Bench& b = bench(1);
    for (auto _ : s) {
        TimelineModel model(b.document);
        benchmark::DoNotOptimize(model.lanes().data());
    }
}
BENCHMARK(BM_TimelineModelBuild)->Unit(benchmark::kMillisecond);

} // namespace
} // namespace racetrace
