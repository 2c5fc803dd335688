#include "lab/step_controller.hpp"

#include "trace/event_text.hpp"

#include <chrono>
#include <thread>

namespace racetrace {

namespace {
constexpr auto kStepTimeout = std::chrono::seconds(10);

bool isChannelCall(EventKind kind) {
    return kind == EventKind::Send || kind == EventKind::Receive;
}
} // namespace

StepController::StepController(std::unique_ptr<Run> run)
    : m_run(std::move(run)), m_granted(m_run->settings().workers, 0) {}

Result<std::unique_ptr<StepController>> StepController::start(RunOptions options, const std::string& workerExecutable) {
    options.stepping = true;
    auto run = Run::start(options, workerExecutable);
    if (!run) return fail(run.error());
    return std::unique_ptr<StepController>(new StepController(std::move(*run)));
}

WorkerStep StepController::state(std::uint32_t worker) {
    // A worker's slot says at once where a live worker waits; only one on its
    // way may have ended, which pump() finds out by asking the kernel about
    // every worker (waitpid). Asking first, on every look, made 43 waitpid
    // calls a step: 93 % of a replay's system time (strace -c).
    if (!m_run->workerEnded(worker)) {
        const WorkerSlot& slot = m_run->workerSlot(worker);
        // A worker has announced its next access once its arrivals exceed the
        // permits it was granted; a blocked one has answered every check.
        if (slot.gateArrivals.load(std::memory_order_acquire) > m_granted[worker]) return WorkerStep::AtGate;
        if (slot.blocked.load(std::memory_order_acquire) != 0 && checkAnswered(slot)) return WorkerStep::Blocked;
    }
    m_run->pump();
    return m_run->workerEnded(worker) ? WorkerStep::Finished : WorkerStep::Running;
}

void StepController::pumpNowAndThen() {
    // Pumping asks the kernel about every worker (waitpid, ~15 us here): once a
    // millisecond drains the rings long before they fill, and state() pumps
    // whenever a worker may have ended.
    const auto now = std::chrono::steady_clock::now();
    if (now < m_nextPump) return;
    m_run->pump();
    m_nextPump = now + std::chrono::milliseconds(1);
}

Result<void> StepController::settle(std::uint32_t worker) {
    const auto deadline = std::chrono::steady_clock::now() + kStepTimeout;
    // A granted worker usually announces within 10-20 us; sleeping at once costs
    // ~70 us (timer slack) per step, so yield for a while first. Replays and
    // Undo make hundreds of steps.
    const auto spinUntil = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    auto wait = std::chrono::microseconds(20);
    while (state(worker) == WorkerStep::Running || !checkAnswered(m_run->workerSlot(worker))) {
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

Result<void> StepController::check(std::uint32_t worker) {
    requestCheck(m_run->workerSlot(worker));
    return settle(worker);
}

Result<void> StepController::wakeBlocked() {
    // One worker's try can make room for another (a reader empties a full
    // pipe): go round until a whole round wakes nobody.
    for (bool woke = true; woke;) {
        woke = false;
        for (std::uint32_t k = 0; k < workers(); ++k) {
            if (state(k) != WorkerStep::Blocked || !wakesAfterSteps(k)) continue;
            if (auto checked = check(k); !checked) return checked;
            woke = woke || state(k) != WorkerStep::Blocked;
        }
    }
    return {};
}

bool StepController::wakesAfterSteps(std::uint32_t worker) {
    if (m_wake == Wake::Every) return true;
    // A lock may have been released by any step: try again.
    if (blockedOnLock(m_run->workerSlot(worker).blocked.load(std::memory_order_acquire))) return true;
    const auto blocked = blockedIn(worker);
    return blocked && scenario().info.channels[blocked->first].kind == ChannelKind::Queue;
}

Result<void> StepController::refreshOutlooks() {
    for (std::uint32_t k = 0; k < workers(); ++k) {
        if (state(k) != WorkerStep::AtGate || !isChannelCall(announcedAccess(m_run->workerSlot(k)).kind)) continue;
        if (auto checked = check(k); !checked) return checked;
    }
    return {};
}

WorkerStep StepController::where(std::uint32_t worker) {
    if (worker >= workers()) return WorkerStep::Finished;
    if (m_free) return finished(worker) ? WorkerStep::Finished : WorkerStep::Running;
    if (!settle(worker)) return WorkerStep::Running;
    return state(worker);
}

bool StepController::finished(std::uint32_t worker) {
    m_run->pump();
    return m_run->workerEnded(worker);
}

bool StepController::allFinished() {
    for (std::uint32_t k = 0; k < workers(); ++k)
        if (!finished(k)) return false;
    return true;
}

std::optional<PendingAccess> StepController::next(std::uint32_t worker) {
    if (worker >= workers() || m_free || where(worker) != WorkerStep::AtGate) return std::nullopt;
    return announcedAccess(m_run->workerSlot(worker));
}

std::optional<std::pair<std::uint16_t, bool>> StepController::blockedIn(std::uint32_t worker) {
    if (worker >= workers() || m_free || where(worker) != WorkerStep::Blocked) return std::nullopt;
    const std::uint32_t word = m_run->workerSlot(worker).blocked.load(std::memory_order_acquire);
    if (word == 0 || blockedOnLock(word) || blockedChannel(word) >= scenario().info.channels.size())
        return std::nullopt;
    return std::pair{blockedChannel(word), blockedSending(word)};
}

Result<void> StepController::step(std::uint32_t worker, std::uint32_t count) {
    if (worker >= workers()) return fail("there is no worker " + workerName(worker) + " in this run.");
    if (m_free) return fail("the workers already run freely; start a new step run to step again.");
    switch (where(worker)) {
    case WorkerStep::AtGate: break;
    case WorkerStep::Blocked:
        if (blockedOnLock(m_run->workerSlot(worker).blocked.load(std::memory_order_acquire)))
            return fail("worker " + workerName(worker) +
                        " waits for a lock another worker holds; step that worker until it releases it.");
        return fail("worker " + workerName(worker) +
                    " is blocked in a channel call; step another worker to give it data or space.");
    case WorkerStep::Finished: return fail("worker " + workerName(worker) + " has finished its program.");
    case WorkerStep::Running:
        return fail("worker " + workerName(worker) + " did not reach its next access within 10 s.");
    }
    grantStep(m_run->workerSlot(worker), count);
    m_granted[worker] += count;
    m_schedule.insert(m_schedule.end(), count, worker);
    pumpNowAndThen();
    if (auto settled = settle(worker); !settled) return settled;
    if (auto woken = wakeBlocked(); !woken) return woken;
    return refreshOutlooks();
}

Result<void> StepController::retryBlockedOn(std::uint16_t channel) {
    for (std::uint32_t k = 0; k < workers(); ++k) {
        const auto blocked = blockedIn(k);
        if (!blocked || blocked->first != channel) continue;
        if (auto retried = retry(k); !retried) return fail(retried.error());
    }
    return refreshOutlooks();
}

Result<bool> StepController::retry(std::uint32_t worker) {
    if (worker >= workers() || m_free || where(worker) != WorkerStep::Blocked) return false;
    if (auto checked = check(worker); !checked) return fail(checked.error());
    return state(worker) != WorkerStep::Blocked;
}

std::string StepController::stuck() {
    if (m_free) return {};
    std::vector<std::string> waits;
    for (std::uint32_t k = 0; k < workers(); ++k) {
        const WorkerStep where = this->where(k);
        if (where == WorkerStep::AtGate || where == WorkerStep::Running) return {};
        if (const auto blocked = blockedIn(k))
            waits.push_back(workerName(k) + " is " + describeBlocked(scenario().info, blocked->first, blocked->second));
    }
    if (waits.empty()) return {};
    if (std::string forever = m_run->describeBlockedForever(); !forever.empty()) return forever;
    std::string sentence = "No step is possible: ";
    for (std::size_t i = 0; i < waits.size(); ++i)
        sentence += (i == 0 ? "" : i + 1 == waits.size() ? " and " : ", ") + waits[i];
    return sentence + ", and no other worker is left to end the wait.";
}

Result<void> StepController::kill(std::uint32_t worker) {
    if (worker >= workers()) return fail("there is no worker " + workerName(worker) + " in this run.");
    if (finished(worker)) return fail("worker " + workerName(worker) + " has already ended.");
    m_run->requestKill(worker);
    m_killed = true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!finished(worker)) {
        if (std::chrono::steady_clock::now() > deadline)
            return fail("worker " + workerName(worker) + " did not die within 5 s of SIGKILL.");
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return {};
}

void StepController::runFreely() {
    m_free = true;
    // Free now, a run can hang like any other: after a kill the others may
    // spin on a lock nobody will release, so the watchdog steps in after 1 s.
    m_run->leaveStepping(m_killed ? 1.0 : m_run->settings().watchdogSeconds);
    for (std::uint32_t k = 0; k < workers(); ++k)
        openGate(m_run->workerSlot(k));
}

Trace StepController::finish() {
    runFreely();
    return m_run->finish();
}

namespace {

std::string callWords(const ChannelInfo& channel, bool sending) {
    if (channel.kind == ChannelKind::Pipe) return sending ? "write into " : "read from ";
    return sending ? "send into " : "receive from ";
}

std::string outlookWords(const PendingAccess& access, bool sending) {
    const bool waits = access.word != 0;
    switch (access.outlook) {
    case CallOutlook::MustWait:
        return std::string(" (") + (sending ? "full" : "empty") + ": " +
               (waits ? "will block" : "fails at once with EAGAIN") + ")";
    case CallOutlook::MayWait: return " (no free page: may block)";
    case CallOutlook::EndOfFile: return " (empty and no write end left: end-of-file)";
    case CallOutlook::Broken: return " (nobody holds the read end: EPIPE)";
    default: return {};
    }
}

} // namespace

std::string describeAccess(const ScenarioInfo& scenario, const PendingAccess& access) {
    if (!isChannelCall(access.kind) || access.variable >= scenario.channels.size())
        return describeNextAccess(scenario, access.kind, access.variable, access.word, access.value);
    const bool sending = access.kind == EventKind::Send;
    const ChannelInfo& channel = scenario.channels[access.variable];
    return (access.word == 0 ? "try to " : "") + callWords(channel, sending) + channel.displayName() +
           outlookWords(access, sending);
}

std::string describeBlocked(const ScenarioInfo& scenario, std::uint16_t channel, bool sending) {
    if (channel >= scenario.channels.size()) return "blocked";
    const ChannelInfo& info = scenario.channels[channel];
    return "blocked in " + callWords(info, sending) + info.displayName() + (sending ? " (full)" : " (empty)");
}

} // namespace racetrace
