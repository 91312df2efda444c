#include "sim/script/choices.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "stack/base/enum_names.hpp"
#include "stack/tcp/jiffies.hpp"

namespace tcpsim::sim::script {

using tcp::ShiftRule;
using tcp::SynLayout;
using tcp::TcpConfig;

namespace {

constexpr EnumNames<Aspect, 15> kAspectNames{{{
    {Aspect::SynOptions, "syn-options"},
    {Aspect::WindowScale, "window-scale"},
    {Aspect::ReceiveWindow, "receive-window"},
    {Aspect::RetransmitTimer, "retransmit-timer"},
    {Aspect::SynRetries, "syn-retries"},
    {Aspect::RtoAfterSyn, "rto-after-syn-timeout"},
    {Aspect::DelayedAck, "delayed-ack"},
    {Aspect::SynData, "syn-data"},
    {Aspect::Dsack, "dsack"},
    {Aspect::Congestion, "congestion"},
    {Aspect::Closing, "closing"},
    {Aspect::Ecn, "ecn"},
    {Aspect::Segmentation, "segmentation"},
    {Aspect::GiveUp, "give-up"},
    {Aspect::Listen, "listen"},
}}};

// "1 s", "200 ms", "1.5 s", "0 (off)".
std::string duration(Nanos t) {
  if (t == 0) return "0";
  if (t % kSecond == 0) return fmt::format("{} s", t / kSecond);
  if (t >= kSecond) return fmt::format("{:g} s", static_cast<double>(t) / 1e9);
  if (t % kMillisecond == 0) return fmt::format("{} ms", t / kMillisecond);
  return fmt::format("{:g} ms", static_cast<double>(t) / 1e6);
}

// "15 MiB", "64 KiB", "1000 bytes".
std::string bytes(std::uint64_t n) {
  if (n >= 1024 * 1024 && n % (1024 * 1024) == 0) return fmt::format("{} MiB", n >> 20);
  if (n >= 1024 && n % 1024 == 0) return fmt::format("{} KiB", n >> 10);
  return fmt::format("{} bytes", n);
}

// The source of a choice: the profile's own when the value is its default, else a note
// that it was changed (by a sysctl line, a socket option or a scenario setting).
struct Sources {
  std::string_view linux, freebsd, rfc;
};

class Describer {
 public:
  Describer(const TcpConfig& c, const TcpConfig& start) : c_(c), base_(start) {}

  void add(Aspect a, std::string_view name, std::string value, std::string base_value,
           const Sources& s) {
    std::string source;
    if (c_.profile == "linux") {
      source = s.linux;
    } else if (c_.profile == "freebsd") {
      source = s.freebsd;
    } else if (c_.profile == "rfc") {
      source = s.rfc;
    }
    if (value != base_value) source = fmt::format("changed from the profile's {}", base_value);
    out_.push_back(ProfileChoice{a, name, std::move(value), std::move(source)});
  }
  const TcpConfig& config() const { return c_; }
  const TcpConfig& base() const { return base_; }
  std::vector<ProfileChoice> take() { return std::move(out_); }

 private:
  const TcpConfig& c_;
  TcpConfig base_;
  std::vector<ProfileChoice> out_;
};

std::string syn_options(const TcpConfig& c) {
  if (c.no_options) return "none (TCP_NOOPT)";
  std::string on;
  auto add = [&](bool yes, std::string_view name) {
    if (!yes) return;
    if (!on.empty()) on += ", ";
    on += name;
  };
  add(true, "MSS");
  add(c.sack, "SACK-permitted");
  add(c.timestamps, "TS");
  add(c.window_scaling, "window scale");
  return fmt::format("{}; {} layout", on, c.syn_layout == SynLayout::Linux ? "Linux" : "FreeBSD");
}

std::string shift(const TcpConfig& c) {
  if (!c.window_scaling) return "none (window scaling off)";
  switch (c.shift_rule) {
    case ShiftRule::Fixed:
      return fmt::format("{} (fixed)", c.our_window_shift());
    case ShiftRule::LinuxRmem:
      return fmt::format("{} = ilog2({}) - 15", c.our_window_shift(),
                         bytes(std::max(c.recv_buffer, c.wscale_space)));
    case ShiftRule::FreeBsdSockbuf:
      return fmt::format("{}: 65535 << {} reaches {}", c.our_window_shift(), c.our_window_shift(),
                         bytes(c.wscale_space));
  }
  return {};
}

// When an opening SYN is given up: its retransmissions back off from the initial RTO,
// each interval at most the ceiling, and the last one waits a full interval too.
std::string syn_give_up(const TcpConfig& c) {
  Nanos rto = c.initial_rto, total = 0;
  for (int i = 0; i <= c.syn_retries; ++i) {
    total += rto;
    rto = std::min(rto * 2, c.max_rto);
  }
  return fmt::format("{} retransmissions, gives up after {}", c.syn_retries, duration(total));
}

std::string timer(const TcpConfig& c) {
  std::string rule =
      c.rto_rule == tcp::RtoRule::FreeBsd
          ? fmt::format("SRTT + 4·RTTVAR + {} slop", duration(c.rto_slop))
      : c.rto_rule == tcp::RtoRule::Linux
          ? fmt::format("SRTT + max(4·mdev over the last round trip, {})", duration(c.min_rto))
          : std::string("SRTT + 4·RTTVAR");
  return fmt::format("{}; initial {}, floor {}, ceiling {}{}", rule, duration(c.initial_rto),
                     duration(c.min_rto), duration(c.max_rto),
                     c.tail_loss_probe ? "; a tail loss probe after 2·SRTT first" : "");
}

std::string delayed_ack(const TcpConfig& c) {
  if (c.delayed_ack_timeout == 0) return "off: every segment at once";
  if (c.quickacks == 0) return duration(c.delayed_ack_timeout);
  return fmt::format("{}, adapting; the first data at once (quick-ACK mode, up to {} segments)",
                     duration(c.delayed_ack_timeout), c.quickacks);
}

std::string ecn(const TcpConfig& c) {
  switch (c.ecn) {
    case 0:
      return "off";
    case 1:
      return "asked for and granted";
    default:
      return "granted when the peer asks";
  }
}

}  // namespace

std::string_view to_string(Aspect a) {
  return kAspectNames.name(a);
}

std::vector<ProfileChoice> profile_choices(const TcpConfig& config) {
  return profile_choices(config, TcpConfig::profile_named(config.profile).value_or(TcpConfig{}));
}

std::vector<ProfileChoice> profile_choices(const TcpConfig& config, const TcpConfig& start) {
  Describer d(config, start);
  const TcpConfig& c = d.config();
  const TcpConfig& b = d.base();
  d.add(Aspect::SynOptions, "SYN options and layout", syn_options(c), syn_options(b),
        {"tcp_options_write(), net/ipv4/tcp_output.c", "tcp_addoptions(), sys/netinet/tcp_output.c",
         "RFC 9293 §3.1 allows any order; laid out as Linux does"});
  d.add(Aspect::WindowScale, "window scale offered", shift(c), shift(b),
        {"tcp_select_initial_window(), net/ipv4/tcp_output.c, from max(SO_RCVBUF, tcp_rmem[2])",
         "the request_r_scale loop, sys/netinet/tcp_usrreq.c and tcp_syncache.c, from "
         "kern.ipc.maxsockbuf",
         "RFC 7323 §2.3 leaves the shift to the receiver"});
  auto window = [](const TcpConfig& x) {
    switch (x.window_rule) {
      case tcp::WindowRule::Linux:
        return fmt::format("{}; the free space, one segment short of the buffer",
                           bytes(x.recv_buffer));
      case tcp::WindowRule::FreeBsd:
        return fmt::format("{}; all the free space offered", bytes(x.recv_buffer));
      case tcp::WindowRule::Rfc:
        break;
    }
    return fmt::format("{}; receiver SWS avoidance", bytes(x.recv_buffer));
  };
  d.add(Aspect::ReceiveWindow, "receive buffer and window", window(c), window(b),
        {"the socket's receive buffer (tcp_rmem); __tcp_select_window(), "
         "net/ipv4/tcp_output.c, and tcp_grow_window(), net/ipv4/tcp_input.c",
         "the socket's receive buffer; the window in tcp_output(), sys/netinet/tcp_output.c",
         "RFC 9293 §3.8.6 leaves the window to the receiver; §3.8.6.2.2 receiver SWS "
         "avoidance"});
  d.add(Aspect::RetransmitTimer, "retransmission timer", timer(c), timer(b),
        {"TCP_TIMEOUT_INIT, TCP_RTO_MIN, TCP_RTO_MAX, include/net/tcp.h; tcp_rtt_estimator(), "
         "tcp_schedule_loss_probe()",
         "TCP_REXMTVAL and TCPT_RANGESET with net.inet.tcp.rexmit_min, rexmit_slop, "
         "rexmit_initial; sys/netinet/tcp_timer.h, tcp_var.h",
         "RFC 6298 (2.1), (2.4), (2.5)"});
  d.add(Aspect::SynRetries, "opening SYN retried", syn_give_up(c), syn_give_up(b),
        {"net.ipv4.tcp_syn_retries = 6, tcp_write_timeout(), net/ipv4/tcp_timer.c",
         "the SYN-SENT retransmissions, sys/netinet/tcp_timer.c",
         "RFC 9293 §3.8.3 MUST-23: at least 3 minutes for a SYN"});
  auto after_syn = [](const TcpConfig& x) {
    return x.rto_after_syn_timeout == 0
               ? std::string("the backed-off RTO is kept")
               : fmt::format("set to {}", duration(x.rto_after_syn_timeout));
  };
  d.add(Aspect::RtoAfterSyn, "RTO when data starts after a SYN timeout", after_syn(c), after_syn(b),
        {"tcp_init_metrics() sets TCP_TIMEOUT_FALLBACK, net/ipv4/tcp_metrics.c",
         "the RTO is kept, sys/netinet/tcp_input.c", "RFC 6298 (5.7): re-initialised to 3 s"});
  d.add(Aspect::DelayedAck, "delayed ACK", delayed_ack(c), delayed_ack(b),
        {"TCP_DELACK_MIN, include/net/tcp.h; tcp_incr_quickack(), tcp_event_data_recv(), "
         "net/ipv4/tcp_input.c",
         "net.inet.tcp.delacktime (TCPTV_DELACK)",
         "RFC 1122 4.2.3.2, RFC 5681 §4.2: less than 500 ms"});
  auto syn_data = [](const TcpConfig& x) {
    return std::string(x.queue_syn_data ? "held until ESTABLISHED" : "discarded");
  };
  d.add(Aspect::SynData, "text on a SYN in a simultaneous open", syn_data(c), syn_data(b),
        {"tcp_rcv_synsent_state_process(), net/ipv4/tcp_input.c: \"discard packet for sanity\"",
         "tcp_input.c, trimthenstep6 then tcp_reass()",
         "RFC 9293 §3.10.7.3: queue it for after ESTABLISHED"});
  auto dsack = [](const TcpConfig& x) { return std::string(x.sack && x.dsack ? "on" : "off"); };
  d.add(Aspect::Dsack, "D-SACK", dsack(c), dsack(b),
        {"net.ipv4.tcp_dsack = 1, tcp_dsack_set(), net/ipv4/tcp_input.c",
         "tcp_update_dsack_list(), sys/netinet/tcp_sack.c", "RFC 2883"});
  auto cc = [](const TcpConfig& x) {
    std::string_view rule = x.congestion_rule == tcp::CongestionRule::Linux
                                ? " (Linux's arithmetic in segments)"
                                : " (RFC 3465 byte counting)";
    if (x.congestion == tcp::CongestionAlgorithm::Cubic) {
      rule = x.congestion_rule == tcp::CongestionRule::Linux ? " (tcp_cubic.c arithmetic)"
                                                             : " (RFC 9438)";
    }
    std::string_view loss = !x.sack  ? ""
                            : x.rack ? "; losses found by RACK, PRR in recovery"
                                     : "; losses found by three duplicate ACKs (RFC 6675)";
    bool linux_rule = x.congestion_rule == tcp::CongestionRule::Linux;
    std::string_view undo = !linux_rule ? ""
                            : x.frto    ? "; spurious reductions undone, F-RTO after a timeout"
                                        : "; spurious reductions undone";
    return fmt::format("{}{}, initial window {} segments{}{}", to_string(x.congestion), rule,
                       x.initial_window_segments, loss, undo);
  };
  d.add(Aspect::Congestion, "congestion control", cc(c), cc(b),
        {"tcp_cong.c, tcp_cubic.c, tcp_recovery.c, tcp_input.c (undo, F-RTO); TCP_INIT_CWND",
         "cc_newreno.c; net.inet.tcp.initcwnd_segments", "RFC 5681, RFC 6582; RFC 6928"});
  auto segmentation = [](const TcpConfig& x) -> std::string {
    if (!x.tso) return "segments of one MSS";
    if (x.software_gso) {
      return fmt::format(
          "GSO buffers sized as TSO super-segments (at least {} segments), cut to one MSS per "
          "segment before the device",
          x.min_tso_segs);
    }
    return fmt::format(
        "TSO super-segments: about 1 ms at the pacing rate, at least {} segments, at most half "
        "of cwnd",
        x.min_tso_segs);
  };
  d.add(Aspect::Segmentation, "what reaches the device", segmentation(c), segmentation(b),
        {"tcp_write_xmit(), tcp_tso_autosize(), tcp_tso_should_defer() in "
         "net/ipv4/tcp_output.c; packetdrill's TUN device offloads TSO (TUN_F_TSO4)",
         "tcp_output(): tun(4) offers no TSO, so one MSS per segment",
         "RFC 9293 §3.7.1: segments of at most the MSS"});
  d.add(Aspect::Ecn, "ECN", ecn(c), ecn(b),
        {"net.ipv4.tcp_ecn = 2, tcp_ecn_create_request(), net/ipv4/tcp_input.c",
         "net.inet.tcp.ecn.enable = 2, sys/netinet/tcp_ecn.c", "RFC 3168 §6.1.1 (optional)"});
  auto give_up = [](const TcpConfig& x) -> std::string {
    if (x.retry_rule == tcp::RetryRule::Linux) {
      int orphan = x.orphan_retries == 0 ? 8 : x.orphan_retries;
      return fmt::format(
          "{} after the first retransmission ({} doublings of 200 ms), a closed socket's {}; "
          "TCP_USER_TIMEOUT counts from the first retransmission",
          duration(tcp::linux_model_timeout(x.data_retries, x.max_rto)), x.data_retries,
          duration(tcp::linux_model_timeout(orphan, x.max_rto)));
    }
    return fmt::format("after {} retransmissions of a segment{}", x.data_retries,
                       x.profile == "freebsd" ? ""
                                              : "; TCP_USER_TIMEOUT counts from the oldest "
                                                "unacknowledged data");
  };
  d.add(Aspect::GiveUp, "retransmissions given up", give_up(c), give_up(b),
        {"net.ipv4.tcp_retries2 and tcp_orphan_retries as times: tcp_write_timeout(), "
         "retransmits_timed_out(), tcp_model_timeout() in net/ipv4/tcp_timer.c",
         "TCP_MAXRXTSHIFT (net.inet.tcp.retries), tcp_timer_rexmt() in sys/netinet/tcp_timer.c",
         "RFC 9293 §3.8.3: R2 at least 100 s; RFC 5482 for the user timeout"});
  auto listen = [](const TcpConfig& x) -> std::string {
    if (x.syncache) {
      return fmt::format(
          "every SYN gets a SYN cache entry{}; the ACK completing one is reset "
          "once more than 3/2 of the backlog wait for accept()",
          x.syncookies == 2 ? " (a cookie: syncookies_only)" : "");
    }
    std::string cookie = x.syncookies == 0 ? "drops it" : "answers with a SYN cookie";
    if (x.linux_segment_checks) {
      return "a SYN is dropped while the accept queue is full past the backlog; a request "
             "queue full past it " +
             cookie;
    }
    return "connections half open and waiting for accept() together up to the backlog; past it "
           "the SYN is dropped if those waiting fill it, else the stack " +
           cookie;
  };
  d.add(Aspect::Listen, "listen backlog", listen(c), listen(b),
        {"tcp_conn_request(), inet_csk_reqsk_queue_is_full() and sk_acceptq_is_full(), "
         "net/ipv4/tcp_input.c",
         "syncache_add(), sys/netinet/tcp_syncache.c; sonewconn(), sys/kern/uipc_socket.c",
         "RFC 9293 §3.10.1 leaves the queue to the implementation; RFC 4987 §3.6 (cookies)"});
  auto fin_wait2 = [](const TcpConfig& x) -> std::string {
    switch (x.fin_wait2_rule) {
      case tcp::FinWait2Rule::None:
        break;
      case tcp::FinWait2Rule::Linux:
        return x.linger2 < 0 ? "; FIN-WAIT-2 after close: none (TCP_LINGER2 < 0)"
                             : fmt::format("; FIN-WAIT-2 after close: {}, then gone silently",
                                           duration(x.linger2 > 0 ? x.linger2 : x.fin_timeout));
      case tcp::FinWait2Rule::FreeBsd:
        return x.fast_finwait2_recycle
                   ? fmt::format("; FIN-WAIT-2 after close: {}, then dropped silently",
                                 duration(x.fin_timeout))
                   : fmt::format(
                         "; FIN-WAIT-2 after close: dropped silently once idle over "
                         "{}, looked at every {}",
                         duration(x.keepalive_probes * x.keepalive_interval),
                         duration(x.keepalive_interval));
    }
    return "; FIN-WAIT-2 after close: no limit";
  };
  auto closing_rules = [](const TcpConfig& x) -> std::string {
    switch (x.close_rules) {
      case tcp::CloseRules::Rfc:
        return "abort: bare RST; unread data: RST; text after close: taken; giving up: silent";
      case tcp::CloseRules::Linux:
        return "abort: RST with ACK, window, options; unread data: RST; text after close: RST; "
               "retransmissions given up: silent";
      case tcp::CloseRules::FreeBsd:
        return "abort: RST with ACK, zero window; unread data: dropped, FIN; text after close: "
               "RST; giving up: RST";
    }
    return {};
  };
  auto closing = [&fin_wait2, &closing_rules](const TcpConfig& x) -> std::string {
    return closing_rules(x) + fin_wait2(x);
  };
  d.add(Aspect::Closing, "how a connection is reset or ends", closing(c), closing(b),
        {"tcp_send_active_reset(), tcp_close() in net/ipv4/tcp.c; tcp_rcv_state_process(); "
         "tcp_write_err() in tcp_timer.c; tcp_fin_time(), net.ipv4.tcp_fin_timeout",
         "tcp_disconnect() and tcp_drop(), sys/netinet/tcp_usrreq.c and tcp_subr.c; "
         "tcp_output.c; tcp_timer_2msl() in tcp_timer.c",
         "RFC 9293 §3.10.5 ABORT, §3.10.4 CLOSE, §3.10.8 (no FIN-WAIT-2 timer); RFC 2525 "
         "§2.17"});
  return d.take();
}

}  // namespace tcpsim::sim::script
