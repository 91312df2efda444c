#include "stack/tcp/byte_ring.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace tcpsim::tcp {

void ByteRing::grow(std::size_t need) {
  std::size_t cap = std::max<std::size_t>(ring_.size(), 4096);
  while (cap < need) cap *= 2;
  if (cap == ring_.size()) return;
  std::vector<std::uint8_t> next(cap);
  copy_out(0, size_, next.data());
  ring_.swap(next);
  head_ = 0;
}

std::size_t ByteRing::write(std::span<const std::uint8_t> data) {
  std::size_t n = std::min(data.size(), free_space());
  if (n == 0) return 0;
  if (size_ + n > ring_.size()) grow(size_ + n);
  std::size_t tail = (head_ + size_) % ring_.size();
  std::size_t first = std::min(n, ring_.size() - tail);
  std::memcpy(ring_.data() + tail, data.data(), first);
  std::memcpy(ring_.data(), data.data() + first, n - first);
  size_ += n;
  return n;
}

void ByteRing::copy_out(std::size_t offset, std::size_t len, std::uint8_t* dst) const {
  assert(offset + len <= size_);
  if (len == 0) return;
  std::size_t start = (head_ + offset) % ring_.size();
  std::size_t first = std::min(len, ring_.size() - start);
  std::memcpy(dst, ring_.data() + start, first);
  std::memcpy(dst + first, ring_.data(), len - first);
}

void ByteRing::append_to(std::size_t offset, std::size_t len,
                         std::vector<std::uint8_t>& out) const {
  assert(offset + len <= size_);
  if (len == 0) return;
  out.reserve(out.size() + len);
  std::size_t start = (head_ + offset) % ring_.size();
  std::size_t first = std::min(len, ring_.size() - start);
  out.insert(out.end(), ring_.data() + start, ring_.data() + start + first);
  out.insert(out.end(), ring_.data(), ring_.data() + (len - first));
}

void ByteRing::consume(std::size_t n) {
  assert(n <= size_);
  if (ring_.empty()) return;
  head_ = (head_ + n) % ring_.size();
  size_ -= n;
}

}  // namespace tcpsim::tcp
