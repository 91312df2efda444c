// F-RTO (RFC 5682 §3, with the SACK enhancement of §4) as Linux runs it after a
// retransmission timeout (net/ipv4/tcp_input.c tcp_enter_loss, tcp_process_loss,
// tcp_xmit_recovery): when the first ACK after the timeout's retransmission moves SND.UNA,
// new data goes out instead of the next segments marked lost; if the ACK after that
// acknowledges or SACKs data sent before the timeout and never resent, the timeout was
// spurious and is undone; a duplicate ACK or a SACK of anything else shows the loss was
// real, and the repair goes on by retransmitting what is lost. Used under
// CongestionRule::Linux (net.ipv4.tcp_frto, on by default).
#pragma once

#include <cstdint>

#include "stack/tcp/seq_num.hpp"

namespace tcpsim::tcp {

class Frto {
 public:
  // tcp_enter_loss: F-RTO runs on this timeout when `run` (enabled, and the timeout came
  // outside fast recovery, or repeats one on the same SND.UNA); `high` is SND.MAX then
  // (high_seq).
  void on_timeout(bool run, SeqNum high) {
    state_ = run ? State::WaitingFirstAck : State::Off;
    went_new_ = false;
    high_ = high;
  }
  // The timeout's repair ended (SND.UNA reached high_seq, or an undo).
  void stop() {
    state_ = State::Off;
    went_new_ = false;
  }

  // What an ACK during the repair showed, after the timestamp undo check.
  struct Ack {
    bool una_advanced = false;        // FLAG_SND_UNA_ADVANCED
    bool recovered = false;           // SND.UNA reached high_seq
    bool duplicate = false;           // a duplicate ACK
    bool sacked = false;              // newly SACKed data (FLAG_DATA_SACKED)
    bool original_delivered = false;  // FLAG_ORIG_SACK_ACKED: data sent before the
                                      // timeout and never resent, acknowledged or SACKed
    bool may_send_new = false;        // unsent data, and the peer's window takes more
  };
  enum class Step : std::uint8_t {
    None,      // nothing changes
    SendNew,   // step 2b: new data goes, not the segments marked lost
    Spurious,  // step 3b: the timeout was spurious: undo it
    Real,      // step 3a (or no new data to send): the loss was real; resend what is lost
  };
  Step on_ack(const Ack& a);

  bool running() const { return state_ != State::Off; }
  // New data went out in step 2b and the repair is not over: it is in flight, beyond
  // high_seq, while the segments before it wait to be resent.
  bool went_new() const { return went_new_; }
  bool sending_new() const { return state_ == State::SentNew; }
  SeqNum high() const { return high_; }

 private:
  enum class State : std::uint8_t { Off, WaitingFirstAck, SentNew };
  State state_ = State::Off;
  bool went_new_ = false;
  SeqNum high_;
};

}  // namespace tcpsim::tcp
