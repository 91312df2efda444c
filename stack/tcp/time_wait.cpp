#include "stack/tcp/time_wait.hpp"

#include "stack/tcp/linux_checks.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {

bool pure_syn(const Segment& seg) {
  return seg.has(kSyn) && !seg.has(kAck) && !seg.has(kRst);
}

TimeWaitAction linux_fin_wait2(const Segment& seg, const TimeWaitView& v) {
  SeqNum seq(seg.header.seq);
  SeqNum end = seq + seg.seq_len();
  if (v.paws_rejects || !linux_in_window(seq, end, v.rcv_nxt, v.rcv_nxt + v.rcv_wnd))
    return TimeWaitAction::Ack;
  if (seg.has(kRst)) return TimeWaitAction::Close;
  if (seg.has(kSyn) && seq >= v.rcv_nxt) return TimeWaitAction::Reset;
  if (!seg.has(kAck) || end <= v.rcv_nxt || seg.seq_len() == 0) return TimeWaitAction::Ignore;
  if (!seg.has(kFin) || end != v.rcv_nxt + 1) return TimeWaitAction::Reset;
  return TimeWaitAction::Process;
}

TimeWaitAction linux_rule(const TcpConfig& cfg, const Segment& seg, TimeWaitView& v) {
  SeqNum seq(seg.header.seq);
  if (!v.paws_rejects && seq == v.rcv_nxt && (seg.seq_len() == 0 || seg.has(kRst))) {
    if (seg.has(kRst)) return cfg.rfc1337 ? TimeWaitAction::Ignore : TimeWaitAction::Close;
    v.restart_timer = true;
    return TimeWaitAction::Ignore;
  }
  bool newer = seq > v.rcv_nxt || v.ts_newer;
  if (pure_syn(seg) && !v.paws_rejects && newer)
    return v.passive ? TimeWaitAction::Reopen : TimeWaitAction::Ack;
  if (seg.has(kRst)) return TimeWaitAction::Ignore;
  if (v.paws_rejects || seg.has(kAck)) v.restart_timer = true;
  return TimeWaitAction::Ack;
}

TimeWaitAction freebsd_rule(const TcpConfig& cfg, const Segment& seg, TimeWaitView& v) {
  if (seg.has(kRst)) return TimeWaitAction::Ignore;  // RFC 1337
  if (seg.has(kSyn) && seg.has(kFin) && cfg.drop_synfin) return TimeWaitAction::Ignore;
  SeqNum seq(seg.header.seq);
  if (pure_syn(seg) && seq > v.rcv_nxt) return TimeWaitAction::Reopen;
  if (!seg.has(kAck)) return TimeWaitAction::Ignore;
  // A segment without the agreed timestamps is dropped only with
  // net.inet.tcp.tolerate_missing_ts=0; the default (1, tcp_subr.c) takes it.
  if (v.ts_missing && !cfg.tolerate_missing_ts) return TimeWaitAction::Ignore;
  auto len = static_cast<std::uint32_t>(seg.payload.size());
  if (seg.has(kFin) && seq + len + (seg.has(kSyn) ? 1u : 0u) + 1u == v.rcv_nxt) {
    v.restart_timer = true;
  }
  bool duplicate_ack = seg.header.flags == kAck && len == 0 && seq == v.rcv_nxt &&
                       SeqNum(seg.header.ack) == v.snd_nxt;
  return duplicate_ack ? TimeWaitAction::Ignore : TimeWaitAction::Ack;
}

}  // namespace

TimeWaitAction time_wait_action(const TcpConfig& cfg, const Segment& seg, TimeWaitView& v) {
  if (v.fin_wait2) return linux_fin_wait2(seg, v);
  switch (cfg.time_wait_rule) {
    case TimeWaitRule::Rfc:
      return TimeWaitAction::Process;
    case TimeWaitRule::Linux:
      return linux_rule(cfg, seg, v);
    case TimeWaitRule::FreeBsd:
      return freebsd_rule(cfg, seg, v);
  }
  return TimeWaitAction::Process;
}

}  // namespace tcpsim::tcp
