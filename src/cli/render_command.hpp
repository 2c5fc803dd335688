// `racetrace render` (built only with the window).
#pragma once

#include "gui/app/headless_render.hpp"

#include <string>

namespace racetrace {

int renderCommand(const std::string& path, const RenderOptions& options);

} // namespace racetrace
