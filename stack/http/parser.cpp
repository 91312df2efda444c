// The feed loop, line collection, start lines, bodies and chunked framing.
// Field lines and the framing decision live in parser_fields.cpp.
#include <algorithm>

#include "stack/http/grammar.hpp"

#include "stack/base/enum_names.hpp"
#include "stack/http/parser.hpp"

namespace tcpsim::http {

constexpr EnumNames<Status, 4> kStatusNames{{{
    {Status::Ok, "Ok"},
    {Status::NeedMore, "NeedMore"},
    {Status::Paused, "Paused"},
    {Status::Error, "Error"},
}}};

std::string_view name(Status status) {
  return kStatusNames.name(status, "Unknown");
}

constexpr EnumNames<BodyKind, 4> kBodyKindNames{{{
    {BodyKind::None, "None"},
    {BodyKind::Length, "Length"},
    {BodyKind::Chunked, "Chunked"},
    {BodyKind::UntilClose, "UntilClose"},
}}};

std::string_view name(BodyKind body) {
  return kBodyKindNames.name(body, "Unknown");
}

Parser::Parser(Kind kind, Limits limits, Leniency leniency)
    : kind_(kind), limits_(limits), leniency_(leniency) {}

void Parser::reset() {
  Parser fresh(kind_, limits_, leniency_);
  fresh.handler_ = handler_;
  *this = std::move(fresh);
}

void Parser::expect_response_to(std::string_view method) {
  request_methods_.emplace_back(method);
}

void Parser::resume() {
  paused_ = false;
  if (state_ == State::Upgraded) {
    state_ =
        (head_.keep_alive || leniency_.allow_data_after_close) ? State::StartLine : State::Closed;
  }
}

bool Parser::in_message() const {
  switch (state_) {
    case State::StartLine:
      // Bytes of a start line are buffered; a lone CR may still be an ignored empty line.
      return !line_done_ && line_.find_first_not_of('\r') != std::string::npos;
    case State::HeaderLine:
    case State::BodyLength:
    case State::BodyUntilClose:
    case State::ChunkSize:
    case State::ChunkData:
    case State::ChunkDataCr:
    case State::ChunkDataLf:
    case State::TrailerLine:
      return true;
    default:
      return false;
  }
}

bool Parser::fail(Error code, std::size_t offset, std::string_view reason) {
  error_ = ParseError{code, offset, reason};
  state_ = State::Failed;
  return false;
}

FeedResult Parser::feed(std::span<const std::uint8_t> bytes) {
  return feed(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

FeedResult Parser::feed(std::string_view in) {
  if (state_ == State::Failed) return {0, Status::Error};
  if (paused_ || state_ == State::Upgraded) return {0, Status::Paused};
  base_ = offset_;
  std::size_t pos = 0;
  while (pos < in.size() && !paused_) {
    switch (state_) {
      case State::StartLine:
        step_start_line(in, pos);
        break;
      case State::HeaderLine:
      case State::TrailerLine:
        step_field_line(in, pos);
        break;
      case State::BodyLength:
      case State::BodyUntilClose:
      case State::ChunkData:
        step_body(in, pos);
        break;
      case State::ChunkSize:
        step_chunk_size(in, pos);
        break;
      case State::ChunkDataCr:
      case State::ChunkDataLf:
        step_chunk_data_end(in, pos);
        break;
      case State::Closed:
        step_closed(in, pos);
        break;
      case State::Finished:
        fail(Error::DataAfterClose, base_ + pos, "input after finish()");
        break;
      case State::Upgraded:
      case State::Failed:
        break;
    }
    if (state_ == State::Failed || state_ == State::Upgraded) break;
  }
  if (state_ == State::Failed) {
    const std::size_t consumed =
        error_.offset > base_ ? std::min(error_.offset - base_, in.size()) : 0;
    offset_ = base_ + consumed;
    return {consumed, Status::Error};
  }
  offset_ = base_ + pos;
  if (paused_ || state_ == State::Upgraded) return {pos, Status::Paused};
  return {pos, in_message() ? Status::NeedMore : Status::Ok};
}

FeedResult Parser::finish() {
  if (state_ == State::Failed) return {0, Status::Error};
  if (state_ == State::BodyUntilClose) {
    // RFC 9112 §6.3 (8): the close is what ends this body.
    complete_message();
  } else if (in_message()) {
    fail(Error::UnexpectedEof, offset_, "input ended inside a message");
    return {0, Status::Error};
  }
  state_ = State::Finished;
  paused_ = false;
  return {0, Status::Ok};
}

// Lines ---------------------------------------------------------------------------------

void Parser::prepare_line(std::size_t pos) {
  if (line_done_) {
    line_.clear();
    line_done_ = false;
  }
  if (line_.empty()) line_start_ = base_ + pos;
}

// Collects one line. While its end has not arrived the bytes are kept in line_ (only then
// are they copied); when it has, `line` is the line without its terminator, viewing either
// the input or line_. The line may not reach past the absolute offset `limit_end`.
// Line ends are CRLF; a lone LF only with Leniency::allow_bare_lf; a CR anywhere else is
// refused (RFC 9112 §2.2). Those checks run on whole lines, so they give the same verdict
// however the input was split.
bool Parser::take_line(std::string_view in, std::size_t& pos, std::size_t limit_end, Error too_long,
                       std::string_view too_long_reason, std::string_view& line) {
  prepare_line(pos);
  const std::size_t lf = in.find('\n', pos);
  const std::size_t end = lf == std::string_view::npos ? in.size() : lf + 1;
  const std::size_t have = line_.size() + (end - pos);
  if (have > limit_end - line_start_) return fail(too_long, limit_end, too_long_reason);
  if (lf == std::string_view::npos) {
    line_.append(in.substr(pos));
    pos = in.size();
    return false;
  }
  std::string_view raw;
  if (line_.empty()) {
    raw = in.substr(pos, end - pos);
  } else {
    line_.append(in.substr(pos, end - pos));
    raw = line_;
  }
  pos = end;
  line_done_ = true;
  raw.remove_suffix(1);
  if (!raw.empty() && raw.back() == '\r') {
    raw.remove_suffix(1);
  } else if (!leniency_.allow_bare_lf) {
    return fail(Error::BareLf, line_start_ + raw.size(), "LF without CR before it ends a line");
  }
  if (const std::size_t cr = raw.find('\r'); cr != std::string_view::npos) {
    return fail(Error::BareCr, line_start_ + cr, "CR not followed by LF");
  }
  line = raw;
  return true;
}

// Start line ----------------------------------------------------------------------------

void Parser::step_start_line(std::string_view in, std::size_t& pos) {
  prepare_line(pos);
  std::string_view line;
  if (!take_line(in, pos, saturating_add(line_start_, limits_.max_start_line),
                 Error::StartLineTooLong, "start line longer than the limit", line)) {
    return;
  }
  // RFC 9112 §2.2: empty lines before a start line are ignored.
  if (line.empty()) return;
  begin_message();
  const bool ok = kind_ == Kind::Request ? parse_request_line(line) : parse_status_line(line);
  if (!ok) return;
  state_ = State::HeaderLine;
  section_start_ = base_ + pos;
  field_count_ = 0;
}

void Parser::begin_message() {
  method_.clear();
  version_ = Version{};
  status_ = 0;
  field_count_ = 0;
  content_length_ = 0;
  has_content_length_ = false;
  te_present_ = te_chunked_ = te_chunked_last_ = te_unknown_ = false;
  conn_close_ = conn_keep_alive_ = conn_upgrade_ = upgrade_field_ = false;
  host_count_ = 0;
  head_ = HeadInfo{};
  remaining_ = 0;
  body_bytes_ = 0;
  has_pending_ = false;
  if (handler_ != nullptr) handler_->on_message_begin();
}

// HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
bool Parser::parse_version(std::string_view text, std::size_t at, Version& out) {
  constexpr std::string_view kShape = "HTTP/0.0";
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (i >= text.size()) return fail(Error::InvalidVersion, at + i, "HTTP-version cut short");
    const bool good = kShape[i] == '0' ? is_digit(text[i]) : text[i] == kShape[i];
    if (!good) return fail(Error::InvalidVersion, at + i, "HTTP-version is not HTTP/DIGIT.DIGIT");
  }
  if (text.size() > kShape.size()) {
    return fail(Error::InvalidVersion, at + kShape.size(), "bytes after the HTTP-version");
  }
  out = Version{text[5] - '0', text[7] - '0'};
  if (out.major != 1) {
    return fail(Error::UnsupportedVersion, at + 5, "only HTTP/1.x is spoken here");
  }
  return true;
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 §3), one SP each.
bool Parser::parse_request_line(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && is_tchar(line[i])) ++i;
  if (i == line.size()) {
    if (i == 0) return fail(Error::InvalidMethod, line_start_, "empty method");
    return fail(Error::InvalidTarget, line_start_ + i, "request line ends after the method");
  }
  if (line[i] != ' ' || i == 0) {
    return fail(Error::InvalidMethod, line_start_ + i, "method holds a byte that is not tchar");
  }
  const std::string_view method = line.substr(0, i);
  const std::size_t target_at = i + 1;
  std::size_t j = target_at;
  while (j < line.size() && line[j] != ' ') {
    if (!is_vchar(line[j])) {
      return fail(Error::InvalidTarget, line_start_ + j, "request-target holds a non-VCHAR byte");
    }
    ++j;
  }
  if (j == target_at) return fail(Error::InvalidTarget, line_start_ + j, "empty request-target");
  if (j == line.size()) {
    return fail(Error::InvalidVersion, line_start_ + j, "request line has no HTTP-version");
  }
  if (!parse_version(line.substr(j + 1), line_start_ + j + 1, version_)) return false;
  method_.assign(method);
  if (handler_ != nullptr) {
    handler_->on_request_line(method, line.substr(target_at, j - target_at), version_);
  }
  return true;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4).
bool Parser::parse_status_line(std::string_view line) {
  const std::size_t sp = std::min(line.find(' '), line.size());
  if (!parse_version(line.substr(0, sp), line_start_, version_)) return false;
  if (sp == line.size()) {
    return fail(Error::InvalidStatus, line_start_ + sp, "status line has no status code");
  }
  const std::size_t code_at = sp + 1;
  int code = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    if (code_at + k >= line.size() || !is_digit(line[code_at + k])) {
      return fail(Error::InvalidStatus, line_start_ + code_at + k,
                  "status code is not three digits");
    }
    code = code * 10 + (line[code_at + k] - '0');
  }
  // RFC 9110 §15: every valid status code lies in 100-599.
  if (code < 100 || code > 599) {
    return fail(Error::InvalidStatus, line_start_ + code_at, "status code outside 100-599");
  }
  const std::size_t after = code_at + 3;
  if (after >= line.size() || line[after] != ' ') {
    return fail(Error::InvalidStatus, line_start_ + after, "status code not followed by SP");
  }
  const std::string_view reason = line.substr(after + 1);
  for (std::size_t k = 0; k < reason.size(); ++k) {
    if (!is_field_char(reason[k])) {
      return fail(Error::InvalidReason, line_start_ + after + 1 + k,
                  "reason phrase holds a control character");
    }
  }
  status_ = code;
  if (handler_ != nullptr) handler_->on_status_line(version_, code, reason);
  return true;
}

// Bodies --------------------------------------------------------------------------------

void Parser::emit_body(std::string_view in, std::size_t pos, std::size_t n) {
  if (handler_ == nullptr || n == 0) return;
  handler_->on_body(std::span(reinterpret_cast<const std::uint8_t*>(in.data() + pos), n));
}

void Parser::step_body(std::string_view in, std::size_t& pos) {
  const std::size_t avail = in.size() - pos;
  if (state_ == State::BodyUntilClose) {
    if (avail > limits_.max_body - body_bytes_) {
      // Deliver up to the limit so every split of the input reports the same bytes.
      const auto allowed = static_cast<std::size_t>(limits_.max_body - body_bytes_);
      emit_body(in, pos, allowed);
      fail(Error::BodyTooLarge, base_ + pos + allowed, "body longer than the limit");
      return;
    }
    emit_body(in, pos, avail);
    body_bytes_ += avail;
    pos += avail;
    return;
  }
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, avail));
  emit_body(in, pos, n);
  pos += n;
  remaining_ -= n;
  if (remaining_ != 0) return;
  if (state_ == State::ChunkData) {
    state_ = State::ChunkDataCr;
  } else {
    complete_message();
  }
}

void Parser::complete_message() {
  ++completed_;
  if (handler_ != nullptr) handler_->on_message_complete();
  if (head_.upgrade) {
    state_ = State::Upgraded;
  } else if (kind_ == Kind::Response && status_ < 200) {
    state_ = State::StartLine;  // an interim response; the final one follows
  } else if (head_.keep_alive || leniency_.allow_data_after_close) {
    state_ = State::StartLine;
  } else {
    state_ = State::Closed;
  }
}

// RFC 9112 §9.6: nothing follows a message that closes the connection. Stray line ends,
// which some clients add after a body (§2.2), are let through.
void Parser::step_closed(std::string_view in, std::size_t& pos) {
  while (pos < in.size() && (in[pos] == '\r' || in[pos] == '\n')) ++pos;
  if (pos < in.size()) {
    fail(Error::DataAfterClose, base_ + pos, "bytes after a message that closes the connection");
  }
}

// Chunked transfer coding (RFC 9112 §7.1) ---------------------------------------------------

void Parser::step_chunk_size(std::string_view in, std::size_t& pos) {
  prepare_line(pos);
  std::string_view line;
  if (!take_line(in, pos, saturating_add(line_start_, limits_.max_chunk_line),
                 Error::ChunkLineTooLong, "chunk-size line longer than the limit", line)) {
    return;
  }
  std::uint64_t size = 0;
  std::size_t i = 0;
  for (; i < line.size(); ++i) {
    const int digit = hex_value(line[i]);
    if (digit < 0) break;
    if (size > (std::numeric_limits<std::uint64_t>::max() >> 4)) {
      fail(Error::InvalidChunkSize, line_start_ + i, "chunk-size too large");
      return;
    }
    size = (size << 4) | static_cast<std::uint64_t>(digit);
  }
  if (i == 0) {
    fail(Error::InvalidChunkSize, line_start_, "chunk-size is not a hexadecimal number");
    return;
  }
  const std::string_view ext = line.substr(i);
  if (!check_chunk_extensions(ext, line_start_ + i)) return;
  if (size > limits_.max_body - body_bytes_) {
    fail(Error::BodyTooLarge, line_start_, "body longer than the limit");
    return;
  }
  body_bytes_ += size;
  if (handler_ != nullptr) handler_->on_chunk_header(size, ext);
  if (size == 0) {
    // last-chunk: the trailer section follows, with its own budget (RFC 9112 §7.1.2).
    state_ = State::TrailerLine;
    section_start_ = base_ + pos;
    field_count_ = 0;
    has_pending_ = false;
  } else {
    remaining_ = size;
    state_ = State::ChunkData;
  }
}

// chunk-size [ chunk-ext ] (RFC 9112 §7.1.1): what follows the size must be extensions.
bool Parser::check_chunk_extensions(std::string_view ext, std::size_t at) {
  if (ext.empty()) return true;
  const std::size_t first = ext.find_first_not_of(" \t");
  if (first == std::string_view::npos || ext[first] != ';') {
    return fail(Error::InvalidChunkSize, at, "chunk-size followed by something other than ';'");
  }
  const std::size_t bad = find_parameter_error(ext, false);
  if (bad != std::string_view::npos) {
    return fail(Error::InvalidChunkExtension, at + bad, "malformed chunk extension");
  }
  return true;
}

void Parser::step_chunk_data_end(std::string_view in, std::size_t& pos) {
  const char c = in[pos];
  if (state_ == State::ChunkDataLf) {
    if (c != '\n') {
      fail(Error::BareCr, cr_at_, "CR not followed by LF");
      return;
    }
    ++pos;
    state_ = State::ChunkSize;
    return;
  }
  if (c == '\r') {
    cr_at_ = base_ + pos;
    ++pos;
    state_ = State::ChunkDataLf;
  } else if (c == '\n' && leniency_.allow_bare_lf) {
    ++pos;
    state_ = State::ChunkSize;
  } else if (c == '\n') {
    fail(Error::BareLf, base_ + pos, "LF without CR before it ends a line");
  } else {
    fail(Error::InvalidChunkData, base_ + pos, "chunk data longer than its chunk-size");
  }
}

}  // namespace tcpsim::http
