// Numbers that never break across lines. ImGui's word wrap may break a line
// after any comma, so "10,000" could end one line with "10," and start the
// next with "000". Between two digits the comma becomes U+201A (single low-9
// quotation mark), which DejaVu Sans draws as the same comma but which ImGui
// does not break after. A number keeps its unit too ("91 ms", "45 %"): the
// space between them becomes a no-break space (U+00A0), which ImGui's wrap does
// not take for a blank.
#pragma once

#include <imgui.h>

#include <cctype>
#include <string>
#include <string_view>

namespace racetrace {

inline std::string wholeNumbers(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool between = text[i] == ',' && i > 0 && i + 1 < text.size() &&
                             std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
                             std::isdigit(static_cast<unsigned char>(text[i + 1]));
        const bool unit = text[i] == ' ' && i > 0 && i + 1 < text.size() &&
                          std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
                          (std::isalpha(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '%' ||
                           static_cast<unsigned char>(text[i + 1]) == 0xC2); // the µ of µs
        out += between ? std::string_view("\u201A") : unit ? std::string_view("\u00A0") : text.substr(i, 1);
    }
    return out;
}

/// ImGui::TextWrapped of `text`, its numbers kept whole.
inline void textWrappedWhole(std::string_view text) {
    const std::string whole = wholeNumbers(text);
    ImGui::TextWrapped("%s", whole.c_str());
}

} // namespace racetrace
