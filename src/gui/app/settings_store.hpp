// What the window remembers between sessions, as JSON in the user's config
// directory ($XDG_CONFIG_HOME/racetrace/settings.json, else ~/.config/...).
// A missing or damaged file just means defaults: settings never stop the tool.
#pragma once

#include "gui/view_state.hpp"
#include "ipc/result.hpp"
#include "lab/run_options.hpp"
#include "trace/trace.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace racetrace {

struct Settings {
    bool lecture = false;
    bool predict = false; ///< in lecture mode, ask for a prediction before each run
    float scale = 1.0f;   ///< Ctrl +/-: multiplies the font size
    TimeAxis axis = TimeAxis::RealTime;
    float leftColumnFraction = 0.27f; ///< width of the run/findings column
    bool showMemory = true;
    bool showCode = true;
    std::vector<std::string> recentFiles; ///< newest first, at most kMaxRecent
    RunOptions lastRun;                   ///< what the run panel shows at start
    /// Per challenge (its stable name), the fewest steps it was won in.
    std::map<std::string, std::uint64_t> challengeBest;

    static constexpr std::size_t kMaxRecent = 8;
    void addRecent(const std::string& path);
};

/// The settings file's path (its directory may not exist yet).
std::string settingsPath();
Settings loadSettings();
/// Writes the settings; returns the error sentence on failure (shown, not fatal).
Result<void> saveSettings(const Settings& settings);

} // namespace racetrace
