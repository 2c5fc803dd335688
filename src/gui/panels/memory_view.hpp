// The shared variables at the cursor, rebuilt from the recorded writes: flags
// and locks with their meaning ("free", "held by B"), counters as numbers, and
// records as a row of word cells coloured by the worker that last wrote each
// word, so a torn record shows two colours side by side. Below them, what each
// channel holds: one cell per message, oldest (the next to be read) first,
// coloured by its sender, against the channel's capacity.
#pragma once

#include "gui/view.hpp"

#include <cstdint>
#include <vector>

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
    /// A channel's messages at the cursor as cells in their senders' colours.
    /// "inside the critical section: A": the lock's owner, for any kind of lock.
    void drawOwner(const Theme& theme, const TraceDocument& document) const;
    void drawChannel(const Theme& theme, const Trace& trace, std::uint16_t channel) const;

    // The snapshot is rebuilt only when the cursor or the document changes.
    const TraceDocument* m_document = nullptr;
    std::uint64_t m_cursor = 0;
    MemorySnapshot m_snapshot;
    std::vector<std::uint32_t> m_inside;            ///< who holds the lock (is inside) after the cursor
    std::vector<std::vector<std::uint64_t>> m_held; ///< per channel: the Sends of the messages it holds
};

} // namespace racetrace
