#include "stack/http/message.hpp"

#include <algorithm>

#include "stack/http/grammar.hpp"

namespace tcpsim::http {

std::string to_string(Version v) {
  std::string out = "HTTP/";
  out += std::to_string(v.major);
  out += '.';
  out += std::to_string(v.minor);
  return out;
}

const Header* find_header(const Headers& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return &h;
  }
  return nullptr;
}

std::size_t count_header(const Headers& headers, std::string_view name) {
  return static_cast<std::size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const Header& h) { return iequals(h.name, name); }));
}

std::optional<std::string> combined_header(const Headers& headers, std::string_view name) {
  std::optional<std::string> out;
  for (const Header& h : headers) {
    if (!iequals(h.name, name)) continue;
    if (out) {
      out->append(", ");
      out->append(h.value);
    } else {
      out = h.value;
    }
  }
  return out;
}

bool has_token(const Headers& headers, std::string_view name, std::string_view token) {
  return std::any_of(headers.begin(), headers.end(), [&](const Header& h) {
    return iequals(h.name, name) && list_has_token(h.value, token);
  });
}

std::size_t remove_header(Headers& headers, std::string_view name) {
  const auto before = headers.size();
  std::erase_if(headers, [&](const Header& h) { return iequals(h.name, name); });
  return before - headers.size();
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  const Header* h = find_header(headers, name);
  if (h == nullptr) return std::nullopt;
  return std::string_view(h->value);
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  const Header* h = find_header(headers, name);
  if (h == nullptr) return std::nullopt;
  return std::string_view(h->value);
}

bool keep_alive(Version version, const Headers& headers) {
  if (has_token(headers, "Connection", "close")) return false;
  if (version.at_least_11()) return true;
  return has_token(headers, "Connection", "keep-alive");
}

bool keep_alive(const Request& request) {
  return keep_alive(request.version, request.headers);
}

bool keep_alive(const Response& response) {
  return keep_alive(response.version, response.headers);
}

std::string_view reason_phrase(int status) {
  // RFC 9110 §15 (and RFC 6585 for 428, 429, 431).
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 203:
      return "Non-Authoritative Information";
    case 204:
      return "No Content";
    case 205:
      return "Reset Content";
    case 206:
      return "Partial Content";
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 421:
      return "Misdirected Request";
    case 422:
      return "Unprocessable Content";
    case 426:
      return "Upgrade Required";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

}  // namespace tcpsim::http
