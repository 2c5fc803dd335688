// A saved trace is analysed as the run analysed it. The run worked out each
// location's modification order (trace/modification_order.hpp) and put the
// events in an order that nearly always agrees with it; the file keeps only
// where it does not (Trace::keptOrders). Reading the file back must give the
// run's orders again, read off the saved order instead of searched, and so
// the run's findings.
#include "analysis/findings.hpp"
#include "support/integration_support.hpp"
#include "trace/modification_order.hpp"
#include "trace/rtrace_file.hpp"

#include <algorithm>

using namespace racetrace;
using namespace racetrace::testing;

namespace {

/// The trace as a file would give it back.
Trace savedAndRead(const Trace& trace) {
    const std::vector<std::uint8_t> bytes = encodeRtrace(trace);
    auto read = decodeRtrace(bytes.data(), bytes.size());
    if (!read) FAIL("the saved trace did not read back: " << read.error());
    return std::move(*read);
}

bool isSearched(const KeptMemoryOrders& kept, const ModificationOrder& order) {
    return std::find(kept.searched.begin(), kept.searched.end(), std::pair{order.variable, order.word}) !=
           kept.searched.end();
}

} // namespace

TEST_CASE("a saved trace gives back the run's modification orders and its findings",
          "[integration][analysis][saved-orders]") {
    for (const std::string scenario : {"naive-flag", "no-sync", "tas-mutex", "ticket-lock", "peterson"}) {
        DYNAMIC_SECTION(scenario) {
            Trace trace = runOrFail(options(scenario, 2, 20'000, 2'000));
            REQUIRE(trace.droppedTotal() == 0);
            REQUIRE(trace.memoryOrders);
            const Analysis ran = analyse(trace);
            trace.keptOrders = keepMemoryOrders(trace);
            REQUIRE(trace.keptOrders);
            const KeptMemoryOrders& kept = *trace.keptOrders;
            INFO(kept.readsUnlikeTraceOrder.size() << " reads and " << kept.locations.size() << " locations kept, "
                                                   << kept.searched.size() << " searched");

            const Trace read = savedAndRead(trace);
            REQUIRE(read.keptOrders);
            const std::vector<ModificationOrder> orders = modificationOrders(read);
            const std::vector<ModificationOrder>& run = *trace.memoryOrders;
            REQUIRE(orders.size() == run.size());
            std::size_t given = 0; // locations given back rather than searched
            for (std::size_t k = 0; k < run.size(); ++k) {
                INFO("variable " << run[k].variable << " word " << run[k].word);
                REQUIRE(orders[k].variable == run[k].variable);
                REQUIRE(orders[k].word == run[k].word);
                if (isSearched(kept, run[k])) continue;
                ++given;
                CHECK(orders[k].writes == run[k].writes);
                CHECK(orders[k].sources == run[k].sources);
                CHECK(orders[k].conflicts == run[k].conflicts);
                CHECK(orders[k].unsourced == run[k].unsourced);
            }
            CHECK(given > 0);
            const Analysis again = analyse(read);
            CHECK(again.sameCounts(ran));
            CHECK(again.headline == ran.headline);
        }
    }
}
