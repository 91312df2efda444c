// Character classes and small helpers for the HTTP grammar (RFC 9110 §5.5, §5.6; RFC 9112 §2).
// Shared by the parser and the serializer so both accept and produce the same language.
#pragma once

#include <cstddef>
#include <string_view>

namespace tcpsim::http {

// tchar (RFC 9110 §5.6.2): the characters a token (method, field name, coding) may hold.
constexpr bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

// A non-empty run of tchar.
constexpr bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

// VCHAR (RFC 5234): visible US-ASCII, 0x21-0x7E.
constexpr bool is_vchar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u <= 0x7e;
}

// obs-text (RFC 9110 §5.5): bytes 0x80-0xFF, tolerated in field values and reason phrases.
constexpr bool is_obs_text(char c) {
  return static_cast<unsigned char>(c) >= 0x80;
}

// OWS / BWS / RWS are made of SP and HTAB (RFC 9110 §5.6.3).
constexpr bool is_ows(char c) {
  return c == ' ' || c == '\t';
}

// A byte allowed inside a field value or a reason phrase: SP, HTAB, VCHAR, obs-text.
// Everything else is a control character (CTL) and is refused (RFC 9110 §5.5).
constexpr bool is_field_char(char c) {
  return is_ows(c) || is_vchar(c) || is_obs_text(c);
}

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Value of a hexadecimal digit, or -1.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// Case-insensitive comparison for ASCII text: field names, tokens and codings are compared
// this way (RFC 9110 §5.1, §7.6.1, §10.1.4).
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// The text without leading and trailing SP/HTAB.
constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// Calls fn(element, offset_in_s) for each non-empty element of a comma-separated list
// (RFC 9110 §5.6.1), trimmed of OWS. Commas inside a quoted-string do not split.
// Empty elements are skipped, as a recipient must allow. Returns false (after reporting the
// elements before it) if a quoted-string is not closed.
template <class Fn>
constexpr bool for_each_list_element(std::string_view s, Fn&& fn) {
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size()) {
      const char c = s[i];
      if (quoted) {
        if (c == '\\' && i + 1 < s.size()) {
          ++i;  // quoted-pair
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (c == '"') {
        quoted = true;
        continue;
      }
      if (c != ',') continue;
    } else if (quoted) {
      return false;
    }
    std::string_view element = s.substr(start, i - start);
    std::size_t at = start;
    while (!element.empty() && is_ows(element.front())) {
      element.remove_prefix(1);
      ++at;
    }
    element = trim_ows(element);
    if (!element.empty()) fn(element, at);
    start = i + 1;
  }
  return true;
}

// Checks text against *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ), the
// shape shared by chunk extensions (RFC 9112 §7.1.1, value optional) and transfer-parameters
// (RFC 9112 §7.3, value required). Returns the index of the first byte that breaks it, or
// npos when the text is well formed.
constexpr std::size_t find_parameter_error(std::string_view s, bool value_required) {
  std::size_t k = 0;
  const auto skip_ows = [&] {
    while (k < s.size() && is_ows(s[k])) ++k;
  };
  while (k < s.size()) {
    const std::size_t before = k;
    skip_ows();
    if (k == s.size()) return before;  // whitespace with nothing after it
    if (s[k] != ';') return k;
    ++k;
    skip_ows();
    const std::size_t name_at = k;
    while (k < s.size() && is_tchar(s[k])) ++k;
    if (k == name_at) return k;
    const std::size_t after_name = k;
    skip_ows();
    if (k == s.size() || s[k] != '=') {
      if (value_required) return k;
      k = after_name;  // any whitespace belongs to the next round
      continue;
    }
    ++k;
    skip_ows();
    if (k < s.size() && s[k] == '"') {
      ++k;
      for (;;) {
        if (k >= s.size()) return k;  // quoted-string not closed
        const char c = s[k];
        if (c == '"') {
          ++k;
          break;
        }
        if (c == '\\') {
          if (k + 1 >= s.size() || !is_field_char(s[k + 1])) return k;
          k += 2;
          continue;
        }
        if (!is_field_char(c)) return k;
        ++k;
      }
    } else {
      const std::size_t value_at = k;
      while (k < s.size() && is_tchar(s[k])) ++k;
      if (k == value_at) return k;
    }
  }
  return std::string_view::npos;
}

// True if the comma-separated list `list` holds `token`, compared case-insensitively
// (how Connection options are matched, RFC 9110 §7.6.1).
constexpr bool list_has_token(std::string_view list, std::string_view token) {
  bool found = false;
  for_each_list_element(list, [&](std::string_view element, std::size_t) {
    if (iequals(element, token)) found = true;
  });
  return found;
}

}  // namespace tcpsim::http
