#include "sim/script/settings.hpp"

#include <fmt/core.h>

#include <array>
#include <charconv>
#include <limits>

namespace tcpsim::sim::script {

namespace {

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  // Digits with at most one point; enough for percentages.
  double v = 0, scale = 0;
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    if (c == '.') {
      if (scale != 0) return std::nullopt;
      scale = 1;
    } else if (c >= '0' && c <= '9') {
      if (scale != 0) {
        scale /= 10;
        v += (c - '0') * scale;
      } else {
        v = v * 10 + (c - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  return v;
}

// packetdrill options that change nothing here (the harness, not the stack under test).
constexpr std::array<std::string_view, 20> kIgnoredOptions = {
    "speed",          "init_scripts",     "wire_client",     "wire_server",     "wire_server_ip",
    "wire_server_at", "wire_server_port", "wire_client_dev", "wire_server_dev", "so_filename",
    "so_flags",       "non_fatal",        "dry_run",         "is_anyip",        "send_omit_free",
    "debug",          "code_command",     "code_format",     "code_sockopt",    "mss",
};

}  // namespace

std::optional<std::string> apply_option(std::string_view name,
                                        const std::optional<std::string>& value, RunSettings& s,
                                        std::vector<std::string>& notes) {
  auto need = [&](std::string_view what) -> std::optional<std::string> {
    if (!value || value->empty()) return fmt::format("--{} needs a value ({})", name, what);
    return std::nullopt;
  };
  auto bad = [&](std::string_view what) {
    return fmt::format("bad --{}: '{}' ({})", name, value.value_or(""), what);
  };
  if (name == "ip_version") {
    if (auto e = need("ipv4 or ipv6")) return e;
    if (*value == "ipv4") {
      s.ipv6 = s.v6_socket = false;
    } else if (*value == "ipv6") {
      s.ipv6 = s.v6_socket = true;
    } else if (*value == "ipv4-mapped-ipv6") {
      s.ipv6 = false;
      s.v6_socket = true;  // what the socket API reports (IPV6_RECVERR)
      notes.push_back("--ip_version=ipv4-mapped-ipv6 runs as ipv4 (the packets are the same)");
    } else {
      return bad("allowed: ipv4, ipv6");
    }
    if (!s.local_ip_set) {
      s.local_ip = s.ipv6 ? wire::IpAddress(*wire::Ipv6Address::parse("fd3d:fa7b:d17d::1"))
                          : wire::IpAddress(wire::Ipv4Address{{192, 168, 0, 1}});
    }
    if (!s.remote_ip_set) {
      s.remote_ip = s.ipv6 ? wire::IpAddress(*wire::Ipv6Address::parse("2001:db8::1"))
                           : wire::IpAddress(wire::Ipv4Address{{192, 0, 2, 1}});
    }
    return std::nullopt;
  }
  if (name == "tolerance_usecs") {
    if (auto e = need("microseconds")) return e;
    auto v = parse_uint(*value);
    if (!v || *v > 3'600'000'000ULL) return bad("a number of microseconds");
    s.tolerance = static_cast<Nanos>(*v) * kMicrosecond;
    return std::nullopt;
  }
  if (name == "tolerance_percent") {
    if (auto e = need("a percentage")) return e;
    auto v = parse_double(*value);
    if (!v || *v > 100) return bad("a percentage from 0 to 100");
    s.tolerance_percent = *v;
    return std::nullopt;
  }
  if (name == "tcp_ts_tick_usecs") {
    if (auto e = need("microseconds per TS val tick")) return e;
    auto v = parse_uint(*value);
    if (!v || *v > 1'000'000) return bad("microseconds per tick, e.g. 1000");
    s.ts_tick_usecs = static_cast<std::uint32_t>(*v);
    return std::nullopt;
  }
  if (name == "tcp_ts_ecr_scaled") {
    s.ts_ecr_scaled = true;
    return std::nullopt;
  }
  if (name == "strict_segments") {
    s.strict_segments = true;
    return std::nullopt;
  }
  if (name == "local_ip" || name == "remote_ip") {
    if (auto e = need("an IP address")) return e;
    std::string text = *value;
    if (auto slash = text.find('/'); slash != std::string::npos) text.resize(slash);
    auto a = wire::IpAddress::parse(text);
    if (!a) return bad("an IPv4 or IPv6 address");
    if (name == "local_ip") {
      s.local_ip = *a;
      s.local_ip_set = true;
    } else {
      s.remote_ip = *a;
      s.remote_ip_set = true;
    }
    return std::nullopt;
  }
  if (name == "gateway_ip" || name == "netmask_ip") {
    // Where packetdrill routes its tun device; recorded (--verbose shows them), no effect.
    if (auto e = need("an IP address")) return e;
    if (!wire::IpAddress::parse(*value)) return bad("an IPv4 or IPv6 address");
    (name == "gateway_ip" ? s.gateway_ip : s.netmask_ip) = *value;
    return std::nullopt;
  }
  if (name == "define") {
    // Read by the preprocessor before the script is parsed; checked here.
    if (auto e = need("NAME or NAME=VALUE")) return e;
    return std::nullopt;
  }
  if (name == "bind_port" || name == "connect_port") {
    if (auto e = need("a port")) return e;
    auto v = parse_uint(*value);
    if (!v || *v == 0 || *v > 65535) return bad("a port from 1 to 65535");
    (name == "bind_port" ? s.bind_port : s.connect_port) = static_cast<std::uint16_t>(*v);
    return std::nullopt;
  }
  if (name == "mtu") {
    if (auto e = need("bytes")) return e;
    auto v = parse_uint(*value);
    if (!v || *v < 68 || *v > 65535) return bad("an MTU from 68 (IPv4's minimum) to 65535");
    s.mtu = static_cast<std::uint32_t>(*v);
    return std::nullopt;
  }
  if (name == "tcpsim_profile" || name == "profile") {
    if (auto e = need("linux, freebsd or rfc")) return e;
    if (!tcp::TcpConfig::profile_named(*value)) return bad("allowed: linux, freebsd, rfc");
    s.profile = *value;
    return std::nullopt;
  }
  for (std::string_view ignored : kIgnoredOptions) {
    if (name == ignored) {
      notes.push_back(fmt::format("option --{} has no meaning in tcpsim: ignored", name));
      return std::nullopt;
    }
  }
  notes.push_back(fmt::format("warning: unknown option --{}: ignored", name));
  return std::nullopt;
}

namespace {

// Shell words: split on blanks, with '...' and "..." kept together.
std::vector<std::string> shell_words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (char c : s) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    cur += c;
    in_word = true;
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

// Commands separated by ';', '&&', '||' or line breaks.
std::vector<std::string> split_commands(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      cur += c;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    bool sep =
        c == ';' || c == '\n' || ((c == '&' || c == '|') && i + 1 < s.size() && s[i + 1] == c);
    if (sep) {
      if (c == '&' || c == '|') ++i;
      out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(std::move(cur));
  return out;
}

std::optional<std::uint32_t> u32(std::string_view v) {
  auto n = parse_uint(v);
  if (!n || *n > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

// "4096 87380 6291456": the middle value is the default buffer size.
std::optional<std::uint32_t> middle_of_three(std::string_view v) {
  auto w = shell_words(v);
  if (w.size() != 3) return std::nullopt;
  return u32(w[1]);
}

// One sysctl key=value. Returns the applied text, or nullopt when not modelled.
std::optional<std::string> apply_sysctl(std::string key, std::string_view v, tcp::TcpConfig& c) {
  for (char& ch : key) {
    if (ch == '/') ch = '.';
  }
  auto flag = [&](bool& field, std::string_view what) -> std::optional<std::string> {
    auto n = u32(v);
    if (!n) return std::nullopt;
    field = *n != 0;
    return fmt::format("{} {}", what, field ? "on" : "off");
  };
  auto count = [&](auto& field, std::string_view what) -> std::optional<std::string> {
    auto n = u32(v);
    if (!n) return std::nullopt;
    field = static_cast<std::remove_reference_t<decltype(field)>>(*n);
    return fmt::format("{} = {}", what, *n);
  };
  auto millis = [&](Nanos& field, std::string_view what, Nanos unit) -> std::optional<std::string> {
    auto n = u32(v);
    if (!n) return std::nullopt;
    field = static_cast<Nanos>(*n) * unit;
    return fmt::format("{} = {} ms", what, field / kMillisecond);
  };
  // Linux
  if (key == "net.ipv4.tcp_sack") return flag(c.sack, "SACK");
  if (key == "net.ipv4.tcp_timestamps") return flag(c.timestamps, "timestamps");
  if (key == "net.ipv4.tcp_window_scaling") return flag(c.window_scaling, "window scaling");
  if (key == "net.ipv4.tcp_dsack") return flag(c.dsack, "D-SACK");
  if (key == "net.ipv4.tcp_rfc1337") return flag(c.rfc1337, "RST ignored in TIME-WAIT");
  if (key == "net.ipv4.tcp_challenge_ack_limit") {
    auto n = u32(v);  // INT_MAX (the default since Linux 6.0): no host-wide limit
    if (!n) return std::nullopt;
    c.challenge_ack_limit = *n >= 0x7fffffff ? 0 : *n;
    return fmt::format("challenge ACK limit per second = {}", *n);
  }
  if (key == "net.ipv4.tcp_invalid_ratelimit")
    return millis(c.invalid_ratelimit, "ACKs to invalid segments at most every", kMillisecond);
  if (key == "net.ipv4.tcp_syncookies") {
    auto n = u32(v);
    if (!n || *n > 2) return std::nullopt;
    c.syncookies = static_cast<int>(*n);
    return fmt::format("SYN cookies = {}", *n);
  }
  auto ecn_mode = [&](std::string_view what) -> std::optional<std::string> {
    auto n = u32(v);
    if (!n || *n > 2) return std::nullopt;
    c.ecn = static_cast<int>(*n);
    return fmt::format("{} = {}", what, *n);
  };
  if (key == "net.ipv4.tcp_ecn") return ecn_mode("ECN");
  if (key == "net.ipv4.tcp_ecn_fallback") {
    auto n = u32(v);
    if (!n) return std::nullopt;
    c.ecn_setup_retries = *n != 0 ? 0 : 255;  // tcp_ecn_clear_syn on every retransmission
    return fmt::format("ECN fallback {}", *n != 0 ? "on" : "off");
  }
  if (key == "net.ipv4.tcp_syn_retries") return count(c.syn_retries, "SYN retries");
  if (key == "net.ipv4.tcp_syn_linear_timeouts") {  // 0..MAX_TCP_SYNCNT
    if (auto n = u32(v); !n || *n > 127) return std::nullopt;
    return count(c.syn_linear_timeouts, "SYN timeouts before the RTO doubles");
  }
  if (key == "net.ipv4.tcp_synack_retries") return count(c.synack_retries, "SYN,ACK retries");
  if (key == "net.ipv4.tcp_slow_start_after_idle")
    return flag(c.restart_after_idle, "window restart after idle");
  if (key == "net.ipv4.tcp_early_retrans") {
    // 3 (Linux's default) and 4 send tail loss probes (tcp_schedule_loss_probe); 0-2 not.
    auto n = u32(v);
    if (!n || *n > 4) return std::nullopt;
    c.tail_loss_probe = *n >= 3;
    return fmt::format("tail loss probes {}", c.tail_loss_probe ? "on" : "off");
  }
  if (key == "net.ipv4.tcp_recovery") {
    // A bit mask: 1 RACK loss detection; 2 a static reordering window; 4 no
    // duplicate-ACK threshold in RACK's window.
    auto n = u32(v);
    if (!n || *n > 7) return std::nullopt;
    c.rack = (*n & 1) != 0;
    c.rack_static_reo_wnd = (*n & 2) != 0;
    c.rack_no_dupthresh = (*n & 4) != 0;
    return fmt::format("RACK loss detection {}", c.rack ? "on" : "off");
  }
  if (key == "net.ipv4.tcp_reordering") {
    // The reordering degree a connection starts with (tcp_init_sock), 1 or more.
    auto n = u32(v);
    if (!n || *n == 0) return std::nullopt;
    c.reordering = *n;
    return fmt::format("initial reordering {} segments", *n);
  }
  if (key == "net.ipv4.tcp_max_reordering") {
    auto n = u32(v);
    if (!n || *n == 0) return std::nullopt;
    c.max_reordering = *n;
    return fmt::format("reordering at most {} segments", *n);
  }
  if (key == "net.ipv4.tcp_frto") {
    // 0 off; 1 and 2 (the default) run F-RTO after a timeout (tcp_enter_loss).
    auto n = u32(v);
    if (!n || *n > 2) return std::nullopt;
    c.frto = *n != 0;
    return fmt::format("F-RTO {}", c.frto ? "on" : "off");
  }
  if (key == "net.ipv4.tcp_retries2") return count(c.data_retries, "data retries");
  if (key == "net.ipv4.tcp_orphan_retries")
    return count(c.orphan_retries, "retries of a closed socket");
  if (key == "net.ipv4.tcp_keepalive_time")
    return millis(c.keepalive_idle, "keep-alive idle time", kSecond);
  if (key == "net.ipv4.tcp_keepalive_intvl")
    return millis(c.keepalive_interval, "keep-alive interval", kSecond);
  if (key == "net.ipv4.tcp_keepalive_probes") return count(c.keepalive_probes, "keep-alive probes");
  if (key == "net.ipv4.tcp_fin_timeout")
    return millis(c.fin_timeout, "FIN-WAIT-2 time after close", kSecond);
  if (key == "net.ipv4.tcp_rmem" || key == "net.ipv4.tcp_wmem") {
    auto n = middle_of_three(v);
    if (!n || *n == 0) return std::nullopt;
    // With Linux's socket buffers the window is half the receive buffer
    // (tcp_win_from_space, as for SO_RCVBUF).
    if (key == "net.ipv4.tcp_rmem") {
      c.recv_buffer = c.linux_sockbuf ? std::max<std::uint32_t>(*n / 2, 1) : *n;
    } else {
      c.send_buffer = *n;
    }
    // tcp_rmem[2] is the largest window the socket may offer: Linux scales by it.
    auto words = shell_words(v);
    if (key == "net.ipv4.tcp_rmem" && c.shift_rule == tcp::ShiftRule::LinuxRmem) {
      if (auto max = u32(words[2]); max && *max >= *n) c.wscale_space = *max;
    }
    return fmt::format("{} buffer = {} bytes", key == "net.ipv4.tcp_rmem" ? "receive" : "send", *n);
  }
  // tcpsim's own: Linux's quick-ACK mode, up to this many (TCP_MAX_QUICKACKS is 16).
  if (key == "tcpsim.quickacks") return count(c.quickacks, "quick ACKs");
  if (key == "tcpsim.tso") return flag(c.tso, "TSO super-segments");
  if (key == "net.ipv4.tcp_retrans_collapse")
    return flag(c.retrans_collapse, "joining short buffers in resends");
  if (key == "net.ipv4.tcp_min_tso_segs") return count(c.min_tso_segs, "TSO minimum segments");
  if (key == "net.ipv4.tcp_tso_rtt_log") return count(c.tso_rtt_log, "TSO RTT log");
  if (key == "net.ipv4.tcp_tso_win_divisor") return count(c.tso_win_divisor, "TSO window divisor");
  if (key == "net.ipv4.tcp_pacing_ss_ratio")
    return count(c.pacing_ss_ratio, "pacing rate in slow start (%)");
  if (key == "net.ipv4.tcp_pacing_ca_ratio")
    return count(c.pacing_ca_ratio, "pacing rate in congestion avoidance (%)");
  if (key == "net.ipv4.tcp_comp_sack_nr") return count(c.comp_sack_nr, "compressed SACKs");
  if (key == "net.ipv4.tcp_comp_sack_delay_ns" || key == "net.ipv4.tcp_comp_sack_slack_ns") {
    auto n = u32(v);
    if (!n) return std::nullopt;
    bool delay = key == "net.ipv4.tcp_comp_sack_delay_ns";
    (delay ? c.comp_sack_delay : c.comp_sack_slack) = static_cast<Nanos>(*n);
    return fmt::format("SACK compression {} = {} ns", delay ? "delay" : "slack", *n);
  }
  if (key == "net.core.rmem_max") return count(c.rmem_max, "SO_RCVBUF limit");
  if (key == "net.core.wmem_max") return count(c.wmem_max, "SO_SNDBUF limit");
  if (key == "net.ipv4.tcp_congestion_control" || key == "net.inet.tcp.cc.algorithm") {
    auto a = tcp::parse_congestion_algorithm(v);
    if (!a) return std::nullopt;
    c.congestion = *a;
    return fmt::format("congestion control = {}", v);
  }
  // FreeBSD
  if (key == "net.inet.tcp.sack.enable") return flag(c.sack, "SACK");
  if (key == "net.inet.tcp.always_keepalive") return flag(c.always_keepalive, "keep-alive always");
  if (key == "net.inet.tcp.ack_war_cnt")
    return count(c.challenge_ack_limit, "challenge ACKs per second (0: no limit)");
  if (key == "net.inet.tcp.ack_war_timewindow") {  // tcpsim's window is 1000 ms; 0: no limit
    auto n = u32(v);
    if (!n || (*n != 0 && *n != 1000)) return std::nullopt;
    if (*n == 0) c.challenge_ack_limit = 0;
    return fmt::format("challenge ACK window {} ms", *n);
  }
  if (key == "net.inet.tcp.rfc1323") {
    // V_tcp_do_rfc1323: 0 off, 1 both, 2 window scaling only, 3 timestamps only.
    auto n = u32(v);
    if (!n || *n > 3) return std::nullopt;
    c.window_scaling = *n == 1 || *n == 2;
    c.timestamps = *n == 1 || *n == 3;
    return fmt::format("timestamps {}, window scaling {}", c.timestamps ? "on" : "off",
                       c.window_scaling ? "on" : "off");
  }
  if (key == "net.inet.tcp.mssdflt")
    return count(c.default_peer_mss, "the peer's MSS when it sends none (bytes)");
  if (key == "net.inet.tcp.minmss") return count(c.min_peer_mss, "the least peer MSS (bytes)");
  if (key == "net.inet.tcp.delayed_ack") {
    auto n = u32(v);
    if (!n) return std::nullopt;
    if (*n == 0) c.delayed_ack_timeout = 0;
    return fmt::format("delayed ACK {}", *n != 0 ? "on" : "off");
  }
  if (key == "net.inet.tcp.delacktime")
    return millis(c.delayed_ack_timeout, "delayed ACK timeout", kMillisecond);
  if (key == "net.inet.tcp.rexmit_min") return millis(c.min_rto, "minimum RTO", kMillisecond);
  if (key == "net.inet.tcp.rexmit_initial")
    return millis(c.initial_rto, "initial RTO", kMillisecond);
  if (key == "net.inet.tcp.recvspace") return count(c.recv_buffer, "receive buffer (bytes)");
  if (key == "net.inet.tcp.sendspace") return count(c.send_buffer, "send buffer (bytes)");
  if (key == "net.inet.tcp.recvbuf_auto")
    return flag(c.recv_buffer_auto, "receive buffer autosizing");
  if (key == "net.inet.tcp.recvbuf_max" && u32(v).value_or(0) != 0)
    return count(c.recv_buffer_auto_max, "largest receive buffer autosizing makes (bytes)");
  // sb_max: the window scale a SYN or SYN,ACK offers is the least that reaches it
  // (tcp_usrreq.c tcp_connect, tcp_syncache.c syncache_add).
  if (key == "kern.ipc.maxsockbuf" && u32(v).value_or(0) != 0)
    return count(c.wscale_space, "largest socket buffer, for the window scale (bytes)");
  if (key == "net.inet.tcp.rexmit_slop") return millis(c.rto_slop, "RTO slop", kMillisecond);
  if (key == "net.inet.tcp.keepinit")
    return millis(c.connect_timeout, "connection-establishment timeout", kMillisecond);
  // Milliseconds that FreeBSD's sysctl_msec_to_ticks takes: at least a tick.
  auto ticks = [&](Nanos& field, std::string_view what) -> std::optional<std::string> {
    if (u32(v).value_or(0) == 0) return std::nullopt;
    return millis(field, what, kMillisecond);
  };
  if (key == "net.inet.tcp.finwait2_timeout")
    return ticks(c.fin_timeout, "FIN-WAIT-2 timeout with fast recycling");
  if (key == "net.inet.tcp.fast_finwait2_recycle")
    return flag(c.fast_finwait2_recycle, "FIN-WAIT-2 fast recycling");
  if (key == "net.inet.tcp.keepidle") return ticks(c.keepalive_idle, "keep-alive idle time");
  if (key == "net.inet.tcp.keepintvl") return ticks(c.keepalive_interval, "keep-alive interval");
  if (key == "net.inet.tcp.keepcnt") return count(c.keepalive_probes, "keep-alive probes");
  if (key == "net.inet.tcp.insecure_rst") return flag(c.insecure_rst, "RST anywhere in window");
  if (key == "net.inet.tcp.insecure_syn") return flag(c.insecure_syn, "SYN in window resets");
  if (key == "net.inet.tcp.drop_synfin") return flag(c.drop_synfin, "drop SYN+FIN");
  if (key == "net.inet.tcp.tolerate_missing_ts")
    return flag(c.tolerate_missing_ts, "segments without timestamps taken");
  if (key == "net.inet.tcp.syncache.rexmtlimit")
    return count(c.synack_retries, "SYN,ACK retransmissions");
  if (key == "net.inet.tcp.blackhole") {
    auto n = u32(v);
    if (!n || *n > 2) return std::nullopt;
    c.blackhole = static_cast<int>(*n);
    return fmt::format("closed ports answer {} with a RST", *n == 0   ? "everything"
                                                            : *n == 1 ? "all but SYNs"
                                                                      : "nothing");
  }
  if (key == "net.inet.tcp.rexmit_drop_options")
    return flag(c.rexmit_drop_options, "options dropped from the third SYN retransmission");
  // FreeBSD: syncookies (0/1) and syncookies_only (cookies for every SYN, no syncache).
  if (key == "net.inet.tcp.syncookies" || key == "net.inet.tcp.syncookies_only") {
    auto n = u32(v);
    if (!n || *n > 1) return std::nullopt;
    bool only = key == "net.inet.tcp.syncookies_only";
    if (only) c.syncookies = *n != 0 ? 2 : std::min(c.syncookies, 1);
    if (!only) c.syncookies = *n != 0 ? std::max(c.syncookies, 1) : 0;
    return fmt::format("SYN cookies = {}", c.syncookies);
  }
  if (key == "net.inet.tcp.ecn.enable") return ecn_mode("ECN");
  if (key == "net.inet.tcp.ecn.maxretries")
    return count(c.ecn_setup_retries, "ECN-setup SYN retransmissions");
  if (key == "net.inet.tcp.msl") return millis(c.msl, "MSL", kMillisecond);
  if (key == "net.inet.tcp.abc_l_var") return count(c.abc_l_var, "ABC limit (segments)");
  if (key == "net.inet.tcp.initcwnd_segments")
    return count(c.initial_window_segments, "initial window (segments)");
  return std::nullopt;
}

// "5ms", "200ms", "1s", or a bare number of milliseconds, as `ip route` accepts.
std::optional<Nanos> route_time(std::string_view v) {
  Nanos unit = kMillisecond;
  if (v.size() > 2 && v.substr(v.size() - 2) == "ms") {
    v.remove_suffix(2);
  } else if (v.size() > 2 && v.substr(v.size() - 2) == "us") {
    v.remove_suffix(2);
    unit = kMicrosecond;
  } else if (v.size() > 1 && v.back() == 's') {
    v.remove_suffix(1);
    unit = kSecond;
  }
  auto n = u32(v);
  if (!n) return std::nullopt;
  return static_cast<Nanos>(*n) * unit;
}

// A size as dd, truncate and fallocate write it: a number with an optional unit, K, M or
// G (and KiB...) in powers of 1024, kB, MB, GB in powers of 1000, c for bytes, w for 2, b
// for 512.
std::optional<std::uint64_t> file_size(std::string_view v) {
  std::size_t digits = 0;
  while (digits < v.size() && std::isdigit(static_cast<unsigned char>(v[digits])) != 0) ++digits;
  if (digits == 0 || digits > 15) return std::nullopt;
  std::uint64_t n = std::stoull(std::string(v.substr(0, digits)));
  std::string_view unit = v.substr(digits);
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 13> kUnits = {{
      {"", 1},
      {"c", 1},
      {"w", 2},
      {"b", 512},
      {"K", 1024},
      {"KiB", 1024},
      {"kB", 1000},
      {"M", 1024 * 1024},
      {"MiB", 1024 * 1024},
      {"MB", 1000 * 1000},
      {"G", 1024 * 1024 * 1024},
      {"GiB", 1024 * 1024 * 1024},
      {"GB", 1000 * 1000 * 1000},
  }};
  for (const auto& [name, scale] : kUnits) {
    if (unit == name) return n * scale;
  }
  return std::nullopt;
}

// `dd ... of=PATH bs=N count=M` (bs 512 by default), `truncate -s N PATH`, `fallocate -l N
// PATH`: the file made and its size.
std::optional<std::pair<std::string, std::uint64_t>> file_made(const std::vector<std::string>& w) {
  if (w[0] == "dd") {
    std::string path;
    std::optional<std::uint64_t> bs = 512, count;
    for (std::size_t i = 1; i < w.size(); ++i) {
      auto eq = w[i].find('=');
      if (eq == std::string::npos) continue;
      std::string_view key(w[i].data(), eq), value(w[i].data() + eq + 1, w[i].size() - eq - 1);
      if (key == "of") path = std::string(value);
      if (key == "bs") bs = file_size(value);
      if (key == "count") count = file_size(value);
    }
    if (path.empty() || !bs || !count) return std::nullopt;
    return std::pair{path, *bs * *count};
  }
  bool trunc = w[0] == "truncate", falloc = w[0] == "fallocate";
  if ((!trunc && !falloc) || w.size() != 4 || w[1] != (trunc ? "-s" : "-l")) return std::nullopt;
  auto size = file_size(w[2]);
  if (!size) return std::nullopt;
  return std::pair{w[3], *size};
}

}  // namespace

CommandEffect apply_command(std::string_view command, tcp::TcpConfig& c) {
  CommandEffect fx;
  for (const std::string& one : split_commands(command)) {
    std::vector<std::string> w = shell_words(one);
    if (w.empty()) continue;
    if (auto f = file_made(w)) {
      fx.applied.push_back(fmt::format("{}: a file {} of {} bytes", w[0], f->first, f->second));
      fx.files.push_back(std::move(*f));
      continue;
    }
    if (w[0] == "sysctl") {
      bool any = false;
      for (std::size_t i = 1; i < w.size(); ++i) {
        if (!w[i].empty() && w[i][0] == '-') continue;  // -q, -w, -e
        auto eq = w[i].find('=');
        if (eq == std::string::npos) {
          fx.ignored.push_back(fmt::format("sysctl {} (reads a value)", w[i]));
          any = true;
          continue;
        }
        std::string key = w[i].substr(0, eq);
        std::string value = w[i].substr(eq + 1);
        any = true;
        if (auto done = apply_sysctl(key, value, c)) {
          fx.applied.push_back(fmt::format("{}={}: {}", key, value, *done));
        } else {
          fx.ignored.push_back(
              fmt::format("{}={} (not modelled by tcpsim's TcpConfig)", key, value));
        }
      }
      if (!any) fx.ignored.push_back(one);
      continue;
    }
    if (w[0] == "ethtool" && w.size() > 3 && (w[1] == "-K" || w[1] == "--offload")) {
      // ethtool -K DEV tso on|off ...: the device's segmentation offload. Without it the
      // packet socket sees MSS-sized segments (software GSO segments before the tap,
      // net/core/dev.c validate_xmit_skb); other features are not modelled.
      bool any = false;
      for (std::size_t i = 3; i + 1 < w.size(); i += 2) {
        if (w[i] == "tso" && (w[i + 1] == "on" || w[i + 1] == "off")) {
          // Linux's TCP builds GSO buffers whatever the device (TcpConfig::software_gso);
          // other profiles send MSS-sized segments without it.
          c.software_gso = w[i + 1] == "off" && (c.tso || c.software_gso);
          c.tso = w[i + 1] == "on" || c.software_gso;
          fx.applied.push_back(
              fmt::format("ethtool tso {}: TSO super-segments {}", w[i + 1], w[i + 1]));
          any = true;
        } else {
          fx.ignored.push_back(fmt::format("ethtool -K {} {} (not modelled)", w[i], w[i + 1]));
        }
      }
      if (!any && w.size() <= 4) fx.ignored.push_back(one);
      continue;
    }
    if (w[0] == "ip" && w.size() > 2 && w[1] == "route") {
      bool any = false;
      for (std::size_t i = 2; i + 1 < w.size(); ++i) {
        if (w[i] == "initcwnd") {
          if (auto n = u32(w[i + 1]); n && *n > 0) {
            c.initial_window_segments = *n;
            fx.applied.push_back(
                fmt::format("ip route initcwnd {}: initial window = {} segments", *n, *n));
            any = true;
          }
        } else if (w[i] == "rto_min") {
          if (auto t = route_time(w[i + 1])) {
            c.min_rto = *t;
            fx.applied.push_back(fmt::format("ip route rto_min {}: minimum RTO = {} ms", w[i + 1],
                                             *t / kMillisecond));
            any = true;
          }
        } else if (w[i] == "quickack" && w[i + 1] == "1") {
          c.delayed_ack_timeout = 0;
          fx.applied.push_back("ip route quickack 1: delayed ACK off");
          any = true;
        }
      }
      if (!any) fx.ignored.push_back(one);
      continue;
    }
    fx.ignored.push_back(one);
  }
  return fx;
}

}  // namespace tcpsim::sim::script
