// What a segment arriving in TIME-WAIT does under a kernel's rule (TcpConfig::time_wait_rule),
// and in Linux's FIN-WAIT-2 after close(), a time-wait socket too.
#pragma once

#include <cstdint>

#include "stack/tcp/config.hpp"
#include "stack/tcp/segment.hpp"
#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

enum class TimeWaitAction : std::uint8_t {
  Process,  // the RFC 9293 §3.10.7.4 steps, as in the other synchronized states
  Ignore,   // dropped, nothing sent
  Ack,      // answered with <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
  Reopen,   // the TIME-WAIT ends at once and the SYN goes on to a listener
  Close,    // the connection ends at once, silently
  Reset,    // the connection ends at once; the host answers the segment with a reset
};

// What the connection in TIME-WAIT knows of itself.
struct TimeWaitView {
  SeqNum rcv_nxt;
  SeqNum snd_nxt;
  std::uint32_t rcv_wnd = 0;   // the window offered beyond RCV.NXT
  bool fin_wait2 = false;      // Linux's FIN-WAIT-2 after close() (TCP_FIN_WAIT2 substate)
  bool passive = false;        // it came from a listener
  bool paws_rejects = false;   // the segment's TSval is older than TS.Recent
  bool ts_newer = false;       // the segment's TSval is newer than TS.Recent
  bool ts_missing = false;     // timestamps were agreed (TS.Recent set) and it has none
  bool restart_timer = false;  // out: the 2 MSL timer starts again
};

// Linux (tcp_minisocks.c tcp_timewait_state_process), TIME-WAIT: a bare segment at RCV.NXT
// restarts the timer and a RST there ends it (unless rfc1337); a SYN without ACK or RST,
// not rejected by PAWS, beyond RCV.NXT or with a newer TSval is a new connection
// (TCP_TW_SYN), taken to the listener the connection came from (else answered as below);
// any other RST is ignored; the rest draws an ACK (rate limited), an ACK or a PAWS failure
// restarting the timer. FIN-WAIT-2 after close(): outside the window (tcp_in_window) or
// failing PAWS, an ACK; a RST ends it; a SYN at or beyond RCV.NXT resets; without ACK, or
// nothing new, ignored; the FIN at RCV.NXT alone is taken (Process: on to TIME-WAIT);
// anything else resets.
// FreeBSD (tcp_timewait.c tcp_twcheck): a RST, a SYN,FIN under drop_synfin and a segment
// without ACK are dropped; a SYN without ACK beyond RCV.NXT ends the TIME-WAIT
// (tcp_close) and looks for a listener; a retransmitted FIN restarts the 2 MSL timer; all
// but an exact duplicate ACK (no text, SEQ = RCV.NXT, ACK = SND.NXT) draw an ACK.
TimeWaitAction time_wait_action(const TcpConfig& cfg, const Segment& seg, TimeWaitView& v);

}  // namespace tcpsim::tcp
