// The sender's record of what the receiver reported in SACK blocks (RFC 2018), used for
// loss recovery as RFC 6675 describes: which bytes are SACKed, which holes count as lost,
// and how much is in the network (pipe).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "stack/tcp/seq_num.hpp"
#include "stack/wire/tcp_options.hpp"

namespace tcpsim::tcp {

class SackScoreboard {
 public:
  struct Range {
    SeqNum start, end;  // [start, end)
  };

  void clear() {
    ranges_.clear();
    sacked_ = 0;
    ++version_;
  }
  bool empty() const { return ranges_.empty(); }
  // Adds the blocks of one ACK; blocks outside (SND.UNA, SND.MAX] are ignored (they are
  // stale or bogus, RFC 2018 §4 and RFC 6675 §5). Returns whether anything new was SACKed.
  bool update(SeqNum snd_una, SeqNum snd_max, std::span<const wire::SackBlock> blocks);
  // Forgets what lies below the cumulative ACK.
  void advance(SeqNum snd_una);

  std::uint32_t sacked_bytes() const { return sacked_; }
  SeqNum highest_sacked() const { return ranges_.empty() ? SeqNum() : ranges_.back().end; }
  // If s lies in a SACKed range, the end of that range; otherwise s.
  SeqNum skip_sacked(SeqNum s) const;
  // The start of the first SACKed range above s, or `limit` when there is none.
  SeqNum next_sacked(SeqNum s, SeqNum limit) const;
  // Bytes SACKed above s.
  std::uint32_t sacked_above(SeqNum s) const;
  // RFC 6675 IsLost(): at least DupThresh (3) segments' worth of SACKed bytes above s.
  bool is_lost(SeqNum s, std::uint32_t mss) const { return sacked_above(s) >= 3 * mss; }
  // The highest s for which is_lost(s) holds (SACKed bytes above it reach 3 * mss), or
  // nothing when they never do: is_lost(s) is then s <= lost_limit(mss), one walk for a
  // whole queue of segments.
  std::optional<SeqNum> lost_limit(std::uint32_t mss) const;
  const std::vector<Range>& ranges() const { return ranges_; }
  // Changes whenever the ranges do, so derived values can be cached.
  std::uint64_t version() const { return version_; }

 private:
  std::vector<Range> ranges_;  // sorted, disjoint, non-adjacent
  std::uint32_t sacked_ = 0;
  std::uint64_t version_ = 0;
};

}  // namespace tcpsim::tcp
