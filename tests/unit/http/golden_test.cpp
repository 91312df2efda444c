// Golden tests: each file of tests/unit/http/golden/ is a raw message and the event log the
// parser must produce for it, fed whole, one byte at a time and in random splits.
//
// File format:
//   # comment                      (only before the message)
//   @kind request|response         (default: from the file name's first word)
//   @expect METHOD                 (response parsers: expect_response_to(METHOD))
//   @lenient NAME                  (allow_bare_lf, allow_obs_fold, allow_missing_host,
//                                   allow_data_after_close)
//   @limit NAME VALUE              (max_start_line, max_header_bytes, max_headers,
//                                   max_chunk_line, max_body)
//   @finish                        (call finish() after the last byte)
//   the message, one or more lines; line breaks in the file are not part of it, escapes
//   are: \r \n \t \\ \xHH
//   --- events
//   the expected log, one event per line, ending in the outcome line
//
// TCPSIM_UPDATE_GOLDEN=1 in the environment rewrites the expected logs from the parser's
// output (review the diff before keeping it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "stack/http/event_log.hpp"
#include "stack/http/parser.hpp"

namespace tcpsim::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSeparator = "--- events";

fs::path golden_dir() {
  return fs::path(TCPSIM_SOURCE_DIR) / "tests/unit/http/golden";
}

struct Golden {
  Kind kind = Kind::Request;
  Limits limits;
  Leniency leniency;
  std::vector<std::string> expect_methods;
  bool finish = false;
  std::string input;
  std::vector<std::string> expected;
  std::string preamble;  // the file up to and including the separator, for rewriting
  std::string problem;   // set when the file is malformed
};

// Decodes the escapes of one input line; returns false on a malformed escape.
bool unescape_into(std::string_view line, std::string& out) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\\') {
      out += line[i];
      continue;
    }
    if (++i == line.size()) return false;
    switch (line[i]) {
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '\\':
        out += '\\';
        break;
      case 'x': {
        if (i + 2 >= line.size()) return false;
        const std::string hex(line.substr(i + 1, 2));
        if (!std::isxdigit(static_cast<unsigned char>(hex[0])) ||
            !std::isxdigit(static_cast<unsigned char>(hex[1]))) {
          return false;
        }
        out += static_cast<char>(std::stoi(hex, nullptr, 16));
        i += 2;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

bool set_limit(Limits& l, const std::string& name, std::uint64_t v) {
  if (name == "max_start_line")
    l.max_start_line = v;
  else if (name == "max_header_bytes")
    l.max_header_bytes = v;
  else if (name == "max_headers")
    l.max_headers = v;
  else if (name == "max_chunk_line")
    l.max_chunk_line = v;
  else if (name == "max_body")
    l.max_body = v;
  else
    return false;
  return true;
}

bool set_leniency(Leniency& l, const std::string& name) {
  if (name == "allow_bare_lf")
    l.allow_bare_lf = true;
  else if (name == "allow_obs_fold")
    l.allow_obs_fold = true;
  else if (name == "allow_missing_host")
    l.allow_missing_host = true;
  else if (name == "allow_data_after_close")
    l.allow_data_after_close = true;
  else
    return false;
  return true;
}

Golden load(const fs::path& path) {
  Golden g;
  g.kind = path.filename().string().rfind("response", 0) == 0 ? Kind::Response : Kind::Request;
  std::ifstream file(path, std::ios::binary);
  std::string line;
  bool in_events = false;
  bool in_message = false;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    const std::string where = path.filename().string() + ":" + std::to_string(number) + ": ";
    if (in_events) {
      if (!line.empty()) g.expected.push_back(line);
      continue;
    }
    g.preamble += line + "\n";
    if (line == kSeparator) {
      in_events = true;
      continue;
    }
    if (!in_message && (line.empty() || line[0] == '#')) continue;
    if (!in_message && line[0] == '@') {
      std::istringstream words(line.substr(1));
      std::string directive, arg;
      words >> directive >> arg;
      if (directive == "kind" && (arg == "request" || arg == "response")) {
        g.kind = arg == "request" ? Kind::Request : Kind::Response;
      } else if (directive == "expect" && !arg.empty()) {
        g.expect_methods.push_back(arg);
      } else if (directive == "lenient" && set_leniency(g.leniency, arg)) {
      } else if (directive == "limit") {
        std::uint64_t v = 0;
        if (!(words >> v) || !set_limit(g.limits, arg, v)) g.problem = where + "bad @limit";
      } else if (directive == "finish") {
        g.finish = true;
      } else {
        g.problem = where + "unknown directive " + line;
      }
      continue;
    }
    in_message = true;
    if (!unescape_into(line, g.input)) g.problem = where + "malformed escape";
  }
  if (!in_events) g.problem = path.filename().string() + ": no '--- events' line";
  return g;
}

std::vector<std::string> run(const Golden& g, std::span<const std::size_t> pieces) {
  Parser parser(g.kind, g.limits, g.leniency);
  for (const std::string& m : g.expect_methods) parser.expect_response_to(m);
  EventLog log;
  replay(parser, log, g.input, pieces, g.finish);
  return log.lines();
}

std::vector<fs::path> golden_files() {
  std::vector<fs::path> files;
  std::error_code ec;  // a missing directory gives no files, and the count test fails
  for (const auto& entry : fs::directory_iterator(golden_dir(), ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".txt")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// FNV-1a of the file name: a fixed seed per file, the same on every platform.
std::uint32_t seed_for(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

class GoldenFile : public ::testing::TestWithParam<fs::path> {};

TEST_P(GoldenFile, AnySplit_SameEvents) {
  const fs::path path = GetParam();
  Golden g = load(path);
  ASSERT_TRUE(g.problem.empty()) << g.problem;

  const std::vector<std::string> whole = run(g, {});
  if (const char* update = std::getenv("TCPSIM_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << g.preamble;
    for (const std::string& l : whole) out << l << "\n";
    g.expected = whole;
  }
  EXPECT_EQ(whole, g.expected) << path.filename() << " fed whole";

  const std::vector<std::size_t> ones(g.input.size(), 1);
  EXPECT_EQ(run(g, ones), g.expected) << path.filename() << " fed one byte at a time";

  std::mt19937 rng(seed_for(path.filename().string()));
  for (int round = 0; round < 25; ++round) {
    std::vector<std::size_t> pieces;
    std::size_t left = g.input.size();
    while (left > 0) {
      const std::size_t n =
          std::uniform_int_distribution<std::size_t>(0, std::min<std::size_t>(left, 24))(rng);
      pieces.push_back(n);
      left -= n;
    }
    EXPECT_EQ(run(g, pieces), g.expected) << path.filename() << " random split round " << round;
  }
}

std::string test_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(HttpGolden, GoldenFile, ::testing::ValuesIn(golden_files()), test_name);

TEST(HttpGolden, Directory_HasFiles_AtLeastThirty) {
  EXPECT_GE(golden_files().size(), 30u);
}

}  // namespace
}  // namespace tcpsim::http
