// The error of the simulator's inputs: a scenario file, a --set override, a fault command,
// link parameters, a capture or trace path, the bridge's options and the machine it needs.
// The code names the rule that was broken, so that a test (or a program) can tell kinds of
// mistake apart without reading prose; the message is the one line a person reads.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

#include "stack/base/result.hpp"

namespace tcpsim::sim {

enum class Errc : std::uint8_t {
  BadSyntax,    // text that does not parse: TOML, KEY=VALUE, the shape of a fault command
  UnknownKey,   // a key the table, the command or --set does not have
  UnknownName,  // a name that names nothing: a host, node, app or [params] entry the
                // scenario lacks, or a profile, algorithm, role, state or kind tcpsim lacks
  BadValue,     // a value of the wrong type or form, or a word outside its fixed set
  OutOfRange,   // a number (or address) outside what is allowed
  Missing,      // something required is absent: a key, a host, a clause, an option
  Duplicate,    // a name, address or clause given twice
  Conflict,     // values each allowed alone that do not go together
  NoLink,       // nodes that no link joins, where a link is needed
  TooLate,      // a timed action whose time has already passed
  Unsupported,  // well-formed, but something tcpsim does not model (a packetdrill feature)
  Io,           // a file that cannot be opened, read or written
  System,       // the machine refuses: no TUN device, no permission, `ip` failing
};

// Lower-case phrase, e.g. "unknown key".
std::string_view to_string(Errc code);
std::ostream& operator<<(std::ostream& os, Errc code);

struct Error {
  Errc code = Errc::BadValue;
  // One line saying what is wrong, where, and what is allowed, e.g.
  // "f.toml:12:9: delay: expected a duration such as \"5ms\", \"1.5s\", \"200us\"".
  std::string message;
  // The place alone, as the message names it: "f.toml:12:9", "f.toml (--set)", "--tun",
  // "link a->b"; empty when the message names none.
  std::string where;

  bool operator==(const Error&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Error& e);

// Shorthand for `return fail_with(...)`.
inline Failure<Error> fail_with(Errc code, std::string message, std::string where = {}) {
  return tcpsim::fail(Error{code, std::move(message), std::move(where)});
}

}  // namespace tcpsim::sim
