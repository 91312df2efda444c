// Writes a small, hand-built TCP conversation to a pcap and a pcapng file, for the tshark
// script test (tests/shell/tshark_sample_capture.sh) and for readers of docs/captures.md.
//
//   write_sample_capture [--corrupt=tcp-checksum|ip-checksum|malformed] OUT.pcap OUT.pcapng
//
// The conversation, 10.0.0.1:40000 (client) <-> 10.0.0.2:80 (server):
//   1 client SYN      <mss 1460,sackOK,TS,nop,wscale 7>
//   2 server SYN-ACK  <mss 1460,sackOK,TS,nop,wscale 7>
//   3 client ACK      <nop,nop,TS>
//   4 client PSH+ACK  "hello"
//   5 server ACK      acknowledging the 5 bytes (no comment, on purpose)
// In the pcapng file frames 1-4 carry comments naming the RFC 9293 rule that sent them.
// The --corrupt variants damage one frame so that the test can prove its checks catch it:
//   tcp-checksum (also plain --corrupt) flips a byte of frame 3's TCP checksum;
//   ip-checksum flips a byte of frame 2's IPv4 header checksum;
//   malformed makes frame 4's TCP header longer than the frame (checksum kept valid).
#include <fmt/core.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/capture/capture_writer.hpp"
#include "sim/capture/pcap_writer.hpp"
#include "sim/capture/pcapng_writer.hpp"
#include "stack/wire/checksum.hpp"
#include "stack/wire/frame.hpp"

namespace {

using tcpsim::Nanos;
namespace wire = tcpsim::wire;
namespace flag = tcpsim::wire::tcp_flag;

enum class Corruption { None, TcpChecksum, IpChecksum, Malformed };

constexpr Nanos kBase = 1'704'067'200 * tcpsim::kSecond;  // 2024-01-01T00:00:00Z
constexpr std::size_t kEthernetLen = 14;
constexpr std::size_t kIpv4Len = 20;
constexpr std::size_t kIpv4ChecksumAt = 10;
constexpr std::size_t kTcpChecksumAt = 16;
constexpr std::size_t kTcpDataOffsetAt = 12;

struct Segment {
  Nanos at;  // after kBase
  bool from_client;
  std::uint8_t flags;
  std::uint32_t seq;
  std::uint32_t ack;
  std::uint16_t window;
  std::string_view payload;
  std::string_view comment;
};

wire::TcpOptions syn_options(std::uint32_t tsval, std::uint32_t tsecr) {
  // The order Linux uses; 20 bytes, so no padding.
  wire::TcpOptions options;
  options.add_mss(1460);
  options.add_sack_permitted();
  options.add_timestamps(tsval, tsecr);
  options.add_nop();
  options.add_window_scale(7);
  return options;
}

wire::TcpOptions timestamp_options(std::uint32_t tsval, std::uint32_t tsecr) {
  wire::TcpOptions options;
  options.add_nop();
  options.add_nop();
  options.add_timestamps(tsval, tsecr);
  return options;
}

// Damages one frame so that each clause of the test's "is anything wrong" filter can be
// shown to fire on its own.
void corrupt(std::vector<std::uint8_t>& frame, int number, Corruption corruption) {
  std::uint8_t* ip = frame.data() + kEthernetLen;
  std::uint8_t* tcp = ip + kIpv4Len;
  switch (corruption) {
    case Corruption::None:
      break;
    case Corruption::TcpChecksum:
      if (number == 3) tcp[kTcpChecksumAt] ^= 0x5A;
      break;
    case Corruption::IpChecksum:
      if (number == 2) ip[kIpv4ChecksumAt + 1] ^= 0x5A;
      break;
    case Corruption::Malformed:
      if (number == 4) {
        // Data offset 15 (a 60-byte header) in a 37-byte segment: the header runs past the
        // end of the frame. The checksum is patched (RFC 1624) so that the only fault left is
        // the malformed header.
        const std::uint16_t old_word = wire::load_be16(tcp + kTcpDataOffsetAt);
        const auto new_word = static_cast<std::uint16_t>(0xF000 | (old_word & 0x0FFF));
        const std::uint16_t old_checksum = wire::load_be16(tcp + kTcpChecksumAt);
        wire::store_be16(tcp + kTcpDataOffsetAt, new_word);
        wire::store_be16(tcp + kTcpChecksumAt,
                         wire::checksum_update(old_checksum, old_word, new_word));
      }
      break;
  }
}

int fail(std::string_view problem) {
  fmt::print(stderr, "write_sample_capture: {}\n", problem);
  return 1;
}

int usage(std::string_view problem) {
  fmt::print(stderr,
             "write_sample_capture: {}\n"
             "usage: write_sample_capture [--corrupt=tcp-checksum|ip-checksum|malformed] "
             "OUT.pcap OUT.pcapng\n",
             problem);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Corruption corruption = Corruption::None;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--corrupt" || arg == "--corrupt=checksum" || arg == "--corrupt=tcp-checksum") {
      corruption = Corruption::TcpChecksum;
    } else if (arg == "--corrupt=ip-checksum") {
      corruption = Corruption::IpChecksum;
    } else if (arg == "--corrupt=malformed") {
      corruption = Corruption::Malformed;
    } else if (arg.starts_with("-")) {
      return usage(fmt::format("unknown option '{}'", arg));
    } else {
      paths.emplace_back(arg);
    }
  }
  if (paths.size() != 2) return usage(fmt::format("expected 2 file names, got {}", paths.size()));
  auto pcap_format = tcpsim::sim::capture_format_for(paths[0]);
  auto pcapng_format = tcpsim::sim::capture_format_for(paths[1]);
  if (!pcap_format || *pcap_format != tcpsim::sim::CaptureFormat::Pcap) {
    return usage(fmt::format("the first file must end in .pcap, got '{}'", paths[0]));
  }
  if (!pcapng_format || *pcapng_format != tcpsim::sim::CaptureFormat::Pcapng) {
    return usage(fmt::format("the second file must end in .pcapng, got '{}'", paths[1]));
  }

  auto pcap = tcpsim::sim::PcapWriter::open(paths[0]);
  if (!pcap) return fail(pcap.error().message);
  auto pcapng = tcpsim::sim::PcapngWriter::open(paths[1]);
  if (!pcapng) return fail(pcapng.error().message);

  const wire::MacAddress client_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
  const wire::MacAddress server_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
  const wire::IpAddress client_ip(*wire::Ipv4Address::parse("10.0.0.1"));
  const wire::IpAddress server_ip(*wire::Ipv4Address::parse("10.0.0.2"));
  constexpr std::uint16_t kClientPort = 40000;
  constexpr std::uint16_t kServerPort = 80;
  constexpr std::uint32_t kClientIss = 1000;
  constexpr std::uint32_t kServerIss = 5000;

  // Times: 5 ms one way, with odd nanoseconds so that the test sees them survive.
  const Segment segments[] = {
      {0, true, flag::kSyn, kClientIss, 0, 64240, "",
       "client: CLOSED → SYN-SENT (RFC 9293 §3.10.1)"},
      {5'000'321, false, flag::kSyn | flag::kAck, kServerIss, kClientIss + 1, 65160, "",
       "server: LISTEN → SYN-RECEIVED (RFC 9293 §3.10.7.2)"},
      {10'000'642, true, flag::kAck, kClientIss + 1, kServerIss + 1, 502, "",
       "client: SYN-SENT → ESTABLISHED (RFC 9293 §3.10.7.3)"},
      {10'051'007, true, flag::kPsh | flag::kAck, kClientIss + 1, kServerIss + 1, 502, "hello",
       "client: SEND 5 bytes (RFC 9293 §3.10.2)"},
      {15'051'329, false, flag::kAck, kServerIss + 1, kClientIss + 6, 509, "", ""},
  };

  std::uint32_t client_clock = 100;  // TSval clocks (RFC 7323 §5.4), one tick per segment
  std::uint32_t server_clock = 700;
  std::uint32_t last_client_tsval = 0;
  std::uint32_t last_server_tsval = 0;
  std::uint16_t client_ip_id = 1;
  std::uint16_t server_ip_id = 1;
  int number = 0;
  for (const Segment& s : segments) {
    ++number;
    wire::FrameAddressing addressing{s.from_client ? client_mac : server_mac,
                                     s.from_client ? server_mac : client_mac,
                                     s.from_client ? client_ip : server_ip,
                                     s.from_client ? server_ip : client_ip,
                                     64,
                                     s.from_client ? client_ip_id++ : server_ip_id++};
    const std::uint32_t tsval = s.from_client ? client_clock++ : server_clock++;
    const std::uint32_t tsecr = s.from_client ? last_server_tsval : last_client_tsval;
    (s.from_client ? last_client_tsval : last_server_tsval) = tsval;

    wire::TcpRepr tcp;
    tcp.src_port = s.from_client ? kClientPort : kServerPort;
    tcp.dst_port = s.from_client ? kServerPort : kClientPort;
    tcp.seq = s.seq;
    tcp.ack = s.ack;
    tcp.flags = s.flags;
    tcp.window = s.window;
    tcp.options =
        (s.flags & flag::kSyn) != 0 ? syn_options(tsval, tsecr) : timestamp_options(tsval, tsecr);
    const std::span<const std::uint8_t> payload(
        reinterpret_cast<const std::uint8_t*>(s.payload.data()), s.payload.size());
    std::vector<std::uint8_t> frame = wire::build_tcp_frame(addressing, tcp, payload);
    if (frame.empty()) {
      return fail(fmt::format("could not build frame {}", number));
    }

    corrupt(frame, number, corruption);
    (*pcap)->write(kBase + s.at, frame, s.comment);
    (*pcapng)->write(kBase + s.at, frame, s.comment);
  }

  for (tcpsim::sim::CaptureWriter* writer :
       {static_cast<tcpsim::sim::CaptureWriter*>(pcap->get()),
        static_cast<tcpsim::sim::CaptureWriter*>(pcapng->get())}) {
    writer->flush();
    if (!writer->error().empty()) return fail(writer->error());
  }
  return 0;
}
