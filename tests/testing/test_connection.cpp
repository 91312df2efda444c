// A connection under test and the peer the test plays.
#include "tcpsim/testing/test_connection.hpp"

namespace tcpsim::testing {

void RecordingObserver::on_state(const tcp::Connection&, Nanos, tcp::State from, tcp::State to,
                                 std::string_view rule) {
  transitions.push_back({from, to, std::string(rule)});
}

void RecordingObserver::on_drop(const tcp::Connection&, Nanos, const tcp::Segment&,
                                tcp::DropReason r) {
  drops.push_back(r);
}

void Peer::sends(std::string_view compact) {
  conn_->inject(compact);
}

void Peer::sends(const tcp::Segment& s) {
  conn_->inject(s);
}

tcp::TcpConfig TestConnection::plain_config() {
  tcp::TcpConfig c;
  c.sack = false;
  c.timestamps = false;
  c.window_scaling = false;
  c.syn_options = {tcp::SynOption::Mss};
  c.recv_buffer = 65535;
  c.send_buffer = 65535;
  c.delayed_ack_timeout = 0;
  c.challenge_ack_limit = 0;
  c.initial_rto = kSecond;
  c.min_rto = 200 * kMillisecond;
  c.close_rules = tcp::CloseRules::Rfc;
  return c;
}

TestConnection::TestConnection(tcp::TcpConfig c, Side s) : side(s), cfg(std::move(c)) {
  tcp::Endpoint local{wire::IpAddress(*wire::Ipv4Address::parse("10.0.0.1")), local_port()};
  tcp::Endpoint remote{wire::IpAddress(*wire::Ipv4Address::parse("10.0.0.2")), remote_port()};
  conn = std::make_unique<tcp::Connection>(cfg, local, remote, kIss, 0);
  conn->set_observer(&obs);
}

TestConnection::TestConnection(TestConnection&& other) noexcept
    : side(other.side),
      cfg(std::move(other.cfg)),
      conn(std::move(other.conn)),
      obs(std::move(other.obs)),
      now(other.now),
      sent(std::move(other.sent)) {
  if (conn) conn->set_observer(&obs);
}

void TestConnection::pump() {
  conn->poll_transmit(now, sent);
}

tcp::Segment TestConnection::make(std::string_view compact) const {
  tcp::Segment s = make_segment(parse_segment(compact), inbound());
  s.header.src_port = remote_port();
  s.header.dst_port = local_port();
  return s;
}

std::string TestConnection::describe(const tcp::Segment& s) const {
  return format_segment(s, outbound());
}

void TestConnection::inject(std::string_view compact) {
  inject(make(compact));
}

void TestConnection::inject(const tcp::Segment& s) {
  conn->on_segment(now, s);
  pump();
}

::testing::AssertionResult TestConnection::next_sent_is(std::string_view compact) {
  SegmentSpec want = parse_segment(compact);
  pump();
  if (sent.empty()) {
    return ::testing::AssertionFailure()
           << "expected: " << compact << "\n  actual: nothing was sent (state "
           << tcp::to_string(state()) << ")";
  }
  tcp::Segment s = sent.front();
  sent.erase(sent.begin());
  std::string diff = segment_diff(want, s, outbound());
  if (diff.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "sent segment differs\n" << diff;
}

::testing::AssertionResult TestConnection::nothing_sent() {
  std::vector<std::string> got = drain();
  if (got.empty()) return ::testing::AssertionSuccess();
  auto r = ::testing::AssertionFailure()
           << "expected nothing to be sent, but " << got.size() << " segment(s) were:";
  for (const std::string& g : got) r << "\n  " << g;
  return r;
}

std::vector<std::string> TestConnection::drain() {
  pump();
  std::vector<std::string> out;
  out.reserve(sent.size());
  for (const tcp::Segment& s : sent) out.push_back(describe(s));
  sent.clear();
  return out;
}

std::optional<tcp::DropReason> TestConnection::last_drop() const {
  if (obs.drops.empty()) return std::nullopt;
  return obs.drops.back();
}

void TestConnection::advance(Nanos d) {
  Nanos until = now + d;
  while (conn->next_deadline() <= until) {
    now = conn->next_deadline();
    conn->on_timer(now);
    pump();
  }
  now = until;
}

void TestConnection::fire_next_timer() {
  Nanos t = conn->next_deadline();
  ASSERT_NE(t, kNever) << "no timer armed";
  now = t;
  conn->on_timer(now);
  pump();
}

std::size_t TestConnection::send_app(std::size_t n) {
  std::vector<std::uint8_t> data(n);
  for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::uint8_t>('A' + i % 26);
  std::size_t written = 0;
  conn->send(now, data, written);
  pump();
  return written;
}

std::string TestConnection::recv_app() {
  std::string out;
  std::vector<std::uint8_t> buf(65536);
  std::size_t n = 0;
  while (conn->recv(now, buf, n) == tcp::Errno::Ok && n > 0) {
    out.append(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  }
  pump();
  return out;
}

}  // namespace tcpsim::testing
