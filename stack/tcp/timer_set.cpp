#include "stack/tcp/timer_set.hpp"

namespace tcpsim::tcp {

std::string_view to_string(TimerKind k) {
  switch (k) {
    case TimerKind::Retransmission:
      return "retransmission";
    case TimerKind::Persist:
      return "persist";
    case TimerKind::DelayedAck:
      return "delayed-ack";
    case TimerKind::TimeWait:
      return "time-wait";
    case TimerKind::Keepalive:
      return "keepalive";
  }
  return "?";
}

std::string_view to_string(TimerAction a) {
  switch (a) {
    case TimerAction::Set:
      return "set";
    case TimerAction::Cancelled:
      return "cancelled";
    case TimerAction::Fired:
      return "fired";
  }
  return "?";
}

}  // namespace tcpsim::tcp
