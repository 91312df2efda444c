// Incremental UTF-8 validation: text can arrive split anywhere, even inside a code point.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "stack/websocket/error.hpp"

namespace tcpsim::websocket {

// Checks a byte stream against the well-formed sequences of Unicode (Table 3-7), which is
// what RFC 6455 §8.1 and RFC 3629 require: no overlong forms, no surrogates (U+D800-DFFF),
// nothing above U+10FFFF, no stray continuation bytes.
class Utf8Validator {
 public:
  // Ok: valid so far and at a code point boundary; NeedMore: valid so far but inside a code
  // point; Error: invalid (sticky until reset()).
  Status feed(std::span<const std::uint8_t> bytes);
  Status feed(std::string_view text);
  // End of the text: Error if invalid or if a code point was left incomplete.
  Status finish() const;

  bool failed() const { return failed_; }
  bool at_boundary() const { return !failed_ && need_ == 0; }
  // Bytes accepted so far; after an error, the offset of the first offending byte (or, for
  // an incomplete sequence reported by finish(), the end of the input).
  std::uint64_t position() const { return position_; }
  void reset() { *this = Utf8Validator{}; }

 private:
  std::uint64_t position_ = 0;
  std::uint8_t need_ = 0;   // continuation bytes still expected in this code point
  std::uint8_t lo_ = 0x80;  // allowed range of the next continuation byte
  std::uint8_t hi_ = 0xBF;
  bool failed_ = false;
};

// Whole-buffer check.
bool is_valid_utf8(std::span<const std::uint8_t> bytes);
bool is_valid_utf8(std::string_view text);

}  // namespace tcpsim::websocket
