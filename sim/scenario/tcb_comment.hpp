// The sender's TCB as a capture comment, one line of key=value pairs that the Wireshark
// plugin tools/wireshark/tcpsim.lua turns into fields (docs/captures.md):
//
//   tcpsim: host=client state=ESTABLISHED cwnd=14480 ssthresh=2147483647 pipe=2896
//           in_flight=2896 srtt_us=10118 rto_us=200000 snd_una=… snd_nxt=… rwnd=65535
//
// (one line in the file). Keys come in this fixed order; values are decimal integers
// except host and state. Times are microseconds, cut toward zero; sequence numbers are raw.
#pragma once

#include <string>
#include <string_view>

#include "stack/tcp/connection.hpp"

namespace tcpsim::sim {

// Every TCB comment starts with this.
inline constexpr std::string_view kTcbCommentPrefix = "tcpsim: ";

// `host` is written with spaces and '=' replaced by '_', so the line always splits on spaces.
std::string tcb_comment(std::string_view host, const tcp::TcbInfo& tcb);

}  // namespace tcpsim::sim
