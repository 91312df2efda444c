// Sequence numbers: 32-bit values compared modulo 2^32 (RFC 9293 §3.4).
#pragma once

#include <compare>
#include <cstdint>

namespace tcpsim::tcp {

class SeqNum {
 public:
  constexpr SeqNum() = default;
  constexpr explicit SeqNum(std::uint32_t v) : v_(v) {}

  constexpr std::uint32_t raw() const { return v_; }

  // a < b when b is "ahead" of a by less than 2^31 (RFC 9293 §3.4, RFC 1982).
  friend constexpr bool operator==(SeqNum a, SeqNum b) { return a.v_ == b.v_; }
  friend constexpr bool operator<(SeqNum a, SeqNum b) {
    return static_cast<std::int32_t>(a.v_ - b.v_) < 0;
  }
  friend constexpr bool operator>(SeqNum a, SeqNum b) { return b < a; }
  friend constexpr bool operator<=(SeqNum a, SeqNum b) { return !(b < a); }
  friend constexpr bool operator>=(SeqNum a, SeqNum b) { return !(a < b); }

  friend constexpr SeqNum operator+(SeqNum a, std::uint32_t n) { return SeqNum(a.v_ + n); }
  friend constexpr SeqNum operator-(SeqNum a, std::uint32_t n) { return SeqNum(a.v_ - n); }
  // Signed distance b - a; meaningful when |b - a| < 2^31.
  friend constexpr std::int32_t operator-(SeqNum b, SeqNum a) {
    return static_cast<std::int32_t>(b.v_ - a.v_);
  }
  SeqNum& operator+=(std::uint32_t n) {
    v_ += n;
    return *this;
  }

 private:
  std::uint32_t v_ = 0;
};

constexpr SeqNum seq_max(SeqNum a, SeqNum b) {
  return a < b ? b : a;
}
constexpr SeqNum seq_min(SeqNum a, SeqNum b) {
  return a < b ? a : b;
}

// lo <= x < hi, modulo 2^32.
constexpr bool seq_in_range(SeqNum lo, SeqNum x, SeqNum hi) {
  return lo <= x && x < hi;
}

}  // namespace tcpsim::tcp
