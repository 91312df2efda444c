#include "stack/wire/error.hpp"

#include "stack/base/enum_names.hpp"

#include <ostream>

namespace tcpsim::wire {

constexpr EnumNames<Errc, 13> kErrcNames{{{
    {Errc::Truncated, "truncated"},
    {Errc::BadEtherType, "bad ethertype"},
    {Errc::BadVersion, "bad version"},
    {Errc::BadHeaderLength, "bad header length"},
    {Errc::BadTotalLength, "bad total length"},
    {Errc::BadChecksum, "bad checksum"},
    {Errc::BadDataOffset, "bad data offset"},
    {Errc::OptionOverrun, "option overrun"},
    {Errc::BadOptionLength, "bad option length"},
    {Errc::BadProtocol, "bad protocol"},
    {Errc::UnsupportedExtensionHeader, "unsupported extension header"},
    {Errc::BadAddress, "bad address"},
    {Errc::Fragmented, "fragmented"},
}}};

std::string_view to_string(Errc code) {
  return kErrcNames.name(code, "unknown error");
}

std::string ParseError::message() const {
  std::string out;
  out.reserve(field.size() + detail.size() + 48);
  out.append(field.empty() ? std::string_view("packet") : field);
  out.append(": ");
  out.append(to_string(code));
  out.append(" at byte ");
  out.append(std::to_string(offset));
  if (!detail.empty()) {
    out.append(" (");
    out.append(detail);
    out.append(")");
  }
  return out;
}

std::ostream& operator<<(std::ostream& os, Errc code) {
  return os << to_string(code);
}

std::ostream& operator<<(std::ostream& os, const ParseError& e) {
  return os << e.message();
}

}  // namespace tcpsim::wire
