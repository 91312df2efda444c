// The data-path system calls beyond read/write: recv/recvfrom/recvmsg/readv and
// send/sendto/sendmsg/writev with their flags, FIONREAD through ioctl, poll() and
// getsockopt(TCP_INFO). Socket readiness is computed from the stack's own state.
#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "sim/script/assertions.hpp"
#include "sim/script/runner_impl.hpp"

namespace tcpsim::sim::script::detail {

namespace {

struct FlagName {
  std::string_view name;
  std::int64_t bit;  // Linux's value
};
constexpr std::array<FlagName, 8> kMsgFlags = {{
    {"MSG_PEEK", kMsgPeek},
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
    if (f.text.rfind("msg_control", 0) == 0) {
      why = "msg_control (ancillary data) is not supported";
      return std::nullopt;
    }
  }
  if (!total) why = "msg_iov(N)=[{..., LEN}, ...] is missing or malformed";
  return total;
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
    return fail(fmt::format("{}(): flags must be 0 or MSG_ constants joined with |", n));
  }
  r.bytes = static_cast<std::size_t>(*bytes);
  return r;
}

std::optional<std::string> check_io_flags(std::string_view call, std::int64_t flags,
                                          std::string_view profile, bool& unsupported) {
  unsupported = false;
  if ((flags & kMsgFastOpen) != 0) {
    unsupported = true;
    return "TCP Fast Open is not modelled by tcpsim (MSG_FASTOPEN)";
  }
  if ((flags & kMsgZeroCopy) != 0) {
    unsupported = true;
    return "zero-copy is not modelled by tcpsim (MSG_ZEROCOPY)";
  }
  bool receive = is_receive_call(call);
  std::int64_t allowed = receive ? (kMsgPeek | kMsgDontWait | kMsgWaitAll)
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

// ---- readiness ----

std::int64_t Runner::poll_events(tcp::Fd fd) {
  tcp::TcpStack& st = stack();
  if (st.is_listening(fd)) return st.accept_queue_length(fd) > 0 ? kPollIn : 0;
  const tcp::Connection* c = st.connection(fd);
  if (c == nullptr) return kPollOut | kPollHup;  // a socket never connected (Linux: CLOSE)
  std::int64_t ev = 0;
  tcp::State s = c->state();
  bool rcv_shut = c->remote_closed() || (s == tcp::State::Closed);
  if (c->error() != tcp::Errno::Ok) ev |= kPollErr;
  if (s == tcp::State::Closed || (c->remote_closed() && shut_wr_.count(fd) != 0)) ev |= kPollHup;
  if (rcv_shut) ev |= kPollIn | kPollRdHup;
  std::size_t lowat = std::max<std::size_t>(rcvlowat_[fd], 1);
  if (c->recv_queued() >= lowat) ev |= kPollIn;
  if (s != tcp::State::SynSent && s != tcp::State::SynReceived && s != tcp::State::Listen) {
    bool under_lowat = true;
    if (auto it = notsent_lowat_.find(fd); it != notsent_lowat_.end()) {
      under_lowat = static_cast<std::int64_t>(tcpi_of(c, "tcpi_notsent_bytes")) < it->second;
    }
    if ((c->writable() && under_lowat) || s == tcp::State::Closed) ev |= kPollOut;
  }
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
    std::int64_t got =
        it == fds_.end() ? kPollNval : poll_events(it->second) & (*events | kPollErr | kPollHup);
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
  static constexpr std::array<std::pair<std::string_view, std::int64_t>, 7> kNames = {{
      {"POLLIN", kPollIn},
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
  const tcp::Connection* conn = stack().connection(c.fd);
  if (stack().is_listening(c.fd)) {
    c.r = CallReturn{-1, tcp::Errno::Invalid, false, {}};
    return std::nullopt;
  }
  std::int64_t have = 0;
  if (req == kFionread) {
    have = conn != nullptr ? static_cast<std::int64_t>(conn->recv_queued()) : 0;
  } else {  // SIOCOUTQ: bytes not yet acknowledged, sent or not
    have = conn != nullptr ? static_cast<std::int64_t>(conn->info().send_queued) : 0;
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
  const tcp::Connection* conn = stack().connection(c.fd);
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
    std::int64_t have = listening && f.text == "tcpi_state"
                            ? tcpi_state_number(tcp::State::Listen, settings_.profile)
                            : tcpi_of(conn, f.text);
    if (have != *expected && c.r.what.empty()) {
      c.r.what = fmt::format("bad getsockopt TCP_INFO value: expected {} but got {}={}",
                             f.to_string(), f.text, have);
    }
  }
  return std::nullopt;
}

}  // namespace tcpsim::sim::script::detail
