#include "stack/tcp/ecn.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

std::uint8_t Ecn::syn_flags(const TcpConfig& cfg, bool syn_ack, int retries) {
  // RFC 3168 §6.1.1: an ECN-setup SYN carries ECE and CWR, an ECN-setup SYN,ACK only
  // ECE; neither is ECT (no codepoint here). Linux tcp_ecn_send_syn/_synack, FreeBSD
  // tcp_ecn_output_syn_sent/tcp_ecn_syncache_respond.
  if (syn_ack) return agreed_ ? kEce : 0;
  if (retries == 0) asked_ = cfg.ecn == 1;
  return asked_ && retries <= cfg.ecn_setup_retries ? (kEce | kCwr) : 0;
}

void Ecn::on_listen_syn(const TcpConfig& cfg, const Segment& syn) {
  bool asks = syn.has(kEce) && syn.has(kCwr);
  bool ect = syn.ecn != ecn_field::kNotEct;
  agreed_ = cfg.ecn != 0 && asks && !(cfg.ecn_refuse_ect_syn && ect);
}

void Ecn::on_syn_sent_reply(const Segment& seg) {
  // Linux tcp_ecn_rcv_synack / tcp_ecn_rcv_syn; FreeBSD tcp_ecn_input_syn_sent /
  // tcp_ecn_input_parallel_syn. A SYN,ACK with both bits (a peer that echoes reserved
  // flags) agrees to nothing.
  if (seg.has(kAck)) {
    agreed_ = asked_ && seg.has(kEce) && !seg.has(kCwr);
  } else {
    agreed_ = asked_ && seg.has(kEce) && seg.has(kCwr);
  }
}

Ecn::AckAsk Ecn::on_segment(const TcpConfig& cfg, const Segment& seg) {
  if (!agreed_) return AckAsk::None;
  if (seg.payload.empty()) {
    // Linux takes CWR from an ACK without data too (tcp_ack: tcp_ecn_accept_cwr, against
    // RFC 3168 §6.1.3's first new data packet, "to be more robust"), with no ACK owed.
    if (cfg.linux_segment_checks && seg.has(kCwr) && seg.has(kAck)) send_ece_ = false;
    return AckAsk::None;
  }
  AckAsk ask = AckAsk::None;
  // CWR first, then the mark of the same segment (Linux tcp_ecn_accept_cwr before
  // tcp_ecn_check_ce; FreeBSD tcp_ecn_input_segment): a marked CWR segment keeps ECE on.
  // Both acknowledge a CWR segment at once: the sender's window may be tiny.
  if (seg.has(kCwr)) {
    send_ece_ = false;
    ask = AckAsk::Now;
  }
  bool was_seen = seen_;
  if (seg.ecn != ecn_field::kNotEct) seen_ = true;
  if (seg.ecn == ecn_field::kCe) {
    if (!send_ece_ && cfg.ecn_ce_quickack) ask = AckAsk::QuickAck;
    send_ece_ = true;
  }
  if (seg.ecn == ecn_field::kNotEct && was_seen && cfg.ecn_ce_quickack) ask = AckAsk::QuickAck;
  return ask;
}

bool Ecn::echo_calls_for_reduction(const Segment& ack, SeqNum una, bool in_recovery) const {
  return agreed_ && ack.has(kEce) && !ack.has(kSyn) && !in_recovery && !reducing(una);
}

void Ecn::on_window_reduced(SeqNum max, bool for_echo) {
  if (!agreed_) return;
  send_cwr_ = true;
  reduced_ = true;
  for_echo_ = for_echo;
  reduced_until_ = max;
}

void Ecn::stamp(Segment& s, bool new_data) {
  if (!agreed_) return;
  if (send_ece_) s.header.flags |= kEce;
  if (!new_data) return;
  // RFC 3168 §6.1.5: ECT on new data only, never on retransmissions or pure ACKs (Linux
  // tcp_ecn_send; FreeBSD tcp_ecn_output_established, which also spares window probes).
  s.ecn = ecn_field::kEct0;
  if (send_cwr_) {
    s.header.flags |= kCwr;
    send_cwr_ = false;
  }
}

}  // namespace tcpsim::tcp
