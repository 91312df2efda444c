// The compact segment notation of tcpdump and packetdrill, with relative sequence numbers:
//
//   S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>
//   P. 1:6(5) ack 1
//   R 7:7(0)
//
// optionally the IP header's ECN field first, as packetdrill writes it ([noecn], [ect0],
// [ect1], [ce]; left out, an input segment is Not-ECT and an expectation does not check it),
// then flags (S F R P U E W, '.' for ACK, '-' for none), then start:end(len) counted from the
// sender's initial sequence number, then optional `ack N` (counted from the receiver's ISN),
// `win N` and an option list in angle brackets; SACK blocks in it count from the receiver's
// ISN too, timestamps are absolute. In an expectation a field left out is not checked, and
// `<...>` accepts any options.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "stack/tcp/segment.hpp"
#include "stack/wire/tcp_options.hpp"

namespace tcpsim::testing {

// A malformed segment text: names the text and what is wrong with it.
class NotationError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct SegmentSpec {
  std::uint8_t flags = 0;
  std::uint32_t start = 0;
  std::uint32_t len = 0;
  std::optional<std::uint32_t> ack;
  std::optional<std::uint32_t> win;
  std::optional<std::string> options;  // between the brackets; "..." matches any
  std::optional<std::uint8_t> ecn;     // the IP ECN field (RFC 3168 §5), when written
  std::string text;                    // as written
};

// How sequence numbers are made relative: the sender's and the receiver's ISNs. With both
// zero the numbers are absolute.
struct Numbering {
  std::uint32_t sender_isn = 0;
  std::uint32_t receiver_isn = 0;
};

// Throws NotationError on a syntax error.
SegmentSpec parse_segment(std::string_view text);
// The option list in the notation's words ("mss 1460,sackOK"), SACK edges counted from
// sack_base. Throws NotationError on an unknown option.
wire::TcpOptions parse_options(std::string_view text, std::uint32_t sack_base);
std::string format_options(const wire::TcpOptions& options, std::uint32_t sack_base);

// A segment in the notation; every field is shown.
std::string format_segment(const tcp::Segment& s, Numbering n = {});
std::string format_flags(std::uint8_t flags);

// Builds the segment a spec describes (window 65535 when left out; payload bytes 'a', 'b',
// ... by offset from the sender's ISN).
tcp::Segment make_segment(const SegmentSpec& spec, Numbering n);

// Empty when `actual` matches `want`; otherwise both segments and a table of the fields
// that differ:
//
//   expected: . 1:1(0) ack 2
//     actual: . 1:1(0) ack 1 win 65535
//      field  expected  actual
//        ack  2         1
std::string segment_diff(const SegmentSpec& want, const tcp::Segment& actual, Numbering n);

}  // namespace tcpsim::testing
