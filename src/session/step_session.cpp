#include "session/step_session.hpp"

#include "trace/event_text.hpp"

#include <algorithm>

namespace racetrace {

namespace {

RunOptions stepOptions(RunOptions options) {
    if (options.workers != 0) options.workers = std::min<std::uint32_t>(options.workers, StepSession::kMaxWorkers);
    if (options.iterations == 0 || options.iterations > 20) options.iterations = StepSession::kIterations;
    options.windowNs = 0;
    options.traceEnabled = true;
    options.stepping = true;
    return options;
}

} // namespace

Result<std::unique_ptr<StepSession>> StepSession::start(RunOptions options) {
    options = stepOptions(std::move(options));
    if (auto valid = validateRunOptions(options); !valid) return fail(valid.error());
    auto controller = StepController::start(options);
    if (!controller) return fail(controller.error());
    return std::unique_ptr<StepSession>(new StepSession(std::move(options), std::move(*controller)));
}

StepSession::StepSession(RunOptions options, std::unique_ptr<StepController> controller)
    : m_options(std::move(options)), m_controller(std::move(controller)) {
    readNextAccesses();
}

void StepSession::readNextAccesses() {
    m_next.assign(workers(), std::nullopt);
    m_blocked.assign(workers(), std::nullopt);
    m_stuck.clear();
    if (m_free) return;
    for (std::uint32_t k = 0; k < workers(); ++k) {
        m_next[k] = m_controller->next(k);
        if (!m_next[k]) m_blocked[k] = m_controller->blockedIn(k);
    }
    m_stuck = m_controller->stuck();
}

std::string StepSession::describeNext(std::uint32_t worker) const {
    const ScenarioInfo& scenario = m_controller->scenario().info;
    if (blocked(worker)) return describeBlocked(scenario, m_blocked[worker]->first, m_blocked[worker]->second);
    if (worker >= m_next.size() || !m_next[worker]) return {};
    return describeAccess(scenario, *m_next[worker]);
}

Result<void> StepSession::step(std::uint32_t worker) {
    if (m_free || worker >= workers()) return fail("the workers already ran freely; Undo goes back to stepping.");
    auto stepped = m_controller->step(worker);
    if (stepped) m_schedule.push_back(worker);
    readNextAccesses();
    return stepped;
}

Result<void> StepSession::replace(const RunOptions& options, const std::vector<std::uint32_t>& schedule) {
    m_controller.reset(); // kill the old workers first
    auto controller = StepController::start(options);
    if (!controller) return fail(controller.error());
    m_controller = std::move(*controller);
    m_options = options;
    m_schedule.clear();
    m_free = false;
    m_killedAt.reset();
    for (const std::uint32_t worker : schedule) {
        if (auto stepped = m_controller->step(worker); !stepped) {
            readNextAccesses();
            return fail("Could not replay the steps: " + stepped.error());
        }
        m_schedule.push_back(worker);
    }
    readNextAccesses();
    return {};
}

Result<void> StepSession::kill(std::uint32_t worker) {
    if (m_free || worker >= workers()) return fail("the workers already ran freely; Undo goes back to stepping.");
    if (m_killedAt) return fail("a worker was killed already; Undo brings it back.");
    auto killed = m_controller->kill(worker);
    if (killed) {
        m_killedAt = m_schedule.size();
        m_killedWorker = worker;
    }
    readNextAccesses();
    return killed;
}

Result<std::size_t> StepSession::undo() {
    std::vector<std::uint32_t> schedule = m_schedule;
    if (m_killedAt) // back to just before the kill: a killed process cannot step back
        schedule.resize(*m_killedAt);
    else if (!m_free && !schedule.empty()) // after running freely, back to the last stepped state
        schedule.pop_back();
    if (auto replaced = replace(m_options, schedule); !replaced) return fail(replaced.error());
    return schedule.size();
}

Result<void> StepSession::restart(const RunOptions& options) {
    return replace(stepOptions(options), {});
}

std::string StepSession::label() const {
    const std::string steps = std::to_string(m_schedule.size()) + (m_schedule.size() == 1 ? " step" : " steps");
    return m_options.scenario + (m_free ? ", " + steps + ", then ran freely" : ", stepping: " + steps);
}

std::shared_ptr<const TraceDocument> StepSession::runFreely() {
    Trace trace = m_controller->finish();
    m_free = true;
    readNextAccesses();
    return buildDocument(std::move(trace), label(), "");
}

std::shared_ptr<const TraceDocument> StepSession::liveDocument() {
    Trace trace = m_controller->snapshot();
    // The run is half done: "counter = 0 but 6 were expected" would be noise.
    trace.scenario.invariants.clear();
    return buildDocument(std::move(trace), label(), "");
}

} // namespace racetrace
