// A byte FIFO: the send buffer (bytes from SND.UNA on) and the in-order receive buffer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace tcpsim::tcp {

// A ring buffer that grows up to its capacity, so idle connections stay small: doubling
// while small, then straight to the capacity (a busy connection fills its buffer anyway,
// and each step would copy the contents and touch fresh pages).
class ByteRing {
 public:
  explicit ByteRing(std::size_t capacity) : capacity_(capacity) {}

  std::size_t capacity() const { return capacity_; }
  void set_capacity(std::size_t c) { capacity_ = c < size_ ? size_ : c; }
  std::size_t size() const { return size_; }
  std::size_t free_space() const { return capacity_ - size_; }
  bool empty() const { return size_ == 0; }

  // Appends as much of data as fits; returns the count taken.
  std::size_t write(std::span<const std::uint8_t> data);
  // Appends up to n bytes (as many as fit) that `fill` writes in place: it is called with
  // (bytes produced so far, space) once, or twice when the space wraps around. For writers
  // that generate their bytes and need not copy them from a buffer of their own.
  template <class Fill>
  std::size_t write_with(std::size_t n, Fill&& fill) {
    n = std::min(n, free_space());
    if (n == 0) return 0;
    if (size_ + n > ring_size_) grow(size_ + n);
    std::size_t tail = (head_ + size_) % ring_size_;
    std::size_t first = std::min(n, ring_size_ - tail);
    fill(std::size_t{0}, std::span<std::uint8_t>(ring_.get() + tail, first));
    if (n > first) fill(first, std::span<std::uint8_t>(ring_.get(), n - first));
    size_ += n;
    return n;
  }
  // Copies len bytes starting offset bytes after the oldest byte.
  void copy_out(std::size_t offset, std::size_t len, std::uint8_t* dst) const;
  // Appends the same bytes to `out` (no zero-filling first, unlike resize + copy_out).
  void append_to(std::size_t offset, std::size_t len, std::vector<std::uint8_t>& out) const;
  // Drops the n oldest bytes (they were acknowledged).
  void consume(std::size_t n);

 private:
  void grow(std::size_t need);

  // Storage grows on demand up to the capacity; its bytes are always written before they
  // are read, so it is never zeroed.
  std::unique_ptr<std::uint8_t[]> ring_;
  std::size_t ring_size_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t capacity_;
};

}  // namespace tcpsim::tcp
