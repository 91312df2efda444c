#include "stack/websocket/handshake.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tcpsim::websocket {
namespace {

// The sample nonce of RFC 6455 §1.3 / §4.1 ("the sample nonce" as 16 ASCII bytes).
constexpr std::string_view kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kSampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

UpgradeRequest good_request() {
  return make_upgrade_request("server.example.com", "/chat", kSampleKey);
}

HandshakeError refused(const UpgradeRequest& r, const ServerOptions& o = {}) {
  const auto res = check_upgrade_request(r, o);
  EXPECT_FALSE(res.ok());
  return res.ok() ? HandshakeError{} : res.error();
}

void set_header(UpgradeRequest& r, std::string_view name, std::string value) {
  for (Header& h : r.headers) {
    if (h.name == name) h.value = std::move(value);
  }
}

void drop_header(UpgradeRequest& r, std::string_view name) {
  std::erase_if(r.headers, [&](const Header& h) { return h.name == name; });
}

TEST(AcceptKey, Rfc6455Section1_3Example_Matches) {
  EXPECT_EQ(accept_key(kSampleKey), kSampleAccept);
}

TEST(ClientKey, SampleNonce_EncodesToRfcKey) {
  const std::string nonce = "the sample nonce";
  std::array<std::uint8_t, 16> bytes{};
  std::copy(nonce.begin(), nonce.end(), bytes.begin());
  EXPECT_EQ(make_client_key(bytes), kSampleKey);
  EXPECT_TRUE(is_valid_client_key(make_client_key(bytes)));
}

TEST(ClientKey, Validation_AcceptsOnlyBase64Of16Bytes) {
  EXPECT_TRUE(is_valid_client_key(kSampleKey));
  EXPECT_TRUE(is_valid_client_key("AAAAAAAAAAAAAAAAAAAAAA=="));
  EXPECT_TRUE(is_valid_client_key("+/+/+/+/+/+/+/+/+/+/+w=="));
  EXPECT_FALSE(is_valid_client_key(""));
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ="));  // 23 characters
  EXPECT_FALSE(
      is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ=="
                          "AAAA"));                               // 28 characters
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQAA"));  // 18 bytes, no padding
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZ*=="));  // not base64
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25j===="));  // 15 bytes
}

TEST(UpgradeRequest, Rfc6455Sample_Accepted) {
  UpgradeRequest r = good_request();
  r.headers.push_back({"Origin", "http://example.com"});
  const auto res = check_upgrade_request(r);
  ASSERT_TRUE(res.ok()) << res.error();
  EXPECT_EQ(res->status, 101);
  EXPECT_EQ(http_reason_phrase(res->status), "Switching Protocols");
  const Headers expected = {{"Upgrade", "websocket"},
                            {"Connection", "Upgrade"},
                            {"Sec-WebSocket-Accept", std::string(kSampleAccept)}};
  EXPECT_EQ(res->headers, expected);
  EXPECT_TRUE(res->subprotocol.empty());
}

TEST(UpgradeRequest, HeaderNamesAndTokensCaseInsensitive_Accepted) {
  UpgradeRequest r;
  r.headers = {{"host", "h"},
               {"UPGRADE", "WebSocket"},
               {"connection", "keep-alive, Upgrade"},
               {"sec-websocket-key", std::string(" ") + std::string(kSampleKey) + "\t"},
               {"SEC-WEBSOCKET-VERSION", "13"}};
  const auto res = check_upgrade_request(r);
  ASSERT_TRUE(res.ok()) << res.error();
  EXPECT_EQ(*find_header(res->headers, "sec-websocket-accept"), kSampleAccept);
}

TEST(UpgradeRequest, ConnectionTokenInSecondHeaderLine_Accepted) {
  UpgradeRequest r = good_request();
  set_header(r, "Connection", "keep-alive");
  r.headers.push_back({"Connection", "upgrade"});
  EXPECT_TRUE(check_upgrade_request(r).ok());
}

TEST(UpgradeRequest, Subprotocol_FirstOfferedThatServerSupports) {
  const std::vector<std::string> offered = {"chat.v2", "chat", "superchat"};
  UpgradeRequest r = make_upgrade_request("h", "/", kSampleKey, offered);
  ServerOptions o;
  o.subprotocols = {"superchat", "chat"};
  const auto res = check_upgrade_request(r, o);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->subprotocol, "chat");
  EXPECT_EQ(*find_header(res->headers, "Sec-WebSocket-Protocol"), "chat");
}

TEST(UpgradeRequest, SubprotocolAcrossHeaderLines_Chosen) {
  UpgradeRequest r = good_request();
  r.headers.push_back({"Sec-WebSocket-Protocol", "a, b"});
  r.headers.push_back({"Sec-WebSocket-Protocol", "c"});
  ServerOptions o;
  o.subprotocols = {"c"};
  const auto res = check_upgrade_request(r, o);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->subprotocol, "c");
}

TEST(UpgradeRequest, NoCommonSubprotocol_AcceptedWithoutOne) {
  const std::vector<std::string> offered = {"x"};
  ServerOptions o;
  o.subprotocols = {"y"};
  const auto res = check_upgrade_request(make_upgrade_request("h", "/", kSampleKey, offered), o);
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(res->subprotocol.empty());
  EXPECT_FALSE(find_header(res->headers, "Sec-WebSocket-Protocol"));
}

TEST(UpgradeRequest, NotGet_400) {
  UpgradeRequest r = good_request();
  r.method = "POST";
  const auto e = refused(r);
  EXPECT_EQ(e.code, HandshakeErrc::NotGet);
  EXPECT_EQ(e.status, 400);
  EXPECT_FALSE(e.reason.empty());
}

TEST(UpgradeRequest, Http10_400) {
  UpgradeRequest r = good_request();
  r.version = "HTTP/1.0";
  EXPECT_EQ(refused(r).code, HandshakeErrc::BadHttpVersion);
  r.version = "HTTP/1.x";
  EXPECT_EQ(refused(r).status, 400);
  r.version = "HTTP/1.2";
  EXPECT_TRUE(check_upgrade_request(r).ok());
}

TEST(UpgradeRequest, MissingHost_400UnlessLenient) {
  UpgradeRequest r = good_request();
  drop_header(r, "Host");
  EXPECT_EQ(refused(r).code, HandshakeErrc::MissingHost);
  ServerOptions lenient;
  lenient.require_host = false;
  EXPECT_TRUE(check_upgrade_request(r, lenient).ok());
}

TEST(UpgradeRequest, UpgradeNotWebsocket_400) {
  UpgradeRequest r = good_request();
  set_header(r, "Upgrade", "h2c");
  auto e = refused(r);
  EXPECT_EQ(e.code, HandshakeErrc::NotWebSocketUpgrade);
  EXPECT_EQ(e.status, 400);
  drop_header(r, "Upgrade");
  EXPECT_EQ(refused(r).code, HandshakeErrc::NotWebSocketUpgrade);
}

TEST(UpgradeRequest, ConnectionWithoutUpgrade_400) {
  UpgradeRequest r = good_request();
  set_header(r, "Connection", "keep-alive");
  const auto e = refused(r);
  EXPECT_EQ(e.code, HandshakeErrc::NoConnectionUpgrade);
  EXPECT_EQ(e.status, 400);
  // "upgrade" must be a whole token, not a substring of one.
  set_header(r, "Connection", "upgraded");
  EXPECT_EQ(refused(r).code, HandshakeErrc::NoConnectionUpgrade);
}

TEST(UpgradeRequest, WrongVersion_426WithSupportedVersion) {
  UpgradeRequest r = good_request();
  set_header(r, "Sec-WebSocket-Version", "8");
  const auto e = refused(r);
  EXPECT_EQ(e.code, HandshakeErrc::UnsupportedVersion);
  EXPECT_EQ(e.status, 426);
  EXPECT_EQ(http_reason_phrase(e.status), "Upgrade Required");
  const Headers expected = {{"Sec-WebSocket-Version", "13"}};
  EXPECT_EQ(e.headers, expected);
}

TEST(UpgradeRequest, MissingVersion_426) {
  UpgradeRequest r = good_request();
  drop_header(r, "Sec-WebSocket-Version");
  const auto e = refused(r);
  EXPECT_EQ(e.code, HandshakeErrc::UnsupportedVersion);
  EXPECT_EQ(e.status, 426);
}

TEST(UpgradeRequest, MissingKey_400) {
  UpgradeRequest r = good_request();
  drop_header(r, "Sec-WebSocket-Key");
  const auto e = refused(r);
  EXPECT_EQ(e.code, HandshakeErrc::MissingKey);
  EXPECT_EQ(e.status, 400);
  EXPECT_TRUE(e.headers.empty());
}

TEST(UpgradeRequest, InvalidKey_400) {
  UpgradeRequest r = good_request();
  set_header(r, "Sec-WebSocket-Key", "short==");
  const auto e = refused(r);
  EXPECT_EQ(e.code, HandshakeErrc::InvalidKey);
  EXPECT_EQ(e.status, 400);
  EXPECT_NE(e.message().find("400"), std::string::npos);
}

TEST(UpgradeRequest, TwoKeys_400) {
  UpgradeRequest r = good_request();
  r.headers.push_back({"Sec-WebSocket-Key", std::string(kSampleKey)});
  EXPECT_EQ(refused(r).code, HandshakeErrc::DuplicateKey);
}

UpgradeResponse response_for(const UpgradeRequest& r, const ServerOptions& o = {}) {
  const auto res = check_upgrade_request(r, o);
  EXPECT_TRUE(res.ok());
  return UpgradeResponse{res->status, res->headers};
}

TEST(UpgradeResponse, FromServerCheck_Established) {
  const std::vector<std::string> offered = {"chat", "superchat"};
  ServerOptions o;
  o.subprotocols = {"superchat"};
  const UpgradeRequest req = make_upgrade_request("h", "/", kSampleKey, offered);
  const auto res = check_upgrade_response(response_for(req, o), kSampleKey, offered);
  ASSERT_TRUE(res.ok()) << res.error();
  EXPECT_EQ(res->subprotocol, "superchat");
}

TEST(UpgradeResponse, Status200_Fails) {
  UpgradeResponse resp = response_for(good_request());
  resp.status = 200;
  const auto res = check_upgrade_response(resp, kSampleKey);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, HandshakeErrc::NotSwitchingProtocols);
  EXPECT_EQ(res.error().status, 0);
}

TEST(UpgradeResponse, MissingUpgradeOrConnection_Fails) {
  UpgradeResponse resp = response_for(good_request());
  resp.headers[0].value = "tls/1.3";
  EXPECT_EQ(check_upgrade_response(resp, kSampleKey).error().code,
            HandshakeErrc::ResponseNotWebSocket);
  resp = response_for(good_request());
  resp.headers[1].value = "close";
  EXPECT_EQ(check_upgrade_response(resp, kSampleKey).error().code,
            HandshakeErrc::ResponseNoConnection);
}

TEST(UpgradeResponse, WrongOrMissingAccept_Fails) {
  const UpgradeResponse resp = response_for(good_request());
  EXPECT_EQ(check_upgrade_response(resp, "AAAAAAAAAAAAAAAAAAAAAA==").error().code,
            HandshakeErrc::WrongAccept);
  UpgradeResponse missing = resp;
  missing.headers.pop_back();
  EXPECT_EQ(check_upgrade_response(missing, kSampleKey).error().code, HandshakeErrc::WrongAccept);
}

TEST(UpgradeResponse, UnofferedSubprotocol_Fails) {
  UpgradeResponse resp = response_for(good_request());
  resp.headers.push_back({"Sec-WebSocket-Protocol", "chat"});
  EXPECT_EQ(check_upgrade_response(resp, kSampleKey).error().code,
            HandshakeErrc::UnexpectedSubprotocol);
  const std::vector<std::string> offered = {"chat", "mqtt"};
  EXPECT_TRUE(check_upgrade_response(resp, kSampleKey, offered).ok());
  resp.headers.back().value = "chat, mqtt";
  EXPECT_EQ(check_upgrade_response(resp, kSampleKey, offered).error().code,
            HandshakeErrc::UnexpectedSubprotocol);
}

TEST(UpgradeResponse, UnofferedExtension_Fails) {
  UpgradeResponse resp = response_for(good_request());
  resp.headers.push_back({"Sec-WebSocket-Extensions", "permessage-deflate"});
  EXPECT_EQ(check_upgrade_response(resp, kSampleKey).error().code,
            HandshakeErrc::UnexpectedExtension);
}

TEST(HeaderHelpers, ListAndToken_SplitOnCommasAndTrim) {
  const Headers h = {{"X", " a ,b,, c\t"}, {"x", "D"}};
  const std::vector<std::string_view> expected = {"a", "b", "c", "D"};
  EXPECT_EQ(header_list(h, "X"), expected);
  EXPECT_TRUE(header_has_token(h, "x", "d"));
  EXPECT_FALSE(header_has_token(h, "x", "e"));
  EXPECT_EQ(*find_header(h, "X"), "a ,b,, c");
  EXPECT_FALSE(find_header(h, "Y"));
}

}  // namespace
}  // namespace tcpsim::websocket
