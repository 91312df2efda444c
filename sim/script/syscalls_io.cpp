// The data-path system calls beyond read/write: recv/recvfrom/recvmsg/readv and
// send/sendto/sendmsg/writev with their flags, FIONREAD through ioctl, poll() and
// getsockopt(TCP_INFO). Socket readiness is computed from the stack's own state.
#include <fmt/core.h>

#include <algorithm>
#include <array>

#include <utility>
#include "sim/script/assertions.hpp"

#include "sim/script/runner_impl.hpp"

namespace tcpsim::sim::script::detail {

namespace {

struct FlagName {
  std::string_view name;
  std::int64_t bit;  // Linux's value
};
constexpr std::array<FlagName, 9> kMsgFlags = {{
    {"MSG_PEEK", kMsgPeek},
    {"MSG_TRUNC", kMsgTrunc},
    {"MSG_DONTWAIT", kMsgDontWait},
    {"MSG_EOR", kMsgEor},
    {"MSG_WAITALL", kMsgWaitAll},
    {"MSG_NOSIGNAL", kMsgNoSignal},
    {"MSG_MORE", kMsgMore},
    {"MSG_ZEROCOPY", kMsgZeroCopy},
    {"MSG_FASTOPEN", kMsgFastOpen},
}};

std::string flag_names(std::int64_t bits) {
  std::string s;
  for (const FlagName& f : kMsgFlags) {
    if ((bits & f.bit) == 0) continue;
    if (!s.empty()) s += '|';
    s += f.name;
  }
  return s.empty() ? fmt::format("{:#x}", bits) : s;
}

// The byte count of one iovec: {..., 1000} (packetdrill) or {iov_base=..., iov_len=1000}.
std::optional<std::int64_t> iovec_len(const Expr& e) {
  if (e.kind != Expr::Kind::Struct || e.items.size() != 2) return std::nullopt;
  const Expr& len = e.items[1];
  if (len.kind == Expr::Kind::Int) return len.number;
  if (len.kind == Expr::Kind::Assign && len.text == "iov_len" && !len.items.empty() &&
      len.items[0].kind == Expr::Kind::Int) {
    return len.items[0].number;
  }
  return std::nullopt;
}

std::optional<std::int64_t> iovecs_len(const Expr& list) {
  if (list.kind != Expr::Kind::List) return std::nullopt;
  std::int64_t total = 0;
  for (const Expr& v : list.items) {
    auto n = iovec_len(v);
    if (!n) return std::nullopt;
    total += *n;
  }
  return total;
}

// {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0}: the bytes of its iovecs.
std::optional<std::int64_t> msghdr_len(const Expr& m, std::string& why) {
  if (m.kind != Expr::Kind::Struct) {
    why = "expected {msg_name(...)=..., msg_iov(N)=[{..., LEN}], msg_flags=0}";
    return std::nullopt;
  }
  std::optional<std::int64_t> total;
  for (const Expr& f : m.items) {
    if (f.kind != Expr::Kind::Assign) continue;
    if (f.text.rfind("msg_iov", 0) == 0 && !f.items.empty()) total = iovecs_len(f.items[0]);
  }
  if (!total) why = "msg_iov(N)=[{..., LEN}, ...] is missing or malformed";
  return total;
}

// The fields of a {name=value, ...} cmsg_data, in the order `names` gives; nullopt when
// one is missing, unknown or not a number.
template <std::size_t N>
std::optional<std::array<std::int64_t, N>> struct_fields(
    const Expr& e, const std::array<std::string_view, N>& names) {
  std::array<std::int64_t, N> out{};
  std::array<bool, N> seen{};
  if (e.kind != Expr::Kind::Struct) return std::nullopt;
  for (const Expr& f : e.items) {
    auto at = std::find(names.begin(), names.end(), f.text);
    if (f.kind != Expr::Kind::Assign || f.items.empty() || at == names.end()) return std::nullopt;
    auto v = eval_int(f.items[0]);
    if (!v) return std::nullopt;
    auto i = static_cast<std::size_t>(at - names.begin());
    out[i] = *v;
    seen[i] = true;
  }
  if (std::find(seen.begin(), seen.end(), false) != seen.end()) return std::nullopt;
  return out;
}

// One {cmsg_level=..., cmsg_type=..., cmsg_data=...} of a recvmsg's msg_control: Linux's
// TCP_CM_INQ, or a transmit timestamp's SCM_TIMESTAMPING and IP_RECVERR / IPV6_RECVERR
// (packetdrill's {scm_sec=S, scm_nsec=N} and {ee_errno=..., ..., ee_data=...}). The
// words CMSG_LEVEL_IP and CMSG_TYPE_RECVERR stand for the IP version's level and type.
Result<CmsgSpec, std::string> cmsg_spec(const Expr& e) {
  const Expr* level = nullptr;
  const Expr* type = nullptr;
  const Expr* data = nullptr;
  if (e.kind == Expr::Kind::Struct) {
    for (const Expr& f : e.items) {
      if (f.kind != Expr::Kind::Assign || f.items.empty()) continue;
      if (f.text == "cmsg_level") level = &f.items[0];
      if (f.text == "cmsg_type") type = &f.items[0];
      if (f.text == "cmsg_data") data = &f.items[0];
    }
  }
  if (level == nullptr || type == nullptr || data == nullptr) {
    return fail(
        fmt::format("bad control message {} (write {{cmsg_level=SOL_TCP, "
                    "cmsg_type=TCP_CM_INQ, cmsg_data=N}})",
                    e.to_string()));
  }
  if (type->text == "SCM_TIMESTAMPING_OPT_STATS") {
    return fail(std::string("SCM_TIMESTAMPING_OPT_STATS is not modelled by tcpsim"));
  }
  CmsgSpec c;
  auto lv = level->text == "CMSG_LEVEL_IP" ? std::optional<std::int64_t>(-1) : eval_int(*level);
  auto ty = type->text == "CMSG_TYPE_RECVERR" ? std::optional<std::int64_t>(-1) : eval_int(*type);
  c.level = lv.value_or(-2);
  c.type = ty.value_or(-2);
  bool recverr = (c.level == -1 || c.level == kSolIpLevel || c.level == kSolIpv6Level) &&
                 (c.type == -1 || c.type == kIpRecvErr || c.type == kIpv6RecvErr);
  if (c.level == kSolSocketLevel && c.type == kScmTimestamping) {
    auto ts = struct_fields(*data, std::array<std::string_view, 2>{"scm_sec", "scm_nsec"});
    if (!ts)
      return fail(
          fmt::format("SCM_TIMESTAMPING's cmsg_data is {{scm_sec=S, scm_nsec=N}}, "
                      "found {}",
                      data->to_string()));
    c.kind = CmsgSpec::Kind::Timestamping;
    c.ts = (*ts)[0] * kSecond + (*ts)[1];
    return c;
  }
  if (recverr) {
    auto ee = struct_fields(*data, kExtendedErrFields);
    if (!ee) {
      return fail(
          fmt::format("{}'s cmsg_data is {{ee_errno=..., ee_origin=..., ee_type=..., "
                      "ee_code=..., ee_info=..., ee_data=...}}, found {}",
                      type->to_string(), data->to_string()));
    }
    c.kind = CmsgSpec::Kind::RecvErr;
    c.ee = *ee;
    return c;
  }
  auto da = eval_int(*data);
  if (c.level != kSolTcpLevel || c.type != kTcpCmInq) {
    return fail(
        fmt::format("unsupported control message {{cmsg_level={}, cmsg_type={}}}: tcpsim "
                    "returns {{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ}} and, from the error "
                    "queue, SCM_TIMESTAMPING and IP_RECVERR / IPV6_RECVERR",
                    level->to_string(), type->to_string()));
  }
  if (!da || *da < 0 || *da > 0xffffffffLL) {
    return fail(
        fmt::format("TCP_CM_INQ's cmsg_data must be a byte count, found {}", data->to_string()));
  }
  c.data = *da;
  return c;
}

}  // namespace

bool is_receive_call(std::string_view n) {
  return n == "read" || n == "recv" || n == "recvfrom" || n == "recvmsg" || n == "readv";
}

Result<IoRequest, std::string> io_request(const SyscallSpec& s) {
  IoRequest r;
  std::string_view n = s.name;
  std::optional<std::int64_t> bytes;
  std::string why;
  if (n == "read" || n == "write" || n == "recv" || n == "send" || n == "recvfrom" ||
      n == "sendto") {
    bytes = eval_int(s.args[2]);
    if (s.args.size() >= 4) r.flags = eval_int(s.args[3]).value_or(-1);
    // packetdrill's buffer_arg: NULL, or the integer 0, is a null buffer.
    r.null_buffer = (s.args[1].kind == Expr::Kind::Word && s.args[1].text == "NULL") ||
                    (s.args[1].kind == Expr::Kind::Int && eval_int(s.args[1]) == 0);
    if ((n == "recvfrom" || n == "sendto") &&
        (s.args[4].kind != Expr::Kind::Ellipsis || s.args[5].kind != Expr::Kind::Ellipsis)) {
      return fail(
          fmt::format("unsupported explicit address in {}(): write {}(fd, ..., bytes, "
                      "flags, ..., ...)",
                      n, n));
    }
  } else if (n == "recvmsg" || n == "sendmsg") {
    bytes = msghdr_len(s.args[1], why);
    r.flags = eval_int(s.args[2]).value_or(-1);
    if (!bytes) return fail(fmt::format("{}(fd, msghdr, flags): {}", n, why));
  } else {  // readv, writev
    bytes = iovecs_len(s.args[1]);
    if (!bytes) {
      return fail(fmt::format("{}(fd, iov, iovcnt): iov is [{{..., LEN}}, ...]", n));
    }
  }
  if (!bytes || *bytes < 0 || *bytes > (1 << 24)) {
    return fail(fmt::format("{}(): the byte count must be 0 to 16777216", n));
  }
  if (r.flags < 0) {
    return fail(fmt::format(
        "{}(): flags {} are not 0 or known MSG_ constants joined with | (known: MSG_DONTWAIT, "
        "MSG_PEEK, MSG_WAITALL, MSG_TRUNC, MSG_NOSIGNAL, MSG_EOR, MSG_MORE, MSG_ERRQUEUE; "
        "MSG_OOB and MSG_CONFIRM are not modelled)",
        n, s.args.size() >= 4 ? s.args[3].to_string() : std::string("?")));
  }
  r.bytes = static_cast<std::size_t>(*bytes);
  return r;
}

Result<ControlRequest, std::string> control_request(const SyscallSpec& s) {
  ControlRequest r;
  if (s.name != "recvmsg" && s.name != "sendmsg") return r;
  if (s.args.size() < 2 || s.args[1].kind != Expr::Kind::Struct) return r;
  for (const Expr& f : s.args[1].items) {
    if (f.kind != Expr::Kind::Assign || f.items.empty()) continue;
    if (f.text == "msg_flags") {
      auto v = eval_int(f.items[0]);
      if (!v) {
        return fail(
            fmt::format("{}(): msg_flags must be 0 or MSG_ constants joined with |, "
                        "found {}",
                        s.name, f.items[0].to_string()));
      }
      r.msg_flags = *v;
    }
    if (f.text.rfind("msg_control", 0) != 0) continue;
    const Expr& list = f.items[0];
    if (list.kind != Expr::Kind::List) {
      return fail(
          fmt::format("{}(): msg_control is a list [{{cmsg_level=..., cmsg_type=..., "
                      "cmsg_data=...}}, ...]",
                      s.name));
    }
    if (s.name == "sendmsg" && !list.items.empty()) {
      return fail(std::string(
          "sendmsg(): control messages on send are not modelled by tcpsim (msg_control)"));
    }
    r.given = true;
    // Timestamps come from the error queue; TCP_CM_INQ with data (tcp_recvmsg).
    bool errqueue = s.args.size() > 2 && (eval_int(s.args[2]).value_or(0) & kMsgErrQueue) != 0;
    for (const Expr& item : list.items) {
      auto c = cmsg_spec(item);
      if (!c.ok()) return fail(fmt::format("{}(): {}", s.name, c.error()));
      if ((c->kind == CmsgSpec::Kind::Inq) == errqueue) {
        return fail(fmt::format(
            "{}(): {}", s.name,
            errqueue ? "the error queue (MSG_ERRQUEUE) returns SCM_TIMESTAMPING and IP_RECVERR, "
                       "not TCP_CM_INQ"
                     : "timestamps on received data (SOF_TIMESTAMPING_RX_SOFTWARE) are not "
                       "modelled by tcpsim; transmit timestamps come with MSG_ERRQUEUE"));
      }
      r.items.push_back(*c);
    }
  }
  return r;
}

std::optional<std::string> check_io_flags(std::string_view call, std::int64_t flags,
                                          std::string_view profile, bool& unsupported) {
  unsupported = false;
  if ((flags & kMsgFastOpen) != 0) {
    unsupported = true;
    return "TCP Fast Open is not modelled by tcpsim (MSG_FASTOPEN)";
  }
  bool receive = is_receive_call(call);
  if ((flags & kMsgErrQueue) != 0 && (!receive || profile == "freebsd")) {
    return receive ? "MSG_ERRQUEUE does not exist on FreeBSD (it has no transmit timestamps)"
                   : "MSG_ERRQUEUE is a receive flag (recvmsg(fd, msghdr, MSG_ERRQUEUE))";
  }
  if ((flags & kMsgZeroCopy) != 0) {
    unsupported = true;
    return "zero-copy is not modelled by tcpsim (MSG_ZEROCOPY)";
  }
  // Linux's MSG_TRUNC on a TCP receive takes the bytes without copying them
  // (tcp_recvmsg_locked): here, where no bytes are compared, a read like any other.
  std::int64_t trunc = profile == "freebsd" ? 0 : kMsgTrunc;
  std::int64_t allowed = receive ? (kMsgPeek | kMsgDontWait | kMsgWaitAll | kMsgErrQueue | trunc)
                                 : (kMsgDontWait | kMsgEor | kMsgNoSignal | kMsgMore);
  if ((flags & ~allowed) != 0) {
    return fmt::format("unsupported {}() flags {} (allowed: {})", call,
                       flag_names(flags & ~allowed), flag_names(allowed));
  }
  if ((flags & kMsgMore) != 0 && profile == "freebsd") {
    return "MSG_MORE does not exist on FreeBSD (its equivalent is the TCP_NOPUSH socket option)";
  }
  return std::nullopt;
}

// ---- recvmsg's control messages ----

std::string Runner::control_mismatch(const SyscallSpec& s, tcp::Fd fd, const CallReturn& r) {
  if (s.name != "recvmsg" || r.blocked || r.value < 0 || !r.what.empty()) return {};
  auto want = control_request(s);
  if (!want.ok()) return want.error();  // checked before the script starts
  // Linux's tcp_recvmsg: with TCP_INQ on, a call that returns data or the end of the
  // stream adds TCP_CM_INQ, tcp_inq_hint(): rcv_nxt - copied_seq (the FIN counts until a
  // read passes it), and 1 rather than 0 once the stream has ended. put_cmsg sets
  // MSG_CTRUNC when the buffer has no room for it.
  std::vector<CmsgSpec> got;
  std::int64_t flags = 0;
  if (local_option(fd, LocalOpt::Inq) != 0) {
    constexpr std::size_t kIntSpace = 24, kIntLen = 20;  // CMSG_SPACE(4), CMSG_LEN(4)
    const tcp::Connection* c = std::as_const(stack()).connection(fd);
    std::int64_t inq = 0;
    bool done = c == nullptr || c->state() == tcp::State::Closed;
    if (c != nullptr) {
      inq = static_cast<std::int64_t>(c->recv_queued()) + (c->remote_closed() ? 1 : 0);
    }
    if (inq == 0 && done) inq = 1;
    if (want->items.size() * kIntSpace >= kIntLen) {
      got.push_back(CmsgSpec{CmsgSpec::Kind::Inq, kSolTcpLevel, kTcpCmInq, inq});
    } else {
      flags |= kMsgCtrunc;
    }
  }
  if (flags != want->msg_flags) {
    return fmt::format("expected msg_flags {:#x} but got {:#x}{}", want->msg_flags, flags,
                       (flags & kMsgCtrunc) != 0
                           ? " (MSG_CTRUNC: TCP_INQ's control message did not fit msg_control)"
                           : "");
  }
  for (std::size_t i = 0; i < want->items.size() && i < got.size(); ++i) {
    if (want->items[i].data != got[i].data) {
      return fmt::format("bad TCP_CM_INQ value in control message {}: expected {} but got {}", i,
                         want->items[i].data, got[i].data);
    }
  }
  if (want->items.size() != got.size()) {
    return fmt::format("expected {} control messages but got {}{}", want->items.size(), got.size(),
                       got.empty() ? " (TCP_INQ is off)" : "");
  }
  return {};
}

// ---- readiness ----

std::int64_t Runner::freebsd_poll_events(tcp::Fd fd) {
  // uipc_socket.c sopoll_generic: POLLIN when data reaches SO_RCVLOWAT or an error is
  // pending (soreadabledata) or nothing more can come (SBS_CANTRCVMORE, with POLLRDHUP);
  // POLLOUT when connected with room, once nothing more can be sent (SBS_CANTSENDMORE) or
  // with an error (sowriteable); POLLHUP when neither way is open; never POLLERR. A
  // reset, the end of a connection and TIME-WAIT (soisdisconnected) close both ways.
  tcp::TcpStack& st = stack();
  if (st.is_listening(fd)) {
    // sopoll_generic, listening: POLLIN with a connection to accept, or POLLIN|POLLHUP
    // with an error pending (shutdown(SHUT_RD)).
    tcp::TcpStack::Backlog b = st.backlog(fd);
    if (b.queued > 0) return kPollIn;
    return b.error != tcp::Errno::Ok ? kPollIn | kPollHup : 0;
  }
  const tcp::Connection* c = std::as_const(st).connection(fd);
  if (c == nullptr) return 0;
  tcp::State s = c->state();
  bool gone = s == tcp::State::Closed || s == tcp::State::TimeWait;
  bool cant_rcv = gone || c->remote_closed() || shut_rd_.count(fd) != 0;
  bool cant_send = gone || shut_wr_.count(fd) != 0;
  bool error = c->error() != tcp::Errno::Ok;
  bool connected = s != tcp::State::SynSent && s != tcp::State::SynReceived;
  std::int64_t ev = 0;
  std::size_t lowat = std::max<std::size_t>(rcvlowat_[fd], 1);
  if (c->recv_queued() >= lowat || error || cant_rcv) ev |= kPollIn;
  if (cant_rcv) ev |= kPollRdHup;
  // sowriteable: at least so_snd.sb_lowat free.
  bool room = c->writable() && c->send_space() >= freebsd_send_lowat(*c);
  if ((connected && room) || cant_send || error) ev |= kPollOut;
  if (cant_rcv && cant_send) ev |= kPollHup;
  return ev;
}

std::int64_t Runner::poll_events(tcp::Fd fd) {
  if (settings_.profile == "freebsd") return freebsd_poll_events(fd);
  // tcp.c tcp_poll, from the socket's state and sk_shutdown: tcp_fin shuts receiving,
  // shutdown() what it names, and tcp_done (a reset, the end of the connection, and the
  // start of TIME-WAIT, whose time-wait socket leaves the user's closed) both ways.
  tcp::TcpStack& st = stack();
  if (st.is_listening(fd)) return st.backlog(fd).queued > 0 ? kPollIn : 0;
  const tcp::Connection* c = std::as_const(st).connection(fd);
  tcp::State s = c == nullptr ? tcp::State::Closed : c->state();
  bool done = c != nullptr && (s == tcp::State::Closed || s == tcp::State::TimeWait);
  bool rcv_shut = done || shut_rd_.count(fd) != 0 || (c != nullptr && c->remote_closed());
  bool snd_shut = done || shut_wr_.count(fd) != 0;
  std::int64_t ev = 0;
  if ((rcv_shut && snd_shut) || done || c == nullptr) ev |= kPollHup;
  if (rcv_shut) ev |= kPollIn | kPollRdHup;
  if (s != tcp::State::SynSent && s != tcp::State::SynReceived) {
    std::size_t lowat = std::max<std::size_t>(rcvlowat_[fd], 1);
    if (c != nullptr && c->recv_queued() >= lowat) ev |= kPollIn;
    // __sk_stream_is_writeable(sk, 1): with TCP_NOTSENT_LOWAT, twice the unsent bytes
    // must be under it (tcp_stream_memory_free, wake = 1).
    bool under_lowat = true;
    if (auto it = notsent_lowat_.find(fd); it != notsent_lowat_.end() && it->second != 0 && c)
      under_lowat = 2 * static_cast<std::int64_t>(tcpi_of(c, "tcpi_notsent_bytes")) < it->second;
    // sk_stream_wspace >= sk_stream_min_wspace: the buffer less what is queued at least
    // half what is queued (a buffer lowered below what is queued has none).
    std::int64_t queued = c == nullptr ? 0 : static_cast<std::int64_t>(c->info().send_queued);
    std::int64_t wspace = c == nullptr ? 0 : std::int64_t{c->config().send_buffer} - queued;
    bool min_wspace = c == nullptr || wspace >= queued / 2;
    bool room = c == nullptr || (c->writable() && under_lowat && min_wspace);
    if (snd_shut || room) ev |= kPollOut;
  }
  if (c != nullptr && c->error() != tcp::Errno::Ok) ev |= kPollErr;
  // sk_error_queue not empty: a transmit timestamp waits.
  if (auto it = tstamps_.find(fd); it != tstamps_.end() && !it->second.queue.empty())
    ev |= kPollErr;
  return ev;
}

Step Runner::sys_poll(SyscallCall& c) {
  const SyscallSpec& s = c.spec;
  if (s.args[0].kind != Expr::Kind::List) {
    return invalid_at(c.event.line,
                      "poll(fds, nfds, timeout): fds is [{fd=N, events=POLLIN, revents=...}]");
  }
  std::int64_t ready = 0;
  std::string mismatch;
  for (const Expr& p : s.args[0].items) {
    std::optional<std::int64_t> fd, events, revents;
    for (const Expr& f : p.items) {
      if (f.kind != Expr::Kind::Assign || f.items.empty()) continue;
      if (f.text == "fd") fd = eval_int(f.items[0]);
      if (f.text == "events") events = eval_int(f.items[0]);
      if (f.text == "revents") revents = eval_int(f.items[0]);
    }
    if (!fd || !events) {
      return invalid_at(c.event.line, fmt::format("poll(): bad pollfd {} (write {{fd=3, "
                                                  "events=POLLIN, revents=POLLIN}})",
                                                  p.to_string()));
    }
    auto it = fds_.find(static_cast<int>(*fd));
    std::int64_t got = kPollNval;
    if (it != fds_.end()) {
      std::int64_t ev = poll_events(it->second);
      // Normal data readable or writable comes with its band flag (Linux tcp_poll: EPOLLIN
      // | EPOLLRDNORM, EPOLLOUT | EPOLLWRNORM; FreeBSD sopoll_generic likewise).
      if ((ev & kPollIn) != 0) ev |= kPollRdNorm;
      if ((ev & kPollOut) != 0) ev |= kPollWrNorm;
      got = ev & (*events | kPollErr | kPollHup);
    }
    if (got != 0) ++ready;
    if (revents && *revents != got && mismatch.empty()) {
      mismatch = fmt::format("bad poll revents for fd {}: expected {} but got {}", *fd,
                             poll_names(*revents), poll_names(got));
    }
  }
  // With a timeout and nothing ready, poll waits (in virtual time) for readiness or the
  // timeout; try_complete_pending asks again after every change.
  auto timeout = eval_int(s.args[2]).value_or(0);
  bool wait = ready == 0 && timeout != 0;
  if (wait && !pending_) {
    pending_ =
        Pending{&c.event, &c.spec, c.end, c.tolerance, c.spec.end_time.has_value(), -1, 0, 0};
    pending_->deadline = timeout < 0 ? kNever : now_ + timeout * kMillisecond;
  }
  c.r = CallReturn{ready, tcp::Errno::Ok, wait, mismatch};
  return std::nullopt;
}

std::string Runner::poll_names(std::int64_t bits) const {
  static constexpr std::array<std::pair<std::string_view, std::int64_t>, 11> kNames = {{
      {"POLLIN", kPollIn},
      {"POLLRDNORM", kPollRdNorm},
      {"POLLRDBAND", kPollRdBand},
      {"POLLWRNORM", kPollWrNorm},
      {"POLLWRBAND", kPollWrBand},
      {"POLLOUT", kPollOut},
      {"POLLERR", kPollErr},
      {"POLLHUP", kPollHup},
      {"POLLNVAL", kPollNval},
      {"POLLRDHUP", kPollRdHup},
      {"POLLPRI", 2},
  }};
  std::string s;
  for (const auto& [name, bit] : kNames) {
    if ((bits & bit) == 0) continue;
    if (!s.empty()) s += '|';
    s += name;
  }
  return s.empty() ? "0" : s;
}

Step Runner::sys_ioctl(SyscallCall& c) {
  auto req = eval_int(c.spec.args[1]);
  const tcp::Connection* conn = std::as_const(stack()).connection(c.fd);
  if (stack().is_listening(c.fd)) {
    c.r = CallReturn{-1, tcp::Errno::Invalid, false, {}};
    return std::nullopt;
  }
  std::int64_t have = 0;
  if (req == kFionread) {
    have = conn != nullptr ? static_cast<std::int64_t>(conn->recv_queued()) : 0;
  } else if (req == kSiocOutq) {  // bytes not yet acknowledged, sent or not
    have = conn != nullptr ? static_cast<std::int64_t>(conn->info().send_queued) : 0;
  } else {  // SIOCOUTQNSD: bytes not sent yet (write_seq - snd_nxt), as tcp_info says
    have = tcpi_of(conn, "tcpi_notsent_bytes");
  }
  c.r = CallReturn{0, tcp::Errno::Ok, false, {}};
  const Expr& want = c.spec.args[2];
  if (want.kind != Expr::Kind::Ellipsis) {
    auto expected = eval_int(want);
    if (!expected) {
      return invalid_at(c.event.line, fmt::format("ioctl"
                                                  "(): bad expected value {} (write [N])",
                                                  want.to_string()));
    }
    if (*expected != have) {
      c.r.what = fmt::format("bad ioctl {} value: expected {} but got {}",
                             c.spec.args[1].to_string(), *expected, have);
    }
  }
  return std::nullopt;
}

Step Runner::get_tcp_info(SyscallCall& c) {
  c.r = CallReturn{0, tcp::Errno::Ok, false, {}};
  const Expr& want = c.spec.args[3];
  if (want.kind == Expr::Kind::Ellipsis) return std::nullopt;
  if (want.kind != Expr::Kind::Struct) {
    return invalid_at(c.event.line, "getsockopt TCP_INFO: write {tcpi_state=..., ...} or ...");
  }
  const tcp::Connection* conn = std::as_const(stack()).connection(c.fd);
  bool listening = stack().is_listening(c.fd);
  for (const Expr& f : want.items) {
    if (f.kind != Expr::Kind::Assign || f.items.empty() || !is_known_tcpi_field(f.text)) {
      return invalid_at(c.event.line,
                        fmt::format("getsockopt TCP_INFO: unknown field {} (known: tcpi_state, "
                                    "tcpi_snd_cwnd, ... as in %{{ }}% assertions)",
                                    f.to_string()));
    }
    const Expr& v = f.items[0];
    std::optional<std::int64_t> expected = eval_int(v);
    if (!expected && v.kind == Expr::Kind::Word) {
      expected = code_constant(v.text, settings_.profile);
    }
    if (!expected) {
      return invalid_at(c.event.line,
                        fmt::format("getsockopt TCP_INFO: bad value {}", f.to_string()));
    }
    std::int64_t have = listening ? tcpi_of_listener(c.fd, f.text) : tcpi_of(conn, f.text);
    if (have != *expected && c.r.what.empty()) {
      c.r.what = fmt::format("bad getsockopt TCP_INFO value: expected {} but got {}={}",
                             f.to_string(), f.text, have);
    }
  }
  return std::nullopt;
}

}  // namespace tcpsim::sim::script::detail
