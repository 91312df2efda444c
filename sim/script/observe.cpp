// Observe mode (ScriptOptions::observe): the run goes on past failed expectations, and
// every segment the stack sent is handed back in the script's terms, for `--compare`.
#include <fmt/core.h>

#include <map>
#include <tuple>

#include "sim/script/runner_impl.hpp"

namespace tcpsim::sim::script::detail {

namespace {

// An observed run that keeps departing from its script is stopped here: what follows
// would only repeat the first departures.
constexpr std::size_t kMaxDeviations = 200;

using FourTuple = std::tuple<std::string, std::uint16_t, std::string, std::uint16_t>;

FourTuple tuple_of(const tcp::IpSegment& s) {
  const wire::TcpRepr& h = s.segment.header;
  return {s.src.to_string(), h.src_port, s.dst.to_string(), h.dst_port};
}

// What one connection has sent so far: its ISN (from its SYN or SYN,ACK) and the end of
// the sequence space it has covered.
struct SentSoFar {
  bool isn_known = false;
  std::uint32_t isn = 0;
  bool any = false;
  std::uint32_t end = 0;  // relative to the ISN
};

}  // namespace

bool Runner::observe_deviation(const Stop& st) {
  if (!opts_.observe || st.outcome != ScriptOutcome::Failed || st.line == 0) return false;
  if (deviations_.size() >= kMaxDeviations) return false;
  log(fmt::format("{} (observing: the script expected otherwise at line {}: {})", secs(now_),
                  st.line, st.message));
  deviations_.push_back(st);
  // A call that never returned is given up, so the next one can run.
  if (pending_ && pending_->event->line == st.line) pending_.reset();
  pending_failure_.reset();
  return true;
}

std::vector<WirePacket> Runner::wire_record() const {
  std::vector<WirePacket> out;
  std::map<FourTuple, SentSoFar> sent;
  FourTuple under_test{flow_.local.addr.to_string(), flow_.local.port,
                       flow_.remote.addr.to_string(), flow_.remote.port};
  for (const auto& [line, s] : sent_log_) {
    const wire::TcpRepr& h = s.seg.segment.header;
    FourTuple key = tuple_of(s.seg);
    SentSoFar& so_far = sent[key];
    bool syn = h.has(wire::tcp_flag::kSyn);
    if (syn && !so_far.isn_known) {
      so_far.isn_known = true;
      so_far.isn = h.seq;
    }
    WirePacket w;
    w.line = line;
    w.time = s.time;
    w.under_test = key == under_test;
    w.seen =
        script_packet(s.seg, so_far.isn_known ? so_far.isn : 0, w.under_test ? &flow_ : nullptr);
    const PacketSpec& p = w.seen;
    std::uint32_t span = p.len + (syn ? 1 : 0) + (h.has(wire::tcp_flag::kFin) ? 1 : 0);
    if (span > 0 && so_far.isn_known) {
      w.retransmission = so_far.any && static_cast<std::int32_t>(p.start - so_far.end) < 0;
      std::uint32_t end = p.start + span;
      if (!so_far.any || static_cast<std::int32_t>(end - so_far.end) > 0) so_far.end = end;
      so_far.any = true;
    }
    w.text = to_string(p);
    if (!w.under_test) w.text += four_tuple_text(s.seg);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace tcpsim::sim::script::detail
