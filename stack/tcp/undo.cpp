#include "stack/tcp/undo.hpp"

#include <algorithm>
#include <utility>

namespace tcpsim::tcp {

void Undo::start(SeqNum una, Prior prior) {
  marker_ = una;
  retrans_ = -1;
  prior_ = prior;
}

void Undo::on_retransmit(std::uint32_t tsval, std::uint32_t segments, Nanos now) {
  if (!stamp_) {
    stamp_ = tsval;
    stamp_at_ = now;
  }
  if (retrans_ < 0) retrans_ = 0;
  retrans_ += static_cast<std::int32_t>(segments);
}

void Undo::on_dsack(SeqNum end, std::uint32_t segments) {
  dups_ += segments;
  // Only duplicates of what this episode resent: above undo_marker, while some resend is
  // unexplained.
  if (!marker_ || retrans_ <= 0 || !(*marker_ < end)) return;
  retrans_ = std::max(0, retrans_ - static_cast<std::int32_t>(segments));
}

bool Undo::packet_delayed(std::optional<std::uint32_t> tsecr) const {
  // tcp_tsopt_ecr_before: a TSecr of 0 echoes nothing; TSvals compare modulo 2^32.
  if (!stamp_ || !tsecr || *tsecr == 0) return false;
  return static_cast<std::int32_t>(*tsecr - *stamp_) < 0;
}

Undo::Prior Undo::take() {
  marker_.reset();
  return std::exchange(prior_, Prior{});
}

}  // namespace tcpsim::tcp
