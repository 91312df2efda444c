#include "sim/report/message_latency.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "stack/base/enum_names.hpp"

namespace tcpsim::sim::report {
namespace {

constexpr Nanos kNever = std::numeric_limits<Nanos>::max();

constexpr EnumNames<LatencyPart, kLatencyParts> kPartNames{{{
    {LatencyPart::Request, "request"},
    {LatencyPart::Handshake, "handshake"},
    {LatencyPart::CongestionWindow, "cwnd"},
    {LatencyPart::ReceiveWindow, "rwnd"},
    {LatencyPart::NagleDelayedAck, "nagle-delack"},
    {LatencyPart::Retransmission, "retransmission"},
    {LatencyPart::HeadOfLine, "head-of-line"},
    {LatencyPart::Network, "network"},
}}};

// One transmission of stream bytes [lo, hi) by the sending host.
struct Copy {
  Nanos sent = 0;
  std::int64_t lo = 0, hi = 0;
  Nanos arrived = kNever;  // kNever: lost (or never arrived)
};

// The sender's TCB as a segment-sent or cwnd event showed it.
struct Tcb {
  Nanos at = 0;
  std::int64_t cwnd = 0, pipe = 0, in_flight = 0, rwnd = 0;
  std::uint32_t snd_una = 0, snd_nxt = 0;
};

// One host's end of one connection, as its sender.
struct Sender {
  std::optional<std::uint32_t> iss;
  std::int64_t high = 0;  // highest stream offset seen, to unwrap sequence numbers
  std::vector<Copy> copies;
  std::vector<Tcb> tcbs;
  Nanos established = kNever;
  std::int64_t mss = 0;
  // When the receiver's in-order point reached `point`, in time order.
  std::vector<std::pair<Nanos, std::int64_t>> in_order;
};

using EndKey = std::pair<std::string, std::string>;  // host, conn (local first)

struct Outcome {
  Nanos arrived = kNever;
  bool dropped = false;
};

std::string reversed(const std::string& conn) {
  auto gt = conn.find('>');
  if (gt == std::string::npos) return conn;
  return conn.substr(gt + 1) + ">" + conn.substr(0, gt);
}

std::int64_t int_or(const TraceEvent& e, std::string_view key, std::int64_t fallback = 0) {
  return e.get_int(key).value_or(fallback);
}

// The stream offset of raw sequence number `seq`: 0 is the first byte after the SYN.
std::int64_t stream_offset(Sender& s, std::uint32_t seq) {
  const std::uint32_t rel = seq - *s.iss - 1U;
  constexpr std::int64_t kWrap = std::int64_t{1} << 32;
  std::int64_t off = (s.high & ~(kWrap - 1)) + rel;
  if (off < s.high - kWrap / 2) off += kWrap;
  if (off > s.high + kWrap / 2 && off >= kWrap) off -= kWrap;
  s.high = std::max(s.high, off);
  return off;
}

std::map<std::int64_t, Outcome> packet_outcomes(std::span<const TraceEvent> events) {
  std::map<std::int64_t, Outcome> out;
  for (const TraceEvent& e : events) {
    auto id = e.get_int("id");
    if (!id) continue;
    if (e.type == TraceType::SegmentDelivered) out[*id].arrived = e.time;
    if (e.type == TraceType::SegmentDropped) out[*id].dropped = true;
  }
  return out;
}

void add_segment(Sender& s, const TraceEvent& e, const std::map<std::int64_t, Outcome>& outcomes) {
  const auto seq = static_cast<std::uint32_t>(int_or(e, "seq"));
  const std::string flags = e.get_string("flags").value_or("");
  if (flags.find("SYN") != std::string::npos && !s.iss) s.iss = seq;
  if (e.find("cwnd") != nullptr) {
    s.tcbs.push_back(Tcb{e.time, int_or(e, "cwnd"), int_or(e, "pipe"), int_or(e, "in_flight"),
                         int_or(e, "rwnd"), static_cast<std::uint32_t>(int_or(e, "snd_una")),
                         static_cast<std::uint32_t>(int_or(e, "snd_nxt"))});
  }
  const std::int64_t len = int_or(e, "len");
  if (len <= 0 || !s.iss) return;
  s.mss = std::max(s.mss, len);
  Copy c;
  c.sent = e.time - int_or(e, "queued_ns");  // TCP sent it; the interface queue is network
  c.lo = stream_offset(s, seq);
  c.hi = c.lo + len;
  auto it = outcomes.find(int_or(e, "id", -1));
  if (it != outcomes.end() && !it->second.dropped) c.arrived = it->second.arrived;
  s.copies.push_back(c);
}

void add_cwnd(Sender& s, const TraceEvent& e) {
  Tcb t = s.tcbs.empty() ? Tcb{} : s.tcbs.back();
  t.at = e.time;
  t.cwnd = int_or(e, "cwnd");
  t.pipe = int_or(e, "pipe");
  t.in_flight = int_or(e, "in_flight");
  t.snd_una = t.snd_nxt - static_cast<std::uint32_t>(t.in_flight);
  s.tcbs.push_back(t);
}

// When the receiver had every byte before each point of the stream: the delivered copies
// in order of arrival, merged.
void build_in_order(Sender& s) {
  std::vector<const Copy*> got;
  for (const Copy& c : s.copies) {
    if (c.arrived != kNever) got.push_back(&c);
  }
  std::stable_sort(got.begin(), got.end(),
                   [](const Copy* a, const Copy* b) { return a->arrived < b->arrived; });
  std::map<std::int64_t, std::int64_t> held;  // out-of-order pieces: lo -> hi
  std::int64_t point = 0;
  for (const Copy* c : got) {
    if (c->hi > point) held[std::max(c->lo, point)] = std::max(held[std::max(c->lo, point)], c->hi);
    while (!held.empty() && held.begin()->first <= point) {
      point = std::max(point, held.begin()->second);
      held.erase(held.begin());
    }
    if (s.in_order.empty() || s.in_order.back().second < point) {
      s.in_order.emplace_back(c->arrived, point);
    }
  }
}

Nanos in_order_at(const Sender& s, std::int64_t offset) {
  if (offset <= 0) return 0;
  auto it = std::find_if(s.in_order.begin(), s.in_order.end(),
                         [&](const auto& p) { return p.second >= offset; });
  return it == s.in_order.end() ? kNever : it->first;
}

std::map<EndKey, Sender> build_senders(std::span<const TraceEvent> events) {
  const auto outcomes = packet_outcomes(events);
  std::map<EndKey, Sender> senders;
  std::unordered_map<std::int64_t, bool> seen;
  for (const TraceEvent& e : events) {
    if (e.conn.empty()) continue;
    if (e.type == TraceType::SegmentSent) {
      // The first segment-sent of a packet is its sender's; later ones are router hops.
      if (!seen.emplace(int_or(e, "id", -1), true).second) continue;
      add_segment(senders[{e.host, e.conn}], e, outcomes);
    } else if (e.type == TraceType::Cwnd) {
      add_cwnd(senders[{e.host, e.conn}], e);
    } else if (e.type == TraceType::State && e.get_string("to") == "ESTABLISHED") {
      Sender& s = senders[{e.host, e.conn}];
      s.established = std::min(s.established, e.time);
    }
  }
  for (auto& [key, s] : senders) build_in_order(s);
  return senders;
}

// A piece of the message's bytes that every copy covers whole or not at all.
struct Piece {
  std::int64_t size = 0;
  Nanos first_sent = kNever, first_arrived = kNever;
  Nanos lost_from = kNever, good_sent = kNever;  // a lost copy's send; the good copy's
};

std::vector<Piece> pieces_of(const Sender& s, std::int64_t begin, std::int64_t end) {
  std::vector<std::int64_t> cuts{begin, end};
  for (const Copy& c : s.copies) {
    if (c.hi <= begin || c.lo >= end) continue;
    cuts.push_back(std::clamp(c.lo, begin, end));
    cuts.push_back(std::clamp(c.hi, begin, end));
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<Piece> out;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    Piece p;
    p.size = cuts[i + 1] - cuts[i];
    for (const Copy& c : s.copies) {
      if (c.lo > cuts[i] || c.hi < cuts[i + 1]) continue;
      p.first_sent = std::min(p.first_sent, c.sent);
      if (c.arrived == kNever) {
        p.lost_from = std::min(p.lost_from, c.sent);
      } else {
        p.first_arrived = std::min(p.first_arrived, c.arrived);
        p.good_sent = std::min(p.good_sent, c.sent);
      }
    }
    out.push_back(p);
  }
  return out;
}

const Tcb* tcb_at(const Sender& s, Nanos t) {
  auto it = std::upper_bound(s.tcbs.begin(), s.tcbs.end(), t,
                             [](Nanos v, const Tcb& x) { return v < x.at; });
  return it == s.tcbs.begin() ? nullptr : &*std::prev(it);
}

// Why bytes that are not yet sent wait, from the sender's TCB at `t`.
LatencyPart sender_limit(const Sender& s, Nanos t, std::int64_t unsent) {
  const Tcb* tcb = tcb_at(s, t);
  if (tcb == nullptr) return LatencyPart::Network;
  const std::int64_t mss = s.mss > 0 ? s.mss : 536;
  const std::int64_t need = std::min(mss, unsent);
  const auto outstanding = static_cast<std::int32_t>(tcb->snd_nxt - tcb->snd_una);
  if (tcb->rwnd - outstanding < need) return LatencyPart::ReceiveWindow;
  if (tcb->cwnd - tcb->pipe < need) return LatencyPart::CongestionWindow;
  if (tcb->in_flight > 0 && unsent < mss) return LatencyPart::NagleDelayedAck;
  return LatencyPart::Network;
}

struct Waiting {
  const Sender* sender = nullptr;
  std::vector<Piece> pieces;
  Nanos earlier_bytes = 0;  // when every byte before the message had arrived
};

LatencyPart classify(const Waiting& w, Nanos t) {
  std::int64_t unsent = 0;
  bool missing = false;
  for (const Piece& p : w.pieces) {
    if (p.lost_from <= t && t < p.good_sent) return LatencyPart::Retransmission;
    if (p.first_sent > t) unsent += p.size;
    if (p.first_arrived > t) missing = true;
  }
  if (unsent > 0) return sender_limit(*w.sender, t, unsent);
  if (missing) return LatencyPart::Network;
  if (w.earlier_bytes > t) return LatencyPart::HeadOfLine;
  return LatencyPart::Network;
}

// Splits [from, to) at every time the classification may change.
void sweep(const Waiting& w, Nanos from, Nanos to, MessageLatency& m) {
  std::vector<Nanos> cuts{from, to};
  auto add = [&](Nanos t) {
    if (t > from && t < to) cuts.push_back(t);
  };
  for (const Piece& p : w.pieces) {
    for (Nanos t : {p.first_sent, p.first_arrived, p.lost_from, p.good_sent}) add(t);
  }
  add(w.earlier_bytes);
  for (const Tcb& t : w.sender->tcbs) add(t.at);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    m.parts[static_cast<std::size_t>(classify(w, cuts[i]))] += cuts[i + 1] - cuts[i];
  }
}

using RecvIndex = std::map<std::pair<std::string, std::int64_t>, const TraceEvent*>;

// The message from the other end this one waited for at its application (see the docs):
// an HTTP response waits for its request, a later HTTP request for the previous response
// unless it was sent before that arrived (pipelining).
std::optional<Nanos> awaited(const TraceEvent& send, const RecvIndex& recvs, std::int64_t msg) {
  if (send.get_string("proto") != "http") return std::nullopt;
  const std::string what = send.get_string("what").value_or("");
  const bool response = !what.empty() && what[0] >= '0' && what[0] <= '9';
  const std::int64_t n = response ? msg : msg - 1;
  auto it = recvs.find({send.conn, n});
  if (n < 1 || it == recvs.end() || it->second->get_string("proto") != "http") return std::nullopt;
  if (it->second->time > send.time) return std::nullopt;
  return it->second->time;
}

Nanos take(MessageLatency& m, LatencyPart part, Nanos& at, std::optional<Nanos> until) {
  if (!until || *until <= at) return at;
  Nanos d = std::min(*until, m.delivered) - at;
  m.parts[static_cast<std::size_t>(part)] += d;
  at += d;
  return at;
}

MessageLatency split(const TraceEvent& send, const TraceEvent& recv, const RecvIndex& recvs,
                     std::map<EndKey, Sender>& senders) {
  MessageLatency m;
  m.conn = send.conn;
  m.from = send.host;
  m.to = recv.host;
  m.proto = send.get_string("proto").value_or("");
  m.what = send.get_string("what").value_or("");
  m.msg = int_or(send, "msg");
  m.begin = int_or(send, "begin");
  m.end = int_or(send, "end");
  m.issued = int_or(send, "issued_ns", send.time);
  m.delivered = recv.time;
  if (m.delivered <= m.issued) {
    m.parts[static_cast<std::size_t>(LatencyPart::Network)] = m.delivered - m.issued;
    return m;
  }
  Sender& s = senders[{send.host, send.conn}];
  Nanos at = m.issued;
  take(m, LatencyPart::Request, at, awaited(send, recvs, m.msg));
  if (s.established != kNever) take(m, LatencyPart::Handshake, at, s.established);
  if (at < m.delivered) {
    Waiting w{&s, pieces_of(s, m.begin, m.end), in_order_at(s, m.begin)};
    sweep(w, at, m.delivered, m);
  }
  return m;
}

}  // namespace

std::string_view to_string(LatencyPart part) {
  return kPartNames.name(part, "unknown");
}

std::vector<MessageLatency> message_latencies(std::span<const TraceEvent> events) {
  RecvIndex recvs;
  std::vector<const TraceEvent*> sends;
  for (const TraceEvent& e : events) {
    if (e.type != TraceType::Message) continue;
    const auto msg = e.get_int("msg");
    if (!msg) continue;
    if (e.get_string("dir") == "recv") recvs.emplace(std::make_pair(e.conn, *msg), &e);
    if (e.get_string("dir") == "send") sends.push_back(&e);
  }
  std::vector<MessageLatency> out;
  if (sends.empty()) return out;
  auto senders = build_senders(events);
  for (const TraceEvent* send : sends) {
    auto recv = recvs.find({reversed(send->conn), int_or(*send, "msg")});
    if (recv == recvs.end()) continue;  // never read whole
    out.push_back(split(*send, *recv->second, recvs, senders));
  }
  return out;
}

}  // namespace tcpsim::sim::report
