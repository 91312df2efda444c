// Parser events as text, one line each: what golden tests compare, what the fuzz target
// compares across splits, and a readable trace for people stepping through a message.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stack/http/parser.hpp"

namespace tcpsim::http {

// Quotes text for a log line: printable ASCII as is, \" \\ \r \n \t escaped, other bytes
// as \xHH.
std::string escape(std::string_view bytes);

// A Handler that records every event as a line, e.g.
//   message_begin
//   request_line method="GET" target="/" version=HTTP/1.1
//   header name="Host" value="example.com"
//   headers_complete body=Length content_length=5 keep_alive=true upgrade=false
//   body "hello"
//   message_complete
// Body pieces that arrive back to back are joined into one line, so the log is the same
// however the input was split.
class EventLog final : public Handler {
 public:
  const std::vector<std::string>& lines() const { return lines_; }
  // All lines, each ending in '\n'.
  std::string text() const;
  void add(std::string line);
  void clear();

  void on_message_begin() override;
  void on_request_line(std::string_view method, std::string_view target, Version version) override;
  void on_status_line(Version version, int status, std::string_view reason) override;
  void on_header(std::string_view name, std::string_view value) override;
  void on_headers_complete(const HeadInfo& head) override;
  void on_chunk_header(std::uint64_t size, std::string_view extensions) override;
  void on_body(std::span<const std::uint8_t> data) override;
  void on_trailer(std::string_view name, std::string_view value) override;
  void on_message_complete() override;

 private:
  std::vector<std::string> lines_;
  bool in_body_ = false;  // the last line is a body line still open for more bytes
};

// Feeds `input` to `parser` in pieces of the given sizes (the last piece takes what is
// left; no sizes means one piece), recording events in `log`; then calls finish() if
// asked. Stops at an error or a pause. Ends the log with one outcome line:
//   "result Ok" / "result NeedMore" / "paused at <offset>" / "error <Name> at <offset>".
void replay(Parser& parser, EventLog& log, std::string_view input,
            std::span<const std::size_t> piece_sizes, bool finish);

}  // namespace tcpsim::http
