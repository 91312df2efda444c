#include "stack/tcp/byte_ring.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace tcpsim::tcp {
namespace {
constexpr std::size_t kFirstSize = 4096;
// Past this size a ring that must grow again takes its whole capacity at once.
constexpr std::size_t kDoublingLimit = 64 * 1024;
}  // namespace

void ByteRing::grow(std::size_t need) {
  std::size_t cap = std::max<std::size_t>(ring_size_, kFirstSize);
  while (cap < need) cap *= 2;
  if (cap > kDoublingLimit) cap = std::max(need, capacity_);
  if (cap == ring_size_) return;
  std::unique_ptr<std::uint8_t[]> next(new std::uint8_t[cap]);
  copy_out(0, size_, next.get());
  ring_ = std::move(next);
  ring_size_ = cap;
  head_ = 0;
}

std::size_t ByteRing::write(std::span<const std::uint8_t> data) {
  return write_with(data.size(), [&](std::size_t done, std::span<std::uint8_t> into) {
    std::memcpy(into.data(), data.data() + done, into.size());
  });
}

void ByteRing::copy_out(std::size_t offset, std::size_t len, std::uint8_t* dst) const {
  assert(offset + len <= size_);
  if (len == 0) return;
  std::size_t start = (head_ + offset) % ring_size_;
  std::size_t first = std::min(len, ring_size_ - start);
  std::memcpy(dst, ring_.get() + start, first);
  std::memcpy(dst + first, ring_.get(), len - first);
}

void ByteRing::append_to(std::size_t offset, std::size_t len,
                         std::vector<std::uint8_t>& out) const {
  assert(offset + len <= size_);
  if (len == 0) return;
  out.reserve(out.size() + len);
  std::size_t start = (head_ + offset) % ring_size_;
  std::size_t first = std::min(len, ring_size_ - start);
  out.insert(out.end(), ring_.get() + start, ring_.get() + start + first);
  out.insert(out.end(), ring_.get(), ring_.get() + (len - first));
}

void ByteRing::consume(std::size_t n) {
  assert(n <= size_);
  if (ring_size_ == 0) return;
  head_ = (head_ + n) % ring_size_;
  size_ -= n;
}

}  // namespace tcpsim::tcp
