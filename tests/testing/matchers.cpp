// Matchers that explain a mismatch in the RFC's words.
#include "tcpsim/testing/matchers.hpp"

namespace tcpsim::testing {

bool StateMatcher::MatchAndExplain(tcp::State s, ::testing::MatchResultListener* l) const {
  *l << "which is in " << tcp::to_string(s);
  return s == want_;
}

void StateMatcher::DescribeTo(std::ostream* os) const {
  *os << "is in " << tcp::to_string(want_);
}

void StateMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "is not in " << tcp::to_string(want_);
}

bool DropMatcher::MatchAndExplain(const TestConnection& c,
                                  ::testing::MatchResultListener* l) const {
  std::optional<tcp::DropReason> last = c.last_drop();
  if (!last) {
    *l << "which has dropped no segment";
    return false;
  }
  *l << "whose last drop was for " << tcp::to_string(*last);
  return *last == want_;
}

void DropMatcher::DescribeTo(std::ostream* os) const {
  *os << "dropped its last segment for " << tcp::to_string(want_);
}

void DropMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "did not drop its last segment for " << tcp::to_string(want_);
}

bool ErrorMatcher::MatchAndExplain(const tcp::Connection& c,
                                   ::testing::MatchResultListener* l) const {
  *l << "whose error is " << tcp::errno_name(c.error());
  return c.error() == want_;
}

void ErrorMatcher::DescribeTo(std::ostream* os) const {
  *os << "has error " << tcp::errno_name(want_);
}

void ErrorMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "does not have error " << tcp::errno_name(want_);
}

}  // namespace tcpsim::testing
