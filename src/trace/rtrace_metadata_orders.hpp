#pragma once
// The metadata's two order records (memoryOrders, orderRepair): read and
// written here, the rest of the metadata in rtrace_metadata.cpp.

#include "trace/json_fields.hpp"
#include "trace/trace.hpp"

namespace racetrace::metadata_orders {

/// Trace::keptOrders, when the file has them (files written before they were kept have not).
void readKeptOrders(json_fields::FieldReader& r, const json_fields::Json& root, Trace& trace);
json_fields::Json encodeKeptOrders(const KeptMemoryOrders& kept);

/// Trace::orderRepair, when the file has it (files written before it was kept have not).
void readOrderRepair(json_fields::FieldReader& r, const json_fields::Json& root, Trace& trace);
json_fields::Json encodeOrderRepair(const EventOrderRepair& repair);

} // namespace racetrace::metadata_orders
