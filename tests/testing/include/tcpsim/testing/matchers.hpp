// gmock matchers for connections:
//
//   EXPECT_THAT(tcb, IsInState(State::TimeWait));           // a TestConnection,
//   EXPECT_THAT(*tcb.conn, IsInState(State::TimeWait));     // a tcp::Connection or a State
//   EXPECT_THAT(tcb, DroppedBecause(DropReason::Paws));     // the last segment dropped
//   EXPECT_THAT(tcb, HasError(Errno::ConnRefused));
#pragma once

#include <gmock/gmock.h>

#include <ostream>

#include <tcpsim/testing/printers.hpp>
#include <tcpsim/testing/test_connection.hpp>
#include "stack/tcp/connection.hpp"

namespace tcpsim::testing {

class StateMatcher {
 public:
  explicit StateMatcher(tcp::State want) : want_(want) {}
  bool MatchAndExplain(tcp::State s, ::testing::MatchResultListener* l) const;
  bool MatchAndExplain(const tcp::Connection& c, ::testing::MatchResultListener* l) const {
    return MatchAndExplain(c.state(), l);
  }
  bool MatchAndExplain(const TestConnection& c, ::testing::MatchResultListener* l) const {
    return MatchAndExplain(c.state(), l);
  }
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  tcp::State want_;
};

class DropMatcher {
 public:
  explicit DropMatcher(tcp::DropReason want) : want_(want) {}
  bool MatchAndExplain(const TestConnection& c, ::testing::MatchResultListener* l) const;
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  tcp::DropReason want_;
};

class ErrorMatcher {
 public:
  explicit ErrorMatcher(tcp::Errno want) : want_(want) {}
  bool MatchAndExplain(const tcp::Connection& c, ::testing::MatchResultListener* l) const;
  bool MatchAndExplain(const TestConnection& c, ::testing::MatchResultListener* l) const {
    return MatchAndExplain(*c.conn, l);
  }
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  tcp::Errno want_;
};

// The connection (or the State itself) is in `s`.
inline ::testing::PolymorphicMatcher<StateMatcher> IsInState(tcp::State s) {
  return ::testing::MakePolymorphicMatcher(StateMatcher(s));
}
// The most recent segment the connection dropped was dropped for `r`.
inline ::testing::PolymorphicMatcher<DropMatcher> DroppedBecause(tcp::DropReason r) {
  return ::testing::MakePolymorphicMatcher(DropMatcher(r));
}
// The connection's error() is `e`.
inline ::testing::PolymorphicMatcher<ErrorMatcher> HasError(tcp::Errno e) {
  return ::testing::MakePolymorphicMatcher(ErrorMatcher(e));
}

}  // namespace tcpsim::testing
