#include "sim/core/error.hpp"

#include <ostream>

#include "stack/base/enum_names.hpp"

namespace tcpsim::sim {
namespace {

constexpr EnumNames<Errc, 13> kErrcNames{{{
    {Errc::BadSyntax, "bad syntax"},
    {Errc::UnknownKey, "unknown key"},
    {Errc::UnknownName, "unknown name"},
    {Errc::BadValue, "bad value"},
    {Errc::OutOfRange, "out of range"},
    {Errc::Missing, "missing"},
    {Errc::Duplicate, "duplicate"},
    {Errc::Conflict, "conflict"},
    {Errc::NoLink, "no link"},
    {Errc::TooLate, "too late"},
    {Errc::Unsupported, "unsupported"},
    {Errc::Io, "i/o"},
    {Errc::System, "system"},
}}};

}  // namespace

std::string_view to_string(Errc code) {
  return kErrcNames.name(code);
}

std::ostream& operator<<(std::ostream& os, Errc code) {
  return os << to_string(code);
}

std::ostream& operator<<(std::ostream& os, const Error& e) {
  return os << to_string(e.code) << ": " << e.message;
}

}  // namespace tcpsim::sim
