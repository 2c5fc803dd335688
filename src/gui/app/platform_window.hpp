// The operating-system side of the window: GLFW, the OpenGL 3.3 core context
// (loaded by glad), Dear ImGui's GLFW and OpenGL backends, drag and drop, and
// fullscreen. Everything else in src/gui only talks ImGui.
#pragma once

#include "ipc/result.hpp"

#include <memory>
#include <string>
#include <vector>

struct GLFWwindow;

namespace racetrace {

class PlatformWindow {
  public:
    ~PlatformWindow();
    PlatformWindow(const PlatformWindow&) = delete;
    PlatformWindow& operator=(const PlatformWindow&) = delete;

    /// Opens the window, or says in one sentence why not (no display, no GL 3.3).
    static Result<std::unique_ptr<PlatformWindow>> open(const std::string& title, int width, int height);

    bool shouldClose() const;
    void requestClose();
    /// Polls events (waiting up to `idleSeconds` when nothing animates) and starts an ImGui frame.
    void beginFrame(double idleSeconds);
    /// Renders ImGui; if `screenshotPath` is set, saves the frame as PNG before the swap.
    Result<void> endFrame(const std::string* screenshotPath = nullptr);
    /// Uploads a rebuilt font atlas (after Theme::apply changed fonts), between frames.
    void reloadFontTexture();

    void setFullscreen(bool fullscreen);
    bool fullscreen() const { return m_fullscreen; }
    void setTitle(const std::string& title);
    /// The window's height in screen coordinates (ImGui's display height once a frame begins).
    float height() const;
    /// Paths dropped onto the window since the last call.
    std::vector<std::string> takeDroppedPaths();

  private:
    PlatformWindow() = default;
    static void onDrop(GLFWwindow* window, int count, const char** paths);

    GLFWwindow* m_window = nullptr;
    bool m_fullscreen = false;
    int m_windowedPos[2] = {0, 0};
    int m_windowedSize[2] = {1280, 800};
    std::vector<std::string> m_dropped;
};

/// True when an X11 or Wayland display is named in the environment.
bool displayAvailable();

} // namespace racetrace
