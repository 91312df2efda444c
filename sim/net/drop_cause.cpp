#include "sim/net/drop_cause.hpp"

#include "stack/base/enum_names.hpp"

namespace tcpsim::sim {

constexpr EnumNames<DropCause, 9> kDropCauseNames{{{
    {DropCause::QueueFull, "queue-full"},
    {DropCause::Loss, "loss"},
    {DropCause::BurstLoss, "burst-loss"},
    {DropCause::BadChecksum, "bad-checksum"},
    {DropCause::Malformed, "malformed"},
    {DropCause::Mtu, "mtu"},
    {DropCause::Scripted, "scripted"},
    {DropCause::NoRoute, "no-route"},
    {DropCause::TtlExpired, "ttl-expired"},
}}};

std::string_view to_string(DropCause cause) {
  return kDropCauseNames.name(cause, "unknown");
}

}  // namespace tcpsim::sim
