// Quantities with units, as scenario files, --set and fault scripts write them: durations
// (virtual time is stack/base/time.hpp's Nanos), rates and byte counts, read and printed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stack/base/time.hpp"

namespace tcpsim::sim {

// Parses a duration such as "5ms", "1.5s", "200us", "40ns" or "0". A bare number
// other than 0 is refused: the unit is part of the value.
std::optional<Nanos> parse_duration(std::string_view text);

// Parses a rate such as "1Gbps", "100Mbps", "56kbps", "1500bps" into bits per second.
std::optional<std::uint64_t> parse_rate(std::string_view text);

// Parses a byte count such as "100MB", "64KiB", "1448" (bytes). MB = 10^6, MiB = 2^20.
std::optional<std::uint64_t> parse_bytes(std::string_view text);

// The shortest exact text parse_duration reads back: "200ms", "1500us", "2s", "0".
std::string format_duration(Nanos d);

// "12.345" in milliseconds with three decimals, as the ladder prints time.
std::string format_millis(Nanos t);

}  // namespace tcpsim::sim
