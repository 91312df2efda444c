// Linux's own tests of an arriving segment where they differ from RFC 9293's
// (TcpConfig::linux_segment_checks): the window test of a request socket and of a
// time-wait socket (tcp_minisocks.c tcp_in_window), the request socket's handling
// (tcp_check_req), and the receive window of tcp_validate_incoming (tcp_input.c
// tcp_sequence).
#pragma once

#include <cstdint>

#include "stack/tcp/segment.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

// tcp_in_window: SEQ at the window's start, or the segment overlaps [start, stop), or it
// is empty and at `stop`.
bool linux_in_window(SeqNum seq, SeqNum end, SeqNum start, SeqNum stop);

// tcp_sequence: not wholly below the RCV.NXT last advertised (`wup`, Linux's rcv_wup;
// a segment ending there passes) and not starting beyond the right edge `right`.
bool linux_sequence_ok(SeqNum seq, SeqNum end, SeqNum wup, SeqNum right);

// What a request socket (a connection from a listener still in SYN-RECEIVED) does with a
// segment, in tcp_check_req's order.
enum class RequestVerdict : std::uint8_t {
  Process,      // on to RFC 9293's steps: the handshake's ACK, with what it carries
  SynAgain,     // the peer's SYN again: our SYN,ACK again (rate limited)
  ListenerRst,  // an ACK not of our SYN,ACK: the listener answers <SEQ=SEG.ACK><CTL=RST>
  AckDrop,      // outside the window or failing PAWS: an ACK (rate limited; not to a RST)
  Drop,         // in the window without ACK: dropped unanswered
  Reset,        // RST or SYN in the window: the request goes; a SYN draws the host's reset
};

struct RequestView {
  SeqNum irs;
  SeqNum iss;
  SeqNum rcv_nxt;
  std::uint32_t rcv_wnd = 0;  // the window our SYN,ACK offered
  bool paws_rejects = false;
};

RequestVerdict linux_check_req(const Segment& seg, const RequestView& v);

// What Linux does with a segment PAWS rejects (tcp_input.c tcp_validate_incoming,
// tcp_disordered_ack_check, Linux 6.14): a pure ACK at RCV.NXT that acknowledges nothing
// new, updates no window (tcp_may_update_window) and is older than TS.Recent by at most
// the replay window is an ACK the network reordered and goes on; a pure ACK below RCV.NXT
// is dropped unanswered; the rest are rejected with a duplicate ACK.
enum class PawsVerdict : std::uint8_t { Pass, Silent, Reject };

struct PawsView {
  SeqNum rcv_nxt;
  SeqNum snd_una;
  SeqNum snd_wl1;
  std::uint32_t snd_wnd = 0;
  std::uint32_t seg_wnd = 0;  // the segment's window, scaled
  std::uint32_t ts_recent = 0;
  std::uint32_t replay = 0;  // in TS ticks: 1.2 RTO (tcp_tsval_replay, milliseconds)
};

PawsVerdict linux_paws(const Segment& seg, const PawsView& v);

// The host's answer to a segment no socket takes (RFC 9293 §3.10.7.1; Linux
// tcp_v4_send_reset): <SEQ=SEG.ACK><CTL=RST>, or without ACK
// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. `reply` brings the ports; nothing answers a RST
// (the caller checks).
Segment host_reset(Segment reply, const Segment& seg);

}  // namespace tcpsim::tcp
