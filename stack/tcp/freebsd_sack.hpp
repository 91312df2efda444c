// FreeBSD's receiver SACK report: the list of blocks its ACKs carry (tp->sackblks, at most
// MAX_SACK_BLKS = 6 kept, the first 3 or 4 sent), kept apart from the reassembly queue
// and updated as tcp_sack.c updates it. A D-SACK block (RFC 2883) is just the list's first
// entry; one that lies above RCV.NXT is not cleaned after it is sent and so is reported
// again later, a FreeBSD particularity the profile keeps.
#pragma once

#include <array>
#include <cstddef>

#include "stack/tcp/seq_num.hpp"
#include "stack/wire/tcp_options.hpp"

namespace tcpsim::tcp {

class FreeBsdSackList {
 public:
  static constexpr std::size_t kMaxBlocks = 6;

  struct Block {
    SeqNum start;
    SeqNum end;
    bool empty() const { return !(start < end); }
    friend bool operator==(const Block&, const Block&) = default;
  };

  // tcp_update_sack_list: [start, end) received out of order, or a duplicate below
  // RCV.NXT (its D-SACK); it goes first, merged with the blocks it meets, and blocks
  // at or below RCV.NXT leave. An empty range keeping the first block's end keeps that
  // block first.
  void update(SeqNum start, SeqNum end, SeqNum rcv_nxt);
  // tcp_update_dsack_list: [start, end) arrived after the reassembly step. What it repeats
  // of a block already reported (or all of it, below RCV.NXT) goes first as a D-SACK,
  // then the block it merged into unless already acknowledged, then the others.
  void update_dsack(SeqNum start, SeqNum end, SeqNum rcv_nxt);
  // tcp_clean_dsack_blocks, after a segment is sent: blocks starting at or below RCV.NXT
  // go (a D-SACK block above it stays).
  void clean(SeqNum rcv_nxt);
  // tcp_clean_sackreport. (FreeBSD's header prediction also clears the list, but that
  // path needs an empty reassembly queue, and then no block lies above RCV.NXT: what
  // remains is only D-SACK blocks that clean() drops once an ACK goes.)
  void clear() { n_ = 0; }

  // tcp_do_segment's step once a segment's text is placed (tcp_input.c, after
  // tcp_reass): note_text gives the text it brought past RCV.NXT (save_start, save_tlen;
  // none when it was dropped), after_text RCV.NXT before (`was`) and after. The text is
  // matched against the list (update_dsack), unless RCV.NXT moved past it right behind a
  // D-SACK block ending where it starts (the segment's old part, which goes first again).
  void note_text(SeqNum start, std::size_t len) { text_ = {start, len}; }
  void after_text(SeqNum was, SeqNum nxt);

  std::size_t size() const { return n_; }
  const Block& operator[](std::size_t i) const { return blocks_[i]; }
  // The first `max` blocks, as an ACK carries them; returns how many.
  std::size_t copy_out(std::array<wire::SackBlock, 4>& out, std::size_t max) const;

 private:
  std::array<Block, kMaxBlocks> blocks_{};
  std::size_t n_ = 0;
  struct Text {
    SeqNum start;
    std::size_t len = 0;
  } text_;
};

}  // namespace tcpsim::tcp
