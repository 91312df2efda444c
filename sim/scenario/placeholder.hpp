// Placeholders in the string values of a replicated table (a table with `count = N`, see
// replicate.hpp and docs/scenarios.md, "Many alike: count"). Each copy's strings have their
// placeholders replaced:
//
//   {EXPR}         an integer: i (the copy's index, 0 to N-1), n (= N), decimal integers,
//                  $name (an entry of [params]: an integer, or a byte count, duration or
//                  rate in bytes, nanoseconds or bits per second), + - * / % (integer
//                  division, rounding toward zero), parentheses, min(a, b), max(a, b);
//   {mix(SHARES)}  one word of SHARES, e.g. mix(cubic:50%,newreno:50%) or mix($cc) with
//                  [params] cc = "cubic:50%,newreno:50%": copy i takes the word smooth
//                  weighted round-robin picks at step i, so every 100 copies hold each word
//                  in its share, spread out (cubic, newreno, cubic, newreno, ...);
//   {{ and }}      a literal brace.
//
// The module knows no TOML: [params] entries reach it as text.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/error.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

struct PlaceholderScope {
  std::int64_t i = 0;  // the copy's index
  std::int64_t n = 1;  // the number of copies
  // The [params] entry `name` as text (an integer in decimal), or nullopt when [params]
  // has no such entry.
  std::function<std::optional<std::string>(std::string_view name)> param;
};

struct Expanded {
  std::string text;
  // Set when the text was one {EXPR} and nothing else: where an integer is expected, the
  // value reads as this integer ("{5000 + i}" for a port).
  std::optional<std::int64_t> integer;
};

// Replaces the placeholders of `text`. The error's message names the placeholder and what
// is wrong (no place: the caller knows it); its code is BadSyntax, UnknownName, BadValue or
// OutOfRange (overflow, division by zero).
Result<Expanded, Error> expand_placeholders(std::string_view text, const PlaceholderScope& scope);

// True when `text` has a '{' or '}' (so that a copy's string differs from its original).
bool has_placeholder(std::string_view text);

}  // namespace tcpsim::sim
