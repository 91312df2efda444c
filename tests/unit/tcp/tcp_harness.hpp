// Test support for driving one connection directly (DESIGN principle 9):
//
//   h.inject("S 0:0(0) win 65535 <mss 1460>");      // from the peer, relative seq/ack
//   h.expect_sent("S. 0:0(0) ack 1");                // what we answer
//   EXPECT_EQ(h.state(), State::SynReceived);
//
// The compact form reads like packetdrill: flags (S F R P . for ACK), then
// start:end(len) relative to the sender's ISN, then optional `ack N` (relative to the
// receiver's ISN), `win N` and `<options>`. A field left out of an expectation is not
// checked. Payload bytes of injected data are 'a', 'b', 'c', ... by offset.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stack/tcp/connection.hpp"

namespace tcpsim::tcp::testing {

struct CompactSegment {
  std::uint8_t flags = 0;
  std::uint32_t start = 0, end = 0, len = 0;
  std::optional<std::uint32_t> ack;
  std::optional<std::uint32_t> win;
  std::optional<std::string> options;  // as TcpOptions::to_string prints them
};

// Parses the compact form; fails the current test on a syntax error.
CompactSegment parse_compact(const std::string& text);
// Prints a segment in the compact form (relative to the given ISNs).
std::string to_compact(const Segment& s, std::uint32_t sender_isn, std::uint32_t receiver_isn,
                       bool with_options = true);

class RecordingObserver : public ConnectionObserver {
 public:
  struct Transition {
    State from, to;
    std::string rule;
  };
  void on_state(const Connection&, Nanos, State from, State to, std::string_view rule) override {
    transitions.push_back({from, to, std::string(rule)});
  }
  void on_drop(const Connection&, Nanos, const Segment&, DropReason r) override {
    drops.push_back(r);
  }
  std::vector<Transition> transitions;
  std::vector<DropReason> drops;
};

class ConnHarness {
 public:
  static constexpr std::uint32_t kIss = 1000;         // our ISN
  static constexpr std::uint32_t kPeerIsn = 5000000;  // the peer's ISN

  explicit ConnHarness(TcpConfig cfg = plain_config());
  // A config without options on the wire, small and easy to read in tests.
  static TcpConfig plain_config();

  // Bring the connection to a state (through real handshakes/teardowns).
  void to_syn_sent();
  void to_syn_received();
  void to_established();
  void to_fin_wait_1();
  void to_fin_wait_2();
  void to_close_wait();
  void to_closing();
  void to_last_ack();
  void to_time_wait();
  void to_state(State s);

  void inject(const std::string& compact);
  void inject(const Segment& s);
  // Checks the next sent segment against the compact form and removes it.
  void expect_sent(const std::string& compact);
  void expect_nothing();
  // Every segment sent since the last check, in the compact form.
  std::vector<std::string> drain();
  void advance(Nanos d);  // moves time and fires due timers
  void fire_next_timer();
  std::size_t send_app(std::size_t n);
  std::string recv_app();

  State state() const { return conn->state(); }
  Segment make(const std::string& compact) const;

  TcpConfig cfg;
  std::unique_ptr<Connection> conn;
  RecordingObserver obs;
  Nanos now = 0;
  std::vector<Segment> sent;

 private:
  void pump();
};

}  // namespace tcpsim::tcp::testing
