// Out-of-order reassembly: overlapping, duplicate and out-of-order pieces come out once,
// in order (checked against the original stream over many random arrival orders).
#include <gtest/gtest.h>

#include <algorithm>
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

TEST(Reassembly, Overlap_IsTheHeldPartLinuxDsacks) {
  ReassemblyQueue q;
  std::vector<std::uint8_t> d(100, 1);
  auto is = [](ReassemblyQueue::Overlap o, std::uint32_t start, std::uint32_t end, bool ext) {
    return o.found && o.start == SeqNum(start) && o.end == SeqNum(end) && o.extends == ext;
  };
  EXPECT_FALSE(q.overlap(SeqNum(1000), SeqNum(1100)).found);                  // nothing held
  q.insert(SeqNum(0), SeqNum(1000), d);                                       // [1000, 1100)
  q.insert(SeqNum(0), SeqNum(3000), d);                                       // [3000, 3100)
  EXPECT_TRUE(is(q.overlap(SeqNum(1020), SeqNum(1080)), 1020, 1080, false));  // all held
  EXPECT_TRUE(is(q.overlap(SeqNum(1000), SeqNum(1100)), 1000, 1100, false));  // the same
  EXPECT_TRUE(is(q.overlap(SeqNum(1050), SeqNum(1200)), 1050, 1100, false));  // partial
  EXPECT_TRUE(is(q.overlap(SeqNum(1000), SeqNum(1200)), 1000, 1100, true));   // replaces
  EXPECT_TRUE(is(q.overlap(SeqNum(900), SeqNum(1050)), 1000, 1050, true));    // reaches in
  EXPECT_TRUE(is(q.overlap(SeqNum(900), SeqNum(3200)), 1000, 1100, true));    // the first only
  EXPECT_TRUE(is(q.overlap(SeqNum(2000), SeqNum(3050)), 3000, 3050, true));
  EXPECT_FALSE(q.overlap(SeqNum(900), SeqNum(1000)).found);   // ends where held data starts
  EXPECT_FALSE(q.overlap(SeqNum(1100), SeqNum(3050)).found);  // starts where held data ends
  EXPECT_FALSE(q.overlap(SeqNum(1200), SeqNum(2000)).found);  // meets nothing
}

TEST(Reassembly, SackRank_IsThePlaceInTheSackOrder) {
  ReassemblyQueue q;
  std::vector<std::uint8_t> d(100, 1);
  EXPECT_EQ(q.sack_rank(SeqNum(1000), SeqNum(1100)), 0u);  // nothing held
  q.insert(SeqNum(0), SeqNum(1000), d);                    // A [1000, 1100)
  q.insert(SeqNum(0), SeqNum(3000), d);                    // B [3000, 3100)
  q.insert(SeqNum(0), SeqNum(5000), d);                    // C [5000, 5100): C, B, A
  EXPECT_EQ(q.sack_rank(SeqNum(5100), SeqNum(5200)), 0u);  // adjoins C
  EXPECT_EQ(q.sack_rank(SeqNum(2900), SeqNum(3000)), 1u);  // adjoins B from below
  EXPECT_EQ(q.sack_rank(SeqNum(1050), SeqNum(1080)), 2u);  // inside A
  EXPECT_EQ(q.sack_rank(SeqNum(7000), SeqNum(7100)), 3u);  // meets none: a new block
  // Filling between A and B meets both: B, the more recent, decides.
  EXPECT_EQ(q.sack_rank(SeqNum(1100), SeqNum(3000)), 1u);
  q.insert(SeqNum(0), SeqNum(1100), d);  // A grows: A, C, B
  EXPECT_EQ(q.sack_rank(SeqNum(3100), SeqNum(3200)), 2u);
  EXPECT_EQ(q.sack_rank(SeqNum(900), SeqNum(1000)), 0u);
}

TEST(Reassembly, SackBlocks_AgreeWithAModelOfRecency) {
  // A model kept the slow way: held ranges with the stamp of the last insert that touched
  // them, merged as they meet; SACK order is by stamp, newest first. The queue keeps its
  // recent blocks in a short list and must report exactly the same blocks, through merges,
  // duplicates, new blocks far out and deliveries.
  struct Range {
    std::uint32_t start, end;
    std::uint64_t stamp;
  };
  std::mt19937 rng(777);
  for (int round = 0; round < 50; ++round) {
    ReassemblyQueue q;
    std::vector<Range> model;
    std::uint32_t rcv_nxt = 1000;
    std::uint64_t clock = 0;
    std::vector<std::uint8_t> data(3000, 7);
    for (int step = 0; step < 400; ++step) {
      std::uint32_t seq = rcv_nxt + static_cast<std::uint32_t>(rng() % 60000);
      if (rng() % 8 == 0) seq = rcv_nxt;  // fills the first hole
      if (rng() % 4 == 0 && !model.empty()) seq = model[rng() % model.size()].end;  // extends
      std::uint32_t len = 1 + static_cast<std::uint32_t>(rng() % 2900);
      q.insert(SeqNum(rcv_nxt), SeqNum(seq), std::span<const std::uint8_t>(data.data(), len));
      // The model: merge every range that overlaps or touches [seq, seq + len].
      ++clock;
      Range merged{seq, seq + len, clock};
      std::vector<Range> rest;
      for (const Range& r : model) {
        if (r.end >= merged.start && r.start <= merged.end) {
          merged.start = std::min(merged.start, r.start);
          merged.end = std::max(merged.end, r.end);
        } else {
          rest.push_back(r);
        }
      }
      rest.push_back(merged);
      model = rest;
      // Deliver what is ready, in both.
      while (q.ready(SeqNum(rcv_nxt))) {
        std::uint32_t n = static_cast<std::uint32_t>(q.pop_front().size());
        auto first = std::find_if(model.begin(), model.end(),
                                  [&](const Range& r) { return r.start == rcv_nxt; });
        ASSERT_NE(first, model.end());
        ASSERT_EQ(first->end - first->start, n);
        model.erase(first);
        rcv_nxt += n;
      }
      std::vector<Range> order = model;
      std::sort(order.begin(), order.end(),
                [](const Range& a, const Range& b) { return a.stamp > b.stamp; });
      for (std::size_t max : {std::size_t{3}, std::size_t{4}}) {
        std::array<wire::SackBlock, 4> got{};
        std::size_t n = q.sack_blocks(got, max);
        ASSERT_EQ(n, std::min(max, order.size())) << "round " << round << " step " << step;
        for (std::size_t k = 0; k < n; ++k) {
          EXPECT_EQ(got[k].left, order[k].start) << "round " << round << " step " << step;
          EXPECT_EQ(got[k].right, order[k].end) << "round " << round << " step " << step;
        }
      }
    }
  }
}

}  // namespace
}  // namespace tcpsim::tcp
