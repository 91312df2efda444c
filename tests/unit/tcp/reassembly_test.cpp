// Out-of-order reassembly: overlapping, duplicate and out-of-order pieces come out once,
// in order (checked against the original stream over many random arrival orders).
#include <gtest/gtest.h>

#include <random>

#include "stack/tcp/reassembly.hpp"

namespace tcpsim::tcp {
namespace {

TEST(Reassembly, RandomOverlappingPieces_DeliveredExactlyOnceInOrder) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    const std::uint32_t base = rng();  // sequence numbers wrap in some rounds
    std::vector<std::uint8_t> stream(5000 + rng() % 5000);
    for (auto& b : stream) b = static_cast<std::uint8_t>(rng());
    ReassemblyQueue q;
    SeqNum rcv_nxt(base);
    std::vector<std::uint8_t> out;
    std::size_t stored = 0;
    while (out.size() < stream.size()) {
      std::size_t off = rng() % stream.size();
      std::size_t len = 1 + rng() % 1500;
      len = std::min(len, stream.size() - off);
      if (rng() % 4 == 0) off = static_cast<std::size_t>(rcv_nxt - SeqNum(base));  // fill the hole
      if (off >= stream.size()) continue;
      len = std::min(len, stream.size() - off);
      stored += q.insert(rcv_nxt, SeqNum(base) + static_cast<std::uint32_t>(off),
                         std::span<const std::uint8_t>(stream.data() + off, len));
      while (q.ready(rcv_nxt)) {
        std::vector<std::uint8_t> block = q.pop_front();
        out.insert(out.end(), block.begin(), block.end());
        rcv_nxt += static_cast<std::uint32_t>(block.size());
      }
      ASSERT_LE(q.bytes(), stream.size());
    }
    ASSERT_EQ(out, stream) << "round " << round;
    EXPECT_EQ(stored, stream.size());  // each byte stored exactly once
    EXPECT_TRUE(q.empty());
  }
}

TEST(Reassembly, SackBlocks_MostRecentFirst) {
  ReassemblyQueue q;
  std::vector<std::uint8_t> d(100, 1);
  q.insert(SeqNum(0), SeqNum(1000), d);
  q.insert(SeqNum(0), SeqNum(3000), d);
  q.insert(SeqNum(0), SeqNum(1100), d);  // extends the first block: now the most recent
  std::array<wire::SackBlock, 4> b{};
  ASSERT_EQ(q.sack_blocks(b, 4), 2u);
  EXPECT_EQ(b[0].left, 1000u);
  EXPECT_EQ(b[0].right, 1200u);
  EXPECT_EQ(b[1].left, 3000u);
}

}  // namespace
}  // namespace tcpsim::tcp
