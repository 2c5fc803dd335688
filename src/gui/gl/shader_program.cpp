#include "gui/gl/shader_program.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace racetrace {

Result<std::string> shaderSource(std::string_view name) {
    if (const char* dir = std::getenv("RACETRACE_SHADER_DIR"); dir != nullptr && *dir != '\0') {
        const std::string path = std::string(dir) + "/" + std::string(name);
        std::ifstream in(path, std::ios::binary);
        if (!in) return fail("cannot read the shader " + path + " (RACETRACE_SHADER_DIR is set).");
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
    for (const EmbeddedShader& shader : embeddedShaders())
        if (name == shader.name) return std::string(shader.text);
    return fail("shaders/" + std::string(name) + " is not built into this racetrace.");
}

std::string shaderErrorSentence(std::string_view file, std::string_view log) {
    std::string_view first = log.substr(0, log.find('\n'));
    while (!first.empty() && std::isspace(static_cast<unsigned char>(first.back())))
        first.remove_suffix(1);
    // Mesa and most drivers start with "0:LINE(COLUMN): " or "0(LINE) : ": find the line.
    std::string line;
    if (const auto colon = first.find(':'); colon != std::string_view::npos && colon < 4) {
        std::size_t at = colon + 1;
        while (at < first.size() && std::isdigit(static_cast<unsigned char>(first[at])))
            line += first[at++];
        if (const auto close = first.find(": ", at); !line.empty() && close != std::string_view::npos)
            first.remove_prefix(close + 2);
    }
    std::string sentence = "shaders/" + std::string(file) + (line.empty() ? "" : ":" + line) +
                           ": the shader does not compile: " + std::string(first.empty() ? "no message" : first);
    if (sentence.back() != '.') sentence += '.';
    return sentence;
}

namespace {

std::string infoLog(GLuint object, bool program) {
    GLint length = 0;
    program ? glGetProgramiv(object, GL_INFO_LOG_LENGTH, &length) : glGetShaderiv(object, GL_INFO_LOG_LENGTH, &length);
    std::string log(static_cast<std::size_t>(std::max(length, 1)), '\0');
    program ? glGetProgramInfoLog(object, length, nullptr, log.data())
            : glGetShaderInfoLog(object, length, nullptr, log.data());
    log.resize(log.find('\0') == std::string::npos ? log.size() : log.find('\0'));
    return log;
}

Result<GLuint> compile(GLenum stage, std::string_view name) {
    auto source = shaderSource(name);
    if (!source) return fail(source.error());
    const GLuint shader = glCreateShader(stage);
    const char* text = source->c_str();
    glShaderSource(shader, 1, &text, nullptr);
    glCompileShader(shader);
    GLint ok = GL_FALSE;
    glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
    if (ok == GL_TRUE) return shader;
    std::string sentence = shaderErrorSentence(name, infoLog(shader, false));
    glDeleteShader(shader);
    return fail(std::move(sentence));
}

} // namespace

ShaderProgram::~ShaderProgram() {
    if (m_program != 0) glDeleteProgram(m_program);
}

Result<void> ShaderProgram::build(std::string_view vertex, std::string_view fragment) {
    auto vs = compile(GL_VERTEX_SHADER, vertex);
    if (!vs) return fail(vs.error());
    auto fs = compile(GL_FRAGMENT_SHADER, fragment);
    if (!fs) {
        glDeleteShader(*vs);
        return fail(fs.error());
    }
    m_program = glCreateProgram();
    glAttachShader(m_program, *vs);
    glAttachShader(m_program, *fs);
    glLinkProgram(m_program);
    glDeleteShader(*vs);
    glDeleteShader(*fs);
    GLint ok = GL_FALSE;
    glGetProgramiv(m_program, GL_LINK_STATUS, &ok);
    if (ok == GL_TRUE) return {};
    const std::string log = infoLog(m_program, true);
    glDeleteProgram(m_program);
    m_program = 0;
    return fail("shaders/" + std::string(vertex) + " and " + std::string(fragment) +
                " do not link: " + log.substr(0, log.find('\n')) + ".");
}

bool glAvailable() {
    // glad leaves its pointers null until a context's functions were loaded.
    return glad_glCreateShader != nullptr && glad_glGetString != nullptr && glGetString(GL_VERSION) != nullptr;
}

} // namespace racetrace
