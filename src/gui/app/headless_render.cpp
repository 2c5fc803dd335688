#include <glad/gl.h>

#include "gui/app/headless_render.hpp"
#include "gui/whole_numbers.hpp"

#include "gui/app/screenshot.hpp"
#include "gui/panels/legend.hpp"
#include "gui/panels/rate_plot.hpp"
#include "gui/theme.hpp"
#include "gui/timeline/timeline_view.hpp"

#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "session/run_summary.hpp"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <memory>

namespace racetrace {

namespace {

/// An EGL display + OpenGL 3.3 core context with no surface; released on scope exit.
class SurfacelessContext {
  public:
    ~SurfacelessContext() {
        if (m_display == EGL_NO_DISPLAY) return;
        eglMakeCurrent(m_display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        if (m_context != EGL_NO_CONTEXT) eglDestroyContext(m_display, m_context);
        eglTerminate(m_display);
    }

    Result<void> create() {
        auto getPlatformDisplay =
            reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
        if (getPlatformDisplay == nullptr)
            return fail(
                "cannot render without a display: this EGL has no eglGetPlatformDisplayEXT (install Mesa's libegl1).");
        m_display = getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
        if (m_display == EGL_NO_DISPLAY || eglInitialize(m_display, nullptr, nullptr) == EGL_FALSE) {
            m_display = EGL_NO_DISPLAY;
            return fail("cannot render without a display: Mesa's surfaceless EGL platform is not available.");
        }
        if (eglBindAPI(EGL_OPENGL_API) == EGL_FALSE) return fail("cannot render: EGL has no desktop OpenGL.");
        const EGLint configAttributes[] = {EGL_SURFACE_TYPE,
                                           EGL_PBUFFER_BIT,
                                           EGL_RENDERABLE_TYPE,
                                           EGL_OPENGL_BIT,
                                           EGL_RED_SIZE,
                                           8,
                                           EGL_GREEN_SIZE,
                                           8,
                                           EGL_BLUE_SIZE,
                                           8,
                                           EGL_NONE};
        EGLConfig config = nullptr;
        EGLint count = 0;
        if (eglChooseConfig(m_display, configAttributes, &config, 1, &count) == EGL_FALSE || count == 0)
            return fail("cannot render: EGL offers no OpenGL configuration.");
        const EGLint contextAttributes[] = {
            EGL_CONTEXT_MAJOR_VERSION,           3,       EGL_CONTEXT_MINOR_VERSION, 3, EGL_CONTEXT_OPENGL_PROFILE_MASK,
            EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
        m_context = eglCreateContext(m_display, config, EGL_NO_CONTEXT, contextAttributes);
        if (m_context == EGL_NO_CONTEXT) return fail("cannot render: EGL cannot create an OpenGL 3.3 core context.");
        if (eglMakeCurrent(m_display, EGL_NO_SURFACE, EGL_NO_SURFACE, m_context) == EGL_FALSE)
            return fail("cannot render: EGL cannot make a surfaceless context current.");
        if (gladLoadGL(reinterpret_cast<GLADloadfunc>(eglGetProcAddress)) == 0)
            return fail("cannot render: OpenGL 3.3 functions could not be loaded.");
        return {};
    }

  private:
    EGLDisplay m_display = EGL_NO_DISPLAY;
    EGLContext m_context = EGL_NO_CONTEXT;
};

/// A colour renderbuffer to draw into instead of a window.
class OffscreenTarget {
  public:
    OffscreenTarget(int width, int height) {
        glGenFramebuffers(1, &m_framebuffer);
        glGenRenderbuffers(1, &m_color);
        glBindRenderbuffer(GL_RENDERBUFFER, m_color);
        glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
        glBindFramebuffer(GL_FRAMEBUFFER, m_framebuffer);
        glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, m_color);
    }
    ~OffscreenTarget() {
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        glDeleteRenderbuffers(1, &m_color);
        glDeleteFramebuffers(1, &m_framebuffer);
    }
    bool complete() const { return glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE; }

  private:
    GLuint m_framebuffer = 0;
    GLuint m_color = 0;
};

constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                    ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollbar;

/// `headerHeight` carries the header's measured height from one frame to the next.
void drawPicture(ViewContext& context, TimelineView& timeline, const RenderOptions& options,
                 const LegendContent& legend, float& headerHeight) {
    const auto& document = *context.document;
    const float width = static_cast<float>(options.width);
    const float height = static_cast<float>(options.height);
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(width, 0.0f)); // height 0: fit the sentence, counts and legend
    ImGui::Begin("##header", nullptr, kFixed | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_AlwaysAutoResize);
    ImGui::PushFont(context.theme.largeFont());
    const int selected = context.state.selectedFinding;
    const std::string& sentence = selected >= 0
                                      ? document.analysis.findings[static_cast<std::size_t>(selected)].sentence
                                      : document.analysis.headline;
    textWrappedWhole(sentence);
    ImGui::PopFont();
    const auto& run = document.trace.settings;
    const auto& analysis = document.analysis;
    textWrappedWhole(document.trace.scenario.title + ": " + std::to_string(run.workers) + " workers x " +
                     groupedNumber(static_cast<std::int64_t>(run.iterations)) + " iterations, race window " +
                     groupedNumber(static_cast<std::int64_t>(run.windowNs)) +
                     " ns: " + raceCounts(document.trace, analysis) + ".");
    drawTimelineLegend(context.theme, legend);
    headerHeight = std::max(headerHeight, ImGui::GetWindowHeight());
    ImGui::End();
    ImGui::SetNextWindowPos(ImVec2(0, headerHeight));
    ImGui::SetNextWindowSize(ImVec2(width, height - headerHeight));
    ImGui::Begin(timeline.title(), nullptr, kFixed | ImGuiWindowFlags_NoTitleBar); // a picture, not a window
    timeline.draw(context);
    ImGui::End();
}

/// The least height that shows the header and one text line per lane under the ruler.
float neededHeight(const TraceDocument& document, float headerHeight) {
    const float line = ImGui::GetTextLineHeight(), font = ImGui::GetFontSize();
    const float lanes = static_cast<float>(std::max<std::size_t>(document.trace.workers.size(), 1) +
                                           document.trace.scenario.channels.size());
    return std::ceil(headerHeight + ImGui::GetStyle().WindowPadding.y * 2 + line * 1.8f +
                     lanes * std::floor(line + font * 0.6f));
}

/// The finding asked for exists (the picture's size is checked by renderPicture).
Result<void> checkOptions(const TraceDocument& document, const RenderOptions& options) {
    const auto findings = document.analysis.findings.size();
    if (options.finding < 0 || static_cast<std::size_t>(options.finding) > findings)
        return fail(findings == 0 ? std::string("--finding: this trace has no findings.")
                                  : "--finding must be 1 to " + groupedNumber(static_cast<std::int64_t>(findings)) +
                                        ": this trace has " + countOf(findings, "finding", "findings") + ".");
    return {};
}

/// The timeline picture: the first finding's sentence (or the headline), the
/// run's counts and the legend above the timeline TimelineView draws.
class TimelinePicture final : public Picture {
  public:
    TimelinePicture(std::shared_ptr<const TraceDocument> document, const RenderOptions& options, const Theme& theme)
        : m_document(std::move(document)), m_options(options), m_theme(theme),
          m_legend(legendContentOf(*m_document)) { // what this trace has, not every kind
        m_state.fitRequested = true;
        m_state.axis = options.axis;
        const int chosen =
            options.finding > 0 ? options.finding - 1 : m_document->analysis.openingFinding(m_document->trace);
        if (!options.fit && chosen >= 0) m_state.selectFinding(chosen);
        m_timeline.prepareInBackground(false); // three frames: no time to wait
    }

    Result<void> drawFrame(int frame) override {
        ViewContext context{.document = m_document, .state = m_state, .theme = m_theme, .commands = m_commands};
        drawPicture(context, m_timeline, m_options, m_legend, m_headerHeight);
        // The first frames measure the header (its size is known from the second).
        if (const float needed = neededHeight(*m_document, m_headerHeight); frame == 1 && needed > m_options.height)
            return fail(std::to_string(m_options.width) + "x" + std::to_string(m_options.height) +
                        " is too small to draw a timeline under this trace's header: at least " +
                        std::to_string(m_options.width) + "x" + std::to_string(static_cast<int>(needed)) +
                        " (or a wider picture, or a smaller --scale).");
        return {};
    }

  private:
    std::shared_ptr<const TraceDocument> m_document;
    const RenderOptions& m_options;
    const Theme& m_theme;
    LegendContent m_legend;
    ViewState m_state;
    NoCommands m_commands;                                          // a picture asks nothing of an application
    TimelineView m_timeline{/*legend=*/false, /*fillHeight=*/true}; // the header has the legend
    float m_headerHeight = 0.0f;
};

/// The stats plot: the reading above the rate against the knob.
class RatePlotPicture final : public Picture {
  public:
    RatePlotPicture(const StatsReport& report, const RenderOptions& options, const Theme& theme)
        : m_report(report), m_options(options), m_theme(theme) {}

    Result<void> drawFrame(int) override {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(static_cast<float>(m_options.width), static_cast<float>(m_options.height)));
        ImGui::Begin("##plot", nullptr, kFixed | ImGuiWindowFlags_NoTitleBar);
        ImGui::PushFont(m_theme.largeFont());
        textWrappedWhole(statsReading(m_report));
        ImGui::PopFont();
        drawRatePlotLegend(m_report, m_theme);
        const ImVec2 min = ImGui::GetCursorScreenPos();
        const ImVec2 max(min.x + ImGui::GetContentRegionAvail().x, min.y + ImGui::GetContentRegionAvail().y);
        drawRatePlot(*ImGui::GetWindowDrawList(), min, max, m_report, m_theme);
        ImGui::End();
        return {};
    }

  private:
    const StatsReport& m_report;
    const RenderOptions& m_options;
    const Theme& m_theme;
};

} // namespace

float pictureScale(const RenderOptions& options) {
    // Lecture text already follows the height (Theme::lectureSize); the
    // screen theme's 16 px suits 900 lines.
    if (options.lecture) return options.scale;
    return options.scale * std::max(0.75f, static_cast<float>(options.height) / 900.0f);
}

Result<void> renderPicture(const RenderOptions& options, const MakePicture& make) {
    if (options.width < 320 || options.height < 200 || options.width > 8192 || options.height > 8192)
        return fail("--width must be 320 to 8192 and --height 200 to 8192 pixels.");
    if (!(options.scale >= 0.5f && options.scale <= 4.0f)) return fail("--scale must be 0.5 to 4.");
    SurfacelessContext egl;
    if (auto created = egl.create(); !created) return created;
    OffscreenTarget target(options.width, options.height);
    if (!target.complete()) return fail("cannot render: the offscreen framebuffer is incomplete.");

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(static_cast<float>(options.width), static_cast<float>(options.height));
    io.DeltaTime = 1.0f / 60.0f;
    Theme theme;
    theme.apply(options.lecture, pictureScale(options), static_cast<float>(options.height));
    ImGui_ImplOpenGL3_Init("#version 330 core");
    Result<void> saved;
    {
        // Made and gone while the context lives: a picture may hold GL objects.
        const std::unique_ptr<Picture> picture = make(theme);
        // Three frames: the first ones measure and settle, the last is the picture.
        for (int frame = 0; frame < 3 && saved; ++frame) {
            ImGui_ImplOpenGL3_NewFrame();
            ImGui::NewFrame();
            saved = picture->drawFrame(frame);
            ImGui::Render();
            glViewport(0, 0, options.width, options.height);
            const ImU32 background = theme.palette().background;
            glClearColor(static_cast<float>(background & 0xFF) / 255.0f,
                         static_cast<float>((background >> 8) & 0xFF) / 255.0f,
                         static_cast<float>((background >> 16) & 0xFF) / 255.0f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        }
        glFinish();
    }
    if (saved) saved = saveFramebufferPng(options.outPath, options.width, options.height);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui::DestroyContext();
    return saved;
}

Result<void> renderDocumentPng(std::shared_ptr<const TraceDocument> document, const RenderOptions& options) {
    if (auto valid = checkOptions(*document, options); !valid) return valid;
    return renderPicture(options, [&](const Theme& theme) -> std::unique_ptr<Picture> {
        return std::make_unique<TimelinePicture>(document, options, theme);
    });
}

Result<void> renderStatsPng(const StatsReport& report, const RenderOptions& options) {
    return renderPicture(options, [&](const Theme& theme) -> std::unique_ptr<Picture> {
        return std::make_unique<RatePlotPicture>(report, options, theme);
    });
}

} // namespace racetrace
