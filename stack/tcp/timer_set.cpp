#include "stack/tcp/timer_set.hpp"

#include "stack/base/enum_names.hpp"

namespace tcpsim::tcp {

constexpr EnumNames<TimerKind, 9> kTimerKindNames{{{
    {TimerKind::Retransmission, "retransmission"},
    {TimerKind::Persist, "persist"},
    {TimerKind::DelayedAck, "delayed-ack"},
    {TimerKind::TimeWait, "time-wait"},
    {TimerKind::Keepalive, "keepalive"},
    {TimerKind::LossProbe, "loss-probe"},
    {TimerKind::Reorder, "reorder"},
    {TimerKind::CompressedAck, "compressed-ack"},
    {TimerKind::FinWait2, "fin-wait-2"},
}}};

std::string_view to_string(TimerKind k) {
  return kTimerKindNames.name(k);
}

constexpr EnumNames<TimerAction, 3> kTimerActionNames{{{
    {TimerAction::Set, "set"},
    {TimerAction::Cancelled, "cancelled"},
    {TimerAction::Fired, "fired"},
}}};

std::string_view to_string(TimerAction a) {
  return kTimerActionNames.name(a);
}

}  // namespace tcpsim::tcp
