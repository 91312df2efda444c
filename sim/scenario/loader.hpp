// Reads a scenario from TOML text, applying `--set KEY=VALUE` overrides first. Every
// error names the file, the line and column, the key, and what is allowed.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/scenario/scenario.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::sim {

struct Override {
  std::string key;    // "bytes", "link.loss", "tcp.cc", "host.client.profile", "seed"
  std::string value;  // as typed
};

// Parses "KEY=VALUE"; an error names what is wrong.
Result<Override, Error> parse_override(std::string_view text);

// `source` names the text in messages ("docs/scenarios/handshake.toml").
Result<Scenario, Error> load_scenario(std::string_view toml_text, const std::string& source,
                                      const std::vector<Override>& overrides = {});

// Built-in scenarios: the files of docs/scenarios/, compiled in.
struct BuiltinScenario {
  std::string_view name;
  std::string_view file;  // "docs/scenarios/handshake.toml"
  std::string_view text;
};
const std::vector<BuiltinScenario>& builtin_scenarios();
const BuiltinScenario* find_builtin(std::string_view name);

}  // namespace tcpsim::sim
