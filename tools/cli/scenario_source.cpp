#include "scenario_source.hpp"

#include <fmt/core.h>

#include <fstream>
#include <sstream>

#include "sim/scenario/loader.hpp"

namespace tcpsim::cli {

Result<std::pair<std::string, std::string>, sim::Error> scenario_text(const std::string& arg) {
  if (const sim::BuiltinScenario* b = sim::find_builtin(arg)) {
    return std::make_pair(std::string(b->text), std::string(b->file));
  }
  std::ifstream in(arg);
  if (!in) {
    std::string names;
    for (const auto& b : sim::builtin_scenarios())
      names += (names.empty() ? "" : ", ") + std::string(b.name);
    return sim::fail_with(
        sim::Errc::UnknownName,
        fmt::format("unknown scenario '{}': not a built-in name ({}) nor a readable file", arg,
                    names),
        arg);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return std::make_pair(ss.str(), arg);
}

}  // namespace tcpsim::cli
