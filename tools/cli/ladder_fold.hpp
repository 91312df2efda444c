// Folding of long runs of like segments in the ladder: data segments and pure ACKs with
// nothing else happening between them show their first and last few lines, and one line
// that counts the rest ("… 1,402 data segments and 701 ACKs, 10.000–35.400 ms …").
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "stack/base/time.hpp"

namespace tcpsim::cli {

struct PlainLine {
  Nanos t = 0;
  std::string text;   // the line as it would print
  bool data = false;  // a data segment (else a pure ACK)
};

class RunFolder {
 public:
  // Lines of a run shown before the fold and after it; a run longer than their sum plus
  // kMinFold - 1 (6 lines) is folded.
  static constexpr std::size_t kHead = 3;
  static constexpr std::size_t kTail = 2;
  static constexpr std::size_t kMinFold = 2;

  // `print` shows one line of the run; `print_fold` the line that stands for a fold.
  RunFolder(std::function<void(const PlainLine&)> print,
            std::function<void(const std::string&)> print_fold);

  // One more line of the current run.
  void add(PlainLine line);
  // The run ends (something else happens, or the output ends): what is held prints.
  void flush();

  // The fold line for a count of segments over [first, last].
  static std::string describe(std::uint64_t data, std::uint64_t acks, Nanos first, Nanos last);

 private:
  void fold(const PlainLine& l);
  std::function<void(const PlainLine&)> print_;
  std::function<void(const std::string&)> print_fold_;
  std::size_t shown_ = 0;       // head lines printed in this run
  std::deque<PlainLine> held_;  // lines not yet printed or folded
  std::uint64_t folded_data_ = 0;
  std::uint64_t folded_acks_ = 0;
  Nanos first_ = 0;
  Nanos last_ = 0;
};

}  // namespace tcpsim::cli
