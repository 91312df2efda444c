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
// on demand.
class ByteStream {
 public:
  explicit ByteStream(std::uint64_t key) : key_(key) {}
  // Fills `out` with the bytes at [offset, offset + out.size()).
  void fill(std::uint64_t offset, std::span<std::uint8_t> out) const;

 private:
  std::uint64_t word(std::uint64_t index) const;
  std::uint64_t key_;
};

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(std::span<const std::uint8_t> data);
  // Hex digest of everything so far (does not end the hashing).
  std::string hex() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tcpsim::sim
