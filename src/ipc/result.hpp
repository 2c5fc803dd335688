// Errors the OS or a file gives us travel as std::expected with one sentence a
// person can read; exceptions are used only at the CLI/GUI boundary.
#pragma once

#include <expected>
#include <string>

namespace racetrace {

/// A value, or one clear sentence saying why there is none.
template <class T> using Result = std::expected<T, std::string>;

/// Shorthand for returning the sentence: `return fail("cannot open " + path);`
inline std::unexpected<std::string> fail(std::string sentence) {
    return std::unexpected<std::string>(std::move(sentence));
}

/// "<what>: <strerror(errno)>", for OS calls that set errno.
std::string errnoSentence(const std::string& what);

} // namespace racetrace
