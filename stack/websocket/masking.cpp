#include "stack/websocket/masking.hpp"

namespace tcpsim::websocket {

void apply_mask(std::span<std::uint8_t> data, const MaskKey& key, std::uint64_t phase) {
  std::size_t j = static_cast<std::size_t>(phase % 4);
  for (std::uint8_t& b : data) {
    b ^= key[j];
    j = (j + 1) & 3;
  }
}

MaskKey SeededMaskSource::operator()() {
  // SplitMix64 step (Steele, Lea and Flood, 2014).
  state_ += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return {static_cast<std::uint8_t>(z >> 24), static_cast<std::uint8_t>(z >> 16),
          static_cast<std::uint8_t>(z >> 8), static_cast<std::uint8_t>(z)};
}

}  // namespace tcpsim::websocket
