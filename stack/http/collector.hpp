// Builds whole Request or Response values from parser events, for applications that want
// messages rather than a stream of events.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <string_view>

#include "stack/http/message.hpp"
#include "stack/http/parser.hpp"

namespace tcpsim::http {

class MessageCollector {
 public:
  explicit MessageCollector(Kind kind, Limits limits = {}, Leniency leniency = {});
  MessageCollector(const MessageCollector&) = delete;
  MessageCollector& operator=(const MessageCollector&) = delete;
  MessageCollector(MessageCollector&& other) noexcept;
  MessageCollector& operator=(MessageCollector&& other) noexcept;
  ~MessageCollector() = default;

  // As Parser::feed / finish. Each completed message is queued; the bytes left over after
  // an upgrade (Status::Paused, parser().upgraded()) belong to the next protocol.
  FeedResult feed(std::span<const std::uint8_t> bytes) { return parser_.feed(bytes); }
  FeedResult feed(std::string_view bytes) { return parser_.feed(bytes); }
  FeedResult finish() { return parser_.finish(); }

  // Completed messages, oldest first (request collectors fill requests, response
  // collectors responses; interim 1xx responses are queued like any other).
  std::size_t ready() const;
  std::optional<Request> pop_request();
  std::optional<Response> pop_response();
  // What the parser concluded about the most recently completed message.
  const HeadInfo& last_head() const { return sink_.last_head; }

  // For expect_response_to(), errors, resume() after an upgrade, limits.
  Parser& parser() { return parser_; }
  const Parser& parser() const { return parser_; }

 private:
  struct Sink final : Handler {
    Kind kind;
    Request request;
    Response response;
    HeadInfo head;
    HeadInfo last_head;
    std::deque<Request> requests;
    std::deque<Response> responses;

    explicit Sink(Kind k) : kind(k) {}
    void on_message_begin() override;
    void on_request_line(std::string_view method, std::string_view target,
                         Version version) override;
    void on_status_line(Version version, int status, std::string_view reason) override;
    void on_header(std::string_view name, std::string_view value) override;
    void on_headers_complete(const HeadInfo& h) override { head = h; }
    void on_body(std::span<const std::uint8_t> data) override;
    void on_trailer(std::string_view name, std::string_view value) override;
    void on_message_complete() override;
  };

  Parser parser_;
  Sink sink_;
};

}  // namespace tcpsim::http
