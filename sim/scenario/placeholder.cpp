#include "sim/scenario/placeholder.hpp"

#include <fmt/core.h>

#include <cctype>
#include <charconv>
#include <limits>
#include <vector>

#include "sim/core/units.hpp"

namespace tcpsim::sim {
namespace {

// Thrown inside this file only; expand_placeholders turns it into its error result.
struct PlaceholderError {
  Errc code;
  std::string message;
};

[[noreturn]] void refuse(Errc code, std::string message) {
  throw PlaceholderError{code, std::move(message)};
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::string trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

std::optional<std::int64_t> decimal(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// A [params] value as an integer: itself, or a quantity in its base unit.
std::optional<std::int64_t> quantity(std::string_view text) {
  if (auto v = decimal(text)) return v;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (auto d = parse_duration(text)) return *d;
  for (auto parse : {parse_rate, parse_bytes}) {
    if (auto v = parse(text); v && *v <= kMax) return static_cast<std::int64_t>(*v);
  }
  return std::nullopt;
}

// Integer arithmetic over i, n, numbers and $params, by recursive descent:
//   sum := product (('+' | '-') product)*     product := unary (('*' | '/' | '%') unary)*
//   unary := '-' unary | atom                 atom := NUMBER | i | n | $NAME | (sum)
//                                                      | min(sum, sum) | max(sum, sum)
class Expression {
 public:
  Expression(std::string_view text, const PlaceholderScope& scope) : text_(text), scope_(scope) {}

  std::int64_t evaluate() {
    std::int64_t v = sum();
    skip_spaces();
    if (pos_ != text_.size()) expected("an operator (+ - * / %)");
    return v;
  }

 private:
  std::int64_t sum() {
    std::int64_t v = product();
    for (;;) {
      if (eat('+')) {
        v = checked(v, product(), '+');
      } else if (eat('-')) {
        v = checked(v, product(), '-');
      } else {
        return v;
      }
    }
  }

  std::int64_t product() {
    std::int64_t v = unary();
    for (;;) {
      char op = 0;
      for (char c : {'*', '/', '%'}) {
        if (op == 0 && eat(c)) op = c;
      }
      if (op == 0) return v;
      v = checked(v, unary(), op);
    }
  }

  std::int64_t unary() {
    if (eat('-')) return checked(0, unary(), '-');
    return atom();
  }

  std::int64_t atom() {
    skip_spaces();
    if (eat('(')) {
      std::int64_t v = sum();
      if (!eat(')')) expected("')'");
      return v;
    }
    if (pos_ < text_.size() && text_[pos_] == '$') {
      ++pos_;
      return param(word());
    }
    if (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      std::size_t start = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      auto v = decimal(text_.substr(start, pos_ - start));
      if (!v) refuse(Errc::OutOfRange, fmt::format("{}: the number is too large", quoted()));
      return *v;
    }
    std::string w = word();
    if (w == "i") return scope_.i;
    if (w == "n") return scope_.n;
    if ((w == "min" || w == "max") && eat('(')) {
      std::int64_t a = sum();
      if (!eat(',')) expected("','");
      std::int64_t b = sum();
      if (!eat(')')) expected("')'");
      return w == "min" ? std::min(a, b) : std::max(a, b);
    }
    if (w.empty()) expected("a value (a number, i, n, $name, min(a, b), max(a, b) or '(')");
    refuse(Errc::UnknownName, fmt::format("{}: '{}' is not a name a placeholder knows (allowed: "
                                          "i, n, $name, min(a, b), max(a, b), mix(SHARES))",
                                          quoted(), w));
  }

  std::int64_t param(const std::string& name) {
    std::optional<std::string> text = scope_.param ? scope_.param(name) : std::nullopt;
    if (!text)
      refuse(Errc::UnknownName,
             fmt::format("{}: '${}' names no entry of [params]", quoted(), name));
    std::optional<std::int64_t> v = quantity(*text);
    if (!v) {
      refuse(Errc::BadValue,
             fmt::format("{}: ${} = '{}' is not an integer, byte count, duration or rate", quoted(),
                         name, *text));
    }
    return *v;
  }

  std::int64_t checked(std::int64_t a, std::int64_t b, char op) {
    std::int64_t r = 0;
    bool overflow = false;
    switch (op) {
      case '+':
        overflow = __builtin_add_overflow(a, b, &r);
        break;
      case '-':
        overflow = __builtin_sub_overflow(a, b, &r);
        break;
      case '*':
        overflow = __builtin_mul_overflow(a, b, &r);
        break;
      default:
        if (b == 0)
          refuse(Errc::OutOfRange, fmt::format("{}: division by zero (i = {}, n = {})", quoted(),
                                               scope_.i, scope_.n));
        overflow = a == std::numeric_limits<std::int64_t>::min() && b == -1;
        r = overflow ? 0 : (op == '/' ? a / b : a % b);
    }
    if (overflow)
      refuse(Errc::OutOfRange,
             fmt::format("{}: the result overflows a 64-bit integer (i = {})", quoted(), scope_.i));
    return r;
  }

  std::string word() {
    skip_spaces();
    std::size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  void skip_spaces() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }

  bool eat(char c) {
    skip_spaces();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::string quoted() const { return fmt::format("placeholder '{{{}}}'", text_); }

  [[noreturn]] void expected(std::string_view what) const {
    std::string_view rest = text_.substr(pos_);
    refuse(Errc::BadSyntax,
           fmt::format("{}: expected {} {}", quoted(), what,
                       rest.empty() ? std::string("at its end") : fmt::format("at '{}'", rest)));
  }

  std::string_view text_;
  const PlaceholderScope& scope_;
  std::size_t pos_ = 0;
};

struct Share {
  std::string word;
  std::int64_t percent = 0;
};

// "cubic:50%,newreno:50%" (or one word alone, for 100%).
std::vector<Share> parse_shares(const std::string& spec, const std::string& quoted) {
  std::vector<Share> shares;
  std::int64_t total = 0;
  std::size_t start = 0;
  const std::string form = "expected WORD:PERCENT% entries such as \"cubic:50%,newreno:50%\"";
  while (start <= spec.size()) {
    std::size_t comma = spec.find(',', start);
    std::string entry = trim(std::string_view(spec).substr(
        start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? spec.size() + 1 : comma + 1;
    std::size_t colon = entry.find(':');
    Share s{trim(std::string_view(entry).substr(0, colon)), 100};
    if (colon != std::string::npos) {
      std::string p = trim(std::string_view(entry).substr(colon + 1));
      std::optional<std::int64_t> v = p.size() > 1 && p.back() == '%'
                                          ? decimal(std::string_view(p).substr(0, p.size() - 1))
                                          : std::nullopt;
      if (!v || *v < 0 || *v > 100)
        refuse(Errc::BadValue, fmt::format("{}: '{}' is not a share: {}", quoted, entry, form));
      s.percent = *v;
    } else if (spec.find(',') != std::string::npos) {
      refuse(Errc::BadValue, fmt::format("{}: '{}' has no share: {}", quoted, entry, form));
    }
    if (s.word.empty())
      refuse(Errc::BadValue, fmt::format("{}: an entry has no word: {}", quoted, form));
    total += s.percent;
    shares.push_back(std::move(s));
  }
  if (total != 100)
    refuse(Errc::BadValue,
           fmt::format("{}: the shares of '{}' add up to {}%, not 100%", quoted, spec, total));
  return shares;
}

// Smooth weighted round-robin: each step every entry gains its share, the largest (the
// first listed on a tie) is picked and loses 100. The picks repeat every 100 steps.
const std::string& mix_pick(const std::vector<Share>& shares, std::int64_t i) {
  std::vector<std::int64_t> current(shares.size(), 0);
  std::size_t pick = 0;
  for (std::int64_t step = 0; step <= i % 100; ++step) {
    pick = 0;
    for (std::size_t k = 0; k < shares.size(); ++k) {
      current[k] += shares[k].percent;
      if (current[k] > current[pick]) pick = k;
    }
    current[pick] -= 100;
  }
  return shares[pick].word;
}

// {mix(SHARES)}: `inner` is what the braces hold, known to start with "mix(".
std::string mix(std::string_view inner, const PlaceholderScope& scope) {
  std::string quoted = fmt::format("placeholder '{{{}}}'", inner);
  std::string body = trim(inner);
  if (body.back() != ')')
    refuse(Errc::BadSyntax, fmt::format("{}: expected mix(SHARES) with a closing ')'", quoted));
  std::string spec = trim(std::string_view(body).substr(4, body.size() - 5));
  if (!spec.empty() && spec[0] == '$') {
    std::string name = spec.substr(1);
    std::optional<std::string> text = scope.param ? scope.param(name) : std::nullopt;
    if (!text)
      refuse(Errc::UnknownName, fmt::format("{}: '${}' names no entry of [params]", quoted, name));
    spec = *text;
  }
  return mix_pick(parse_shares(spec, quoted), scope.i);
}

bool is_mix(std::string_view inner) {
  std::string t = trim(inner);
  return t.rfind("mix", 0) == 0 && trim(std::string_view(t).substr(3)).rfind('(', 0) == 0;
}

std::string expand_one(std::string_view inner, const PlaceholderScope& scope,
                       std::optional<std::int64_t>& value) {
  if (trim(inner).empty()) refuse(Errc::BadSyntax, "empty placeholder '{}'");
  if (is_mix(inner)) {
    std::string t = trim(inner);
    std::size_t open = t.find('(');
    return mix(t.substr(0, 3) + t.substr(open), scope);
  }
  value = Expression(inner, scope).evaluate();
  return std::to_string(*value);
}

}  // namespace

bool has_placeholder(std::string_view text) {
  return text.find_first_of("{}") != std::string_view::npos;
}

Result<Expanded, Error> expand_placeholders(std::string_view text, const PlaceholderScope& scope) {
  Expanded out;
  bool whole = false;  // one placeholder spans the text
  std::optional<std::int64_t> last;
  try {
    for (std::size_t k = 0; k < text.size(); ++k) {
      char c = text[k];
      if ((c == '{' || c == '}') && k + 1 < text.size() && text[k + 1] == c) {
        out.text += c;
        ++k;
      } else if (c == '}') {
        refuse(Errc::BadSyntax, "'}' without an opening '{' (write }} for a literal brace)");
      } else if (c == '{') {
        std::size_t close = text.find_first_of("{}", k + 1);
        if (close == std::string_view::npos || text[close] == '{')
          refuse(Errc::BadSyntax, "'{' without a closing '}' (write {{ for a literal brace)");
        last.reset();
        out.text += expand_one(text.substr(k + 1, close - k - 1), scope, last);
        whole = k == 0 && close + 1 == text.size();
        k = close;
      } else {
        out.text += c;
      }
    }
  } catch (const PlaceholderError& e) {
    return fail_with(e.code, e.message);
  }
  if (whole) out.integer = last;
  return out;
}

}  // namespace tcpsim::sim
