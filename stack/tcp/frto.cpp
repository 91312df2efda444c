#include "stack/tcp/frto.hpp"

namespace tcpsim::tcp {

Frto::Step Frto::on_ack(const Ack& a) {
  if (state_ == State::Off) return Step::None;
  // Step 3b, checked first at any step (tcp_try_undo_loss with frto_undo): data that was
  // never resent arrived, so the timeout's retransmission was not needed.
  if (a.original_delivered) {
    stop();
    return Step::Spurious;
  }
  if (state_ == State::SentNew) {
    // Step 3a: the new data drew a duplicate ACK or a SACK: the loss was real. Any other
    // ACK also goes back to resending what is lost (tcp_process_loss: REXMIT_LOST).
    if (!a.una_advanced && !a.duplicate && !a.sacked) return Step::None;
    state_ = State::Off;
    return a.recovered ? Step::None : Step::Real;
  }
  // Step 2: the first ACK that moves SND.UNA without ending the repair.
  if (!a.una_advanced || a.recovered) return Step::None;
  if (a.may_send_new) {
    state_ = State::SentNew;
    went_new_ = true;
    return Step::SendNew;
  }
  state_ = State::Off;  // nothing new to send: the conventional repair
  return Step::None;
}

}  // namespace tcpsim::tcp
