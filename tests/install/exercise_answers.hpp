// Graded exercise "closing a connection" (docs/coursework.md, section 4): the student's
// answers. For each event, the segment the connection sends in the compact notation ("" for
// nothing) and the state it is in afterwards. These are model answers; graded_exercise.cpp
// checks them against the library.
#pragma once

#include <tcpsim/stack/tcp/state.hpp>

namespace answers {

struct Answer {
  const char* sent;
  tcpsim::tcp::State state;
};

using S = tcpsim::tcp::State;

// 1. ESTABLISHED, the application calls close().
constexpr Answer kCloseInEstablished{"F. 1:1(0) ack 1", S::FinWait1};
// 2. FIN-WAIT-1, the peer acknowledges our FIN: < . 1:1(0) ack 2
constexpr Answer kAckOfFinInFinWait1{"", S::FinWait2};
// 3. FIN-WAIT-2, the peer sends its FIN: < F. 1:1(0) ack 2
constexpr Answer kFinInFinWait2{". 2:2(0) ack 2", S::TimeWait};
// 4. FIN-WAIT-1, the peer's FIN crosses ours: < F. 1:1(0) ack 1
constexpr Answer kFinInFinWait1{". 2:2(0) ack 2", S::Closing};
// 5. CLOSE-WAIT, the application calls close().
constexpr Answer kCloseInCloseWait{"F. 1:1(0) ack 2", S::LastAck};
// 6. LAST-ACK, the peer acknowledges our FIN: < . 2:2(0) ack 2
constexpr Answer kAckOfFinInLastAck{"", S::Closed};

}  // namespace answers
