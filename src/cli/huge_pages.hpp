// Big traces on huge pages: see huge_pages.cpp.
#pragma once

namespace racetrace {

/// Starts racetrace again with glibc's malloc asking for transparent huge
/// pages, unless the environment already says either way; returns only when
/// it did not (set already, or the restart failed).
void restartWithHugePages(char** argv);

} // namespace racetrace
