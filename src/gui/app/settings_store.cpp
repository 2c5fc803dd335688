#include "gui/app/settings_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace racetrace {

void Settings::addRecent(const std::string& path) {
    std::error_code error;
    const auto absolute = std::filesystem::absolute(path, error);
    const std::string key = error ? path : absolute.lexically_normal().string();
    std::erase(recentFiles, key);
    recentFiles.insert(recentFiles.begin(), key);
    if (recentFiles.size() > kMaxRecent) recentFiles.resize(kMaxRecent);
}

std::string settingsPath() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    std::filesystem::path base;
    if (xdg != nullptr && *xdg == '/')
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
        base = std::filesystem::path(home) / ".config";
    else
        base = std::filesystem::temp_directory_path();
    return (base / "racetrace" / "settings.json").string();
}

Settings loadSettings() {
    Settings settings;
    std::ifstream file(settingsPath());
    if (!file) return settings;
    const auto json = nlohmann::json::parse(file, nullptr, false);
    if (!json.is_object()) return settings;
    // Each field on its own: one damaged value keeps its default, the rest load.
    auto read = [&json](const char* key, auto& target) {
        try {
            if (json.contains(key)) target = json.at(key).get<std::decay_t<decltype(target)>>();
        } catch (const nlohmann::json::exception&) {
        }
    };
    read("lecture", settings.lecture);
    read("predict", settings.predict);
    read("scale", settings.scale);
    settings.scale = std::clamp(settings.scale, 0.5f, 3.0f);
    bool eventOrder = false;
    read("eventOrderAxis", eventOrder);
    settings.axis = eventOrder ? TimeAxis::EventOrder : TimeAxis::RealTime;
    read("leftColumnFraction", settings.leftColumnFraction);
    settings.leftColumnFraction = std::clamp(settings.leftColumnFraction, 0.15f, 0.5f);
    read("showMemory", settings.showMemory);
    read("showCode", settings.showCode);
    read("recentFiles", settings.recentFiles);
    read("challengeBest", settings.challengeBest);
    if (settings.recentFiles.size() > Settings::kMaxRecent) settings.recentFiles.resize(Settings::kMaxRecent);
    read("scenario", settings.lastRun.scenario);
    read("workers", settings.lastRun.workers);
    settings.lastRun.workers = std::clamp<std::uint32_t>(settings.lastRun.workers, 2, 64);
    read("iterations", settings.lastRun.iterations);
    // "windowSet" says whether "windowNs" was chosen or is the scenario's default.
    bool windowSet = false;
    std::uint64_t windowNs = 0;
    read("windowSet", windowSet);
    read("windowNs", windowNs);
    if (windowSet) settings.lastRun.windowNs = std::min(windowNs, kMaxWindowNs);
    std::string pin = "none";
    read("pin", pin);
    settings.lastRun.pin = pinModeFromName(pin).value_or(PinMode::None);
    return settings;
}

Result<void> saveSettings(const Settings& settings) {
    const std::filesystem::path path = settingsPath();
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    nlohmann::json json = {
        {"lecture", settings.lecture},
        {"predict", settings.predict},
        {"scale", settings.scale},
        {"eventOrderAxis", settings.axis == TimeAxis::EventOrder},
        {"leftColumnFraction", settings.leftColumnFraction},
        {"showMemory", settings.showMemory},
        {"showCode", settings.showCode},
        {"recentFiles", settings.recentFiles},
        {"challengeBest", settings.challengeBest},
        {"scenario", settings.lastRun.scenario},
        {"workers", settings.lastRun.workers},
        {"iterations", settings.lastRun.iterations},
        {"windowNs", settings.lastRun.windowNs.value_or(0)},
        {"windowSet", settings.lastRun.windowNs.has_value()},
        {"pin", std::string(pinModeName(settings.lastRun.pin))},
    };
    const auto temporary = path.string() + ".tmp";
    {
        std::ofstream file(temporary);
        // A file name that is not UTF-8 is kept with U+FFFD in place of its bad bytes rather than aborting.
        file << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        if (!file) return fail("cannot save settings to " + path.string() + ".");
    }
    std::filesystem::rename(temporary, path, error);
    if (error) return fail("cannot save settings to " + path.string() + ": " + error.message() + ".");
    return {};
}

} // namespace racetrace
