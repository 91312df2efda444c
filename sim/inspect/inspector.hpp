// `tcpsim inspect`'s library: reads a capture (any pcap or pcapng of a supported link
// type, sim::PcapReader), follows every TCP connection in it and infers both endpoints'
// states as an observer on the path would (connection_follower.hpp). The result is in the
// trace format (docs/trace-format.md, docs/inspect.md): one `segment-sent` per TCP frame,
// `state` events per endpoint, anomalies as `note` events.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/capture/pcap_reader.hpp"
#include "sim/core/error.hpp"
#include "sim/inspect/capture_decoder.hpp"
#include "sim/inspect/connection_summary.hpp"
#include "sim/trace/trace_event.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim::inspect {

class ConnectionFollower;

struct InspectResult {
  std::string path;
  int linktype = 0;
  std::vector<TraceEvent> events;                // in capture order
  std::vector<CapturedFrame> frames;             // the TCP frames, in file order (when kept)
  std::vector<DecodedSegment> segments;          // the same frames decoded
  std::vector<InspectedConnection> connections;  // in the order their first segment came
  std::uint64_t frames_read = 0;
  std::map<std::string, std::uint64_t> skipped;  // frames that are not TCP, by what they are
  std::uint64_t malformed = 0;
  Nanos capture_start = 0;  // the first frame's time, since the Unix epoch
  // Set when the file ended in damage after frames_read frames: what was read is inspected.
  std::string read_error;
};

// Follows connections one frame at a time.
class Inspector {
 public:
  // `keep_frames`: keep each TCP frame's bytes in the result (the report needs them; a
  // long capture is then held in memory whole).
  explicit Inspector(int linktype, bool keep_frames = true);
  ~Inspector();
  Inspector(Inspector&&) noexcept;
  Inspector& operator=(Inspector&&) noexcept;

  void add_frame(const CapturedFrame& frame);
  // The result so far; call once, at the end.
  InspectResult finish();

 private:
  ConnectionFollower& follower_for(const DecodedSegment& s);

  InspectResult result_;
  bool keep_frames_;
  std::vector<std::unique_ptr<ConnectionFollower>> followers_;
  std::map<std::string, std::size_t> current_;  // both ends' names, sorted -> follower
};

// Reads and inspects the whole file. Errors: the file is missing, not a capture, or of a
// link type not read (exit 2 in the CLI). A file damaged after some frames is not an
// error here: the result holds what was read and read_error says what went wrong.
Result<InspectResult, Error> inspect_capture(const std::string& path, bool keep_frames = true);

}  // namespace tcpsim::sim::inspect
