#include "sim/script/assertions.hpp"

#include <fmt/core.h>

#include <array>
#include <cctype>
#include <charconv>

namespace tcpsim::sim::script {

namespace {

// ---- names ----

struct StateNames {
  tcp::State state;
  std::int64_t linux_number;    // Linux's TCP_* (include/net/tcp_states.h)
  std::int64_t freebsd_number;  // FreeBSD's TCPS_* (netinet/tcp_fsm.h)
  std::array<std::string_view, 3> spellings;
};
constexpr std::array<StateNames, 11> kStates = {{
    {tcp::State::Established, 1, 4, {"ESTABLISHED", "", ""}},
    {tcp::State::SynSent, 2, 2, {"SYN_SENT", "", ""}},
    {tcp::State::SynReceived, 3, 3, {"SYN_RECV", "SYN_RECEIVED", ""}},
    {tcp::State::FinWait1, 4, 6, {"FIN_WAIT1", "FIN_WAIT_1", ""}},
    {tcp::State::FinWait2, 5, 9, {"FIN_WAIT2", "FIN_WAIT_2", ""}},
    {tcp::State::TimeWait, 6, 10, {"TIME_WAIT", "", ""}},
    {tcp::State::Closed, 7, 0, {"CLOSE", "CLOSED", ""}},
    {tcp::State::CloseWait, 8, 5, {"CLOSE_WAIT", "", ""}},
    {tcp::State::LastAck, 9, 8, {"LAST_ACK", "", ""}},
    {tcp::State::Listen, 10, 1, {"LISTEN", "", ""}},
    {tcp::State::Closing, 11, 7, {"CLOSING", "", ""}},
}};

struct NamedValue {
  std::string_view name;
  std::int64_t value;
};
// Linux's include/uapi/linux/tcp.h; FreeBSD uses the same TCPI_OPT_* bits.
constexpr std::array<NamedValue, 12> kConstants = {{
    {"TCPI_OPT_TIMESTAMPS", 1},
    {"TCPI_OPT_SACK", 2},
    {"TCPI_OPT_WSCALE", 4},
    {"TCPI_OPT_ECN", 8},
    {"TCPI_OPT_ECN_SEEN", 16},
    {"TCPI_OPT_SYN_DATA", 32},
    {"TCP_CA_Open", 0},
    {"TCP_CA_Disorder", 1},
    {"TCP_CA_CWR", 2},
    {"TCP_CA_Recovery", 3},
    {"TCP_CA_Loss", 4},
    {"True", 1},
}};

// Each maps to the stack's own state (see Runner::tcpi_value); Linux's struct tcp_info names.
const std::vector<std::string_view> kFields = {
    "tcpi_state",
    "tcpi_ca_state",
    "tcpi_retransmits",
    "tcpi_backoff",
    "tcpi_options",
    "tcpi_snd_wscale",
    "tcpi_rcv_wscale",
    "tcpi_rto",
    "tcpi_snd_mss",
    "tcpi_advmss",
    "tcpi_pmtu",
    "tcpi_unacked",
    "tcpi_rtt",
    "tcpi_rttvar",
    "tcpi_snd_ssthresh",
    "tcpi_snd_cwnd",
    "tcpi_total_retrans",
    "tcpi_bytes_acked",
    "tcpi_bytes_received",
    "tcpi_bytes_sent",
    "tcpi_segs_out",
    "tcpi_segs_in",
    "tcpi_snd_wnd",
    "tcpi_rcv_wnd",
    "tcpi_notsent_bytes",
    "tcpi_sacked",
    "tcpi_data_segs_out",
    "tcpi_data_segs_in",
    "tcpi_bytes_retrans",
    "tcpi_rcv_mss",
    "tcpi_last_data_sent",
    "tcpi_last_data_recv",
    "tcpi_last_ack_recv",
    "tcpi_retrans",
    "tcpi_lost",
    "tcpi_delivered",
    "tcpi_rcv_space",
    "tcpi_reordering",
    "tcpi_min_rtt",
    "tcpi_dsack_dups",
    "tcpi_reord_seen",
    "tcpi_rcv_ssthresh",
    "tcpi_probes",
    "tcpi_rcv_rtt",
    "tcpi_ato",
    "tcpi_fackets",
    "tcpi_last_ack_sent",
    "tcpi_rcv_ooopack",
    "tcpi_snd_rexmitpack",
    "tcpi_snd_zerowin",
    "tcpi_snd_nxt",
    "tcpi_rcv_nxt",
    "tcpi_snd_bwnd",
    "tcpi_toe_tid",
    "tcpi_delivered_ce",
    "tcpi_total_rto",
    "tcpi_total_rto_recoveries",
    "tcpi_total_rto_time",
};

// ---- tokens ----

struct Tok {
  enum class Kind : std::uint8_t { End, Int, Name, String, Op, Newline };
  Kind kind = Kind::End;
  std::string text;
  std::int64_t number = 0;
};

Result<std::vector<Tok>, std::string> lex(std::string_view s) {
  std::vector<Tok> out;
  int depth = 0;
  std::size_t i = 0;
  auto is_word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '\n' || c == ';') {
      if (depth == 0 || c == ';') out.push_back({Tok::Kind::Newline, "\n"});
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == '\\') {
      ++i;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      std::size_t b = i;
      while (i < s.size() && is_word(s[i])) ++i;
      std::string_view w = s.substr(b, i - b);
      int base = 10;
      std::string_view digits = w;
      if (w.size() > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        base = 16;
        digits.remove_prefix(2);
      }
      Tok t{Tok::Kind::Int, std::string(w)};
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), t.number, base);
      if (ec != std::errc() || p != digits.data() + digits.size()) {
        return fail(fmt::format("bad number '{}'", w));
      }
      out.push_back(std::move(t));
      continue;
    }
    if (is_word(c)) {
      std::size_t b = i;
      while (i < s.size() && is_word(s[i])) ++i;
      out.push_back({Tok::Kind::Name, std::string(s.substr(b, i - b))});
      continue;
    }
    if (c == '\'' || c == '"') {
      std::size_t e = s.find(c, i + 1);
      if (e == std::string_view::npos) return fail(std::string("unterminated string"));
      out.push_back({Tok::Kind::String, std::string(s.substr(i + 1, e - i - 1))});
      i = e + 1;
      continue;
    }
    static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "//", "**", "<<", ">>"};
    std::string op(1, c);
    for (std::string_view two : kTwo) {
      if (s.substr(i, 2) == two) op = std::string(two);
    }
    if (op == "(" || op == "[") ++depth;
    if ((op == ")" || op == "]") && depth > 0) --depth;
    out.push_back({Tok::Kind::Op, op});
    i += op.size();
  }
  out.push_back({Tok::Kind::End, ""});
  return out;
}

// ---- parser ----

std::string describe(const Tok& t) {
  switch (t.kind) {
    case Tok::Kind::End:
      return "the end of the block";
    case Tok::Kind::Newline:
      return "the end of the line";
    case Tok::Kind::String:
      return fmt::format("string '{}'", t.text);
    default:
      return fmt::format("'{}'", t.text);
  }
}

class CodeParser {
 public:
  explicit CodeParser(std::vector<Tok> t) : t_(std::move(t)) {}

  Result<std::vector<Assertion>, std::string> run() {
    std::vector<Assertion> out;
    while (cur().kind != Tok::Kind::End) {
      if (cur().kind == Tok::Kind::Newline) {
        ++p_;
        continue;
      }
      if (!is_name("assert")) {
        return fail(fmt::format("found {}: only assert statements are supported", describe(cur())));
      }
      ++p_;
      std::size_t from = p_;
      auto e = or_expr();
      if (!e.ok()) return fail(e.error());
      Assertion a{std::move(e.value()), text_of(from, p_), {}};
      if (cur().kind == Tok::Kind::Op && cur().text == ",") {
        ++p_;
        std::size_t m = p_;
        while (cur().kind != Tok::Kind::Newline && cur().kind != Tok::Kind::End) ++p_;
        a.message = text_of(m, p_);
      }
      if (cur().kind == Tok::Kind::Op && cur().text == "=") {
        return fail(
            fmt::format("expected a comparison (== != < <= > >=) after {}, found '='", a.text));
      }
      if (cur().kind != Tok::Kind::Newline && cur().kind != Tok::Kind::End) {
        return fail(fmt::format("unexpected {} after 'assert {}'", describe(cur()), a.text));
      }
      out.push_back(std::move(a));
    }
    if (out.empty()) return fail(std::string("empty block"));
    return out;
  }

 private:
  using R = Result<CodeExpr, std::string>;
  const Tok& cur() const { return t_[std::min(p_, t_.size() - 1)]; }
  bool is_name(std::string_view n) const {
    return cur().kind == Tok::Kind::Name && cur().text == n;
  }
  bool is_op(std::string_view o) const { return cur().kind == Tok::Kind::Op && cur().text == o; }
  std::string text_of(std::size_t from, std::size_t to) const {
    std::string s;
    for (std::size_t k = from; k < to && k < t_.size(); ++k) {
      if (!s.empty() && t_[k].text != ")" && t_[k].text != "," && s.back() != '(') s += ' ';
      s += t_[k].kind == Tok::Kind::String ? "'" + t_[k].text + "'" : t_[k].text;
    }
    return s;
  }
  static CodeExpr node(CodeExpr::Kind k, std::vector<CodeExpr> items, std::string text = {}) {
    CodeExpr e;
    e.kind = k;
    e.items = std::move(items);
    e.text = std::move(text);
    return e;
  }
  R or_expr() {
    auto l = and_expr();
    while (l.ok() && is_name("or")) {
      ++p_;
      auto r = and_expr();
      if (!r.ok()) return r;
      l = node(CodeExpr::Kind::Or, {std::move(l.value()), std::move(r.value())});
    }
    return l;
  }
  R and_expr() {
    auto l = not_expr();
    while (l.ok() && is_name("and")) {
      ++p_;
      auto r = not_expr();
      if (!r.ok()) return r;
      l = node(CodeExpr::Kind::And, {std::move(l.value()), std::move(r.value())});
    }
    return l;
  }
  R not_expr() {
    if (!is_name("not")) return comparison();
    ++p_;
    if (++depth_ > 64) return fail(std::string("expression nested too deeply"));
    auto v = not_expr();
    --depth_;
    if (!v.ok()) return v;
    return node(CodeExpr::Kind::Not, {std::move(v.value())});
  }
  bool compare_op() const {
    return is_op("==") || is_op("!=") || is_op("<") || is_op(">") || is_op("<=") || is_op(">=");
  }
  R in_list(CodeExpr lhs, bool negated) {
    if (!is_op("(") && !is_op("[")) {
      return fail(fmt::format("'in' needs a literal list like (1, 2), found {}", describe(cur())));
    }
    std::string close = is_op("(") ? ")" : "]";
    ++p_;
    std::vector<CodeExpr> items{std::move(lhs)};
    while (!is_op(close)) {
      auto v = bit_or();
      if (!v.ok()) return v;
      items.push_back(std::move(v.value()));
      if (is_op(",")) {
        ++p_;
      } else if (!is_op(close)) {
        return fail(
            fmt::format("expected ',' or '{}' in the list, found {}", close, describe(cur())));
      }
    }
    ++p_;
    return node(CodeExpr::Kind::In, std::move(items), negated ? "not in" : "in");
  }
  R comparison() {
    auto first = bit_or();
    if (!first.ok()) return first;
    if (is_name("in")) {
      ++p_;
      return in_list(std::move(first.value()), false);
    }
    if (is_name("not")) {
      ++p_;
      if (!is_name("in")) return fail(std::string("expected 'in' after 'not'"));
      ++p_;
      return in_list(std::move(first.value()), true);
    }
    if (!compare_op()) return first;
    CodeExpr c = node(CodeExpr::Kind::Compare, {std::move(first.value())});
    while (compare_op()) {
      c.ops.push_back(cur().text);
      ++p_;
      auto v = bit_or();
      if (!v.ok()) return v;
      c.items.push_back(std::move(v.value()));
    }
    return c;
  }
  template <class Next>
  R binary(Next next, std::initializer_list<std::string_view> ops) {
    auto l = (this->*next)();
    for (;;) {
      if (!l.ok()) return l;
      std::string op;
      for (std::string_view o : ops) {
        if (is_op(o)) op = o;
      }
      if (op.empty()) return l;
      ++p_;
      auto r = (this->*next)();
      if (!r.ok()) return r;
      l = node(CodeExpr::Kind::Binary, {std::move(l.value()), std::move(r.value())}, op);
    }
  }
  // Python's precedence: | below ^ below & below shifts below + -.
  R bit_or() { return binary(&CodeParser::bit_xor, {"|"}); }
  R bit_xor() { return binary(&CodeParser::bit_and, {"^"}); }
  R bit_and() { return binary(&CodeParser::shift, {"&"}); }
  R shift() { return binary(&CodeParser::arith, {"<<", ">>"}); }
  R arith() { return binary(&CodeParser::term, {"+", "-"}); }
  R term() {
    if (is_op("/")) return fail(std::string("'/' (true division) is not supported: use //"));
    auto r = binary(&CodeParser::unary, {"*", "//", "%"});
    if (r.ok() && is_op("/"))
      return fail(std::string("'/' (true division) is not supported: use //"));
    if (r.ok() && is_op("**")) return fail(std::string("'**' is not supported"));
    return r;
  }
  R unary() {
    if (++depth_ > 64) return fail(std::string("expression nested too deeply"));
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth_};
    if (is_op("-") || is_op("+") || is_op("~")) {
      std::string op = cur().text;
      ++p_;
      auto v = unary();
      if (!v.ok() || op == "+") return v;
      return node(op == "-" ? CodeExpr::Kind::Neg : CodeExpr::Kind::Invert, {std::move(v.value())});
    }
    return atom();
  }
  R atom() {
    const Tok& t = cur();
    if (t.kind == Tok::Kind::Int) {
      ++p_;
      CodeExpr e;
      e.number = t.number;
      return e;
    }
    if (is_op("(")) {
      ++p_;
      auto v = or_expr();
      if (!v.ok()) return v;
      if (!is_op(")")) return fail(fmt::format("expected ')', found {}", describe(cur())));
      ++p_;
      return v;
    }
    if (t.kind != Tok::Kind::Name) {
      return fail(fmt::format("expected a value, found {}", describe(t)));
    }
    ++p_;
    if (t.text == "abs") {
      if (!is_op("(")) return fail(std::string("abs needs parentheses: abs(x)"));
      auto v = atom();
      if (!v.ok()) return v;
      return node(CodeExpr::Kind::Abs, {std::move(v.value())});
    }
    if (is_op("(") || is_op(".") || is_op("[")) {
      return fail(
          fmt::format("'{}{}' is not supported (no Python functions, attributes or "
                      "subscripts)",
                      t.text, cur().text));
    }
    if (t.text == "False" || t.text == "True") {
      CodeExpr e;
      e.number = t.text == "True" ? 1 : 0;
      return e;
    }
    if (t.text.rfind("tcpi_", 0) == 0) {
      if (!is_known_tcpi_field(t.text)) {
        return fail(fmt::format("{} is not a known tcpi_ field", t.text));
      }
      return node(CodeExpr::Kind::Field, {}, t.text);
    }
    if (!code_constant(t.text, "linux")) {
      return fail(
          fmt::format("unknown name '{}' (known: tcpi_* fields, TCP state names, "
                      "TCPI_OPT_*, TCP_CA_*)",
                      t.text));
    }
    return node(CodeExpr::Kind::Const, {}, t.text);
  }

  std::vector<Tok> t_;
  std::size_t p_ = 0;
  int depth_ = 0;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// a << b or a >> b as Python has them (>> floors; a negative count is an error).
Result<std::int64_t, std::string> shifted(std::string_view op, std::int64_t a, std::int64_t b) {
  if (b < 0) return fail(fmt::format("negative shift count {} in {}", b, op));
  if (op == ">>") return b >= 63 ? (a < 0 ? -1 : 0) : a >> b;
  if (b >= 63 || (a != 0 && std::abs(a) >= (std::int64_t{1} << (62 - b))))
    return fail(fmt::format("{} << {} is out of range", a, b));
  return a * (std::int64_t{1} << b);
}

bool compare(std::string_view op, std::int64_t a, std::int64_t b) {
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  return a >= b;
}

}  // namespace

Result<std::vector<Assertion>, std::string> parse_assertions(std::string_view code) {
  auto toks = lex(code);
  if (!toks.ok()) return fail(toks.error());
  return CodeParser(std::move(toks.value())).run();
}

Result<std::int64_t, std::string> evaluate(const CodeExpr& e, const CodeContext& ctx) {
  using K = CodeExpr::Kind;
  auto sub = [&](std::size_t i) { return evaluate(e.items[i], ctx); };
  switch (e.kind) {
    case K::Int:
      return e.number;
    case K::Field:
      return ctx.field(e.text);
    case K::Const:
      return code_constant(e.text, ctx.profile).value_or(0);
    case K::Not:
    case K::Neg:
    case K::Invert:
    case K::Abs: {
      auto v = sub(0);
      if (!v.ok()) return v;
      if (e.kind == K::Not) return *v == 0 ? 1 : 0;
      if (e.kind == K::Neg) return -*v;
      if (e.kind == K::Invert) return ~*v;
      return *v < 0 ? -*v : *v;
    }
    case K::And:
    case K::Or: {
      auto l = sub(0);
      if (!l.ok()) return l;
      if ((e.kind == K::And) == (*l == 0)) return *l;  // short circuit, as Python
      return sub(1);
    }
    case K::Binary: {
      auto l = sub(0);
      if (!l.ok()) return l;
      auto r = sub(1);
      if (!r.ok()) return r;
      if (e.text == "+") return *l + *r;
      if (e.text == "-") return *l - *r;
      if (e.text == "*") return *l * *r;
      if (e.text == "&") return *l & *r;
      if (e.text == "|") return *l | *r;
      if (e.text == "^") return *l ^ *r;
      if (e.text == "<<" || e.text == ">>") return shifted(e.text, *l, *r);
      if (*r == 0) return fail(fmt::format("division by zero in {}", e.text));
      if (e.text == "//") return floor_div(*l, *r);
      return *l - floor_div(*l, *r) * *r;
    }
    case K::Compare: {
      auto l = sub(0);
      if (!l.ok()) return l;
      for (std::size_t i = 0; i < e.ops.size(); ++i) {
        auto r = sub(i + 1);
        if (!r.ok()) return r;
        if (!compare(e.ops[i], *l, *r)) return 0;
        l = r;
      }
      return 1;
    }
    case K::In: {
      auto l = sub(0);
      if (!l.ok()) return l;
      bool found = false;
      for (std::size_t i = 1; i < e.items.size() && !found; ++i) {
        auto v = sub(i);
        if (!v.ok()) return v;
        found = *v == *l;
      }
      return found != (e.text == "not in") ? 1 : 0;
    }
  }
  return 0;
}

bool is_known_tcpi_field(std::string_view name) {
  for (std::string_view f : kFields) {
    if (f == name) return true;
  }
  return false;
}

const std::vector<std::string_view>& known_tcpi_fields() {
  return kFields;
}

std::optional<std::int64_t> code_constant(std::string_view name, std::string_view profile) {
  for (const NamedValue& c : kConstants) {
    if (c.name == name) return c.value;
  }
  for (std::string_view prefix : {"TCPI_", "TCPS_", "TCP_"}) {
    if (name.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = name.substr(prefix.size());
    for (const StateNames& s : kStates) {
      for (std::string_view sp : s.spellings) {
        if (!sp.empty() && sp == rest) return tcpi_state_number(s.state, profile);
      }
    }
  }
  return std::nullopt;
}

std::int64_t tcpi_state_number(tcp::State state, std::string_view profile) {
  for (const StateNames& s : kStates) {
    if (s.state == state) return profile == "freebsd" ? s.freebsd_number : s.linux_number;
  }
  return 0;
}

}  // namespace tcpsim::sim::script
