// Per-host TCP settings, grouped into named profiles that mimic real stacks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/time.hpp"

namespace tcpsim::tcp {

// One option a SYN may carry, in the order a profile lists them.
enum class SynOption : std::uint8_t { Mss, SackPermitted, Timestamps, Nop, WindowScale };

enum class CongestionAlgorithm : std::uint8_t { Reno, NewReno, Cubic };

// How a SYN cookie lays out what it carries (stack/tcp/syn_cookie.hpp): Linux's
// (net/ipv4/syncookies.c) or FreeBSD's (sys/netinet/tcp_syncache.c).
enum class SynCookieFormat : std::uint8_t { Linux, FreeBsd };
std::string_view to_string(CongestionAlgorithm a);
std::optional<CongestionAlgorithm> parse_congestion_algorithm(std::string_view text);

struct TcpConfig {
  std::string profile = "linux";

  // Options offered on SYN and SYN,ACK, in wire order (RFC 9293 §3.2, RFC 7323, RFC 2018).
  std::vector<SynOption> syn_options = {SynOption::Mss, SynOption::SackPermitted,
                                        SynOption::Timestamps, SynOption::Nop,
                                        SynOption::WindowScale};
  bool sack = true;               // offer SACK-permitted and generate SACK blocks
  bool timestamps = true;         // RFC 7323 §3
  bool window_scaling = true;     // RFC 7323 §2
  std::uint8_t window_shift = 7;  // our Rcv.Wind.Shift when scaling is agreed

  std::uint32_t mtu = 1500;     // IP MTU of the host's interface; MSS = mtu - 40 (IPv4)
  std::uint32_t mss_clamp = 0;  // TCP_MAXSEG: at most this MSS (0 = no clamp)

  std::uint32_t send_buffer = 4 * 1024 * 1024;
  std::uint32_t recv_buffer = 4 * 1024 * 1024;
  std::uint32_t initial_window_segments = 10;  // RFC 6928

  bool nagle = true;                              // RFC 896; TCP_NODELAY turns it off
  Nanos delayed_ack_timeout = 40 * kMillisecond;  // 0 disables delayed ACK

  // RFC 6298: initial RTO 1 s, lower bound (the RFC says 1 s; Linux uses 200 ms).
  Nanos initial_rto = 1 * kSecond;
  Nanos min_rto = 200 * kMillisecond;
  Nanos max_rto = 120 * kSecond;
  int syn_retries = 6;
  int data_retries = 15;
  Nanos user_timeout = 0;  // 0 = none; otherwise abort when data stays unacked this long

  Nanos msl = 30 * kSecond;  // TIME-WAIT lasts 2*MSL (RFC 9293 §3.4.2)

  // RFC 5961 §7: at most this many challenge ACKs per second (0 = unlimited).
  std::uint32_t challenge_ack_limit = 1000;

  // SYN cookies (RFC 4987 §3.6), as Linux's net.ipv4.tcp_syncookies: 0 off, 1 when a
  // listen queue is full (the default of Linux and FreeBSD), 2 for every SYN.
  int syncookies = 1;
  SynCookieFormat syncookie_format = SynCookieFormat::Linux;

  Nanos persist_min = 200 * kMillisecond;
  Nanos persist_max = 60 * kSecond;

  bool keepalive = false;  // RFC 9293 §3.8.4
  // FreeBSD's TCP_KEEPINIT: an active open that is not established this long after its
  // SYN is aborted (0 = only syn_retries limit it).
  Nanos connect_timeout = 0;
  bool no_options = false;   // FreeBSD's TCP_NOOPT: no options on SYN or SYN,ACK, none agreed
  bool cork = false;         // Linux's TCP_CORK, FreeBSD's TCP_NOPUSH: hold partial segments
  std::uint8_t ip_tos = 0;   // IPv4 TOS or IPv6 traffic class of what the connection sends
  std::uint8_t ip_ttl = 64;  // IPv4 TTL or IPv6 hop limit
  Nanos keepalive_idle = 7200 * kSecond;
  Nanos keepalive_interval = 75 * kSecond;
  int keepalive_probes = 9;

  CongestionAlgorithm congestion = CongestionAlgorithm::NewReno;

  // Named profiles: "linux" and "freebsd".
  static std::optional<TcpConfig> profile_named(std::string_view name);
  static std::vector<std::string_view> profile_names();
};

}  // namespace tcpsim::tcp
