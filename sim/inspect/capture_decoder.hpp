// From a captured frame to a TCP segment: the link layers that tcpdump and Wireshark write
// (Ethernet, raw IP, Linux cooked v1 and v2, BSD loopback), then IPv4 or IPv6 and TCP
// through stack/wire. Checksums are not verified: a capture taken on a sending host often
// holds frames whose checksum the network card fills in later.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "stack/base/time.hpp"
#include "stack/wire/frame.hpp"

namespace tcpsim::sim::inspect {

// The LINKTYPE_ values read (tcpdump.org/linktypes.html).
namespace linktype {
constexpr int kNull = 0;         // BSD loopback: a 4-byte address family in host order
constexpr int kEthernet = 1;     // Ethernet II, with 802.1Q / 802.1ad tags skipped
constexpr int kRawBsd = 12;      // DLT_RAW as BSD numbers it: a bare IP packet
constexpr int kRaw = 101;        // LINKTYPE_RAW: a bare IP packet
constexpr int kLinuxSll = 113;   // Linux cooked capture v1 (`tcpdump -i any`, older)
constexpr int kIpv4 = 228;       // a bare IPv4 packet
constexpr int kIpv6 = 229;       // a bare IPv6 packet
constexpr int kLinuxSll2 = 276;  // Linux cooked capture v2 (`tcpdump -i any`, libpcap >= 1.10)
}  // namespace linktype

bool supported_linktype(int linktype);
// "Ethernet (1), raw IP (12, 101, 228, 229), Linux cooked (113, 276), BSD loopback (0)".
std::string supported_linktypes();

// One TCP segment as seen in the capture.
struct DecodedSegment {
  std::uint64_t frame = 0;  // 1-based frame number in the file (all frames count)
  Nanos time = 0;           // since the capture's first frame
  wire::IpAddress src;
  wire::IpAddress dst;
  wire::TcpRepr tcp;
  std::uint32_t len = 0;  // payload bytes

  bool has(std::uint8_t flag) const { return tcp.has(flag); }
  // Sequence space the segment occupies: payload, plus one each for SYN and FIN.
  std::uint32_t seq_space() const;
};

enum class FrameKind : std::uint8_t { Tcp, NotTcp, Malformed };

struct DecodedFrame {
  FrameKind kind = FrameKind::NotTcp;
  DecodedSegment segment;  // when Tcp
  std::string what;        // NotTcp: what it carries ("ARP", "UDP"); Malformed: the error
};

// Decodes one frame of a capture whose link type is `linktype` (one of the above).
DecodedFrame decode_frame(int linktype, std::span<const std::uint8_t> bytes);

}  // namespace tcpsim::sim::inspect
