// Deterministic random numbers for the simulator: xoshiro256** seeded through
// splitmix64. There is no global generator; every consumer holds its own stream, forked
// by name from the run's seed, so adding a consumer never shifts anyone else's draws.
// Every output is defined here bit for bit (no std::*_distribution, whose results vary
// between standard libraries), so a seed gives the same run on every platform.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace tcpsim::sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // The value the stream was built from; fork() derives children from it alone.
  std::uint64_t key() const { return key_; }

  // A stream determined only by this stream's key and `purpose`, independent of how many
  // numbers this one has produced. Forks of forks are fine ("link:A->B" then "loss").
  Rng fork(std::string_view purpose) const;

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform integer in [0, n); n == 0 gives 0. Unbiased (rejection sampling).
  std::uint64_t uniform(std::uint64_t n);
  // True with probability p (one draw, whatever p is; p <= 0 never, p >= 1 always).
  bool bernoulli(double p) { return uniform01() < p; }

 private:
  std::uint64_t key_;
  std::array<std::uint64_t, 4> s_;
};

// splitmix64's output function: a bijective 64-bit mix, handy for deriving seeds.
std::uint64_t mix64(std::uint64_t x);

}  // namespace tcpsim::sim
