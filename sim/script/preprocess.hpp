// The preprocessor run before lexing, so that one script can serve several kernels:
//
//   #ifdef Linux
//   +0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7>
//   #elif defined(FreeBSD) && TCPSIM_VERSION >= 1
//   +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 6,sackOK,eol,eol>
//   #endif
//
// Directives: #if EXPR, #ifdef NAME, #ifndef NAME, #elif EXPR, #else, #endif (nested),
// #define NAME [VALUE], #undef NAME and #error TEXT (an error when its branch is kept).
// Removed lines, and the directive lines themselves, become blank lines, so every line
// keeps its number for later messages. In the lines kept, a word that names a symbol of
// -D or #define is replaced by its value (packetdrill's -D NAME=VALUE), so `<mss MSS>`
// takes the MSS given on the command line.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/script/script.hpp"

namespace tcpsim::sim::script {

// Defined symbols and their values as written ("1" when none was given).
using Symbols = std::map<std::string, std::string, std::less<>>;

// The text with the directives applied. A malformed or unbalanced directive is an error
// naming it and its line.
Result<std::string, ScriptError> preprocess(std::string_view text, Symbols symbols);

// Evaluates one #if expression (exposed for tests): integers, defined(NAME), NAME (its
// value, 0 when undefined), ! && || == != < > <= >= + - * / % and parentheses.
Result<std::int64_t, std::string> evaluate_condition(std::string_view expr, const Symbols& symbols);

// The options written before the first event (`--name=value`, `-D NAME[=VALUE]`,
// `--define NAME[=VALUE]`), read from the raw text: they decide the profile and the
// symbols before the preprocessor runs. Lines that are blank or comments are skipped.
std::vector<ScriptOption> leading_options(std::string_view text);

// "NAME" or "NAME=VALUE" into the symbols; false when NAME is not an identifier.
bool add_definition(std::string_view definition, Symbols& symbols);

}  // namespace tcpsim::sim::script
