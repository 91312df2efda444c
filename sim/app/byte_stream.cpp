#include "sim/app/byte_stream.hpp"

#include <fmt/core.h>
#include <openssl/evp.h>
#include <cstring>

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

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
}

Sha256::~Sha256() {
  if (impl_ && impl_->ctx) EVP_MD_CTX_free(impl_->ctx);
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::uint8_t> data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string Sha256::hex() const {
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
