#include "stack/tcp/sack_scoreboard.hpp"

namespace tcpsim::tcp {

bool SackScoreboard::update(SeqNum snd_una, SeqNum snd_max,
                            std::span<const wire::SackBlock> blocks) {
  bool grew = false;
  for (const wire::SackBlock& b : blocks) {
    SeqNum start(b.left), end(b.right);
    if (!(start < end) || end <= snd_una || snd_max < end) continue;
    if (start < snd_una) start = snd_una;
    // Merge [start, end) into the sorted list.
    std::size_t i = 0;
    while (i < ranges_.size() && ranges_[i].end < start) ++i;
    std::size_t j = i;
    SeqNum ns = start, ne = end;
    std::uint32_t old = 0;
    while (j < ranges_.size() && ranges_[j].start <= end) {
      ns = seq_min(ns, ranges_[j].start);
      ne = seq_max(ne, ranges_[j].end);
      old += static_cast<std::uint32_t>(ranges_[j].end - ranges_[j].start);
      ++j;
    }
    std::uint32_t now_bytes = static_cast<std::uint32_t>(ne - ns);
    if (now_bytes > old) grew = true;
    ++version_;
    sacked_ += now_bytes - old;
    ranges_.erase(ranges_.begin() + static_cast<std::ptrdiff_t>(i),
                  ranges_.begin() + static_cast<std::ptrdiff_t>(j));
    ranges_.insert(ranges_.begin() + static_cast<std::ptrdiff_t>(i), Range{ns, ne});
  }
  return grew;
}

void SackScoreboard::advance(SeqNum snd_una) {
  std::size_t drop = 0;
  while (drop < ranges_.size() && ranges_[drop].end <= snd_una) {
    sacked_ -= static_cast<std::uint32_t>(ranges_[drop].end - ranges_[drop].start);
    ++drop;
  }
  if (drop > 0) ++version_;
  ranges_.erase(ranges_.begin(), ranges_.begin() + static_cast<std::ptrdiff_t>(drop));
  if (!ranges_.empty() && ranges_.front().start < snd_una) {
    ++version_;
    sacked_ -= static_cast<std::uint32_t>(snd_una - ranges_.front().start);
    ranges_.front().start = snd_una;
  }
}

SeqNum SackScoreboard::skip_sacked(SeqNum s) const {
  for (const Range& r : ranges_) {
    if (r.start <= s && s < r.end) return r.end;
    if (s < r.start) break;
  }
  return s;
}

SeqNum SackScoreboard::next_sacked(SeqNum s, SeqNum limit) const {
  for (const Range& r : ranges_) {
    if (s < r.start) return r.start;
  }
  return limit;
}

std::uint32_t SackScoreboard::sacked_above(SeqNum s) const {
  std::uint32_t n = 0;
  for (auto it = ranges_.rbegin(); it != ranges_.rend(); ++it) {
    if (it->end <= s) break;
    n += static_cast<std::uint32_t>(it->end - seq_max(it->start, s));
  }
  return n;
}

}  // namespace tcpsim::tcp
