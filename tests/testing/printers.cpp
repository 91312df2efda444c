// Printers for GoogleTest: the RFC's names and the compact segment notation.
#include "tcpsim/testing/printers.hpp"

#include "tcpsim/testing/notation.hpp"

namespace tcpsim::tcp {

void PrintTo(State s, std::ostream* os) {
  *os << to_string(s);
}

void PrintTo(Errno e, std::ostream* os) {
  *os << errno_name(e);
  if (e != Errno::Ok) *os << " (" << errno_text(e) << ")";
}

void PrintTo(DropReason r, std::ostream* os) {
  *os << to_string(r);
}

void PrintTo(const Segment& s, std::ostream* os) {
  *os << testing::format_segment(s);
}

}  // namespace tcpsim::tcp

namespace tcpsim::wire {

void PrintTo(const TcpRepr& r, std::ostream* os) {
  tcp::Segment s;
  s.header = r;
  *os << r.src_port << " > " << r.dst_port << ' ' << testing::format_segment(s);
}

void PrintTo(const TcpView& v, std::ostream* os) {
  if (v.check()) {
    *os << "(malformed TCP header, " << v.segment().size() << " bytes)";
    return;
  }
  std::span<const std::uint8_t> payload;
  auto parsed = TcpRepr::parse(v.segment(), std::nullopt, &payload);
  if (!parsed.ok()) {
    *os << "(TCP header with bad options: " << parsed.error().message() << ")";
    return;
  }
  tcp::Segment s;
  s.header = *parsed;
  s.payload.assign(payload.begin(), payload.end());
  *os << s.header.src_port << " > " << s.header.dst_port << ' ' << testing::format_segment(s);
}

void PrintTo(const TcpOptions& o, std::ostream* os) {
  *os << '<' << o.to_string() << '>';
}

void PrintTo(const SackBlock& b, std::ostream* os) {
  *os << b.left << ':' << b.right;
}

void PrintTo(const TcpTimestamps& t, std::ostream* os) {
  *os << "TS val " << t.tsval << " ecr " << t.tsecr;
}

}  // namespace tcpsim::wire
