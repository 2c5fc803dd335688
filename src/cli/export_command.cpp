// `racetrace export`: a saved trace written for other tools (Perfetto and
// Chrome's trace viewer, a spreadsheet): session/trace_export.hpp does the work.
#include "cli/commands.hpp"
#include "cli/progress_line.hpp"

#include "session/document.hpp"
#include "session/trace_export.hpp"

#include <cstdio>

namespace racetrace {

int exportCommand(const ExportCommand& command) {
    const auto format = exportFormatFromName(command.format);
    if (!format) {
        printError("'" + command.format + "' is not a format racetrace exports; use chrome or csv.");
        return kExitUsage;
    }
    ProgressLine progress;
    const auto document = loadDocument(command.path, DocumentUse::Summary);
    if (!document) {
        progress.stop();
        printError(document.error());
        return kExitFailed;
    }
    const std::string out = command.out.empty() ? defaultExportPath(command.path, *format) : command.out;
    const auto report = exportTrace(**document, *format, out);
    progress.stop();
    if (!report) {
        printError(report.error());
        return kExitFailed;
    }
    std::printf("%s\n", exportSentence(*report).c_str());
    return kExitOk;
}

} // namespace racetrace
