// Prints the SHA-256 of bytes [0, N) of the deterministic stream with key K
// (sim/app/byte_stream.hpp): the body tcpsim's HTTP server sends for /bytes/N is the
// stream with key N, so `stream_sha256 N` is what a client must have received.
// Usage: stream_sha256 N [KEY]
#include <charconv>
#include <cstdio>
#include <string_view>
#include <vector>

#include "sim/app/byte_stream.hpp"

namespace {
bool number(std::string_view text, std::uint64_t& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size() && !text.empty();
}
}  // namespace

int main(int argc, char** argv) {
  std::uint64_t n = 0, key = 0;
  if (argc < 2 || argc > 3 || !number(argv[1], n) || (argc == 3 && !number(argv[2], key))) {
    std::fprintf(stderr, "usage: stream_sha256 N [KEY]   (KEY defaults to N)\n");
    return 2;
  }
  if (argc == 2) key = n;
  tcpsim::sim::ByteStream stream(key);
  tcpsim::sim::Sha256 hash;
  std::vector<std::uint8_t> chunk(64 * 1024);
  for (std::uint64_t off = 0; off < n; off += chunk.size()) {
    std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), n - off));
    std::span<std::uint8_t> part(chunk.data(), len);
    stream.fill(off, part);
    hash.update(part);
  }
  std::printf("%s\n", hash.hex().c_str());
  return 0;
}
