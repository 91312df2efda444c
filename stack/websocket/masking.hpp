// Masking keys (RFC 6455 §5.3). The stack draws no randomness of its own: a client is given
// a key source by its caller, so a seeded run produces the same bytes every time.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>

namespace tcpsim::websocket {

using MaskKey = std::array<std::uint8_t, 4>;

// Called once per outgoing client frame.
using MaskSource = std::function<MaskKey()>;

// XORs `data` in place with `key`, where data[0] sits at `phase` bytes into the masked
// payload (so a payload can be masked or unmasked in pieces).
void apply_mask(std::span<std::uint8_t> data, const MaskKey& key, std::uint64_t phase = 0);

// A deterministic key sequence from a seed: each key is the next output of a SplitMix64
// generator. Not unpredictable, which the RFC wants against proxy cache poisoning on real
// networks; within a simulation, reproducibility matters more. A caller that needs strong
// keys supplies its own MaskSource.
class SeededMaskSource {
 public:
  explicit SeededMaskSource(std::uint64_t seed) : state_(seed) {}
  MaskKey operator()();

 private:
  std::uint64_t state_;
};

}  // namespace tcpsim::websocket
