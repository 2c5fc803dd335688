#include "gui/run_session.hpp"

#include "trace/rtrace_file.hpp"

#include <chrono>
#include <ctime>

namespace racetrace {

namespace {
std::string clockTime() {
    const std::time_t now = std::time(nullptr);
    char text[16];
    std::strftime(text, sizeof text, "%H:%M:%S", std::localtime(&now));
    return text;
}

std::string baseName(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}
} // namespace

RunSession::~RunSession() {
    m_closing.store(true);
    stop();
    join();
}

void RunSession::join() {
    if (m_thread.joinable()) m_thread.join();
}

void RunSession::finishWith(Result<std::shared_ptr<const TraceDocument>> result) {
    std::lock_guard lock(m_mutex);
    if (result) m_result = std::move(*result);
    else m_error = result.error();
    m_run.reset();
    m_busy.store(false);
}

bool RunSession::startRun(const RunOptions& options) {
    if (m_busy.load()) return false;
    join();
    m_busy.store(true);
    m_thread = std::thread([this, options] {
        auto run = Run::start(options);
        if (!run) return finishWith(std::unexpected(run.error()));
        Run* raw = run->get();
        {
            std::lock_guard lock(m_mutex);
            m_run = std::move(*run);
        }
        while (raw->pump()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        // Closing the window: the workers are dead; merging and analysing what
        // they recorded would only keep the window frozen on its way out.
        if (m_closing.load()) return finishWith(std::unexpected(std::string("the window was closed.")));
        Trace trace = raw->finish();
        const std::string label = trace.scenario.name + ", run at " + clockTime();
        finishWith(buildDocument(std::move(trace), label, ""));
    });
    return true;
}

bool RunSession::startLoad(const std::string& path) {
    if (m_busy.load()) return false;
    join();
    m_busy.store(true);
    m_thread = std::thread([this, path] {
        auto trace = loadRtrace(path);
        if (!trace) return finishWith(std::unexpected(trace.error()));
        finishWith(buildDocument(std::move(*trace), baseName(path), path));
    });
    return true;
}

void RunSession::stop() {
    std::lock_guard lock(m_mutex);
    if (m_run) m_run->requestStop();
}

RunProgress RunSession::progress() const {
    std::lock_guard lock(m_mutex);
    return m_run ? m_run->progress() : RunProgress{};
}

std::shared_ptr<const TraceDocument> RunSession::takeResult() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_result, nullptr);
}

std::optional<std::string> RunSession::takeError() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_error, std::nullopt);
}

} // namespace racetrace
