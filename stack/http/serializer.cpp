#include "stack/http/serializer.hpp"

#include "stack/base/enum_names.hpp"

#include <algorithm>
#include <optional>
#include <ostream>

#include "stack/http/grammar.hpp"

namespace tcpsim::http {

namespace {

std::optional<WriteError> check_fields(const Headers& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Header& h = fields[i];
    if (!is_token(h.name)) return WriteError{WriteErrc::InvalidHeaderName, i};
    const bool chars_ok = std::all_of(h.value.begin(), h.value.end(), is_field_char);
    // Surrounding whitespace is not part of a field value (RFC 9110 §5.5); a reader would
    // strip it, so the value would not survive the trip.
    if (!chars_ok || trim_ows(h.value).size() != h.value.size()) {
      return WriteError{WriteErrc::InvalidHeaderValue, i};
    }
  }
  return std::nullopt;
}

bool is_framing_field(const Header& h) {
  return iequals(h.name, "Content-Length") || iequals(h.name, "Transfer-Encoding");
}

void append_version(std::string& out, Version v) {
  out += "HTTP/";
  out += static_cast<char>('0' + v.major);
  out += '.';
  out += static_cast<char>('0' + v.minor);
}

void append_fields(std::string& out, const Headers& fields, bool skip_framing) {
  for (const Header& h : fields) {
    if (skip_framing && is_framing_field(h)) continue;
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
}

// What actually goes on the wire once Auto is resolved.
enum class Wire : std::uint8_t {
  Verbatim,  // Framing::AsIs
  Bare,      // no framing field and no body; stale framing fields dropped
  Length,
  Chunked,
};

Wire resolve(Framing framing, bool bodiless, bool has_trailers, bool wants_length) {
  if (framing == Framing::AsIs) return Wire::Verbatim;
  // Chunks on a bodiless response would be read as the start of the next one.
  if (bodiless) return Wire::Bare;
  switch (framing) {
    case Framing::AsIs:
      return Wire::Verbatim;
    case Framing::ContentLength:
      return Wire::Length;
    case Framing::Chunked:
      return Wire::Chunked;
    case Framing::Auto:
      break;
  }
  if (has_trailers) return Wire::Chunked;
  return wants_length ? Wire::Length : Wire::Bare;
}

// Appends the fields, the framing field, the empty line and the body.
void append_rest(std::string& out, const Headers& headers, const std::string& body,
                 const Headers& trailers, Wire wire, std::size_t chunk_size) {
  append_fields(out, headers, wire != Wire::Verbatim);
  switch (wire) {
    case Wire::Verbatim:
      out += "\r\n";
      out += body;
      return;
    case Wire::Bare:
      out += "\r\n";
      return;
    case Wire::Length:
      out += "Content-Length: ";
      out += std::to_string(body.size());
      out += "\r\n\r\n";
      out += body;
      return;
    case Wire::Chunked:
      break;
  }
  // RFC 9112 §7.1: chunks, the last-chunk, the trailer section, the empty line.
  constexpr char kHex[] = "0123456789abcdef";
  out += "Transfer-Encoding: chunked\r\n\r\n";
  const std::size_t step = chunk_size == 0 ? std::max<std::size_t>(body.size(), 1) : chunk_size;
  for (std::size_t at = 0; at < body.size(); at += step) {
    const std::size_t n = std::min(step, body.size() - at);
    std::string size;
    for (std::size_t v = n; v != 0; v >>= 4) size.insert(size.begin(), kHex[v & 0xf]);
    out += size;
    out += "\r\n";
    out.append(body, at, n);
    out += "\r\n";
  }
  out += "0\r\n";
  append_fields(out, trailers, false);
  out += "\r\n";
}

std::optional<WriteError> check_version(Version v) {
  if (v.major != 1 || v.minor < 0 || v.minor > 9) return WriteError{WriteErrc::InvalidVersion, 0};
  return std::nullopt;
}

// Chunked framing and trailers exist from HTTP/1.1 on (RFC 9112 §6.1).
std::optional<WriteError> check_framing(Version v, Wire wire, const Headers& trailers) {
  if (v.at_least_11()) return std::nullopt;
  if (wire == Wire::Chunked || (!trailers.empty() && wire != Wire::Verbatim)) {
    return WriteError{WriteErrc::ChunkedNeedsHttp11, 0};
  }
  return std::nullopt;
}

}  // namespace

constexpr EnumNames<WriteErrc, 9> kWriteErrcNames{{{
    {WriteErrc::InvalidMethod, "InvalidMethod"},
    {WriteErrc::InvalidTarget, "InvalidTarget"},
    {WriteErrc::InvalidVersion, "InvalidVersion"},
    {WriteErrc::InvalidStatus, "InvalidStatus"},
    {WriteErrc::InvalidReason, "InvalidReason"},
    {WriteErrc::InvalidHeaderName, "InvalidHeaderName"},
    {WriteErrc::InvalidHeaderValue, "InvalidHeaderValue"},
    {WriteErrc::BodyNotAllowed, "BodyNotAllowed"},
    {WriteErrc::ChunkedNeedsHttp11, "ChunkedNeedsHttp11"},
}}};

std::string_view name(WriteErrc code) {
  return kWriteErrcNames.name(code, "Unknown");
}

std::ostream& operator<<(std::ostream& os, const WriteError& e) {
  return os << name(e.code) << " (field " << e.index << ")";
}

Result<std::string, WriteError> serialize(const Request& r, WriteOptions options) {
  if (!is_token(r.method)) return fail(WriteError{WriteErrc::InvalidMethod, 0});
  if (r.target.empty() || !std::all_of(r.target.begin(), r.target.end(), is_vchar)) {
    return fail(WriteError{WriteErrc::InvalidTarget, 0});
  }
  if (auto e = check_version(r.version)) return fail(*e);
  if (auto e = check_fields(r.headers)) return fail(*e);
  if (auto e = check_fields(r.trailers)) return fail(*e);
  // RFC 9110 §8.6: a request without content whose method defines none carries no
  // Content-Length.
  const bool expects_body = r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
  const Wire wire =
      resolve(options.framing, false, !r.trailers.empty(), !r.body.empty() || expects_body);
  if (auto e = check_framing(r.version, wire, r.trailers)) return fail(*e);
  std::string out;
  out.reserve(64 + r.target.size() + r.body.size());
  out += r.method;
  out += ' ';
  out += r.target;
  out += ' ';
  append_version(out, r.version);
  out += "\r\n";
  append_rest(out, r.headers, r.body, r.trailers, wire, options.chunk_size);
  return out;
}

Result<std::string, WriteError> serialize(const Response& r, WriteOptions options) {
  if (auto e = check_version(r.version)) return fail(*e);
  if (r.status < 100 || r.status > 599) return fail(WriteError{WriteErrc::InvalidStatus, 0});
  if (!std::all_of(r.reason.begin(), r.reason.end(), is_field_char)) {
    return fail(WriteError{WriteErrc::InvalidReason, 0});
  }
  if (auto e = check_fields(r.headers)) return fail(*e);
  if (auto e = check_fields(r.trailers)) return fail(*e);
  // RFC 9110 §6.4.1: 1xx, 204 and 304 never have content. Auto writes no framing field for
  // them: none is allowed on 1xx and 204 (§8.6), and on 304 it would describe the unsent
  // representation, which only the caller knows (AsIs writes one given in the headers).
  const bool bodiless = status_has_no_body(r.status);
  if (bodiless && (!r.body.empty() || !r.trailers.empty())) {
    return fail(WriteError{WriteErrc::BodyNotAllowed, 0});
  }
  const Wire wire = resolve(options.framing, bodiless, !r.trailers.empty(), true);
  if (auto e = check_framing(r.version, wire, r.trailers)) return fail(*e);
  std::string out;
  out.reserve(64 + r.reason.size() + r.body.size());
  append_version(out, r.version);
  out += ' ';
  out += static_cast<char>('0' + r.status / 100);
  out += static_cast<char>('0' + r.status / 10 % 10);
  out += static_cast<char>('0' + r.status % 10);
  out += ' ';
  out += r.reason;
  out += "\r\n";
  append_rest(out, r.headers, r.body, r.trailers, wire, options.chunk_size);
  return out;
}

Response error_response(const ParseError& error) {
  Response r;
  r.status = response_status_for(error.code);
  r.reason = std::string(reason_phrase(r.status));
  r.headers.push_back({"Content-Type", "text/plain"});
  r.headers.push_back({"Connection", "close"});
  r.body = error.message();
  r.body += '\n';
  return r;
}

}  // namespace tcpsim::http
