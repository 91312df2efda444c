// Hand-built captures for the inspect tests: two endpoints, segments written as the frames
// a capture would hold (Ethernet by default; raw IP or Linux cooked on request), fed to an
// Inspector; then the inferred state changes and anomalies, as text, to compare.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/inspect/connection_follower.hpp"
#include "sim/inspect/inspector.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim::inspect::testing {

namespace f = wire::tcp_flag;

struct Seg {
  bool from_a = true;
  std::uint8_t flags = f::kAck;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint32_t len = 0;
  std::uint16_t win = 65535;
  wire::TcpOptions options{};
};

class Capture {
 public:
  explicit Capture(int linktype = linktype::kEthernet, bool v6 = false)
      : inspector_(linktype), linktype_(linktype) {
    a_ = *wire::IpAddress::parse(v6 ? "2001:db8::1" : "10.0.0.1");
    b_ = *wire::IpAddress::parse(v6 ? "2001:db8::2" : "10.0.0.2");
  }

  std::string a() const { return endpoint_name(a_, 40000); }
  std::string b() const { return endpoint_name(b_, 80); }

  // The frame's bytes for the capture's link type.
  std::vector<std::uint8_t> frame(const Seg& s) const {
    wire::FrameAddressing addr;
    addr.src_ip = s.from_a ? a_ : b_;
    addr.dst_ip = s.from_a ? b_ : a_;
    wire::TcpRepr t;
    t.src_port = s.from_a ? 40000 : 80;
    t.dst_port = s.from_a ? 80 : 40000;
    t.seq = s.seq;
    t.ack = s.ack;
    t.flags = s.flags;
    t.window = s.win;
    t.options = s.options;
    std::vector<std::uint8_t> payload(s.len, 'x');
    std::vector<std::uint8_t> eth = wire::build_tcp_frame(addr, t, payload);
    std::vector<std::uint8_t> ip(eth.begin() + wire::kEthernetHeaderLen, eth.end());
    std::uint16_t proto = addr.src_ip.is_v4() ? 0x0800 : 0x86dd;
    std::vector<std::uint8_t> head;
    if (linktype_ == linktype::kEthernet) return eth;
    if (linktype_ == linktype::kLinuxSll) {
      head = {0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0};
      head[14] = static_cast<std::uint8_t>(proto >> 8);
      head[15] = static_cast<std::uint8_t>(proto);
    } else if (linktype_ == linktype::kLinuxSll2) {
      head = {0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};
      head[0] = static_cast<std::uint8_t>(proto >> 8);
      head[1] = static_cast<std::uint8_t>(proto);
    }
    head.insert(head.end(), ip.begin(), ip.end());
    return head;
  }

  Capture& send(const Seg& s) {
    raw(frame(s));
    return *this;
  }
  Capture& raw(std::vector<std::uint8_t> bytes) {
    t_ += kMillisecond;
    inspector_.add_frame(CapturedFrame{t_, std::move(bytes)});
    return *this;
  }

  const InspectResult& finish() {
    if (!done_) result_ = inspector_.finish();
    done_ = true;
    return result_;
  }

  // "FROM->TO" for each state change inferred for `endpoint`, in order.
  std::vector<std::string> states(const std::string& endpoint) {
    std::vector<std::string> out;
    for (const TraceEvent& e : finish().events) {
      if (e.type == TraceType::State && e.host == endpoint) {
        out.push_back(*e.get_string("from") + "->" + *e.get_string("to"));
      }
    }
    return out;
  }
  // The anomaly kinds flagged, in order ("retransmission@5" with the frame number).
  std::vector<std::string> anomalies() {
    std::vector<std::string> out;
    for (const TraceEvent& e : finish().events) {
      if (e.type == TraceType::Note && e.get_string("what") == "anomaly") {
        out.push_back(*e.get_string("kind") + "@" + std::to_string(*e.get_int("frame")));
      }
    }
    return out;
  }

  // A three-way handshake: a's ISS 1000, b's ISS 5000; frames 1-3.
  Capture& handshake(wire::TcpOptions a_opts = {}, wire::TcpOptions b_opts = {}) {
    send({true, f::kSyn, 1000, 0, 0, 65535, a_opts});
    send({false, f::kSyn | f::kAck, 5000, 1001, 0, 65535, b_opts});
    return send({true, f::kAck, 1001, 5001});
  }

 private:
  Inspector inspector_;
  int linktype_;
  wire::IpAddress a_;
  wire::IpAddress b_;
  Nanos t_ = 0;
  InspectResult result_;
  bool done_ = false;
};

}  // namespace tcpsim::sim::inspect::testing
