#include "sim/core/units.hpp"

#include <fmt/core.h>
#include <cmath>
#include <cstdlib>

namespace tcpsim::sim {
namespace {

// Splits "1.5ms" into 1.5 and "ms"; false when the number part is malformed.
bool split_number(std::string_view text, double& number, std::string_view& unit) {
  std::size_t i = 0;
  bool digits = false;
  bool dot = false;
  while (i < text.size()) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
    ++i;
  }
  if (!digits) return false;
  std::string num(text.substr(0, i));
  char* end = nullptr;
  number = std::strtod(num.c_str(), &end);
  if (end != num.c_str() + num.size() || !std::isfinite(number)) return false;
  unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return true;
}

struct Unit {
  std::string_view name;
  double scale;
};

// The number in `text` times the scale of its unit, which must be one of `units`;
// nullopt when the number is malformed or the unit unknown.
template <std::size_t N>
std::optional<double> scaled(std::string_view text, const Unit (&units)[N]) {
  double n = 0;
  std::string_view unit;
  if (!split_number(text, n, unit)) return std::nullopt;
  for (const Unit& u : units) {
    if (u.name == unit) return n * u.scale;
  }
  return std::nullopt;
}

constexpr Unit kDurationUnits[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
constexpr Unit kRateUnits[] = {
    {"bps", 1}, {"kbps", 1e3}, {"Kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}};
constexpr Unit kByteUnits[] = {{"", 1},
                               {"B", 1},
                               {"KB", 1e3},
                               {"kB", 1e3},
                               {"MB", 1e6},
                               {"GB", 1e9},
                               {"KiB", 1024.0},
                               {"MiB", 1024.0 * 1024},
                               {"GiB", 1024.0 * 1024 * 1024}};

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text) {
  std::optional<double> v = scaled(text, kDurationUnits);
  if (!v) {
    // A bare number is refused, except zero: the unit is part of the value.
    double n = 0;
    std::string_view unit;
    if (!split_number(text, n, unit) || !unit.empty() || n != 0) return std::nullopt;
    v = 0.0;
  }
  if (*v > 9.2e18) return std::nullopt;
  return static_cast<Nanos>(std::llround(*v));
}

std::optional<std::uint64_t> parse_rate(std::string_view text) {
  std::optional<double> v = scaled(text, kRateUnits);
  if (!v || *v < 1 || *v > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(*v));
}

std::optional<std::uint64_t> parse_bytes(std::string_view text) {
  std::optional<double> v = scaled(text, kByteUnits);
  if (!v || *v > 1.8e19 || *v != std::floor(*v)) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

std::string format_duration(Nanos d) {
  if (d == 0) return "0";
  struct Unit {
    Nanos scale;
    const char* name;
  };
  constexpr Unit kUnits[] = {{kSecond, "s"}, {kMillisecond, "ms"}, {kMicrosecond, "us"}};
  for (const Unit& u : kUnits) {
    if (d % u.scale == 0) return fmt::format("{}{}", d / u.scale, u.name);
  }
  return fmt::format("{}ns", d);
}

std::string format_millis(Nanos t) {
  const char* sign = t < 0 ? "-" : "";
  std::uint64_t a = t < 0 ? static_cast<std::uint64_t>(-t) : static_cast<std::uint64_t>(t);
  return fmt::format("{}{}.{:03}", sign, a / 1000000, (a / 1000) % 1000);
}

}  // namespace tcpsim::sim
