// The report's model: what the page draws, gathered from the trace events (and the
// capture's frames when there are some) in one pass, then written as JSON.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/report/json_out.hpp"
#include "sim/report/report.hpp"

namespace tcpsim::sim::report {

// Interned text: every repeated string (hosts, flags, states, rules, causes) is an index.
class StringTable {
 public:
  int id(const std::string& s);
  const std::vector<std::string>& all() const { return list_; }

 private:
  std::unordered_map<std::string, int> index_;
  std::vector<std::string> list_;
};

// One drawn segment: a packet as its sender put it on the wire (router hops are not drawn
// again). Sequence numbers are relative to the direction's first sequence number.
struct Segment {
  std::int64_t t = 0, arrive = -1;  // arrive: -1 when it never arrived (or is not known)
  int src = 0, dst = -1;            // host columns
  int conn = -1, dir = 0;           // dir 0: from the connection's end a to end b
  int flags = 0;                    // string id of "SYN,ACK"
  std::int64_t seq = 0, ack = 0, len = 0;
  std::int64_t raw_seq = 0, raw_ack = 0;
  int drop = -1;  // string id of the cause
  bool rtx = false;
  std::int64_t adv_edge = -1;      // from the frame: ack + scaled window (other direction's units)
  std::int64_t snd_edge = -1;      // from the TCB: SND.UNA + SND.WND (own units)
  std::vector<std::int64_t> sack;  // from the frame: relative left, right pairs
};

struct Connection {
  std::string a, b;  // endpoint names, a < b
  int host_a = -1, host_b = -1;
  bool base_known[2] = {false, false};
  std::uint32_t base[2] = {0, 0};  // first sequence number of each direction
  std::int64_t max_end[2] = {-1, -1};
  int wscale[2] = {-1, -1};  // from the SYNs, when frames are given
};

struct StateChange {
  std::int64_t t;
  int host, conn, from, to, rule, seg;
};

// The TCB of one connection end over time: a sample wherever a value changed.
struct TcbSeries {
  int host = -1, conn = -1;
  std::vector<std::int64_t> t, cwnd, ssthresh, pipe, srtt, rto, rwnd, flight;
  std::int64_t cur[7] = {-1, -1, -1, -1, -1, -1, -1};  // cwnd ssthresh pipe srtt rto rwnd flight
};

struct LinkSeries {
  std::vector<std::pair<std::int64_t, int>> changes;  // (time, +1 / -1), queue length
  std::vector<std::int64_t> drop_t;
  std::vector<int> drop_cause;
};

struct FlowSeries {
  int host = -1, conn = -1;
  std::vector<std::int64_t> t, bytes;
};

struct Note {
  std::int64_t t;
  int host, kind, seg, detail;
};

// Where a frame's TCP header starts (0: not a TCP segment), and how long its headers are.
std::size_t tcp_offset(std::span<const std::uint8_t> frame, int linktype);
std::size_t header_length(std::span<const std::uint8_t> frame, int linktype);

class ModelBuilder {
 public:
  explicit ModelBuilder(const ReportInput& in) : in_(in) {}
  std::string json();

 private:
  void gather();
  void on_sent(const TraceEvent& e);
  void on_delivered(const TraceEvent& e);
  void on_dropped(const TraceEvent& e);
  void on_state(const TraceEvent& e);
  void on_tcb(const TraceEvent& e);
  void on_note(const TraceEvent& e);
  void on_message(const TraceEvent& e);
  void finish_segments();
  void read_frames();
  void link_causes();

  int host_id(const std::string& name);
  int conn_of(const std::string& conn_id, int* dir);
  TcbSeries& tcb_of(int host, int conn);
  void set_tcb(TcbSeries& s, std::int64_t t, int slot, std::int64_t v);

  void write_head(JsonOut& j);
  void write_segments(JsonOut& j);
  void write_frames(JsonOut& j);
  void write_states(JsonOut& j);
  void write_series(JsonOut& j);
  void write_messages(JsonOut& j);

  const ReportInput& in_;
  StringTable strs_;
  std::vector<std::string> hosts_;
  std::unordered_map<std::string, int> host_index_;
  std::unordered_map<std::string, int> end_host_;  // "addr:port" -> host column
  std::vector<Connection> conns_;
  std::map<std::string, int> conn_index_;
  std::vector<Segment> segs_;
  std::unordered_map<std::int64_t, int> seg_of_id_;
  std::vector<StateChange> states_;
  std::vector<TcbSeries> tcbs_;
  std::map<std::pair<int, int>, int> tcb_index_;
  std::map<std::string, LinkSeries> links_;
  std::vector<FlowSeries> flows_;
  std::map<std::pair<int, int>, int> flow_index_;
  std::vector<Note> notes_;
  std::vector<const TraceEvent*> messages_;
  std::int64_t end_t_ = 0;
};

}  // namespace tcpsim::sim::report
