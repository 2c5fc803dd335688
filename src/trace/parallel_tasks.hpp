// Independent pieces of work spread over the machine's CPUs (two on the lab
// machines): the order searches of a trace's locations, the analysis's
// finders. Each task writes only its own result; the caller combines them in
// a fixed order, so the answer never depends on which thread ran what.
#pragma once

#include "trace/phase_timer.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <future>
#include <system_error>
#include <thread>
#include <vector>

namespace racetrace {

/// The CPUs there are to share work between (at least 1): how many threads
/// runTasks uses, and how many parts to cut work into for it.
inline std::size_t cpuCount() {
    return std::max(1u, std::thread::hardware_concurrency());
}

/// Calls task(k) once for every k in [0, count), on up to as many threads as
/// the machine has CPUs (this one among them), handing out k in rising order:
/// put the biggest tasks first. When a task throws, the others not yet begun
/// are skipped and the first exception is rethrown here, after every thread
/// has stopped. Fewer threads (down to this one alone) when the system refuses
/// more. The tasks' phases stop as the caller's do (trace/phase_timer.hpp:
/// CancelPhasesWhen), whichever thread runs them.
template <typename Task> void runTasks(std::size_t count, const Task& task) {
    const std::size_t threads = std::min(count, cpuCount());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    const auto work = [&] {
        for (std::size_t k = next++; k < count && !failed; k = next++) {
            try {
                task(k);
            } catch (...) {
                failed = true;
                throw;
            }
        }
    };
    const std::atomic<bool>* cancel = detail::t_cancelFlag; // thread-local: handed to each helper
    const auto helperWork = [&] {
        detail::t_cancelFlag = cancel; // a thread of its own, which ends with the work
        work();
    };
    std::vector<std::future<void>> helpers;
    for (std::size_t t = 1; t < threads; ++t) {
        try {
            helpers.push_back(std::async(std::launch::async, helperWork));
        } catch (const std::system_error&) {
            break; // no thread to be had: the ones running share the rest
        }
    }
    std::exception_ptr error;
    try {
        work();
    } catch (...) {
        error = std::current_exception();
    }
    for (auto& helper : helpers) {
        try {
            helper.get();
        } catch (...) {
            if (!error) error = std::current_exception();
        }
    }
    if (error) std::rethrow_exception(error);
}

} // namespace racetrace
