#include "sim/trace/jsonl_sink.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <iterator>

namespace tcpsim::sim {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid
// (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b0 = byte(i);
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    if (b0 == 0xe0) lo = 0xa0;
    if (b0 == 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    if (b0 == 0xf0) lo = 0x90;
    if (b0 == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  unsigned char b1 = byte(i + 1);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  return len;
}

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
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t len = utf8_sequence_length(text, i);
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

std::string to_json_line(const TraceEvent& event) {
  std::string out;
  append_line(out, event);
  return out;
}

Result<std::unique_ptr<JsonLinesTraceSink>, std::string> JsonLinesTraceSink::open(
    const std::string& path) {
  auto file = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*file) {
    return fail(fmt::format("cannot open '{}' for writing: {}", path, std::strerror(errno)));
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
