// The simulator's error: each kind has its own name, and an error prints as kind and line.
#include "sim/core/error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

namespace tcpsim::sim {
namespace {

TEST(SimErrc, EveryKindHasADistinctName) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(Errc::System); ++i) {
    std::string_view name = to_string(static_cast<Errc>(i));
    EXPECT_NE(name, "?") << i;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
}

TEST(SimError, PrintsKindThenMessage) {
  std::ostringstream os;
  os << Error{Errc::UnknownKey, "f.toml:3:1: bogus: unknown key in [[link]]", "f.toml:3:1"};
  EXPECT_EQ(os.str(), "unknown key: f.toml:3:1: bogus: unknown key in [[link]]");
}

TEST(SimError, FailWithBuildsTheError) {
  Result<int, Error> r = fail_with(Errc::Io, "cannot open 'x'", "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), (Error{Errc::Io, "cannot open 'x'", "x"}));
}

}  // namespace
}  // namespace tcpsim::sim
