// libFuzzer target for the script lexer, parser and runner.
//
// Invariants: parsing never crashes and an error always has a message and a line inside
// the text; a script that parses runs to a verdict (pass, fail or invalid) without
// crashing or hanging, and a failure names a line of the script.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "sim/script/runner.hpp"
#include "sim/script/script.hpp"

#define SCRIPT_FUZZ_CHECK(cond)                                                         \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // long scripts add nothing but time
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  auto parsed = tcpsim::sim::script::parse_script(text);
  if (!parsed.ok()) {
    SCRIPT_FUZZ_CHECK(!parsed.error().message.empty());
    SCRIPT_FUZZ_CHECK(parsed.error().line >= 1 && parsed.error().line <= lines);
    return 0;
  }
  tcpsim::sim::script::ScriptResult r = tcpsim::sim::script::run_script(parsed.value());
  if (!r.passed()) {
    SCRIPT_FUZZ_CHECK(!r.message.empty());
    SCRIPT_FUZZ_CHECK(r.line >= 0 && r.line <= lines);
  }
  return 0;
}
