// `render` for slides: text that grows with the picture, lanes that fill it,
// the axis and the finding chosen on the command line, and one sentence for
// a picture too small or a finding that does not exist.
#include "gui_harness.hpp"
#include "pixels.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

namespace {

Environment headless() {
    Environment env;
    env.unset("DISPLAY").unset("WAYLAND_DISPLAY");
    return env;
}

Image renderPicture(const TempDir& dir, const fs::path& trace, const std::string& name,
                    const std::vector<std::string>& extra) {
    const fs::path png = dir / name;
    std::vector<std::string> args{"render", trace.string(), "--out", png.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = runRacetrace(args, headless(), dir.path());
    INFO(result.out << result.err);
    REQUIRE(result.status == 0);
    auto image = loadPng(png);
    REQUIRE(image.has_value());
    keepArtifact(png, "render-" + name);
    return *image;
}

/// The height of the first lane's first label line ("A" beside its swatch):
/// one line of text at the timeline's text size, wherever the header wraps.
int laneLabelHeight(const Image& image) {
    const Rect lanes = laneRegion(image, lectureTheme().laneBackgrounds());
    // From x 3: the picture's 1 px frame at x 0 would make every row look like text.
    const auto rows = textRows(image, Rect{3, lanes.y0, image.width() / 14, lanes.y0 + lanes.height() / 2});
    return rows.empty() ? 0 : rows.front().height();
}

/// stderr is one sentence starting "racetrace: " and naming `words`.
void checkRefusal(const CommandResult& result, const std::string& words) {
    INFO("exit " << result.status << ", stderr: [" << result.err << "]");
    CHECK(result.status != 0);
    CHECK(result.status < 128);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.starts_with("racetrace: "));
    CHECK(result.err.find(words) != std::string::npos);
}

} // namespace

TEST_CASE("render at 3840x2160 draws the same picture as at 1920x1080 at twice the scale, lanes filling the height",
          "[render]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "2000"}, false);
    const Image full = renderPicture(dir, trace, "1920.png", {"--width", "1920", "--height", "1080"});
    const Image big = renderPicture(dir, trace, "3840.png", {"--width", "3840", "--height", "2160"});
    const int small = laneLabelHeight(full), large = laneLabelHeight(big);
    INFO("lane label: " << small << " px at 1920x1080, " << large << " px at 3840x2160");
    REQUIRE(small >= 14);
    CHECK(large >= 2 * small - 1); // glyphs rasterised at twice the size, within a pixel of rounding
    for (const Image* image : {&full, &big}) {
        const Rect lanes = laneRegion(*image, lectureTheme().laneBackgrounds());
        INFO("lanes " << toString(lanes) << " in a picture " << image->height() << " px high");
        CHECK(lanes.height() >= image->height() * 6 / 10);
        CHECK(image->height() - lanes.y1 <= image->height() / 50); // no empty band below the lanes
    }
}

TEST_CASE("render --axis order --finding N --scale S draws that finding on the event-order axis", "[render]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "2000"});
    const Image plain = renderPicture(dir, trace, "plain.png", {"--width", "1280", "--height", "720"});
    const Image chosen = renderPicture(dir, trace, "order-finding-2.png",
                                       {"--width", "1280", "--height", "720", "--axis", "order", "--finding", "2"});
    const Image scaled =
        renderPicture(dir, trace, "scale-1.5.png", {"--width", "1280", "--height", "720", "--scale", "1.5"});
    CHECK(changedFraction(plain, chosen, plain.bounds()) > 0.05);
    const int normal = laneLabelHeight(plain), larger = laneLabelHeight(scaled);
    INFO("lane label " << normal << " px, at --scale 1.5 " << larger << " px");
    CHECK(larger >= normal * 13 / 10);
}

TEST_CASE("render refuses a picture too small for the timeline, or a finding the trace does not have, in one sentence",
          "[render]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "500"}, false);
    const fs::path png = dir / "out.png";
    checkRefusal(runRacetrace({"render", trace.string(), "--out", png.string(), "--width", "600", "--height", "220"},
                              headless(), dir.path()),
                 "too small to draw a timeline");
    checkRefusal(runRacetrace({"render", trace.string(), "--out", png.string(), "--finding", "99999999"}, headless(),
                              dir.path()),
                 "--finding must be 1 to");
    checkRefusal(
        runRacetrace({"render", trace.string(), "--out", png.string(), "--scale", "9"}, headless(), dir.path()),
        "--scale must be 0.5 to 4");
    checkRefusal(
        runRacetrace({"render", trace.string(), "--out", png.string(), "--axis", "sideways"}, headless(), dir.path()),
        "--axis");
    CHECK_FALSE(fs::exists(png));
}

TEST_CASE("stats --plot draws the rate of each point in the race colour with its interval band, headless",
          "[render][stats]") {
    TempDir dir;
    const fs::path png = dir / "rate.png";
    // A clean lock and a racy flag side by side would need two scenarios: one
    // knob with a low and a high point does it (no window, then a 20 µs one).
    const auto result = runRacetrace({"stats", "-s", "naive-flag", "--runs", "4", "-n", "200", "--sweep",
                                      "window-ns=0,20000", "--plot", png.string()},
                                     headless(), dir.path());
    INFO(result.out << result.err);
    REQUIRE(result.status == 0);
    CHECK(result.err.find("Drew the plot into " + png.string()) != std::string::npos);
    const auto image = loadPng(png);
    REQUIRE(image.has_value());
    keepArtifact(png, "stats-plot.png");
    CHECK(image->width() == 1600);
    CHECK(image->height() == 900);
    // Below the reading and the legend: the line, the dots and the band of the
    // lecture theme's vermillion, and the band's lighter tint.
    const Rect plot{0, image->height() / 6, image->width(), image->height()};
    CHECK(countNear(*image, plot, {Rgb{213, 94, 0}}, 12) > 500);
    CHECK_FALSE(textRows(*image, Rect{3, 0, image->width(), image->height() / 6}).empty()); // the reading
}
