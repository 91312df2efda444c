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

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text) {
  double n = 0;
  std::string_view unit;
  if (!split_number(text, n, unit)) return std::nullopt;
  double scale = 0;
  if (unit == "ns") {
    scale = 1;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "s") {
    scale = 1e9;
  } else if (unit.empty() && n == 0) {
    scale = 1;
  } else {
    return std::nullopt;
  }
  double v = n * scale;
  if (v > 9.2e18) return std::nullopt;
  return static_cast<Nanos>(std::llround(v));
}

std::optional<std::uint64_t> parse_rate(std::string_view text) {
  double n = 0;
  std::string_view unit;
  if (!split_number(text, n, unit)) return std::nullopt;
  double scale = 0;
  if (unit == "bps") {
    scale = 1;
  } else if (unit == "kbps" || unit == "Kbps") {
    scale = 1e3;
  } else if (unit == "Mbps") {
    scale = 1e6;
  } else if (unit == "Gbps") {
    scale = 1e9;
  } else {
    return std::nullopt;
  }
  double v = n * scale;
  if (v < 1 || v > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(v));
}

std::optional<std::uint64_t> parse_bytes(std::string_view text) {
  double n = 0;
  std::string_view unit;
  if (!split_number(text, n, unit)) return std::nullopt;
  double scale = 0;
  if (unit.empty() || unit == "B") {
    scale = 1;
  } else if (unit == "KB" || unit == "kB") {
    scale = 1e3;
  } else if (unit == "MB") {
    scale = 1e6;
  } else if (unit == "GB") {
    scale = 1e9;
  } else if (unit == "KiB") {
    scale = 1024.0;
  } else if (unit == "MiB") {
    scale = 1024.0 * 1024;
  } else if (unit == "GiB") {
    scale = 1024.0 * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  double v = n * scale;
  if (v > 1.8e19 || v != std::floor(v)) return std::nullopt;
  return static_cast<std::uint64_t>(v);
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
