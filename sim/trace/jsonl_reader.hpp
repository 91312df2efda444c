// Reading a JSON Lines trace (docs/trace-format.md) back into TraceEvents, for tools that
// draw or check a run after it ended (`tcpsim report TRACE.jsonl`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/trace/trace_event.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

// The longest line a trace may have; tcpsim's own lines are a few hundred bytes.
inline constexpr std::size_t kMaxTraceLine = 64 * 1024;

// One line: an object whose values are strings, integers, numbers, booleans or null (null
// is skipped). t_ns, type, host and conn are required; a type tcpsim does not know is
// read as a `note`, so newer traces still load. Errors give the column:
// "expected ':' after a key at column 17".
Result<TraceEvent, Error> parse_trace_line(std::string_view line);

// Every event of the file, in file order. Errors name the file and line:
// "t.jsonl:12: expected ':' after a key at column 17"; a file that is not a regular file
// is refused as for any input (sim::kTraceInput).
Result<std::vector<TraceEvent>, Error> read_trace_file(const std::string& path);

}  // namespace tcpsim::sim
