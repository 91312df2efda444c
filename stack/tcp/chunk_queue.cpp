#include "stack/tcp/chunk_queue.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace tcpsim::tcp {

std::size_t ChunkQueue::write(std::span<const std::uint8_t> data) {
  std::size_t n = std::min(data.size(), free_space());
  if (n == 0) return 0;
  Chunk c;
  if (pool_ != nullptr) c.bytes = pool_->take();
  c.bytes.assign(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  chunks_.push_back(std::move(c));
  size_ += n;
  return n;
}

std::size_t ChunkQueue::adopt(std::vector<std::uint8_t>&& bytes) {
  if (bytes.size() > free_space()) return write(bytes);
  if (bytes.empty()) return 0;
  std::size_t n = bytes.size();
  chunks_.push_back(Chunk{std::move(bytes), 0});
  size_ += n;
  return n;
}

void ChunkQueue::copy_out(std::size_t offset, std::size_t len, std::uint8_t* dst) const {
  assert(offset + len <= size_);
  for (const Chunk& c : chunks_) {
    if (len == 0) return;
    std::size_t left = c.left();
    if (offset >= left) {
      offset -= left;
      continue;
    }
    std::size_t take = std::min(len, left - offset);
    std::memcpy(dst, c.bytes.data() + c.start + offset, take);
    dst += take;
    len -= take;
    offset = 0;
  }
}

void ChunkQueue::consume(std::size_t n) {
  assert(n <= size_);
  size_ -= n;
  while (n > 0) {
    Chunk& c = chunks_.front();
    std::size_t left = c.left();
    if (n < left) {
      c.start += n;
      return;
    }
    n -= left;
    if (pool_ != nullptr) pool_->give(std::move(c.bytes));
    chunks_.pop_front();
  }
}

}  // namespace tcpsim::tcp
