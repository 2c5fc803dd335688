// Open, Save as and Export through the file browser, driven by the keyboard
// as a user would: Ctrl+S, a new name, Enter writes a real file; Ctrl+O lists
// the folder and opens it; Ctrl+E writes the Chrome JSON beside the trace.
#include "gui_harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

using namespace racetrace::guitest;
namespace fs = std::filesystem;

TEST_CASE("Ctrl+S saves the shown trace under a typed name beside it, and Ctrl+O opens it again", "[window][files]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "500"}, false);
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "file dialogs");
    app.waitForTraceShown(trace);

    app.key("ctrl+s"); // the name field holds "racy.rtrace" and has the keyboard
    std::this_thread::sleep_for(300ms);
    app.key("ctrl+a");
    server.xdotool({"type", "--delay", "60", "copy"});
    app.key("Return");
    const fs::path copy = dir / "copy.rtrace"; // ".rtrace" added, in the shown trace's folder
    app.waitForOutput("Saved the trace to " + copy.string() + ".");
    REQUIRE(fs::exists(copy));
    CHECK(fs::file_size(copy) == fs::file_size(trace));

    app.key("ctrl+o"); // lists the shown trace's folder
    std::this_thread::sleep_for(300ms);
    server.xdotool({"type", "--delay", "60", "copy.rtrace"});
    app.key("Return");
    app.waitForOutput("Opening " + copy.string() + "...");
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
}

TEST_CASE("Ctrl+E exports the shown trace as Chrome JSON beside it and says what it wrote", "[window][files]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "500"}, false);
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "export");
    app.waitForTraceShown(trace);

    app.key("ctrl+e"); // the name field holds "racy.json" and has the keyboard
    std::this_thread::sleep_for(300ms);
    app.key("Return");
    const fs::path exported = dir / "racy.json";
    app.waitForOutput(" to " + exported.string() + " (");
    REQUIRE(fs::exists(exported));
    std::ifstream in(exported);
    const nlohmann::json chrome = nlohmann::json::parse(in);
    CHECK(chrome.at("traceEvents").size() > 500);
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
}

TEST_CASE("Ctrl+E onto an existing file asks Replace first and writes nothing until it is answered",
          "[window][files]") {
    TempDir dir;
    const fs::path trace = makeTrace(dir, "racy.rtrace", {"-s", "naive-flag", "-n", "500"}, false);
    const fs::path exported = dir / "racy.json";
    std::ofstream(exported) << "an older export\n";
    XvfbServer server;
    GuiApp app(server, {"gui", trace.string()}, "replace");
    app.waitForTraceShown(trace);

    app.key("ctrl+e"); // the name field holds "racy.json", which exists
    std::this_thread::sleep_for(300ms);
    app.key("Return"); // asks instead of writing
    std::this_thread::sleep_for(1s);
    app.screenshot("replace question");
    CHECK(readFile(exported) == "an older export\n");
    app.key("Escape"); // back to the name: still nothing written
    std::this_thread::sleep_for(500ms);
    CHECK(readFile(exported) == "an older export\n");
    CHECK(app.stdoutText().find(" to " + exported.string()) == std::string::npos);

    app.key("Return"); // asks again
    std::this_thread::sleep_for(500ms);
    CHECK(readFile(exported) == "an older export\n");
    app.key("Return"); // Replace
    app.waitForOutput(" to " + exported.string() + " (");
    std::ifstream in(exported);
    const nlohmann::json chrome = nlohmann::json::parse(in);
    CHECK(chrome.at("traceEvents").size() > 500);
    INFO("stderr: " << app.stderrText());
    CHECK(app.quit() == 0);
}
