// SHA-1 and SHA-256 (FIPS 180-4) and base64 (RFC 4648 §4), for the few places the protocol
// library hashes: RFC 6528 initial sequence numbers and the WebSocket accept key
// (RFC 6455 §4.2.2). Small and portable rather than fast: each runs once per connection.
// (The simulator hashes whole transfers for its integrity check; it uses OpenSSL.)
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace tcpsim {

std::array<std::uint8_t, 20> sha1(std::span<const std::uint8_t> data);
std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> data);
// Standard alphabet, with '=' padding.
std::string base64(std::span<const std::uint8_t> data);

}  // namespace tcpsim
