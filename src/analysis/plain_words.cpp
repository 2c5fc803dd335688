#include "analysis/plain_words.hpp"

#include "trace/event.hpp"

#include <cstdio>

namespace racetrace {

std::string preciseDuration(std::uint64_t ns) {
    if (ns < 1000) return std::to_string(ns) + " ns";
    struct Unit {
        std::uint64_t scale;
        int decimals;
        const char* name;
    };
    static constexpr Unit kUnits[] = {{1'000, 3, "µs"}, {1'000'000, 6, "ms"}, {1'000'000'000, 9, "s"}};
    const Unit* unit = &kUnits[0];
    for (const auto& candidate : kUnits)
        if (ns >= candidate.scale) unit = &candidate;
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, "%0*llu", unit->decimals,
                  static_cast<unsigned long long>(ns % unit->scale));
    return groupedNumber(static_cast<std::int64_t>(ns / unit->scale)) + "." + fraction + " " + unit->name;
}

std::string humanDuration(std::uint64_t ns) {
    if (ns < 1000) return std::to_string(ns) + " ns";
    struct Unit {
        double scale;
        const char* name;
    };
    static constexpr Unit kUnits[] = {{1e3, "µs"}, {1e6, "ms"}, {1e9, "s"}};
    const double value = static_cast<double>(ns);
    // The largest unit that keeps the number at 1 or more, counting rounding:
    // 999,999 ns is "1 ms", not "1000 µs".
    const Unit* unit = &kUnits[0];
    for (const auto& candidate : kUnits)
        if (value >= candidate.scale * 0.9995) unit = &candidate;
    const double scaled = value / unit->scale;
    // One decimal below 10 ("1.2 µs"), none above ("140 µs"): two or three
    // significant digits are all a person compares at a glance.
    char buffer[48];
    if (scaled < 9.95) {
        std::snprintf(buffer, sizeof buffer, "%.1f", scaled);
        std::string text = buffer;
        if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
        return text + " " + unit->name;
    }
    if (unit->scale == 1e9) return groupedNumber(static_cast<std::int64_t>(scaled + 0.5)) + " s";
    std::snprintf(buffer, sizeof buffer, "%.0f %s", scaled, unit->name);
    return buffer;
}

std::string countOf(std::uint64_t count, std::string_view singular, std::string_view plural) {
    return groupedNumber(static_cast<std::int64_t>(count)) + " " + std::string(count == 1 ? singular : plural);
}

std::string fileSize(std::uint64_t bytes) {
    char text[32];
    if (bytes < 1000) return countOf(bytes, "byte", "bytes");
    if (bytes < 1'000'000)
        std::snprintf(text, sizeof(text), "%.1f KB", static_cast<double>(bytes) / 1e3);
    else if (bytes < 1'000'000'000)
        std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(bytes) / 1e6);
    else
        std::snprintf(text, sizeof(text), "%.1f GB", static_cast<double>(bytes) / 1e9);
    return text;
}

std::string workerList(std::span<const std::uint32_t> workers) {
    std::string out;
    for (std::size_t i = 0; i < workers.size(); ++i) {
        if (i > 0) out += i + 1 == workers.size() ? " and " : ", ";
        out += workerName(workers[i]);
    }
    return out;
}

std::string wordRanges(std::span<const std::uint32_t> words) {
    std::string out = words.size() == 1 ? "word " : "words ";
    for (std::size_t i = 0; i < words.size();) {
        std::size_t end = i;
        while (end + 1 < words.size() && words[end + 1] == words[end] + 1)
            ++end;
        if (i > 0) out += ", ";
        out += std::to_string(words[i]);
        if (end > i) out += "-" + std::to_string(words[end]);
        i = end + 1;
    }
    return out;
}

std::string allOf(std::size_t count) {
    return count == 2 ? "both" : "all " + std::to_string(count);
}

} // namespace racetrace
