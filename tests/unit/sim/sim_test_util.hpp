// Small nodes, segments and a capture writer for the simulator's own tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/capture/capture_writer.hpp"
#include "sim/core/simulator.hpp"
#include "sim/net/interface.hpp"
#include "sim/net/network.hpp"
#include "sim/net/node.hpp"
#include "sim/net/packet.hpp"
#include "stack/wire/address.hpp"
#include "stack/wire/tcp.hpp"

namespace tcpsim::sim::test {

inline wire::IpAddress ip(std::string_view text) {
  return *wire::IpAddress::parse(text);
}

// A segment whose IP datagram is exactly `ip_bytes` long (20 IP + 20 TCP + payload) when
// ip_bytes >= 40, with the given flags.
inline tcp::IpSegment segment(std::string_view src, std::string_view dst, std::uint8_t flags,
                              std::uint32_t seq = 0, std::size_t payload = 0) {
  tcp::IpSegment s;
  s.src = ip(src);
  s.dst = ip(dst);
  s.segment.header.src_port = 40000;
  s.segment.header.dst_port = 80;
  s.segment.header.seq = seq;
  s.segment.header.flags = flags;
  s.segment.header.window = 65535;
  s.segment.payload.assign(payload, static_cast<std::uint8_t>(seq & 0xff));
  return s;
}

// A data segment whose frame is exactly `wire_bytes` long (IPv4, no options).
inline tcp::IpSegment frame_of_size(std::string_view src, std::string_view dst,
                                    std::size_t wire_bytes, std::uint32_t seq = 0) {
  return segment(src, dst, wire::tcp_flag::kAck, seq, wire_bytes - 54);
}

struct Received {
  Nanos time;
  std::uint64_t id;
  std::uint32_t seq;
  std::uint8_t flags;
  std::size_t payload;
  std::uint16_t hops;
  std::uint8_t tos;  // as it arrived (an ECN-marking queue may have set CE)
};

// Records what arrives; sends on its first interface.
class Endpoint : public Node {
 public:
  explicit Endpoint(std::string name) : Node(std::move(name)) {}

  void receive(Nanos now, Packet&& p, Interface& /*in*/) override {
    received.push_back({now, p.id, p.tcp().seq, p.tcp().flags, p.payload_size(), p.hops, p.ip.tos});
  }

  std::uint64_t send(tcp::IpSegment s) {
    Packet p = environment().packet_ids.make(std::move(s));
    std::uint64_t id = p.id;
    interface(0).send(environment().simulator.now(), std::move(p));
    return id;
  }

  std::vector<Received> received;
};

struct CapturedFrame {
  Nanos time;
  std::vector<std::uint8_t> bytes;
  std::string comment;
};

class MemoryCapture final : public CaptureWriter {
 public:
  void write(Nanos time_ns, std::span<const std::uint8_t> frame,
             std::string_view comment = {}) override {
    frames.push_back({time_ns, {frame.begin(), frame.end()}, std::string(comment)});
  }
  void flush() override {}
  std::string_view format() const override { return "memory"; }

  // All frames, stamped, as one byte string (for byte-identity checks).
  std::string serialized() const {
    std::string out;
    for (const CapturedFrame& f : frames) {
      out += std::to_string(f.time) + ":" + f.comment + ":";
      out.append(f.bytes.begin(), f.bytes.end());
      out += '\n';
    }
    return out;
  }

  std::vector<CapturedFrame> frames;
};

// Two endpoints joined by one link: A (10.0.0.1) and B (10.0.0.2).
struct Pair {
  explicit Pair(const LinkParams& params, std::uint64_t seed = 1) : net(sim, seed) {
    a = &net.add_node<Endpoint>("A");
    b = &net.add_node<Endpoint>("B");
    link = &net.connect(*a, *b, params);
  }
  LinkDirection& ab() { return a->interface(0).egress(); }
  LinkDirection& ba() { return b->interface(0).egress(); }

  Simulator sim;
  Network net;
  Endpoint* a = nullptr;
  Endpoint* b = nullptr;
  Link* link = nullptr;
};

}  // namespace tcpsim::sim::test
