// A FIFO over a power-of-two ring that only ever grows: after warm-up, push and pop move
// elements and allocate nothing (std::deque would allocate and free blocks as the queue
// breathes, once every few packets).
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

namespace tcpsim::sim {

template <class T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void push_back(T&& value) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = std::move(value);
    ++size_;
  }

  T& front() {
    assert(size_ > 0);
    return slots_[head_];
  }

  T& back() {
    assert(size_ > 0);
    return slots_[(head_ + size_ - 1) & (slots_.size() - 1)];
  }

  // The i-th element from the front.
  T& at(std::size_t i) {
    assert(i < size_);
    return slots_[(head_ + i) & (slots_.size() - 1)];
  }

  T pop_front() {
    assert(size_ > 0);
    T value = std::move(slots_[head_]);
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
    return value;
  }

 private:
  void grow() {
    std::vector<T> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) {
      bigger[i] = std::move(slots_[(head_ + i) & (slots_.size() - 1)]);
    }
    slots_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace tcpsim::sim
