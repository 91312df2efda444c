#include "stack/http/collector.hpp"

#include <utility>

namespace tcpsim::http {

MessageCollector::MessageCollector(Kind kind, Limits limits, Leniency leniency)
    : parser_(kind, limits, leniency), sink_(kind) {
  parser_.set_handler(&sink_);
}

MessageCollector::MessageCollector(MessageCollector&& other) noexcept
    : parser_(std::move(other.parser_)), sink_(std::move(other.sink_)) {
  parser_.set_handler(&sink_);
}

MessageCollector& MessageCollector::operator=(MessageCollector&& other) noexcept {
  parser_ = std::move(other.parser_);
  sink_ = std::move(other.sink_);
  parser_.set_handler(&sink_);
  return *this;
}

std::size_t MessageCollector::ready() const {
  return sink_.kind == Kind::Request ? sink_.requests.size() : sink_.responses.size();
}

std::optional<Request> MessageCollector::pop_request() {
  if (sink_.requests.empty()) return std::nullopt;
  Request r = std::move(sink_.requests.front());
  sink_.requests.pop_front();
  return r;
}

std::optional<Response> MessageCollector::pop_response() {
  if (sink_.responses.empty()) return std::nullopt;
  Response r = std::move(sink_.responses.front());
  sink_.responses.pop_front();
  return r;
}

void MessageCollector::Sink::on_message_begin() {
  request = Request{};
  response = Response{};
  head = HeadInfo{};
}

void MessageCollector::Sink::on_request_line(std::string_view method, std::string_view target,
                                             Version version) {
  request.method.assign(method);
  request.target.assign(target);
  request.version = version;
}

void MessageCollector::Sink::on_status_line(Version version, int status, std::string_view reason) {
  response.version = version;
  response.status = status;
  response.reason.assign(reason);
}

void MessageCollector::Sink::on_header(std::string_view name, std::string_view value) {
  Headers& headers = kind == Kind::Request ? request.headers : response.headers;
  headers.push_back(Header{std::string(name), std::string(value)});
}

void MessageCollector::Sink::on_body(std::span<const std::uint8_t> data) {
  std::string& body = kind == Kind::Request ? request.body : response.body;
  body.append(reinterpret_cast<const char*>(data.data()), data.size());
}

void MessageCollector::Sink::on_trailer(std::string_view name, std::string_view value) {
  Headers& trailers = kind == Kind::Request ? request.trailers : response.trailers;
  trailers.push_back(Header{std::string(name), std::string(value)});
}

void MessageCollector::Sink::on_message_complete() {
  last_head = head;
  if (kind == Kind::Request) {
    requests.push_back(std::move(request));
    request = Request{};
  } else {
    responses.push_back(std::move(response));
    response = Response{};
  }
}

}  // namespace tcpsim::http
