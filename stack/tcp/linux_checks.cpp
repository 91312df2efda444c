#include "stack/tcp/linux_checks.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

bool linux_in_window(SeqNum seq, SeqNum end, SeqNum start, SeqNum stop) {
  if (seq == start) return true;
  if (end > start && seq < stop) return true;
  return seq == stop && seq == end;
}

bool linux_sequence_ok(SeqNum seq, SeqNum end, SeqNum wup, SeqNum right) {
  return !(end < wup) && !(seq > right);
}

RequestVerdict linux_check_req(const Segment& seg, const RequestView& v) {
  SeqNum seq(seg.header.seq);
  auto flags = static_cast<std::uint8_t>(seg.header.flags & (kRst | kSyn | kAck));
  // "Check for pure retransmitted SYN."
  if (seq == v.irs && flags == kSyn && !v.paws_rejects) return RequestVerdict::SynAgain;
  // The ACK before the sequence number: a bad one goes to the listener, which resets.
  if ((flags & kAck) != 0 && SeqNum(seg.header.ack) != v.iss + 1)
    return RequestVerdict::ListenerRst;
  if (v.paws_rejects ||
      !linux_in_window(seq, seq + seg.seq_len(), v.rcv_nxt, v.rcv_nxt + v.rcv_wnd)) {
    return RequestVerdict::AckDrop;
  }
  if (seq == v.irs) flags = static_cast<std::uint8_t>(flags & ~kSyn);  // the SYN is old
  if ((flags & (kRst | kSyn)) != 0) return RequestVerdict::Reset;      // embryonic_reset
  if ((flags & kAck) == 0) return RequestVerdict::Drop;
  return RequestVerdict::Process;
}

PawsVerdict linux_paws(const Segment& seg, const PawsView& v) {
  SeqNum seq(seg.header.seq), ack(seg.header.ack);
  if (!seg.has(kAck) || seg.seq_len() != 0) return PawsVerdict::Reject;  // not a pure ACK
  if (seq != v.rcv_nxt) return seq < v.rcv_nxt ? PawsVerdict::Silent : PawsVerdict::Reject;
  if (ack != v.snd_una) return PawsVerdict::Reject;
  bool updates = seq > v.snd_wl1 || (seq == v.snd_wl1 && (v.seg_wnd > v.snd_wnd || v.seg_wnd == 0));
  if (updates) return PawsVerdict::Reject;
  auto ts = seg.header.options.timestamps();
  if (!ts ||
      static_cast<std::int32_t>(v.ts_recent - ts->tsval) > static_cast<std::int32_t>(v.replay))
    return PawsVerdict::Reject;
  return PawsVerdict::Pass;
}

Segment host_reset(Segment reply, const Segment& seg) {
  wire::TcpRepr& h = reply.header;
  if (seg.has(kAck)) {
    h.seq = seg.header.ack;
    h.ack = 0;
    h.flags = kRst;
  } else {
    h.seq = 0;
    h.ack = seg.header.seq + seg.seq_len();
    h.flags = kRst | kAck;
  }
  h.window = 0;
  h.options = {};
  return reply;
}

}  // namespace tcpsim::tcp
