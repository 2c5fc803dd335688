#include "session/lesson.hpp"

#include "lab/builtin_scenarios.hpp"

namespace racetrace {

Result<Lesson> loadLesson(const std::string& nameOrPath) {
    std::string known;
    for (const auto& builtin : builtinLessonTexts()) {
        if (nameOrPath == builtin.name) return parseLesson(builtin.text, std::string(builtin.name) + ".toml");
        known += (known.empty() ? "" : ", ") + std::string(builtin.name);
    }
    auto text = readTomlFile(nameOrPath, "lesson", known);
    if (!text) return fail(text.error());
    return parseLesson(*text, nameOrPath);
}

} // namespace racetrace
