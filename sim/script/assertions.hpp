// The Python that %{ }% blocks of test suites use for checks, evaluated without Python:
//
//   %{
//   assert tcpi_state == TCPI_ESTABLISHED, 'not established'
//   assert tcpi_unacked in (1, 2) and not tcpi_retrans, tcpi_unacked
//   assert abs(tcpi_rtt - 100000) <= tcpi_rtt // 10
//   }%
//
// One `assert` per statement (statements end at a line break outside parentheses, or at
// ';'); the message after a comma is not evaluated. Expressions: integers (decimal, hex),
// True/False, tcpi_* fields, named constants (TCP states, TCPI_OPT_*, TCP_CA_*), `or`,
// `and`, `not`, chained comparisons, `in (a, b)`, `not in`, + - * // %, the bitwise
// | ^ & << >> and ~ (tcpi_options & TCPI_OPT_SACK), unary -, abs(), parentheses. Anything else is
// an error naming it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/result.hpp"
#include "stack/tcp/state.hpp"

namespace tcpsim::sim::script {

struct CodeExpr {
  enum class Kind : std::uint8_t {
    Int,      // number
    Field,    // tcpi_* (text)
    Const,    // a named constant (text), resolved for the profile at run time
    Not,      // not a
    Neg,      // -a
    Invert,   // ~a
    Abs,      // abs(a)
    And,      // a and b
    Or,       // a or b
    Binary,   // a OP b: + - * // % | ^ & << >>   (text = OP)
    Compare,  // a OP b OP c ...      (ops = the operators, items = operands)
    In,       // items[0] in (items[1..]); text "not in" for the negation
  };
  Kind kind = Kind::Int;
  std::int64_t number = 0;
  std::string text;
  std::vector<std::string> ops;
  std::vector<CodeExpr> items;
};

struct Assertion {
  CodeExpr expr;
  std::string text;     // the condition as written, for messages
  std::string message;  // the text after the comma, if any
};

// Parses a %{ }% block. The error names the construct that is not supported.
Result<std::vector<Assertion>, std::string> parse_assertions(std::string_view code);

// The value of a field or constant; nullopt when the name means nothing (for messages).
struct CodeContext {
  std::function<std::int64_t(std::string_view field)> field;
  std::string profile = "linux";  // which kernel's numbers TCP state names take
};
// Evaluates an expression; Python's semantics for // and % (floor), booleans as 0/1.
// Fails only on division by zero.
Result<std::int64_t, std::string> evaluate(const CodeExpr& e, const CodeContext& ctx);

// The tcpi_* fields tcpsim reports.
bool is_known_tcpi_field(std::string_view name);
const std::vector<std::string_view>& known_tcpi_fields();
// A named constant: a TCP state in either kernel's spelling (TCP_SYN_RECV, TCPI_SYN_RECEIVED,
// TCPS_FIN_WAIT_1, ...) in the profile's numbering, TCPI_OPT_*, TCP_CA_*.
std::optional<std::int64_t> code_constant(std::string_view name, std::string_view profile);
// tcpi_state of a connection in `s` for the profile (Linux's TCP_* or FreeBSD's TCPS_*).
std::int64_t tcpi_state_number(tcp::State s, std::string_view profile);

}  // namespace tcpsim::sim::script
