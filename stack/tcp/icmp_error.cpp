#include "stack/tcp/icmp_error.hpp"

#include <algorithm>
#include <array>

#include "stack/tcp/negotiation.hpp"

namespace tcpsim::tcp {

namespace {

using Action = IcmpVerdict::Action;

constexpr std::uint32_t kLinuxMinPmtu = 552;   // net.ipv4.route.min_pmtu (512 + 20 + 20)
constexpr std::uint32_t kFreeBsdMinMss = 216;  // net.inet.tcp.minmss (TCP_MINMSS)
constexpr std::uint32_t kIpv6MinMtu = 1280;    // RFC 8200 §5
constexpr std::uint32_t kIpv4MinMtu = 68;      // RFC 791, RFC 1191 §3

// Linux's icmp_err_convert (net/ipv4/icmp.c), by Destination Unreachable code 0-15; code 4
// (fragmentation needed) is Path MTU Discovery and never reaches it.
constexpr std::array<Errno, 16> kLinuxUnreach = {
    Errno::NetUnreach,  Errno::HostUnreach, Errno::NoProtoOpt,  Errno::ConnRefused,
    Errno::MsgSize,     Errno::OpNotSupp,   Errno::NetUnreach,  Errno::HostDown,
    Errno::NoNet,       Errno::NetUnreach,  Errno::HostUnreach, Errno::NetUnreach,
    Errno::HostUnreach, Errno::HostUnreach, Errno::HostUnreach, Errno::HostUnreach};
// Linux's icmpv6_err_convert (net/ipv6/icmp.c tab_unreach), codes 0-6.
constexpr std::array<Errno, 7> kLinuxUnreach6 = {
    Errno::NetUnreach,  Errno::Access, Errno::HostUnreach, Errno::HostUnreach,
    Errno::ConnRefused, Errno::Access, Errno::Access};

bool is_path_mtu(const IcmpError& e) {
  return e.v6 ? e.type == icmp::kV6PacketTooBig
              : e.type == icmp::kUnreachable && e.code == icmp::kFragNeeded;
}

// The errno Linux gives an error (Ok: tcp_v4_err / tcp_v6_err ignore it).
Errno linux_errno(const IcmpError& e) {
  if (e.v6) {
    if (e.type == icmp::kV6Unreachable)
      return e.code < kLinuxUnreach6.size() ? kLinuxUnreach6[e.code] : Errno::Proto;
    if (e.type == icmp::kV6TimeExceeded) return Errno::HostUnreach;
    if (e.type == icmp::kV6ParameterProblem) return Errno::Proto;
    return Errno::Ok;
  }
  if (e.type == icmp::kUnreachable)
    return e.code < kLinuxUnreach.size() ? kLinuxUnreach[e.code] : Errno::Ok;
  if (e.type == icmp::kTimeExceeded) return Errno::HostUnreach;
  if (e.type == icmp::kParameterProblem) return Errno::Proto;
  return Errno::Ok;  // source quench, redirect and the rest
}

IcmpVerdict linux_verdict(const IcmpError& e, const IcmpContext& c) {
  Errno err = linux_errno(e);
  if (err == Errno::Ok) return {Action::Ignore, err, "Linux tcp_v4_err: ignored"};
  if (c.state == State::SynReceived && c.passive) {
    // A request sock (tcp_req_err): dropped silently when the error says the path is
    // gone; else ignored.
    bool abort = e.v6 ? (e.type == icmp::kV6Unreachable &&
                         (e.code == 1 || e.code == 4 || e.code == 5 || e.code == 6)) ||
                            e.type == icmp::kV6ParameterProblem
                      : e.type == icmp::kTimeExceeded || e.type == icmp::kParameterProblem ||
                            (e.type == icmp::kUnreachable && e.code <= 1);
    if (!abort) return {Action::Ignore, err, "Linux tcp_req_err: ignored"};
    return {Action::Abort, Errno::Ok, "Linux tcp_req_err: request dropped"};
  }
  if (c.state == State::SynSent || c.state == State::SynReceived) {
    return {Action::Abort, err, "Linux tcp_v4_err: an ICMP error in SYN-SENT aborts the connect"};
  }
  return {Action::Soft, err, "Linux tcp_v4_err: soft error (sk_err_soft)"};
}

// FreeBSD's icmp_errmap / icmp6_errmap, and whether tcp_ctlinput picks tcp_drop_syn_sent
// (net.inet.tcp.icmp_may_rst, on by default) rather than tcp_notify.
Errno freebsd_errno(const IcmpError& e, bool& drop_syn_sent) {
  drop_syn_sent = false;
  if (e.v6) {
    drop_syn_sent = (e.type == icmp::kV6Unreachable && (e.code == 1 || e.code == 4)) ||
                    (e.type == icmp::kV6TimeExceeded && e.code == 0) ||
                    (e.type == icmp::kV6ParameterProblem && e.code == 1);
    bool known = e.type == icmp::kV6Unreachable || e.type == icmp::kV6TimeExceeded ||
                 e.type == icmp::kV6ParameterProblem;
    return known ? Errno::HostUnreach : Errno::Ok;
  }
  if (e.type == icmp::kUnreachable) {
    switch (e.code) {
      case 2:
      case 3:
      case 9:
      case 10:
      case 13:  // protocol, port, prohibited
        drop_syn_sent = true;
        return Errno::ConnRefused;
      case 0:
      case 1:
      case 5:
      case 6:
      case 7:
      case 8:
      case 11:
      case 12:
      case 14:
      case 15:
        return Errno::HostUnreach;
      default:
        return Errno::Ok;
    }
  }
  if (e.type == icmp::kTimeExceeded && e.code == 0) {
    drop_syn_sent = true;
    return Errno::HostUnreach;
  }
  if (e.type == icmp::kParameterProblem && e.code <= 1) return Errno::NoProtoOpt;
  return Errno::Ok;
}

IcmpVerdict freebsd_verdict(const IcmpError& e, const IcmpContext& c) {
  bool drop_syn_sent = false;
  Errno err = freebsd_errno(e, drop_syn_sent);
  if (err == Errno::Ok) return {Action::Ignore, err, "FreeBSD icmp_errmap: ignored"};
  // A passive open in SYN-RECEIVED is a SYN cache entry (syncache_unreach drops it only
  // after retransmissions): not modelled, ignored.
  if (c.state == State::SynReceived && c.passive)
    return {Action::Ignore, err, "FreeBSD syncache_unreach: ignored"};
  if (drop_syn_sent) {
    if (c.state != State::SynSent)
      return {Action::Ignore, err, "FreeBSD tcp_drop_syn_sent: not in SYN-SENT: ignored"};
    return {Action::Abort, err, "FreeBSD tcp_drop_syn_sent: connection dropped"};
  }
  // tcp_notify: host and network unreachability mean nothing to an established
  // connection; an opening one that has retransmitted more than three times and was
  // told before gives up; otherwise t_softerror.
  bool unreach = err == Errno::HostUnreach || err == Errno::NetUnreach || err == Errno::HostDown;
  if (c.state == State::Established && unreach)
    return {Action::Ignore, err, "FreeBSD tcp_notify: ignored when established"};
  bool opening = c.state == State::SynSent || c.state == State::SynReceived;
  if (opening && c.retries > 3 && c.soft != Errno::Ok)
    return {Action::Abort, err, "FreeBSD tcp_notify: second error after retransmissions"};
  return {Action::Soft, err, "FreeBSD tcp_notify: soft error (t_softerror)"};
}

IcmpVerdict rfc_verdict(const IcmpError& e, const IcmpContext&) {
  // RFC 1122 4.2.3.9 (RFC 9293 §3.9.2.2): Destination Unreachable codes 2 and 3 (and 4,
  // taken by Path MTU Discovery) are hard errors: abort. Codes 0, 1, 5, Time Exceeded and
  // Parameter Problem are soft: never abort, tell the application. Source Quench is
  // ignored (RFC 6633). ICMPv6 port unreachable counts as IPv4's code 3.
  Errno err = linux_errno(e);  // the errno names Linux gives them
  if (err == Errno::Ok) return {Action::Ignore, err, "RFC 6633 / RFC 1122 4.2.3.9: ignored"};
  bool hard = e.v6 ? e.type == icmp::kV6Unreachable && e.code == 4
                   : e.type == icmp::kUnreachable && (e.code == 2 || e.code == 3);
  if (hard) return {Action::Abort, err, "RFC 1122 4.2.3.9: hard error: abort the connection"};
  return {Action::Soft, err, "RFC 1122 4.2.3.9: soft error: MUST NOT abort"};
}

}  // namespace

bool icmp_seq_acceptable(IcmpRules rules, const IcmpError& e, const IcmpContext& c, SeqNum iss,
                         SeqNum una, SeqNum max) {
  SeqNum seq(e.seq);
  if (rules == IcmpRules::Linux) {
    if (c.state == State::SynReceived && c.passive) return seq == iss;
    return una <= seq && seq <= max;
  }
  return una <= seq && seq < max;
}

IcmpVerdict icmp_verdict(IcmpRules rules, const IcmpError& e, const IcmpContext& c) {
  if (is_path_mtu(e)) {
    // Linux and FreeBSD ignore it for a listener's embryonic connections (tcp_v4_err:
    // "SYN-ACKs ... go through unfragmented"; FreeBSD's SYN cache).
    if (c.passive && c.state == State::SynReceived && rules != IcmpRules::Rfc)
      return {Action::Ignore, Errno::Ok, "embryonic connection: path MTU ignored"};
    return {Action::PathMtu, Errno::MsgSize,
            rules == IcmpRules::Linux     ? "Linux tcp_v4_mtu_reduced"
            : rules == IcmpRules::FreeBsd ? "FreeBSD tcp_mtudisc"
                                          : "RFC 1191 §6.4 / RFC 8201 §5.4"};
  }
  switch (rules) {
    case IcmpRules::Linux:
      return linux_verdict(e, c);
    case IcmpRules::FreeBsd:
      return freebsd_verdict(e, c);
    case IcmpRules::Rfc:
      break;
  }
  return rfc_verdict(e, c);
}

std::uint32_t mtu_plateau_below(std::uint32_t length) {
  static constexpr std::array<std::uint32_t, 11> kPlateaus = {65535, 32000, 17914, 8166, 4352, 2002,
                                                              1492,  1006,  508,   296,  68};
  for (std::uint32_t p : kPlateaus) {
    if (p < length) return p;
  }
  return kIpv4MinMtu;
}

PathMtu icmp_path_mtu(IcmpRules rules, const IcmpError& e, std::uint32_t current,
                      std::uint32_t maxseg) {
  PathMtu r;
  std::uint32_t m = e.mtu;
  switch (rules) {
    case IcmpRules::Linux:
      if (e.v6) {
        // tcp_v6_err: below IPv6's minimum the message is dropped; tcp_v6_mtu_reduced:
        // one that would not lower the MSS is too.
        if (m < kIpv6MinMtu || mss_for_mtu(m, false) >= maxseg) return r;
      } else if (m < kLinuxMinPmtu) {
        // route.c __ip_rt_update_pmtu: below min_pmtu, min_pmtu (never raising).
        r.clamped = true;
        m = std::min(current, kLinuxMinPmtu);
      }
      if (m < current) r.mtu = m;  // ... and never an increase
      return r;
    case IcmpRules::FreeBsd: {
      // tcp_next_pmtu / tcp6_next_pmtu, then "only if smaller than the current one".
      if (e.v6) {
        if (m < kIpv6MinMtu) m = kIpv6MinMtu - 8;
      } else {
        if (m == 0) m = mtu_plateau_below(e.quoted_length);
        m = std::max(m, kFreeBsdMinMss + 40);
      }
      if (m < maxseg + (e.v6 ? 60 : 40)) r.mtu = m;
      return r;
    }
    case IcmpRules::Rfc:
      break;
  }
  // RFC 1191 §3 and §5: never below 68, a plateau when no MTU is given; RFC 8201 §4: never
  // below 1280; neither ever raises the estimate.
  if (e.v6) {
    m = std::max(m, kIpv6MinMtu);
  } else {
    if (m == 0) m = mtu_plateau_below(e.quoted_length);
    m = std::max(m, kIpv4MinMtu);
  }
  if (m < current) r.mtu = m;
  return r;
}

}  // namespace tcpsim::tcp
