#include "stack/tcp/receiver.hpp"

#include <algorithm>
#include <optional>

namespace tcpsim::tcp {

namespace {

// FreeBSD's receiver SWS avoidance (tcp_output.c): no window below min(buffer/4, MSS).
std::uint64_t freebsd_sws(std::uint64_t free, std::uint32_t buffer, std::uint32_t mss) {
  return free < buffer / 4 && free < mss ? 0 : free;
}

// FreeBSD's test for a window update after a read, from the free space, the window the
// peer knows and the buffer (sb_hiwat).
bool freebsd_update_due(const Receiver::ReadRule& r, std::uint32_t space, std::uint32_t offered,
                        std::uint32_t buffer) {
  // tcp_output.c tcp_default_output, "Sending of standalone window updates": the window
  // grows by `adv`; by two segments and a quarter of the buffer (or the buffer nearly
  // full, or small), or by half the buffer, and not lost to the scale's rounding.
  std::uint64_t widest = std::uint64_t{65535} << r.shift;
  std::uint64_t recwin = freebsd_sws(std::min<std::uint64_t>(space, widest), buffer, r.mss);
  std::uint64_t oldwin = offered;
  std::uint64_t adv = recwin > oldwin ? recwin - oldwin : 0;
  if (recwin == 0 || (oldwin >> r.shift) >= ((adv + oldwin) >> r.shift)) return false;
  if (adv >= 2 * std::uint64_t{r.mss} && (adv >= buffer / 4 || recwin <= buffer / 8 ||
                                          buffer <= 8 * std::uint64_t{r.mss} || adv >= widest))
    return true;
  return 2 * adv >= buffer;
}

// FreeBSD's tcp_reass (tcp_reass.c) on a segment [seq, seq + len) arriving while data or
// a FIN is held out of order (`held_fin`: that FIN's place).
struct FreeBsdReass {
  bool drop;         // the segment goes whole, its FIN too
  bool fin_lost;     // its text is taken as usual, its FIN is not
  std::size_t keep;  // bytes of its text kept (none past a held FIN)
};
// Where what is held out of order ends, a FIN held alone included (FreeBSD queues it as
// an entry of its own); nothing when nothing is held.
std::optional<SeqNum> held_end(const ReassemblyQueue& held, std::optional<SeqNum> held_fin) {
  if (held.empty()) return held_fin;
  return held_fin && held.back_end() < *held_fin ? *held_fin : held.back_end();
}

// "Someone is trying to game us": a FIN at `fin_at` before the end of what is held.
bool fin_before_held(std::optional<SeqNum> held_end, SeqNum fin_at) {
  return held_end && fin_at < *held_end;
}

// FreeBSD's limit on the reassembly queue (tcp_reass.c, new_entry, with the default
// net.inet.tcp.reass.new_limits=0): text that would open an entry of its own, meeting
// none held, is dropped once min(sb_hiwat / t_maxseg + 1, net.inet.tcp.reass.maxqueuelen
// = 100) entries are held (t_segqlen; adjoining entries are merged, as blocks are here).
bool freebsd_queue_full(const ReassemblyQueue& q, std::uint32_t buffer, std::uint32_t maxseg,
                        SeqNum seq, std::size_t len) {
  if (maxseg == 0 || q.empty() || len == 0) return false;
  std::size_t limit = std::min<std::size_t>(buffer / maxseg + 1, 100);
  return q.block_count() >= limit &&
         q.sack_rank(seq, seq + static_cast<std::uint32_t>(len)) == q.block_count();
}

// `buffer` and `maxseg` give the queue's limit (freebsd_queue_full).
FreeBsdReass freebsd_reass(const ReassemblyQueue& held, std::optional<SeqNum> held_fin, SeqNum nxt,
                           SeqNum seq, std::size_t len, bool fin, std::uint32_t buffer,
                           std::uint32_t maxseg) {
  SeqNum end = seq + static_cast<std::uint32_t>(len);
  // "Someone is trying to game us, dump the segment": a FIN before the end of held data.
  if (fin && fin_before_held(held_end(held, held_fin), end)) return {true, false, len};
  // "We have data after the FIN on the last?": text past a held FIN is dropped.
  std::size_t keep = len;
  if (held_fin && end > *held_fin)
    keep = *held_fin > seq ? static_cast<std::uint32_t>(*held_fin - seq) : 0;
  if (keep == 0 && len > 0) return {true, false, 0};
  if (nxt < seq && freebsd_queue_full(held, buffer, maxseg, seq, keep)) return {true, true, keep};
  // "Complete overlap": a FIN on text the last held block already has is freed with it.
  bool overlap = fin && len > 0 && !held.empty() && nxt < seq && held.back_start() <= seq &&
                 end == held.back_end();
  return {false, overlap, keep};
}

// How far text is kept: what lies inside the window we advertised (RFC 9293 §3.10.7.4).
// Linux keeps a segment that starts in the window whole, as far as memory goes
// (tcp_data_queue, tcp_data_queue_ofo; the window only decides acceptance, tcp_sequence):
// here, the buffer with its slack. FreeBSD keeps up to the free space (sbspace).
struct KeepView {
  SeqNum nxt;
  SeqNum adv;
  std::size_t used;  // bytes in the buffer and held out of order
  std::uint32_t buffer;
  std::uint32_t space;
};
SeqNum keep_limit(const KeepView& v, bool linux_rule, bool to_space) {
  SeqNum limit = v.adv;
  std::size_t room = std::size_t{v.buffer} + Receiver::kWindowSlack;
  SeqNum memory = v.nxt + static_cast<std::uint32_t>(v.used < room ? room - v.used : 0);
  if (linux_rule && memory > limit) limit = memory;
  if (to_space && v.nxt + v.space > limit) limit = v.nxt + v.space;
  return limit;
}

// The part of [from, from + n) already held that Linux reports in a D-SACK block
// (ReassemblyQueue::overlap); nothing under other rules.
ReassemblyQueue::Overlap linux_overlap(const ReassemblyQueue& q, bool linux_rule, SeqNum from,
                                       std::size_t n) {
  if (!linux_rule || n == 0) return {};
  return q.overlap(from, from + static_cast<std::uint32_t>(n));
}

// The text of a segment left once the part below RCV.NXT is trimmed off (tlen as
// FreeBSD's DELAY_ACK sees it).
std::size_t past_nxt(SeqNum seq, SeqNum nxt, std::size_t len) {
  return seq < nxt ? len - std::min<std::size_t>(len, nxt - seq) : len;
}

}  // namespace

void Receiver::set_buffer(std::uint32_t n, std::uint32_t window_clamp, bool clamp_set) {
  buffer_ = n;
  buf_.set_capacity(n + kWindowSlack);
  window_clamp_ = window_clamp;
  if (clamp_set && linux_.started() && window_clamp != 0) linux_.set_clamp(window_clamp, wnd_);
}

bool Receiver::acceptable(SeqNum seq, std::uint32_t seg_len, bool freebsd) const {
  // RFC 9293 §3.10.7.4, the four cases of segment length and receive window.
  std::uint32_t wnd = freebsd ? std::max(offered(), space()) : offered();
  // FreeBSD trims only what lies past RCV.NXT + RCV.WND (tcp_do_segment, todrop > 0): an
  // empty segment at that edge passes.
  if (seg_len == 0 && freebsd) return static_cast<std::uint32_t>(seq - nxt_) <= wnd;
  if (seg_len == 0) return wnd == 0 ? seq == nxt_ : seq_in_range(nxt_, seq, nxt_ + wnd);
  if (wnd == 0) return false;
  return seq_in_range(nxt_, seq, nxt_ + wnd) || seq_in_range(nxt_, seq + (seg_len - 1), nxt_ + wnd);
}

std::uint32_t Receiver::syn_window(std::uint32_t unit, bool capped) const {
  std::uint32_t space = this->space();
  if (window_clamp_ != 0) space = std::min(space, window_clamp_);
  // tcp_select_initial_window rounds the space down to whole segments; the SYN's field
  // says at most 65535 of it (since Linux 6.10, and its stable kernels, tp->rcv_wnd keeps
  // the rest). A space within a segment above 64 KB offers less than 65535.
  if (unit > 0 && space > unit) space -= space % unit;
  return capped ? std::min<std::uint32_t>(space, 65535) : space;
}

Receiver::Advert Receiver::advertise(std::uint32_t mss, std::uint8_t shift, WindowRule rule,
                                     std::uint32_t rcv_mss) {
  std::uint32_t free = space();
  std::uint32_t current = offered();
  std::uint32_t wnd = current;
  bool low_space = false;
  if (rule == WindowRule::Linux) {
    // tcp_select_window: the new choice, unless it would move the right edge back.
    LinuxWindow::Choice c = linux_.select(free, buffer_, rcv_mss, shift, wnd_);
    low_space = c.low_space;
    wnd = std::max(c.window, current);
  } else if (rule == WindowRule::FreeBsd) {
    wnd = std::max(static_cast<std::uint32_t>(freebsd_sws(free, buffer_, mss)), current);
  } else {
    // RFC 9293 §3.8.6.2.2 receiver SWS avoidance: move the right edge only by at least
    // min(buffer/2, Eff.snd.MSS); never shrink it (§3.8.6.2.2, RFC 7323 §2.4).
    std::uint32_t threshold = std::min<std::uint32_t>(buffer_ / 2, mss);
    if (free > current && free - current >= threshold) wnd = free;
    if (free > current && free == buffer_) wnd = free;
  }
  // Say it in units of 2^Rcv.Wind.Shift, rounding up so the right edge never moves left
  // (RFC 7323 §2.4); the buffer keeps a little slack for the rounding.
  std::uint32_t unit = 1u << shift;
  std::uint32_t field = std::min<std::uint32_t>((wnd + unit - 1) >> shift, 65535);
  wnd = field << shift;
  adv_ = nxt_ + wnd;
  wnd_ = wnd;
  return {wnd, low_space};
}

Receiver::TextResult Receiver::on_text(SeqNum seq, std::span<const std::uint8_t> data, bool fin,
                                       std::vector<std::uint8_t>* owner, const AckRule& ack) {
  if (ack.linux_rule && ack.sack && comp_.held > 0 && nxt_ < seq &&
      reasm_.sack_rank(seq, seq + static_cast<std::uint32_t>(data.size())) >= 2) {
    // tcp_sack_new_ofo_skb: data for a SACK block past the first two, or a new one behind
    // two (TCP_SACK_BLOCKS_EXPECTED), sends the held ACK first (tcp_sack_compress_send_ack).
    return {Text::FlushFirst, false, false, false, false, false};
  }
  std::uint32_t before = space();
  bool owed = ack_now_;
  ack_scheduled_ = true;  // tcp_event_data_recv, tcp_data_queue, tcp_data_queue_ofo
  bool freebsd_now =
      ack.freebsd_maxseg != 0 && (past_nxt(seq, nxt_, data.size()) > ack.freebsd_maxseg ||
                                  wnd_ == 0 || (ack.sack && seq < nxt_));
  SeqNum was = nxt_;
  Text text = store(seq, data, fin, owner, ack.linux_rule, ack.freebsd_window, ack.freebsd_maxseg);
  bool grew = false;
  if (ack.linux_rule && space() < before && (text == Text::Held ? ack.sack : data.size() >= 128)) {
    // tcp_event_data_recv (in order) and tcp_data_queue_ofo (held) call tcp_grow_window.
    grew = linux_.grow(static_cast<std::uint32_t>(data.size()), space(), ack.advmss, ack.rcv_mss);
  }
  if (text == Text::Held) {
    // Linux's __tcp_ack_snd_check: out of quick-ACK mode, with SACK, the first three
    // out-of-order segments at one RCV.NXT draw an ACK each (enough for fast retransmit);
    // later ones wait for the compressed-ACK timer, at most comp_sack_nr of them.
    bool compress = ack.linux_rule && ack.sack && ack.comp_sack_nr > 0 && !owed &&
                    !ack.quickack_mode && !(grew && ack.quick_on_growth) && nxt_ < seq &&
                    comp_.held < ack.comp_sack_nr && comp_.hold(nxt_);
    if (compress) ack_now_ = false;
    if (freebsd_sack_) freebsd_blocks_.after_text(was, nxt_);
    return {text, false, false, grew, compress, false};
  }
  // Held blocks now in order join the buffer, up to an early FIN (tcp_fin's purge).
  while (reasm_.ready(nxt_)) {
    std::vector<std::uint8_t> block = reasm_.pop_front(early_fin_);
    std::size_t n = discard_ ? block.size() : buf_.adopt(std::move(block));
    nxt_ += static_cast<std::uint32_t>(n);
    bytes_received_ += n;
  }
  if (freebsd_sack_) freebsd_blocks_.after_text(was, nxt_);
  bool fin_ready = early_fin_ == nxt_;
  // ACK every second segment (RFC 9293 §3.8.6.3), a filled gap at once (RFC 5681 §4.2).
  if (text == Text::FilledGap) ack_now_ = true;
  ++unacked_segments_;
  bool now = ack.delayed_ack_timeout == 0 || (grew && ack.quick_on_growth);
  bool quick_ended = false;
  if (ack.linux_rule && static_cast<std::int64_t>(nxt_ - last_ack_sent_) > ack.rcv_mss) {
    // "More than one full frame received", and the right edge would not move back (else a
    // read sends the ACK). Choosing that window ends quick-ACK mode with under half the
    // buffer free (__tcp_select_window) before __tcp_ack_snd_check asks if it is on.
    LinuxWindow::Choice c = linux_.select(space(), buffer_, ack.rcv_mss, ack.shift, wnd_);
    quick_ended = c.low_space && (ack.quickack_mode || (grew && ack.quick_on_growth));
    if (quick_ended) now = !ack.quickack_mode && ack.delayed_ack_timeout == 0;
    now = now || c.window >= wnd_;
  } else if (!ack.linux_rule) {
    now = now || unacked_segments_ >= 2 || freebsd_now;
  }
  bool delay = !now;
  if (now) ack_now_ = true;
  return {text, fin_ready, delay, grew, false, quick_ended};
}

Receiver::Text Receiver::store(SeqNum seq, std::span<const std::uint8_t> data, bool fin,
                               std::vector<std::uint8_t>* owner, bool linux_rule, bool to_space,
                               std::uint32_t maxseg) {
  SeqNum limit = keep_limit({nxt_, adv_, buf_.size() + reasm_.bytes(), buffer_, space()},
                            linux_rule, to_space);
  SeqNum end = seq + static_cast<std::uint32_t>(data.size());
  if (end > limit) data = data.first(limit > seq ? static_cast<std::size_t>(limit - seq) : 0);
  freebsd_blocks_.note_text(seq, 0);
  FreeBsdReass r{false, false, data.size()};
  if (freebsd_reass_)
    r = freebsd_reass(reasm_, early_fin_, nxt_, seq, data.size(), fin && limit >= end, buffer_,
                      maxseg);
  fin_dropped_ = r.fin_lost;
  ack_now_ = ack_now_ || r.drop;  // tcp_reass's caller sets TF_ACKNOW
  if (r.drop) return Text::Held;
  data = data.first(r.keep);
  freebsd_blocks_.note_text(seq_max(seq, nxt_), past_nxt(seq, nxt_, data.size()));
  if (nxt_ < seq) {
    // Out of order: hold it and send a duplicate ACK at once (RFC 5681 §4.2, RFC 2018).
    ReassemblyQueue::Overlap d = linux_overlap(reasm_, linux_rule, seq, data.size());
    if (reasm_.insert(nxt_, seq, data) == 0 && !data.empty() && !d.found && !freebsd_sack_) {
      note_duplicate(seq, seq + static_cast<std::uint32_t>(data.size()));
    }
    if (d.found) note_duplicate(d.start, d.end, d.extends);
    ack_now_ = true;
    return Text::Held;
  }
  std::uint32_t skip = static_cast<std::uint32_t>(nxt_ - seq);
  if (skip >= data.size()) {
    ack_now_ = true;  // a duplicate: tell the sender where we are
    if (!data.empty()) note_duplicate(seq, seq + static_cast<std::uint32_t>(data.size()));
    return Text::Held;
  }
  if (skip > 0) note_duplicate(seq, nxt_);
  data = data.subspan(skip);
  if (!reasm_.empty()) {
    // Merge with held data first, so overlaps with held blocks are delivered once; Linux
    // D-SACKs the held part it covers as the queue drains (tcp_ofo_queue).
    ReassemblyQueue::Overlap d = linux_overlap(reasm_, linux_rule, nxt_, data.size());
    reasm_.insert(nxt_, nxt_, data);
    if (d.found) note_duplicate(d.start, d.end, true);
    return Text::FilledGap;
  }
  // Fast path: in order with nothing held. The whole payload of a segment without FIN
  // (the FIN step still reads its length) is taken over rather than copied.
  std::size_t n = 0;
  if (discard_) {
    n = data.size();
  } else if (owner != nullptr && !fin && data.data() == owner->data() &&
             data.size() == owner->size() && data.size() <= buf_.free_space()) {
    n = buf_.adopt(std::move(*owner));
  } else {
    n = buf_.write(data);
  }
  nxt_ += static_cast<std::uint32_t>(n);
  bytes_received_ += n;
  return Text::InOrder;
}

bool Receiver::on_fin(SeqNum fin_at, bool ack_now) {
  ack_scheduled_ = true;  // tcp_fin, tcp_data_queue_ofo
  if (std::exchange(fin_dropped_, false) ||
      (freebsd_reass_ && fin_before_held(held_end(reasm_, early_fin_), fin_at))) {
    ack_now_ = true;  // FreeBSD's tcp_reass: the FIN is lost (freebsd_reass)
    return false;
  }
  if (fin_at != nxt_) {
    // The FIN came ahead of missing data: it is taken once the gap fills.
    if (fin_at > nxt_) {
      early_fin_ = fin_at;
      // RFC 5681 §4.2: a segment out of order gets an immediate (duplicate) ACK, so the
      // sender learns of the gap; a FIN alone is such a segment too (Linux acknowledges
      // it at once from its out-of-order queue, tcp_data_queue_ofo).
      ack_now_ = true;
    }
    return false;
  }
  // RFC 9293 §3.10.7.4 eighth: advance RCV.NXT over the FIN and acknowledge it.
  nxt_ += 1;
  fin_received_ = true;
  early_fin_.reset();
  ack_now_ = ack_now_ || ack_now;
  reasm_ = ReassemblyQueue();
  return true;
}

std::size_t Receiver::read(std::span<std::uint8_t> out, const ReadRule& r) {
  std::uint32_t before = space();
  std::size_t n = std::min(out.size(), buf_.size());
  buf_.copy_out(0, n, out.data());
  buf_.consume(n);
  if (r.rule == WindowRule::Linux) {
    if (n > 0 && linux_.read_wants_ack(
                     {nxt_ - last_ack_sent_, offered(), space(), buffer_, wnd_, r.rcv_mss, r.shift,
                      r.may_widen && !fin_received_,
                      r.pushed && buf_.size() == 0 && reasm_.empty() && nxt_ != last_ack_sent_})) {
      ack_now_ = true;
    }
    return n;
  }
  if (r.rule == WindowRule::FreeBsd) {
    if (n > 0 && r.may_widen && !r.delack_pending && !fin_received_ &&
        freebsd_update_due(r, space(), offered(), buffer_))
      ack_now_ = true;
    return n;
  }
  // Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): announce the opened window only once
  // it grew by min(buffer/2, MSS) beyond what the peer knows.
  std::uint32_t after = space();
  std::uint32_t known = offered();
  std::uint32_t threshold = std::min<std::uint32_t>(buffer_ / 2, r.mss);
  if (r.may_widen && after > before && after >= known + threshold &&
      (known < threshold || after >= 2 * known)) {
    ack_now_ = true;
  }
  return n;
}

void Receiver::shutdown_read(bool discard) {
  read_shutdown_ = true;
  if (!discard) return;
  discard_ = true;
  buf_.consume(buf_.size());
}

bool Receiver::on_ack_sent() {
  bool scheduled = ack_scheduled_ || nxt_ != last_ack_sent_;
  ack_scheduled_ = false;
  last_ack_sent_ = nxt_;
  ack_now_ = false;
  comp_.held = 0;
  unacked_segments_ = 0;
  dsack_pending_ = false;  // RFC 2883 §4: each duplicate is reported in one ACK only
  if (freebsd_sack_) freebsd_blocks_.clean(nxt_);  // tcp_output: tcp_clean_dsack_blocks
  return scheduled;
}

void Receiver::note_duplicate(SeqNum start, SeqNum end, bool extend) {
  if (!dsack_) return;
  if (freebsd_sack_) return freebsd_blocks_.update(start, end, nxt_);
  if (extend && dsack_pending_) {
    // tcp_sack_extend: only a duplicate that meets the one noted joins it.
    SeqNum s(dsack_block_.left), e(dsack_block_.right);
    if (e < start || end < s) return;
    dsack_block_ = wire::SackBlock{seq_min(s, start).raw(), seq_max(e, end).raw()};
    return;
  }
  dsack_pending_ = true;
  dsack_block_ = wire::SackBlock{start.raw(), end.raw()};
}

std::size_t Receiver::sack_blocks(std::array<wire::SackBlock, 4>& out, std::size_t max) const {
  if (freebsd_sack_) return freebsd_blocks_.copy_out(out, max);
  std::size_t n = 0;
  if (dsack_pending_ && max > 0) out[n++] = dsack_block_;
  if (reasm_.empty() || n == max) return n;
  std::array<wire::SackBlock, 4> held{};
  std::size_t m = reasm_.sack_blocks(held, max - n);
  for (std::size_t i = 0; i < m; ++i) out[n++] = held[i];
  return n;
}

}  // namespace tcpsim::tcp
