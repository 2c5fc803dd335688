// Our GLSL programs (shaders/*.vert, *.frag), embedded into the binary at
// build time by cmake/EmbedTexts.cmake so the installed racetrace needs no
// files, and compiled here. RACETRACE_SHADER_DIR=DIR reads them from DIR
// instead (editing a shader without rebuilding; the tests break one on purpose).
#pragma once

#include "ipc/result.hpp"

#include <glad/gl.h>

#include <string>
#include <string_view>
#include <vector>

namespace racetrace {

struct EmbeddedShader {
    const char* name; ///< file name in shaders/: "lane_ticks.frag"
    const char* text;
};
const std::vector<EmbeddedShader>& embeddedShaders();

/// The text of shaders/`name`: from RACETRACE_SHADER_DIR when set, else embedded.
Result<std::string> shaderSource(std::string_view name);

/// "shaders/lane_ticks.frag:12: the shader does not compile: <the driver's
/// first message>." from a driver's info log (Mesa: "0:12(5): error: ...").
std::string shaderErrorSentence(std::string_view file, std::string_view log);

/// A linked program (deleted with this object: a GL context must be current).
class ShaderProgram {
  public:
    ShaderProgram() = default;
    ShaderProgram(const ShaderProgram&) = delete;
    ShaderProgram& operator=(const ShaderProgram&) = delete;
    ~ShaderProgram();

    /// Compiles and links shaders/`vertex` and shaders/`fragment`; the error is one sentence.
    Result<void> build(std::string_view vertex, std::string_view fragment);
    GLuint id() const { return m_program; }
    GLint uniform(const char* name) const { return glGetUniformLocation(m_program, name); }

  private:
    GLuint m_program = 0;
};

/// A GL context is current and its functions are loaded: without one (a
/// benchmark drawing into ImGui's lists only) the caller draws on the CPU.
bool glAvailable();

} // namespace racetrace
