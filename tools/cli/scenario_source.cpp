#include "scenario_source.hpp"

#include <fmt/core.h>

#include "sim/core/input_file.hpp"
#include "sim/scenario/loader.hpp"

namespace tcpsim::cli {

Result<std::pair<std::string, std::string>, sim::Error> scenario_text(const std::string& arg) {
  if (const sim::BuiltinScenario* b = sim::find_builtin(arg)) {
    return std::make_pair(std::string(b->text), std::string(b->file));
  }
  auto text = sim::read_input_file(arg, sim::kScenarioInput);
  if (!text.ok() && text.error().code == sim::Errc::Io) {
    std::string names;
    for (const auto& b : sim::builtin_scenarios())
      names += (names.empty() ? "" : ", ") + std::string(b.name);
    return sim::fail_with(
        sim::Errc::UnknownName,
        fmt::format("unknown scenario '{}': not a built-in name ({}) nor a readable file", arg,
                    names),
        arg);
  }
  // A file that is there but is no regular file, or too large, says so.
  if (!text.ok()) return fail(text.error());
  return std::make_pair(std::move(text).value(), arg);
}

}  // namespace tcpsim::cli
