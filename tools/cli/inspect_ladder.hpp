// The terminal view of `tcpsim inspect`: for one connection of a capture, a ladder with a
// line per segment (folded in long runs, as `tcpsim run` folds them), the anomalies under
// the segment that shows them, and each inferred state change in its endpoint's column.
#pragma once

#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "ladder_fold.hpp"
#include "ladder_layout.hpp"
#include "sim/inspect/inspector.hpp"

namespace tcpsim::cli {

struct InspectLadderOptions {
  bool color = false;
  bool full = false;        // every segment on its own line
  std::size_t columns = 0;  // the width to fit; 0: the fixed layout
};

class InspectLadder {
 public:
  InspectLadder(const sim::inspect::InspectResult& result, std::FILE* out,
                InspectLadderOptions opts);

  // The ladder of the connection between `left` and `right` (endpoint names).
  void print(const std::string& left, const std::string& right);

 private:
  void print_header(const std::string& left, const std::string& right);
  void on_segment(const sim::TraceEvent& e, const std::string& left);
  void on_note(const sim::TraceEvent& e);
  void on_state(const sim::TraceEvent& e, const std::string& left);
  std::string describe(const sim::inspect::DecodedSegment& s);
  bool plain(const sim::inspect::DecodedSegment& s);
  void line(Nanos t, const std::string& left, const std::string& middle, const std::string& right);
  void emit(Nanos t, const std::string& left, const std::string& middle, const std::string& right);
  std::string fit_middle(const std::string& s) const;
  std::string paint(const std::string& s, const char* code) const;

  const sim::inspect::InspectResult* result_;
  std::FILE* out_;
  InspectLadderOptions opts_;
  LadderLayout layout_;
  RunFolder folder_;
  std::map<std::uint64_t, std::size_t> by_frame_;  // frame number -> index in segments
  std::set<std::uint64_t> marked_;                 // frames with anomalies or state changes
  std::map<std::string, std::uint32_t> isn_;       // endpoint -> its first sequence number
  std::map<std::string, int> wscale_;              // endpoint -> shift on its SYN (-1: none)
  std::map<std::string, std::uint16_t> last_win_;  // endpoint -> last window it advertised
};

}  // namespace tcpsim::cli
