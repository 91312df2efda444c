#include "sim/scenario/toml_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <optional>

#include "sim/core/units.hpp"

namespace tcpsim::sim {

std::string join_names(std::span<const std::string_view> names) {
  std::string out;
  for (auto s : names) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

const NodeOrigin* Reader::origin(const toml::node& n) const {
  if (origins_ == nullptr) return nullptr;
  auto it = origins_->find(&n);
  return it == origins_->end() ? nullptr : &it->second;
}

std::string Reader::where(const toml::node& n) const {
  const NodeOrigin* o = origin(n);
  const toml::source_position& at = o != nullptr ? o->place : n.source().begin;
  if (at.line == 0) return source_ + " (--set)";
  return fmt::format("{}:{}:{}", source_, at.line, at.column);
}

void Reader::fail(Errc code, const toml::node& n, std::string_view key,
                  std::string_view msg) const {
  std::string at = where(n);
  const NodeOrigin* o = origin(n);
  std::string copy = o != nullptr ? fmt::format(" (copy i = {})", o->copy) : std::string();
  throw LoadError(Error{code, fmt::format("{}: {}: {}{}", at, key, msg, copy), at});
}

const toml::node& Reader::resolve(const toml::node& n, std::string_view key) const {
  if (auto s = n.value<std::string>(); s && !s->empty() && (*s)[0] == '$') {
    const toml::table* params = root_["params"].as_table();
    const toml::node* p = params != nullptr ? params->get(s->substr(1)) : nullptr;
    if (p == nullptr)
      fail(Errc::UnknownName, n, key, fmt::format("'{}' names no entry of [params]", *s));
    return *p;
  }
  return n;
}

void Reader::check_keys(const toml::table& t, std::string_view what,
                        std::span<const std::string_view> allowed) const {
  for (auto&& [k, v] : t) {
    if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
      fail(Errc::UnknownKey, v, k.str(),
           fmt::format("unknown key in {} (allowed: {})", what, join_names(allowed)));
    }
  }
}

std::string Reader::str(const toml::table& t, std::string_view key, std::string def) const {
  const toml::node* n = t.get(key);
  if (n == nullptr) return def;
  const toml::node& r = resolve(*n, key);
  auto v = r.value<std::string>();
  if (!v) fail(Errc::BadValue, *n, key, "expected a string");
  return *v;
}

std::string Reader::required_str(const toml::table& t, std::string_view key,
                                 const toml::node& owner, std::string_view what) const {
  if (t.get(key) == nullptr)
    fail(Errc::Missing, owner, key, fmt::format("{} needs '{}'", what, key));
  return str(t, key);
}

bool Reader::boolean(const toml::table& t, std::string_view key, bool def) const {
  const toml::node* n = t.get(key);
  if (n == nullptr) return def;
  auto v = resolve(*n, key).value<bool>();
  if (!v) fail(Errc::BadValue, *n, key, "expected true or false");
  return *v;
}

std::int64_t Reader::integer(const toml::table& t, std::string_view key, std::int64_t def,
                             std::int64_t lo, std::int64_t hi) const {
  const toml::node* n = t.get(key);
  if (n == nullptr) return def;
  const toml::node& r = resolve(*n, key);
  auto v = r.value<std::int64_t>();
  if (const NodeOrigin* o = origin(r); !v && o != nullptr) v = o->integer;
  if (!v) fail(Errc::BadValue, *n, key, fmt::format("expected an integer in [{}, {}]", lo, hi));
  if (*v < lo || *v > hi)
    fail(Errc::OutOfRange, *n, key, fmt::format("{} is outside [{}, {}]", *v, lo, hi));
  return *v;
}

double Reader::probability(const toml::table& t, std::string_view key, double def) const {
  const toml::node* n = t.get(key);
  if (n == nullptr) return def;
  const toml::node& r = resolve(*n, key);
  std::optional<double> v = r.value<double>();
  if (!v) fail(Errc::BadValue, *n, key, "expected a probability in [0, 1], e.g. 0.01");
  if (*v < 0 || *v > 1)
    fail(Errc::OutOfRange, *n, key, fmt::format("{} is not a probability in [0, 1]", *v));
  return *v;
}

Nanos Reader::duration(const toml::table& t, std::string_view key, Nanos def) const {
  const toml::node* n = t.get(key);
  if (n == nullptr) return def;
  const toml::node& r = resolve(*n, key);
  if (auto i = r.value_exact<std::int64_t>(); i && *i == 0) return 0;
  auto s = r.value<std::string>();
  std::optional<Nanos> d = s ? parse_duration(*s) : std::nullopt;
  if (!d || *d < 0)
    fail(Errc::BadValue, *n, key, "expected a duration such as \"5ms\", \"1.5s\", \"200us\"");
  return *d;
}

std::uint64_t Reader::bytes(const toml::table& t, std::string_view key, std::uint64_t def) const {
  const toml::node* n = t.get(key);
  if (n == nullptr) return def;
  const toml::node& r = resolve(*n, key);
  if (auto i = r.value_exact<std::int64_t>()) {
    if (*i < 0) fail(Errc::OutOfRange, *n, key, "a byte count cannot be negative");
    return static_cast<std::uint64_t>(*i);
  }
  auto s = r.value<std::string>();
  std::optional<std::uint64_t> b = s ? parse_bytes(*s) : std::nullopt;
  if (!b)
    fail(Errc::BadValue, *n, key,
         "expected a byte count such as 1448, \"64KB\", \"100MB\", \"1MiB\"");
  return *b;
}

std::uint64_t Reader::rate(const toml::table& t, std::string_view key, std::uint64_t def) const {
  const toml::node* n = t.get(key);
  if (n == nullptr) return def;
  const toml::node& r = resolve(*n, key);
  auto s = r.value<std::string>();
  std::optional<std::uint64_t> v = s ? parse_rate(*s) : std::nullopt;
  if (!v)
    fail(Errc::BadValue, *n, key, "expected a rate such as \"10Mbps\", \"1Gbps\", \"56kbps\"");
  return *v;
}

void Reader::refuse_word(const toml::node& n, std::string_view key, std::string_view word,
                         std::span<const std::string_view> allowed) const {
  fail(Errc::BadValue, n, key,
       fmt::format("'{}' is not allowed (allowed: {})", word, join_names(allowed)));
}

std::vector<std::string> Reader::string_list(const toml::table& t, std::string_view key) const {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (n == nullptr) return out;
  const toml::array* arr = n->as_array();
  if (arr == nullptr)
    fail(Errc::BadValue, *n, key, "expected a list of strings, e.g. [\"chat\", \"json\"]");
  for (const toml::node& v : *arr) {
    auto s = v.value<std::string>();
    if (!s || s->empty()) fail(Errc::BadValue, v, key, "each entry is a non-empty string");
    out.push_back(*s);
  }
  return out;
}

}  // namespace tcpsim::sim
