#include "stack/wire/address.hpp"

#include <cassert>
#include <ostream>

namespace tcpsim::wire {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_hex_group(std::string& out, std::uint16_t group) {
  // No leading zeros (RFC 5952 §4.1), lower case (§4.3).
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned nibble = (group >> shift) & 0xfU;
    if (nibble != 0 || started || shift == 0) {
      out.push_back(kHexDigits[nibble]);
      started = true;
    }
  }
}

// One to four hex digits.
std::optional<std::uint16_t> parse_hex_group(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  unsigned value = 0;
  for (char c : s) {
    const int v = hex_value(c);
    if (v < 0) return std::nullopt;
    value = value * 16 + static_cast<unsigned>(v);
  }
  return static_cast<std::uint16_t>(value);
}

// Parses the colon-separated groups of one side of a "::" (or of a whole uncompressed address)
// into `out`, returning how many 16-bit groups were written; a dotted quad is allowed as the
// final piece when `v4_tail_allowed` and counts as two groups.
std::optional<std::size_t> parse_groups(std::string_view s, bool v4_tail_allowed,
                                        std::array<std::uint16_t, 8>& out) {
  std::size_t count = 0;
  if (s.empty()) return count;
  while (true) {
    const std::size_t colon = s.find(':');
    const std::string_view piece = s.substr(0, colon);
    const bool last = colon == std::string_view::npos;
    if (last && v4_tail_allowed && piece.find('.') != std::string_view::npos) {
      const auto v4 = Ipv4Address::parse(piece);
      if (!v4 || count + 2 > out.size()) return std::nullopt;
      out[count++] = static_cast<std::uint16_t>((v4->bytes[0] << 8) | v4->bytes[1]);
      out[count++] = static_cast<std::uint16_t>((v4->bytes[2] << 8) | v4->bytes[3]);
      return count;
    }
    const auto group = parse_hex_group(piece);
    if (!group || count == out.size()) return std::nullopt;
    out[count++] = *group;
    if (last) return count;
    s.remove_prefix(colon + 1);
  }
}

}  // namespace

// ---- MacAddress ----

std::string MacAddress::to_string() const {
  std::string out;
  out.reserve(17);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kHexDigits[bytes[i] >> 4]);
    out.push_back(kHexDigits[bytes[i] & 0xf]);
  }
  return out;
}

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  const char sep = text[2];
  if (sep != ':' && sep != '-') return std::nullopt;
  MacAddress mac;
  for (std::size_t i = 0; i < 6; ++i) {
    const std::size_t at = i * 3;
    if (i != 0 && text[at - 1] != sep) return std::nullopt;
    const int hi = hex_value(text[at]);
    const int lo = hex_value(text[at + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    mac.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return mac;
}

// ---- Ipv4Address ----

std::string Ipv4Address::to_string() const {
  std::string out;
  out.reserve(15);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) out.push_back('.');
    out.append(std::to_string(bytes[i]));
  }
  return out;
}

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  Ipv4Address addr;
  std::size_t part = 0;
  while (true) {
    const std::size_t dot = text.find('.');
    const std::string_view piece = text.substr(0, dot);
    // Leading zeros are refused: some parsers read them as octal (inet_aton), so they are
    // ambiguous.
    if (piece.empty() || piece.size() > 3 || (piece.size() > 1 && piece[0] == '0')) {
      return std::nullopt;
    }
    unsigned value = 0;
    for (char c : piece) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 255 || part == 4) return std::nullopt;
    addr.bytes[part++] = static_cast<std::uint8_t>(value);
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  if (part != 4) return std::nullopt;
  return addr;
}

// ---- Ipv6Address ----

bool Ipv6Address::is_v4_mapped() const {
  for (std::size_t i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return false;
  }
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

std::string Ipv6Address::to_string() const {
  std::array<std::uint16_t, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) {
    groups[i] = static_cast<std::uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  }
  std::size_t shown_groups = 8;
  std::string tail;
  if (is_v4_mapped()) {
    shown_groups = 6;
    tail = Ipv4Address{{bytes[12], bytes[13], bytes[14], bytes[15]}}.to_string();
  }

  // Longest run of zero groups, at least two long, first one wins a tie (RFC 5952 §4.2).
  std::size_t best_start = shown_groups;
  std::size_t best_len = 1;
  for (std::size_t i = 0; i < shown_groups;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < shown_groups && groups[j] == 0) ++j;
    if (j - i > best_len) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }

  std::string out;
  out.reserve(41);
  for (std::size_t i = 0; i < shown_groups; ++i) {
    if (i == best_start) {
      out.append("::");
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    append_hex_group(out, groups[i]);
  }
  if (!tail.empty()) {
    if (!out.empty() && out.back() != ':') out.push_back(':');
    out.append(tail);
  }
  return out;
}

std::optional<Ipv6Address> Ipv6Address::parse(std::string_view text) {
  std::array<std::uint16_t, 8> head{};
  std::array<std::uint16_t, 8> tail{};
  std::size_t head_count = 0;
  std::size_t tail_count = 0;

  const std::size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    const auto n = parse_groups(text, true, head);
    if (!n || *n != 8) return std::nullopt;
    head_count = 8;
  } else {
    const std::string_view left = text.substr(0, gap);
    const std::string_view right = text.substr(gap + 2);
    if (right.find("::") != std::string_view::npos) return std::nullopt;
    const auto n_left = parse_groups(left, false, head);
    const auto n_right = parse_groups(right, true, tail);
    // "::" stands for one or more zero groups (RFC 4291 §2.2 item 2).
    if (!n_left || !n_right || *n_left + *n_right > 7) return std::nullopt;
    head_count = *n_left;
    tail_count = *n_right;
  }

  Ipv6Address addr;
  auto put = [&addr](std::size_t index, std::uint16_t group) {
    addr.bytes[2 * index] = static_cast<std::uint8_t>(group >> 8);
    addr.bytes[2 * index + 1] = static_cast<std::uint8_t>(group);
  };
  for (std::size_t i = 0; i < head_count; ++i) put(i, head[i]);
  for (std::size_t i = 0; i < tail_count; ++i) put(8 - tail_count + i, tail[i]);
  return addr;
}

// ---- IpAddress ----

const Ipv4Address& IpAddress::v4() const {
  assert(is_v4());
  return v4_;
}

const Ipv6Address& IpAddress::v6() const {
  assert(is_v6());
  return v6_;
}

std::string IpAddress::to_string() const {
  return is_v4() ? v4_.to_string() : v6_.to_string();
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    if (auto v6 = Ipv6Address::parse(text)) return IpAddress(*v6);
    return std::nullopt;
  }
  if (auto v4 = Ipv4Address::parse(text)) return IpAddress(*v4);
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, const MacAddress& a) {
  return os << a.to_string();
}
std::ostream& operator<<(std::ostream& os, const Ipv4Address& a) {
  return os << a.to_string();
}
std::ostream& operator<<(std::ostream& os, const Ipv6Address& a) {
  return os << a.to_string();
}
std::ostream& operator<<(std::ostream& os, const IpAddress& a) {
  return os << a.to_string();
}

}  // namespace tcpsim::wire
