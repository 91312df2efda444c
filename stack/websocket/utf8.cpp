#include "stack/websocket/utf8.hpp"

#include "stack/base/utf8.hpp"

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
    } else if (std::optional<Utf8Lead> lead = utf8_lead(b)) {
      need_ = lead->continuation;
      lo_ = lead->lo;
      hi_ = lead->hi;
    } else {
      failed_ = true;
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
