// ECN for one connection (RFC 3168 §6.1): whether the SYNs agreed on it, the ECE we owe
// the peer after a CE mark, and the CWR we owe it after reducing the window. Linux keeps
// the same state in tp->ecn_flags (TCP_ECN_OK, TCP_ECN_DEMAND_CWR, TCP_ECN_QUEUE_CWR),
// FreeBSD in t_flags2 (TF2_ECN_PERMIT, TF2_ECN_SND_ECE, TF2_ECN_SND_CWR).
#pragma once

#include <cstdint>

#include "stack/tcp/config.hpp"
#include "stack/tcp/segment.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

// The ECN field of the IP header (RFC 3168 §5).
namespace ecn_field {
constexpr std::uint8_t kNotEct = 0;
constexpr std::uint8_t kEct1 = 1;
constexpr std::uint8_t kEct0 = 2;
constexpr std::uint8_t kCe = 3;
}  // namespace ecn_field

// The IP TOS byte (or IPv6 traffic class) of a segment: the socket's, with the ECN field
// the connection chose (Not-ECT unless it chose one: RFC 3168 §6.1.1; IP_TOS cannot set
// it on a TCP socket, Linux __ip_sock_set_tos, FreeBSD tcp_respond and tcp_output).
constexpr std::uint8_t tos_with_ecn(std::uint8_t tos, std::uint8_t ecn) {
  return static_cast<std::uint8_t>((tos & ~3u) | (ecn & 3u));
}

class Ecn {
 public:
  // ECE and CWR for our SYN (`retries`: how often it went out before) or SYN,ACK.
  std::uint8_t syn_flags(const TcpConfig& cfg, bool syn_ack, int retries);
  // A SYN reached a listener: grant ECN when it asks (ECE and CWR) and we may.
  void on_listen_syn(const TcpConfig& cfg, const Segment& syn);
  // SYN-SENT: the peer's SYN,ACK (agreed when it carries ECE without CWR), or its SYN in a
  // simultaneous open (agreed when it carries both), after our SYN asked.
  void on_syn_sent_reply(const Segment& seg);
  bool agreed() const { return agreed_; }
  // The SYN,ACK gives up ECN (FreeBSD's syncache_timer past net.inet.tcp.ecn.maxretries).
  void fall_back() { agreed_ = false; }
  bool seen() const { return seen_; }  // ECT or CE arrived on data (TCPI_OPT_ECN_SEEN)

  // An acceptable segment in a synchronized state. CWR stops our ECE; a CE mark on data
  // starts it (RFC 3168 §6.1.3). What it asks of the ACK: nothing, to go at once (a CWR
  // segment: the sender's window may be tiny), or Linux's quick-ACK mode for up to two
  // segments (`TcpConfig::ecn_ce_quickack`: the first CE mark, or a not-ECT segment after
  // ECT ones, a sign of a retransmission: __tcp_ecn_check_ce, tcp_enter_quickack_mode).
  enum class AckAsk : std::uint8_t { None, Now, QuickAck };
  AckAsk on_segment(const TcpConfig& cfg, const Segment& seg);
  // The ACK carries an ECN echo the sender answers now: not during loss recovery and not
  // within the window of data of the last reduction (RFC 3168 §6.1.2).
  bool echo_calls_for_reduction(const Segment& ack, SeqNum una, bool in_recovery) const;
  // cwnd was reduced (for ECE when `for_echo`, else a fast retransmit or timeout) with
  // `max` sent: the next new data carries CWR (§6.1.2), and echoes until data past `max`
  // is acknowledged do not reduce it again.
  void on_window_reduced(SeqNum max, bool for_echo);
  // A reduction was undone with ssthresh raised again: the CWR it queued is not sent
  // (Linux tcp_undo_cwnd_reduction -> tcp_ecn_withdraw_cwr).
  void withdraw_cwr() { send_cwr_ = false; }
  // Linux's TCP_CA_CWR: reduced for an echo and no data past that point acknowledged yet.
  bool in_cwr(SeqNum una) const { return for_echo_ && reducing(una); }

  // A segment after the handshake goes out: ECE while we owe it; new data (never sent
  // before, not a probe) also gets ECT(0), and the first after a reduction CWR.
  void stamp(Segment& s, bool new_data);

 private:
  bool reducing(SeqNum una) const { return reduced_ && una <= reduced_until_; }

  bool asked_ = false;   // our SYN asked for ECN
  bool agreed_ = false;  // both ends did (Linux TCP_ECN_OK, FreeBSD TF2_ECN_PERMIT)
  bool seen_ = false;
  bool send_ece_ = false;  // a CE mark is unanswered by CWR (TCP_ECN_DEMAND_CWR)
  bool send_cwr_ = false;  // a reduction is unannounced (TCP_ECN_QUEUE_CWR)
  bool reduced_ = false;
  bool for_echo_ = false;
  SeqNum reduced_until_;  // SND.MAX at the last reduction (Linux high_seq)
};

}  // namespace tcpsim::tcp
