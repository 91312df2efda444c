#include "sim/net/drop_cause.hpp"

namespace tcpsim::sim {

std::string_view to_string(DropCause cause) {
  switch (cause) {
    case DropCause::kQueueFull:
      return "queue-full";
    case DropCause::kLoss:
      return "loss";
    case DropCause::kBurstLoss:
      return "burst-loss";
    case DropCause::kBadChecksum:
      return "bad-checksum";
    case DropCause::kMalformed:
      return "malformed";
    case DropCause::kMtu:
      return "mtu";
    case DropCause::kScripted:
      return "scripted";
    case DropCause::kNoRoute:
      return "no-route";
    case DropCause::kTtlExpired:
      return "ttl-expired";
  }
  return "unknown";
}

}  // namespace tcpsim::sim
