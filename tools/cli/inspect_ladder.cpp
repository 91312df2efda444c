#include "inspect_ladder.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "sim/core/units.hpp"
#include "sim/inspect/connection_follower.hpp"

namespace tcpsim::cli {
namespace {

using sim::inspect::DecodedSegment;

// The two endpoint names of a connection id, "a>b" (either end may be bracketed IPv6).
std::pair<std::string, std::string> ends_of(const std::string& conn) {
  std::size_t gt = conn.find('>');
  if (gt == std::string::npos) return {conn, ""};
  return {conn.substr(0, gt), conn.substr(gt + 1)};
}

bool between(const sim::TraceEvent& e, const std::string& a, const std::string& b) {
  auto [x, y] = ends_of(e.conn);
  return (x == a && y == b) || (x == b && y == a);
}

}  // namespace

InspectLadder::InspectLadder(const sim::inspect::InspectResult& result, std::FILE* out,
                             InspectLadderOptions opts)
    : result_(&result),
      out_(out),
      opts_(opts),
      layout_(layout_for(opts_.columns)),
      folder_([this](const PlainLine& l) { emit(l.t, "", l.text, ""); },
              [this](const std::string& s) { emit(-1, "", paint(fit_middle(s), "2"), ""); }) {
  for (std::size_t i = 0; i < result.segments.size(); ++i) by_frame_[result.segments[i].frame] = i;
  for (const sim::TraceEvent& e : result.events) {
    if (e.type == sim::TraceType::State || e.type == sim::TraceType::Note) {
      marked_.insert(static_cast<std::uint64_t>(e.get_int("frame").value_or(0)));
    }
  }
}

std::string InspectLadder::paint(const std::string& s, const char* code) const {
  return cli::paint(s, code, opts_.color);
}

std::string InspectLadder::fit_middle(const std::string& s) const {
  return cli::fit_middle(s, layout_);
}

void InspectLadder::line(Nanos t, const std::string& left, const std::string& middle,
                         const std::string& right) {
  folder_.flush();
  emit(t, left, middle, right);
}

void InspectLadder::emit(Nanos t, const std::string& left, const std::string& middle,
                         const std::string& right) {
  std::fputs(row_text(t, left, middle, right, layout_).c_str(), out_);
  std::fputc('\n', out_);
}

void InspectLadder::print_header(const std::string& left, const std::string& right) {
  std::string text = header_text(left, right, layout_);
  std::fputs(paint(text, "1").c_str(), out_);
  std::fputc('\n', out_);
}

void InspectLadder::print(const std::string& left, const std::string& right) {
  print_header(left, right);
  for (const sim::TraceEvent& e : result_->events) {
    if (!between(e, left, right)) continue;
    if (e.type == sim::TraceType::SegmentSent) on_segment(e, left);
    if (e.type == sim::TraceType::Note) on_note(e);
    if (e.type == sim::TraceType::State) on_state(e, left);
  }
  folder_.flush();
}

std::string InspectLadder::describe(const DecodedSegment& s) {
  const wire::TcpRepr& h = s.tcp;
  std::string src = sim::inspect::endpoint_name(s.src, h.src_port);
  std::string dst = sim::inspect::endpoint_name(s.dst, h.dst_port);
  if (h.has(wire::tcp_flag::kSyn)) {
    isn_.emplace(src, h.seq);
    auto ws = h.options.window_scale();
    wscale_[src] = ws ? std::min<int>(*ws, 14) : -1;
  }
  // A connection caught mid-stream counts from the first number seen.
  isn_.emplace(src, h.seq);
  if (h.has(wire::tcp_flag::kAck)) isn_.emplace(dst, h.ack);
  auto rel = [&](const std::string& who, std::uint32_t v) { return v - isn_.at(who); };
  std::string text = wire::flags_to_string(h.flags) + fmt::format(" seq={}", rel(src, h.seq));
  if (h.has(wire::tcp_flag::kAck)) text += fmt::format(" ack={}", rel(dst, h.ack));
  std::uint64_t win = h.window;
  auto ws = wscale_.find(src);
  auto peer_ws = wscale_.find(dst);
  if (!h.has(wire::tcp_flag::kSyn) && ws != wscale_.end() && peer_ws != wscale_.end() &&
      ws->second >= 0 && peer_ws->second >= 0) {
    win <<= ws->second;
  }
  text += fmt::format(" win={} len={}", win, s.len);
  if (h.has(wire::tcp_flag::kSyn) && !h.options.empty()) {
    text += " <" + h.options.to_string() + ">";
  } else {
    std::array<wire::SackBlock, 4> blocks{};
    std::size_t n = h.options.sack_blocks(blocks);
    if (n > 0 && isn_.contains(dst)) {
      text += " <sack";
      for (std::size_t i = 0; i < n; ++i) {
        text += fmt::format(" {}:{}", rel(dst, blocks[i].left), rel(dst, blocks[i].right));
      }
      text += ">";
    }
  }
  return text;
}

// Data or a pure ACK with nothing flagged on it and no zero window before or in it.
bool InspectLadder::plain(const DecodedSegment& s) {
  std::string src = sim::inspect::endpoint_name(s.src, s.tcp.src_port);
  std::uint16_t prev = last_win_.contains(src) ? last_win_[src] : 1;
  last_win_[src] = s.tcp.window;
  std::uint8_t f = s.tcp.flags;
  bool only_ack =
      (f & ~(wire::tcp_flag::kAck | wire::tcp_flag::kPsh)) == 0 && s.has(wire::tcp_flag::kAck);
  return only_ack && !marked_.contains(s.frame) && s.tcp.window != 0 && prev != 0;
}

void InspectLadder::on_segment(const sim::TraceEvent& e, const std::string& left) {
  auto it = by_frame_.find(static_cast<std::uint64_t>(e.get_int("id").value_or(0)));
  if (it == by_frame_.end()) return;
  const DecodedSegment& s = result_->segments[it->second];
  std::string text = describe(s);
  std::string middle = arrow(text, e.host == left, layout_);
  if (!opts_.full && plain(s)) {
    folder_.add(PlainLine{s.time, middle, s.len > 0});
  } else {
    line(s.time, "", middle, "");
  }
}

void InspectLadder::on_note(const sim::TraceEvent& e) {
  std::string text =
      fmt::format("⚠ frame {}: {}: {}", e.get_int("frame").value_or(0),
                  e.get_string("kind").value_or("?"), e.get_string("detail").value_or(""));
  line(-1, "", paint(fit_middle(text), "33"), "");
}

void InspectLadder::on_state(const sim::TraceEvent& e, const std::string& left) {
  std::string text =
      fmt::format("{} → {}", e.get_string("from").value_or("?"), e.get_string("to").value_or("?"));
  std::string painted = paint(text, "32");
  if (e.host == left) {
    line(e.time, painted, "", "");
  } else {
    line(e.time, "", "", painted);
  }
}

}  // namespace tcpsim::cli
