// The in-order receive buffer: bytes waiting for the application, kept in the buffers
// they arrived in. A segment's payload that lands in order is taken over as it is rather
// than copied into a ring, so each received byte is copied once, into the reader's
// buffer; buffers the reader has emptied go back to the payload pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "stack/tcp/payload_pool.hpp"

namespace tcpsim::tcp {

class ChunkQueue {
 public:
  explicit ChunkQueue(std::size_t capacity) : capacity_(capacity) {}

  std::size_t capacity() const { return capacity_; }
  void set_capacity(std::size_t c) { capacity_ = c < size_ ? size_ : c; }
  std::size_t size() const { return size_; }
  std::size_t free_space() const { return capacity_ - size_; }
  bool empty() const { return size_ == 0; }
  // Where emptied buffers go (nullptr: they are freed).
  void set_pool(PayloadPool* pool) { pool_ = pool; }

  // Appends as much of data as fits (copied); returns the count taken.
  std::size_t write(std::span<const std::uint8_t> data);
  // Appends the whole of `bytes`, taking the buffer over: it must fit (size() <=
  // free_space()), else only what fits is copied. Returns the count taken.
  std::size_t adopt(std::vector<std::uint8_t>&& bytes);
  // Copies len bytes starting offset bytes after the oldest byte.
  void copy_out(std::size_t offset, std::size_t len, std::uint8_t* dst) const;
  // Drops the n oldest bytes (the application read them).
  void consume(std::size_t n);

 private:
  struct Chunk {
    std::vector<std::uint8_t> bytes;
    std::size_t start = 0;  // bytes before this were consumed
    std::size_t left() const { return bytes.size() - start; }
  };

  std::deque<Chunk> chunks_;
  std::size_t size_ = 0;
  std::size_t capacity_;
  PayloadPool* pool_ = nullptr;
};

}  // namespace tcpsim::tcp
