#include "sim/inspect/flow_checks.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

namespace tcpsim::sim::inspect {
namespace {

using wire::tcp_flag::kAck;
using wire::tcp_flag::kFin;
using wire::tcp_flag::kRst;
using wire::tcp_flag::kSyn;

constexpr std::size_t kMaxResent = 32;

// A sequence number as the ladder shows it: from the ISS when the SYN was seen.
std::uint32_t rel(const Flow& f, SeqNum v) {
  return f.based ? static_cast<std::uint32_t>(v - f.base) : v.raw();
}

// The ladder's relative numbers: the same origins (tools/cli/inspect_ladder.cpp).
void set_bases(const DecodedSegment& s, Flow& sender, Flow& receiver) {
  if (!sender.based) {
    sender.based = true;
    sender.base = SeqNum(s.tcp.seq);
  }
  if (s.has(kAck) && !receiver.based) {
    receiver.based = true;
    receiver.base = SeqNum(s.tcp.ack);
  }
}

void flag(std::vector<Anomaly>& out, AnomalyKind kind, const DecodedSegment& s, std::string text) {
  out.push_back(Anomaly{kind, s.frame, s.time, std::move(text)});
}

// Sequence space sent before: a retransmission, spurious when already acknowledged.
void check_resend(const DecodedSegment& s, Flow& sender, const Flow& receiver,
                  std::vector<Anomaly>& out) {
  SeqNum seq(s.tcp.seq);
  SeqNum end = seq + s.seq_space();
  if (!sender.started || s.seq_space() == 0 || seq >= sender.snd_max) return;
  // A keep-alive: one byte already acknowledged, sent to draw an ACK (RFC 9293 §3.8.4).
  bool keepalive = s.len == 1 && !s.has(kSyn) && !s.has(kFin) && end == sender.snd_max &&
                   receiver.acked && receiver.last_ack >= end;
  if (keepalive) return;
  ++sender.retransmissions;
  std::string what = fmt::format("{}..{}", rel(sender, seq), rel(sender, end));
  if (s.has(kSyn)) what = "SYN";
  if (receiver.acked && receiver.last_ack >= end) {
    flag(out, AnomalyKind::SpuriousRetransmission, s,
         fmt::format("{} sent again, already acknowledged (ack={} in frame {})", what,
                     rel(sender, receiver.last_ack), receiver.last_ack_frame));
    return;
  }
  flag(out, AnomalyKind::Retransmission, s,
       fmt::format("{} sent again{}", what,
                   receiver.zero_window ? " (a probe of the zero window)" : ""));
  sender.resent.push_back(SeqRange{seq, end, s.frame});
  if (sender.resent.size() > kMaxResent) sender.resent.pop_front();
}

// Data past the right edge of the receiver's window (RFC 9293 §3.8.6). A one-byte probe
// into a zero window is allowed (§3.8.6.1).
void check_window(const DecodedSegment& s, const Flow& sender, const Flow& receiver,
                  std::vector<Anomaly>& out) {
  if (s.len == 0 || !receiver.have_edge || !window_shift(receiver, sender)) return;
  SeqNum end = SeqNum(s.tcp.seq) + s.len;
  if (end <= receiver.right_edge) return;
  if (receiver.zero_window && s.len == 1) return;
  flag(out, AnomalyKind::OutOfWindow, s,
       fmt::format("bytes {}..{} pass the right edge {} of the window the receiver advertised",
                   rel(sender, SeqNum(s.tcp.seq)), rel(sender, end),
                   rel(sender, receiver.right_edge)));
}

void record_sent(const DecodedSegment& s, Flow& sender) {
  ++sender.segments;
  sender.bytes += s.len;
  // A RST's sequence number is checked by its receiver; it does not move the sender's.
  if (s.has(kRst) && sender.started) return;
  SeqNum seq(s.tcp.seq);
  if (s.has(kSyn)) {
    if (!sender.syn_seen) {
      sender.syn_seen = true;
      sender.iss = seq;
      auto ws = s.tcp.options.window_scale();
      sender.wscale = ws ? std::min<int>(*ws, 14) : -1;
    }
  }
  SeqNum end = seq + s.seq_space();
  if (!sender.started || end > sender.snd_max) sender.snd_max = end;
  if (s.has(kFin) && !sender.fin) sender.fin = end - 1;
  sender.started = true;
}

// RFC 2883: a first SACK block below the cumulative ACK, or inside the second block, reports
// a duplicate arrival; a resent range it covers was resent needlessly.
void check_dsack(const DecodedSegment& s, Flow& data_sender, std::vector<Anomaly>& out) {
  std::array<wire::SackBlock, wire::tcp_option::kMaxSackBlocks> blocks{};
  std::size_t n = s.tcp.options.sack_blocks(blocks);
  if (n == 0) return;
  SeqNum left(blocks[0].left);
  SeqNum right(blocks[0].right);
  bool dsack = right <= SeqNum(s.tcp.ack) ||
               (n > 1 && SeqNum(blocks[1].left) <= left && right <= SeqNum(blocks[1].right));
  if (!dsack) return;
  auto& resent = data_sender.resent;
  for (auto it = resent.begin(); it != resent.end(); ++it) {
    if (it->left < right && left < it->right) {
      flag(out, AnomalyKind::SpuriousRetransmission, s,
           fmt::format("D-SACK {}..{}: the resend in frame {} was not needed, the first copy "
                       "arrived",
                       rel(data_sender, left), rel(data_sender, right), it->frame));
      resent.erase(it);
      return;
    }
  }
}

// What the segment's ACK and window say about the other direction.
void check_ack(const DecodedSegment& s, Flow& acker, Flow& data_sender, std::vector<Anomaly>& out) {
  if (!s.has(kAck) || s.has(kRst)) return;
  SeqNum ack(s.tcp.ack);
  std::uint16_t raw = s.tcp.window;
  bool pure = s.seq_space() == 0;
  bool same = acker.acked && ack == acker.last_ack && acker.last_raw_window == raw;
  // Repeated ACKs of a zero window answer window probes; they are not duplicate ACKs.
  if (pure && same && raw != 0 && data_sender.started && data_sender.snd_max > ack &&
      !s.has(kSyn)) {
    ++acker.dup_acks;
    flag(out, AnomalyKind::DuplicateAck, s,
         fmt::format("duplicate ACK #{} of {}", acker.dup_acks, rel(data_sender, ack)));
  } else if (!acker.acked || ack > acker.last_ack) {
    acker.dup_acks = 0;
  }
  check_dsack(s, data_sender, out);
  if (!s.has(kSyn)) {
    if (raw == 0 && !acker.zero_window) {
      flag(out, AnomalyKind::ZeroWindow, s,
           fmt::format("window 0 at ack={}: the sender must stop", rel(data_sender, ack)));
    } else if (raw != 0 && acker.zero_window) {
      flag(out, AnomalyKind::WindowOpen, s,
           fmt::format("window opens again at ack={}", rel(data_sender, ack)));
    }
    acker.zero_window = raw == 0;
  }
  // The SYN's own window is never scaled (RFC 7323 §2.2).
  int shift = s.has(kSyn) ? 0 : window_shift(acker, data_sender).value_or(0);
  SeqNum edge = ack + static_cast<std::uint32_t>(std::uint64_t{raw} << shift);
  if (!acker.have_edge || edge > acker.right_edge) acker.right_edge = edge;
  acker.have_edge = true;
  if (!acker.acked || ack > acker.last_ack) {
    acker.last_ack = ack;
    acker.last_ack_frame = s.frame;
  }
  acker.acked = true;
  acker.last_raw_window = raw;
}

}  // namespace

std::optional<int> window_shift(const Flow& from, const Flow& other) {
  if (!from.syn_seen || !other.syn_seen) return std::nullopt;
  if (from.wscale < 0 || other.wscale < 0) return 0;
  return from.wscale;
}

void check_segment(const DecodedSegment& s, Flow& sender, Flow& receiver,
                   std::vector<Anomaly>& out) {
  set_bases(s, sender, receiver);
  if (!s.has(kRst)) {
    check_resend(s, sender, receiver, out);
    check_window(s, sender, receiver, out);
  }
  record_sent(s, sender);
  check_ack(s, sender, receiver, out);
}

}  // namespace tcpsim::sim::inspect
