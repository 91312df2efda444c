#include "stack/websocket/utf8.hpp"

namespace tcpsim::websocket {

Status Utf8Validator::feed(std::span<const std::uint8_t> bytes) {
  if (failed_) return Status::Error;
  for (const std::uint8_t b : bytes) {
    if (need_ > 0) {
      if (b < lo_ || b > hi_) {
        failed_ = true;
        return Status::Error;
      }
      --need_;
      lo_ = 0x80;  // only the first continuation byte has a narrowed range
      hi_ = 0xBF;
    } else if (b <= 0x7F) {
      // ASCII
    } else if (b >= 0xC2 && b <= 0xDF) {
      need_ = 1;  // C0 and C1 would only make overlong forms of ASCII
    } else if (b >= 0xE0 && b <= 0xEF) {
      need_ = 2;
      if (b == 0xE0) lo_ = 0xA0;  // below A0 is an overlong two-byte value
      if (b == 0xED) hi_ = 0x9F;  // above 9F encodes a UTF-16 surrogate
    } else if (b >= 0xF0 && b <= 0xF4) {
      need_ = 3;
      if (b == 0xF0) lo_ = 0x90;  // below 90 is an overlong three-byte value
      if (b == 0xF4) hi_ = 0x8F;  // above 8F is past U+10FFFF
    } else {
      failed_ = true;  // 80-BF out of place, C0, C1, F5-FF
      return Status::Error;
    }
    ++position_;
  }
  return need_ == 0 ? Status::Ok : Status::NeedMore;
}

Status Utf8Validator::feed(std::string_view text) {
  return feed(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                            text.size()));
}

Status Utf8Validator::finish() const {
  return at_boundary() ? Status::Ok : Status::Error;
}

bool is_valid_utf8(std::span<const std::uint8_t> bytes) {
  Utf8Validator v;
  return v.feed(bytes) == Status::Ok;
}

bool is_valid_utf8(std::string_view text) {
  Utf8Validator v;
  return v.feed(text) == Status::Ok;
}

}  // namespace tcpsim::websocket
