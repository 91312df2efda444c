#include "sim/trace/jsonl_reader.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>

#include "sim/core/input_file.hpp"

namespace tcpsim::sim {
namespace {

// A cursor over one line, with the error of the first thing that does not fit.
class LineParser {
 public:
  explicit LineParser(std::string_view text) : s_(text) {}

  Result<TraceEvent, Error> event() {
    TraceEvent ev;
    bool has_t = false, has_type = false, has_host = false, has_conn = false;
    skip_space();
    if (!eat('{')) return fail("expected '{' at the start of the line");
    skip_space();
    if (eat('}')) return fail("an empty object; a trace line needs t_ns, type, host and conn");
    for (;;) {
      skip_space();
      auto key = string_value();
      if (!key) return fail("expected a key in double quotes");
      skip_space();
      if (!eat(':')) return fail("expected ':' after a key");
      skip_space();
      auto value = any_value();
      if (!value) return fail("expected a string, a number, true, false or null");
      if (*key == "t_ns") {
        auto* i = std::get_if<std::int64_t>(&**value);
        if (i == nullptr) return fail("t_ns must be an integer");
        ev.time = *i;
        has_t = true;
      } else if (*key == "type" || *key == "host" || *key == "conn") {
        auto* text = std::get_if<std::string>(&**value);
        if (text == nullptr) return fail(fmt::format("{} must be a string", *key));
        if (*key == "type") {
          auto type = parse_trace_type(*text);
          ev.type = type ? *type : TraceType::Note;
          if (!type) ev.fields.push_back({"unknown_type", *text});
          has_type = true;
        } else if (*key == "host") {
          ev.host = *text;
          has_host = true;
        } else {
          ev.conn = *text;
          has_conn = true;
        }
      } else if (value->has_value()) {
        ev.fields.push_back({std::move(*key), std::move(**value)});
      }
      skip_space();
      if (eat('}')) break;
      if (!eat(',')) return fail("expected ',' or '}' after a value");
    }
    skip_space();
    if (pos_ != s_.size()) return fail("text after the closing '}'");
    if (!(has_t && has_type && has_host && has_conn)) {
      return fail("missing one of the keys t_ns, type, host, conn");
    }
    return ev;
  }

 private:
  Failure<Error> fail(std::string what) const {
    return fail_with(Errc::BadSyntax, fmt::format("{} at column {}", what, pos_ + 1));
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool eat_word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  // nullopt: not a value; an empty optional inside: null.
  std::optional<std::optional<TraceValue>> any_value() {
    if (pos_ >= s_.size()) return std::nullopt;
    char c = s_[pos_];
    if (c == '"') {
      auto text = string_value();
      if (!text) return std::nullopt;
      return std::optional<TraceValue>(std::move(*text));
    }
    if (eat_word("true")) return std::optional<TraceValue>(true);
    if (eat_word("false")) return std::optional<TraceValue>(false);
    if (eat_word("null")) return std::optional<TraceValue>();
    return number_value();
  }

  std::optional<std::optional<TraceValue>> number_value() {
    std::size_t start = pos_;
    bool is_float = false;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '.' || c == 'e' || c == 'E' || c == '+') {
        is_float = true;
      } else if (!(c == '-' || (c >= '0' && c <= '9'))) {
        break;
      }
      ++pos_;
    }
    std::string_view text = s_.substr(start, pos_ - start);
    if (text.empty()) return std::nullopt;
    const char* end = text.data() + text.size();
    if (!is_float) {
      std::int64_t i = 0;
      auto r = std::from_chars(text.data(), end, i);
      if (r.ec == std::errc() && r.ptr == end) return std::optional<TraceValue>(i);
    }
    double d = 0;
    auto r = std::from_chars(text.data(), end, d);
    if (r.ec != std::errc() || r.ptr != end) {
      pos_ = start;
      return std::nullopt;
    }
    return std::optional<TraceValue>(d);
  }

  std::optional<std::string> string_value() {
    if (!eat('"')) return std::nullopt;
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size() || !escape(out)) return std::nullopt;
    }
    return std::nullopt;
  }

  bool escape(std::string& out) {
    char e = s_[pos_++];
    switch (e) {
      case '"':
        out.push_back('"');
        return true;
      case '\\':
        out.push_back('\\');
        return true;
      case '/':
        out.push_back('/');
        return true;
      case 'n':
        out.push_back('\n');
        return true;
      case 'r':
        out.push_back('\r');
        return true;
      case 't':
        out.push_back('\t');
        return true;
      case 'b':
        out.push_back('\b');
        return true;
      case 'f':
        out.push_back('\f');
        return true;
      case 'u':
        return unicode(out);
      default:
        return false;
    }
  }

  // \uXXXX, with surrogate pairs, written as UTF-8.
  bool unicode(std::string& out) {
    auto hex4 = [this]() -> std::optional<std::uint32_t> {
      if (pos_ + 4 > s_.size()) return std::nullopt;
      std::uint32_t v = 0;
      auto r = std::from_chars(s_.data() + pos_, s_.data() + pos_ + 4, v, 16);
      if (r.ptr != s_.data() + pos_ + 4) return std::nullopt;
      pos_ += 4;
      return v;
    };
    auto cp = hex4();
    if (!cp) return false;
    std::uint32_t code = *cp;
    if (code >= 0xD800 && code < 0xDC00) {
      if (!eat('\\') || !eat('u')) return false;
      auto low = hex4();
      if (!low || *low < 0xDC00 || *low > 0xDFFF) return false;
      code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
    }
    append_utf8(out, code);
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

enum class Got : std::uint8_t { Line, End, TooLong };

Got read_line(std::FILE* f, std::string& line) {
  line.clear();
  int c = 0;
  while ((c = getc_unlocked(f)) != EOF) {
    if (c == '\n') return Got::Line;
    if (line.size() == kMaxTraceLine) return Got::TooLong;
    line.push_back(static_cast<char>(c));
  }
  return line.empty() ? Got::End : Got::Line;
}

}  // namespace

Result<TraceEvent, Error> parse_trace_line(std::string_view line) {
  return LineParser(line).event();
}

Result<std::vector<TraceEvent>, Error> read_trace_file(const std::string& path) {
  auto file = open_input_file(path, kTraceInput);
  if (!file.ok()) return fail(file.error());
  std::FILE* f = fdopen(file->fd(), "r");
  if (f == nullptr) {
    return fail_with(Errc::Io,
                     fmt::format("cannot read trace '{}': {}", path, std::strerror(errno)));
  }
  file->release();
  std::vector<TraceEvent> events;
  std::string line;
  std::size_t number = 0;
  for (;;) {
    Got got = read_line(f, line);
    if (got == Got::End) break;
    ++number;
    if (got == Got::TooLong) {
      std::fclose(f);
      return fail_with(Errc::OutOfRange,
                       fmt::format("{}:{}: a line longer than {} bytes; trace lines are JSON "
                                   "objects of a few hundred bytes",
                                   path, number, kMaxTraceLine));
    }
    if (line.empty()) continue;
    auto ev = parse_trace_line(line);
    if (!ev.ok()) {
      std::fclose(f);
      return fail_with(ev.error().code, fmt::format("{}:{}: {}", path, number, ev.error().message));
    }
    events.push_back(std::move(ev.value()));
  }
  bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) return fail_with(Errc::Io, fmt::format("cannot read trace '{}': read error", path));
  return events;
}

}  // namespace tcpsim::sim
