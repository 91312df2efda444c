#include "stack/tcp/tso.hpp"

#include <algorithm>

namespace tcpsim::tcp {

namespace {

constexpr int kPacingShift = 10;              // sk_pacing_shift: about 1 ms of data
constexpr std::uint32_t kMaxDeferredMss = 3;  // tcp_max_tso_deferred_mss

}  // namespace

std::uint64_t tso_pacing_rate(const TcpConfig& c, const TsoView& v) {
  if (v.srtt <= 0 || v.mss == 0) return 0;
  // Linux counts cwnd and the flight in segments: max(snd_cwnd, packets_out).
  std::uint64_t cwnd = v.cwnd / v.mss;
  std::uint64_t packets_out = (v.in_flight + v.mss - 1) / v.mss;
  std::uint64_t ratio = cwnd < (v.ssthresh / v.mss) / 2 ? c.pacing_ss_ratio : c.pacing_ca_ratio;
  // rate = mss · ratio/100 · max(cwnd, packets_out) / srtt, srtt in µs as srtt_us.
  auto srtt_us = static_cast<std::uint64_t>(std::max<Nanos>(v.srtt / kMicrosecond, 1));
  return std::uint64_t{v.mss} * ratio * std::max(cwnd, packets_out) * 10'000 / srtt_us;
}

std::uint32_t tso_segs(const TcpConfig& c, const TsoView& v) {
  std::uint64_t rate = tso_pacing_rate(c, v);
  std::uint64_t bytes = rate == 0 ? kGsoMaxSize : rate >> kPacingShift;
  if (v.min_rtt > 0) {
    // tcp_min_rtt in µs; ~0U (no addition) before the first sample.
    std::uint64_t r = static_cast<std::uint64_t>(v.min_rtt / kMicrosecond) >> c.tso_rtt_log;
    if (r < 32) bytes += kGsoMaxSize >> r;
  }
  bytes = std::min<std::uint64_t>(bytes, kGsoMaxSize);
  return std::max(static_cast<std::uint32_t>(bytes / std::max(v.mss, 1u)), c.min_tso_segs);
}

std::uint32_t half_window_bound(std::uint32_t len, std::uint32_t max_wnd,
                                std::uint32_t header_len) {
  std::uint32_t cutoff = max_wnd > 536 ? max_wnd / 2 : max_wnd;  // TCP_MSS_DEFAULT
  if (cutoff == 0 || len <= cutoff) return len;
  return std::max(cutoff, 68 - std::min(header_len, 68u));
}

std::uint32_t tso_size_goal(std::uint32_t mss, std::uint32_t max_wnd) {
  std::uint32_t goal = half_window_bound(kGsoMaxSize, max_wnd, 20);
  mss = std::max(mss, 1u);
  return std::max(goal / mss * mss, mss);
}

std::uint32_t tso_max_len(const TcpConfig& c, const TsoView& v) {
  std::uint32_t mss = std::max(v.mss, 1u);
  // tcp_cwnd_test: "ensure we have at least 2 GSO packets in flight".
  std::uint32_t half_cwnd = std::max((v.cwnd / mss) >> 1, 1u);
  std::uint32_t segs = std::min(tso_segs(c, v), half_cwnd);
  return std::min(tso_size_goal(mss, v.max_wnd), segs * mss);
}

std::uint32_t tso_resend_len(const TcpConfig& c, const TsoView& v, std::uint32_t left) {
  std::uint32_t mss = std::max(v.mss, 1u);
  std::uint32_t most = std::min(tso_size_goal(mss, v.max_wnd), tso_segs(c, v) * mss);
  return std::min(most, std::max(left, mss));
}

void TsoQueue::on_write(const TsoWrite& w) {
  while (!ends_.empty() && ends_.front() <= w.first_unsent) ends_.pop_front();
  std::uint32_t n = w.n;
  SeqNum start = w.end - n;
  if (!pushed_seq_) pushed_seq_ = start;  // tcp_connect, tcp_create_openreq_child
  bool may_join = !tail_eor_;
  last_joined_ = false;
  if (n > 0) tail_eor_ = w.eor;
  if (n > 0 && w.eor) eor_ends_.push_back(w.end);
  // forced_push: after(write_seq, pushed_seq + max_window / 2).
  auto forced = [&](SeqNum at) { return *pushed_seq_ + w.max_wnd / 2 < at; };
  // A buffer filled to the goal while more of the write follows (tcp_sendmsg_locked).
  auto filled = [&](SeqNum at) {
    if (at < w.end && forced(at)) {
      mark_pushed(at);
      pushed_seq_ = at;
    }
  };
  if (!ends_.empty() && ends_.back() == start && may_join) {
    // The last unsent buffer takes what fits below the size goal, and loses its PSH.
    SeqNum tail_start = ends_.size() > 1 ? ends_[ends_.size() - 2] : w.first_unsent;
    auto len = static_cast<std::uint32_t>(ends_.back() - tail_start);
    std::uint32_t take = len < w.goal ? std::min(w.goal - len, n) : 0;
    if (take > 0 && !w.resume && !push_ends_.empty() && push_ends_.back() == start) {
      push_ends_.pop_back();
    }
    ends_.back() = ends_.back() + take;
    n -= take;
    last_joined_ = take > 0;
    if (take > 0 && len + take >= w.goal) filled(ends_.back());
  }
  SeqNum at = w.end - n;
  while (n > 0) {
    std::uint32_t take = std::min(w.goal, n);
    at = at + take;
    ends_.push_back(at);
    n -= take;
    if (take == w.goal) filled(at);
  }
  if (w.n > 0 && (w.push || forced(w.end))) {  // tcp_push -> tcp_mark_push
    mark_pushed(w.end);
    pushed_seq_ = w.end;
  }
}

void TsoQueue::mark_pushed(SeqNum end, bool advance) {
  auto at = std::lower_bound(push_ends_.begin(), push_ends_.end(), end);
  if (at == push_ends_.end() || !(*at == end)) push_ends_.insert(at, end);
  if (advance && (!pushed_seq_ || *pushed_seq_ < end)) pushed_seq_ = end;
}

bool TsoQueue::pushed(SeqNum seq, SeqNum end) const {
  auto at = std::upper_bound(push_ends_.begin(), push_ends_.end(), seq);
  return at != push_ends_.end() && *at <= end;
}

std::uint32_t TsoQueue::left_in_buffer(SeqNum seq) {
  while (!ends_.empty() && ends_.front() <= seq) ends_.pop_front();
  return ends_.empty() ? 0 : static_cast<std::uint32_t>(ends_.front() - seq);
}

bool TsoQueue::ends_record(SeqNum end) const {
  return std::find(eor_ends_.begin(), eor_ends_.end(), end) != eor_ends_.end();
}

void TsoQueue::on_sent(SeqNum end, SeqNum una, bool buffer_ends_only) {
  while (!sent_ends_.empty() && sent_ends_.front() <= una) sent_ends_.pop_front();
  while (!eor_ends_.empty() && eor_ends_.front() <= una) eor_ends_.pop_front();
  while (!push_ends_.empty() && push_ends_.front() <= una) push_ends_.pop_front();
  if (!(una < end)) return;
  if (buffer_ends_only && std::find(ends_.begin(), ends_.end(), end) == ends_.end()) return;
  auto at = std::lower_bound(sent_ends_.begin(), sent_ends_.end(), end);
  if (at == sent_ends_.end() || !(*at == end)) sent_ends_.insert(at, end);
}

std::uint32_t TsoQueue::left_in_sent(SeqNum seq) const {
  auto at = std::upper_bound(sent_ends_.begin(), sent_ends_.end(), seq);
  return at == sent_ends_.end() ? 0 : static_cast<std::uint32_t>(*at - seq);
}

std::uint32_t TsoQueue::resend_span(SeqNum seq, std::uint32_t space) const {
  auto at = std::upper_bound(sent_ends_.begin(), sent_ends_.end(), seq);
  if (at == sent_ends_.end()) return 0;
  SeqNum reach = *at;
  // The next buffer joins only whole, and never one after a record's end.
  while (static_cast<std::uint32_t>(reach - seq) < space && !ends_record(reach) &&
         ++at != sent_ends_.end() && static_cast<std::uint32_t>(*at - seq) <= space) {
    reach = *at;
  }
  return static_cast<std::uint32_t>(reach - seq);
}

bool tso_should_defer(const TcpConfig& c, const TsoView& v, const TsoDeferCheck& d) {
  if (d.in_recovery) return false;
  if (d.now - d.last_sent > kMillisecond) return false;  // only right after a send
  std::uint32_t mss = std::max(v.mss, 1u);
  std::uint32_t limit = std::min(d.send_win, d.cong_win);
  if (limit >= tso_segs(c, v) * mss) return false;  // a full super-segment can go
  if (!d.tail && limit >= d.skb_len) return false;  // all of a middle buffer can go
  if (c.tso_win_divisor != 0) {
    std::uint32_t chunk = std::min(d.snd_wnd, v.cwnd / mss * mss) / c.tso_win_divisor;
    if (limit >= chunk) return false;  // a fair part of the window is open
  } else if (limit > kMaxDeferredMss * mss) {
    return false;
  }
  if (d.head_sent < 0) return false;
  // The next ACK would come too late: the oldest segment left less than SRTT/2 ago.
  if (d.now - d.head_sent < v.srtt / 2) return false;
  if (d.cong_win < d.send_win) {
    if (d.cong_win <= d.skb_len) return true;  // cwnd-limited
  } else if (d.send_win <= d.skb_len) {
    return true;  // rwnd-limited
  }
  return !d.fin;  // application-limited: wait, unless no more data can join it
}

void gso_segment(IpSegment s, std::vector<IpSegment>& out) {
  std::size_t size = s.segment.gso_size;
  std::size_t total = s.segment.payload.size();
  s.segment.gso_size = 0;
  if (size == 0 || total <= size) {
    out.push_back(std::move(s));
    return;
  }
  using namespace wire::tcp_flag;
  std::uint8_t last_only = s.segment.header.flags & (kFin | kPsh);
  std::vector<std::uint8_t> payload = std::move(s.segment.payload);
  s.segment.payload.clear();
  for (std::size_t at = 0; at < total; at += size) {
    IpSegment piece = s;  // every field, the payload aside
    piece.segment.header.seq = s.segment.header.seq + static_cast<std::uint32_t>(at);
    std::size_t n = std::min(size, total - at);
    auto first = payload.begin() + static_cast<std::ptrdiff_t>(at);
    piece.segment.payload.assign(first, first + static_cast<std::ptrdiff_t>(n));
    piece.segment.header.flags &= static_cast<std::uint8_t>(~(kFin | kPsh));
    if (at + n == total) piece.segment.header.flags |= last_only;
    if (at > 0) piece.segment.header.flags &= static_cast<std::uint8_t>(~kCwr);
    out.push_back(std::move(piece));
  }
}

void gso_segment_all(std::vector<IpSegment>& segments) {
  if (std::none_of(segments.begin(), segments.end(),
                   [](const IpSegment& s) { return s.segment.gso_size != 0; }))
    return;
  std::vector<IpSegment> pieces;
  for (IpSegment& s : segments) gso_segment(std::move(s), pieces);
  segments.swap(pieces);
}

}  // namespace tcpsim::tcp
