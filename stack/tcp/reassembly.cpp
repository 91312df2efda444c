#include "stack/tcp/reassembly.hpp"

#include <algorithm>

namespace tcpsim::tcp {

std::size_t ReassemblyQueue::insert(SeqNum rcv_nxt, SeqNum seq,
                                    std::span<const std::uint8_t> data) {
  // Trim what is already delivered.
  if (seq < rcv_nxt) {
    std::uint32_t skip = static_cast<std::uint32_t>(rcv_nxt - seq);
    if (skip >= data.size()) return 0;
    data = data.subspan(skip);
    seq = rcv_nxt;
  }
  if (data.empty()) return 0;
  SeqNum end = seq + static_cast<std::uint32_t>(data.size());
  ++clock_;

  // Find every block that overlaps or touches [seq, end) and merge them into one.
  // Blocks are sorted and disjoint: bisect for the first that ends at or after seq.
  std::size_t first =
      static_cast<std::size_t>(std::partition_point(blocks_.begin(), blocks_.end(),
                                                    [&](const Block& b) { return b.end() < seq; }) -
                               blocks_.begin());
  std::size_t last = first;
  while (last < blocks_.size() && blocks_[last].start <= end) ++last;

  if (first == last) {
    Block b{seq, std::vector<std::uint8_t>(data.begin(), data.end()), clock_};
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(first), std::move(b));
    bytes_ += data.size();
    note_touched(seq, end);
    return data.size();
  }

  if (last == first + 1 && blocks_[first].start <= seq) return extend(first, seq, data);
  return merge(first, last, seq, data);
}

std::size_t ReassemblyQueue::extend(std::size_t i, SeqNum seq, std::span<const std::uint8_t> data) {
  // One block touches the new data from below: the usual case is data arriving in order
  // behind a hole, extending the block at its end. Append in place (amortized O(1))
  // instead of rebuilding the block, which would make a long recovery quadratic.
  Block& b = blocks_[i];
  SeqNum end = seq + static_cast<std::uint32_t>(data.size());
  b.touched = clock_;
  if (end <= b.end()) {
    note_touched(b.start, b.end());
    return 0;  // nothing new
  }
  auto skip = static_cast<std::size_t>(b.end() - seq);
  b.data.insert(b.data.end(), data.begin() + static_cast<std::ptrdiff_t>(skip), data.end());
  std::size_t added = data.size() - skip;
  bytes_ += added;
  note_touched(b.start, b.end());
  return added;
}

std::size_t ReassemblyQueue::merge(std::size_t first, std::size_t last, SeqNum seq,
                                   std::span<const std::uint8_t> data) {
  SeqNum end = seq + static_cast<std::uint32_t>(data.size());
  SeqNum new_start = seq_min(seq, blocks_[first].start);
  SeqNum new_end = seq_max(end, blocks_[last - 1].end());
  std::vector<std::uint8_t> merged(static_cast<std::size_t>(new_end - new_start));
  // New data first, then existing blocks on top (they are identical where they overlap
  // in a correct peer; keeping the first copy matches "deliver exactly once").
  std::copy(data.begin(), data.end(), merged.begin() + (seq - new_start));
  std::size_t old_bytes = 0;
  for (std::size_t i = first; i < last; ++i) {
    const Block& b = blocks_[i];
    std::copy(b.data.begin(), b.data.end(), merged.begin() + (b.start - new_start));
    old_bytes += b.data.size();
  }
  std::size_t added = merged.size() - old_bytes;
  blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(first),
                blocks_.begin() + static_cast<std::ptrdiff_t>(last));
  blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(first),
                 Block{new_start, std::move(merged), clock_});
  bytes_ += added;
  note_touched(new_start, new_end);
  return added;
}

void ReassemblyQueue::note_touched(SeqNum start, SeqNum end) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < recent_count_; ++i) {
    const SeqNum s = recent_[i];
    if (!(start <= s && s <= end)) recent_[kept++] = s;
  }
  recent_count_ = std::min(kept + 1, recent_.size());
  for (std::size_t i = recent_count_ - 1; i > 0; --i) recent_[i] = recent_[i - 1];
  recent_[0] = start;
}

void ReassemblyQueue::forget(SeqNum start) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < recent_count_; ++i) {
    if (recent_[i] != start) recent_[kept++] = recent_[i];
  }
  recent_count_ = kept;
}

std::size_t ReassemblyQueue::sack_rank(SeqNum seq, SeqNum end) const {
  auto first = std::partition_point(blocks_.begin(), blocks_.end(),
                                    [&](const Block& b) { return b.end() < seq; });
  std::uint64_t newest = 0;
  bool met = false;
  for (auto it = first; it != blocks_.end() && it->start <= end; ++it) {
    newest = std::max(newest, it->touched);
    met = true;
  }
  if (!met) return blocks_.size();
  return static_cast<std::size_t>(std::count_if(
      blocks_.begin(), blocks_.end(), [&](const Block& b) { return b.touched > newest; }));
}

ReassemblyQueue::Overlap ReassemblyQueue::overlap(SeqNum seq, SeqNum end) const {
  auto it = std::partition_point(blocks_.begin(), blocks_.end(),
                                 [&](const Block& b) { return b.end() < seq; });
  if (it == blocks_.end() || it->end() == seq || !(it->start < end)) return {};
  if (it->start < seq || (it->start == seq && end <= it->end()))
    return {true, false, seq, seq_min(end, it->end())};  // partial, or all of it held
  return {true, true, it->start, seq_min(end, it->end())};
}

const ReassemblyQueue::Block* ReassemblyQueue::find(SeqNum start) const {
  auto it = std::partition_point(blocks_.begin(), blocks_.end(),
                                 [&](const Block& b) { return b.start < start; });
  return it != blocks_.end() && it->start == start ? &*it : nullptr;
}

std::vector<std::uint8_t> ReassemblyQueue::pop_front(std::optional<SeqNum> stop) {
  SeqNum start = blocks_.front().start;
  std::vector<std::uint8_t> out = std::move(blocks_.front().data);
  forget(start);
  blocks_.pop_front();
  bytes_ -= out.size();
  if (stop && *stop >= start && static_cast<std::uint32_t>(*stop - start) <= out.size()) {
    out.resize(static_cast<std::uint32_t>(*stop - start));
    *this = ReassemblyQueue();  // nothing is held past the stop
  }
  return out;
}

std::size_t ReassemblyQueue::sack_blocks(std::array<wire::SackBlock, 4>& out,
                                         std::size_t max) const {
  // The few most recently touched blocks, newest first (ties: lower start first), kept in
  // a small sorted array during one pass: no allocation, no sort of the whole queue.
  std::size_t n = std::min({max, blocks_.size(), out.size()});
  if (n == 0) return 0;
  if (recent_count_ >= n) {
    std::size_t k = 0;
    for (; k < n; ++k) {
      const Block* b = find(recent_[k]);
      if (b == nullptr) break;  // cannot happen; the scan below is always right
      out[k] = wire::SackBlock{b->start.raw(), b->end().raw()};
    }
    if (k == n) return n;
  }
  const Block* top[4] = {};
  std::size_t have = 0;
  for (const Block& b : blocks_) {
    if (have == n && b.touched <= top[n - 1]->touched) continue;
    std::size_t at = have < n ? have++ : n - 1;
    while (at > 0 && top[at - 1]->touched < b.touched) {
      top[at] = top[at - 1];
      --at;
    }
    top[at] = &b;
  }
  for (std::size_t k = 0; k < n; ++k) {
    out[k] = wire::SackBlock{top[k]->start.raw(), top[k]->end().raw()};
    recent_[k] = top[k]->start;  // the beginning of the order: start of the recent list
  }
  recent_count_ = n;
  return n;
}

}  // namespace tcpsim::tcp
