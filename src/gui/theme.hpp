// Colours and fonts. Workers always have the same colour, mostly from the
// Okabe-Ito palette (safe for the common colour-vision deficiencies), in both
// the normal dark theme and the light high-contrast lecture theme. Hues are
// the workers' alone: events are ink of two strengths and shapes, findings
// and errors vermillion (which no worker has). Fonts are
// DejaVu, re-rasterised at each scale so that large text is never blurry.
#pragma once

#include <imgui.h>

#include <cstdint>

namespace racetrace {

enum class EventKind : std::uint8_t;

/// Every colour a view draws with, so a view never hard-codes one.
struct Palette {
    ImU32 background, laneBackground, laneAlternate, laneSeparator, text, dimText;
    /// Ticks: the full ink for writes, the dim ink for reads; kinds differ by
    /// shape (kTickStyles), never by hue, which belongs to the workers.
    ImU32 tickInk, tickDim;
    ImU32 good;            ///< "no race", "followed", a free lock in the memory view
    ImU32 marker;          ///< start/exit/kill/fence
    ImU32 criticalSpan;    ///< a worker inside the critical section
    ImU32 overlapBand;     ///< two or more inside at once
    ImU32 lostUpdateArrow; ///< lost-update arrows (vermillion)
    /// Vermillion, as the arrows: also the colour of error text and of a killed
    /// worker's X. What went wrong is vermillion, and no worker is: a torn record
    /// (a triangle) and a lost update (an arrow) differ by shape.
    ImU32 tornMarker;
    ImU32 tornRecordFill, tornRecordOutline; ///< torn-record triangles: vermillion, outlined
    ImU32 cursor, selection, hover;
    /// Channel marks: would block, end of file, broken pipe, torn message, dropped message.
    ImU32 wouldBlockMark, endOfFileMark, brokenPipeMark, tornMessageMark, droppedMark;
    ImU32 blockedHatch;                 ///< a worker blocked in a channel call (hatched bar)
    ImU32 channelFill, channelCapacity; ///< a channel's fill level and its capacity line
    ImU32 messageArrow;                 ///< send -> receive arrows
};

class Theme {
  public:
    /// Loads fonts at `scale` and applies colours; call after ImGui is set up.
    /// Lecture text grows with the screen (`screenHeight` pixels, see lectureSize).
    void apply(bool lecture, float scale, float screenHeight);
    /// The lecture font's pixel size on a screen this high: 28 px at 1080
    /// lines, in proportion elsewhere, never under 20 px (a 720-line projector).
    static float lectureSize(float screenHeight);
    bool lecture() const { return m_lecture; }
    float scale() const { return m_scale; }
    /// True after apply() changed the font atlas: the renderer must rebuild its texture.
    bool takeFontsChanged();

    const Palette& palette() const { return m_palette; }
    /// The worker's colour (cycling after eight). Fine for fills and
    /// badges; as text on the light lecture background some are only ~2:1, so
    /// names are written in palette().text beside a swatch (drawWorkerSwatch).
    ImU32 workerColor(std::uint32_t worker) const;
    /// A square of the worker's colour with a thin outline in the text colour
    /// (the outline keeps light colours visible on light lanes).
    void drawWorkerSwatch(ImDrawList* draw, ImVec2 min, float size, std::uint32_t worker) const;
    /// The same swatch as an ImGui item at the cursor, one text line high,
    /// followed by SameLine: for "■ A" in tooltips and lists.
    void workerSwatchItem(std::uint32_t worker) const;

    ImFont* regularFont() const { return m_regular; }
    ImFont* monoFont() const { return m_mono; }
    ImFont* largeFont() const { return m_large; } ///< headlines, the status sentence

    static constexpr float kNormalSize = 16.0f;
    static constexpr float kLectureSize = 28.0f; ///< at 1080 lines
    static constexpr float kLeastLectureSize = 20.0f;

  private:
    void loadFonts(float pixelSize);
    void applyColors();

    bool m_lecture = false;
    float m_scale = 1.0f;
    float m_loadedSize = 0.0f;
    float m_styleScale = 0.0f;
    bool m_fontsChanged = false;
    Palette m_palette{};
    ImFont* m_regular = nullptr;
    ImFont* m_mono = nullptr;
    ImFont* m_large = nullptr;
};

} // namespace racetrace
