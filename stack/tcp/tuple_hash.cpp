#include "stack/tcp/tuple_hash.hpp"

#include <span>

#include "stack/base/digest.hpp"

namespace tcpsim::tcp {

std::array<std::uint8_t, 32> tuple_digest(std::uint64_t secret, std::uint8_t purpose,
                                          const Endpoint& local, const Endpoint& remote,
                                          std::initializer_list<std::uint32_t> words) {
  // Little-endian secret and words, network-order ports, the address bytes as they are.
  std::array<std::uint8_t, 8 + 1 + 2 * (16 + 2) + 4 * 4> buf{};
  std::size_t n = 0;
  for (int i = 0; i < 8; ++i) buf[n++] = static_cast<std::uint8_t>(secret >> (8 * i));
  buf[n++] = purpose;
  for (const Endpoint* e : {&local, &remote}) {
    if (e->addr.is_v4()) {
      for (std::uint8_t x : e->addr.v4().bytes) buf[n++] = x;
    } else {
      for (std::uint8_t x : e->addr.v6().bytes) buf[n++] = x;
    }
    buf[n++] = static_cast<std::uint8_t>(e->port >> 8);
    buf[n++] = static_cast<std::uint8_t>(e->port);
  }
  for (std::uint32_t w : words) {
    if (n + 4 > buf.size()) break;  // at most four words
    for (int i = 0; i < 4; ++i) buf[n++] = static_cast<std::uint8_t>(w >> (8 * i));
  }
  return sha256(std::span<const std::uint8_t>(buf.data(), n));
}

}  // namespace tcpsim::tcp
