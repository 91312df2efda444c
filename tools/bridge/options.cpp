#include "tools/bridge/options.hpp"

#include "sim/core/input_file.hpp"
#include "sim/core/units.hpp"
#include "stack/base/enum_names.hpp"

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <charconv>

namespace tcpsim::bridge {
namespace {

constexpr EnumNames<Serve, 4> kServeNames{{{
    {Serve::None, "none"},
    {Serve::Http, "http"},
    {Serve::Echo, "echo"},
    {Serve::WebSocket, "websocket"},
}}};

using sim::Errc;
using sim::fail_with;

// `what` begins the message ("--connect '198.18.0.1:0'"); `option` is the option alone.
Result<std::uint16_t, sim::Error> parse_port(std::string_view text, const std::string& what,
                                             const std::string& option) {
  int port = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port < 1 ||
      port > 65535) {
    return fail_with(Errc::OutOfRange,
                     fmt::format("{}: port '{}' is not a number in 1..65535", what, text), option);
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

std::string_view to_string(Serve s) {
  return kServeNames.name(s);
}

bool valid_device_name(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<tcp::Endpoint, sim::Error> parse_endpoint(std::string_view text) {
  const std::string want = "expected ADDRESS:PORT, e.g. 198.18.0.1:8080 or [fd00:7c5::1]:8080";
  auto bad = [&] {
    return fail_with(Errc::BadValue, fmt::format("--connect '{}': {}", text, want), "--connect");
  };
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad();
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) return bad();
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto addr = wire::IpAddress::parse(host);
  if (!addr) {
    return fail_with(
        Errc::BadValue,
        fmt::format("--connect '{}': '{}' is not an IP address ({})", text, host, want),
        "--connect");
  }
  auto p = parse_port(port, fmt::format("--connect '{}'", text), "--connect");
  if (!p.ok()) return fail(p.error());
  return tcp::Endpoint{*addr, *p};
}

void add_bridge_options(CLI::App& cmd, BridgeArgs& a) {
  cmd.add_option("--tun", a.tun,
                 "TUN device to create, or to attach to when it exists (default tcpsim0)");
  cmd.add_option("--kernel-addr", a.kernel_addrs,
                 "Kernel side of the device, ADDRESS/LEN in 198.18.0.0/15 or fc00::/7 "
                 "(default 198.18.0.1/24 and fd00:7c5::1/64); once per family")
      ->allow_extra_args(false);
  cmd.add_option("--host-addr", a.host_addrs,
                 "The simulated host's address inside that network (default 198.18.0.2 and "
                 "fd00:7c5::2); once per family")
      ->allow_extra_args(false);
  cmd.add_option("--serve", a.serve, "Run a server on the simulated host: http, echo or websocket");
  cmd.add_option("--connect", a.connect,
                 "Run a client on the simulated host that connects to ADDRESS:PORT on the "
                 "kernel side ([v6]:PORT for IPv6)");
  cmd.add_option("--port", a.port,
                 "Listening port of --serve (default 80 for http and websocket, 7 for echo)");
  cmd.add_option("--request", a.requests,
                 "With --connect: GET this path (repeatable; all on one kept-alive connection)")
      ->allow_extra_args(false);
  cmd.add_option("--send-bytes", a.send_bytes,
                 "With --connect: send this many bytes (e.g. 1MB) and read what comes back");
  cmd.add_option("--close", a.close,
                 "With --connect --send-bytes: after-send (default: send FIN once all is sent, "
                 "then read until the peer closes) or after-peer (close only after the peer's "
                 "FIN)");
  cmd.add_option("--pcap", a.pcap,
                 "Write every frame crossing the bridge (.pcap, or .pcapng with comments naming "
                 "state changes)");
  cmd.add_option("--trace", a.trace, "Write the event trace as JSON Lines");
  cmd.add_flag("--explain", a.explain, "Print the RFC 9293 rule behind each state change");
  cmd.add_flag("--quiet", a.quiet, "Print only the summary");
  cmd.add_option("--set", a.sets,
                 "Override a value of the bridge's scenario, e.g. --set link.loss=0.05 "
                 "--set link.delay=20ms --set tcp.profile=freebsd --set tcp.cc=cubic")
      ->allow_extra_args(false);
  cmd.add_option("--seed", a.seed, "Random seed for faults, ISNs and payloads (default 1)");
  cmd.add_option("--duration", a.duration,
                 "Stop after this long, e.g. 10s (default: servers run until SIGINT or SIGTERM, "
                 "clients until their exchange is over, at most 60s)");
  cmd.add_option("--ready-file", a.ready_file,
                 "Write this file once the device is up and the application started");
}

namespace {

// Every string option is refused past sim::kMaxOptionValueBytes before any message can
// repeat it (--set has its own check, naming the key).
Result<std::monostate, sim::Error> check_lengths(const BridgeArgs& a) {
  std::vector<std::pair<const char*, const std::string*>> all = {{"--tun", &a.tun},
                                                                 {"--serve", &a.serve},
                                                                 {"--connect", &a.connect},
                                                                 {"--send-bytes", &a.send_bytes},
                                                                 {"--close", &a.close},
                                                                 {"--pcap", &a.pcap},
                                                                 {"--trace", &a.trace},
                                                                 {"--duration", &a.duration},
                                                                 {"--ready-file", &a.ready_file}};
  for (const std::string& s : a.kernel_addrs) all.emplace_back("--kernel-addr", &s);
  for (const std::string& s : a.host_addrs) all.emplace_back("--host-addr", &s);
  for (const std::string& s : a.requests) all.emplace_back("--request", &s);
  for (const auto& [option, value] : all) {
    if (auto r = sim::check_option_length(option, "", *value); !r.ok()) return fail(r.error());
  }
  return std::monostate{};
}

}  // namespace

Result<BridgeConfig, sim::Error> check_bridge_args(const BridgeArgs& a) {
  if (auto r = check_lengths(a); !r.ok()) return fail(r.error());
  BridgeConfig c;
  if (!valid_device_name(a.tun)) {
    return fail_with(
        Errc::BadValue,
        fmt::format(
            "--tun '{}': a device name is 1 to 15 characters of letters, digits, '_', '.' and '-'",
            a.tun),
        "--tun");
  }
  c.tun = a.tun;
  auto plan = make_plan(a.kernel_addrs, a.host_addrs);
  if (!plan.ok()) return fail(plan.error());
  c.plan = *plan;

  const bool serving = !a.serve.empty();
  const bool connecting = !a.connect.empty();
  if (serving == connecting) {
    return fail_with(
        serving ? Errc::Conflict : Errc::Missing,
        "give exactly one of --serve KIND (http, echo, websocket) or --connect ADDRESS:PORT");
  }
  if (serving) {
    auto kind = kServeNames.parse(a.serve);
    if (!kind || *kind == Serve::None) {
      return fail_with(
          Errc::UnknownName,
          fmt::format("--serve '{}' is not allowed (allowed: http, echo, websocket)", a.serve),
          "--serve");
    }
    c.serve = *kind;
    c.port = c.serve == Serve::Echo ? 7 : 80;
    if (a.port) {
      if (*a.port < 1 || *a.port > 65535) {
        return fail_with(Errc::OutOfRange,
                         fmt::format("--port {}: not a port number in 1..65535", *a.port),
                         "--port");
      }
      c.port = static_cast<std::uint16_t>(*a.port);
    }
    for (const auto& [given, name] : {std::pair{!a.requests.empty(), "--request"},
                                      std::pair{!a.send_bytes.empty(), "--send-bytes"},
                                      std::pair{!a.close.empty(), "--close"}}) {
      if (given) {
        return fail_with(Errc::Conflict, fmt::format("{} goes with --connect, not --serve", name),
                         name);
      }
    }
  } else {
    if (a.port) {
      return fail_with(Errc::Conflict,
                       "--port is the listening port of --serve; with --connect the port "
                       "is part of ADDRESS:PORT",
                       "--port");
    }
    auto ep = parse_endpoint(a.connect);
    if (!ep.ok()) return fail(ep.error());
    const AddressPair* pair = c.plan.find(ep->addr.family());
    if (pair == nullptr) {
      return fail_with(Errc::Missing,
                       fmt::format("--connect {}: the bridge has no {} network (add --kernel-addr "
                                   "and --host-addr of that family)",
                                   a.connect, ep->addr.is_v4() ? "IPv4" : "IPv6"),
                       "--connect");
    }
    if (!pair->kernel.contains(ep->addr) || ep->addr == pair->host) {
      return fail_with(
          Errc::OutOfRange,
          fmt::format("--connect {}: the simulated host reaches only the kernel side "
                      "of the device, inside {} (e.g. {})",
                      a.connect, pair->kernel.to_string(), pair->kernel.address.to_string()),
          "--connect");
    }
    c.connect = *ep;
    if (!a.requests.empty() && !a.send_bytes.empty()) {
      return fail_with(Errc::Conflict,
                       "--request and --send-bytes do not go together (HTTP or raw bytes)",
                       "--request");
    }
    for (const std::string& r : a.requests) {
      if (r.empty() || r.front() != '/' || r.find_first_of(" \t\r\n\"\\") != std::string::npos) {
        return fail_with(Errc::BadValue,
                         fmt::format("--request '{}': a path starts with '/' and has no spaces, "
                                     "quotes or backslashes",
                                     r),
                         "--request");
      }
    }
    c.requests = a.requests;
    if (!a.send_bytes.empty()) {
      auto n = sim::parse_bytes(a.send_bytes);
      if (!n) {
        return fail_with(
            Errc::BadValue,
            fmt::format("--send-bytes '{}': expected a byte count such as 1000, 64KB or 1MB",
                        a.send_bytes),
            "--send-bytes");
      }
      c.send_bytes = *n;
    }
    if (!a.close.empty()) {
      if (!c.requests.empty()) {
        return fail_with(Errc::Conflict, "--close goes with --send-bytes, not --request",
                         "--close");
      }
      if (a.close == "after-peer") {
        c.close_after_peer = true;
      } else if (a.close != "after-send") {
        return fail_with(
            Errc::BadValue,
            fmt::format("--close '{}' is not allowed (allowed: after-send, after-peer)", a.close),
            "--close");
      }
    }
  }
  if (!a.duration.empty()) {
    auto d = sim::parse_duration(a.duration);
    if (!d || *d <= 0) {
      return fail_with(
          Errc::BadValue,
          fmt::format("--duration '{}': expected a time such as 10s or 500ms", a.duration),
          "--duration");
    }
    c.duration = *d;
  }
  for (const std::string& s : a.sets) {
    auto o = sim::parse_override(s);
    if (!o.ok()) return fail(o.error());
    c.sets.push_back(*o);
  }
  if (a.seed) c.seed = *a.seed;
  auto ends_with = [](const std::string& s, std::string_view end) {
    return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
  };
  if (!a.pcap.empty() && !ends_with(a.pcap, ".pcap") && !ends_with(a.pcap, ".pcapng")) {
    return fail_with(Errc::BadValue,
                     fmt::format("--pcap {}: the file name must end in .pcap or .pcapng", a.pcap),
                     "--pcap");
  }
  c.pcap = a.pcap;
  c.trace = a.trace;
  c.explain = a.explain;
  c.quiet = a.quiet;
  c.ready_file = a.ready_file;
  return c;
}

}  // namespace tcpsim::bridge
