#include "stack/tcp/state.hpp"

#include <array>
#include <cctype>
#include <string>

namespace tcpsim::tcp {
namespace {
constexpr std::array<std::string_view, kStateCount> kNames = {
    "CLOSED",     "LISTEN",     "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
    "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING",  "LAST-ACK",     "TIME-WAIT"};
}  // namespace

std::string_view to_string(State s) {
  return kNames[static_cast<std::size_t>(s)];
}

std::optional<State> parse_state(std::string_view text) {
  std::string norm;
  for (char c : text) {
    norm += c == '_' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (norm == "SYN-RCVD") norm = "SYN-RECEIVED";
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == norm) return static_cast<State>(i);
  }
  return std::nullopt;
}

}  // namespace tcpsim::tcp
