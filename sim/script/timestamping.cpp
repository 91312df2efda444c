// Linux's transmit timestamps for TCP (SO_TIMESTAMPING), as the socket API under scripts
// reports them. A write asks for a timestamp of its last byte (tcp.c tcp_tx_timestamp:
// shinfo->tskey, one per buffer, a later write into the same buffer replacing it); the
// buffer carries the request wherever it is split (tcp_fragment_tstamp, tcp_gso_tstamp).
// Each time the segment holding that byte leaves, the packet scheduler reports
// SCM_TSTAMP_SCHED (dev.c __dev_queue_xmit) and the TUN driver SCM_TSTAMP_SND
// (skb_tx_timestamp); when the cumulative ACK first passes it, SCM_TSTAMP_ACK
// (tcp_input.c tcp_ack_tstamp; SACK does not count). Each report waits on the socket's
// error queue until recvmsg(..., MSG_ERRQUEUE) takes it (skbuff.c
// __skb_complete_tx_timestamp, ip_sockglue.c ip_recv_error): the software time as
// SCM_TIMESTAMPING's ts[0] when SOF_TIMESTAMPING_SOFTWARE is on (sock.c
// __sock_recv_timestamp), then IP_RECVERR's sock_extended_err {ENOMSG,
// SO_EE_ORIGIN_TIMESTAMPING, 0, 0, the report's kind, with SOF_TIMESTAMPING_OPT_ID the
// byte's offset from sk_tskey}.
#include <fmt/core.h>

#include <cstdlib>

#include <utility>

#include "sim/script/runner_impl.hpp"

namespace tcpsim::sim::script::detail {

namespace {

// include/uapi/linux/net_tstamp.h
constexpr std::int64_t kTxHardware = 1 << 0, kTxSoftware = 1 << 1, kSoftware = 1 << 4,
                       kOptId = 1 << 7, kTxSched = 1 << 8, kTxAck = 1 << 9, kOptTsonly = 1 << 11,
                       kOptStats = 1 << 12, kBindPhc = 1 << 15, kOptIdTcp = 1 << 16,
                       kTxCompletion = 1 << 18, kMask = (1 << 19) - 1;
// SOF_TIMESTAMPING_TX_RECORD_MASK: the flags that make a write ask for a timestamp.
constexpr std::int64_t kTxRecord = kTxHardware | kTxSoftware | kTxSched | kTxAck;
// include/uapi/linux/errqueue.h, asm-generic/errno.h, socket and IP levels.
constexpr int kTstampSnd = 0, kTstampSched = 1, kTstampAck = 2;
constexpr std::int64_t kEnoMsg = 42, kOriginTimestamping = 4;
constexpr std::array<std::string_view, 3> kInfoNames = {"SCM_TSTAMP_SND", "SCM_TSTAMP_SCHED",
                                                        "SCM_TSTAMP_ACK"};

bool same_flow(const tcp::IpSegment& s, const tcp::Connection& c) {
  return s.src == c.local().addr && s.dst == c.remote().addr &&
         s.segment.header.src_port == c.local().port &&
         s.segment.header.dst_port == c.remote().port;
}

// Where the data queued on `c` ends (the next byte a write adds).
std::uint32_t data_end(const tcp::Connection& c) {
  tcp::TcbInfo i = c.info();
  bool syn_out = i.state == tcp::State::SynSent || i.state == tcp::State::SynReceived;
  return (syn_out ? i.iss + 1 : i.snd_una) + static_cast<std::uint32_t>(i.send_queued);
}

}  // namespace

Step Runner::set_timestamping(SyscallCall& c, int value) {
  // sock.c sock_set_timestamping: unknown bits, OPT_ID_TCP without OPT_ID, and OPT_ID on
  // a TCP socket not yet connected (or listening) are EINVAL.
  const tcp::Connection* conn = std::as_const(stack()).connection(c.fd);
  std::int64_t v = value;
  bool bad = v < 0 || (v & ~kMask) != 0 || ((v & kOptIdTcp) != 0 && (v & kOptId) == 0);
  TxStamps& t = tstamps_[c.fd];
  bool new_id = (v & kOptId) != 0 && (t.flags & kOptId) == 0;
  if (!bad && new_id && (conn == nullptr || conn->state() == tcp::State::Closed)) bad = true;
  if (bad) {
    c.r = CallReturn{-1, tcp::Errno::Invalid, false, {}};
    return std::nullopt;
  }
  for (auto [bit, what] : {std::pair{kOptStats,
                                     "SOF_TIMESTAMPING_OPT_STATS (tcp_info as "
                                     "netlink attributes on each report)"},
                           std::pair{kBindPhc, "SOF_TIMESTAMPING_BIND_PHC (a hardware clock)"},
                           std::pair{kTxCompletion, "SOF_TIMESTAMPING_TX_COMPLETION"}}) {
    if ((v & bit) != 0) {
      return invalid_at(c.event.line, fmt::format("{} is not modelled by tcpsim", what));
    }
  }
  if (new_id) {
    // sk_tskey: SND.UNA, or with OPT_ID_TCP the next byte a write adds.
    t.key_base = (v & kOptIdTcp) != 0 ? data_end(*conn) : conn->info().snd_una;
  }
  t.flags = v;
  c.r = CallReturn{0, tcp::Errno::Ok, false, {}};
  return std::nullopt;
}

void Runner::stamp_write(tcp::Fd fd) {
  auto it = tstamps_.find(fd);
  const tcp::Connection* conn = std::as_const(stack()).connection(fd);
  if (it == tstamps_.end() || conn == nullptr || (it->second.flags & kTxRecord) == 0) return;
  TxStamps& t = it->second;
  // One request per buffer: a write that joined the buffer holding the last request
  // (not yet sent) replaces it, the flags of both joined (sock_tx_timestamp ORs tx_flags).
  std::int64_t flags = t.flags;
  if (!t.requests.empty() && !t.requests.back().sent && conn->info().write_joined) {
    flags |= t.requests.back().flags;
    t.requests.pop_back();
  }
  t.requests.push_back(TxStamps::Request{data_end(*conn) - 1, flags, false});
}

void Runner::stamp_acks() {
  for (auto& [fd, t] : tstamps_) {
    const tcp::Connection* conn = std::as_const(stack()).connection(fd);
    if (conn == nullptr || t.requests.empty()) continue;
    std::uint32_t una = conn->info().snd_una;
    while (!t.requests.empty()) {
      const TxStamps::Request& r = t.requests.front();
      // before(tskey, snd_una) in sequence space; a request not yet sent waits.
      if (!r.sent || static_cast<std::int32_t>(r.seq - una) >= 0) break;
      if ((r.flags & kTxAck) != 0) {
        std::uint32_t data = (t.flags & kOptId) != 0 ? r.seq - t.key_base : 0;
        std::size_t len = (t.flags & kOptTsonly) != 0 ? 0 : r.len;
        t.queue.push_back(TxStamps::Report{now_, kTstampAck, data, len});
      }
      t.requests.pop_front();
    }
  }
}

void Runner::stamp_transmit(const tcp::IpSegment& s) {
  auto len = static_cast<std::uint32_t>(s.segment.payload.size());
  if (len == 0) return;
  for (auto& [fd, t] : tstamps_) {
    const tcp::Connection* conn = std::as_const(stack()).connection(fd);
    if (conn == nullptr || t.requests.empty() || !same_flow(s, *conn)) continue;
    for (TxStamps::Request& r : t.requests) {
      if (r.seq - s.segment.header.seq >= len) continue;  // not in this segment
      r.sent = true;
      r.len = len;  // the buffer as the retransmission queue keeps it: payload only
      std::uint32_t data = (t.flags & kOptId) != 0 ? r.seq - t.key_base : 0;
      std::size_t packet = (t.flags & kOptTsonly) != 0
                               ? 0
                               : (s.src.is_v4() ? 20 : 40) + s.segment.header.header_len() + len;
      if ((r.flags & kTxSched) != 0) t.queue.push_back({now_, kTstampSched, data, packet});
      if ((r.flags & kTxSoftware) != 0) t.queue.push_back({now_, kTstampSnd, data, packet});
    }
  }
}

Step Runner::read_error_queue(SyscallCall& c, const IoRequest& io) {
  auto it = tstamps_.find(c.fd);
  if (it == tstamps_.end() || it->second.queue.empty()) {
    c.r = CallReturn{-1, tcp::Errno::Again, false, {}};  // never blocks (ip_recv_error)
    return std::nullopt;
  }
  TxStamps& t = it->second;
  TxStamps::Report r = t.queue.front();
  t.queue.pop_front();
  // sock_recv_errqueue: the packet copy (none with OPT_TSONLY when the report was made),
  // cut to the buffer.
  std::size_t len = r.len;
  std::size_t copied = std::min(len, io.bytes);
  std::int64_t msg_flags = kMsgErrQueue | (copied < len ? kMsgTrunc : 0);
  c.r = CallReturn{static_cast<std::int64_t>(copied), tcp::Errno::Ok, false, {}};
  if (c.spec.name == "recvmsg") c.r.what = stamp_mismatch(c.spec, c.fd, r, msg_flags, c.tolerance);
  return std::nullopt;
}

std::string Runner::stamp_mismatch(const SyscallSpec& s, tcp::Fd fd, const TxStamps::Report& r,
                                   std::int64_t msg_flags, Nanos tolerance) {
  auto want = control_request(s);
  if (!want.ok()) return want.error();  // checked before the script starts
  const TxStamps& t = tstamps_[fd];
  // inet_recv_error goes by the socket's family: an AF_INET6 socket (ipv4-mapped-ipv6
  // too) answers with IPV6_RECVERR.
  bool v4 = !settings_.v6_socket;
  std::vector<CmsgSpec> got;
  if ((t.flags & kSoftware) != 0) {
    CmsgSpec ts{CmsgSpec::Kind::Timestamping, kSolSocketLevel, kScmTimestamping};
    ts.ts = r.when;
    got.push_back(ts);
  }
  CmsgSpec ee{CmsgSpec::Kind::RecvErr, v4 ? kSolIpLevel : kSolIpv6Level,
              v4 ? kIpRecvErr : kIpv6RecvErr};
  ee.ee = {kEnoMsg, kOriginTimestamping, 0, 0, r.info, r.key};
  got.push_back(ee);
  // put_cmsg: a message the buffer (packetdrill sizes it for the ones the script lists)
  // cannot hold is cut, and MSG_CTRUNC set. CMSG_SPACE of each: 64 for scm_timestamping,
  // 48 for the IPv4 sock_extended_err with its sockaddr_in, 64 for IPv6's.
  auto space = [&](const CmsgSpec& m) -> std::size_t {
    if (m.kind == CmsgSpec::Kind::Inq) return 24;
    return m.kind == CmsgSpec::Kind::RecvErr && v4 ? 48 : 64;
  };
  std::size_t room = 0;
  for (const CmsgSpec& m : want->items) room += space(m);
  std::size_t fit = 0;
  while (fit < got.size() && space(got[fit]) <= room) room -= space(got[fit++]);
  if (fit < got.size()) {
    got.resize(fit);
    msg_flags |= kMsgCtrunc;
  }
  if (want->msg_flags != msg_flags) {
    return fmt::format("expected msg_flags {:#x} but got {:#x} (MSG_ERRQUEUE{}{})", want->msg_flags,
                       msg_flags, (msg_flags & kMsgTrunc) != 0 ? "|MSG_TRUNC" : "",
                       (msg_flags & kMsgCtrunc) != 0 ? "|MSG_CTRUNC" : "");
  }
  std::string kind = fmt::format("a {} report", kInfoNames[static_cast<std::size_t>(r.info)]);
  for (std::size_t i = 0; i < want->items.size() && i < got.size(); ++i) {
    const CmsgSpec& w = want->items[i];
    const CmsgSpec& g = got[i];
    if (w.kind != g.kind || (w.level >= 0 && w.level != g.level) ||
        (w.type >= 0 && w.type != g.type)) {
      return fmt::format(
          "control message {}: expected level {} type {} but got level {} type {} "
          "({})",
          i, w.level, w.type, g.level, g.type, kind);
    }
    if (g.kind == CmsgSpec::Kind::Timestamping && w.ts != 0 &&
        std::llabs(w.ts - g.ts) > tolerance) {
      return fmt::format("bad scm_timestamping in control message {}: expected {} but got {} ({})",
                         i, secs(w.ts), secs(g.ts), kind);
    }
    for (std::size_t f = 0; g.kind == CmsgSpec::Kind::RecvErr && f < g.ee.size(); ++f) {
      if (w.ee[f] != g.ee[f]) {
        return fmt::format("bad {} in control message {}: expected {} but got {} ({})",
                           kExtendedErrFields[f], i, w.ee[f], g.ee[f], kind);
      }
    }
  }
  if (want->items.size() != got.size()) {
    return fmt::format(
        "expected {} control messages but got {} ({}{})", want->items.size(), got.size(), kind,
        (t.flags & kSoftware) == 0 ? "; SCM_TIMESTAMPING needs SOF_TIMESTAMPING_SOFTWARE" : "");
  }
  return {};
}

}  // namespace tcpsim::sim::script::detail
