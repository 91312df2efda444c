#include "sim/inspect/inspector.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "sim/inspect/connection_follower.hpp"

namespace tcpsim::sim::inspect {
namespace {

std::string tuple_key(const DecodedSegment& s) {
  std::string a = endpoint_name(s.src, s.tcp.src_port);
  std::string b = endpoint_name(s.dst, s.tcp.dst_port);
  if (b < a) std::swap(a, b);
  return a + " " + b;
}

}  // namespace

Inspector::Inspector(int linktype, bool keep_frames) : keep_frames_(keep_frames) {
  result_.linktype = linktype;
}
Inspector::~Inspector() = default;
Inspector::Inspector(Inspector&&) noexcept = default;
Inspector& Inspector::operator=(Inspector&&) noexcept = default;

ConnectionFollower& Inspector::follower_for(const DecodedSegment& s) {
  std::string key = tuple_key(s);
  auto it = current_.find(key);
  bool opens = s.has(wire::tcp_flag::kSyn) && !s.has(wire::tcp_flag::kAck);
  if (it == current_.end() || (opens && followers_[it->second]->ended_for(s))) {
    followers_.push_back(std::make_unique<ConnectionFollower>(s, result_.events));
    current_[key] = followers_.size() - 1;
    return *followers_.back();
  }
  return *followers_[it->second];
}

void Inspector::add_frame(const CapturedFrame& frame) {
  ++result_.frames_read;
  if (result_.frames_read == 1) result_.capture_start = frame.time_ns;
  DecodedFrame d = decode_frame(result_.linktype, frame.bytes);
  Nanos t = frame.time_ns - result_.capture_start;
  if (d.kind == FrameKind::NotTcp) {
    ++result_.skipped[d.what];
    return;
  }
  if (d.kind == FrameKind::Malformed) {
    ++result_.malformed;
    TraceEvent ev(t, TraceType::Note);
    ev.add("what", "anomaly")
        .add("kind", std::string(to_string(AnomalyKind::Malformed)))
        .add("frame", result_.frames_read)
        .add("detail", d.what);
    result_.events.push_back(std::move(ev));
    return;
  }
  d.segment.frame = result_.frames_read;
  d.segment.time = t;
  follower_for(d.segment).on_segment(d.segment);
  if (keep_frames_) result_.frames.push_back(frame);
  result_.segments.push_back(std::move(d.segment));
}

InspectResult Inspector::finish() {
  for (const auto& f : followers_) result_.connections.push_back(f->summary());
  return std::move(result_);
}

Result<InspectResult, Error> inspect_capture(const std::string& path, bool keep_frames) {
  auto reader = PcapReader::open(path);
  if (!reader.ok()) return fail(reader.error());
  int lt = reader->linktype();
  if (!supported_linktype(lt)) {
    return fail_with(Errc::Unsupported,
                     fmt::format("cannot inspect '{}': link type {} is not read; allowed: {}", path,
                                 lt, supported_linktypes()),
                     path);
  }
  Inspector inspector(lt, keep_frames);
  while (auto frame = reader->next()) inspector.add_frame(*frame);
  InspectResult r = inspector.finish();
  r.path = path;
  r.read_error = reader->error();
  return r;
}

}  // namespace tcpsim::sim::inspect
