// Shared by the scenario tests: a scenario text made into a run, with any load or build
// error reported as a test failure.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"

namespace tcpsim::sim::testing {

// The run, or nullptr (with a failure recorded) when the text does not load or build.
inline std::unique_ptr<ScenarioRun> build(std::string_view text,
                                          const std::vector<Override>& o = {}) {
  auto s = load_scenario(text, "test.toml", o);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (!s.ok()) return nullptr;
  auto r = ScenarioRun::build(*s);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return nullptr;
  return std::move(r.value());
}

// The text of the built-in scenario `name` (a failure is recorded when there is none).
inline std::string_view builtin_text(std::string_view name) {
  for (const auto& b : builtin_scenarios()) {
    if (b.name == name) return b.text;
  }
  ADD_FAILURE() << "no built-in scenario " << name;
  return {};
}

// A test name for a parameter that indexes builtin_scenarios(): "syn_loss".
inline std::string builtin_param_name(const ::testing::TestParamInfo<std::size_t>& i) {
  std::string n(builtin_scenarios()[i.param].name);
  for (char& c : n) {
    if (c == '-') c = '_';
  }
  return n;
}

}  // namespace tcpsim::sim::testing
