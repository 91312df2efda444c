// SCENARIO as `tcpsim run` and `tcpsim sweep` take it: a built-in name, or a path to a
// .toml file (a name wins over a file of the same name).
#pragma once

#include <string>
#include <utility>

#include "sim/core/error.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::cli {

// The scenario's text and the name messages give it ("docs/scenarios/bulk.toml", or the
// path). Error: neither a built-in name nor a readable file, naming the built-ins.
Result<std::pair<std::string, std::string>, sim::Error> scenario_text(const std::string& arg);

}  // namespace tcpsim::cli
