#include "stack/tcp/freebsd_sack.hpp"

#include <algorithm>
#include <utility>

namespace tcpsim::tcp {

namespace {

using Block = FreeBsdSackList::Block;

// A short list of blocks being rebuilt: at most one more than the list holds, since a
// new first block joins up to kMaxBlocks kept ones before the last is cut.
struct Saved {
  std::array<Block, FreeBsdSackList::kMaxBlocks + 1> b{};
  std::size_t n = 0;
  // tcp_update_sack_list's "this block supersedes the prior block": a block kept last
  // that lies inside `wider` gives way to it.
  void push_over(Block wider) {
    if (n > 0 && b[n - 1].start >= wider.start && b[n - 1].end <= wider.end) --n;
    b[n++] = wider;
  }
};

bool disjoint(const Block& a, const Block& b) {
  return a.end < b.start || b.end < a.start;  // touching blocks meet
}

}  // namespace

void FreeBsdSackList::update(SeqNum start, SeqNum end, SeqNum rcv_nxt) {
  Block range{start, end};
  bool keep_first = start == end && n_ > 0 && end == blocks_[0].end;
  Block head = keep_first ? blocks_[0] : range;
  Saved saved;
  for (std::size_t i = 0; i < n_; ++i) {
    Block b = blocks_[i];
    if (b.empty() || b.start <= rcv_nxt) continue;  // acknowledged, or spent
    if (disjoint(head, b)) {
      saved.push_over(b);
    } else if (head.start == b.end) {
      head.start = b.start;  // adjoins from below: one block
    } else if (head.end == b.start) {
      head.end = b.end;  // adjoins from above
    } else {
      // They overlap: the first block becomes the part they share (what was received
      // twice) and the union is kept after it, unless they are the same.
      Block whole{seq_min(head.start, b.start), seq_max(head.end, b.end)};
      head = {seq_max(head.start, b.start), seq_min(head.end, b.end)};
      if (!(head == whole)) saved.push_over(whole);
    }
  }
  std::size_t first = 0;
  if (!range.empty()) {
    blocks_[0] = head;
    first = 1;
    if (saved.n >= kMaxBlocks) --saved.n;
  } else if (keep_first) {
    first = 1;
  }
  saved.n = std::min(saved.n, kMaxBlocks - first);
  std::copy_n(saved.b.begin(), saved.n, blocks_.begin() + static_cast<std::ptrdiff_t>(first));
  n_ = first + saved.n;
}

void FreeBsdSackList::update_dsack(SeqNum start, SeqNum end, SeqNum rcv_nxt) {
  // Below RCV.NXT (or reaching it just under a D-SACK block that ends there), the range
  // is itself the duplicate.
  Block dsack{};
  if (end < rcv_nxt || (end == rcv_nxt && n_ > 0 && blocks_[0].end == rcv_nxt))
    dsack = {start, end};
  Block head{};  // the lowest reported block the range meets
  Block merged{start, end};
  bool inside_one = false;  // the range lies within one reported block
  for (std::size_t i = 0; i < n_; ++i) {
    const Block& b = blocks_[i];
    if (disjoint({start, end}, b)) continue;
    if (b.end < rcv_nxt) {
      // An old D-SACK block: what the two share, the lowest such part.
      Block shared{seq_max(start, b.start), seq_min(end, b.end)};
      if (shared.start != shared.end && (head.empty() || shared.start < head.start)) head = shared;
      continue;
    }
    if ((head.empty() || b.start < head.start) && b.end > start && b.start <= end) head = b;
    merged = {seq_min(merged.start, b.start), seq_max(merged.end, b.end)};
    if (merged == b) inside_one = true;
  }
  if (!head.empty()) dsack = {seq_max(start, head.start), seq_min(end, head.end)};
  Saved saved;
  saved.b[saved.n++] = dsack;
  if ((rcv_nxt < merged.end && !(merged == dsack)) || inside_one) saved.b[saved.n++] = merged;
  for (std::size_t i = 0; i < n_ && saved.n < kMaxBlocks; ++i) {
    const Block& b = blocks_[i];
    if (disjoint(b, merged) && b.start > rcv_nxt) saved.b[saved.n++] = b;
  }
  n_ = 0;
  for (std::size_t i = 0; i < saved.n; ++i)
    if (!saved.b[i].empty()) blocks_[n_++] = saved.b[i];
}

void FreeBsdSackList::after_text(SeqNum was, SeqNum nxt) {
  Text t = std::exchange(text_, {});
  if (t.len == 0) return;
  if (nxt > was && n_ > 0 && blocks_[0].end == t.start)
    return update(blocks_[0].start, blocks_[0].end, nxt);
  update_dsack(t.start, t.start + static_cast<std::uint32_t>(t.len), nxt);
}

void FreeBsdSackList::clean(SeqNum rcv_nxt) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n_; ++i)
    if (!blocks_[i].empty() && blocks_[i].start > rcv_nxt) blocks_[kept++] = blocks_[i];
  n_ = kept;
}

std::size_t FreeBsdSackList::copy_out(std::array<wire::SackBlock, 4>& out, std::size_t max) const {
  std::size_t n = std::min({n_, max, out.size()});
  for (std::size_t i = 0; i < n; ++i) out[i] = {blocks_[i].start.raw(), blocks_[i].end.raw()};
  return n;
}

}  // namespace tcpsim::tcp
