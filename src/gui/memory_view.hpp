// The shared variables at the cursor, rebuilt from the recorded writes: flags
// and locks with their meaning ("free", "held by B"), counters as numbers, and
// records as a row of word cells coloured by the worker that last wrote each
// word, so a torn record shows two colours side by side.
#pragma once

#include "gui/view.hpp"

#include <cstdint>

namespace racetrace {

class MemoryView : public View {
  public:
    const char* title() const override { return "Memory"; }
    void draw(ViewContext& context) override;

  private:
    // The snapshot is rebuilt only when the cursor or the document changes.
    const TraceDocument* m_document = nullptr;
    std::uint64_t m_cursor = 0;
    MemorySnapshot m_snapshot;
};

} // namespace racetrace
