// File > Export in the background: a trace of millions of events takes
// seconds to write, and the window keeps drawing meanwhile. The document is
// immutable and shared, so the export reads it while a new run is made.
#pragma once

#include "session/document.hpp"
#include "session/trace_export.hpp"

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>

namespace racetrace {

class ExportJob {
  public:
    /// Starts writing `document`; false when an export is still being written.
    bool start(std::shared_ptr<const TraceDocument> document, ExportFormat format, std::string path) {
        if (busy()) return false;
        m_future = std::async(std::launch::async, [document = std::move(document), format, path = std::move(path)] {
            return exportTrace(*document, format, path);
        });
        return true;
    }
    bool busy() const { return m_future.valid(); }
    /// The outcome, once, when the export has finished.
    std::optional<Result<ExportReport>> take() {
        if (!busy() || m_future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
        return m_future.get();
    }

  private:
    std::future<Result<ExportReport>> m_future;
};

} // namespace racetrace
