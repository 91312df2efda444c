// Parser behaviour: every error with its code and offset under any split, the feed/finish
// contract, pause and upgrade, pipelining, bodies, limits and leniencies.
#include "stack/http/parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "stack/http/event_log.hpp"

namespace tcpsim::http {
namespace {

// Feeds `input` in pieces of the given sizes; returns the status of the last call.
FeedResult feed_pieces(Parser& p, std::string_view input, const std::vector<std::size_t>& sizes) {
  FeedResult r;
  std::size_t at = 0;
  for (std::size_t i = 0; at < input.size() || i == 0; ++i) {
    const std::size_t n =
        i < sizes.size() ? std::min(sizes[i], input.size() - at) : input.size() - at;
    r = p.feed(input.substr(at, n));
    if (r.status == Status::Error || r.status == Status::Paused) break;
    at += n;
  }
  return r;
}

std::vector<std::size_t> random_pieces(std::mt19937& rng, std::size_t total) {
  std::vector<std::size_t> sizes;
  while (total > 0) {
    const std::size_t n =
        std::uniform_int_distribution<std::size_t>(1, std::min<std::size_t>(total, 9))(rng);
    sizes.push_back(n);
    total -= n;
  }
  return sizes;
}

std::string log_of(Kind kind, std::string_view input, bool finish = false) {
  Parser p(kind);
  EventLog log;
  replay(p, log, input, {}, finish);
  return log.text();
}

// -- Every error, with its code and offset, however the input is split -------------------

struct ErrorCase {
  const char* label;
  Kind kind;
  std::string input;
  Error code;
  std::size_t offset;
  Limits limits = {};
  bool finish = false;
};

const std::string kPost = "POST / HTTP/1.1\r\nHost: h\r\n";                     // 26 bytes
const std::string kChunkedPost = kPost + "Transfer-Encoding: chunked\r\n\r\n";  // 56 bytes

std::vector<ErrorCase> error_cases() {
  Limits small_line;
  small_line.max_start_line = 20;
  Limits small_section;
  small_section.max_header_bytes = 12;
  Limits forty_bytes;
  forty_bytes.max_header_bytes = 40;
  Limits two_fields;
  two_fields.max_headers = 2;
  Limits small_chunk_line;
  small_chunk_line.max_chunk_line = 8;
  Limits small_body;
  small_body.max_body = 3;
  return {
      {"method with '('", Kind::Request, "GE(T / HTTP/1.1\r\n\r\n", Error::InvalidMethod, 2},
      {"empty method", Kind::Request, " / HTTP/1.1\r\n\r\n", Error::InvalidMethod, 0},
      {"target with DEL", Kind::Request, "GET /a\x7f HTTP/1.1\r\n\r\n", Error::InvalidTarget, 6},
      {"two SPs before target", Kind::Request, "GET  / HTTP/1.1\r\n\r\n", Error::InvalidTarget, 4},
      {"no target", Kind::Request, "GET\r\n\r\n", Error::InvalidTarget, 3},
      {"no version", Kind::Request, "GET /\r\n\r\n", Error::InvalidVersion, 5},
      {"lower-case http", Kind::Request, "GET / http/1.1\r\n\r\n", Error::InvalidVersion, 6},
      {"two-digit minor", Kind::Request, "GET / HTTP/1.10\r\n\r\n", Error::InvalidVersion, 14},
      {"HTTP/0.9", Kind::Request, "GET / HTTP/0.9\r\n\r\n", Error::UnsupportedVersion, 11},
      {"status two digits", Kind::Response, "HTTP/1.1 20 OK\r\n\r\n", Error::InvalidStatus, 11},
      {"status 600", Kind::Response, "HTTP/1.1 600 Odd\r\n\r\n", Error::InvalidStatus, 9},
      {"status without SP", Kind::Response, "HTTP/1.1 200\r\n\r\n", Error::InvalidStatus, 12},
      {"no status", Kind::Response, "HTTP/1.1\r\n\r\n", Error::InvalidStatus, 8},
      {"reason with NUL", Kind::Response, std::string("HTTP/1.1 200 O\0K\r\n\r\n", 20),
       Error::InvalidReason, 14},
      {"start line too long", Kind::Request, "GET /0123456789abcdef HTTP/1.1\r\n\r\n",
       Error::StartLineTooLong, 20, small_line},
      {"bare CR in value", Kind::Request, "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", Error::BareCr,
       23},
      {"bare CR after chunk data", Kind::Request, kChunkedPost + "1\r\nx\rz", Error::BareCr, 60},
      {"bare LF in start line", Kind::Request, "GET / HTTP/1.1\nHost: h\r\n\r\n", Error::BareLf,
       14},
      {"bare LF ending headers", Kind::Request, "GET / HTTP/1.1\r\nHost: h\r\n\n", Error::BareLf,
       25},
      {"bare LF after chunk data", Kind::Request, kChunkedPost + "1\r\nx\n", Error::BareLf, 60},
      {"whitespace after start line", Kind::Request, "GET / HTTP/1.1\r\n\tHost: h\r\n\r\n",
       Error::WhitespaceAfterStartLine, 16},
      {"obs-fold", Kind::Request, "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\n 2\r\n\r\n", Error::ObsFold,
       31},
      {"obs-fold in trailers", Kind::Request, kChunkedPost + "0\r\nA: 1\r\n\t2\r\n\r\n",
       Error::ObsFold, 65},
      {"name with '@'", Kind::Request, "GET / HTTP/1.1\r\nHo@st: h\r\n\r\n",
       Error::InvalidHeaderName, 18},
      {"empty name", Kind::Request, "GET / HTTP/1.1\r\n: h\r\n\r\n", Error::InvalidHeaderName, 16},
      {"space inside name", Kind::Request, "GET / HTTP/1.1\r\nHo st: h\r\n\r\n",
       Error::InvalidHeaderName, 18},
      {"space before colon", Kind::Request, "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
       Error::WhitespaceBeforeColon, 20},
      {"tab before colon", Kind::Request, "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n",
       Error::WhitespaceBeforeColon, 20},
      {"no colon", Kind::Request, "GET / HTTP/1.1\r\nHost\r\n\r\n", Error::MissingColon, 20},
      {"value with DEL", Kind::Request, "GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n",
       Error::InvalidHeaderValue, 23},
      {"value with ESC", Kind::Request, "GET / HTTP/1.1\r\nHost: \x1b\r\n\r\n",
       Error::InvalidHeaderValue, 22},
      {"header section too large", Kind::Request, "GET / HTTP/1.1\r\nHost: example\r\n\r\n",
       Error::HeaderSectionTooLarge, 28, small_section},
      {"trailer section too large", Kind::Request,
       kChunkedPost + "0\r\nX: 0123456789012345678901234567890123456789\r\n\r\n",
       Error::HeaderSectionTooLarge, 99, forty_bytes},
      {"too many fields", Kind::Request, "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n",
       Error::TooManyHeaders, 31, two_fields},
      {"missing Host", Kind::Request, "GET / HTTP/1.1\r\n\r\n", Error::MissingHost, 16},
      {"two Host lines", Kind::Request, "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n",
       Error::MultipleHost, 25},
      {"Content-Length with letters", Kind::Request, kPost + "Content-Length: 1a\r\n\r\n",
       Error::InvalidContentLength, 43},
      {"empty Content-Length", Kind::Request, kPost + "Content-Length:\r\n\r\n",
       Error::InvalidContentLength, 41},
      {"negative Content-Length", Kind::Request, kPost + "Content-Length: -1\r\n\r\n",
       Error::InvalidContentLength, 42},
      {"Content-Length overflow", Kind::Request,
       kPost + "Content-Length: 99999999999999999999\r\n\r\n", Error::InvalidContentLength, 42},
      {"Content-Length list with a gap", Kind::Request, kPost + "Content-Length: 5,,5\r\n\r\n",
       Error::InvalidContentLength, 44},
      {"Content-Length list disagrees", Kind::Request, kPost + "Content-Length: 5, 6\r\n\r\n",
       Error::ConflictingContentLength, 45},
      {"Content-Length lines disagree", Kind::Response,
       "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
       Error::ConflictingContentLength, 36},
      {"Content-Length after chunked", Kind::Request,
       kPost + "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n",
       Error::ContentLengthWithTransferEncoding, 54},
      {"empty Transfer-Encoding", Kind::Request, kPost + "Transfer-Encoding: ,\r\n\r\n",
       Error::InvalidTransferEncoding, 45},
      {"coding that is not a token", Kind::Request, kPost + "Transfer-Encoding: chun ked\r\n\r\n",
       Error::InvalidTransferEncoding, 45},
      {"chunked twice over two lines", Kind::Response,
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
       Error::InvalidTransferEncoding, 64},
      {"chunked with a parameter", Kind::Request, kPost + "Transfer-Encoding: chunked;x=1\r\n\r\n",
       Error::InvalidTransferEncoding, 52},
      {"chunked then gzip in a request", Kind::Request,
       kPost + "Transfer-Encoding: chunked, gzip\r\n\r\n", Error::TransferEncodingNotChunked, 26},
      {"unknown coding", Kind::Request, kPost + "Transfer-Encoding: br, chunked\r\n\r\n",
       Error::UnknownTransferCoding, 45},
      {"Transfer-Encoding in 1.0 response", Kind::Response,
       "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", Error::TransferEncodingInHttp10,
       17},
      {"chunk-size not hex", Kind::Request, kChunkedPost + "g\r\n", Error::InvalidChunkSize, 56},
      {"chunk-size overflow", Kind::Request, kChunkedPost + "10000000000000000\r\n",
       Error::InvalidChunkSize, 72},
      {"chunk-size then space", Kind::Request, kChunkedPost + "1 \r\nx\r\n",
       Error::InvalidChunkSize, 57},
      {"chunk-size then junk", Kind::Request, kChunkedPost + "1x\r\nx\r\n", Error::InvalidChunkSize,
       57},
      {"chunk extension without name", Kind::Request, kChunkedPost + "1;=a\r\nx\r\n",
       Error::InvalidChunkExtension, 58},
      {"chunk extension quote not closed", Kind::Request, kChunkedPost + "1;a=\"b\r\nx\r\n",
       Error::InvalidChunkExtension, 62},
      {"chunk line too long", Kind::Request, kChunkedPost + "1;aaaaaaaa\r\nx\r\n",
       Error::ChunkLineTooLong, 64, small_chunk_line},
      {"chunk data too long", Kind::Request, kChunkedPost + "1\r\nxy\r\n", Error::InvalidChunkData,
       60},
      {"Content-Length above limit", Kind::Request, kPost + "Content-Length: 4\r\n\r\nabcd",
       Error::BodyTooLarge, 42, small_body},
      {"chunks add up above limit", Kind::Request, kChunkedPost + "2\r\nab\r\n2\r\nab\r\n",
       Error::BodyTooLarge, 63, small_body},
      {"close-delimited above limit", Kind::Response, "HTTP/1.1 200 OK\r\n\r\nabcdef",
       Error::BodyTooLarge, 22, small_body},
      {"end inside a body",
       Kind::Request,
       kPost + "Content-Length: 4\r\n\r\nab",
       Error::UnexpectedEof,
       49,
       {},
       true},
      {"end inside a start line", Kind::Request, "GET / HT", Error::UnexpectedEof, 8, {}, true},
      {"end inside a chunk",
       Kind::Request,
       kChunkedPost + "5\r\nab",
       Error::UnexpectedEof,
       61,
       {},
       true},
      {"request after close", Kind::Request,
       "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET", Error::DataAfterClose, 46},
  };
}

void PrintTo(const ErrorCase& c, std::ostream* os) {
  *os << c.label;
}

class ErrorTable : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorTable, AnySplit_SameCodeAndOffset) {
  const ErrorCase& c = GetParam();
  std::mt19937 rng(7);
  std::vector<std::vector<std::size_t>> splits = {{}, std::vector<std::size_t>(c.input.size(), 1)};
  for (int i = 0; i < 10; ++i) splits.push_back(random_pieces(rng, c.input.size()));
  for (const auto& sizes : splits) {
    Parser p(c.kind, c.limits);
    FeedResult r = feed_pieces(p, c.input, sizes);
    if (c.finish) {
      ASSERT_NE(r.status, Status::Error) << c.label;
      r = p.finish();
    }
    ASSERT_EQ(r.status, Status::Error) << c.label;
    ASSERT_TRUE(p.has_error());
    EXPECT_EQ(p.error().code, c.code) << c.label << ": " << p.error().message();
    EXPECT_EQ(p.error().offset, c.offset) << c.label << ": " << p.error().message();
    EXPECT_FALSE(p.error().reason.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Parser, ErrorTable, ::testing::ValuesIn(error_cases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) {
                           std::string name = info.param.label;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name + "_" + std::to_string(info.index);
                         });

TEST(Parser, ErrorTable_CoversEveryCode_AllPresent) {
  std::set<Error> seen;
  for (const ErrorCase& c : error_cases()) seen.insert(c.code);
  for (int i = 0; i <= static_cast<int>(Error::DataAfterClose); ++i) {
    EXPECT_TRUE(seen.count(static_cast<Error>(i))) << name(static_cast<Error>(i));
  }
}

// -- The feed contract --------------------------------------------------------------------

TEST(Parser, Feed_PartialMessage_NeedMoreNotError) {
  Parser p(Kind::Request);
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHo"), (FeedResult{18, Status::NeedMore}));
  EXPECT_TRUE(p.in_message());
  EXPECT_FALSE(p.has_error());
  EXPECT_EQ(p.feed("st: h\r\n\r\n"), (FeedResult{9, Status::Ok}));
  EXPECT_FALSE(p.in_message());
  EXPECT_EQ(p.messages_completed(), 1u);
  EXPECT_EQ(p.offset(), 27u);
}

TEST(Parser, Feed_EmptyInput_OkBetweenMessages) {
  Parser p(Kind::Request);
  EXPECT_EQ(p.feed(""), (FeedResult{0, Status::Ok}));
  EXPECT_EQ(p.feed("\r"), (FeedResult{1, Status::Ok}));  // maybe an ignored empty line
  EXPECT_EQ(p.feed("\nG"), (FeedResult{2, Status::NeedMore}));
}

TEST(Parser, Error_ConsumedStopsBeforeOffendingByte) {
  Parser p(Kind::Request);
  ASSERT_EQ(p.feed("GET / HTTP/1.1\r\n").status, Status::NeedMore);
  // The '@' is byte 18 overall, byte 2 of this input.
  EXPECT_EQ(p.feed("Ho@st: h\r\n\r\n"), (FeedResult{2, Status::Error}));
  EXPECT_EQ(p.error().offset, 18u);
}

TEST(Parser, Error_LaterCalls_StickyAndConsumeNothing) {
  Parser p(Kind::Request);
  ASSERT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n").status, Status::Error);
  const ParseError first = p.error();
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), (FeedResult{0, Status::Error}));
  EXPECT_EQ(p.finish(), (FeedResult{0, Status::Error}));
  EXPECT_EQ(p.error(), first);
  EXPECT_EQ(first.message(),
            "InvalidContentLength at byte 41: Content-Length is not a decimal number");
}

TEST(Parser, Error_InEarlierInput_ConsumedZero) {
  Parser p(Kind::Request);
  ASSERT_EQ(p.feed("GET / HTTP/1.1\r\nHost: a\rb").status, Status::NeedMore);
  EXPECT_EQ(p.feed("\r\n"), (FeedResult{0, Status::Error}));
  EXPECT_EQ(p.error().code, Error::BareCr);
  EXPECT_EQ(p.error().offset, 23u);
}

TEST(Parser, Reset_AfterError_ParsesAfresh) {
  Parser p(Kind::Request);
  ASSERT_EQ(p.feed("BAD\r\n").status, Status::Error);
  p.reset();
  EXPECT_FALSE(p.has_error());
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n").status, Status::Ok);
  EXPECT_EQ(p.offset(), 27u);
}

TEST(Parser, Body_SpansPointIntoCallerBuffer) {
  struct Spans : Handler {
    std::vector<std::span<const std::uint8_t>> pieces;
    void on_body(std::span<const std::uint8_t> d) override { pieces.push_back(d); }
  } spans;
  const std::string input = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
  Parser p(Kind::Request);
  p.set_handler(&spans);
  ASSERT_EQ(p.feed(input).status, Status::Ok);
  ASSERT_EQ(spans.pieces.size(), 1u);
  EXPECT_EQ(reinterpret_cast<const char*>(spans.pieces[0].data()), input.data() + input.size() - 5);
  EXPECT_EQ(spans.pieces[0].size(), 5u);
}

TEST(Parser, Feed_ByteSpanOverload_SameAsText) {
  const std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::vector<std::uint8_t> bytes(text.begin(), text.end());
  Parser a(Kind::Response), b(Kind::Response);
  EventLog la, lb;
  a.set_handler(&la);
  b.set_handler(&lb);
  EXPECT_EQ(a.feed(text), b.feed(std::span<const std::uint8_t>(bytes)));
  EXPECT_EQ(la.lines(), lb.lines());
}

TEST(Parser, NoHandler_EventsDropped_StillParses) {
  Parser p(Kind::Request);
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").status,
            Status::Ok);
  EXPECT_EQ(p.messages_completed(), 2u);
}

// -- Pause, upgrade, finish ---------------------------------------------------------------

TEST(Parser, Pause_FromHandler_StopsAfterMessageAndResumes) {
  struct PauseEach : Handler {
    Parser* parser = nullptr;
    int completed = 0;
    void on_message_complete() override {
      ++completed;
      parser->pause();
    }
  } h;
  Parser p(Kind::Request);
  h.parser = &p;
  p.set_handler(&h);
  const std::string one = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string input = one + one;
  FeedResult r = p.feed(input);
  EXPECT_EQ(r, (FeedResult{one.size(), Status::Paused}));
  EXPECT_TRUE(p.paused());
  EXPECT_EQ(p.feed(input.substr(r.consumed)), (FeedResult{0, Status::Paused}));
  p.resume();
  r = p.feed(input.substr(r.consumed));
  EXPECT_EQ(r, (FeedResult{one.size(), Status::Paused}));
  EXPECT_EQ(h.completed, 2);
}

TEST(Parser, Upgrade_Refused_ResumeParsesNextRequest) {
  const std::string upgrade =
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n";
  const std::string next = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
  Parser p(Kind::Request);
  EventLog log;
  p.set_handler(&log);
  FeedResult r = p.feed(upgrade + next);
  EXPECT_EQ(r, (FeedResult{upgrade.size(), Status::Paused}));
  EXPECT_TRUE(p.upgraded());
  p.resume();
  EXPECT_FALSE(p.upgraded());
  EXPECT_EQ(p.feed(next).status, Status::Ok);
  EXPECT_EQ(p.messages_completed(), 2u);
}

TEST(Parser, Upgrade_WithoutConnectionOption_NotAnUpgrade) {
  // RFC 9110 §7.8: Upgrade counts only when named in Connection.
  Parser p(Kind::Request);
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n").status, Status::Ok);
  EXPECT_FALSE(p.upgraded());
}

TEST(Parser, Finish_BetweenMessages_Ok) {
  Parser p(Kind::Request);
  ASSERT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n\r").status, Status::Ok);
  EXPECT_EQ(p.finish(), (FeedResult{0, Status::Ok}));
  // Nothing may follow the end of input.
  EXPECT_EQ(p.feed("GET"), (FeedResult{0, Status::Error}));
  EXPECT_EQ(p.error().code, Error::DataAfterClose);
  EXPECT_EQ(p.error().offset, 28u);
}

TEST(Parser, Finish_CloseDelimitedBody_CompletesMessage) {
  EXPECT_EQ(log_of(Kind::Response, "HTTP/1.0 200 OK\r\n\r\nab", true),
            "message_begin\n"
            "status_line version=HTTP/1.0 status=200 reason=\"OK\"\n"
            "headers_complete body=UntilClose keep_alive=false upgrade=false\n"
            "body \"ab\"\n"
            "message_complete\n"
            "result Ok\n");
}

TEST(Parser, CloseDelimited_BeforeFinish_NeedMore) {
  Parser p(Kind::Response);
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\n\r\nabc").status, Status::NeedMore);
  EXPECT_EQ(p.messages_completed(), 0u);
  EXPECT_EQ(p.finish().status, Status::Ok);
  EXPECT_EQ(p.messages_completed(), 1u);
}

// -- Responses and the requests they answer -----------------------------------------------

TEST(Parser, ExpectResponseTo_PipelinedHeadAndGet_FramedPerRequest) {
  Parser p(Kind::Response);
  p.expect_response_to("GET");
  p.expect_response_to("HEAD");
  p.expect_response_to("GET");
  EventLog log;
  p.set_handler(&log);
  const std::string r200 = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n";
  EXPECT_EQ(p.feed(r200 + "abc" + r200 + r200 + "xyz").status, Status::Ok);
  EXPECT_EQ(p.messages_completed(), 3u);
  EXPECT_EQ(std::count(log.lines().begin(), log.lines().end(), "body \"abc\""), 1);
  EXPECT_EQ(std::count(log.lines().begin(), log.lines().end(), "body \"xyz\""), 1);
}

TEST(Parser, ExpectResponseTo_ConnectRefused_BodyFollows) {
  Parser p(Kind::Response);
  p.expect_response_to("CONNECT");
  EXPECT_EQ(
      p.feed("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 1\r\n\r\nx").status,
      Status::Ok);
  EXPECT_FALSE(p.upgraded());
}

TEST(Parser, Response_UpperCaseHexAndExtensions_Accepted) {
  Parser p(Kind::Response);
  EXPECT_EQ(p.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n"
                   "1F;a;b=\"q\\\"x\"\r\n0123456789012345678901234567890\r\n0\r\n\r\n")
                .status,
            Status::Ok);
}

// -- Persistence (RFC 9112 §9.3) ------------------------------------------------------------

struct KeepAliveCase {
  const char* version;
  const char* connection;  // nullptr: no Connection field
  bool keep_alive;
};

TEST(Parser, HeadersComplete_KeepAliveMatrix_PerVersionAndOptions) {
  const KeepAliveCase cases[] = {
      {"1.1", nullptr, true},           {"1.1", "close", false},
      {"1.1", "keep-alive", true},      {"1.1", "Keep-Alive, Close", false},
      {"1.0", nullptr, false},          {"1.0", "keep-alive", true},
      {"1.0", "KEEP-ALIVE", true},      {"1.0", "close", false},
      {"1.0", "foo, keep-alive", true},
  };
  struct Head : Handler {
    HeadInfo head;
    void on_headers_complete(const HeadInfo& h) override { head = h; }
  };
  for (const auto& c : cases) {
    std::string input = std::string("GET / HTTP/") + c.version + "\r\nHost: h\r\n";
    if (c.connection) input += std::string("Connection: ") + c.connection + "\r\n";
    input += "\r\n";
    Parser p(Kind::Request);
    Head h;
    p.set_handler(&h);
    ASSERT_EQ(p.feed(input).status, Status::Ok) << input;
    EXPECT_EQ(h.head.keep_alive, c.keep_alive) << input;
  }
}

// -- Leniencies -------------------------------------------------------------------------------

TEST(Parser, Leniency_MissingHost_Accepted) {
  Leniency l;
  l.allow_missing_host = true;
  Parser p(Kind::Request, {}, l);
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\n\r\n").status, Status::Ok);
}

TEST(Parser, Leniency_BareLf_MixedWithCrlf_Accepted) {
  Leniency l;
  l.allow_bare_lf = true;
  Parser p(Kind::Request, {}, l);
  EXPECT_EQ(p.feed("GET / HTTP/1.1\nHost: h\r\n\n").status, Status::Ok);
  // A bare CR is still refused.
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\r\n\r\n").status, Status::Error);
  EXPECT_EQ(p.error().code, Error::BareCr);
}

TEST(Parser, Leniency_ObsFold_StillChecksFoldedValue) {
  Leniency l;
  l.allow_obs_fold = true;
  Parser p(Kind::Request, {}, l);
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\n \x01\r\n\r\n").status, Status::Error);
  EXPECT_EQ(p.error().code, Error::InvalidHeaderValue);
  EXPECT_EQ(p.error().offset, 32u);
}

TEST(Parser, Leniency_ObsFold_FoldedContentLengthInterpreted) {
  Leniency l;
  l.allow_obs_fold = true;
  Parser p(Kind::Request, {}, l);
  // The folded value is "3, 3" and frames a three-byte body.
  EXPECT_EQ(p.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3,\r\n 3\r\n\r\nabc").status,
            Status::Ok);
  EXPECT_EQ(p.messages_completed(), 1u);
}

// -- Bodies of every framing under random splits ------------------------------------------

TEST(Parser, LargeChunkedBody_RandomSplits_SameBytes) {
  std::mt19937 rng(42);
  std::string body;
  for (int i = 0; i < 5000; ++i) body += static_cast<char>(rng() & 0xff);
  std::string wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::size_t at = 0; at < body.size(); at += 777) {
    const std::size_t n = std::min<std::size_t>(777, body.size() - at);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", n);
    wire += std::string(size) + "\r\n" + body.substr(at, n) + "\r\n";
  }
  wire += "0\r\n\r\n";
  struct Body : Handler {
    std::string bytes;
    void on_body(std::span<const std::uint8_t> d) override {
      bytes.append(reinterpret_cast<const char*>(d.data()), d.size());
    }
  };
  for (int round = 0; round < 5; ++round) {
    Parser p(Kind::Response);
    Body b;
    p.set_handler(&b);
    ASSERT_EQ(feed_pieces(p, wire, random_pieces(rng, wire.size())).status, Status::Ok);
    EXPECT_EQ(b.bytes, body);
  }
}

TEST(Parser, CloseDelimitedAboveLimit_DeliversUpToLimit) {
  Limits limits;
  limits.max_body = 3;
  for (const std::vector<std::size_t>& sizes :
       {std::vector<std::size_t>{}, std::vector<std::size_t>{20, 1, 1, 1, 1}}) {
    Parser p(Kind::Response, limits);
    EventLog log;
    p.set_handler(&log);
    EXPECT_EQ(feed_pieces(p, "HTTP/1.1 200 OK\r\n\r\nabcdef", sizes).status, Status::Error);
    EXPECT_EQ(log.lines().back(), "body \"abc\"");
  }
}

TEST(Parser, Limits_ExactlyAtLimit_Accepted) {
  Limits limits;
  limits.max_start_line = 16;    // "GET / HTTP/1.1\r\n"
  limits.max_header_bytes = 11;  // "Host: h\r\n\r\n"
  limits.max_headers = 1;
  limits.max_body = 2;
  Parser p(Kind::Request, limits);
  EXPECT_EQ(p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n").status, Status::Ok);
  Parser q(Kind::Request, limits);
  EXPECT_EQ(q.feed("PUT / HTTP/1.1\r\nHost: h\r\n\r\n").status, Status::Ok);
}

// -- Mapping errors to the status a server answers ----------------------------------------

TEST(Parser, ResponseStatusFor_Errors_MatchRfc) {
  EXPECT_EQ(response_status_for(Error::BodyTooLarge), 413);
  EXPECT_EQ(response_status_for(Error::StartLineTooLong), 414);
  EXPECT_EQ(response_status_for(Error::HeaderSectionTooLarge), 431);
  EXPECT_EQ(response_status_for(Error::TooManyHeaders), 431);
  EXPECT_EQ(response_status_for(Error::UnknownTransferCoding), 501);
  EXPECT_EQ(response_status_for(Error::UnsupportedVersion), 505);
  EXPECT_EQ(response_status_for(Error::ContentLengthWithTransferEncoding), 400);
  EXPECT_EQ(response_status_for(Error::BareLf), 400);
  EXPECT_EQ(response_status_for(Error::TransferEncodingNotChunked), 400);
}

TEST(Parser, Names_EveryCode_Distinct) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(Error::DataAfterClose); ++i) {
    names.insert(name(static_cast<Error>(i)));
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(Error::DataAfterClose) + 1);
  EXPECT_EQ(names.count("UnknownError"), 0u);
}

}  // namespace
}  // namespace tcpsim::http
