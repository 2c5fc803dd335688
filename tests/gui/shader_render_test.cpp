// The ticks, stays and waits of a dense trace are drawn by our own GLSL
// (shaders/lane_quad.vert with lane_ticks.frag, lane_stays.frag, lane_waits.frag) through EGL, as
// `render` and the window draw them: the shaders must really draw them (a
// marked copy of a shader paints what it draws magenta, cyan or yellow), the picture
// must match the CPU drawing of the same trace within a tolerance, and a
// shader that does not compile must give one sentence naming the file and the
// line, with the picture still drawn (on the CPU).
#include "gui_harness.hpp"
#include "pixels.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

constexpr Rgb kMagenta{255, 0, 255};
constexpr Rgb kCyan{0, 255, 255};
constexpr Rgb kYellow{255, 255, 0};
constexpr Rgb kGreen{0, 255, 0};
constexpr Rgb kBlue{0, 0, 255};
constexpr Rgb kLectureTickDim{100, 100, 100}; ///< merged ticks in the lecture theme (src/gui/theme.cpp)

/// The share of the lanes covered by merged ticks.
double tickCover(const Image& image) {
    const Rect lanes = laneRegion(image, lectureTheme().laneBackgrounds());
    REQUIRE(lanes.height() > 100);
    return static_cast<double>(countNear(image, lanes, {kLectureTickDim}, 6)) / (lanes.width() * lanes.height());
}

/// shaders/ copied into `dir`, with `from` replaced by `to` in `shader` (lane_ticks.frag unless said).
fs::path shaderCopy(const TempDir& dir, const std::string& name, const std::string& from, const std::string& to,
                    const std::string& shader = "lane_ticks.frag") {
    const fs::path copy = dir / name;
    fs::create_directories(copy);
    for (const auto& entry : fs::directory_iterator(RACETRACE_SHADER_SOURCE_DIR))
        fs::copy_file(entry.path(), copy / entry.path().filename());
    std::string text = readFile(copy / shader);
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    std::ofstream(copy / shader, std::ios::trunc) << text;
    return copy;
}

struct Picture {
    Image image;
    CommandResult result;
};

Picture render(const TempDir& dir, const fs::path& trace, const std::string& name, Environment env,
               const std::vector<std::string>& extra = {}) {
    env.unset("DISPLAY").unset("WAYLAND_DISPLAY");
    const fs::path png = dir / name;
    std::vector<std::string> args{"render", trace.string(), "--fit", "--out", png.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    Picture picture{{}, runRacetrace(args, env, dir.path())};
    INFO(picture.result.out << picture.result.err);
    REQUIRE(picture.result.status == 0);
    auto image = loadPng(png);
    REQUIRE(image.has_value());
    keepArtifact(png, "shader-" + name);
    picture.image = *image;
    return picture;
}

Environment cpuTicks() {
    return Environment().set("RACETRACE_TICKS", "cpu");
}

} // namespace

TEST_CASE("the ticks of a dense trace are drawn by our shader and look as the CPU draws them", "[render][shaders]") {
    TempDir dir;
    // 20,000 iterations: about 300,000 events per lane, far more than the CPU path is for.
    const fs::path trace = makeTrace(dir, "dense.rtrace", {"-s", "naive-flag", "-n", "20000"}, false);
    for (const std::string axis : {"time", "order"}) {
        INFO("axis " << axis);
        const std::vector<std::string> extra{"--axis", axis};
        const Picture gpu = render(dir, trace, "gpu-" + axis + ".png", Environment(), extra);
        const Picture cpu = render(dir, trace, "cpu-" + axis + ".png", cpuTicks(), extra);
        const Rect lanes = laneRegion(gpu.image, lectureTheme().laneBackgrounds());
        REQUIRE(lanes.height() > 100);
        // The same picture, but for heads on lone ticks, the stays' edges and block edges a bucket
        // (a quarter of a merge column) off: 2.2-2.5 % differ (4.7 % when the GPU filled whole columns).
        const double changed = changedFraction(gpu.image, cpu.image, lanes, 24);
        CHECK(changed < 0.04);

        // The shader, marked, paints what it draws magenta: it draws the ticks, all along the lanes.
        const fs::path marked = shaderCopy(dir, "marked-" + axis, "o_color = dim ? u_dimInk : u_ink;",
                                           "o_color = vec4(1.0, 0.0, 1.0, 1.0);");
        const Environment markedEnv = Environment().set("RACETRACE_SHADER_DIR", marked.string());
        const Picture painted = render(dir, trace, "marked-" + axis + ".png", markedEnv, extra);
        const int magenta = countNear(painted.image, lanes, {kMagenta}, 10);
        CHECK(magenta > lanes.width() * lanes.height() / 20);
        const Rect left{lanes.x0, lanes.y0, lanes.x0 + lanes.width() / 2, lanes.y1};
        const Rect right{lanes.x0 + lanes.width() / 2, lanes.y0, lanes.x1, lanes.y1};
        CHECK(countNear(painted.image, left, {kMagenta}, 10) > 0);
        CHECK(countNear(painted.image, right, {kMagenta}, 10) > 0);
        // Forced onto the CPU, the marked shader is not used at all.
        const Picture plain = render(dir, trace, "marked-cpu-" + axis + ".png",
                                     Environment(markedEnv).set("RACETRACE_TICKS", "cpu"), extra);
        CHECK(countNear(plain.image, lanes, {kMagenta}, 10) == 0);

        // The stays' shader, marked, paints cyan where a stay's band shows between the ticks.
        const fs::path stays =
            shaderCopy(dir, "stays-" + axis, "o_color = side || end ? over(u_outline, u_fill) : u_fill;",
                       "o_color = vec4(0.0, 1.0, 1.0, 1.0);", "lane_stays.frag");
        const Environment staysEnv = Environment().set("RACETRACE_SHADER_DIR", stays.string());
        const Picture banded = render(dir, trace, "stays-" + axis + ".png", staysEnv, extra);
        // (Where the ticks cover a whole stretch, as in event order at full zoom, no band shows there.)
        CHECK(countNear(banded.image, lanes, {kCyan}, 10) > 0);
        const Picture cpuStays = render(dir, trace, "stays-cpu-" + axis + ".png",
                                        Environment(staysEnv).set("RACETRACE_TICKS", "cpu"), extra);
        CHECK(countNear(cpuStays.image, lanes, {kCyan}, 10) == 0);
    }
}

TEST_CASE("the waits and fill levels of dense lock and channel traces are drawn by our shaders as the CPU draws them",
          "[render][shaders]") {
    TempDir dir;
    // tas-mutex with four workers on two CPUs: a holder is preempted often, and
    // the others wait for the lock long enough to fill pixel columns (with two
    // workers only now and then: 0 to 2,736 marked pixels in twelve runs). pipe
    // and mq-blocking: the reader blocks on the empty channel and the writer on
    // the full one, and the channel's lane shows how full it was (the pipe's
    // reader without its pause: the level goes up and down all the time).
    const std::vector<std::vector<std::string>> runs{
        {"tas-mutex", "-w", "4"}, {"pipe", "--window-ns", "0"}, {"mq-blocking"}};
    for (const auto& run : runs) {
        const std::string& scenario = run.front();
        INFO("scenario " << scenario);
        std::vector<std::string> args{"-s", scenario, "-n", "20000"};
        args.insert(args.end(), run.begin() + 1, run.end());
        // The waits' shader, marked, paints yellow where it draws a wait.
        const fs::path marked = shaderCopy(dir, "waits-" + scenario, "o_color = color;",
                                           "o_color = vec4(1.0, 1.0, 0.0, 1.0);", "lane_waits.frag");
        const Environment markedEnv = Environment().set("RACETRACE_SHADER_DIR", marked.string());
        const fs::path trace = makeTrace(dir, scenario + ".rtrace", args, false);
        const Picture painted = render(dir, trace, "waits-marked-" + scenario + ".png", markedEnv);
        const Picture gpu = render(dir, trace, "waits-gpu-" + scenario + ".png", Environment());
        const Picture cpu = render(dir, trace, "waits-cpu-" + scenario + ".png", cpuTicks());
        const Rect lanes = laneRegion(gpu.image, lectureTheme().laneBackgrounds());
        REQUIRE(lanes.height() > 100);
        // (A pipe whose level changes every few pixels differs most: a bucket's edge
        // falls within a pixel column, so a level may reach a column early.)
        CHECK(changedFraction(gpu.image, cpu.image, lanes, 24) < 0.05);
        CHECK(countNear(painted.image, lanes, {kYellow}, 10) > lanes.width() / 4);
        const Picture plain = render(dir, trace, "waits-marked-cpu-" + scenario + ".png",
                                     Environment(markedEnv).set("RACETRACE_TICKS", "cpu"));
        CHECK(countNear(plain.image, lanes, {kYellow}, 10) == 0);
        if (scenario == "tas-mutex") continue;

        // The fill levels' shader, marked, paints blue where the channel held messages.
        const fs::path fill = shaderCopy(dir, "fill-" + scenario, "o_color = u_fill;",
                                         "o_color = vec4(0.0, 0.0, 1.0, 1.0);", "lane_fill.frag");
        const Environment fillEnv = Environment().set("RACETRACE_SHADER_DIR", fill.string());
        const Picture filled = render(dir, trace, "fill-marked-" + scenario + ".png", fillEnv);
        CHECK(countNear(filled.image, lanes, {kBlue}, 10) > lanes.width() * 20);
        // Where the levels are (the rows the marked shader painted), the GPU's picture is the CPU's.
        const std::vector<RowRun> rows = colourRows(filled.image, lanes, kBlue, 0.005, 10);
        REQUIRE_FALSE(rows.empty());
        const Rect levels{lanes.x0, rows.front().begin, lanes.x1, rows.back().end};
        const double changed = changedFraction(gpu.image, cpu.image, levels, 24);
        INFO("fill rows " << levels.y0 << "-" << levels.y1 << ": " << changed * 100 << " % differ");
        CHECK(changed < 0.1);
        const Picture cpuFill = render(dir, trace, "fill-marked-cpu-" + scenario + ".png",
                                       Environment(fillEnv).set("RACETRACE_TICKS", "cpu"));
        CHECK(countNear(cpuFill.image, lanes, {kBlue}, 10) == 0);
    }
}

namespace {

/// Columns of `lanes` where `painted` has green but `cpu` shows no band (the
/// bands' colour over whatever lies under it) within a few columns (a
/// bucket's edge may fall a column or two off the CPU's).
int strayBandColumns(const Image& painted, const Image& cpu, Rect lanes) {
    const std::vector<Rgb> band = lectureTheme().bandComposites();
    std::vector<bool> cpuBand(static_cast<std::size_t>(lanes.x1), false);
    for (int x = lanes.x0; x < lanes.x1; ++x)
        cpuBand[static_cast<std::size_t>(x)] = countNear(cpu, Rect{x, lanes.y0, x + 1, lanes.y1}, band, 5) > 0;
    constexpr int kSlack = 3;
    int stray = 0;
    for (int x = lanes.x0; x < lanes.x1; ++x) {
        if (countNear(painted, Rect{x, lanes.y0, x + 1, lanes.y1}, {kGreen}, 10) == 0) continue;
        bool near = false;
        for (int k = std::max(lanes.x0, x - kSlack); k < std::min(lanes.x1, x + kSlack + 1); ++k)
            near = near || cpuBand[static_cast<std::size_t>(k)];
        stray += near ? 0 : 1;
    }
    return stray;
}

} // namespace

TEST_CASE("the overlap bands of a racy trace are drawn by our shader where the CPU draws them", "[render][shaders]") {
    TempDir dir;
    // The default race window: bands nearly everywhere. No window: fewer
    // races, with gaps between them where the shader must paint nothing.
    const fs::path dense = makeTrace(dir, "dense.rtrace", {"-s", "naive-flag", "-n", "20000"});
    const fs::path sparse = makeTrace(dir, "sparse.rtrace", {"-s", "naive-flag", "-n", "20000", "--window-ns", "0"});
    const fs::path marked =
        shaderCopy(dir, "bands", "o_color = u_fill;", "o_color = vec4(0.0, 1.0, 0.0, 1.0);", "lane_bands.frag");
    const Environment markedEnv = Environment().set("RACETRACE_SHADER_DIR", marked.string());
    for (const fs::path& trace : {dense, sparse})
        for (const std::string axis : {"time", "order"}) {
            const std::string name = trace.stem().string() + "-" + axis;
            INFO(name);
            const std::vector<std::string> extra{"--axis", axis};
            const Picture painted = render(dir, trace, "bands-marked-" + name + ".png", markedEnv, extra);
            const Picture cpu = render(dir, trace, "bands-cpu-" + name + ".png", cpuTicks(), extra);
            const Rect lanes = laneRegion(cpu.image, lectureTheme().laneBackgrounds());
            REQUIRE(lanes.height() > 100);
            const int green = countNear(painted.image, lanes, {kGreen}, 10);
            const int stray = strayBandColumns(painted.image, cpu.image, lanes);
            INFO("green pixels " << green << ", columns green without a band on the CPU " << stray);
            if (trace == dense) CHECK(green > lanes.width() * lanes.height() / 50);
            CHECK(stray == 0);
            const Picture plain = render(dir, trace, "bands-marked-cpu-" + name + ".png",
                                         Environment(markedEnv).set("RACETRACE_TICKS", "cpu"), extra);
            CHECK(countNear(plain.image, lanes, {kGreen}, 10) == 0);
        }
}

TEST_CASE("a shader that does not compile is named with its line, and the picture is drawn without it",
          "[render][shaders]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "dense.rtrace", {"-s", "naive-flag", "-n", "20000"}, false);
    // Line 1 is "#version 330 core": break the line after it.
    const fs::path broken = shaderCopy(dir, "broken", "#version 330 core\n", "#version 330 core\nthis is not GLSL;\n");
    const Picture picture =
        render(dir, trace, "broken.png", Environment().set("RACETRACE_SHADER_DIR", broken.string()));
    INFO("stderr: " << picture.result.err);
    CHECK(picture.result.err.find("shaders/lane_ticks.frag:2: the shader does not compile: ") != std::string::npos);
    CHECK(std::count(picture.result.err.begin(), picture.result.err.end(), '\n') == 1);
    // Every tick drawn all the same, on the CPU (the sentence above the lanes makes them a line shorter).
    const Picture cpu = render(dir, trace, "cpu.png", cpuTicks());
    const double drawn = tickCover(picture.image), expected = tickCover(cpu.image);
    CHECK(expected > 0.1);
    CHECK(drawn == Approx(expected).epsilon(0.1));
}
