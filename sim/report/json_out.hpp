// A small writer for the report's data: JSON text appended to a string, with commas placed
// by the writer. Numbers are integers or shortest-form doubles.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace/jsonl_sink.hpp"

namespace tcpsim::sim::report {

class JsonOut {
 public:
  std::string& text() { return out_; }

  JsonOut& key(std::string_view k) {
    comma();
    append_json_string(out_, k);
    out_ += ':';
    fresh_ = true;
    return *this;
  }
  JsonOut& open(char c) {
    comma();
    out_ += c;
    fresh_ = true;
    return *this;
  }
  JsonOut& close(char c) {
    out_ += c;
    fresh_ = false;
    return *this;
  }
  JsonOut& num(std::int64_t v) {
    comma();
    fmt::format_to(std::back_inserter(out_), "{}", v);
    return *this;
  }
  JsonOut& real(double v) {
    comma();
    fmt::format_to(std::back_inserter(out_), "{}", v);
    return *this;
  }
  JsonOut& str(std::string_view s) {
    comma();
    append_json_string(out_, s);
    return *this;
  }
  JsonOut& raw(std::string_view s) {
    comma();
    out_ += s;
    return *this;
  }
  template <class T>
  JsonOut& nums(std::string_view k, const std::vector<T>& v) {
    key(k).open('[');
    for (const T& x : v) num(static_cast<std::int64_t>(x));
    return close(']');
  }

 private:
  void comma() {
    if (!fresh_) out_ += ',';
    fresh_ = false;
  }
  std::string out_;
  bool fresh_ = true;
};

}  // namespace tcpsim::sim::report
