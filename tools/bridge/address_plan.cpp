#include "tools/bridge/address_plan.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

namespace tcpsim::bridge {
namespace {

using Family = wire::IpAddress::Family;

// Bytes of the address, network order.
std::vector<std::uint8_t> bytes_of(const wire::IpAddress& a) {
  if (a.is_v4()) return {a.v4().bytes.begin(), a.v4().bytes.end()};
  return {a.v6().bytes.begin(), a.v6().bytes.end()};
}

bool same_prefix(const wire::IpAddress& a, const wire::IpAddress& b, int length) {
  if (a.family() != b.family()) return false;
  auto x = bytes_of(a);
  auto y = bytes_of(b);
  for (int bit = 0; bit < length; ++bit) {
    int byte = bit / 8;
    int mask = 0x80 >> (bit % 8);
    if ((x[byte] & mask) != (y[byte] & mask)) return false;
  }
  return true;
}

// The part of the address after the prefix: all zeros, or all ones.
bool host_part_is(const wire::IpAddress& a, int length, bool ones) {
  auto x = bytes_of(a);
  int bits = static_cast<int>(x.size()) * 8;
  for (int bit = length; bit < bits; ++bit) {
    bool set = (x[bit / 8] & (0x80 >> (bit % 8))) != 0;
    if (set != ones) return false;
  }
  return true;
}

const wire::IpAddress kV4Range = *wire::IpAddress::parse("198.18.0.0");
const wire::IpAddress kV6Range = *wire::IpAddress::parse("fc00::");
constexpr int kV4RangeLength = 15;
constexpr int kV6RangeLength = 7;

const char* family_name(Family f) {
  return f == Family::V4 ? "IPv4" : "IPv6";
}

using sim::Errc;

// Each error names the option it is about.
Failure<sim::Error> refuse_kernel(Errc code, std::string message) {
  return sim::fail_with(code, std::move(message), "--kernel-addr");
}
Failure<sim::Error> refuse_host(Errc code, std::string message) {
  return sim::fail_with(code, std::move(message), "--host-addr");
}

}  // namespace

bool Prefix::contains(const wire::IpAddress& a) const {
  return same_prefix(address, a, length);
}

std::string Prefix::to_string() const {
  return fmt::format("{}/{}", address.to_string(), length);
}

bool in_bridge_range(const wire::IpAddress& a) {
  return a.is_v4() ? same_prefix(a, kV4Range, kV4RangeLength)
                   : same_prefix(a, kV6Range, kV6RangeLength);
}

std::string_view bridge_range_text(Family f) {
  return f == Family::V4 ? "198.18.0.0/15 (RFC 2544 benchmarking addresses)"
                         : "fc00::/7 (RFC 4193 unique local addresses)";
}

const AddressPair* AddressPlan::find(Family f) const {
  for (const AddressPair& p : pairs) {
    if (p.host.family() == f) return &p;
  }
  return nullptr;
}

std::vector<wire::IpAddress> AddressPlan::host_addresses() const {
  std::vector<wire::IpAddress> out;
  for (const AddressPair& p : pairs) out.push_back(p.host);
  return out;
}

AddressPlan default_plan() {
  AddressPlan plan;
  plan.pairs.push_back(
      {Prefix{*wire::IpAddress::parse("198.18.0.1"), 24}, *wire::IpAddress::parse("198.18.0.2")});
  plan.pairs.push_back(
      {Prefix{*wire::IpAddress::parse("fd00:7c5::1"), 64}, *wire::IpAddress::parse("fd00:7c5::2")});
  return plan;
}

Result<Prefix, sim::Error> parse_kernel_address(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return refuse_kernel(Errc::BadValue,
                         fmt::format("--kernel-addr '{}': expected ADDRESS/PREFIX-LENGTH, e.g. "
                                     "198.18.0.1/24 or fd00:7c5::1/64",
                                     text));
  }
  auto addr = wire::IpAddress::parse(text.substr(0, slash));
  if (!addr) {
    return refuse_kernel(
        Errc::BadValue, fmt::format("--kernel-addr '{}': '{}' is not an IPv4 or IPv6 address", text,
                                    text.substr(0, slash)));
  }
  std::string_view len_text = text.substr(slash + 1);
  int length = -1;
  auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
  // The whole network must lie in the bridge range, and leave room for two hosts.
  const int min = addr->is_v4() ? kV4RangeLength : kV6RangeLength;
  const int max = addr->is_v4() ? 30 : 126;
  if (ec != std::errc() || end != len_text.data() + len_text.size() || len_text.empty() ||
      length < min || length > max) {
    return refuse_kernel(
        Errc::OutOfRange,
        fmt::format(
            "--kernel-addr '{}': the prefix length must be {}..{} so that the network lies in {}",
            text, min, max, bridge_range_text(addr->family())));
  }
  if (!in_bridge_range(*addr)) {
    return refuse_kernel(
        Errc::OutOfRange,
        fmt::format("--kernel-addr '{}': {} is outside {}; the bridge uses no other {} "
                    "addresses, so nothing it does can reach a real network",
                    text, addr->to_string(), bridge_range_text(addr->family()),
                    family_name(addr->family())));
  }
  Prefix p{*addr, length};
  if (addr->is_v4() && (host_part_is(*addr, length, false) || host_part_is(*addr, length, true))) {
    return refuse_kernel(
        Errc::BadValue,
        fmt::format("--kernel-addr '{}': {} is the network's {} address, not a host's", text,
                    addr->to_string(),
                    host_part_is(*addr, length, false) ? "network" : "broadcast"));
  }
  return p;
}

Result<AddressPlan, sim::Error> make_plan(const std::vector<std::string>& kernel,
                                          const std::vector<std::string>& host) {
  if (kernel.empty() && host.empty()) return default_plan();
  AddressPlan plan;
  std::vector<Prefix> prefixes;
  for (const std::string& k : kernel) {
    auto p = parse_kernel_address(k);
    if (!p.ok()) return fail(p.error());
    for (const Prefix& q : prefixes) {
      if (q.address.family() == p->address.family()) {
        return refuse_kernel(
            Errc::Duplicate,
            fmt::format("--kernel-addr: two {} addresses ({} and {}); give at most one "
                        "per family",
                        family_name(q.address.family()), q.to_string(), p->to_string()));
      }
    }
    prefixes.push_back(*p);
  }
  std::vector<wire::IpAddress> hosts;
  for (const std::string& h : host) {
    auto a = wire::IpAddress::parse(h);
    if (!a) {
      return refuse_host(Errc::BadValue,
                         fmt::format("--host-addr '{}': not an IPv4 or IPv6 address", h));
    }
    if (!in_bridge_range(*a)) {
      return refuse_host(
          Errc::OutOfRange,
          fmt::format("--host-addr '{}': outside {}; the bridge uses no other {} addresses", h,
                      bridge_range_text(a->family()), family_name(a->family())));
    }
    for (const wire::IpAddress& b : hosts) {
      if (b.family() == a->family()) {
        return refuse_host(
            Errc::Duplicate,
            fmt::format("--host-addr: two {} addresses ({} and {}); give at most one "
                        "per family",
                        family_name(a->family()), b.to_string(), a->to_string()));
      }
    }
    hosts.push_back(*a);
  }
  for (const Prefix& p : prefixes) {
    auto it = std::find_if(hosts.begin(), hosts.end(), [&](const wire::IpAddress& a) {
      return a.family() == p.address.family();
    });
    if (it == hosts.end()) {
      return refuse_host(
          Errc::Missing,
          fmt::format("--kernel-addr {} needs a --host-addr of the same family inside {}",
                      p.to_string(), p.to_string()));
    }
    if (!p.contains(*it)) {
      return refuse_host(Errc::Conflict,
                         fmt::format("--host-addr {} is not inside the kernel's network {}",
                                     it->to_string(), p.to_string()));
    }
    if (*it == p.address) {
      return refuse_host(Errc::Conflict, fmt::format("--host-addr {} is the kernel's own address",
                                                     it->to_string()));
    }
    if (it->is_v4() && (host_part_is(*it, p.length, false) || host_part_is(*it, p.length, true))) {
      return refuse_host(Errc::BadValue,
                         fmt::format("--host-addr {} is the network or broadcast address of {}",
                                     it->to_string(), p.to_string()));
    }
    plan.pairs.push_back({p, *it});
  }
  for (const wire::IpAddress& a : hosts) {
    if (plan.find(a.family()) == nullptr) {
      return refuse_kernel(
          Errc::Missing,
          fmt::format("--host-addr {} needs a --kernel-addr of the same family", a.to_string()));
    }
  }
  std::sort(plan.pairs.begin(), plan.pairs.end(), [](const AddressPair& a, const AddressPair& b) {
    return a.host.family() < b.host.family();
  });
  return plan;
}

}  // namespace tcpsim::bridge
