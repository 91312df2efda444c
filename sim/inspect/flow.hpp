// One direction of a followed connection as the observer knows it: the sender's sequence
// space (ISS, the highest sequence number sent, its FIN, its window scale) and what the
// sender says about the other direction (its highest ACK, windows, duplicate ACKs). The
// checks that flag retransmissions, windows and duplicate ACKs read and update it
// (flow_checks.hpp).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "stack/tcp/seq_num.hpp"

namespace tcpsim::sim::inspect {

using tcp::SeqNum;

struct SeqRange {
  SeqNum left{0};
  SeqNum right{0};  // one past the last
  std::uint64_t frame = 0;
};

struct Flow {
  // The sender's own sequence space.
  bool started = false;  // a segment from this end has been seen
  bool syn_seen = false;
  SeqNum iss{0};
  // Where relative numbers count from: the ISS, or for a connection caught mid-stream the
  // first sequence number seen (its own, or the peer's first ACK of it).
  bool based = false;
  SeqNum base{0};
  SeqNum snd_max{0};  // one past the highest sequence number sent
  std::optional<SeqNum> fin;
  int wscale = -1;  // shift offered on its SYN; -1: none offered
  // Ranges resent and not yet shown spurious by a D-SACK (the most recent few).
  std::deque<SeqRange> resent;

  // What this end says about the other direction.
  bool acked = false;
  SeqNum last_ack{0};  // the highest acknowledgment number sent
  std::uint64_t last_ack_frame = 0;
  bool have_edge = false;
  SeqNum right_edge{0};  // the furthest right edge of the windows advertised
  std::optional<std::uint16_t> last_raw_window;
  bool zero_window = false;
  std::uint32_t dup_acks = 0;

  // Counts for the summary.
  std::uint64_t segments = 0;
  std::uint64_t bytes = 0;  // payload bytes, retransmissions included
  std::uint64_t retransmissions = 0;
};

}  // namespace tcpsim::sim::inspect
