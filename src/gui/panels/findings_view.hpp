// Every finding with its plain sentence, the counts per kind and the invariant
// results. Clicking a finding selects it; the timeline, memory and code views
// follow through the ViewState.
#pragma once

#include "gui/view.hpp"

namespace racetrace {

class FindingsView : public View {
  public:
    const char* title() const override { return "Findings"; }
    void draw(ViewContext& context) override;

  private:
    /// Every finding, one line each, clipped to what is visible.
    void drawList(ViewContext& context);

    int m_scrolledTo = -1; ///< the selection the list last scrolled to
};

} // namespace racetrace
