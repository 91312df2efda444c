// The model as JSON, in columns (one array per field) so that 100,000 segments stay a few
// megabytes and load at once. Keys: docs/report.md, "The data".
#include <algorithm>

#include "sim/report/report_model.hpp"

namespace tcpsim::sim::report {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void append_base64(std::string& out, std::span<const std::uint8_t> b) {
  std::size_t i = 0;
  for (; i + 3 <= b.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{b[i]} << 16) | (std::uint32_t{b[i + 1]} << 8) | b[i + 2];
    for (int k = 3; k >= 0; --k) out += kBase64[(v >> (6 * k)) & 63];
  }
  std::size_t rest = b.size() - i;
  if (rest == 0) return;
  std::uint32_t v = std::uint32_t{b[i]} << 16;
  if (rest == 2) v |= std::uint32_t{b[i + 1]} << 8;
  out += kBase64[(v >> 18) & 63];
  out += kBase64[(v >> 12) & 63];
  out += rest == 2 ? kBase64[(v >> 6) & 63] : '=';
  out += '=';
}

template <class T, class F>
std::vector<std::int64_t> column(const std::vector<T>& rows, F field) {
  std::vector<std::int64_t> out;
  out.reserve(rows.size());
  for (const T& r : rows) out.push_back(static_cast<std::int64_t>(field(r)));
  return out;
}

}  // namespace

std::string ModelBuilder::json() {
  gather();
  finish_segments();
  read_frames();
  JsonOut j;
  j.open('{');
  write_head(j);
  write_segments(j);
  write_frames(j);
  write_states(j);
  write_series(j);
  write_messages(j);
  j.key("strs").open('[');
  for (const std::string& s : strs_.all()) j.str(s);
  j.close(']');
  j.close('}');
  return std::move(j.text());
}

void ModelBuilder::write_head(JsonOut& j) {
  j.key("version").num(1);
  j.key("title").str(in_.title);
  j.key("origin").str(in_.origin);
  j.key("end").num(end_t_);
  j.key("hosts").open('[');
  for (const std::string& h : hosts_) j.str(h);
  j.close(']');
  j.key("conns").open('[');
  for (const Connection& c : conns_) {
    j.open('{');
    j.key("a").str(c.a).key("b").str(c.b).key("ha").num(c.host_a).key("hb").num(c.host_b);
    j.key("base").open('[').num(c.base[0]).num(c.base[1]).close(']');
    j.key("wscale").open('[').num(c.wscale[0]).num(c.wscale[1]).close(']');
    j.close('}');
  }
  j.close(']');
}

void ModelBuilder::write_segments(JsonOut& j) {
  j.key("seg").open('{');
  j.nums("t", column(segs_, [](const Segment& s) { return s.t; }));
  j.nums("arr", column(segs_, [](const Segment& s) { return s.arrive; }));
  j.nums("src", column(segs_, [](const Segment& s) { return s.src; }));
  j.nums("dst", column(segs_, [](const Segment& s) { return s.dst; }));
  j.nums("conn", column(segs_, [](const Segment& s) { return s.conn; }));
  j.nums("dir", column(segs_, [](const Segment& s) { return s.dir; }));
  j.nums("flags", column(segs_, [](const Segment& s) { return s.flags; }));
  j.nums("seq", column(segs_, [](const Segment& s) { return s.seq; }));
  j.nums("ack", column(segs_, [](const Segment& s) { return s.ack; }));
  j.nums("rseq", column(segs_, [](const Segment& s) { return s.raw_seq; }));
  j.nums("rack", column(segs_, [](const Segment& s) { return s.raw_ack; }));
  j.nums("len", column(segs_, [](const Segment& s) { return s.len; }));
  j.nums("drop", column(segs_, [](const Segment& s) { return s.drop; }));
  j.nums("rtx", column(segs_, [](const Segment& s) { return s.rtx ? 1 : 0; }));
  j.nums("adv", column(segs_, [](const Segment& s) { return s.adv_edge; }));
  j.nums("snd", column(segs_, [](const Segment& s) { return s.snd_edge; }));
  j.key("sack").open('{');
  for (std::size_t i = 0; i < segs_.size(); ++i) {
    if (segs_[i].sack.empty()) continue;
    j.nums(std::to_string(i), segs_[i].sack);
  }
  j.close('}');
  j.close('}');
}

void ModelBuilder::write_frames(JsonOut& j) {
  std::size_t n = std::min(in_.frames.size(), segs_.size());
  j.key("linktype").num(in_.linktype);
  j.key("frames").num(static_cast<std::int64_t>(in_.frames.size()));
  std::vector<std::int64_t> offsets{0};
  std::vector<std::int64_t> wire;
  std::vector<std::uint8_t> all;
  for (std::size_t k = 0; k < n; ++k) {
    std::span<const std::uint8_t> f(in_.frames[k].bytes);
    std::size_t h = header_length(f, in_.linktype);
    all.insert(all.end(), f.begin(), f.begin() + static_cast<std::ptrdiff_t>(h));
    offsets.push_back(static_cast<std::int64_t>(all.size()));
    wire.push_back(static_cast<std::int64_t>(f.size()));
  }
  j.nums("hoff", offsets);
  j.nums("flen", wire);
  std::string b64;
  append_base64(b64, all);
  j.key("hdr").str(b64);
}

void ModelBuilder::write_states(JsonOut& j) {
  j.key("st").open('{');
  j.nums("t", column(states_, [](const StateChange& s) { return s.t; }));
  j.nums("host", column(states_, [](const StateChange& s) { return s.host; }));
  j.nums("conn", column(states_, [](const StateChange& s) { return s.conn; }));
  j.nums("from", column(states_, [](const StateChange& s) { return s.from; }));
  j.nums("to", column(states_, [](const StateChange& s) { return s.to; }));
  j.nums("rule", column(states_, [](const StateChange& s) { return s.rule; }));
  j.nums("seg", column(states_, [](const StateChange& s) { return s.seg; }));
  j.close('}');
  j.key("notes").open('{');
  j.nums("t", column(notes_, [](const Note& n) { return n.t; }));
  j.nums("host", column(notes_, [](const Note& n) { return n.host; }));
  j.nums("kind", column(notes_, [](const Note& n) { return n.kind; }));
  j.nums("seg", column(notes_, [](const Note& n) { return n.seg; }));
  j.nums("detail", column(notes_, [](const Note& n) { return n.detail; }));
  j.close('}');
}

void ModelBuilder::write_series(JsonOut& j) {
  j.key("tcb").open('[');
  for (const TcbSeries& s : tcbs_) {
    j.open('{').key("host").num(s.host).key("conn").num(s.conn);
    j.nums("t", s.t).nums("cwnd", s.cwnd).nums("ssthresh", s.ssthresh).nums("pipe", s.pipe);
    j.nums("srtt", s.srtt).nums("rto", s.rto).nums("rwnd", s.rwnd).nums("flight", s.flight);
    j.close('}');
  }
  j.close(']');
  j.key("links").open('[');
  for (auto& [name, ls] : links_) {
    std::stable_sort(ls.changes.begin(), ls.changes.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<std::int64_t> t, q;
    int len = 0;
    for (std::size_t i = 0; i < ls.changes.size(); ++i) {
      len += ls.changes[i].second;
      bool last_of_instant =
          i + 1 == ls.changes.size() || ls.changes[i + 1].first != ls.changes[i].first;
      if (last_of_instant && (q.empty() || q.back() != len)) {
        t.push_back(ls.changes[i].first);
        q.push_back(len);
      }
    }
    j.open('{').key("name").str(name).nums("t", t).nums("q", q);
    j.nums("drop_t", ls.drop_t).nums("drop_cause", ls.drop_cause).close('}');
  }
  j.close(']');
  j.key("flows").open('[');
  for (const FlowSeries& f : flows_) {
    j.open('{').key("host").num(f.host).key("conn").num(f.conn);
    j.nums("t", f.t).nums("bytes", f.bytes).close('}');
  }
  j.close(']');
}

void ModelBuilder::write_messages(JsonOut& j) {
  j.key("msgs").open('[');
  for (const TraceEvent* e : messages_) {
    j.open('{').key("t").num(e->time).key("host").str(e->host).key("conn").str(e->conn);
    for (const TraceField& f : e->fields) {
      if (const auto* i = std::get_if<std::int64_t>(&f.value)) {
        j.key(f.key).num(*i);
      } else if (const auto* s = std::get_if<std::string>(&f.value)) {
        j.key(f.key).str(*s);
      }
    }
    j.close('}');
  }
  j.close(']');
}

std::string report_data_json(const ReportInput& in) {
  return ModelBuilder(in).json();
}

}  // namespace tcpsim::sim::report
