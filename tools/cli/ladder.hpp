// The terminal view of a run: a ladder (sequence) diagram with one line per segment and
// one per state change, as they happen; --explain adds the RFC rule under each change.
#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ladder_fold.hpp"
#include "ladder_layout.hpp"
#include "sim/host/host.hpp"
#include "sim/net/packet_observer.hpp"
#include "sim/scenario/run.hpp"

namespace tcpsim::cli {

struct LadderOptions {
  bool explain = false;
  bool color = false;
  // A node that is not a simulated host for the right column (the bridge's kernel side),
  // and the title shown over it.
  std::string peer_column;
  std::string peer_title;
  // The left host's state in the header when the caller knows better (the bridge's
  // servers listen from the start).
  std::string left_state;
  // The width to fit (0: the fixed layout of output to a pipe or file); see ladder_layout.
  std::size_t columns = 0;
  // Every segment on its own line: no folding of long runs of data and ACKs.
  bool full = false;
  // Called before each line printed (the progress line on a shared terminal clears itself).
  std::function<void()> before_line;
};

class Ladder final : public sim::PacketObserver, public sim::HostListener {
 public:
  Ladder(sim::ScenarioRun& run, std::FILE* out, LadderOptions opts);
  void attach();
  void detach();

  void print_header();
  // Lines printed so far (the stepper stops when this grows).
  std::uint64_t lines() const { return lines_; }
  // States entered since the last call (the stepper's break-on-state).
  std::vector<tcp::State> take_entered();
  // Both ends' TCBs, for the stepper's "p".
  void print_tcbs();

  void on_sent(Nanos now, const sim::LinkDirection& link, const sim::Packet& p) override;
  void on_dropped(Nanos now, const sim::Node& where, const sim::LinkDirection* link,
                  const sim::Packet& p, sim::DropCause cause) override;
  void on_transition(Nanos now, const sim::Host& host, const tcp::Connection& conn, tcp::State from,
                     tcp::State to, std::string_view rule, std::uint64_t packet_id) override;

 private:
  // Column of a node: 0 left, 1 right (the first two hosts); others show by name.
  int column(const std::string& node) const;
  std::string describe(const sim::Packet& p);
  std::uint32_t rel_seq(const tcp::IpSegment& s, std::uint32_t v) const;
  std::uint32_t rel_ack(const tcp::IpSegment& s, std::uint32_t v) const;
  // A line, after what a fold holds.
  void line(Nanos t, const std::string& left, const std::string& middle, const std::string& right);
  void emit(Nanos t, const std::string& left, const std::string& middle, const std::string& right);
  // Whether a segment may fold: data or a pure ACK that is not a retransmission on its link
  // and carries no SYN/FIN/RST/URG/ECN flag or zero-window news (SACK blocks may fold: the
  // losses they report print as lines of their own, and so do the retransmissions).
  bool plain(const sim::LinkDirection& link, const sim::Packet& p);
  std::string fit_middle(const std::string& s) const;
  std::string paint(const std::string& s, const char* code) const;

  sim::ScenarioRun* run_;
  std::FILE* out_;
  LadderOptions opts_;
  LadderLayout layout_;
  RunFolder folder_;
  std::string left_, right_;
  std::map<std::string, std::uint32_t> isn_;  // "addr:port" -> first SYN's seq
  std::map<std::string, int> wscale_;         // "addr:port" -> shift offered on its SYN (-1: none)
  std::map<std::string, std::uint32_t> sent_end_;  // "link addr:port" -> highest seq+len sent
  std::map<std::string, std::uint16_t> last_win_;  // "link addr:port" -> last window
  std::vector<tcp::State> entered_;
  std::uint64_t lines_ = 0;
};

}  // namespace tcpsim::cli
