#include "stack/wire/error.hpp"

#include <ostream>

namespace tcpsim::wire {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::Truncated:
      return "truncated";
    case Errc::BadEtherType:
      return "bad ethertype";
    case Errc::BadVersion:
      return "bad version";
    case Errc::BadHeaderLength:
      return "bad header length";
    case Errc::BadTotalLength:
      return "bad total length";
    case Errc::BadChecksum:
      return "bad checksum";
    case Errc::BadDataOffset:
      return "bad data offset";
    case Errc::OptionOverrun:
      return "option overrun";
    case Errc::BadOptionLength:
      return "bad option length";
    case Errc::BadProtocol:
      return "bad protocol";
    case Errc::UnsupportedExtensionHeader:
      return "unsupported extension header";
    case Errc::BadAddress:
      return "bad address";
    case Errc::Fragmented:
      return "fragmented";
  }
  return "unknown error";
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
