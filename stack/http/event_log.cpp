#include "stack/http/event_log.hpp"

#include <algorithm>

#include "stack/base/escape.hpp"

namespace tcpsim::http {

namespace {

std::string quoted(std::string_view bytes) {
  std::string out = "\"";
  append_escaped(out, bytes, EscapeStyle::Bytes);
  out += '"';
  return out;
}

const char* yes_no(bool b) {
  return b ? "true" : "false";
}

}  // namespace

std::string escape(std::string_view bytes) {
  std::string out;
  append_escaped(out, bytes, EscapeStyle::Bytes);
  return out;
}

std::string EventLog::text() const {
  std::string out;
  for (const std::string& line : lines_) {
    out += line;
    out += '\n';
  }
  return out;
}

void EventLog::add(std::string line) {
  in_body_ = false;
  lines_.push_back(std::move(line));
}

void EventLog::clear() {
  lines_.clear();
  in_body_ = false;
}

void EventLog::on_message_begin() {
  add("message_begin");
}

void EventLog::on_request_line(std::string_view method, std::string_view target, Version version) {
  add("request_line method=" + quoted(method) + " target=" + quoted(target) +
      " version=" + to_string(version));
}

void EventLog::on_status_line(Version version, int status, std::string_view reason) {
  add("status_line version=" + to_string(version) + " status=" + std::to_string(status) +
      " reason=" + quoted(reason));
}

void EventLog::on_header(std::string_view name, std::string_view value) {
  add("header name=" + quoted(name) + " value=" + quoted(value));
}

void EventLog::on_headers_complete(const HeadInfo& head) {
  std::string line = "headers_complete body=";
  line += name(head.body);
  if (head.body == BodyKind::Length)
    line += " content_length=" + std::to_string(head.content_length);
  line += " keep_alive=";
  line += yes_no(head.keep_alive);
  line += " upgrade=";
  line += yes_no(head.upgrade);
  add(std::move(line));
}

void EventLog::on_chunk_header(std::uint64_t size, std::string_view extensions) {
  add("chunk_header size=" + std::to_string(size) + " ext=" + quoted(extensions));
}

void EventLog::on_body(std::span<const std::uint8_t> data) {
  const std::string_view bytes(reinterpret_cast<const char*>(data.data()), data.size());
  if (in_body_) {
    std::string& line = lines_.back();
    line.pop_back();  // reopen the quote
    append_escaped(line, bytes, EscapeStyle::Bytes);
    line += '"';
    return;
  }
  add("body " + quoted(bytes));
  in_body_ = true;
}

void EventLog::on_trailer(std::string_view name, std::string_view value) {
  add("trailer name=" + quoted(name) + " value=" + quoted(value));
}

void EventLog::on_message_complete() {
  add("message_complete");
}

void replay(Parser& parser, EventLog& log, std::string_view input,
            std::span<const std::size_t> piece_sizes, bool finish) {
  parser.set_handler(&log);
  std::size_t at = 0;
  std::size_t next_piece = 0;
  FeedResult result{0, Status::Ok};
  do {
    std::size_t n = input.size() - at;
    if (next_piece < piece_sizes.size()) n = std::min(n, piece_sizes[next_piece++]);
    result = parser.feed(input.substr(at, n));
    at += result.consumed;
  } while (result.status != Status::Error && result.status != Status::Paused && at < input.size());
  if (finish && result.status != Status::Error && result.status != Status::Paused) {
    result = parser.finish();
  }
  if (result.status == Status::Error) {
    log.add("error " + std::string(name(parser.error().code)) + " at " +
            std::to_string(parser.error().offset));
  } else if (result.status == Status::Paused) {
    log.add("paused at " + std::to_string(at));
  } else {
    log.add("result " + std::string(name(result.status)));
  }
}

}  // namespace tcpsim::http
