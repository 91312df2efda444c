// The drawn segments once every event is in: who received them, sequence numbers relative
// to each direction's first, retransmissions, the state changes each caused, and what the
// frames add (the advertised window and SACK blocks as the receiver wrote them).
#include <algorithm>
#include <map>
#include <tuple>

#include "sim/report/report_model.hpp"

namespace tcpsim::sim::report {
namespace {

bool has_flag(const std::string& flags, std::string_view f) {
  std::size_t pos = 0;
  while (pos <= flags.size()) {
    std::size_t comma = flags.find(',', pos);
    if (comma == std::string::npos) comma = flags.size();
    if (std::string_view(flags).substr(pos, comma - pos) == f) return true;
    pos = comma + 1;
  }
  return false;
}

std::int64_t rel(std::int64_t raw, std::uint32_t base) {
  return static_cast<std::uint32_t>(static_cast<std::uint32_t>(raw) - base);
}

}  // namespace

void ModelBuilder::finish_segments() {
  const auto& names = strs_.all();
  for (Segment& s : segs_) {
    if (s.conn < 0) continue;
    Connection& c = conns_[s.conn];
    const std::string& flags = names[s.flags];
    bool syn = has_flag(flags, "SYN");
    if (!c.base_known[s.dir] || (syn && c.max_end[s.dir] < 0)) {
      c.base[s.dir] = static_cast<std::uint32_t>(s.raw_seq);
      c.base_known[s.dir] = true;
    }
    int other = 1 - s.dir;
    if (!c.base_known[other] && has_flag(flags, "ACK")) {
      // Nothing seen from the other end yet (a capture that starts mid-stream): its first
      // acknowledged byte stands for relative 1... only until a segment of its own comes.
      c.base[other] = static_cast<std::uint32_t>(s.raw_ack) - 1U;
    }
    s.seq = rel(s.raw_seq, c.base[s.dir]);
    s.ack = has_flag(flags, "ACK") ? rel(s.raw_ack, c.base[other]) : 0;
    if (s.snd_edge >= 0) s.snd_edge = rel(s.snd_edge, c.base[s.dir]);
    std::int64_t end = s.seq + s.len + (syn ? 1 : 0) + (has_flag(flags, "FIN") ? 1 : 0);
    if (end > s.seq && end <= c.max_end[s.dir]) s.rtx = true;
    c.max_end[s.dir] = std::max(c.max_end[s.dir], end);
  }
  for (Segment& s : segs_) {
    if (s.dst >= 0 || s.conn < 0) continue;
    const Connection& c = conns_[s.conn];
    const std::string& to = s.dir == 0 ? c.b : c.a;
    auto it = end_host_.find(to);
    s.dst = it != end_host_.end() ? it->second : host_id(to);
  }
  for (Connection& c : conns_) {
    auto a = end_host_.find(c.a);
    auto b = end_host_.find(c.b);
    c.host_a = a != end_host_.end() ? a->second : host_id(c.a);
    c.host_b = b != end_host_.end() ? b->second : host_id(c.b);
  }
  link_causes();
}

// A state change belongs to the segment whose arrival at that host caused it, or, when it
// came from a user call or a timer, to the segment the host sent at that moment (a SYN on
// connect, a FIN on close). Searched near the change's time only.
void ModelBuilder::link_causes() {
  struct Key {
    std::int64_t t;
    int host, conn;
    bool operator<(const Key& o) const {
      return std::tie(t, host, conn) < std::tie(o.t, o.host, o.conn);
    }
  };
  std::map<Key, int> arrived, sent;  // the last segment of each (time, host, connection)
  for (std::size_t i = 0; i < segs_.size(); ++i) {
    const Segment& s = segs_[i];
    if (s.arrive >= 0) arrived[Key{s.arrive, s.dst, s.conn}] = static_cast<int>(i);
    sent[Key{s.t, s.src, s.conn}] = static_cast<int>(i);
    sent[Key{s.t, -1, s.conn}] = static_cast<int>(i);  // an observer's inference (no arrival)
  }
  for (StateChange& st : states_) {
    auto a = arrived.find(Key{st.t, st.host, st.conn});
    if (a != arrived.end()) {
      st.seg = a->second;
      continue;
    }
    auto s = sent.find(Key{st.t, st.host, st.conn});
    if (s == sent.end()) s = sent.find(Key{st.t, -1, st.conn});
    st.seg = s != sent.end() ? s->second : -1;
  }
}

}  // namespace tcpsim::sim::report
