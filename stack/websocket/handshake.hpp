// The opening handshake (RFC 6455 §4): key and accept values, the server's check of a
// client's upgrade request and the client's check of the server's 101 answer.
// Requests and responses are given as plain values; reading or writing HTTP text is the
// HTTP layer's job.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/result.hpp"

namespace tcpsim::websocket {

// §1.3: appended to the client's key before hashing.
inline constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
// §4.1: the only protocol version this stack speaks.
inline constexpr std::string_view kProtocolVersion = "13";

// base64(SHA-1(key + GUID)) (§4.2.2 item 5.4). The key is used exactly as given.
std::string accept_key(std::string_view sec_websocket_key);
// A Sec-WebSocket-Key must be the base64 form of 16 bytes (§4.1 item 7): 22 base64
// characters followed by "==". Unused low bits of the last character are not checked.
bool is_valid_client_key(std::string_view key);
// The key a client sends, from 16 nonce bytes its caller chose (no randomness in here).
std::string make_client_key(const std::array<std::uint8_t, 16>& nonce);

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};
using Headers = std::vector<Header>;

// Value of the first header called `name` (ASCII case-insensitive), without surrounding
// spaces and tabs.
std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);
// Whether the comma-separated lists in all `name` headers hold `token` (case-insensitive).
bool header_has_token(const Headers& headers, std::string_view name, std::string_view token);
// Every comma-separated element of every `name` header, trimmed, empty ones dropped.
std::vector<std::string_view> header_list(const Headers& headers, std::string_view name);

struct UpgradeRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string version = "HTTP/1.1";
  Headers headers;
};

// The request a client sends (§4.1): Host, Upgrade, Connection, Sec-WebSocket-Key,
// Sec-WebSocket-Version and, when `protocols` is not empty, Sec-WebSocket-Protocol.
UpgradeRequest make_upgrade_request(std::string_view host, std::string_view target,
                                    std::string_view key,
                                    std::span<const std::string> protocols = {});

struct ServerOptions {
  // Subprotocols this server speaks; the first one the client offers that is also here
  // is chosen (client's order, §4.2.2 item 5.4 leaves the policy to the server).
  std::vector<std::string> subprotocols;
  // §4.2.1 item 2 requires a Host header; turning this off is a leniency.
  bool require_host = true;
};

// Headers for the 101 answer, plus the chosen subprotocol (empty if none).
struct UpgradeAccept {
  int status = 101;
  Headers headers;
  std::string subprotocol;
};

enum class HandshakeErrc : std::uint8_t {
  // Server side: why a request was refused.
  NotGet,               // method other than GET (§4.1 item 2)
  BadHttpVersion,       // below HTTP/1.1 (§4.1 item 2)
  MissingHost,          // no Host header (§4.2.1 item 2)
  NotWebSocketUpgrade,  // Upgrade header absent or without "websocket" (§4.2.1 item 3)
  NoConnectionUpgrade,  // Connection header without the "upgrade" token (§4.2.1 item 4)
  UnsupportedVersion,   // Sec-WebSocket-Version absent or not 13 (§4.2.2 item 4)
  MissingKey,           // no Sec-WebSocket-Key (§4.2.1 item 5)
  DuplicateKey,         // more than one Sec-WebSocket-Key
  InvalidKey,           // not base64 of 16 bytes (§4.1 item 7)
  // Client side: why the server's answer does not establish the connection (§4.1).
  NotSwitchingProtocols,  // status other than 101
  ResponseNotWebSocket,   // Upgrade header absent or without "websocket"
  ResponseNoConnection,   // Connection header without "upgrade"
  WrongAccept,            // Sec-WebSocket-Accept missing or not the expected value
  UnexpectedExtension,    // an extension the client never offered
  UnexpectedSubprotocol,  // a subprotocol the client never offered, or more than one
};

std::string_view to_string(HandshakeErrc code);

struct HandshakeError {
  HandshakeErrc code = HandshakeErrc::NotGet;
  // HTTP status to answer with on the server side (400 or 426); 0 on the client side,
  // where the only remedy is to fail the connection.
  int status = 0;
  std::string_view reason;  // static phrase saying what was wrong
  Headers headers;          // extra response headers (426 carries Sec-WebSocket-Version)

  std::string message() const;
};

std::ostream& operator<<(std::ostream& os, const HandshakeError& e);

// The standard reason phrase of a status (http::reason_phrase: "Switching Protocols",
// "Bad Request", "Upgrade Required", ...); empty for unknown ones.
std::string_view http_reason_phrase(int status);

// Server side of §4.2.1-4.2.2. Checked in this order: method, HTTP version, Host, Upgrade,
// Connection, Sec-WebSocket-Version (426), Sec-WebSocket-Key. Extensions offered by the
// client are declined by leaving them out of the answer.
tcpsim::Result<UpgradeAccept, HandshakeError> check_upgrade_request(
    const UpgradeRequest& request, const ServerOptions& options = {});

struct UpgradeResponse {
  int status = 0;
  Headers headers;
};

struct HandshakeOutcome {
  std::string subprotocol;  // empty when none was agreed
};

// Client side of §4.1 (the numbered checks after the request is sent): `key` is the
// Sec-WebSocket-Key the client sent, `offered` the subprotocols it listed.
tcpsim::Result<HandshakeOutcome, HandshakeError> check_upgrade_response(
    const UpgradeResponse& response, std::string_view key,
    std::span<const std::string> offered = {});

}  // namespace tcpsim::websocket
