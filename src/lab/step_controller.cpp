#include "lab/step_controller.hpp"

#include "trace/event_text.hpp"

#include <chrono>
#include <thread>

namespace racetrace {

namespace {
constexpr auto kStepTimeout = std::chrono::seconds(10);
} // namespace

StepController::StepController(std::unique_ptr<Run> run)
    : m_run(std::move(run)), m_granted(m_run->settings().workers, 0) {}

Result<std::unique_ptr<StepController>> StepController::start(RunOptions options, const std::string& workerExecutable) {
    options.stepping = true;
    auto run = Run::start(options, workerExecutable);
    if (!run) return fail(run.error());
    return std::unique_ptr<StepController>(new StepController(std::move(*run)));
}

Result<void> StepController::awaitAnnouncement(std::uint32_t worker, std::uint32_t beyond) {
    // A worker has announced its next access once its arrivals exceed the
    // permits it was granted; until then it is running between two accesses.
    const auto deadline = std::chrono::steady_clock::now() + kStepTimeout;
    auto& slot = m_run->workerSlot(worker);
    // A granted worker usually announces within 10-20 us; sleeping at once costs
    // ~70 us (timer slack) per step, so yield for a while first. Replays and
    // Undo make hundreds of steps.
    const auto spinUntil = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    auto wait = std::chrono::microseconds(20);
    while (slot.gateArrivals.load(std::memory_order_acquire) <= beyond) {
        m_run->pump();
        if (m_run->workerEnded(worker)) return {};
        const auto now = std::chrono::steady_clock::now();
        if (now > deadline) return fail("worker " + workerName(worker) + " did not reach its next access within 10 s.");
        if (now < spinUntil) {
            std::this_thread::yield();
            continue;
        }
        std::this_thread::sleep_for(wait);
        wait = std::min(wait * 2, std::chrono::microseconds(2000));
    }
    return {};
}

bool StepController::finished(std::uint32_t worker) {
    m_run->pump();
    if (m_run->workerEnded(worker)) return true;
    return false;
}

bool StepController::allFinished() {
    for (std::uint32_t k = 0; k < workers(); ++k)
        if (!finished(k)) return false;
    return true;
}

std::optional<PendingAccess> StepController::next(std::uint32_t worker) {
    if (worker >= workers() || m_free) return std::nullopt;
    if (!awaitAnnouncement(worker, m_granted[worker]) || m_run->workerEnded(worker)) return std::nullopt;
    return announcedAccess(m_run->workerSlot(worker));
}

Result<void> StepController::step(std::uint32_t worker) {
    if (worker >= workers()) return fail("there is no worker " + workerName(worker) + " in this run.");
    if (m_free) return fail("the workers already run freely; start a new step run to step again.");
    if (!next(worker)) return fail("worker " + workerName(worker) + " has finished its program.");
    grantStep(m_run->workerSlot(worker));
    ++m_granted[worker];
    m_schedule.push_back(worker);
    return awaitAnnouncement(worker, m_granted[worker]);
}

void StepController::runFreely() {
    m_free = true;
    for (std::uint32_t k = 0; k < workers(); ++k)
        openGate(m_run->workerSlot(k));
}

Trace StepController::finish() {
    runFreely();
    return m_run->finish();
}

std::string describeAccess(const ScenarioInfo& scenario, const PendingAccess& access) {
    return describeNextAccess(scenario, access.kind, access.variable, access.word, access.value);
}

} // namespace racetrace
