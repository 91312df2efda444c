#include "stack/tcp/sack_scoreboard.hpp"

#include <algorithm>

namespace tcpsim::tcp {

bool SackScoreboard::update(SeqNum snd_una, SeqNum snd_max,
                            std::span<const wire::SackBlock> blocks) {
  bool grew = false;
  for (const wire::SackBlock& b : blocks) {
    SeqNum start(b.left), end(b.right);
    if (!(start < end) || end <= snd_una || snd_max < end) continue;
    if (start < snd_una) start = snd_una;
    // Merge [start, end) into the sorted list: i is the first range that ends at or after
    // start (found by bisection: blocks mostly extend the highest range, at the end).
    std::size_t i = static_cast<std::size_t>(
        std::partition_point(ranges_.begin(), ranges_.end(),
                             [&](const Range& r) { return r.end < start; }) -
        ranges_.begin());
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
    if (j == i + 1) {
      ranges_[i] = Range{ns, ne};  // one range grew (or stayed): no shifting
      continue;
    }
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
  // The first range that ends after s; s is inside it or below it.
  auto it = std::partition_point(ranges_.begin(), ranges_.end(),
                                 [&](const Range& r) { return r.end <= s; });
  if (it != ranges_.end() && it->start <= s) return it->end;
  return s;
}

SeqNum SackScoreboard::next_sacked(SeqNum s, SeqNum limit) const {
  auto it = std::partition_point(ranges_.begin(), ranges_.end(),
                                 [&](const Range& r) { return !(s < r.start); });
  return it != ranges_.end() ? it->start : limit;
}

std::uint32_t SackScoreboard::sacked_above(SeqNum s) const {
  std::uint32_t n = 0;
  for (auto it = ranges_.rbegin(); it != ranges_.rend(); ++it) {
    if (it->end <= s) break;
    n += static_cast<std::uint32_t>(it->end - seq_max(it->start, s));
  }
  return n;
}

std::optional<SeqNum> SackScoreboard::lost_limit(std::uint32_t mss) const {
  // Walk down from the highest range until 3 * mss bytes lie above: the limit is that
  // many bytes below the top within the range that completes them.
  std::uint32_t need = 3 * mss, have = 0;
  for (auto it = ranges_.rbegin(); it != ranges_.rend(); ++it) {
    auto len = static_cast<std::uint32_t>(it->end - it->start);
    if (have + len >= need) return it->end - (need - have);
    have += len;
  }
  return std::nullopt;
}

}  // namespace tcpsim::tcp
