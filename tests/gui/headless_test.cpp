// Without a display: `render` draws PNGs through surfaceless EGL, bad input
// gets one sentence and no file, and the window refuses politely.
#include "gui_harness.hpp"
#include "pixels.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

constexpr int kMinLabelPixels = 10;
constexpr int kMinBandPixels = 5000;
/// In a render the lane labels sit in the first ~120 (dark) or ~200 (light)
/// pixels of the lanes; up to x 100 holds "A", "B" and no span or event.
Rect labelColumn(const Rect& lanes) {
    return {0, lanes.y0, 100, lanes.y1};
}

Environment headless() {
    Environment env;
    env.unset("DISPLAY").unset("WAYLAND_DISPLAY");
    return env;
}

/// One line on stderr, "racetrace: ...", ending with a full stop.
void checkOneSentence(const std::string& err) {
    INFO("stderr: [" << err << "]");
    REQUIRE(!err.empty());
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK(err.starts_with("racetrace: "));
    CHECK(err.ends_with(".\n"));
}

struct Rendered {
    Image image;
    int labels[2] = {0, 0};
    Rect lanes;   ///< the rows of the lanes (the legend above has a band-coloured swatch)
    int band = 0; ///< band pixels in the lanes
};

Rendered render(const TempDir& dir, const fs::path& trace, const std::string& name, const ThemeColours& theme,
                std::vector<std::string> extra) {
    const fs::path png = dir / name;
    std::vector<std::string> args{"render",  trace.string(), "--out",    png.string(),
                                  "--width", "1200",         "--height", "700"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = runRacetrace(args, headless(), dir.path());
    INFO(result.out << result.err);
    REQUIRE(result.status == 0);
    auto image = loadPng(png);
    REQUIRE(image.has_value());
    keepArtifact(png, "render-" + name);
    Rendered r{*image, {}, {}, 0};
    r.lanes = laneRegion(r.image, theme.laneBackgrounds());
    for (int w = 0; w < 2; ++w)
        r.labels[w] = countBlend(r.image, labelColumn(r.lanes), kWorkerColours[w], theme.laneBackgrounds());
    r.band = countNear(r.image, r.lanes, theme.bandComposites(), 5);
    return r;
}

} // namespace

TEST_CASE("render draws lanes and overlap bands into a PNG of the requested size, without a display", "[render]") {
    TempDir dir;
    const fs::path racy = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag"});
    const fs::path safe = makeTrace(dir, "safe.rtrace", {"-s", "tas-mutex", "-n", "2000"}, false);

    SECTION("a racy trace, light lecture theme (the default for slides)") {
        const Rendered r = render(dir, racy, "racy-light.png", lectureTheme(), {});
        INFO("labels A/B " << r.labels[0] << "/" << r.labels[1] << ", band pixels " << r.band << " in lanes "
                           << toString(r.lanes));
        REQUIRE(r.lanes.height() > 100);
        CHECK(r.image.width() == 1200);
        CHECK(r.image.height() == 700);
        CHECK(r.labels[0] >= kMinLabelPixels);
        CHECK(r.labels[1] >= kMinLabelPixels);
        CHECK(r.band >= kMinBandPixels);
        CHECK(meanLuminance(r.image, r.image.bounds()) > 150.0);
    }
    SECTION("a racy trace, --dark --fit, another size") {
        const fs::path png = dir / "racy-dark.png";
        const auto result = runRacetrace(
            {"render", racy.string(), "--out", png.string(), "--width", "900", "--height", "500", "--dark", "--fit"},
            headless(), dir.path());
        INFO(result.out << result.err);
        REQUIRE(result.status == 0);
        const auto image = loadPng(png);
        REQUIRE(image.has_value());
        keepArtifact(png, "render-racy-dark-fit.png");
        const Rect lanes = laneRegion(*image, darkTheme().laneBackgrounds());
        INFO("lanes " << toString(lanes));
        REQUIRE(lanes.height() > 100);
        const int band = countNear(*image, lanes, darkTheme().bandComposites(), 5);
        const int a = countBlend(*image, labelColumn(lanes), kWorkerColours[0], darkTheme().laneBackgrounds());
        const int b = countBlend(*image, labelColumn(lanes), kWorkerColours[1], darkTheme().laneBackgrounds());
        INFO("labels A/B " << a << "/" << b << ", band pixels " << band);
        CHECK(image->width() == 900);
        CHECK(image->height() == 500);
        CHECK(a >= kMinLabelPixels);
        CHECK(b >= kMinLabelPixels);
        // The whole run: thousands of overlaps merge into bands across the lanes.
        CHECK(band >= kMinBandPixels);
        // Dark, far from the light theme's > 150. Not tighter: the whole run's
        // light ticks cover much of the lanes, 91 on some runs' CPU drawing.
        CHECK(meanLuminance(*image, image->bounds()) < 110.0);
    }
    SECTION("a race-free trace has lanes but no band (the detector is not fooled)") {
        const Rendered r = render(dir, safe, "safe-light.png", lectureTheme(), {});
        INFO("labels A/B " << r.labels[0] << "/" << r.labels[1] << ", band pixels " << r.band << " in lanes "
                           << toString(r.lanes));
        REQUIRE(r.lanes.height() > 100);
        CHECK(r.labels[0] >= kMinLabelPixels);
        CHECK(r.labels[1] >= kMinLabelPixels);
        CHECK(r.band < 50);
    }
}

TEST_CASE("render refuses a bad trace with one sentence and writes no PNG", "[render]") {
    TempDir dir;
    const fs::path racy = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "500"}, false);
    const std::string whole = readFile(racy);
    REQUIRE(whole.size() > 1000);

    const fs::path bad = dir / "bad.rtrace";
    SECTION("not a trace at all") {
        std::ofstream(bad) << "this is not a racetrace trace\n";
    }
    SECTION("empty") {
        std::ofstream{bad};
    }
    SECTION("truncated") {
        std::ofstream(bad, std::ios::binary) << whole.substr(0, whole.size() / 2);
    }
    SECTION("damaged in the middle") {
        std::string damaged = whole;
        for (std::size_t i = damaged.size() / 2; i < damaged.size() / 2 + 16; ++i)
            damaged[i] = static_cast<char>(~damaged[i]);
        std::ofstream(bad, std::ios::binary) << damaged;
    }
    const fs::path png = dir / "out.png";
    const auto result = runRacetrace({"render", bad.string(), "--out", png.string()}, headless(), dir.path());
    INFO("exit " << result.status);
    CHECK(result.status != 0);
    CHECK(result.status < 128); // an error exit, not a crash
    checkOneSentence(result.err);
    CHECK_FALSE(fs::exists(png));
}

TEST_CASE("render into a directory that does not exist fails with one sentence", "[render]") {
    TempDir dir;
    const fs::path racy = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "500"}, false);
    const auto result = runRacetrace({"render", racy.string(), "--out", (dir / "missing" / "out.png").string()},
                                     headless(), dir.path());
    CHECK(result.status != 0);
    CHECK(result.status < 128);
    checkOneSentence(result.err);
}

TEST_CASE("without a display the window explains itself and points at xvfb-run", "[window]") {
    TempDir dir;
    SECTION("no DISPLAY, no WAYLAND_DISPLAY") {
        Environment env = headless();
        env.set("XDG_CONFIG_HOME", (dir / "config").string());
        const auto result = runRacetrace({}, env, dir.path(), 30s);
        INFO("exit " << result.status);
        CHECK(result.status != 0);
        CHECK(result.status < 128);
        checkOneSentence(result.err);
        CHECK(result.err.find("xvfb-run") != std::string::npos);
    }
    SECTION("a DISPLAY with no X server behind it") {
        Environment env = headless();
        env.set("XDG_CONFIG_HOME", (dir / "config").string()).set("DISPLAY", ":359");
        REQUIRE_FALSE(fs::exists("/tmp/.X11-unix/X359"));
        const auto result = runRacetrace({}, env, dir.path(), 30s);
        INFO("exit " << result.status);
        CHECK(result.status != 0);
        CHECK(result.status < 128);
        checkOneSentence(result.err);
        CHECK(result.err.find("xvfb-run") != std::string::npos);
    }
}
