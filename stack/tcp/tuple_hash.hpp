// The stack's one keyed hash of a connection's 4-tuple, RFC 6528's F(): SHA-256 over the
// host's secret, a purpose byte (ISN, timestamp offset, each kind of SYN cookie), the two
// endpoints and any further words. Different purposes give unrelated values.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>

#include "stack/tcp/connection.hpp"

namespace tcpsim::tcp {

std::array<std::uint8_t, 32> tuple_digest(std::uint64_t secret, std::uint8_t purpose,
                                          const Endpoint& local, const Endpoint& remote,
                                          std::initializer_list<std::uint32_t> words = {});

}  // namespace tcpsim::tcp
