#include "tcp_harness.hpp"

#include <fmt/core.h>

#include <sstream>

namespace tcpsim::tcp::testing {

using namespace wire::tcp_flag;

namespace {

std::uint8_t parse_flags(const std::string& tok) {
  std::uint8_t f = 0;
  for (char c : tok) {
    switch (c) {
      case 'S':
        f |= kSyn;
        break;
      case 'F':
        f |= kFin;
        break;
      case 'R':
        f |= kRst;
        break;
      case 'P':
        f |= kPsh;
        break;
      case '.':
        f |= kAck;
        break;
      case 'E':
        f |= kEce;
        break;
      case 'W':
        f |= kCwr;
        break;
      default:
        ADD_FAILURE() << "bad flag '" << c << "' in '" << tok << "'";
    }
  }
  return f;
}

std::string flags_compact(std::uint8_t f) {
  std::string s;
  if (f & kSyn) s += 'S';
  if (f & kFin) s += 'F';
  if (f & kRst) s += 'R';
  if (f & kPsh) s += 'P';
  if (f & kAck) s += '.';
  if (s.empty()) s = "-";
  return s;
}

// "<mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7,sack 1:2 3:4,eol>"
wire::TcpOptions parse_options(const std::string& text, std::uint32_t sack_base) {
  wire::TcpOptions o;
  std::string inner = text.substr(1, text.size() - 2);
  std::stringstream ss(inner);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::stringstream is(item);
    std::string kind;
    is >> kind;
    if (kind == "mss") {
      unsigned v = 0;
      is >> v;
      o.add_mss(static_cast<std::uint16_t>(v));
    } else if (kind == "sackOK") {
      o.add_sack_permitted();
    } else if (kind == "TS") {
      std::string val, ecr;
      std::uint32_t v = 0, e = 0;
      is >> val >> v >> ecr >> e;
      o.add_timestamps(v, e);
    } else if (kind == "nop") {
      o.add_nop();
    } else if (kind == "eol") {
      o.add_eol();
    } else if (kind == "wscale") {
      unsigned v = 0;
      is >> v;
      o.add_window_scale(static_cast<std::uint8_t>(v));
    } else if (kind == "sack") {
      std::vector<wire::SackBlock> blocks;
      std::string b;
      while (is >> b) {
        auto colon = b.find(':');
        blocks.push_back({sack_base + static_cast<std::uint32_t>(std::stoul(b.substr(0, colon))),
                          sack_base + static_cast<std::uint32_t>(std::stoul(b.substr(colon + 1)))});
      }
      o.add_sack(blocks);
    } else {
      ADD_FAILURE() << "unknown option '" << kind << "'";
    }
  }
  return o;
}

}  // namespace

CompactSegment parse_compact(const std::string& text) {
  CompactSegment c;
  std::string opts;
  std::string head = text;
  if (auto lt = text.find('<'); lt != std::string::npos) {
    opts = text.substr(lt);
    head = text.substr(0, lt);
    c.options = opts;
  }
  std::stringstream ss(head);
  std::string tok;
  ss >> tok;
  c.flags = parse_flags(tok);
  ss >> tok;
  unsigned start = 0, end = 0, len = 0;
  if (std::sscanf(tok.c_str(), "%u:%u(%u)", &start, &end, &len) != 3) {
    ADD_FAILURE() << "bad range '" << tok << "' in '" << text << "'";
  }
  c.start = start;
  c.end = end;
  c.len = len;
  while (ss >> tok) {
    std::uint32_t v = 0;
    ss >> v;
    if (tok == "ack") {
      c.ack = v;
    } else if (tok == "win") {
      c.win = v;
    } else {
      ADD_FAILURE() << "unknown field '" << tok << "' in '" << text << "'";
    }
  }
  return c;
}

std::string to_compact(const Segment& s, std::uint32_t sender_isn, std::uint32_t receiver_isn,
                       bool with_options) {
  std::uint32_t start = s.header.seq - sender_isn;
  auto len = static_cast<std::uint32_t>(s.payload.size());
  std::string out =
      fmt::format("{} {}:{}({})", flags_compact(s.header.flags), start, start + len, len);
  if (s.has(kAck)) out += fmt::format(" ack {}", s.header.ack - receiver_isn);
  out += fmt::format(" win {}", s.header.window);
  if (with_options && !s.header.options.empty()) out += " <" + s.header.options.to_string() + ">";
  return out;
}

TcpConfig ConnHarness::plain_config() {
  TcpConfig c;
  c.sack = false;
  c.timestamps = false;
  c.window_scaling = false;
  c.syn_options = {SynOption::Mss};
  c.recv_buffer = 65535;
  c.send_buffer = 65535;
  c.delayed_ack_timeout = 0;
  c.challenge_ack_limit = 0;
  c.initial_rto = kSecond;
  c.min_rto = 200 * kMillisecond;
  return c;
}

ConnHarness::ConnHarness(TcpConfig c) : cfg(std::move(c)) {
  Endpoint local{wire::IpAddress(*wire::Ipv4Address::parse("10.0.0.1")), 40000};
  Endpoint remote{wire::IpAddress(*wire::Ipv4Address::parse("10.0.0.2")), 80};
  conn = std::make_unique<Connection>(cfg, local, remote, kIss, 0);
  conn->set_observer(&obs);
}

void ConnHarness::pump() {
  conn->poll_transmit(now, sent);
}

Segment ConnHarness::make(const std::string& compact) const {
  CompactSegment c = parse_compact(compact);
  Segment s;
  s.header.src_port = 80;
  s.header.dst_port = 40000;
  s.header.flags = c.flags;
  s.header.seq = kPeerIsn + c.start;
  s.header.ack = c.ack ? kIss + *c.ack : 0;
  s.header.window = static_cast<std::uint16_t>(c.win.value_or(65535));
  if (c.options) s.header.options = parse_options(*c.options, kIss);
  s.payload.resize(c.len);
  for (std::uint32_t i = 0; i < c.len; ++i) {
    s.payload[i] = static_cast<std::uint8_t>('a' + (c.start + i) % 26);
  }
  return s;
}

void ConnHarness::inject(const std::string& compact) {
  inject(make(compact));
}

void ConnHarness::inject(const Segment& s) {
  conn->on_segment(now, s);
  pump();
}

void ConnHarness::expect_sent(const std::string& compact) {
  pump();
  ASSERT_FALSE(sent.empty()) << "expected '" << compact << "' but nothing was sent";
  Segment s = sent.front();
  sent.erase(sent.begin());
  CompactSegment want = parse_compact(compact);
  std::string got = to_compact(s, kIss, kPeerIsn);
  EXPECT_EQ(s.header.flags, want.flags) << "flags: want '" << compact << "', got '" << got << "'";
  EXPECT_EQ(s.header.seq - kIss, want.start)
      << "seq: want '" << compact << "', got '" << got << "'";
  EXPECT_EQ(s.payload.size(), want.len) << "len: want '" << compact << "', got '" << got << "'";
  if (want.ack) {
    EXPECT_EQ(s.header.ack - kPeerIsn, *want.ack)
        << "ack: want '" << compact << "', got '" << got << "'";
  }
  if (want.win) {
    EXPECT_EQ(s.header.window, *want.win) << "win: want '" << compact << "', got '" << got << "'";
  }
  if (want.options) {
    EXPECT_EQ("<" + s.header.options.to_string() + ">", *want.options)
        << "options: want '" << compact << "', got '" << got << "'";
  }
}

void ConnHarness::expect_nothing() {
  pump();
  std::vector<std::string> got = drain();
  EXPECT_TRUE(got.empty()) << "expected nothing, got '" << (got.empty() ? "" : got.front())
                           << "' and " << (got.empty() ? 0 : got.size() - 1) << " more";
}

std::vector<std::string> ConnHarness::drain() {
  pump();
  std::vector<std::string> out;
  for (const Segment& s : sent) out.push_back(to_compact(s, kIss, kPeerIsn));
  sent.clear();
  return out;
}

void ConnHarness::advance(Nanos d) {
  Nanos until = now + d;
  while (conn->next_deadline() <= until) {
    now = conn->next_deadline();
    conn->on_timer(now);
    pump();
  }
  now = until;
}

void ConnHarness::fire_next_timer() {
  Nanos t = conn->next_deadline();
  ASSERT_NE(t, kNever) << "no timer armed";
  now = t;
  conn->on_timer(now);
  pump();
}

std::size_t ConnHarness::send_app(std::size_t n) {
  std::vector<std::uint8_t> data(n);
  for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>('A' + i % 26);
  std::size_t written = 0;
  conn->send(now, data, written);
  pump();
  return written;
}

std::string ConnHarness::recv_app() {
  std::string out;
  std::vector<std::uint8_t> buf(65536);
  std::size_t n = 0;
  while (conn->recv(now, buf, n) == Errno::Ok && n > 0)
    out.append(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  pump();
  return out;
}

void ConnHarness::to_syn_sent() {
  conn->open_active(now);
  expect_sent("S 0:0(0)");
  ASSERT_EQ(state(), State::SynSent);
}

void ConnHarness::to_syn_received() {
  conn->open_from_listen(now, make("S 0:0(0) win 65535 <mss 1460>"));
  expect_sent("S. 0:0(0) ack 1");
  ASSERT_EQ(state(), State::SynReceived);
}

void ConnHarness::to_established() {
  to_syn_sent();
  inject("S. 0:0(0) ack 1 win 65535 <mss 1460>");
  expect_sent(". 1:1(0) ack 1");
  ASSERT_EQ(state(), State::Established);
}

void ConnHarness::to_fin_wait_1() {
  to_established();
  conn->close(now);
  expect_sent("F. 1:1(0) ack 1");
  ASSERT_EQ(state(), State::FinWait1);
}

void ConnHarness::to_fin_wait_2() {
  to_fin_wait_1();
  inject(". 1:1(0) ack 2");
  expect_nothing();
  ASSERT_EQ(state(), State::FinWait2);
}

void ConnHarness::to_close_wait() {
  to_established();
  inject("F. 1:1(0) ack 1");
  expect_sent(". 1:1(0) ack 2");
  ASSERT_EQ(state(), State::CloseWait);
}

void ConnHarness::to_closing() {
  to_fin_wait_1();
  inject("F. 1:1(0) ack 1");
  expect_sent(". 2:2(0) ack 2");
  ASSERT_EQ(state(), State::Closing);
}

void ConnHarness::to_last_ack() {
  to_close_wait();
  conn->close(now);
  expect_sent("F. 1:1(0) ack 2");
  ASSERT_EQ(state(), State::LastAck);
}

void ConnHarness::to_time_wait() {
  to_fin_wait_2();
  inject("F. 1:1(0) ack 2");
  expect_sent(". 2:2(0) ack 2");
  ASSERT_EQ(state(), State::TimeWait);
}

void ConnHarness::to_state(State s) {
  switch (s) {
    case State::SynSent:
      to_syn_sent();
      break;
    case State::SynReceived:
      to_syn_received();
      break;
    case State::Established:
      to_established();
      break;
    case State::FinWait1:
      to_fin_wait_1();
      break;
    case State::FinWait2:
      to_fin_wait_2();
      break;
    case State::CloseWait:
      to_close_wait();
      break;
    case State::Closing:
      to_closing();
      break;
    case State::LastAck:
      to_last_ack();
      break;
    case State::TimeWait:
      to_time_wait();
      break;
    default:
      break;
  }
}

}  // namespace tcpsim::tcp::testing
