// Writes trace events as JSON Lines: one object per line, keys in a fixed order
// (t_ns, type, host, conn, then the event's fields in the order they were added).
// The schema is docs/trace-format.md.
#pragma once

#include <fstream>
#include <memory>
#include <ostream>
#include <string>

#include "sim/core/error.hpp"
#include "sim/trace/trace.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

// Appends `text` to `out` as a JSON string literal (quotes included): ", \ and control
// characters escaped, valid UTF-8 kept as is, each invalid byte replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view text);

// The line for one event, without the trailing newline.
std::string to_json_line(const TraceEvent& event);

class JsonLinesTraceSink final : public TraceSink {
 public:
  // Writes to `out`, which must outlive the sink.
  explicit JsonLinesTraceSink(std::ostream& out) : out_(&out) {}

  // Creates (or truncates) `path`. Error: "cannot open 'x.jsonl' for writing: <reason>".
  static Result<std::unique_ptr<JsonLinesTraceSink>, Error> open(const std::string& path);

  void on_event(const TraceEvent& event) override;
  void flush() override { out_->flush(); }

 private:
  JsonLinesTraceSink() = default;

  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_ = nullptr;
  std::string line_;  // reused between events
};

}  // namespace tcpsim::sim
