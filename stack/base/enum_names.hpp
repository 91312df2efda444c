// One table per enum for its names: the enumerator and the text it prints as (and parses
// from). to_string and parse functions read the table instead of each writing a switch.
//
//   constexpr EnumNames<Color, 2> kColorNames{{{Color::Red, "red"}, {Color::Blue, "blue"}}};
//   std::string_view to_string(Color c) { return kColorNames.name(c); }
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace tcpsim {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

template <class E, std::size_t N>
struct EnumNames {
  std::array<EnumName<E>, N> entries;

  // The enumerator's name, or `unknown` for a value the table does not list.
  constexpr std::string_view name(E value, std::string_view unknown = "?") const {
    // Tables usually list a dense enum in order: look there first.
    auto i = static_cast<std::size_t>(value);
    if (i < N && entries[i].value == value) return entries[i].name;
    for (const auto& e : entries) {
      if (e.value == value) return e.name;
    }
    return unknown;
  }
  constexpr std::optional<E> parse(std::string_view text) const {
    for (const auto& e : entries) {
      if (e.name == text) return e.value;
    }
    return std::nullopt;
  }
};

}  // namespace tcpsim
