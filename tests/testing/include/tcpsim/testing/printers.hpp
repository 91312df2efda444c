// GoogleTest printers for tcpsim's values, so that a failed assertion reads
// `SYN-SENT`, `ECONNREFUSED` or `S. 1000:1000(0) ack 5000001 win 65535 <mss 1460>` rather
// than a dump of bytes. GoogleTest finds them by argument-dependent lookup: include this
// header in every test file that compares these types. Segments print with absolute
// sequence numbers (a value alone does not know the ISNs); TestConnection's messages use
// relative ones.
#pragma once

#include <ostream>

#include "stack/tcp/errors.hpp"
#include "stack/tcp/segment.hpp"
#include "stack/tcp/state.hpp"
#include "stack/wire/tcp.hpp"
#include "stack/wire/tcp_options.hpp"

namespace tcpsim::tcp {
void PrintTo(State s, std::ostream* os);
void PrintTo(Errno e, std::ostream* os);
void PrintTo(DropReason r, std::ostream* os);
void PrintTo(const Segment& s, std::ostream* os);
}  // namespace tcpsim::tcp

namespace tcpsim::wire {
void PrintTo(const TcpRepr& r, std::ostream* os);
void PrintTo(const TcpView& v, std::ostream* os);
void PrintTo(const TcpOptions& o, std::ostream* os);
void PrintTo(const SackBlock& b, std::ostream* os);
void PrintTo(const TcpTimestamps& t, std::ostream* os);
}  // namespace tcpsim::wire
