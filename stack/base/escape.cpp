#include "stack/base/escape.hpp"

#include "stack/base/utf8.hpp"

namespace tcpsim {

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  std::optional<Utf8Lead> lead = utf8_lead(byte(i));
  if (!lead || lead->continuation == 0) return 0;
  std::size_t len = 1u + lead->continuation;
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lead->lo || byte(i + 1) > lead->hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

void append_escaped(std::string& out, std::string_view bytes, EscapeStyle style) {
  static constexpr char kHex[] = "0123456789abcdef";
  bool json = style == EscapeStyle::Json;
  std::size_t i = 0;
  while (i < bytes.size()) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (json && c >= 0x80) {
      std::size_t len = utf8_sequence_length(bytes, i);
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(bytes.substr(i, len));
        i += len;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (json && (c == '\b' || c == '\f')) {
      out += c == '\b' ? "\\b" : "\\f";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += json ? "\\u00" : "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
}

}  // namespace tcpsim
