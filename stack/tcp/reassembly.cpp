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
    return data.size();
  }

  if (last == first + 1) {
    // One block touches the new data: the usual case is data arriving in order behind a
    // hole, extending the block at its end. Append in place (amortized O(1)) instead of
    // rebuilding the block, which would make a long recovery quadratic.
    Block& b = blocks_[first];
    if (b.start <= seq) {
      if (end <= b.end()) {
        b.touched = clock_;
        return 0;  // nothing new
      }
      std::size_t skip = static_cast<std::size_t>(b.end() - seq);
      b.data.insert(b.data.end(), data.begin() + static_cast<std::ptrdiff_t>(skip), data.end());
      b.touched = clock_;
      std::size_t added = data.size() - skip;
      bytes_ += added;
      return added;
    }
  }
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
  return added;
}

std::vector<std::uint8_t> ReassemblyQueue::pop_front() {
  std::vector<std::uint8_t> out = std::move(blocks_.front().data);
  blocks_.erase(blocks_.begin());
  bytes_ -= out.size();
  return out;
}

std::size_t ReassemblyQueue::sack_blocks(std::array<wire::SackBlock, 4>& out,
                                         std::size_t max) const {
  // The few most recently touched blocks, newest first (ties: lower start first), kept in
  // a small sorted array during one pass: no allocation, no sort of the whole queue.
  std::size_t n = std::min({max, blocks_.size(), out.size()});
  if (n == 0) return 0;
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
  }
  return n;
}

}  // namespace tcpsim::tcp
