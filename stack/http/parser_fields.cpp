// Field lines (RFC 9112 §5, RFC 9110 §5) and what the header section says about framing
// and persistence (RFC 9112 §6.3, §9.3).
#include <array>

#include "stack/http/grammar.hpp"
#include "stack/http/parser.hpp"

namespace tcpsim::http {

namespace {

// Transfer codings a recipient can name without being told about them: the IANA registry
// (RFC 9112 §7). The parser removes only chunked; the others are left to the application.
bool is_registered_coding(std::string_view coding) {
  constexpr std::array<std::string_view, 5> kCodings = {"compress", "deflate", "gzip", "x-compress",
                                                        "x-gzip"};
  for (std::string_view known : kCodings) {
    if (iequals(coding, known)) return true;
  }
  return false;
}

}  // namespace

void Parser::step_field_line(std::string_view in, std::size_t& pos) {
  const bool trailer = state_ == State::TrailerLine;
  std::string_view line;
  if (!take_line(in, pos, saturating_add(section_start_, limits_.max_header_bytes),
                 Error::HeaderSectionTooLarge,
                 trailer ? "trailer section longer than the limit"
                         : "header section longer than the limit",
                 line)) {
    return;
  }
  if (line.empty()) {
    if (!flush_pending_field()) return;
    if (trailer) {
      complete_message();
    } else {
      finish_head();
    }
    return;
  }
  if (is_ows(line.front())) {
    continue_folded_field(line);
    return;
  }
  if (!flush_pending_field()) return;
  if (++field_count_ > limits_.max_headers) {
    fail(Error::TooManyHeaders, line_start_, "more field lines than the limit");
    return;
  }
  parse_field_line(line);
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
bool Parser::parse_field_line(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && is_tchar(line[i])) ++i;
  if (i == line.size())
    return fail(Error::MissingColon, line_start_ + i, "field line without a colon");
  if (line[i] != ':') {
    // RFC 9112 §5.1: no whitespace is allowed between the name and the colon, and a
    // server must refuse it, since intermediaries disagree on what such a name means.
    if (is_ows(line[i])) {
      const std::size_t next = line.find_first_not_of(" \t", i);
      if (next != std::string_view::npos && line[next] == ':') {
        return fail(Error::WhitespaceBeforeColon, line_start_ + i,
                    "whitespace between field name and colon");
      }
    }
    return fail(Error::InvalidHeaderName, line_start_ + i,
                "field name holds a byte that is not tchar");
  }
  if (i == 0) return fail(Error::InvalidHeaderName, line_start_, "empty field name");
  const std::string_view raw = line.substr(i + 1);
  for (std::size_t k = 0; k < raw.size(); ++k) {
    if (!is_field_char(raw[k])) {
      return fail(Error::InvalidHeaderValue, line_start_ + i + 1 + k,
                  "field value holds a control character");
    }
  }
  std::size_t lead = 0;
  while (lead < raw.size() && is_ows(raw[lead])) ++lead;
  const std::string_view name = line.substr(0, i);
  const std::string_view value = trim_ows(raw);
  const std::size_t value_at = line_start_ + i + 1 + lead;
  if (leniency_.allow_obs_fold) {
    // Hold the field until the next line shows whether it continues.
    has_pending_ = true;
    pending_name_.assign(name);
    pending_value_.assign(value);
    pending_line_at_ = line_start_;
    pending_value_at_ = value_at;
    return true;
  }
  return accept_field(name, value, line_start_, value_at);
}

// A line starting with SP or HTAB: obs-fold (RFC 9112 §5.2), or whitespace between the start
// line and the first field (RFC 9112 §2.2), which could hide a field from some recipients.
bool Parser::continue_folded_field(std::string_view line) {
  if (field_count_ == 0) {
    if (state_ == State::HeaderLine) {
      return fail(Error::WhitespaceAfterStartLine, line_start_,
                  "line starting with whitespace right after the start line");
    }
    return fail(Error::ObsFold, line_start_, "continuation line before any trailer field");
  }
  if (!leniency_.allow_obs_fold) {
    return fail(Error::ObsFold, line_start_, "obsolete line folding");
  }
  for (std::size_t k = 0; k < line.size(); ++k) {
    if (!is_field_char(line[k])) {
      return fail(Error::InvalidHeaderValue, line_start_ + k,
                  "field value holds a control character");
    }
  }
  // Each obs-fold becomes one SP.
  const std::string_view more = trim_ows(line);
  if (!more.empty()) {
    if (!pending_value_.empty()) pending_value_ += ' ';
    pending_value_.append(more);
  }
  return true;
}

bool Parser::flush_pending_field() {
  if (!has_pending_) return true;
  has_pending_ = false;
  return accept_field(pending_name_, pending_value_, pending_line_at_, pending_value_at_);
}

bool Parser::accept_field(std::string_view name, std::string_view value, std::size_t line_at,
                          std::size_t value_at) {
  if (state_ == State::TrailerLine) {
    // Trailer fields are reported, never merged into the head (RFC 9110 §6.5.1).
    if (handler_ != nullptr) handler_->on_trailer(name, value);
    return true;
  }
  if (iequals(name, "Content-Length")) {
    if (!interpret_content_length(value, line_at, value_at)) return false;
  } else if (iequals(name, "Transfer-Encoding")) {
    if (!interpret_transfer_encoding(value, line_at, value_at)) return false;
  } else if (iequals(name, "Connection")) {
    for_each_list_element(value, [&](std::string_view option, std::size_t) {
      if (iequals(option, "close")) conn_close_ = true;
      if (iequals(option, "keep-alive")) conn_keep_alive_ = true;
      if (iequals(option, "upgrade")) conn_upgrade_ = true;
    });
  } else if (iequals(name, "Upgrade")) {
    upgrade_field_ = true;
  } else if (kind_ == Kind::Request && iequals(name, "Host")) {
    // RFC 9112 §3.2: more than one Host line is a 400.
    if (++host_count_ > 1) return fail(Error::MultipleHost, line_at, "more than one Host field");
  }
  if (handler_ != nullptr) handler_->on_header(name, value);
  return true;
}

// Content-Length = 1*DIGIT (RFC 9110 §8.6). A list repeating one value ("42, 42"), or the
// same value on several lines, is folded into it; differing values are an error.
bool Parser::interpret_content_length(std::string_view value, std::size_t line_at, std::size_t at) {
  std::uint64_t parsed = 0;
  bool first = true;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = value.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? value.size() : comma;
    std::size_t k = start;
    while (k < end && is_ows(value[k])) ++k;
    std::size_t stop = end;
    while (stop > k && is_ows(value[stop - 1])) --stop;
    if (k == stop) {
      return fail(Error::InvalidContentLength, at + k, "Content-Length is not a decimal number");
    }
    const std::size_t element_at = k;
    std::uint64_t n = 0;
    for (; k < stop; ++k) {
      if (!is_digit(value[k])) {
        return fail(Error::InvalidContentLength, at + k, "Content-Length is not a decimal number");
      }
      const auto digit = static_cast<std::uint64_t>(value[k] - '0');
      if (n > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
        return fail(Error::InvalidContentLength, at + element_at, "Content-Length too large");
      }
      n = n * 10 + digit;
    }
    if (!first && n != parsed) {
      return fail(Error::ConflictingContentLength, at + element_at,
                  "Content-Length lists different values");
    }
    parsed = n;
    first = false;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  // RFC 9112 §6.3 (3): both framing fields at once is how requests get smuggled.
  if (te_present_) {
    return fail(Error::ContentLengthWithTransferEncoding, line_at,
                "Content-Length and Transfer-Encoding in one message");
  }
  if (has_content_length_ && parsed != content_length_) {
    return fail(Error::ConflictingContentLength, line_at,
                "Content-Length differs from an earlier one");
  }
  if (!has_content_length_) content_length_at_ = at;
  has_content_length_ = true;
  content_length_ = parsed;
  return true;
}

// Transfer-Encoding = #transfer-coding (RFC 9112 §6.1); the codings of all its lines, in
// order, make one list.
bool Parser::interpret_transfer_encoding(std::string_view value, std::size_t line_at,
                                         std::size_t at) {
  // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
  if (!version_.at_least_11()) {
    return fail(Error::TransferEncodingInHttp10, line_at,
                "Transfer-Encoding in an HTTP/1.0 message");
  }
  if (has_content_length_) {
    return fail(Error::ContentLengthWithTransferEncoding, line_at,
                "Content-Length and Transfer-Encoding in one message");
  }
  te_present_ = true;
  te_at_ = line_at;
  bool any = false;
  const bool closed = for_each_list_element(value, [&](std::string_view element, std::size_t off) {
    if (state_ == State::Failed) return;
    any = true;
    const std::size_t semi = std::min(element.find(';'), element.size());
    const std::string_view coding = trim_ows(element.substr(0, semi));
    const std::string_view params = element.substr(semi);
    if (!is_token(coding)) {
      fail(Error::InvalidTransferEncoding, at + off, "transfer coding is not a token");
      return;
    }
    if (const std::size_t bad = find_parameter_error(params, true); bad != std::string_view::npos) {
      fail(Error::InvalidTransferEncoding, at + off + semi + bad, "malformed transfer-parameter");
      return;
    }
    if (iequals(coding, "chunked")) {
      if (te_chunked_) {
        fail(Error::InvalidTransferEncoding, at + off, "chunked applied more than once");
        return;
      }
      if (!params.empty()) {
        fail(Error::InvalidTransferEncoding, at + off + semi, "chunked takes no parameters");
        return;
      }
      te_chunked_ = te_chunked_last_ = true;
    } else {
      te_chunked_last_ = false;
      if (!te_unknown_ && !is_registered_coding(coding)) {
        te_unknown_ = true;
        te_unknown_at_ = at + off;
      }
    }
  });
  if (state_ == State::Failed) return false;
  if (!closed) return fail(Error::InvalidTransferEncoding, at, "quoted-string not closed");
  if (!any) return fail(Error::InvalidTransferEncoding, at, "Transfer-Encoding names no coding");
  return true;
}

// The header section is complete: decide how the body is framed and whether the
// connection persists, tell the handler, then move on to the body.
void Parser::finish_head() {
  head_.version = version_;
  head_.status = status_;
  if (kind_ == Kind::Request) {
    if (!decide_request_framing(head_)) return;
  } else {
    decide_response_framing(head_);
  }
  if (head_.body == BodyKind::Length && head_.content_length > limits_.max_body) {
    fail(Error::BodyTooLarge, content_length_at_, "Content-Length above the body limit");
    return;
  }
  // RFC 9112 §9.3; a body that runs to the close ends the connection with it.
  head_.keep_alive = !conn_close_ && (version_.at_least_11() || conn_keep_alive_) &&
                     head_.body != BodyKind::UntilClose;
  if (handler_ != nullptr) handler_->on_headers_complete(head_);
  switch (head_.body) {
    case BodyKind::None:
      complete_message();
      break;
    case BodyKind::Length:
      if (head_.content_length == 0) {
        complete_message();
      } else {
        remaining_ = head_.content_length;
        state_ = State::BodyLength;
      }
      break;
    case BodyKind::Chunked:
      state_ = State::ChunkSize;
      break;
    case BodyKind::UntilClose:
      state_ = State::BodyUntilClose;
      break;
  }
}

// RFC 9112 §6.3 for requests: chunked if Transfer-Encoding ends in it, a 400 if it does
// not, else Content-Length, else no body.
bool Parser::decide_request_framing(HeadInfo& head) {
  if (version_.at_least_11() && host_count_ == 0 && !leniency_.allow_missing_host) {
    return fail(Error::MissingHost, line_start_, "HTTP/1.1 request without Host");
  }
  if (te_present_) {
    if (!te_chunked_last_) {
      return fail(Error::TransferEncodingNotChunked, te_at_,
                  "final transfer coding of a request is not chunked");
    }
    if (te_unknown_) {
      return fail(Error::UnknownTransferCoding, te_unknown_at_, "transfer coding not implemented");
    }
    head.body = BodyKind::Chunked;
  } else if (has_content_length_) {
    head.body = BodyKind::Length;
    head.content_length = content_length_;
  } else {
    head.body = BodyKind::None;
  }
  // RFC 9110 §9.3.6 (CONNECT) and §7.8 (Upgrade, named as a Connection option).
  head.upgrade = method_ == "CONNECT" || (conn_upgrade_ && upgrade_field_);
  return true;
}

// RFC 9112 §6.3 for responses, in its order of precedence.
void Parser::decide_response_framing(HeadInfo& head) {
  bool to_head = false;
  bool to_connect = false;
  if (!request_methods_.empty()) {
    to_head = request_methods_.front() == "HEAD";
    to_connect = request_methods_.front() == "CONNECT";
    if (status_ >= 200 || status_ == 101) request_methods_.pop_front();
  }
  if (status_ == 101) {
    head.upgrade = true;  // RFC 9110 §15.2.2: the protocol changes after the empty line
    head.body = BodyKind::None;
  } else if (to_connect && status_ >= 200 && status_ < 300) {
    head.upgrade = true;  // (2) a tunnel starts after the empty line
    head.body = BodyKind::None;
  } else if (to_head || status_has_no_body(status_)) {
    head.body = BodyKind::None;  // (1)
  } else if (te_present_) {
    head.body = te_chunked_last_ ? BodyKind::Chunked : BodyKind::UntilClose;  // (4)
  } else if (has_content_length_) {
    head.body = BodyKind::Length;  // (6)
    head.content_length = content_length_;
  } else {
    head.body = BodyKind::UntilClose;  // (8)
  }
}

}  // namespace tcpsim::http
