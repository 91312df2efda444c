#include "sim/app/byte_stream.hpp"

#include <fmt/core.h>
#include <openssl/evp.h>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace tcpsim::sim {

std::uint64_t ByteStream::word(std::uint64_t index) const {
  // splitmix64 of (key, index): cheap, and every word independent.
  std::uint64_t z = key_ + (index + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void ByteStream::fill(std::uint64_t offset, std::span<std::uint8_t> out) const {
  std::size_t i = 0;
  // A partial first word, whole words, then a partial last word; each word's bytes go
  // out least significant first.
  auto put = [&](std::uint64_t w, std::size_t skip, std::size_t take) {
    std::uint8_t bytes[8];
    for (int b = 0; b < 8; ++b) bytes[b] = static_cast<std::uint8_t>(w >> (8 * b));
    std::memcpy(out.data() + i, bytes + skip, take);
    i += take;
  };
  if (offset % 8 != 0 && !out.empty()) {
    std::size_t skip = offset % 8;
    put(word(offset / 8), skip, std::min<std::size_t>(8 - skip, out.size()));
  }
  while (out.size() - i >= 8) put(word((offset + i) / 8), 0, 8);
  if (i < out.size()) put(word((offset + i) / 8), 0, out.size() - i);
}

// Hashing a long stream costs as much as simulating it, so past kAsyncAfter bytes the work
// moves to a thread of its own: update() copies the bytes into a batch and hands full
// batches over; hex() waits until every batch is hashed. The digest is the same either
// way; only where the cycles are spent changes. Hashed batches come back to a free list
// and are filled again, so a long stream costs a handful of buffers, not one allocation
// (and a fresh set of page faults) per batch.
struct Sha256::Impl {
  static constexpr std::size_t kAsyncAfter = 1 << 20;
  static constexpr std::size_t kBatch = 1 << 20;

  EVP_MD_CTX* ctx = nullptr;
  std::uint64_t total = 0;
  bool async = false;
  std::vector<std::uint8_t> batch;
  std::thread worker;
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::vector<std::uint8_t>> queue;
  std::vector<std::vector<std::uint8_t>> spare;  // hashed batches, ready for reuse
  bool busy = false;
  bool stop = false;

  void start() {
    async = true;
    batch.reserve(kBatch);
    worker = std::thread([this] { run(); });
  }
  void run() {
    std::unique_lock<std::mutex> lock(m);
    for (;;) {
      cv.wait(lock, [this] { return stop || !queue.empty(); });
      if (queue.empty()) return;  // stop requested and nothing left
      std::vector<std::uint8_t> item = std::move(queue.front());
      queue.pop_front();
      busy = true;
      lock.unlock();
      EVP_DigestUpdate(ctx, item.data(), item.size());
      item.clear();
      lock.lock();
      spare.push_back(std::move(item));
      busy = false;
      cv.notify_all();
    }
  }
  void hand_over() {
    if (batch.empty()) return;
    std::lock_guard<std::mutex> lock(m);
    queue.push_back(std::move(batch));
    if (spare.empty()) {
      batch = {};
      batch.reserve(kBatch);
    } else {
      batch = std::move(spare.back());
      spare.pop_back();
    }
    cv.notify_all();
  }
  void drain() {
    hand_over();
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [this] { return queue.empty() && !busy; });
  }
  ~Impl() {
    if (async) {
      {
        std::lock_guard<std::mutex> lock(m);
        stop = true;
        queue.clear();
      }
      cv.notify_all();
      worker.join();
    }
    if (ctx != nullptr) EVP_MD_CTX_free(ctx);
  }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
}

Sha256::~Sha256() = default;

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::uint8_t> data) {
  Impl& i = *impl_;
  i.total += data.size();
  if (!i.async) {
    if (i.total < Impl::kAsyncAfter) {
      EVP_DigestUpdate(i.ctx, data.data(), data.size());
      return;
    }
    i.start();
  }
  while (!data.empty()) {
    std::size_t take = std::min(data.size(), Impl::kBatch - i.batch.size());
    i.batch.insert(i.batch.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
    data = data.subspan(take);
    if (i.batch.size() >= Impl::kBatch) i.hand_over();
  }
}

std::string Sha256::hex() const {
  if (impl_->async) impl_->drain();
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  EVP_MD_CTX_copy_ex(copy, impl_->ctx);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(copy, md, &len);
  EVP_MD_CTX_free(copy);
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

}  // namespace tcpsim::sim
