#include "trace/rtrace_metadata_orders.hpp"

#include "trace/modification_order.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace racetrace::metadata_orders {

using json_fields::describe;
using json_fields::FieldReader;
using json_fields::indexField;
using json_fields::joinField;
using json_fields::Json;

namespace {

/// A kept source as the file holds it: the write's event index, or one of these.
constexpr std::int64_t kFileInitialValue = -1, kFileNoWrite = -2;

/// A [a, b] pair of whole numbers; `b` goes through `second` (a conversion that may fail).
template <class A, class B, class Second>
void readPair(FieldReader& r, const Json& value, const std::string& path, std::pair<A, B>& out, std::string_view shape,
              Second second) {
    if (!r.ok()) return;
    if (!value.is_array() || value.size() != 2)
        return r.failField(path, "should be a pair " + std::string(shape) + " but is " + describe(value));
    r.convert(value[0], indexField(path, 0), out.first);
    second(value[1], indexField(path, 1), out.second);
}

void readSource(FieldReader& r, const Json& value, const std::string& path, std::uint64_t& out) {
    std::int64_t source = 0;
    r.convert(value, path, source);
    if (r.ok() && source < kFileNoWrite)
        r.failField(path, "is " + std::to_string(source) + ", which is not an event, -1 or -2");
    out = source == kFileInitialValue ? kInitialValue
          : source == kFileNoWrite    ? kNoEvent
                                      : static_cast<std::uint64_t>(source);
}

/// A list of pairs whose first numbers must go up (the readers walk them with a cursor).
template <class Pairs> void requireAscending(FieldReader& r, const Pairs& pairs, const std::string& field) {
    const auto notAbove = [](const auto& a, const auto& b) { return a.first >= b.first; };
    if (std::adjacent_find(pairs.begin(), pairs.end(), notAbove) != pairs.end())
        r.failField(field, "should list each one once, in ascending order");
}

void readKeptLocation(FieldReader& r, const Json& value, const std::string& path,
                      KeptMemoryOrders::Location& location) {
    const Json* j = r.asObject(value, path);
    if (!j) return;
    r.read(*j, "variable", path, location.variable);
    r.read(*j, "word", path, location.word);
    r.read(*j, "conflicts", path, location.conflicts);
    const auto plain = [&r](const Json& v, const std::string& p, std::uint64_t& out) { r.convert(v, p, out); };
    r.readList(
        *j, "writesUnlikeTraceOrder", path, location.writesUnlikeTraceOrder,
        [&](const Json& v, const std::string& p, auto& out) { readPair(r, v, p, out, "[position, write]", plain); });
    requireAscending(r, location.writesUnlikeTraceOrder, joinField(path, "writesUnlikeTraceOrder"));
}

} // namespace

void readKeptOrders(FieldReader& r, const Json& root, Trace& trace) {
    trace.keptOrders.reset();
    if (!r.has(root, "memoryOrders")) return;
    const Json* j = r.object(root, "memoryOrders", "");
    if (!j) return;
    KeptMemoryOrders kept;
    const std::string path = "memoryOrders";
    const auto source = [&r](const Json& v, const std::string& p, std::uint64_t& out) { readSource(r, v, p, out); };
    r.readList(
        *j, "readsUnlikeTraceOrder", path, kept.readsUnlikeTraceOrder,
        [&](const Json& v, const std::string& p, auto& out) { readPair(r, v, p, out, "[read, write]", source); });
    requireAscending(r, kept.readsUnlikeTraceOrder, joinField(path, "readsUnlikeTraceOrder"));
    r.readList(*j, "locations", path, kept.locations,
               [&r](const Json& v, const std::string& p, auto& out) { readKeptLocation(r, v, p, out); });
    const auto word = [&r](const Json& v, const std::string& p, std::uint32_t& out) { r.convert(v, p, out); };
    r.readList(*j, "searched", path, kept.searched, [&](const Json& v, const std::string& p, auto& out) {
        readPair(r, v, p, out, "[variable, word]", word);
    });
    if (r.ok()) trace.keptOrders = std::move(kept);
}

Json encodeKeptOrders(const KeptMemoryOrders& kept) {
    Json reads = Json::array();
    for (const auto& [read, write] : kept.readsUnlikeTraceOrder) {
        const Json source = write == kInitialValue ? Json(kFileInitialValue)
                            : write == kNoEvent    ? Json(kFileNoWrite)
                                                   : Json(write);
        reads.push_back(Json::array({read, source}));
    }
    Json locations = Json::array();
    for (const KeptMemoryOrders::Location& location : kept.locations) {
        Json writes = Json::array();
        for (const auto& [position, write] : location.writesUnlikeTraceOrder)
            writes.push_back(Json::array({position, write}));
        locations.push_back(Json{{"variable", location.variable},
                                 {"word", location.word},
                                 {"conflicts", location.conflicts},
                                 {"writesUnlikeTraceOrder", std::move(writes)}});
    }
    Json searched = Json::array();
    for (const auto& [variable, word] : kept.searched)
        searched.push_back(Json::array({variable, word}));
    return Json{{"readsUnlikeTraceOrder", std::move(reads)},
                {"locations", std::move(locations)},
                {"searched", std::move(searched)}};
}

void readOrderRepair(FieldReader& r, const Json& root, Trace& trace) {
    trace.orderRepair.reset();
    if (!r.has(root, "orderRepair")) return;
    const Json* j = r.object(root, "orderRepair", "");
    if (!j) return;
    EventOrderRepair repair;
    r.read(*j, "moved", "orderRepair", repair.moved);
    r.read(*j, "restamped", "orderRepair", repair.restamped);
    r.read(*j, "maxShiftNs", "orderRepair", repair.maxShiftNs);
    r.read(*j, "conflicts", "orderRepair", repair.conflicts);
    if (r.has(*j, "conflictEvents")) {
        const auto number = [&r](const Json& v, const std::string& p, std::uint32_t& out) { r.convert(v, p, out); };
        std::vector<std::pair<std::uint32_t, std::uint32_t>> ids;
        r.readList(*j, "conflictEvents", "orderRepair", ids, [&](const Json& v, const std::string& p, auto& out) {
            readPair(r, v, p, out, "[worker, seq]", number);
        });
        for (const auto& [worker, seq] : ids)
            if (repair.conflictEvents.size() < EventOrderRepair::kMostListed)
                repair.conflictEvents.push_back({worker, seq});
    }
    if (r.ok()) trace.orderRepair = repair;
}

Json encodeOrderRepair(const EventOrderRepair& repair) {
    Json events = Json::array();
    for (const EventOrderRepair::EventId& id : repair.conflictEvents)
        events.push_back(Json::array({id.worker, id.seq}));
    return Json{{"moved", repair.moved},
                {"restamped", repair.restamped},
                {"maxShiftNs", repair.maxShiftNs},
                {"conflicts", repair.conflicts},
                {"conflictEvents", std::move(events)}};
}

} // namespace racetrace::metadata_orders
