// `racetrace render`: a trace's timeline and findings drawn into a PNG, with
// no display (built only with the window).
#include "cli/render_command.hpp"

#include "cli/commands.hpp"
#include "session/document.hpp"

#include <iostream>

namespace racetrace {

int renderCommand(const std::string& path, const RenderOptions& options) {
    auto document = loadDocument(path);
    if (!document) {
        printError(document.error());
        return kExitFailed;
    }
    if (auto rendered = renderDocumentPng(*document, options); !rendered) {
        printError(rendered.error());
        return kExitFailed;
    }
    std::cout << "Drew the timeline of " << path << " into " << options.outPath << " (" << options.width << "x"
              << options.height << ").\n";
    return kExitOk;
}

} // namespace racetrace
