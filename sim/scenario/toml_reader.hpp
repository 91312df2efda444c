// Reads the values of a scenario's TOML tables: a key's value of the expected type and
// range, with "$name" resolved against [params], or an error naming file:line:column, the
// key, what is wrong and what is allowed. The loader reads the scenario with it, and each
// application of sim/scenario/apps/ reads the keys of its [[app]] role.
//
// Errors are thrown as LoadError, which load_scenario turns into its error result: reading
// a table stops at its first bad value without every caller checking each one.
#pragma once

#include <toml++/toml.h>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/core/error.hpp"
#include "stack/base/enum_names.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim {

struct LoadError : std::runtime_error {
  explicit LoadError(Error e) : std::runtime_error(e.message), error(std::move(e)) {}
  Error error;
};

// Where a node of a replicated table's copy came from (replicate.hpp): copies are made
// after parsing, so toml++ gives them no place of their own.
struct NodeOrigin {
  toml::source_position place;  // the original's place in the file
  std::int64_t copy = 0;        // the copy's index i
  // The string was one {EXPR} and nothing else: where an integer is expected, this is it.
  std::optional<std::int64_t> integer;
};
using NodeOrigins = std::unordered_map<const toml::node*, NodeOrigin>;

// "a, b, c".
std::string join_names(std::span<const std::string_view> names);

class Reader {
 public:
  // `origins` places the nodes of replicated tables' copies (none when null).
  Reader(const toml::table& root, std::string source, const NodeOrigins* origins = nullptr)
      : root_(root), source_(std::move(source)), origins_(origins) {}

  // "file:line:column" of the node, or "file (--set)" for a value --set put there; a node
  // of a copy has the place of its original.
  std::string where(const toml::node& n) const;
  // Throws the error "WHERE: KEY: MSG" for the value or table `n`, with " (copy i = K)"
  // after it for a node of a replicated table's copy.
  [[noreturn]] void fail(Errc code, const toml::node& n, std::string_view key,
                         std::string_view msg) const;

  // Resolves "$name" against [params].
  const toml::node& resolve(const toml::node& n, std::string_view key) const;
  // Refuses any key of `t` not in `allowed`; `what` names the table ("[[link]]").
  void check_keys(const toml::table& t, std::string_view what,
                  std::span<const std::string_view> allowed) const;

  // Each reads `key` of `t`, or gives `def` when the key is absent.
  std::string str(const toml::table& t, std::string_view key, std::string def = {}) const;
  // `owner` is the table, for the place of the error; `what` names it ("a [[host]]").
  std::string required_str(const toml::table& t, std::string_view key, const toml::node& owner,
                           std::string_view what) const;
  bool boolean(const toml::table& t, std::string_view key, bool def) const;
  std::int64_t integer(const toml::table& t, std::string_view key, std::int64_t def,
                       std::int64_t lo, std::int64_t hi) const;
  double probability(const toml::table& t, std::string_view key, double def) const;
  Nanos duration(const toml::table& t, std::string_view key, Nanos def) const;
  std::uint64_t bytes(const toml::table& t, std::string_view key, std::uint64_t def) const;
  std::uint64_t rate(const toml::table& t, std::string_view key, std::uint64_t def) const;
  // A list of non-empty strings, e.g. subprotocols = ["chat", "json"]; empty when absent.
  std::vector<std::string> string_list(const toml::table& t, std::string_view key) const;
  // One word of the fixed set that `names` spells, e.g. mode = "chat".
  template <class E, std::size_t N>
  E choice(const toml::table& t, std::string_view key, E def, const EnumNames<E, N>& names) const {
    if (t.get(key) == nullptr) return def;
    std::string word = str(t, key);
    if (std::optional<E> v = names.parse(word)) return *v;
    std::vector<std::string_view> allowed;
    for (const auto& e : names.entries) allowed.push_back(e.name);
    refuse_word(*t.get(key), key, word, allowed);
  }

  const toml::table& root() const { return root_; }

 private:
  // "'WORD' is not allowed (allowed: ...)".
  [[noreturn]] void refuse_word(const toml::node& n, std::string_view key, std::string_view word,
                                std::span<const std::string_view> allowed) const;

  const NodeOrigin* origin(const toml::node& n) const;

  const toml::table& root_;
  std::string source_;
  const NodeOrigins* origins_;
};

}  // namespace tcpsim::sim
