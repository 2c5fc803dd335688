// glad must come before GLFW: it provides the GL declarations GLFW would otherwise include.
#include <glad/gl.h>

#include "gui/app/platform_window.hpp"
#include "gui/app/screenshot.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace racetrace {

namespace {
std::string g_glfwError; // GLFW reports errors through a C callback with no user pointer

/// The window's size when the monitor does not say how large it is.
constexpr int kFallbackWidth = 1600, kFallbackHeight = 900;

void rememberGlfwError(int, const char* description) {
    g_glfwError = description ? description : "unknown error";
}
} // namespace

bool displayAvailable() {
    const char* x11 = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    return (x11 != nullptr && *x11 != '\0') || (wayland != nullptr && *wayland != '\0');
}

Result<std::unique_ptr<PlatformWindow>> PlatformWindow::open(const std::string& title, int width, int height) {
    glfwSetErrorCallback(rememberGlfwError);
    if (!glfwInit())
        return fail("cannot open a window (" + g_glfwError +
                    "); use the headless commands (racetrace run, info, "
                    "render) or start the window under xvfb-run.");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    // The monitor's work area (0: fill it), and never larger (a 1280x720 projector).
    int areaX = 0, areaY = 0, areaWidth = 0, areaHeight = 0;
    if (GLFWmonitor* monitor = glfwGetPrimaryMonitor())
        glfwGetMonitorWorkarea(monitor, &areaX, &areaY, &areaWidth, &areaHeight);
    if (areaWidth > 0 && areaHeight > 0) {
        width = width > 0 ? std::min(width, areaWidth) : areaWidth;
        height = height > 0 ? std::min(height, areaHeight) : areaHeight;
    }
    if (width <= 0 || height <= 0) width = kFallbackWidth, height = kFallbackHeight;
    GLFWwindow* window = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
    if (window == nullptr) {
        glfwTerminate();
        return fail("cannot create an OpenGL 3.3 window (" + g_glfwError + ").");
    }
    if (areaWidth > 0 && areaHeight > 0) glfwSetWindowPos(window, areaX, areaY);
    glfwMakeContextCurrent(window);
    if (gladLoadGL(glfwGetProcAddress) == 0) {
        glfwDestroyWindow(window);
        glfwTerminate();
        return fail("cannot load OpenGL 3.3 functions from the driver.");
    }
    glfwSwapInterval(1);

    std::unique_ptr<PlatformWindow> platform(new PlatformWindow());
    platform->m_window = window;
    glfwSetWindowUserPointer(window, platform.get());
    glfwSetDropCallback(window, onDrop);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // our layout is computed; settings live in SettingsStore
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    return platform;
}

PlatformWindow::~PlatformWindow() {
    if (m_window == nullptr) return;
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(m_window);
    glfwTerminate();
}

void PlatformWindow::onDrop(GLFWwindow* window, int count, const char** paths) {
    auto* self = static_cast<PlatformWindow*>(glfwGetWindowUserPointer(window));
    for (int i = 0; i < count; ++i)
        self->m_dropped.emplace_back(paths[i]);
}

bool PlatformWindow::shouldClose() const {
    return glfwWindowShouldClose(m_window) != 0;
}
void PlatformWindow::requestClose() {
    glfwSetWindowShouldClose(m_window, GLFW_TRUE);
}
void PlatformWindow::setTitle(const std::string& title) {
    glfwSetWindowTitle(m_window, title.c_str());
}

std::vector<std::string> PlatformWindow::takeDroppedPaths() {
    return std::exchange(m_dropped, {});
}

void PlatformWindow::beginFrame(double idleSeconds) {
    if (idleSeconds > 0.0)
        glfwWaitEventsTimeout(idleSeconds);
    else
        glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
}

void PlatformWindow::reloadFontTexture() {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
}

Result<void> PlatformWindow::endFrame(const std::string* screenshotPath) {
    ImGui::Render();
    int width = 0, height = 0;
    glfwGetFramebufferSize(m_window, &width, &height);
    glViewport(0, 0, width, height);
    const ImVec4 clear = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(clear.x, clear.y, clear.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    Result<void> saved;
    if (screenshotPath != nullptr) saved = saveFramebufferPng(*screenshotPath, width, height);
    glfwSwapBuffers(m_window);
    return saved;
}

float PlatformWindow::height() const {
    int width = 0, height = 0;
    glfwGetWindowSize(m_window, &width, &height);
    return static_cast<float>(height);
}

void PlatformWindow::setFullscreen(bool fullscreen) {
    if (fullscreen == m_fullscreen) return;
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (fullscreen && mode != nullptr) {
        glfwGetWindowPos(m_window, &m_windowedPos[0], &m_windowedPos[1]);
        glfwGetWindowSize(m_window, &m_windowedSize[0], &m_windowedSize[1]);
        glfwSetWindowMonitor(m_window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
        m_fullscreen = true;
    } else if (!fullscreen) {
        glfwSetWindowMonitor(m_window, nullptr, m_windowedPos[0], m_windowedPos[1], m_windowedSize[0],
                             m_windowedSize[1], 0);
        m_fullscreen = false;
    }
}

} // namespace racetrace
