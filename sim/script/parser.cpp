// Recursive descent over the tokens of lexer.cpp, following packetdrill's grammar for the
// subset tcpsim runs (docs/scripts.md). Constructs outside the subset are errors that name
// the construct, so a script never half-runs.
#include <fmt/core.h>

#include <limits>

#include "sim/script/lexer.hpp"
#include "sim/script/script.hpp"
#include "stack/wire/tcp.hpp"

namespace tcpsim::sim::script {

namespace {

using Kind = Token::Kind;

// Seconds as written ("0.100", "2", ".5") to nanoseconds, truncated to the microsecond as
// packetdrill does.
std::optional<Nanos> seconds_text_to_nanos(const std::string& text) {
  Nanos whole = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    whole = whole * 10 + (text[i] - '0');
    if (whole > 1'000'000'000) return std::nullopt;  // more than 31 years
  }
  Nanos micros = 0;
  int digits = 0;
  if (i < text.size()) {
    for (++i; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      if (digits < 6) {
        micros = micros * 10 + (text[i] - '0');
        ++digits;
      }
    }
  }
  for (; digits < 6; ++digits) micros *= 10;
  return whole * kSecond + micros * kMicrosecond;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  Result<Script, ScriptError> run() {
    Script s;
    while (cur().kind == Kind::Option) {
      const Token& o = take();
      s.options.push_back(
          {o.text, o.has_value ? std::optional<std::string>(o.value) : std::nullopt, o.line});
    }
    if (cur().kind == Kind::BackQuoted) s.init_command = CommandSpec{take().text};
    while (cur().kind != Kind::End) {
      if (cur().kind == Kind::BackQuoted && next().kind == Kind::End) {
        s.cleanup_command = CommandSpec{take().text};
        break;
      }
      if (cur().kind == Kind::Option) {
        return err(cur(), fmt::format("option --{} after the first event: options go at the top "
                                      "of the script",
                                      cur().text));
      }
      auto e = event();
      if (!e.ok()) return fail(e.error());
      s.events.push_back(std::move(e.value()));
    }
    if (s.events.empty()) {
      return err(cur(), Errc::Missing,
                 "the script has no events (expected lines like '0 socket(...) = 3')");
    }
    if (s.events.front().time.kind != TimeKind::Absolute || s.events.front().time.start != 0) {
      return err_at(s.events.front().line, s.events.front().column,
                    "first event should be at time 0");
    }
    return s;
  }

 private:
  const Token& cur() const { return t_[std::min(p_, t_.size() - 1)]; }
  const Token& next() const { return t_[std::min(p_ + 1, t_.size() - 1)]; }
  const Token& take() {
    const Token& t = cur();
    if (p_ < t_.size() - 1) ++p_;
    return t;
  }
  static Failure<ScriptError> err(const Token& at, std::string msg) {
    return fail(ScriptError{at.line, at.column, std::move(msg)});
  }
  static Failure<ScriptError> err(const Token& at, Errc code, std::string msg) {
    return fail(ScriptError{at.line, at.column, std::move(msg), code});
  }
  static Failure<ScriptError> err_at(int line, int col, std::string msg) {
    return fail(ScriptError{line, col, std::move(msg)});
  }
  std::optional<ScriptError> expect_punct(char c, std::string_view where) {
    if (!cur().is(c)) {
      return ScriptError{cur().line, cur().column,
                         fmt::format("expected '{}' {}, found {}", c, where, cur().describe())};
    }
    take();
    return std::nullopt;
  }

  Result<Nanos, ScriptError> time_value(std::string_view what) {
    const Token& t = cur();
    if (t.kind == Kind::BackQuoted) {
      return err(t,
                 "only one `command` may come before the first event without a time: write "
                 "the time before this one (0 `...`)");
    }
    if (t.kind != Kind::Int && t.kind != Kind::Float) {
      return err(t,
                 fmt::format("expected {} in seconds (like 0.100), found {}", what, t.describe()));
    }
    if (!t.text.empty() && t.text[0] == '-') return err(t, Errc::OutOfRange, "negative time");
    auto v = seconds_text_to_nanos(t.text);
    if (!v) {
      return err(t, fmt::format("bad time '{}' (seconds, at most 1000000000, read to the "
                                "microsecond)",
                                t.text));
    }
    take();
    return *v;
  }

  Result<TimeSpec, ScriptError> time_spec() {
    TimeSpec ts;
    if (cur().is('*')) {
      take();
      ts.kind = TimeKind::Any;
      return ts;
    }
    bool relative = false;
    if (cur().is('+')) {
      take();
      relative = true;
    }
    auto start = time_value("an event time");
    if (!start.ok()) return fail(start.error());
    ts.start = *start;
    ts.kind = relative ? TimeKind::Relative : TimeKind::Absolute;
    if (cur().is('~')) {
      const Token& tilde = take();
      if (relative) {
        if (!cur().is('+')) {
          return err(cur(), "a relative time range is written +a~+b (found no '+' after '~')");
        }
        take();
      }
      auto end = time_value("the end of the time range");
      if (!end.ok()) return fail(end.error());
      ts.end = *end;
      ts.kind = relative ? TimeKind::RelativeRange : TimeKind::AbsoluteRange;
      if (ts.end < ts.start) return err(tilde, Errc::BadValue, "time range is backwards");
    }
    return ts;
  }

  Result<Event, ScriptError> event() {
    Event e;
    e.line = cur().line;
    e.column = cur().column;
    auto ts = time_spec();
    if (!ts.ok()) return fail(ts.error());
    e.time = *ts;
    const Token& a = cur();
    if (a.is('<') || a.is('>')) {
      auto p = packet();
      if (!p.ok()) return fail(p.error());
      e.action = std::move(p.value());
    } else if (a.kind == Kind::Ellipsis || (a.kind == Kind::Word && next().is('('))) {
      auto s = syscall();
      if (!s.ok()) return fail(s.error());
      e.action = std::move(s.value());
    } else if (a.kind == Kind::BackQuoted) {
      e.action = CommandSpec{take().text};
    } else if (a.kind == Kind::Code) {
      auto c = code(take());
      if (!c.ok()) return fail(c.error());
      e.action = std::move(c.value());
    } else {
      return err(a, fmt::format("expected a packet ('<' or '>'), a system call, a `command` or a "
                                "%{{ }}% block after the time, found {}",
                                a.describe()));
    }
    bool outbound = std::holds_alternative<PacketSpec>(e.action) &&
                    std::get<PacketSpec>(e.action).direction == Direction::Outbound;
    if (e.time.kind == TimeKind::Any && !outbound) {
      return err_at(e.line, e.column, "event time <star> can only be used with outbound packets");
    }
    if ((e.time.kind == TimeKind::AbsoluteRange || e.time.kind == TimeKind::RelativeRange) &&
        !outbound) {
      return err_at(e.line, e.column, "event time range can only be used with outbound packets");
    }
    return e;
  }

  // ---- packets ----

  Result<std::uint32_t, ScriptError> u32_value(std::string_view what, std::uint64_t max) {
    const Token& t = cur();
    if (t.kind != Kind::Int) {
      return err(t, fmt::format("expected {} (a number), found {}", what, t.describe()));
    }
    if (t.number < 0 || static_cast<std::uint64_t>(t.number) > max) {
      return err(t, Errc::OutOfRange,
                 fmt::format("{} out of range: {} (0 to {})", what, t.text, max));
    }
    take();
    return static_cast<std::uint32_t>(t.number);
  }

  Result<std::uint8_t, ScriptError> flags() {
    const Token& t = cur();
    if (t.is('.')) {
      take();
      return wire::tcp_flag::kAck;
    }
    if (t.is('-')) {
      take();
      return std::uint8_t{0};
    }
    if (t.kind != Kind::Word) {
      return err(t, fmt::format("expected TCP flags (S, S., ., P., F., R, R., ... or - for none), "
                                "found {}",
                                t.describe()));
    }
    std::uint8_t f = 0;
    for (char c : t.text) {
      switch (c) {
        case 'S':
          f |= wire::tcp_flag::kSyn;
          break;
        case 'F':
          f |= wire::tcp_flag::kFin;
          break;
        case 'R':
          f |= wire::tcp_flag::kRst;
          break;
        case 'P':
          f |= wire::tcp_flag::kPsh;
          break;
        case 'E':
          f |= wire::tcp_flag::kEce;
          break;
        case 'W':
          f |= wire::tcp_flag::kCwr;
          break;
        case 'U':
          f |= wire::tcp_flag::kUrg;
          break;
        case 'A':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
          return err(t, Errc::Unsupported,
                     fmt::format("unsupported TCP flag '{}' in '{}': AccECN (the AE bit and "
                                 "ACE counts) is not supported",
                                 c, t.text));
        default:
          return err(t, fmt::format("invalid TCP flag '{}' in '{}' (allowed: S F R P . E W U, "
                                    "or - for none)",
                                    c, t.text));
      }
    }
    take();
    if (cur().is('.')) {
      take();
      f |= wire::tcp_flag::kAck;
    }
    return f;
  }

  Result<OptionSpec, ScriptError> tcp_option() {
    OptionSpec o;
    const Token& t = cur();
    if (t.kind != Kind::Word) {
      return err(t, fmt::format("expected a TCP option (mss, wscale, sackOK, sack, TS, nop, eol), "
                                "found {}",
                                t.describe()));
    }
    take();
    if (t.text == "nop") {
      o.kind = OptionSpec::Kind::Nop;
    } else if (t.text == "eol") {
      o.kind = OptionSpec::Kind::Eol;
    } else if (t.text == "mss") {
      o.kind = OptionSpec::Kind::Mss;
      auto v = u32_value("mss value", 0xffff);
      if (!v.ok()) return fail(v.error());
      o.a = *v;
    } else if (t.text == "wscale") {
      o.kind = OptionSpec::Kind::WindowScale;
      auto v = u32_value("window scale shift count", 0xff);
      if (!v.ok()) return fail(v.error());
      o.a = *v;
    } else if (t.text == "sackOK") {
      o.kind = OptionSpec::Kind::SackPermitted;
    } else if (t.text == "sack") {
      o.kind = OptionSpec::Kind::Sack;
      while (cur().kind == Kind::Int) {
        auto l = u32_value("TCP SACK left sequence number", 0xffffffffu);
        if (!l.ok()) return fail(l.error());
        if (auto e = expect_punct(':', "between the edges of a SACK block")) return fail(*e);
        auto r = u32_value("TCP SACK right sequence number", 0xffffffffu);
        if (!r.ok()) return fail(r.error());
        o.blocks.emplace_back(*l, *r);
      }
      if (o.blocks.empty())
        return err(cur(), Errc::Missing, "sack needs at least one block, like sack 1:1001");
      if (o.blocks.size() > 4)
        return err(t, Errc::OutOfRange, "a SACK option holds at most 4 blocks");
    } else if (t.text == "TS") {
      o.kind = OptionSpec::Kind::Timestamp;
      if (!cur().is_word("val"))
        return err(cur(), fmt::format("expected 'val' after TS, found {}", cur().describe()));
      take();
      auto v = u32_value("ts val", 0xffffffffu);
      if (!v.ok()) return fail(v.error());
      if (!cur().is_word("ecr"))
        return err(cur(),
                   fmt::format("expected 'ecr' after the TS val, found {}", cur().describe()));
      take();
      auto e = u32_value("ecr val", 0xffffffffu);
      if (!e.ok()) return fail(e.error());
      o.a = *v;
      o.b = *e;
    } else if (t.text == "FO" || t.text == "FOEXP") {
      return err(t, Errc::Unsupported,
                 fmt::format("TCP Fast Open is not modelled by tcpsim (option {})", t.text));
    } else if (t.text == "md5") {
      return err(t, Errc::Unsupported,
                 "TCP MD5 signatures are not modelled by tcpsim (option md5)");
    } else {
      return err(t, Errc::UnknownName,
                 fmt::format("unknown TCP option '{}' (supported: mss, wscale, sackOK, sack, "
                             "TS, nop, eol)",
                             t.text));
    }
    return o;
  }

  // packetdrill's ip_info: tos_spec | flowlabel N | ttl N | tos_spec ',' flowlabel N, in
  // (...) or [...]; tos_spec is ect0, ect1, ce, noecn, ect01 or tos N.
  Result<IpFieldsSpec, ScriptError> ip_fields(Direction dir) {
    const Token& open = take();
    char close = open.is('(') ? ')' : ']';
    IpFieldsSpec ip;
    for (;;) {
      const Token& w = cur();
      if (w.kind != Kind::Word) {
        return err(w, fmt::format("expected an IP field (ect0, ect1, ce, noecn, ect01, tos N, "
                                  "ttl N, flowlabel N), found {}",
                                  w.describe()));
      }
      take();
      static constexpr std::pair<std::string_view, std::uint8_t> kEcn[] = {
          {"noecn", 0}, {"ect1", 1}, {"ect0", 2}, {"ce", 3}};
      bool done = false;
      for (const auto& [name, bits] : kEcn) {
        if (w.text == name) {
          ip.ecn = bits;
          done = true;
        }
      }
      if (done) {
      } else if (w.text == "ect01") {
        if (dir != Direction::Outbound) {
          return err(w, "[ect01] can only be used with outbound packets");
        }
        ip.ecn_either = true;
      } else if (w.text == "tos") {
        auto v = u32_value("tos (8 bits)", 0xff);
        if (!v.ok()) return fail(v.error());
        ip.tos = static_cast<std::uint8_t>(*v);
      } else if (w.text == "ttl") {
        auto v = u32_value("ttl", 0xff);
        if (!v.ok()) return fail(v.error());
        ip.ttl = static_cast<std::uint8_t>(*v);
      } else if (w.text == "flowlabel") {
        auto v = u32_value("flowlabel (20 bits)", 0xfffff);
        if (!v.ok()) return fail(v.error());
        ip.flow_label = *v;
      } else {
        return err(w, Errc::UnknownName,
                   fmt::format("unknown IP field '{}' (allowed: ect0, ect1, ce, noecn, ect01, "
                               "tos N, ttl N, flowlabel N)",
                               w.text));
      }
      if (cur().is(',')) {
        take();
        continue;
      }
      break;
    }
    if (auto e = expect_punct(close, "to close the IP fields")) return fail(*e);
    return ip;
  }

  // UDP, GRE, MPLS and explicit IP headers: not modelled.
  static std::optional<ScriptError> other_protocol(const Token& t) {
    static constexpr std::string_view kOtherProtocols[] = {"ipv4", "ipv6",  "udp",
                                                           "gre",  "GREv0", "mpls"};
    for (std::string_view w : kOtherProtocols) {
      if (t.is_word(w)) {
        return ScriptError{t.line, t.column,
                           fmt::format("unsupported packet type '{}': only TCP packets and "
                                       "inbound ICMP errors are supported",
                                       w),
                           Errc::Unsupported};
      }
    }
    return std::nullopt;
  }

  // start:end(length), as a TCP packet writes it (packetdrill's `seq`).
  std::optional<ScriptError> sequence_range(PacketSpec& p) {
    const Token& seq_tok = cur();
    auto start = u32_value("the start sequence number (start:end(length))", 0xffffffffu);
    if (!start.ok()) return start.error();
    if (auto e = expect_punct(':', "in start:end(length)")) return e;
    auto end = u32_value("the end sequence number", 0xffffffffu);
    if (!end.ok()) return end.error();
    if (auto e = expect_punct('(', "in start:end(length)")) return e;
    auto len = u32_value("TCP payload size", 0xffff);
    if (!len.ok()) return len.error();
    if (auto e = expect_punct(')', "in start:end(length)")) return e;
    if (static_cast<std::uint32_t>(*start + *len) != *end) {
      return ScriptError{seq_tok.line, seq_tok.column,
                         "inconsistent TCP sequence numbers and payload size", Errc::Conflict};
    }
    p.start = *start;
    p.end = *end;
    p.len = static_cast<std::uint16_t>(*len);
    return std::nullopt;
  }

  // packetdrill's icmp_packet_spec: icmp TYPE [CODE] [mtu N] [id N] [[start:end(length)]].
  Result<PacketSpec, ScriptError> icmp_packet(PacketSpec p) {
    const Token& kw = take();
    if (p.direction == Direction::Outbound) {
      return err(kw, Errc::Unsupported,
                 "unsupported outbound ICMP packet: tcpsim's stack sends no ICMP; only inbound "
                 "ICMP errors ('< icmp ...') are supported");
    }
    const Token& type = cur();
    if (type.kind != Kind::Word) {
      return err(type, Errc::Missing,
                 fmt::format("expected an ICMP type after icmp (unreachable, time_exceeded, "
                             "parameter_problem, packet_too_big, type_N), found {}",
                             type.describe()));
    }
    IcmpSpec s;
    s.type = take().text;
    if (cur().kind == Kind::Word && !cur().is_word("mtu") && !cur().is_word("id")) {
      s.code = take().text;
    }
    if (cur().is_word("mtu")) {
      take();
      auto v = u32_value("ICMP MTU", 0xffffffffu);
      if (!v.ok()) return fail(v.error());
      s.mtu = *v;
    }
    if (cur().is_word("id")) {
      return err(cur(), Errc::Unsupported,
                 "unsupported ICMP echo id: tcpsim injects ICMP error messages only");
    }
    if (cur().is('[')) {
      take();
      if (cur().is_word("udp") || cur().is_word("raw")) {
        return err(cur(), Errc::Unsupported,
                   fmt::format("unsupported quoted {} packet in an ICMP error: only the "
                               "stack's TCP segment [start:end(length)] can be quoted",
                               cur().text));
      }
      if (auto e = sequence_range(p)) return fail(*e);
      if (auto e = expect_punct(']', "to close the quoted segment")) return fail(*e);
    }
    p.icmp = std::move(s);
    return p;
  }

  Result<PacketSpec, ScriptError> packet() {
    PacketSpec p;
    const Token& dir = take();
    p.direction = dir.is('<') ? Direction::Inbound : Direction::Outbound;
    if (auto e = other_protocol(cur())) return fail(*e);
    if (cur().is('(') || cur().is('[')) {
      auto ip = ip_fields(p.direction);
      if (!ip.ok()) return fail(ip.error());
      p.ip = *ip;
    }
    if (cur().is_word("icmp")) return icmp_packet(std::move(p));
    if (auto e = other_protocol(cur())) return fail(*e);
    const Token& t = cur();
    if (t.kind == Kind::Int && next().is('>')) {
      return err(t, Errc::Unsupported,
                 "unsupported explicit ports in a packet: the script's ports are implied");
    }
    auto f = flags();
    if (!f.ok()) return fail(f.error());
    p.flags = *f;
    const Token& seq_tok = cur();
    if (auto e = sequence_range(p)) return fail(*e);
    bool seen_ack = false, seen_win = false, seen_urg = false, seen_opts = false;
    for (;;) {
      const Token& k = cur();
      if (k.is_word("ack") && !seen_ack) {
        take();
        auto v = u32_value("TCP ack sequence number", 0xffffffffu);
        if (!v.ok()) return fail(v.error());
        p.ack = *v;
        seen_ack = true;
      } else if (k.is_word("win") && !seen_win) {
        take();
        auto v = u32_value("TCP window value", 0xffff);
        if (!v.ok()) return fail(v.error());
        p.window = static_cast<std::uint16_t>(*v);
        seen_win = true;
      } else if (k.is_word("urg") && !seen_urg) {
        take();
        auto v = u32_value("urg_ptr value", 0xffff);
        if (!v.ok()) return fail(v.error());
        p.urgent = static_cast<std::uint16_t>(*v);
        seen_urg = true;
      } else if (k.is('<') && !seen_opts) {
        take();
        seen_opts = true;
        if (cur().kind == Kind::Ellipsis) {
          if (p.direction == Direction::Inbound) {
            return err(cur(), "<...> for TCP options can only be used with outbound packets");
          }
          take();
          p.options_any = true;
        } else {
          for (;;) {
            auto o = tcp_option();
            if (!o.ok()) return fail(o.error());
            p.options.push_back(std::move(o.value()));
            if (cur().is(',')) {
              take();
              continue;
            }
            break;
          }
        }
        if (auto e = expect_punct('>', "to close the TCP option list")) return fail(*e);
      } else if (k.is('{')) {
        return err(k, Errc::Unsupported, "unsupported packet fuzzing block {...}");
      } else {
        break;
      }
    }
    std::size_t opt_bytes = 0;
    for (const auto& o : p.options) opt_bytes += o.wire_size();
    if (opt_bytes % 4 != 0) {
      return err(seq_tok, Errc::BadValue,
                 fmt::format("TCP options are not padded correctly to ensure TCP header is "
                             "a multiple of 4 bytes: {} excess bytes (add nop or eol)",
                             opt_bytes % 4));
    }
    if (opt_bytes > wire::TcpOptions::kMaxLen) {
      return err(seq_tok, Errc::OutOfRange,
                 fmt::format("TCP option list too long: {} bytes (at most 40)", opt_bytes));
    }
    if (p.direction == Direction::Inbound && !p.window) {
      return err(seq_tok, Errc::Missing,
                 "window must be specified for inbound packets (add win N)");
    }
    return p;
  }

  // ---- system calls ----

  Result<Expr, ScriptError> expression() {
    auto lhs = primary();
    if (!lhs.ok()) return lhs;
    if (cur().is('|')) {
      const Token& bar = take();
      auto rhs = expression();
      if (!rhs.ok()) return rhs;
      Expr e;
      e.kind = Expr::Kind::Or;
      e.line = bar.line;
      e.column = bar.column;
      e.items.push_back(std::move(lhs.value()));
      e.items.push_back(std::move(rhs.value()));
      return e;
    }
    return lhs;
  }

  Result<std::vector<Expr>, ScriptError> expression_list(char close, std::string_view what) {
    std::vector<Expr> items;
    if (cur().is(close)) {
      take();
      return items;
    }
    for (;;) {
      auto e = expression();
      if (!e.ok()) return fail(e.error());
      items.push_back(std::move(e.value()));
      if (cur().is(',')) {
        take();
        continue;
      }
      if (cur().is(close)) {
        take();
        return items;
      }
      return err(cur(), fmt::format("expected ',' or '{}' in {}, found {}", close, what,
                                    cur().describe()));
    }
  }

  Result<Expr, ScriptError> primary() {
    if (++depth_ > 64) return err(cur(), Errc::OutOfRange, "expression nested too deeply");
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth_};
    const Token& t = cur();
    Expr e;
    e.line = t.line;
    e.column = t.column;
    switch (t.kind) {
      case Kind::Ellipsis:
        take();
        e.kind = Expr::Kind::Ellipsis;
        return e;
      case Kind::Int:
        take();
        e.kind = Expr::Kind::Int;
        e.number = t.number;
        e.text = t.text;
        return e;
      case Kind::String:
        e.kind = Expr::Kind::String;
        while (cur().kind == Kind::String) e.text += take().text;
        if (cur().kind == Kind::Ellipsis) take();
        return e;
      case Kind::Word: {
        take();
        e.text = t.text;
        if (cur().is('=')) {
          take();
          auto v = expression();
          if (!v.ok()) return v;
          e.kind = Expr::Kind::Assign;
          e.items.push_back(std::move(v.value()));
          return e;
        }
        if (cur().is('(')) {
          take();
          auto args = expression_list(')', fmt::format("the arguments of {}()", t.text));
          if (!args.ok()) return fail(args.error());
          e.kind = Expr::Kind::Call;
          e.items = std::move(args.value());
          if (cur().is('=')) {  // msg_iov(1)=[...]: a field named with its length
            take();
            auto v = expression();
            if (!v.ok()) return v;
            Expr a;
            a.kind = Expr::Kind::Assign;
            a.line = e.line;
            a.column = e.column;
            a.text = e.to_string();
            a.items.push_back(std::move(v.value()));
            return a;
          }
          return e;
        }
        e.kind = Expr::Kind::Word;
        return e;
      }
      case Kind::Punct:
        if (t.is('[') || t.is('{')) {
          take();
          char close = t.is('[') ? ']' : '}';
          auto items = expression_list(close, t.is('[') ? "a [list]" : "a {struct}");
          if (!items.ok()) return fail(items.error());
          e.kind = t.is('[') ? Expr::Kind::List : Expr::Kind::Struct;
          e.items = std::move(items.value());
          return e;
        }
        break;
      default:
        break;
    }
    return err(t, fmt::format("expected an expression (a number, a name, ..., [list] or "
                              "{{struct}}), found {}",
                              t.describe()));
  }

  // '(' words ')' after a return value or errno: free text, not checked.
  std::optional<ScriptError> skip_note() {
    const Token& open = take();
    while (!cur().is(')')) {
      if (cur().kind == Kind::End) {
        return ScriptError{open.line, open.column, "unterminated note: expected ')'"};
      }
      take();
    }
    take();
    return std::nullopt;
  }

  Result<SyscallSpec, ScriptError> syscall() {
    SyscallSpec s;
    if (cur().kind == Kind::Ellipsis) {
      take();
      auto end = time_value("the time the call returns (start...end)");
      if (!end.ok()) return fail(end.error());
      s.end_time = *end;
    }
    const Token& name = cur();
    if (name.kind != Kind::Word) {
      return err(name, fmt::format("expected a system call name, found {}", name.describe()));
    }
    take();
    s.name = name.text;
    if (auto e = expect_punct('(', fmt::format("after {}", s.name))) return fail(*e);
    auto args = expression_list(')', fmt::format("the arguments of {}()", s.name));
    if (!args.ok()) return fail(args.error());
    s.args = std::move(args.value());
    if (!cur().is('=')) {
      // Pointing at the call, not at the next line, where the missing part is noticed.
      return err(name, fmt::format("expected '= result' after {}(...), found {}", s.name,
                                   cur().describe()));
    }
    take();
    auto r = expression();
    if (!r.ok()) return fail(r.error());
    s.result = std::move(r.value());
    if (cur().kind == Kind::Word) {
      s.errno_name = take().text;
      if (cur().is('(')) {
        if (auto e = skip_note()) return fail(*e);
      }
    } else if (cur().is('(')) {
      if (auto e = skip_note()) return fail(*e);
    }
    return s;
  }

  // ---- %{ }% blocks: assertions on tcpi_* values only ----

  Result<CodeSpec, ScriptError> code(const Token& tok) {
    CodeSpec c;
    c.text = tok.text;
    auto parsed = parse_assertions(tok.text);
    if (!parsed.ok()) {
      return err(tok, Errc::Unsupported,
                 fmt::format("unsupported %{{ }}% block ({}): only 'assert CONDITION[, "
                             "message]' statements on tcpi_* fields are supported, no Python",
                             parsed.error()));
    }
    c.assertions = std::move(parsed.value());
    return c;
  }

  std::vector<Token> t_;
  std::size_t p_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Script, ScriptError> parse_script(std::string_view text) {
  auto toks = tokenize(text);
  if (!toks.ok()) return fail(toks.error());
  return Parser(std::move(toks.value())).run();
}

}  // namespace tcpsim::sim::script
