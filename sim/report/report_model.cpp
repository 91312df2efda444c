// Gathering the report's model from the trace. The JSON it becomes is read by
// sim/report/assets/report.js; the keys are described in docs/report.md ("The data").
#include "sim/report/report_model.hpp"

#include <algorithm>

namespace tcpsim::sim::report {
namespace {

std::int64_t int_or(const TraceEvent& e, std::string_view key, std::int64_t fallback) {
  auto v = e.get_int(key);
  return v ? *v : fallback;
}

std::string str_or(const TraceEvent& e, std::string_view key, std::string fallback = {}) {
  auto v = e.get_string(key);
  return v ? *v : std::move(fallback);
}

// "10.0.0.1:40000>10.0.0.2:80" -> the two ends; an id without '>' is one end.
std::pair<std::string, std::string> split_conn(const std::string& id) {
  auto gt = id.find('>');
  if (gt == std::string::npos) return {id, {}};
  return {id.substr(0, gt), id.substr(gt + 1)};
}

}  // namespace

int StringTable::id(const std::string& s) {
  auto [it, added] = index_.try_emplace(s, static_cast<int>(list_.size()));
  if (added) list_.push_back(s);
  return it->second;
}

int ModelBuilder::host_id(const std::string& name) {
  auto [it, added] = host_index_.try_emplace(name, static_cast<int>(hosts_.size()));
  if (added) hosts_.push_back(name);
  return it->second;
}

// The connection a conn id belongs to, whichever end it names first; `dir` is 0 when the
// id's first end is the connection's end a.
int ModelBuilder::conn_of(const std::string& conn_id, int* dir) {
  auto [first, second] = split_conn(conn_id);
  if (first.empty() || second.empty()) return -1;
  bool ordered = first < second;
  std::string key = ordered ? first + "|" + second : second + "|" + first;
  auto [it, added] = conn_index_.try_emplace(key, static_cast<int>(conns_.size()));
  if (added) {
    Connection c;
    c.a = ordered ? first : second;
    c.b = ordered ? second : first;
    conns_.push_back(c);
  }
  if (dir != nullptr) *dir = ordered ? 0 : 1;
  return it->second;
}

void ModelBuilder::gather() {
  for (const TraceEvent& e : in_.events) {
    end_t_ = std::max<std::int64_t>(end_t_, e.time);
    switch (e.type) {
      case TraceType::SegmentSent:
        on_sent(e);
        break;
      case TraceType::SegmentDelivered:
        on_delivered(e);
        break;
      case TraceType::SegmentDropped:
        on_dropped(e);
        break;
      case TraceType::State:
        on_state(e);
        break;
      case TraceType::Cwnd:
      case TraceType::Rtt:
        on_tcb(e);
        break;
      case TraceType::AppRead: {
        int dir = 0;
        int c = conn_of(e.conn, &dir);
        if (c < 0) break;
        int h = host_id(e.host);
        auto [it, added] = flow_index_.try_emplace({h, c}, static_cast<int>(flows_.size()));
        if (added) flows_.push_back(FlowSeries{h, c, {}, {}});
        flows_[it->second].t.push_back(e.time);
        flows_[it->second].bytes.push_back(int_or(e, "total", 0));
        break;
      }
      case TraceType::Note:
        on_note(e);
        break;
      default:
        if (to_string(e.type) == "app-message") on_message(e);
        break;
    }
  }
}

void ModelBuilder::on_sent(const TraceEvent& e) {
  std::int64_t id = int_or(e, "id", -1);
  std::string link = str_or(e, "link");
  if (!link.empty() && link != "capture") {
    std::int64_t queued = int_or(e, "queued_ns", 0);
    auto& ls = links_[link];
    ls.changes.emplace_back(e.time - queued, +1);
    ls.changes.emplace_back(e.time, -1);
  }
  if (id >= 0 && seg_of_id_.count(id) != 0) return;  // a router hop of a drawn segment
  Segment s;
  s.t = e.time;
  s.src = host_id(e.host);
  s.conn = conn_of(e.conn, &s.dir);
  s.flags = strs_.id(str_or(e, "flags", "none"));
  s.raw_seq = int_or(e, "seq", 0);
  s.raw_ack = int_or(e, "ack", 0);
  s.len = int_or(e, "len", 0);
  auto una = e.get_int("snd_una");
  auto rwnd = e.get_int("rwnd");
  if (una && rwnd) s.snd_edge = *una + *rwnd;  // made relative in finish_segments
  auto [from, to] = split_conn(e.conn);
  if (!from.empty()) end_host_.try_emplace(from, s.src);
  if (id >= 0) seg_of_id_[id] = static_cast<int>(segs_.size());
  segs_.push_back(std::move(s));
  if (e.find("cwnd") != nullptr) on_tcb(e);
}

void ModelBuilder::on_delivered(const TraceEvent& e) {
  auto it = seg_of_id_.find(int_or(e, "id", -1));
  if (it == seg_of_id_.end()) return;
  Segment& s = segs_[it->second];
  s.arrive = e.time;
  s.dst = host_id(e.host);
}

void ModelBuilder::on_dropped(const TraceEvent& e) {
  std::string cause = str_or(e, "cause", "dropped");
  auto it = seg_of_id_.find(int_or(e, "id", -1));
  if (e.find("id") != nullptr && it != seg_of_id_.end()) {
    Segment& s = segs_[it->second];
    s.drop = strs_.id(cause);
    s.arrive = -1;
  }
  std::string link = str_or(e, "link");
  if (!link.empty()) {
    auto& ls = links_[link];
    ls.drop_t.push_back(e.time);
    ls.drop_cause.push_back(strs_.id(cause));
  }
  if (str_or(e, "by") == "tcp") {
    // The segment refused: delivered to this host at this instant, among the last 64 drawn.
    int host = host_id(e.host);
    int n = static_cast<int>(segs_.size());
    int seg = -1;
    for (int i = n - 1; i >= 0 && i + 64 >= n; --i) {
      if (segs_[i].arrive == e.time && segs_[i].dst == host) {
        seg = i;
        break;
      }
    }
    notes_.push_back(Note{e.time, host, strs_.id("refused by TCP: " + cause), seg,
                          strs_.id(str_or(e, "flags"))});
  }
}

void ModelBuilder::on_state(const TraceEvent& e) {
  int h = host_id(e.host);
  int dir = 0;
  int c = conn_of(e.conn, &dir);
  auto [local, remote] = split_conn(e.conn);
  if (!local.empty()) end_host_.try_emplace(local, h);
  states_.push_back(StateChange{e.time, h, c, strs_.id(str_or(e, "from", "?")),
                                strs_.id(str_or(e, "to", "?")), strs_.id(str_or(e, "rule")), -1});
}

TcbSeries& ModelBuilder::tcb_of(int host, int conn) {
  auto [it, added] = tcb_index_.try_emplace({host, conn}, static_cast<int>(tcbs_.size()));
  if (added) {
    TcbSeries s;
    s.host = host;
    s.conn = conn;
    tcbs_.push_back(std::move(s));
  }
  return tcbs_[it->second];
}

// Records the TCB values an event carries; a sample is added only when one changed.
void ModelBuilder::on_tcb(const TraceEvent& e) {
  int c = conn_of(e.conn, nullptr);
  if (c < 0) return;
  TcbSeries& s = tcb_of(host_id(e.host), c);
  static constexpr std::string_view kKeys[7] = {"cwnd",   "ssthresh", "pipe",     "srtt_ns",
                                                "rto_ns", "rwnd",     "in_flight"};
  std::int64_t next[7];
  bool changed = false;
  for (int i = 0; i < 7; ++i) {
    auto v = e.get_int(kKeys[i]);
    next[i] = v ? *v : s.cur[i];
    changed = changed || next[i] != s.cur[i];
  }
  if (!changed) return;
  std::copy(next, next + 7, s.cur);
  s.t.push_back(e.time);
  s.cwnd.push_back(next[0]);
  s.ssthresh.push_back(next[1]);
  s.pipe.push_back(next[2]);
  s.srtt.push_back(next[3]);
  s.rto.push_back(next[4]);
  s.rwnd.push_back(next[5]);
  s.flight.push_back(next[6]);
}

void ModelBuilder::on_note(const TraceEvent& e) {
  std::string what = str_or(e, "what");
  if (what == "retransmit") {
    notes_.push_back(
        Note{e.time, host_id(e.host), strs_.id("retransmit: " + str_or(e, "why")), -1,
             strs_.id(fmt::format("seq {} len {}", int_or(e, "seq", 0), int_or(e, "len", 0)))});
  } else if (what == "anomaly") {
    int seg = -1;
    auto it = seg_of_id_.find(int_or(e, "frame", -1));
    if (it != seg_of_id_.end()) seg = it->second;
    notes_.push_back(Note{e.time, host_id(e.host.empty() ? std::string("capture") : e.host),
                          strs_.id(str_or(e, "kind", "anomaly")), seg,
                          strs_.id(str_or(e, "detail"))});
  }
}

void ModelBuilder::on_message(const TraceEvent& e) {
  messages_.push_back(&e);
}

}  // namespace tcpsim::sim::report
