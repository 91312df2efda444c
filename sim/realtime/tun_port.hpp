// The simulated network's door to a real one: a node whose far side is an IP device of
// the host operating system (a TUN device, driven by tools/bridge).
//
// Packets the simulated network delivers to the port are serialized by stack/wire and
// handed to a PacketSink as bare IP packets (no link-layer header, as a TUN device in
// IFF_NO_PI mode reads and writes them). Packets from the device come in through
// inject(): each is parsed by stack/wire with checksum verification and, when it is a
// well-formed TCP segment for one of the simulated host's addresses, sent into the link
// like any other packet, so the link's delay, rate, queue and faults apply to it. Anything
// else is counted under a reason and dropped; a bad packet never gets further.
//
// The port owns no clock and does no I/O itself: the caller passes the simulator's current
// time with each packet it injects and supplies the sink.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/net/node.hpp"
#include "stack/wire/address.hpp"
#include "stack/wire/error.hpp"

namespace tcpsim::sim {

// Where a TunPort writes the packets leaving the simulated network.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // One IP packet (IPv4 or IPv6 header first). False when it could not be written.
  virtual bool write_packet(std::span<const std::uint8_t> ip_packet) = 0;
};

// Why a packet from the device did not enter the simulated network.
enum class IntakeDrop : std::uint8_t {
  NotTcp,           // ICMP, UDP, ICMPv6 neighbour/router discovery: only TCP is modelled
  ExtensionHeader,  // IPv6 with an extension header (MLD reports carry hop-by-hop options)
  Fragment,         // an IPv4 fragment
  BadChecksum,      // the IPv4 header or TCP checksum does not verify
  Malformed,        // any other rule of stack/wire broken (lengths, options, version)
  NotForHost,       // a TCP segment addressed to none of the simulated host's addresses
  LinkDown,         // the port is not connected to a link yet
};
inline constexpr std::size_t kIntakeDropCount = 7;

// "not-tcp", "ipv6-extension-header", "fragment", "bad-checksum", "malformed",
// "not-for-host", "link-down".
std::string_view to_string(IntakeDrop reason);
// The reason a stack/wire parse error is counted under.
IntakeDrop classify(const wire::ParseError& error);

struct TunPortStats {
  std::uint64_t packets_in = 0;   // read from the device and sent into the link
  std::uint64_t bytes_in = 0;     // IP bytes of those
  std::uint64_t packets_out = 0;  // delivered by the link and written to the device
  std::uint64_t bytes_out = 0;
  std::uint64_t write_failures = 0;  // the sink refused a packet
  std::array<std::uint64_t, kIntakeDropCount> dropped{};

  std::uint64_t dropped_total() const;
};

// What became of one injected packet.
struct IntakeResult {
  std::optional<IntakeDrop> dropped;      // empty: the packet entered the link
  std::optional<wire::ParseError> error;  // the parse error, for parse drops
  std::string describe() const;           // "entered" or "malformed: tcp.data_offset: ..."
};

class TunPort final : public Node {
 public:
  // `accept` lists the addresses packets from the device may be addressed to (the
  // simulated host's); `sink` must outlive the port.
  TunPort(std::string name, std::vector<wire::IpAddress> accept, PacketSink& sink);

  // A packet read from the device at `now`, the simulator's current time.
  IntakeResult inject(Nanos now, std::span<const std::uint8_t> ip_packet);

  // A packet the link delivered: serialized and written to the sink.
  void receive(Nanos now, Packet&& packet, Interface& in) override;

  const TunPortStats& stats() const { return stats_; }

 private:
  IntakeResult drop(Nanos now, IntakeDrop reason, std::optional<wire::ParseError> error,
                    std::span<const std::uint8_t> packet);

  std::vector<wire::IpAddress> accept_;
  PacketSink* sink_;
  TunPortStats stats_;
  std::vector<std::uint8_t> buffer_;
};

}  // namespace tcpsim::sim
