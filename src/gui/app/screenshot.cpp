#include <glad/gl.h>

#include "gui/app/screenshot.hpp"

#include "ipc/output_file.hpp"

#include <stb_image_write.h>

#include <cstdint>
#include <vector>

namespace racetrace {

Result<void> saveFramebufferPng(const std::string& path, int width, int height) {
    if (width <= 0 || height <= 0) return fail("the window has no pixels to save.");
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    // OpenGL's rows start at the bottom; PNG's at the top. The stride trick
    // (start at the last row, negative stride) flips without a copy.
    const int stride = width * 4;
    const unsigned char* lastRow =
        pixels.data() + static_cast<std::size_t>(height - 1) * static_cast<std::size_t>(stride);
    for (std::size_t i = 3; i < pixels.size(); i += 4)
        pixels[i] = 255; // opaque, whatever the clear alpha was
    // Encoded in memory, then saved safely: a full disk or a device as the
    // target gets a sentence, never "Drew ..." over a lost picture.
    std::vector<std::uint8_t> png;
    const auto append = [](void* context, void* data, int size) {
        auto* out = static_cast<std::vector<std::uint8_t>*>(context);
        const auto* bytes = static_cast<const std::uint8_t*>(data);
        out->insert(out->end(), bytes, bytes + size);
    };
    if (stbi_write_png_to_func(append, &png, width, height, 4, lastRow, -stride) == 0)
        return fail("Cannot encode the picture for " + path + ".");
    return writeFileSafely(path, png);
}

} // namespace racetrace
