// What a segment arriving in TIME-WAIT does under a kernel's rule (TcpConfig::time_wait_rule).
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
};

// What the connection in TIME-WAIT knows of itself.
struct TimeWaitView {
  SeqNum rcv_nxt;
  SeqNum snd_nxt;
  bool passive = false;        // it came from a listener
  bool ts_expected = false;    // timestamps were agreed (RFC 7323 §3.2)
  bool paws_rejects = false;   // the segment's TSval is older than TS.Recent
  bool ts_newer = false;       // the segment's TSval is newer than TS.Recent
  bool restart_timer = false;  // out: the 2 MSL timer starts again
};

// Linux (tcp_minisocks.c tcp_timewait_state_process): a SYN without ACK or RST, not
// rejected by PAWS, beyond RCV.NXT or with a newer TSval is a new connection (TCP_TW_SYN);
// tcpsim takes it to the listener the connection came from. Everything else: Process.
// FreeBSD (tcp_timewait.c tcp_twcheck): a RST, a SYN,FIN under drop_synfin and a segment
// without ACK are dropped; a SYN without ACK beyond RCV.NXT ends the TIME-WAIT
// (tcp_close) and looks for a listener; a retransmitted FIN restarts the 2 MSL timer; all
// but an exact duplicate ACK (no text, SEQ = RCV.NXT, ACK = SND.NXT) draw an ACK.
TimeWaitAction time_wait_action(const TcpConfig& cfg, const Segment& seg, TimeWaitView& v);

}  // namespace tcpsim::tcp
