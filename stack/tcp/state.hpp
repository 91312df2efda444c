// The eleven connection states of RFC 9293 §3.3.2.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tcpsim::tcp {

enum class State : std::uint8_t {
  Closed,
  Listen,
  SynSent,
  SynReceived,
  Established,
  FinWait1,
  FinWait2,
  CloseWait,
  Closing,
  LastAck,
  TimeWait,
};

constexpr int kStateCount = 11;

// RFC spelling: "SYN-RECEIVED", "FIN-WAIT-1", ...
std::string_view to_string(State s);
// Accepts the RFC spelling, case-insensitively, with '-' or '_' ("time_wait" works).
std::optional<State> parse_state(std::string_view text);

// RFC 9293 §3.3.2: the states after the handshake completed.
constexpr bool is_synchronized(State s) {
  return s != State::Closed && s != State::Listen && s != State::SynSent && s != State::SynReceived;
}

}  // namespace tcpsim::tcp
