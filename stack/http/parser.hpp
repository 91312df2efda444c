// Incremental, sans-I/O HTTP/1.1 message parser (RFC 9112 message syntax, RFC 9110 semantics).
//
// Feed it bytes as they arrive, split anywhere; it reports what it recognises to a Handler
// and says how far it got. It never reads a socket or a clock; bad input is an error value,
// never an exception. Strict by default: every rule whose breach enables request smuggling
// or response splitting is an error with its own code; each tolerated deviation is a named
// opt-in in Leniency.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "stack/http/error.hpp"
#include "stack/http/message.hpp"

namespace tcpsim::http {

enum class Kind : std::uint8_t { Request, Response };

enum class Status : std::uint8_t {
  Ok,        // every byte consumed; the parser sits between messages
  NeedMore,  // every byte consumed; a message is under way (not an error: feed more)
  Paused,    // stopped after `consumed` bytes: pause() was called, or the connection
             // was upgraded and the rest of the bytes belong to another protocol
  Error,     // stopped at `consumed`: the bytes before the offending one; see error()
};
std::string_view name(Status status);  // "Ok", "NeedMore", ...

struct FeedResult {
  std::size_t consumed = 0;
  Status status = Status::Ok;
  bool operator==(const FeedResult&) const = default;
};

// Resource bounds, so a peer cannot make the parser buffer without end. Sizes include the
// line terminators.
struct Limits {
  std::size_t max_start_line = 8 * 1024;     // request line or status line
  std::size_t max_header_bytes = 64 * 1024;  // field lines plus the empty line ending them;
                                             // the trailer section has its own budget
  std::size_t max_headers = 100;             // field lines per section
  std::size_t max_chunk_line = 4 * 1024;     // chunk-size line with its extensions
  std::uint64_t max_body = std::numeric_limits<std::uint64_t>::max();  // content per message
};

// Deviations a caller may choose to tolerate. All off: the parser is strict.
struct Leniency {
  // LF alone ends a line (RFC 9112 §2.2 lets a recipient do this; off by default because
  // parsers that disagree on line ends disagree on where a message ends).
  bool allow_bare_lf = false;
  // Obsolete line folding is replaced by one SP instead of being refused (RFC 9112 §5.2).
  bool allow_obs_fold = false;
  // An HTTP/1.1 request without Host is accepted (RFC 9112 §3.2 wants 400).
  bool allow_missing_host = false;
  // After a message that closes the connection, keep parsing further messages instead of
  // refusing the bytes with DataAfterClose.
  bool allow_data_after_close = false;
};

// How the body of a message is delimited (RFC 9112 §6.3).
enum class BodyKind : std::uint8_t {
  None,        // no content: a request without framing fields, HEAD/1xx/204/304 responses
  Length,      // Content-Length bytes
  Chunked,     // chunked transfer coding; ends with the last chunk and trailer section
  UntilClose,  // a response read until the connection closes (finish())
};
std::string_view name(BodyKind body);  // "None", "Length", ...

// What the parser concluded from the head of a message, given at headers-complete.
struct HeadInfo {
  Version version;
  int status = 0;  // responses only
  BodyKind body = BodyKind::None;
  std::uint64_t content_length = 0;  // when body == Length
  bool keep_alive = false;           // the connection persists after this message (§9.3)
  // The bytes after this message belong to another protocol (101 response, 2xx answer to
  // CONNECT, CONNECT request, request with Upgrade + "Connection: upgrade"). The parser
  // pauses after the message; resume() continues with HTTP if the upgrade was refused.
  bool upgrade = false;
};

// Receives the parser's events. Every view is valid only during the call. Default
// implementations ignore the event. A callback may call Parser::pause().
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void on_message_begin() {}
  virtual void on_request_line(std::string_view /*method*/, std::string_view /*target*/,
                               Version /*version*/) {}
  virtual void on_status_line(Version /*version*/, int /*status*/, std::string_view /*reason*/) {}
  // One per field line, in order; repeated names arrive as repeated events.
  virtual void on_header(std::string_view /*name*/, std::string_view /*value*/) {}
  virtual void on_headers_complete(const HeadInfo& /*head*/) {}
  // Chunked bodies only: each chunk's size and raw extensions (";name=value..."), the last
  // chunk (size 0) included.
  virtual void on_chunk_header(std::uint64_t /*size*/, std::string_view /*extensions*/) {}
  // Content bytes, as views into the caller's buffer. One body may arrive in many pieces.
  virtual void on_body(std::span<const std::uint8_t> /*data*/) {}
  virtual void on_trailer(std::string_view /*name*/, std::string_view /*value*/) {}
  virtual void on_message_complete() {}
};

class Parser {
 public:
  explicit Parser(Kind kind, Limits limits = {}, Leniency leniency = {});

  // Events go to `handler` (not owned; nullptr drops them).
  void set_handler(Handler* handler) { handler_ = handler; }

  // Parses as much of `bytes` as it can. Pipelined messages are parsed one after another.
  // Once an error is reported, every later call reports it again and consumes nothing.
  FeedResult feed(std::span<const std::uint8_t> bytes);
  FeedResult feed(std::string_view bytes);
  // The input has ended (the peer closed). Completes a body delimited by the close; inside
  // any other message it is the error UnexpectedEof. Later non-empty feeds are refused.
  FeedResult finish();

  // Response parsers: the method of the request the next response answers. Queue one per
  // request sent; a final (non-1xx, or 101) response takes one off. HEAD makes the response
  // bodiless, CONNECT makes a 2xx response a tunnel. With none queued, GET is assumed.
  void expect_response_to(std::string_view method);

  // Called from a handler callback: feed() returns Paused right after the current event,
  // having consumed the bytes that produced it. Feed the rest after resume().
  void pause() { paused_ = true; }
  // Ends a pause, or - after an upgrade the other side refused - goes back to HTTP.
  void resume();
  // Forgets everything but the kind, limits, leniency and handler; offsets restart at 0.
  void reset();

  Kind kind() const { return kind_; }
  const Limits& limits() const { return limits_; }
  const Leniency& leniency() const { return leniency_; }
  bool has_error() const { return state_ == State::Failed; }
  const ParseError& error() const { return error_; }  // meaningful when has_error()
  bool paused() const { return paused_; }
  bool upgraded() const { return state_ == State::Upgraded; }
  // A message has started and not completed.
  bool in_message() const;
  // Bytes consumed since construction or reset().
  std::size_t offset() const { return offset_; }
  std::uint64_t messages_completed() const { return completed_; }

 private:
  enum class State : std::uint8_t {
    StartLine,       // ignoring empty lines, then collecting the request or status line
    HeaderLine,      // collecting field lines of the header section
    BodyLength,      // Content-Length body, remaining_ bytes to go
    BodyUntilClose,  // everything until finish() is body
    ChunkSize,       // collecting a chunk-size line
    ChunkData,       // remaining_ bytes of chunk data to go
    ChunkDataCr,     // expecting the CR after chunk data
    ChunkDataLf,     // expecting the LF after chunk data
    TrailerLine,     // collecting field lines of the trailer section
    Closed,          // after a message that closes the connection
    Upgraded,        // after an upgrade; waiting for resume()
    Finished,        // after finish()
    Failed,          // error_ holds why
  };

  static std::size_t saturating_add(std::size_t a, std::size_t b) {
    return b > std::numeric_limits<std::size_t>::max() - a ? std::numeric_limits<std::size_t>::max()
                                                           : a + b;
  }

  // Line collection (parser.cpp).
  void prepare_line(std::size_t pos);
  bool take_line(std::string_view in, std::size_t& pos, std::size_t limit_end, Error too_long,
                 std::string_view too_long_reason, std::string_view& line);
  bool fail(Error code, std::size_t offset, std::string_view reason);

  // One step each: consumes at least one byte or changes state (parser.cpp).
  void step_start_line(std::string_view in, std::size_t& pos);
  void step_body(std::string_view in, std::size_t& pos);
  void step_chunk_size(std::string_view in, std::size_t& pos);
  void step_chunk_data_end(std::string_view in, std::size_t& pos);
  void step_closed(std::string_view in, std::size_t& pos);
  bool parse_request_line(std::string_view line);
  bool parse_status_line(std::string_view line);
  bool parse_version(std::string_view text, std::size_t at, Version& out);
  bool check_chunk_extensions(std::string_view ext, std::size_t at);
  void begin_message();
  void complete_message();
  void emit_body(std::string_view in, std::size_t pos, std::size_t n);

  // Field lines and what they mean for framing (parser_fields.cpp).
  void step_field_line(std::string_view in, std::size_t& pos);
  bool parse_field_line(std::string_view line);
  bool continue_folded_field(std::string_view line);
  bool flush_pending_field();
  bool accept_field(std::string_view name, std::string_view value, std::size_t line_at,
                    std::size_t value_at);
  bool interpret_content_length(std::string_view value, std::size_t line_at, std::size_t at);
  bool interpret_transfer_encoding(std::string_view value, std::size_t line_at, std::size_t at);
  void finish_head();
  bool decide_request_framing(HeadInfo& head);
  void decide_response_framing(HeadInfo& head);

  Kind kind_;
  Limits limits_;
  Leniency leniency_;
  Handler* handler_ = nullptr;

  State state_ = State::StartLine;
  bool paused_ = false;
  ParseError error_;
  std::size_t offset_ = 0;  // absolute offset of the next byte to be fed
  std::size_t base_ = 0;    // absolute offset of the current feed's first byte
  std::uint64_t completed_ = 0;

  // The line being collected when it spans feeds; empty while lines arrive whole.
  std::string line_;
  std::size_t line_start_ = 0;  // absolute offset of the line's first byte
  bool line_done_ = false;      // line_ holds a line already handled

  // The message under way.
  std::string method_;
  Version version_;
  int status_ = 0;
  std::size_t section_start_ = 0;  // absolute offset of the header or trailer section
  std::size_t field_count_ = 0;
  std::uint64_t content_length_ = 0;
  bool has_content_length_ = false;
  std::size_t content_length_at_ = 0;
  bool te_present_ = false;
  bool te_chunked_ = false;       // chunked appeared
  bool te_chunked_last_ = false;  // ... and is the final coding so far
  bool te_unknown_ = false;
  std::size_t te_at_ = 0;
  std::size_t te_unknown_at_ = 0;
  bool conn_close_ = false;
  bool conn_keep_alive_ = false;
  bool conn_upgrade_ = false;
  bool upgrade_field_ = false;
  std::size_t host_count_ = 0;
  HeadInfo head_;
  std::uint64_t remaining_ = 0;   // of a Content-Length body or the current chunk
  std::uint64_t body_bytes_ = 0;  // counted against Limits::max_body
  std::size_t cr_at_ = 0;         // the CR after chunk data

  // With Leniency::allow_obs_fold a field is held back until the next line shows whether
  // it continues.
  bool has_pending_ = false;
  std::string pending_name_;
  std::string pending_value_;
  std::size_t pending_line_at_ = 0;
  std::size_t pending_value_at_ = 0;

  std::deque<std::string> request_methods_;  // response parsers: requests awaiting answers
};

}  // namespace tcpsim::http
