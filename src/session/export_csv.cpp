// The CSV export: one row per event, and in a second file one row per
// finding, quoted as RFC 4180 says (a field with a comma, a quote or a line
// break is put in quotes, its quotes doubled; lines end in CRLF).
#include "analysis/finders.hpp"
#include "analysis/plain_words.hpp"
#include "session/document.hpp"
#include "session/export_file.hpp"
#include "trace/event_text.hpp"

#include <string>
#include <string_view>

namespace racetrace {

namespace {

constexpr std::string_view kEventHeader = "time_ns,worker,pid,cpu,kind,variable,word,value,line,code,text\r\n";
constexpr std::string_view kFindingHeader = "kind,workers,start_ns,end_ns,variable,sentence\r\n";

/// Appends one field and the comma after it (the last field of a row ends it instead).
class CsvRow {
  public:
    void text(std::string_view field) {
        if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
            m_row += field;
        } else {
            m_row += '"';
            for (const char c : field) {
                if (c == '"') m_row += '"';
                m_row += c;
            }
            m_row += '"';
        }
        m_row += ',';
    }
    template <class Integer> void number(Integer value) {
        m_row += std::to_string(value);
        m_row += ',';
    }
    void empty() { m_row += ','; }
    /// The row, its last comma replaced by the line's end; then starts the next.
    std::string_view finish() {
        m_row.pop_back();
        m_row += "\r\n";
        m_done.swap(m_row);
        m_row.clear();
        return m_done;
    }

  private:
    std::string m_row, m_done;
};

void addEventRow(CsvRow& row, const Trace& trace, const Event& e) {
    const EventKindInfo& info = eventKindInfo(e.kind);
    row.number(e.timestamp);
    row.text(workerName(e.worker));
    row.number(e.worker < trace.workers.size() ? trace.workers[e.worker].pid : 0);
    row.number(e.cpu);
    row.text(info.name);
    if (info.onChannel) {
        row.text(channelName(trace.scenario, e.variable));
        row.empty();
    } else if (e.variable != kNoVariable) {
        row.text(variableName(trace.scenario, e.variable));
        row.number(wordOf(e));
    } else {
        row.empty();
        row.empty();
    }
    if (info.value != ValueMeaning::None)
        row.number(e.value);
    else
        row.empty();
    const ProgramInfo* program = trace.programOf(e.worker);
    if (info.exportCategory != ExportCategory::Lifecycle && program && e.line < program->lines.size()) {
        row.number(e.line + 1);
        row.text(program->lines[e.line].text);
    } else {
        row.empty();
        row.empty();
    }
    row.text(describeEvent(trace.scenario, e));
}

} // namespace

void writeEventsCsv(const Trace& trace, ExportFile& file) {
    file.write(kEventHeader);
    CsvRow row;
    for (const Event& e : trace.events) {
        addEventRow(row, trace, e);
        file.write(row.finish());
    }
}

void writeFindingsCsv(const TraceDocument& document, ExportFile& file) {
    file.write(kFindingHeader);
    CsvRow row;
    for (const Finding& finding : document.analysis.findings) {
        row.text(findingKindInfo(finding.kind).name);
        row.text(workerList(finding.workers));
        row.number(finding.beginNs);
        row.number(finding.endNs);
        if (finding.variable != kNoVariable)
            row.text(variableName(document.trace.scenario, finding.variable));
        else if (finding.channel != kNoVariable)
            row.text(channelName(document.trace.scenario, finding.channel));
        else
            row.empty();
        row.text(finding.sentence);
        file.write(row.finish());
    }
}

} // namespace racetrace
