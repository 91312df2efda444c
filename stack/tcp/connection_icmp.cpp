// An ICMP error about one of our segments (RFC 1122 4.2.3.9, RFC 5927, RFC 1191, RFC 8201):
// icmp_error.hpp decides by the profile; here the connection applies it.
#include "stack/tcp/connection.hpp"
#include "stack/tcp/icmp_error.hpp"

namespace tcpsim::tcp {

void Connection::on_icmp_error(Nanos now, const IcmpError& e) {
  if (state_ == State::Closed || state_ == State::Listen || state_ == State::TimeWait) return;
  IcmpRules rules = cfg_.icmp_rules;
  IcmpContext ctx{state_, passive_, retries_, soft_error_};
  // RFC 5927 §4.1: an error that quotes nothing outstanding is forged or stale.
  if (!icmp_seq_acceptable(rules, e, ctx, snd_.iss(), snd_.una(), snd_.max())) return;
  IcmpVerdict v = icmp_verdict(rules, e, ctx);
  switch (v.action) {
    case IcmpVerdict::Action::Ignore:
      return;
    case IcmpVerdict::Action::Soft:
      soft_error_ = v.err;
      return;
    case IcmpVerdict::Action::Abort:
      // The peer cannot be reached: nothing goes to it (Linux tcp_done_with_error,
      // FreeBSD tcp_drop before the handshake completes).
      control_out_.clear();
      enter_closed(now, v.rule, v.err);
      return;
    case IcmpVerdict::Action::PathMtu:
      break;
  }
  std::uint32_t current = neg_.path_mtu != 0 ? neg_.path_mtu : cfg_.mtu;
  std::uint32_t old_mss = send_mss();
  std::uint32_t maxseg = old_mss + (neg_.ts_ok ? 12 : 0);
  PathMtu p = icmp_path_mtu(rules, e, current, maxseg);
  // Linux tcp_v4_mtu_reduced: "Something is about to be wrong": an MTU below the floor is
  // remembered as EMSGSIZE in case the connection cannot recover.
  if (p.clamped) soft_error_ = Errno::MsgSize;
  if (p.mtu == 0) return;
  neg_.path_mtu = p.mtu;
  // What was sent with the larger MSS was dropped: send it again at once, with the new
  // MSS and the congestion window as it is (RFC 1191 §6.4; Linux tcp_simple_retransmit,
  // FreeBSD tcp_mtudisc: snd_nxt = snd_una). Deviation from Linux, which resends only
  // the segments larger than the new MSS: everything outstanding goes again.
  if (send_mss() < old_mss && snd_.syn_acked() && snd_.max() != snd_.una()) {
    snd_.karn().stop();
    snd_.rewind();
  }
}

}  // namespace tcpsim::tcp
