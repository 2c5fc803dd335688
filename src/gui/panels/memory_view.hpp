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
    /// A variable as numbers, with its value's words ("1 (free)", "held by B").
    void drawScalar(const Theme& theme, const Trace& trace, std::uint16_t variable) const;
    /// A record as a row of word cells in the colours of their last writers.
    void drawRecord(const Theme& theme, const VariableInfo& variable) const;

    // The snapshot is rebuilt only when the cursor or the document changes.
    const TraceDocument* m_document = nullptr;
    std::uint64_t m_cursor = 0;
    MemorySnapshot m_snapshot;
};

} // namespace racetrace
