#include "gui/theme.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sys/stat.h>

namespace racetrace {

namespace {

// Okabe & Ito (2008), "Color Universal Design". Orange and sky blue first: the
// two workers of the default demo get the pair that is easiest to tell apart.
// Vermillion is kept for findings and errors, and grey looked like a disabled
// worker: Paul Tol's olive and a violet stand in for them.
constexpr std::array<ImU32, 8> kWorkerPalette = {
    IM_COL32(230, 159, 0, 255),   // orange
    IM_COL32(86, 180, 233, 255),  // sky blue
    IM_COL32(0, 158, 115, 255),   // bluish green
    IM_COL32(204, 121, 167, 255), // reddish purple
    IM_COL32(0, 114, 178, 255),   // blue
    IM_COL32(153, 153, 51, 255),  // olive (Tol)
    IM_COL32(240, 228, 66, 255),  // yellow
    IM_COL32(150, 130, 230, 255), // violet
};

bool fileExists(const char* path) {
    struct stat info {};
    return stat(path, &info) == 0;
}

} // namespace

ImU32 Theme::workerColor(std::uint32_t worker) const {
    return kWorkerPalette[worker % kWorkerPalette.size()];
}

void Theme::drawWorkerSwatch(ImDrawList* draw, ImVec2 min, float size, std::uint32_t worker) const {
    const ImVec2 max(min.x + size, min.y + size);
    const float rounding = size * 0.2f;
    draw->AddRectFilled(min, max, workerColor(worker), rounding);
    draw->AddRect(min, max, m_palette.text, rounding, 0, std::max(1.0f, size / 14.0f));
}

void Theme::workerSwatchItem(std::uint32_t worker) const {
    const float line = ImGui::GetTextLineHeight();
    const float size = std::floor(line * 0.75f);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    drawWorkerSwatch(ImGui::GetWindowDrawList(), ImVec2(at.x, at.y + std::floor((line - size) * 0.5f)), size, worker);
    ImGui::Dummy(ImVec2(size, line));
    ImGui::SameLine(0.0f, ImGui::GetStyle().ItemInnerSpacing.x);
}

bool Theme::takeFontsChanged() {
    const bool changed = m_fontsChanged;
    m_fontsChanged = false;
    return changed;
}

float Theme::lectureSize(float screenHeight) {
    return std::max(kLeastLectureSize, std::round(kLectureSize * screenHeight / 1080.0f));
}

void Theme::apply(bool lecture, float scale, float screenHeight) {
    m_lecture = lecture;
    m_scale = scale;
    const float size = (lecture ? lectureSize(screenHeight) : kNormalSize) * scale;
    if (size != m_loadedSize) loadFonts(size);
    // Padding and spacing grow with the text (ImGui's defaults suit 13 px).
    m_styleScale = lecture ? 1.5f * size / kLectureSize : scale;
    applyColors();
}

void Theme::loadFonts(float pixelSize) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const char* sans = RACETRACE_FONT_DIR "/DejaVuSans.ttf";
    const char* mono = RACETRACE_FONT_DIR "/DejaVuSansMono.ttf";
    // Latin + general punctuation (the µ of µs, dashes, arrows in sentences).
    static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2190, 0x21FF, 0};
    ImFontConfig config;
    config.OversampleH = 2;
    if (fileExists(sans) && fileExists(mono)) {
        m_regular = io.Fonts->AddFontFromFileTTF(sans, pixelSize, &config, kRanges);
        m_mono = io.Fonts->AddFontFromFileTTF(mono, pixelSize, &config, kRanges);
        m_large = io.Fonts->AddFontFromFileTTF(sans, pixelSize * 1.35f, &config, kRanges);
    } else {
        // fonts-dejavu-core missing: ImGui's built-in font keeps the window usable.
        ImFontConfig fallback;
        fallback.SizePixels = pixelSize;
        m_regular = m_mono = m_large = io.Fonts->AddFontDefault(&fallback);
    }
    io.FontDefault = m_regular;
    io.Fonts->Build();
    m_loadedSize = pixelSize;
    m_fontsChanged = true;
}

void Theme::applyColors() {
    ImGuiStyle style;
    if (m_lecture) {
        ImGui::StyleColorsLight(&style);
        style.Colors[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1); // the lanes' white, not ImGui's grey
        style.Colors[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
        // The light style's 60 % grey is ~2.8:1 on white: hints, times and
        // "line 4" in tooltips need 4.5:1 on a projector. 35 % grey is ~7:1.
        style.Colors[ImGuiCol_TextDisabled] = ImVec4(0.35f, 0.35f, 0.35f, 1);
        style.Colors[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.6f);
        style.FrameBorderSize = 1.0f;
        m_palette = Palette{
            .background = IM_COL32(255, 255, 255, 255),
            .laneBackground = IM_COL32(245, 245, 245, 255),
            .laneAlternate = IM_COL32(232, 232, 232, 255),
            .laneSeparator = IM_COL32(120, 120, 120, 255),
            .text = IM_COL32(0, 0, 0, 255),
            .dimText = IM_COL32(70, 70, 70, 255),
            .tickInk = IM_COL32(0, 0, 0, 255),
            .tickDim = IM_COL32(100, 100, 100, 255),
            .good = IM_COL32(0, 158, 115, 255),
            .marker = IM_COL32(0, 0, 0, 255),
            .criticalSpan = IM_COL32(0, 0, 0, 70),
            .overlapBand = IM_COL32(213, 94, 0, 110),
            .lostUpdateArrow = IM_COL32(213, 94, 0, 255),
            .tornMarker = IM_COL32(213, 94, 0, 255),
            .tornRecordFill = IM_COL32(213, 94, 0, 255),
            .tornRecordOutline = IM_COL32(0, 0, 0, 255),
            .cursor = IM_COL32(0, 0, 0, 255),
            .selection = IM_COL32(0, 114, 178, 60),
            .hover = IM_COL32(0, 0, 0, 40),
            .wouldBlockMark = IM_COL32(90, 90, 90, 255),
            .endOfFileMark = IM_COL32(0, 0, 0, 255),
            .brokenPipeMark = IM_COL32(213, 94, 0, 255),
            .tornMessageMark = IM_COL32(213, 94, 0, 255),
            .droppedMark = IM_COL32(160, 30, 30, 255),
            .blockedHatch = IM_COL32(80, 80, 80, 170),
            .channelFill = IM_COL32(110, 110, 110, 120),
            .channelCapacity = IM_COL32(0, 0, 0, 200),
            .messageArrow = IM_COL32(0, 0, 0, 110),
        };
    } else {
        ImGui::StyleColorsDark(&style);
        m_palette = Palette{
            .background = IM_COL32(24, 26, 30, 255),
            .laneBackground = IM_COL32(34, 37, 43, 255),
            .laneAlternate = IM_COL32(40, 44, 51, 255),
            .laneSeparator = IM_COL32(70, 74, 82, 255),
            .text = IM_COL32(235, 235, 235, 255),
            .dimText = IM_COL32(160, 160, 160, 255),
            .tickInk = IM_COL32(245, 245, 245, 255),
            .tickDim = IM_COL32(150, 150, 150, 255),
            .good = IM_COL32(0, 158, 115, 255),
            .marker = IM_COL32(200, 200, 200, 255),
            .criticalSpan = IM_COL32(255, 255, 255, 45),
            .overlapBand = IM_COL32(213, 94, 0, 120),
            .lostUpdateArrow = IM_COL32(255, 120, 40, 255),
            .tornMarker = IM_COL32(255, 80, 0, 255),
            .tornRecordFill = IM_COL32(255, 80, 0, 255),
            .tornRecordOutline = IM_COL32(245, 245, 245, 255), // the ink: a crisp edge on the vermillion band
            .cursor = IM_COL32(255, 255, 255, 255),
            .selection = IM_COL32(86, 180, 233, 60),
            .hover = IM_COL32(255, 255, 255, 40),
            .wouldBlockMark = IM_COL32(170, 170, 170, 255),
            .endOfFileMark = IM_COL32(245, 245, 245, 255),
            .brokenPipeMark = IM_COL32(255, 80, 0, 255),
            .tornMessageMark = IM_COL32(255, 80, 0, 255),
            .droppedMark = IM_COL32(230, 70, 70, 255),
            .blockedHatch = IM_COL32(190, 190, 190, 150),
            .channelFill = IM_COL32(200, 200, 200, 90),
            .channelCapacity = IM_COL32(235, 235, 235, 200),
            .messageArrow = IM_COL32(255, 255, 255, 90),
        };
    }
    // ImGui's windows and popups are slightly see-through (0.94 dark, 0.98
    // light): over the timeline's ticks a menu, a dialog or the "How often?"
    // panel became hard to read. Every window that hides what lies below
    // hides it fully; the dimming behind a modal stays translucent.
    for (const ImGuiCol_ opaque : {ImGuiCol_WindowBg, ImGuiCol_PopupBg, ImGuiCol_MenuBarBg, ImGuiCol_TitleBg,
                                   ImGuiCol_TitleBgActive, ImGuiCol_TitleBgCollapsed})
        style.Colors[opaque].w = 1.0f;
    style.WindowRounding = 0.0f;
    style.ScaleAllSizes(m_styleScale);
    ImGui::GetStyle() = style;
}

} // namespace racetrace
