#include "ladder_fold.hpp"

#include <fmt/core.h>

#include "sim/core/units.hpp"

namespace tcpsim::cli {
namespace {

// 1402 -> "1,402".
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string counted(std::uint64_t n, const char* one, const char* many) {
  return grouped(n) + " " + (n == 1 ? one : many);
}

}  // namespace

RunFolder::RunFolder(std::function<void(const PlainLine&)> print,
                     std::function<void(const std::string&)> print_fold)
    : print_(std::move(print)), print_fold_(std::move(print_fold)) {}

void RunFolder::add(PlainLine line) {
  if (shown_ < kHead) {
    ++shown_;
    print_(line);
    return;
  }
  held_.push_back(std::move(line));
  // Once the run is surely long enough to fold, what is ahead of the tail folds now, so
  // that a long run holds only a few lines.
  if (held_.size() > kTail + kMinFold) {
    fold(held_.front());
    held_.pop_front();
  }
}

void RunFolder::fold(const PlainLine& l) {
  if (folded_data_ + folded_acks_ == 0) first_ = l.t;
  last_ = l.t;
  (l.data ? folded_data_ : folded_acks_) += 1;
}

void RunFolder::flush() {
  std::size_t extra = held_.size() > kTail ? held_.size() - kTail : 0;
  if (folded_data_ + folded_acks_ + extra >= kMinFold) {
    for (; extra > 0; --extra) {
      fold(held_.front());
      held_.pop_front();
    }
    print_fold_(describe(folded_data_, folded_acks_, first_, last_));
  }
  for (const PlainLine& l : held_) print_(l);
  held_.clear();
  shown_ = 0;
  folded_data_ = folded_acks_ = 0;
}

std::string RunFolder::describe(std::uint64_t data, std::uint64_t acks, Nanos first, Nanos last) {
  std::string what;
  if (data > 0) what = counted(data, "data segment", "data segments");
  if (data > 0 && acks > 0) what += " and ";
  if (acks > 0) what += counted(acks, "ACK", "ACKs");
  return fmt::format("… {}, {}–{} ms …", what, sim::format_millis(first), sim::format_millis(last));
}

}  // namespace tcpsim::cli
