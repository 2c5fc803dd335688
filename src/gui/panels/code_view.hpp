// The scenario's pseudo-code with each worker's current line marked at the
// cursor (one badge per worker, in the worker's colour).
#pragma once

#include "gui/view.hpp"

namespace racetrace {

class CodeView : public View {
  public:
    const char* title() const override { return "Code"; }
    void draw(ViewContext& context) override;
};

} // namespace racetrace
