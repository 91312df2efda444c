#include "sim/trace/jsonl_sink.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <iterator>

#include "stack/base/escape.hpp"

namespace tcpsim::sim {
namespace {

void append_value(std::string& out, const TraceValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    fmt::format_to(std::back_inserter(out), "{}", *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    // Shortest text that reads back as the same double; JSON has no NaN or infinity.
    if (std::isfinite(*d)) {
      fmt::format_to(std::back_inserter(out), "{}", *d);
    } else {
      out += "null";
    }
  } else if (const auto* b = std::get_if<bool>(&value)) {
    out += *b ? "true" : "false";
  } else {
    append_json_string(out, std::get<std::string>(value));
  }
}

void append_line(std::string& out, const TraceEvent& event) {
  fmt::format_to(std::back_inserter(out), "{{\"t_ns\":{},\"type\":", event.time);
  append_json_string(out, to_string(event.type));
  out += ",\"host\":";
  append_json_string(out, event.host);
  out += ",\"conn\":";
  append_json_string(out, event.conn);
  for (const TraceField& f : event.fields) {
    out += ',';
    append_json_string(out, f.key);
    out += ':';
    append_value(out, f.value);
  }
  out += '}';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  append_escaped(out, text, EscapeStyle::Json);
  out += '"';
}

std::string to_json_line(const TraceEvent& event) {
  std::string out;
  append_line(out, event);
  return out;
}

Result<std::unique_ptr<JsonLinesTraceSink>, Error> JsonLinesTraceSink::open(
    const std::string& path) {
  auto file = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*file) {
    return fail_with(Errc::Io,
                     fmt::format("cannot open '{}' for writing: {}", path, std::strerror(errno)),
                     path);
  }
  std::unique_ptr<JsonLinesTraceSink> sink(new JsonLinesTraceSink());
  sink->out_ = file.get();
  sink->file_ = std::move(file);
  return sink;
}

void JsonLinesTraceSink::on_event(const TraceEvent& event) {
  line_.clear();
  append_line(line_, event);
  line_ += '\n';
  out_->write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

}  // namespace tcpsim::sim
