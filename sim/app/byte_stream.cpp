#include "sim/app/byte_stream.hpp"

#include <fmt/core.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <array>
#include <bit>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace tcpsim::sim {

std::uint64_t ByteStream::block_seed(std::uint64_t block) const {
  // splitmix64 of (key, block).
  std::uint64_t z = key_ + (block + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

namespace {
constexpr std::size_t kBlockBytes = 64;
constexpr std::size_t kWords = kBlockBytes / 8;
constexpr std::size_t kTableWords = 8192;  // 64 KiB

// A fixed table of pseudo-random words (xorshift64 from a constant), built once.
const std::array<std::uint64_t, kTableWords>& table() {
  static const std::array<std::uint64_t, kTableWords> t = [] {
    std::array<std::uint64_t, kTableWords> a{};
    std::uint64_t x = 0x2545F4914F6CDD1DULL;
    for (auto& w : a) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      w = x;
    }
    return a;
  }();
  return t;
}

// Reads a word whose bytes come least significant first (put_word's inverse).
std::uint64_t get_word(const std::uint8_t* b) {
  std::uint64_t w = 0;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&w, b, 8);
  } else {
    for (int k = 7; k >= 0; --k) w = (w << 8) | b[k];
  }
  return w;
}

// Writes a word's bytes least significant first.
void put_word(std::uint64_t w, std::uint8_t* b) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(b, &w, 8);
  } else {
    for (int k = 0; k < 8; ++k) b[k] = static_cast<std::uint8_t>(w >> (8 * k));
  }
}
}  // namespace

void ByteStream::fill(std::uint64_t offset, std::span<std::uint8_t> out) const {
  // Block b: eight words of the table, from a place the block's seed picks, each mixed
  // with the seed. The words of a block do not depend on one another, so a block costs
  // one mix and eight independent loads, xors and stores.
  const std::uint64_t* t = table().data();
  auto make_block = [&](std::uint64_t b, std::uint8_t* dst) {
    std::uint64_t seed = block_seed(b);
    const std::uint64_t* src = t + (seed >> 51) % (kTableWords - kWords + 1);
    for (std::size_t k = 0; k < kWords; ++k) put_word(src[k] ^ seed, dst + 8 * k);
  };
  std::size_t i = 0;
  std::uint8_t block[kBlockBytes];
  // A partial first block, whole blocks written in place, then a partial last block.
  if (offset % kBlockBytes != 0 && !out.empty()) {
    std::size_t skip = offset % kBlockBytes;
    std::size_t take = std::min<std::size_t>(kBlockBytes - skip, out.size());
    make_block(offset / kBlockBytes, block);
    std::memcpy(out.data(), block + skip, take);
    i = take;
  }
  std::uint64_t b = (offset + i) / kBlockBytes;
  for (; out.size() - i >= kBlockBytes; i += kBlockBytes) make_block(b++, out.data() + i);
  if (i < out.size()) {
    make_block(b, block);
    std::memcpy(out.data() + i, block, out.size() - i);
  }
}

bool ByteStream::matches(std::uint64_t offset, std::span<const std::uint8_t> bytes) const {
  const std::uint64_t* t = table().data();
  std::size_t i = 0;
  std::uint8_t block[kBlockBytes];
  // Partial blocks through fill(); whole blocks compared word by word as generated.
  if (offset % kBlockBytes != 0 && !bytes.empty()) {
    std::size_t take = std::min<std::size_t>(kBlockBytes - offset % kBlockBytes, bytes.size());
    fill(offset, std::span<std::uint8_t>(block, take));
    if (std::memcmp(block, bytes.data(), take) != 0) return false;
    i = take;
  }
  std::uint64_t b = (offset + i) / kBlockBytes;
  for (; bytes.size() - i >= kBlockBytes; i += kBlockBytes, ++b) {
    std::uint64_t seed = block_seed(b);
    const std::uint64_t* src = t + (seed >> 51) % (kTableWords - kWords + 1);
    std::uint64_t diff = 0;
    for (std::size_t k = 0; k < kWords; ++k) {
      diff |= get_word(bytes.data() + i + 8 * k) ^ src[k] ^ seed;
    }
    if (diff != 0) return false;
  }
  if (i < bytes.size()) {
    fill(offset + i, std::span<std::uint8_t>(block, bytes.size() - i));
    if (std::memcmp(block, bytes.data() + i, bytes.size() - i) != 0) return false;
  }
  return true;
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

  // A batch buffer; its bytes are written before they are read, so none is zeroed first.
  // Either bytes, or (bytes == nullptr) a range of a ByteStream to generate and hash.
  struct Buf {
    std::unique_ptr<std::uint8_t[]> bytes;
    std::size_t size = 0;
    std::uint64_t key = 0, offset = 0;
  };
  static Buf new_buf() { return Buf{std::unique_ptr<std::uint8_t[]>(new std::uint8_t[kBatch]), 0}; }

  EVP_MD_CTX* ctx = nullptr;
  std::uint64_t total = 0;
  bool async = false;
  Buf batch;
  std::thread worker;
  std::mutex m;
  std::condition_variable cv;
  std::deque<Buf> queue;
  std::vector<Buf> spare;                   // hashed batches, ready for reuse
  Buf range;                                // a stream range still growing (range.size > 0)
  std::vector<std::uint8_t> staging;        // prepare() before the worker starts
  std::unique_ptr<std::uint8_t[]> scratch;  // worker: generated stream bytes
  bool busy = false;
  bool stop = false;

  // expect_stream(): the stream the bytes should equal, the bytes compared so far (worker
  // side once async) and whether one differed.
  bool checking = false;
  std::uint64_t expect_key = 0;
  std::uint64_t checked = 0;
  bool differs = false;

  // Hashes real bytes (and compares them with the expected stream).
  void digest(const std::uint8_t* data, std::size_t n) {
    if (!checking || differs) {
      EVP_DigestUpdate(ctx, data, n);
      checked += n;
      return;
    }
    // Hash and compare piece by piece, so the comparison reads bytes the hash has just
    // brought into the cache.
    constexpr std::size_t kPiece = 32 * 1024;
    ByteStream stream(expect_key);
    for (std::size_t done = 0; done < n;) {
      std::size_t k = std::min(kPiece, n - done);
      EVP_DigestUpdate(ctx, data + done, k);
      if (!differs && !stream.matches(checked, std::span<const std::uint8_t>(data + done, k))) {
        differs = true;
      }
      checked += k;
      done += k;
    }
  }

  void start() {
    async = true;
    batch = new_buf();
    worker = std::thread([this] { run(); });
  }
  void run() {
    // Named so that profilers and top tell the hashing apart from the simulation.
    pthread_setname_np(pthread_self(), "tcpsim-sha256");
    std::unique_lock<std::mutex> lock(m);
    for (;;) {
      cv.wait(lock, [this] { return stop || !queue.empty(); });
      if (queue.empty()) return;  // stop requested and nothing left
      Buf item = std::move(queue.front());
      queue.pop_front();
      busy = true;
      lock.unlock();
      if (item.bytes) {
        digest(item.bytes.get(), item.size);
      } else {
        hash_range(item);
      }
      item.size = 0;
      lock.lock();
      if (item.bytes) spare.push_back(std::move(item));
      busy = false;
      cv.notify_all();
    }
  }
  void hash_range(const Buf& r) {
    if (!scratch) scratch.reset(new std::uint8_t[kBatch]);
    ByteStream stream(r.key);
    for (std::uint64_t done = 0; done < r.size;) {
      std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kBatch, r.size - done));
      stream.fill(r.offset + done, std::span<std::uint8_t>(scratch.get(), n));
      digest(scratch.get(), n);
      done += n;
    }
  }
  void hand_over_range() {
    if (range.size == 0) return;
    std::lock_guard<std::mutex> lock(m);
    queue.push_back(std::move(range));
    range = Buf{};
    cv.notify_all();
  }
  void hand_over() {
    hand_over_range();
    if (batch.size == 0) return;
    std::lock_guard<std::mutex> lock(m);
    queue.push_back(std::move(batch));
    if (spare.empty()) {
      batch = new_buf();
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

void Sha256::update_stream(const ByteStream& stream, std::uint64_t offset, std::uint64_t n) {
  Impl& i = *impl_;
  if (!i.async && i.total + n < Impl::kAsyncAfter) {
    std::vector<std::uint8_t> tmp(static_cast<std::size_t>(n));
    stream.fill(offset, tmp);
    update(tmp);
    return;
  }
  if (!i.async) i.start();
  i.total += n;
  // Bytes given before this range go first, then the range (extended while contiguous).
  if (i.batch.size > 0) i.hand_over();
  if (i.range.size > 0 &&
      (i.range.key != stream.key() || i.range.offset + i.range.size != offset)) {
    i.hand_over_range();
  }
  if (i.range.size == 0) {
    i.range.key = stream.key();
    i.range.offset = offset;
  }
  i.range.size += n;
  if (i.range.size >= Impl::kBatch) i.hand_over_range();
}

void Sha256::update(std::span<const std::uint8_t> data) {
  Impl& i = *impl_;
  if (i.range.size > 0) i.hand_over_range();
  i.total += data.size();
  if (!i.async) {
    if (i.total < Impl::kAsyncAfter) {
      i.digest(data.data(), data.size());
      return;
    }
    i.start();
  }
  while (!data.empty()) {
    std::size_t take = std::min(data.size(), Impl::kBatch - i.batch.size);
    std::memcpy(i.batch.bytes.get() + i.batch.size, data.data(), take);
    i.batch.size += take;
    data = data.subspan(take);
    if (i.batch.size >= Impl::kBatch) i.hand_over();
  }
}

std::span<std::uint8_t> Sha256::prepare(std::size_t max) {
  Impl& i = *impl_;
  if (!i.async && i.total + max >= Impl::kAsyncAfter) i.start();
  if (!i.async) {
    if (i.staging.size() < max) i.staging.resize(max);
    return {i.staging.data(), max};
  }
  if (i.range.size > 0) i.hand_over_range();
  if (i.batch.size == Impl::kBatch) i.hand_over();
  return {i.batch.bytes.get() + i.batch.size, std::min(max, Impl::kBatch - i.batch.size)};
}

void Sha256::commit(std::size_t n) {
  Impl& i = *impl_;
  if (!i.async) {
    update(std::span<const std::uint8_t>(i.staging.data(), n));
    return;
  }
  i.total += n;
  i.batch.size += n;
  if (i.batch.size >= Impl::kBatch) i.hand_over();
}

void Sha256::expect_stream(const ByteStream& stream) {
  Impl& i = *impl_;
  if (i.total > 0 || i.checking) return;
  i.checking = true;
  i.expect_key = stream.key();
}

bool Sha256::matches_stream() const {
  if (impl_->async) impl_->drain();
  return impl_->checking && !impl_->differs;
}

std::uint64_t Sha256::size() const {
  return impl_->total;
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
