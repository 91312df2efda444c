// Application payload: a deterministic pseudo-random byte stream (so a 100 MB transfer
// never needs 100 MB of memory) and a running SHA-256 of what was sent or received.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace tcpsim::sim {

// Byte i of the stream depends only on the key and i, so any chunk can be produced
// on demand. The stream is made of 64-byte blocks: a strong mix of (key, block number)
// picks eight words of a fixed pseudo-random table and is xored into each, which is
// several times cheaper per byte than mixing every word.
class ByteStream {
 public:
  explicit ByteStream(std::uint64_t key) : key_(key) {}
  std::uint64_t key() const { return key_; }
  // Fills `out` with the bytes at [offset, offset + out.size()).
  void fill(std::uint64_t offset, std::span<std::uint8_t> out) const;
  // True when `bytes` equal the stream's bytes at [offset, offset + bytes.size()): the
  // same as comparing with fill()'s output, without writing it anywhere.
  bool matches(std::uint64_t offset, std::span<const std::uint8_t> bytes) const;

 private:
  std::uint64_t block_seed(std::uint64_t block) const;
  std::uint64_t key_;
};

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(std::span<const std::uint8_t> data);
  // The same as update() with stream's bytes [offset, offset + n), which a long stream
  // generates and hashes on the worker thread, off the caller's path.
  void update_stream(const ByteStream& stream, std::uint64_t offset, std::uint64_t n);
  // Space for up to `max` bytes that will be hashed once commit(n) says how many were
  // written there: lets a reader receive straight into the hasher's batch instead of
  // copying. The span stays valid until commit().
  std::span<std::uint8_t> prepare(std::size_t max);
  void commit(std::size_t n);
  // Hex digest of everything so far (does not end the hashing).
  std::string hex() const;

  // Also checks, as the bytes are hashed, whether they are `stream`'s from its first byte
  // on. Call before giving any byte (later calls are ignored).
  void expect_stream(const ByteStream& stream);
  // After expect_stream(): true while every byte given so far equals the stream's byte at
  // the same offset (waits for the hashing thread, like hex()).
  bool matches_stream() const;
  std::uint64_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tcpsim::sim
