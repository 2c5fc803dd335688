#include "trace/event_text.hpp"

namespace racetrace {

std::string groupedNumber(std::int64_t value) {
    // Work on the magnitude as unsigned so INT64_MIN does not overflow.
    const bool negative = value < 0;
    std::uint64_t magnitude = negative ? ~static_cast<std::uint64_t>(value) + 1 : static_cast<std::uint64_t>(value);
    std::string digits = std::to_string(magnitude);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3 + 1);
    if (negative) out += '-';
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string variableName(const ScenarioInfo& scenario, std::uint16_t variable) {
    if (variable < scenario.variables.size() && !scenario.variables[variable].name.empty())
        return scenario.variables[variable].name;
    return "variable #" + std::to_string(variable);
}

std::string channelName(const ScenarioInfo& scenario, std::uint16_t channel) {
    if (channel < scenario.channels.size()) return scenario.channels[channel].name;
    return "channel #" + std::to_string(channel);
}

std::string locationName(const ScenarioInfo& scenario, std::uint16_t variable, std::uint32_t word) {
    std::string name = variableName(scenario, variable);
    if (variable < scenario.variables.size() && scenario.variables[variable].words > 1)
        name += "[" + std::to_string(word) + "]";
    return name;
}

std::string valueWithMeaning(const ScenarioInfo& scenario, std::uint16_t variable, std::int64_t value) {
    std::string text = std::to_string(value);
    if (variable >= scenario.variables.size()) return text;
    const std::string_view words = scenario.variables[variable].meanings.of(value);
    if (!words.empty()) text += " (" + std::string(words) + ")";
    return text;
}

std::string fillPattern(std::string_view pattern, const ScenarioInfo& scenario, std::uint16_t variable,
                        std::uint32_t word, std::int64_t value, std::uint32_t aux, bool onChannel) {
    std::string out;
    for (std::size_t at = 0; at < pattern.size();) {
        const std::size_t open = pattern.find('{', at);
        const std::size_t close = open == std::string_view::npos ? open : pattern.find('}', open);
        if (close == std::string_view::npos) {
            out += pattern.substr(at);
            break;
        }
        out += pattern.substr(at, open - at);
        const std::string_view name = pattern.substr(open + 1, close - open - 1);
        if (name == "var")
            out += onChannel ? channelName(scenario, variable) : locationName(scenario, variable, word);
        else if (name == "message")
            out += messageName(value);
        else if (name == "value")
            out += valueWithMeaning(scenario, variable, value);
        else if (name == "number")
            out += std::to_string(value);
        else if (name == "aux")
            out += std::to_string(static_cast<std::int32_t>(aux));
        else if (name.starts_with("success:")) {
            const std::string_view choices = name.substr(8);
            const std::size_t bar = choices.find('|');
            out += aux != 0 ? choices.substr(0, bar) : bar == std::string_view::npos ? "" : choices.substr(bar + 1);
        } else
            out += pattern.substr(open, close - open + 1); // not ours: keep it as written
        at = close + 1;
    }
    return out;
}

std::string describeNextAccess(const ScenarioInfo& scenario, EventKind kind, std::uint16_t variable, std::uint32_t word,
                               std::int64_t value) {
    const EventKindInfo& info = eventKindInfo(kind);
    if (info.describeNext.empty()) return std::string(info.name);
    return fillPattern(info.describeNext, scenario, variable, word, value, 0, info.onChannel);
}

std::string describeEvent(const ScenarioInfo& scenario, const Event& event) {
    const EventKindInfo& info = eventKindInfo(event.kind);
    if (info.describeRecorded.empty()) return std::string(info.name);
    return fillPattern(info.describeRecorded, scenario, event.variable, wordOf(event), event.value, event.aux,
                       info.onChannel);
}

} // namespace racetrace
