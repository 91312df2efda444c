// Out-of-order data held until the gap before it fills (RFC 9293 §3.10.7.4, "text"):
// overlapping and duplicate bytes are stored once, and delivered in order exactly once.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "stack/tcp/seq_num.hpp"
#include "stack/wire/tcp_options.hpp"

namespace tcpsim::tcp {

class ReassemblyQueue {
 public:
  // Stores bytes starting at seq; the part before rcv_nxt is ignored. Returns the bytes
  // newly stored (not previously held).
  std::size_t insert(SeqNum rcv_nxt, SeqNum seq, std::span<const std::uint8_t> data);

  // Whether the earliest held block starts at rcv_nxt (so it can be delivered).
  bool ready(SeqNum rcv_nxt) const { return !blocks_.empty() && blocks_.front().start == rcv_nxt; }
  // Removes and returns the earliest block (call when ready()). With `stop` inside it or
  // at its end (a FIN), only its bytes before `stop`, and nothing past it stays held.
  std::vector<std::uint8_t> pop_front(std::optional<SeqNum> stop = std::nullopt);

  std::size_t bytes() const { return bytes_; }
  bool empty() const { return blocks_.empty(); }
  // The last (highest) block's edges; call when not empty().
  SeqNum back_start() const { return blocks_.back().start; }
  SeqNum back_end() const { return blocks_.back().end(); }
  std::size_t block_count() const { return blocks_.size(); }

  // SACK blocks (RFC 2018 §4): the block holding the most recently received data first,
  // then the others most recent first; returns how many were written (at most max).
  std::size_t sack_blocks(std::array<wire::SackBlock, 4>& out, std::size_t max) const;
  // Where data [seq, end) lands in that order: how many blocks were touched after the
  // most recent one it overlaps or adjoins, or all of them when it meets none (Linux's
  // index into its SACK list, tcp_sack_new_ofo_skb's this_sack).
  std::size_t sack_rank(SeqNum seq, SeqNum end) const;

  // The part of data [seq, end) already held that Linux reports in a D-SACK block before
  // storing it (tcp_data_queue_ofo; tcp_ofo_queue for data at RCV.NXT): from seq to the
  // end of the block it starts in (`replaces` false: tcp_dsack_set; a block starting at
  // seq is replaced, tcp_dsack_extend), else the first block it reaches into, from that
  // block's start (tcp_dsack_extend). Blocks are never adjacent, so no later block
  // extends it. Nothing when it starts where a block ends: Linux adds it to that block's
  // buffer (tcp_ooo_try_coalesce) and looks no further.
  struct Overlap {
    bool found = false;
    bool extends = false;  // tcp_dsack_extend (joins a pending D-SACK), not tcp_dsack_set
    SeqNum start;
    SeqNum end;
  };
  Overlap overlap(SeqNum seq, SeqNum end) const;

 private:
  struct Block {
    SeqNum start;
    std::vector<std::uint8_t> data;
    std::uint64_t touched;  // recency stamp for SACK ordering
    SeqNum end() const { return start + static_cast<std::uint32_t>(data.size()); }
  };
  // insert()'s two ways: data extending block i at its end, or data merged with the
  // blocks [first, last) it overlaps or touches into one.
  std::size_t extend(std::size_t i, SeqNum seq, std::span<const std::uint8_t> data);
  std::size_t merge(std::size_t first, std::size_t last, SeqNum seq,
                    std::span<const std::uint8_t> data);
  // After an insert: [start, end] is the block it touched; blocks that merged into it
  // leave the recent list and it goes first.
  void note_touched(SeqNum start, SeqNum end);
  void forget(SeqNum start);
  const Block* find(SeqNum start) const;

  // Sorted by start, disjoint and non-adjacent. A deque: delivery pops the front.
  std::deque<Block> blocks_;
  std::size_t bytes_ = 0;
  std::uint64_t clock_ = 0;
  // Starts of the most recently touched blocks, newest first. It is always the beginning
  // of the order sack_blocks() reports (a block that merges away or is delivered only
  // leaves it), so the blocks need a full scan only when it runs short.
  mutable std::array<SeqNum, 4> recent_{};
  mutable std::size_t recent_count_ = 0;
};

}  // namespace tcpsim::tcp
