#include "sim/script/preprocess.hpp"

#include <fmt/core.h>

#include <cctype>
#include <charconv>
#include <optional>

namespace tcpsim::sim::script {

namespace {

bool word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool is_identifier(std::string_view s) {
  if (s.empty() || !word_start(s[0])) return false;
  for (char c : s) {
    if (!word_char(c)) return false;
  }
  return true;
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> integer(std::string_view s) {
  s = trim(s);
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return neg ? -v : v;
}

// Recursive descent over one #if expression, with C's precedence.
class CondParser {
 public:
  CondParser(std::string_view s, const Symbols& sym) : s_(s), sym_(sym) {}

  Result<std::int64_t, std::string> run() {
    auto v = or_expr();
    if (!v.ok()) return v;
    skip();
    if (i_ < s_.size()) return fail(fmt::format("unexpected '{}'", s_.substr(i_)));
    return v;
  }

 private:
  using R = Result<std::int64_t, std::string>;
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_])) != 0) ++i_;
  }
  bool eat(std::string_view op) {
    skip();
    if (s_.substr(i_, op.size()) != op) return false;
    // '<' must not take the first half of '<=', nor '!' of '!=', nor '&' alone.
    if (op.size() == 1 && i_ + 1 < s_.size() && s_[i_ + 1] == '=' &&
        (op == "<" || op == ">" || op == "!" || op == "=")) {
      return false;
    }
    i_ += op.size();
    return true;
  }
  template <class Next, class Apply>
  R binary(Next next, std::initializer_list<std::string_view> ops, Apply apply) {
    auto lhs = (this->*next)();
    if (!lhs.ok()) return lhs;
    std::int64_t v = *lhs;
    for (;;) {
      std::string_view found;
      for (std::string_view op : ops) {
        if (eat(op)) {
          found = op;
          break;
        }
      }
      if (found.empty()) return v;
      auto rhs = (this->*next)();
      if (!rhs.ok()) return rhs;
      auto r = apply(found, v, *rhs);
      if (!r) return fail(std::string("division by zero"));
      v = *r;
    }
  }
  R or_expr() {
    return binary(&CondParser::and_expr, {"||"},
                  [](auto, std::int64_t a, std::int64_t b) -> std::optional<std::int64_t> {
                    return (a != 0 || b != 0) ? 1 : 0;
                  });
  }
  R and_expr() {
    return binary(&CondParser::eq_expr, {"&&"},
                  [](auto, std::int64_t a, std::int64_t b) -> std::optional<std::int64_t> {
                    return (a != 0 && b != 0) ? 1 : 0;
                  });
  }
  R eq_expr() {
    return binary(
        &CondParser::rel_expr, {"==", "!="},
        [](std::string_view op, std::int64_t a, std::int64_t b) -> std::optional<std::int64_t> {
          return (op == "==") == (a == b) ? 1 : 0;
        });
  }
  R rel_expr() {
    return binary(
        &CondParser::add_expr, {"<=", ">=", "<", ">"},
        [](std::string_view op, std::int64_t a, std::int64_t b) -> std::optional<std::int64_t> {
          bool r = op == "<=" ? a <= b : op == ">=" ? a >= b : op == "<" ? a < b : a > b;
          return r ? 1 : 0;
        });
  }
  R add_expr() {
    return binary(
        &CondParser::mul_expr, {"+", "-"},
        [](std::string_view op, std::int64_t a, std::int64_t b) -> std::optional<std::int64_t> {
          return op == "+" ? a + b : a - b;
        });
  }
  R mul_expr() {
    return binary(
        &CondParser::unary, {"*", "/", "%"},
        [](std::string_view op, std::int64_t a, std::int64_t b) -> std::optional<std::int64_t> {
          if (op == "*") return a * b;
          if (b == 0) return std::nullopt;
          return op == "/" ? a / b : a % b;
        });
  }
  R unary() {
    if (++depth_ > 64) return fail(std::string("expression nested too deeply"));
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth_};
    if (eat("!")) {
      auto v = unary();
      if (!v.ok()) return v;
      return *v == 0 ? 1 : 0;
    }
    if (eat("-")) {
      auto v = unary();
      if (!v.ok()) return v;
      return -*v;
    }
    return primary();
  }
  std::string_view word() {
    skip();
    std::size_t b = i_;
    if (i_ < s_.size() && word_start(s_[i_])) {
      while (i_ < s_.size() && word_char(s_[i_])) ++i_;
    }
    return s_.substr(b, i_ - b);
  }
  R primary() {
    skip();
    if (eat("(")) {
      auto v = or_expr();
      if (!v.ok()) return v;
      if (!eat(")")) return fail(std::string("expected ')'"));
      return v;
    }
    if (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])) != 0) {
      std::size_t b = i_;
      while (i_ < s_.size() && word_char(s_[i_])) ++i_;
      auto v = integer(s_.substr(b, i_ - b));
      if (!v) return fail(fmt::format("bad number '{}'", s_.substr(b, i_ - b)));
      return *v;
    }
    std::string_view w = word();
    if (w.empty()) {
      return fail(i_ < s_.size() ? fmt::format("unexpected '{}'", s_.substr(i_))
                                 : std::string("expression ends too early"));
    }
    if (w == "defined") {
      bool paren = eat("(");
      std::string_view name = word();
      if (name.empty()) return fail(std::string("defined needs a name: defined(NAME)"));
      if (paren && !eat(")")) return fail(std::string("expected ')' after defined(NAME"));
      return sym_.count(name) != 0 ? 1 : 0;
    }
    auto it = sym_.find(w);
    if (it == sym_.end()) return 0;  // as in C: an undefined name is 0
    auto v = integer(it->second);
    if (!v) return fail(fmt::format("{} is defined as '{}', not an integer", w, it->second));
    return *v;
  }

  std::string_view s_;
  const Symbols& sym_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

// One level of #if nesting.
struct Branch {
  std::string directive;  // "#ifdef", for "without #endif"
  int line = 0;
  bool outer_active = true;  // the enclosing level keeps lines
  bool taken = false;        // some branch of this level was chosen
  bool active = false;       // this branch keeps lines
  bool seen_else = false;
};

struct Directive {
  std::string name;  // "if", "ifdef", ...
  std::string_view rest;
};

std::optional<Directive> directive_of(std::string_view line) {
  std::string_view s = trim(line);
  if (s.empty() || s[0] != '#') return std::nullopt;
  s.remove_prefix(1);
  s = trim(s);
  std::size_t n = 0;
  while (n < s.size() && word_char(s[n])) ++n;
  Directive d{std::string(s.substr(0, n)), trim(s.substr(n))};
  static constexpr std::string_view kKnown[] = {"if",      "ifdef", "ifndef", "elif",
                                                "else",    "endif", "define", "undef",
                                                "include", "error", "pragma", "line"};
  for (std::string_view k : kKnown) {
    if (d.name == k) return d;
  }
  return std::nullopt;  // not a directive: left for the lexer (which rejects '#')
}

class Preprocessor {
 public:
  explicit Preprocessor(Symbols s) : sym_(std::move(s)) {}

  Result<std::string, ScriptError> run(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    int line = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t nl = text.find('\n', pos);
      std::string_view l =
          text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
      ++line;
      auto d = directive_of(l);
      if (d) {
        if (auto e = apply(*d, line)) return fail(*e);
      } else if (active()) {
        expand(l, out);
      }
      if (nl == std::string_view::npos) break;
      out += '\n';
      pos = nl + 1;
    }
    if (!stack_.empty()) {
      const Branch& b = stack_.back();
      return fail(
          ScriptError{b.line, 0, fmt::format("#{} without #endif", b.directive), Errc::Missing});
    }
    return out;
  }

 private:
  bool active() const { return stack_.empty() || stack_.back().active; }
  // Appends the line with every word that names a symbol of -D or #define replaced by its
  // value, as packetdrill's lexer does (not in strings or after //; the profile's own
  // symbols, which name kernels, are left alone).
  void expand(std::string_view l, std::string& out) const {
    std::string_view t = trim(l);
    if (t.substr(0, 2) == "--" || t.substr(0, 2) == "-D") {
      out += l;  // an option line: -D MSS=1000 keeps its name
      return;
    }
    std::size_t i = 0;
    char quote = 0;
    while (i < l.size()) {
      char c = l[i];
      if (quote == 0 && c == '/' && i + 1 < l.size() && l[i + 1] == '/') {
        out += l.substr(i);
        return;
      }
      if (c == '"' || c == '`') quote = quote == 0 ? c : (quote == c ? 0 : quote);
      if (quote != 0 || !word_start(c) || (i > 0 && word_char(l[i - 1]))) {
        out += c;
        ++i;
        continue;
      }
      std::size_t b = i;
      while (i < l.size() && word_char(l[i])) ++i;
      std::string_view w = l.substr(b, i - b);
      auto it = sym_.find(w);
      bool builtin = w == "Linux" || w == "FreeBSD" || w == "STANDARD" || w == "TCPSIM";
      out += it != sym_.end() && !builtin ? std::string_view(it->second) : w;
    }
  }
  static ScriptError error(int line, std::string msg, Errc code = Errc::BadSyntax) {
    return ScriptError{line, 0, std::move(msg), code};
  }
  std::optional<ScriptError> condition(const Directive& d, int line, bool& value) {
    if (d.rest.empty()) return error(line, fmt::format("#{} needs an expression", d.name));
    auto v = evaluate_condition(d.rest, sym_);
    if (!v.ok()) return error(line, fmt::format("#{} {}: {}", d.name, d.rest, v.error()));
    value = *v != 0;
    return std::nullopt;
  }
  std::optional<ScriptError> open(const Directive& d, int line) {
    bool value = false;
    if (d.name == "if") {
      if (auto e = condition(d, line, value)) return e;
    } else {
      if (!is_identifier(d.rest)) {
        return error(line, fmt::format("#{} needs one name, found '{}'", d.name, d.rest));
      }
      value = (sym_.count(d.rest) != 0) == (d.name == "ifdef");
    }
    Branch b{d.name, line, active()};
    b.active = b.outer_active && value;
    b.taken = value;
    stack_.push_back(b);
    return std::nullopt;
  }
  std::optional<ScriptError> other_branch(const Directive& d, int line) {
    if (stack_.empty()) return error(line, fmt::format("#{} without #if", d.name));
    Branch& b = stack_.back();
    if (b.seen_else) {
      return error(
          line, fmt::format("#{} after #else (the #{} at line {})", d.name, b.directive, b.line));
    }
    bool value = true;
    if (d.name == "elif") {
      if (auto e = condition(d, line, value)) return e;
    } else {
      if (!d.rest.empty())
        return error(line, fmt::format("#else takes nothing, found '{}'", d.rest));
      b.seen_else = true;
    }
    b.active = b.outer_active && !b.taken && value;
    b.taken = b.taken || value;
    return std::nullopt;
  }
  std::optional<ScriptError> define(const Directive& d, int line) {
    if (!active()) return std::nullopt;
    std::string_view r = d.rest;
    std::size_t n = 0;
    while (n < r.size() && word_char(r[n])) ++n;
    std::string_view name = r.substr(0, n);
    if (!is_identifier(name)) {
      return error(line, fmt::format("#{} needs a name, found '{}'", d.name, d.rest));
    }
    if (d.name == "undef") {
      sym_.erase(std::string(name));
    } else {
      std::string_view value = trim(r.substr(n));
      sym_[std::string(name)] = value.empty() ? "1" : std::string(value);
    }
    return std::nullopt;
  }
  std::optional<ScriptError> apply(const Directive& d, int line) {
    if (d.name == "if" || d.name == "ifdef" || d.name == "ifndef") return open(d, line);
    if (d.name == "elif" || d.name == "else") return other_branch(d, line);
    if (d.name == "endif") {
      if (stack_.empty()) return error(line, "#endif without #if");
      if (!d.rest.empty()) {
        return error(line, fmt::format("#endif takes nothing, found '{}'", d.rest));
      }
      stack_.pop_back();
      return std::nullopt;
    }
    if (d.name == "define" || d.name == "undef") return define(d, line);
    if (!active()) return std::nullopt;  // as in C: skipped lines hold no directives
    if (d.name == "error") return error(line, fmt::format("#error {}", d.rest), Errc::Conflict);
    return error(line,
                 fmt::format("unsupported directive #{} (supported: #if, #ifdef, #ifndef, "
                             "#elif, #else, #endif, #define, #undef)",
                             d.name),
                 Errc::Unsupported);
  }

  Symbols sym_;
  std::vector<Branch> stack_;
};

}  // namespace

Result<std::int64_t, std::string> evaluate_condition(std::string_view expr,
                                                     const Symbols& symbols) {
  return CondParser(expr, symbols).run();
}

Result<std::string, ScriptError> preprocess(std::string_view text, Symbols symbols) {
  return Preprocessor(std::move(symbols)).run(text);
}

bool add_definition(std::string_view definition, Symbols& symbols) {
  std::size_t eq = definition.find('=');
  std::string_view name = definition.substr(0, eq);
  if (!is_identifier(name)) return false;
  symbols[std::string(name)] =
      eq == std::string_view::npos ? std::string("1") : std::string(definition.substr(eq + 1));
  return true;
}

std::vector<ScriptOption> leading_options(std::string_view text) {
  std::vector<ScriptOption> out;
  int line = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view l =
        trim(text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos));
    ++line;
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (l.empty() || l.substr(0, 2) == "//") continue;
    if (l[0] != '-') break;
    // Words separated by blanks: --name[=value], -DNAME[=VALUE], -D NAME, --define NAME.
    std::vector<std::string_view> words;
    while (!l.empty()) {
      std::size_t sp = 0;
      while (sp < l.size() && std::isspace(static_cast<unsigned char>(l[sp])) == 0) ++sp;
      words.push_back(l.substr(0, sp));
      l = trim(l.substr(sp));
    }
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::string_view w = words[i];
      bool define = w == "-D" || w == "--define";
      if (define && i + 1 < words.size()) {
        out.push_back({"define", std::string(words[++i]), line});
      } else if (w.size() > 2 && w.substr(0, 2) == "-D") {
        out.push_back({"define", std::string(w.substr(2)), line});
      } else if (w.size() > 2 && w.substr(0, 2) == "--") {
        std::size_t eq = w.find('=');
        std::optional<std::string> value;
        if (eq != std::string_view::npos) value = std::string(w.substr(eq + 1));
        out.push_back({std::string(w.substr(2, eq == std::string_view::npos ? w.npos : eq - 2)),
                       value, line});
      }
    }
  }
  return out;
}

}  // namespace tcpsim::sim::script
