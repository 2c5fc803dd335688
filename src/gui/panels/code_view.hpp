// The scenario's pseudo-code with each worker's current line marked at the
// cursor (one badge per worker, in the worker's colour).
#pragma once

#include "gui/view.hpp"

#include <cstdint>

namespace racetrace {

class CodeView : public View {
  public:
    const char* title() const override { return "Code"; }
    void draw(ViewContext& context) override;
    /// The height of the panel (title bar included) that shows every line of
    /// the code without scrolling, comments beside their code.
    float neededHeight(const ViewContext& context) const;

  private:
    /// Brings the first badged line (from `top` to `bottom`, window
    /// coordinates) into view when it moved since the last time.
    void scrollToBadges(float top, float bottom, std::uint64_t cursor, int row);
    /// The first line with a badge when the badges last moved: the listing
    /// scrolls to it once, then leaves the scroll bar to the user.
    int m_scrolledTo = -1;
    std::uint64_t m_scrolledFor = ~std::uint64_t{0};
};

} // namespace racetrace
