// The window's entry point, for the command line: no ImGui or GLFW in sight,
// so the CLI's files compile without them.
#pragma once

#include <optional>
#include <string>

namespace racetrace {

struct GuiOptions {
    std::optional<std::string> traceFile; ///< open this instead of running the demo
    bool lecture = false;                 ///< start in lecture mode
    std::optional<std::string> lesson;    ///< present this lesson from step 1 (`racetrace lesson NAME`)
    std::optional<std::string> challenge; ///< instead, open this challenge of the lesson
    int width = 0;                        ///< 0: the monitor's work area
    int height = 0;                       ///< 0: the monitor's work area
};

/// `racetrace`, `racetrace gui` and `racetrace FILE.rtrace`: opens the window
/// or, without a display, says so in one sentence and returns 1.
int runGui(const GuiOptions& options);

} // namespace racetrace
