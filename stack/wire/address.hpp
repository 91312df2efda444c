// Link and network addresses as plain values: comparable, hashable, printable, parseable.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace tcpsim::wire {

// IEEE 802 MAC-48 address, printed as "02:00:00:00:00:01".
struct MacAddress {
  std::array<std::uint8_t, 6> bytes{};

  static constexpr MacAddress broadcast() { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
  bool is_broadcast() const { return *this == broadcast(); }
  // Group bit: the least significant bit of the first octet (IEEE 802-2014 §8.2).
  bool is_multicast() const { return (bytes[0] & 0x01) != 0; }

  std::string to_string() const;
  // Six colon- or dash-separated pairs of hex digits.
  static std::optional<MacAddress> parse(std::string_view text);

  auto operator<=>(const MacAddress&) const = default;
  bool operator==(const MacAddress&) const = default;
};

// IPv4 address, bytes in network order.
struct Ipv4Address {
  std::array<std::uint8_t, 4> bytes{};

  static constexpr Ipv4Address from_u32(std::uint32_t host_order) {
    return {{static_cast<std::uint8_t>(host_order >> 24),
             static_cast<std::uint8_t>(host_order >> 16),
             static_cast<std::uint8_t>(host_order >> 8), static_cast<std::uint8_t>(host_order)}};
  }
  constexpr std::uint32_t to_u32() const {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
  }
  bool is_unspecified() const { return to_u32() == 0; }

  // Dotted quad, "192.0.2.1".
  std::string to_string() const;
  // Strict dotted quad: four decimal parts 0..255, no leading zeros, nothing else.
  static std::optional<Ipv4Address> parse(std::string_view text);

  auto operator<=>(const Ipv4Address&) const = default;
  bool operator==(const Ipv4Address&) const = default;
};

// IPv6 address, bytes in network order.
struct Ipv6Address {
  std::array<std::uint8_t, 16> bytes{};

  bool is_unspecified() const { return *this == Ipv6Address{}; }
  // ::ffff:0:0/96 (RFC 4291 §2.5.5.2).
  bool is_v4_mapped() const;

  // RFC 5952 §4: lower case, no leading zeros, the longest run of two or more zero groups
  // (the first on a tie) shown as "::"; IPv4-mapped addresses end in dotted quad (§5).
  std::string to_string() const;
  // RFC 4291 §2.2 text forms: full, "::"-compressed, and with a trailing dotted quad.
  // Zone identifiers ("%eth0") are not accepted.
  static std::optional<Ipv6Address> parse(std::string_view text);

  auto operator<=>(const Ipv6Address&) const = default;
  bool operator==(const Ipv6Address&) const = default;
};

// An address of either IP family. Orders all IPv4 addresses before all IPv6 ones.
class IpAddress {
 public:
  enum class Family : std::uint8_t { V4, V6 };

  IpAddress() = default;                                     // 0.0.0.0
  IpAddress(Ipv4Address a) : family_(Family::V4), v4_(a) {}  // NOLINT: implicit on purpose
  IpAddress(Ipv6Address a) : family_(Family::V6), v6_(a) {}  // NOLINT: implicit on purpose

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::V4; }
  bool is_v6() const { return family_ == Family::V6; }
  // Precondition: the matching family.
  const Ipv4Address& v4() const;
  const Ipv6Address& v6() const;

  std::string to_string() const;
  // Dotted quad for IPv4, otherwise IPv6 text (a string with ':' is always IPv6).
  static std::optional<IpAddress> parse(std::string_view text);

  auto operator<=>(const IpAddress&) const = default;
  bool operator==(const IpAddress&) const = default;

 private:
  // The unused member stays zero so the defaulted comparisons are by value.
  Family family_ = Family::V4;
  Ipv4Address v4_{};
  Ipv6Address v6_{};
};

std::ostream& operator<<(std::ostream& os, const MacAddress& a);
std::ostream& operator<<(std::ostream& os, const Ipv4Address& a);
std::ostream& operator<<(std::ostream& os, const Ipv6Address& a);
std::ostream& operator<<(std::ostream& os, const IpAddress& a);

namespace detail {
// FNV-1a over the address bytes; stable across runs (determinism, DESIGN.md principle 5).
template <std::size_t N>
constexpr std::size_t hash_bytes(const std::array<std::uint8_t, N>& bytes, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (std::uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ULL;
  }
  return static_cast<std::size_t>(h);
}
}  // namespace detail

}  // namespace tcpsim::wire

template <>
struct std::hash<tcpsim::wire::MacAddress> {
  std::size_t operator()(const tcpsim::wire::MacAddress& a) const noexcept {
    return tcpsim::wire::detail::hash_bytes(a.bytes, 0);
  }
};
template <>
struct std::hash<tcpsim::wire::Ipv4Address> {
  std::size_t operator()(const tcpsim::wire::Ipv4Address& a) const noexcept {
    return tcpsim::wire::detail::hash_bytes(a.bytes, 4);
  }
};
template <>
struct std::hash<tcpsim::wire::Ipv6Address> {
  std::size_t operator()(const tcpsim::wire::Ipv6Address& a) const noexcept {
    return tcpsim::wire::detail::hash_bytes(a.bytes, 6);
  }
};
template <>
struct std::hash<tcpsim::wire::IpAddress> {
  std::size_t operator()(const tcpsim::wire::IpAddress& a) const noexcept {
    return a.is_v4() ? std::hash<tcpsim::wire::Ipv4Address>{}(a.v4())
                     : std::hash<tcpsim::wire::Ipv6Address>{}(a.v6());
  }
};
