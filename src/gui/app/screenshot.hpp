// Reads the current framebuffer back and writes it as a PNG (stb_image_write):
// the window's screenshot key and `racetrace render` both end here.
#pragma once

#include "ipc/result.hpp"

#include <string>

namespace racetrace {

/// Saves the bound framebuffer's colour (width x height, bottom-up in GL) as a top-down PNG.
Result<void> saveFramebufferPng(const std::string& path, int width, int height);

} // namespace racetrace
