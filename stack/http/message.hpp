// HTTP/1.1 messages as plain values, and the questions asked of them (RFC 9110, RFC 9112).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tcpsim::http {

// HTTP-version (RFC 9112 §2.3): one digit each side of the dot.
struct Version {
  int major = 1;
  int minor = 1;
  bool operator==(const Version&) const = default;
  // True for 1.1 and later 1.x: persistence by default, Host required (RFC 9112 §9.3).
  bool at_least_11() const { return major > 1 || (major == 1 && minor >= 1); }
};

inline constexpr Version kHttp10{1, 0};
inline constexpr Version kHttp11{1, 1};

// "HTTP/1.1".
std::string to_string(Version v);

// One field line: the name as received (case kept) and the value without surrounding OWS.
struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};

// Field lines in the order they arrived; repeated names stay separate entries.
using Headers = std::vector<Header>;

// First field with this name (compared case-insensitively), or nullptr.
const Header* find_header(const Headers& headers, std::string_view name);
// Number of field lines with this name.
std::size_t count_header(const Headers& headers, std::string_view name);
// All values of this name joined with ", " as RFC 9110 §5.3 allows for list-based fields;
// nullopt when absent.
std::optional<std::string> combined_header(const Headers& headers, std::string_view name);
// True if any field line with this name holds `token` in its comma-separated list
// (case-insensitive), e.g. has_token(h, "Connection", "close").
bool has_token(const Headers& headers, std::string_view name, std::string_view token);
// Removes every field with this name; returns how many went.
std::size_t remove_header(Headers& headers, std::string_view name);

struct Request {
  std::string method = "GET";
  std::string target = "/";
  Version version = kHttp11;
  Headers headers;
  std::string body;  // the content after any transfer coding is removed; any bytes
  Headers trailers;  // fields of a chunked body's trailer section

  // First value of the named field (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  bool operator==(const Request&) const = default;
};

struct Response {
  Version version = kHttp11;
  int status = 200;
  std::string reason = "OK";
  Headers headers;
  std::string body;
  Headers trailers;

  std::optional<std::string_view> header(std::string_view name) const;
  bool operator==(const Response&) const = default;
};

// Whether the connection stays open after this message (RFC 9112 §9.3): not if it carries
// the "close" option; yes for HTTP/1.1 and later; for HTTP/1.0 only with "keep-alive".
// (A response whose body runs to the close is never persistent; the parser's HeadInfo
// knows the framing and accounts for that.)
bool keep_alive(const Request& request);
bool keep_alive(const Response& response);
bool keep_alive(Version version, const Headers& headers);

// A status code that never has content (RFC 9110 §6.4.1): 1xx, 204 and 304.
constexpr bool status_has_no_body(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// The usual reason phrase for a status code ("Not Found"), or "" for codes without one.
std::string_view reason_phrase(int status);

}  // namespace tcpsim::http
