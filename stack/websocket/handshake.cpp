#include "stack/websocket/handshake.hpp"

#include "stack/base/digest.hpp"
#include "stack/base/enum_names.hpp"
#include "stack/http/message.hpp"

#include <algorithm>
#include <ostream>

namespace tcpsim::websocket {

namespace {

constexpr std::string_view kUpgradeName = "Upgrade";
constexpr std::string_view kConnectionName = "Connection";
constexpr std::string_view kKeyName = "Sec-WebSocket-Key";
constexpr std::string_view kVersionName = "Sec-WebSocket-Version";
constexpr std::string_view kProtocolName = "Sec-WebSocket-Protocol";
constexpr std::string_view kExtensionsName = "Sec-WebSocket-Extensions";
constexpr std::string_view kAcceptName = "Sec-WebSocket-Accept";

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

// Strips optional whitespace (RFC 9110 §5.6.3: spaces and tabs).
std::string_view trim(std::string_view s) {
  const auto ows = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && ows(s.back())) s.remove_suffix(1);
  return s;
}

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// "HTTP/<major>[.<minor>]" at version 1.1 or later.
bool http_version_ok(std::string_view v) {
  constexpr std::string_view kPrefix = "HTTP/";
  if (v.substr(0, kPrefix.size()) != kPrefix) return false;
  v.remove_prefix(kPrefix.size());
  auto number = [&v](int& out) {
    if (v.empty() || v.front() < '0' || v.front() > '9') return false;
    out = 0;
    while (!v.empty() && v.front() >= '0' && v.front() <= '9' && out < 1000) {
      out = out * 10 + (v.front() - '0');
      v.remove_prefix(1);
    }
    return true;
  };
  int major = 0;
  int minor = 0;
  if (!number(major)) return false;
  if (!v.empty()) {
    if (v.front() != '.') return false;
    v.remove_prefix(1);
    if (!number(minor) || !v.empty()) return false;
  }
  return major > 1 || (major == 1 && minor >= 1);
}

Failure<HandshakeError> refuse(HandshakeErrc code, int status, std::string_view reason) {
  HandshakeError e{code, status, reason, {}};
  if (status == 426)
    e.headers.push_back({std::string(kVersionName), std::string(kProtocolVersion)});
  return tcpsim::fail(std::move(e));
}

std::size_t count_headers(const Headers& headers, std::string_view name) {
  return static_cast<std::size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const Header& h) { return iequals(h.name, name); }));
}

}  // namespace

std::string accept_key(std::string_view sec_websocket_key) {
  std::string input(sec_websocket_key);
  input += kAcceptGuid;
  auto digest = sha1(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
  return base64(digest);
}

bool is_valid_client_key(std::string_view key) {
  // 16 bytes are five full 3-byte groups and one byte left over: 22 characters and "==".
  if (key.size() != 24 || key.substr(22) != "==") return false;
  return std::all_of(key.begin(), key.begin() + 22, is_base64_char);
}

std::string make_client_key(const std::array<std::uint8_t, 16>& nonce) {
  return base64(nonce);
}

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return trim(h.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> header_list(const Headers& headers, std::string_view name) {
  std::vector<std::string_view> items;
  for (const Header& h : headers) {
    if (!iequals(h.name, name)) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      if (!item.empty()) items.push_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return items;
}

bool header_has_token(const Headers& headers, std::string_view name, std::string_view token) {
  const auto items = header_list(headers, name);
  return std::any_of(items.begin(), items.end(),
                     [&](std::string_view item) { return iequals(item, token); });
}

UpgradeRequest make_upgrade_request(std::string_view host, std::string_view target,
                                    std::string_view key, std::span<const std::string> protocols) {
  UpgradeRequest r;
  r.target = std::string(target);
  r.headers.push_back({"Host", std::string(host)});
  r.headers.push_back({std::string(kUpgradeName), "websocket"});
  r.headers.push_back({std::string(kConnectionName), "Upgrade"});
  r.headers.push_back({std::string(kKeyName), std::string(key)});
  r.headers.push_back({std::string(kVersionName), std::string(kProtocolVersion)});
  if (!protocols.empty()) {
    std::string list;
    for (const std::string& p : protocols) {
      if (!list.empty()) list += ", ";
      list += p;
    }
    r.headers.push_back({std::string(kProtocolName), std::move(list)});
  }
  return r;
}

constexpr EnumNames<HandshakeErrc, 15> kHandshakeErrcNames{{{
    {HandshakeErrc::NotGet, "method is not GET"},
    {HandshakeErrc::BadHttpVersion, "HTTP version below 1.1"},
    {HandshakeErrc::MissingHost, "no Host header"},
    {HandshakeErrc::NotWebSocketUpgrade, "Upgrade header does not name websocket"},
    {HandshakeErrc::NoConnectionUpgrade, "Connection header lacks the upgrade token"},
    {HandshakeErrc::UnsupportedVersion, "Sec-WebSocket-Version is not 13"},
    {HandshakeErrc::MissingKey, "no Sec-WebSocket-Key header"},
    {HandshakeErrc::DuplicateKey, "more than one Sec-WebSocket-Key header"},
    {HandshakeErrc::InvalidKey, "Sec-WebSocket-Key is not base64 of 16 bytes"},
    {HandshakeErrc::NotSwitchingProtocols, "status is not 101"},
    {HandshakeErrc::ResponseNotWebSocket, "response Upgrade header lacks websocket"},
    {HandshakeErrc::ResponseNoConnection, "response Connection header lacks upgrade"},
    {HandshakeErrc::WrongAccept, "Sec-WebSocket-Accept missing or wrong"},
    {HandshakeErrc::UnexpectedExtension, "extension the client did not offer"},
    {HandshakeErrc::UnexpectedSubprotocol, "subprotocol the client did not offer"},
}}};

std::string_view to_string(HandshakeErrc code) {
  return kHandshakeErrcNames.name(code, "unknown handshake error");
}

std::string HandshakeError::message() const {
  std::string s(reason.empty() ? to_string(code) : reason);
  if (status != 0) {
    s += " (answer ";
    s += std::to_string(status);
    s += ')';
  }
  return s;
}

std::ostream& operator<<(std::ostream& os, const HandshakeError& e) {
  return os << e.message();
}

std::string_view http_reason_phrase(int status) {
  return http::reason_phrase(status);
}

tcpsim::Result<UpgradeAccept, HandshakeError> check_upgrade_request(const UpgradeRequest& request,
                                                                    const ServerOptions& options) {
  using E = HandshakeErrc;
  const Headers& h = request.headers;
  if (request.method != "GET") return refuse(E::NotGet, 400, to_string(E::NotGet));
  if (!http_version_ok(request.version)) {
    return refuse(E::BadHttpVersion, 400, to_string(E::BadHttpVersion));
  }
  if (options.require_host && !find_header(h, "Host")) {
    return refuse(E::MissingHost, 400, to_string(E::MissingHost));
  }
  if (!header_has_token(h, kUpgradeName, "websocket")) {
    return refuse(E::NotWebSocketUpgrade, 400, to_string(E::NotWebSocketUpgrade));
  }
  if (!header_has_token(h, kConnectionName, "upgrade")) {
    return refuse(E::NoConnectionUpgrade, 400, to_string(E::NoConnectionUpgrade));
  }
  // §4.2.2 item 4: a version we do not speak (or none) is answered with the one we do.
  const auto versions = header_list(h, kVersionName);
  if (versions.size() != 1 || versions.front() != kProtocolVersion) {
    return refuse(E::UnsupportedVersion, 426, to_string(E::UnsupportedVersion));
  }
  const std::size_t keys = count_headers(h, kKeyName);
  if (keys == 0) return refuse(E::MissingKey, 400, to_string(E::MissingKey));
  if (keys > 1) return refuse(E::DuplicateKey, 400, to_string(E::DuplicateKey));
  const std::string_view key = *find_header(h, kKeyName);
  if (!is_valid_client_key(key)) return refuse(E::InvalidKey, 400, to_string(E::InvalidKey));

  UpgradeAccept accept;
  accept.headers.push_back({std::string(kUpgradeName), "websocket"});
  accept.headers.push_back({std::string(kConnectionName), "Upgrade"});
  accept.headers.push_back({std::string(kAcceptName), accept_key(key)});
  for (std::string_view offered : header_list(h, kProtocolName)) {
    const auto& ours = options.subprotocols;
    if (std::find(ours.begin(), ours.end(), offered) != ours.end()) {
      accept.subprotocol = std::string(offered);
      accept.headers.push_back({std::string(kProtocolName), accept.subprotocol});
      break;
    }
  }
  return accept;
}

tcpsim::Result<HandshakeOutcome, HandshakeError> check_upgrade_response(
    const UpgradeResponse& response, std::string_view key, std::span<const std::string> offered) {
  using E = HandshakeErrc;
  const Headers& h = response.headers;
  const auto client_fail = [](E code) {
    return tcpsim::fail(HandshakeError{code, 0, to_string(code), {}});
  };
  // §4.1, the checks numbered 1-6 after the request is sent.
  if (response.status != 101) return client_fail(E::NotSwitchingProtocols);
  if (!header_has_token(h, kUpgradeName, "websocket")) return client_fail(E::ResponseNotWebSocket);
  if (!header_has_token(h, kConnectionName, "upgrade")) return client_fail(E::ResponseNoConnection);
  if (count_headers(h, kAcceptName) != 1 || *find_header(h, kAcceptName) != accept_key(key)) {
    return client_fail(E::WrongAccept);
  }
  // No extensions are ever offered by this client, so any in the answer is unexpected.
  if (!header_list(h, kExtensionsName).empty()) return client_fail(E::UnexpectedExtension);

  HandshakeOutcome outcome;
  const auto chosen = header_list(h, kProtocolName);
  if (chosen.size() > 1) return client_fail(E::UnexpectedSubprotocol);
  if (chosen.size() == 1) {
    if (std::find(offered.begin(), offered.end(), chosen.front()) == offered.end()) {
      return client_fail(E::UnexpectedSubprotocol);
    }
    outcome.subprotocol = std::string(chosen.front());
  }
  return outcome;
}

}  // namespace tcpsim::websocket
