// System calls: the script's sockets API mapped onto TcpStack. Script fds are mapped to the
// stack's (packetdrill maps them too, so `socket(...) = 3` works whatever number the stack
// hands out). A call on a blocking socket that cannot finish yet waits, in virtual time,
// while the script's later events run; it is checked when it returns.
#include <fmt/core.h>

#include <array>
#include <utility>

#include "sim/script/runner_impl.hpp"

namespace tcpsim::sim::script::detail {

namespace {

using tcp::Errno;

struct ErrnoName {
  Errno e;
  std::string_view name;
  int linux_number;
};
// Linux's numbers, so `[111]` and `[ECONNREFUSED]` mean the same.
constexpr std::array<ErrnoName, 28> kErrnos = {{
    {Errno::Ok, "0", 0},
    {Errno::Again, "EAGAIN", 11},
    {Errno::InProgress, "EINPROGRESS", 115},
    {Errno::Already, "EALREADY", 114},
    {Errno::IsConnected, "EISCONN", 106},
    {Errno::NotConnected, "ENOTCONN", 107},
    {Errno::ConnRefused, "ECONNREFUSED", 111},
    {Errno::ConnReset, "ECONNRESET", 104},
    {Errno::ConnAborted, "ECONNABORTED", 103},
    {Errno::TimedOut, "ETIMEDOUT", 110},
    {Errno::Pipe, "EPIPE", 32},
    {Errno::BadFd, "EBADF", 9},
    {Errno::Invalid, "EINVAL", 22},
    {Errno::AddrInUse, "EADDRINUSE", 98},
    {Errno::AddrNotAvail, "EADDRNOTAVAIL", 99},
    {Errno::OpNotSupp, "EOPNOTSUPP", 95},
    {Errno::NoBufs, "ENOBUFS", 105},
    {Errno::NoProtoOpt, "ENOPROTOOPT", 92},
    {Errno::NetUnreach, "ENETUNREACH", 101},
    {Errno::HostUnreach, "EHOSTUNREACH", 113},
    {Errno::HostDown, "EHOSTDOWN", 112},
    {Errno::NoNet, "ENONET", 64},
    {Errno::MsgSize, "EMSGSIZE", 90},
    {Errno::Proto, "EPROTO", 71},
    {Errno::Access, "EACCES", 13},
    {Errno::Fault, "EFAULT", 14},
    {Errno::NoEntry, "ENOENT", 2},
    {Errno::NoSuchAlgo, "ESRCH", 3},
}};

int linux_errno(Errno e) {
  for (const auto& x : kErrnos) {
    if (x.e == e) return x.linux_number;
  }
  return -1;
}

struct Symbol {
  std::string_view name;
  std::int64_t value;
};
// Linux values of the constants scripts use.
constexpr std::array<Symbol, 95> kSymbols = {{
    {"AF_INET", 2},
    {"AF_INET6", 10},
    {"PF_INET", 2},
    {"PF_INET6", 10},
    {"SOCK_STREAM", 1},
    {"SOCK_NONBLOCK", 04000},
    {"IPPROTO_TCP", 6},
    {"IPPROTO_IP", 0},
    {"SOL_SOCKET", 1},
    {"SOL_TCP", 6},
    {"SO_REUSEADDR", 2},
    {"SO_ERROR", 4},
    {"SO_SNDBUF", 7},
    {"SO_RCVBUF", 8},
    {"SO_KEEPALIVE", 9},
    {"SO_LINGER", 13},
    {"TCP_NODELAY", 1},
    {"TCP_MAXSEG", 2},
    {"SOL_IP", 0},
    {"SOL_IPV6", 41},
    {"IPPROTO_IPV6", 41},
    {"O_RDONLY", 0},
    {"O_WRONLY", 1},
    {"O_RDWR", 2},
    {"O_NONBLOCK", 04000},
    {"F_GETFL", 3},
    {"F_SETFL", 4},
    {"SHUT_RD", 0},
    {"SHUT_WR", 1},
    {"SHUT_RDWR", 2},
    {"MSG_DONTWAIT", 0x40},
    {"MSG_PEEK", 2},
    {"MSG_WAITALL", 0x100},
    {"MSG_NOSIGNAL", 0x4000},
    {"MSG_EOR", 0x80},
    {"MSG_MORE", 0x8000},
    {"MSG_ZEROCOPY", 0x4000000},
    {"MSG_FASTOPEN", 0x20000000},
    {"MSG_CTRUNC", 0x8},
    {"MSG_ERRQUEUE", 0x2000},
    {"MSG_TRUNC", 0x20},
    {"SO_TIMESTAMPING", 37},
    {"SCM_TIMESTAMPING", 37},
    {"SOF_TIMESTAMPING_TX_HARDWARE", 1 << 0},
    {"SOF_TIMESTAMPING_TX_SOFTWARE", 1 << 1},
    {"SOF_TIMESTAMPING_RX_HARDWARE", 1 << 2},
    {"SOF_TIMESTAMPING_RX_SOFTWARE", 1 << 3},
    {"SOF_TIMESTAMPING_SOFTWARE", 1 << 4},
    {"SOF_TIMESTAMPING_SYS_HARDWARE", 1 << 5},
    {"SOF_TIMESTAMPING_RAW_HARDWARE", 1 << 6},
    {"SOF_TIMESTAMPING_OPT_ID", 1 << 7},
    {"SOF_TIMESTAMPING_TX_SCHED", 1 << 8},
    {"SOF_TIMESTAMPING_TX_ACK", 1 << 9},
    {"SOF_TIMESTAMPING_OPT_CMSG", 1 << 10},
    {"SOF_TIMESTAMPING_OPT_TSONLY", 1 << 11},
    {"SOF_TIMESTAMPING_OPT_STATS", 1 << 12},
    {"SOF_TIMESTAMPING_OPT_PKTINFO", 1 << 13},
    {"SOF_TIMESTAMPING_OPT_TX_SWHW", 1 << 14},
    {"SOF_TIMESTAMPING_BIND_PHC", 1 << 15},
    {"SOF_TIMESTAMPING_OPT_ID_TCP", 1 << 16},
    {"SOF_TIMESTAMPING_OPT_RX_FILTER", 1 << 17},
    {"SOF_TIMESTAMPING_TX_COMPLETION", 1 << 18},
    {"SCM_TSTAMP_SND", 0},
    {"SCM_TSTAMP_SCHED", 1},
    {"SCM_TSTAMP_ACK", 2},
    {"SO_EE_ORIGIN_NONE", 0},
    {"SO_EE_ORIGIN_LOCAL", 1},
    {"SO_EE_ORIGIN_ICMP", 2},
    {"SO_EE_ORIGIN_ICMP6", 3},
    {"SO_EE_ORIGIN_TIMESTAMPING", 4},
    {"ENOMSG", 42},
    {"IP_RECVERR", 11},
    {"IPV6_RECVERR", 25},
    {"TCP_CM_INQ", 36},
    {"POLLIN", 0x1},
    {"POLLPRI", 0x2},
    {"POLLOUT", 0x4},
    {"POLLERR", 0x8},
    {"POLLHUP", 0x10},
    {"POLLNVAL", 0x20},
    {"POLLRDHUP", 0x2000},
    {"POLLRDNORM", 0x40},
    {"POLLRDBAND", 0x80},
    {"POLLWRNORM", 0x100},
    {"POLLWRBAND", 0x200},
    {"FIONREAD", 0x541B},
    {"SIOCINQ", 0x541B},
    {"SIOCOUTQ", 0x5411},
    {"SIOCOUTQNSD", 0x894B},
    {"TCP_INFO", 11},
    {"EWOULDBLOCK", 11},
    {"INADDR_ANY", 0},
    {"NULL", 0},
    {"true", 1},
    {"false", 0},
}};

std::optional<std::int64_t> symbol(std::string_view w) {
  for (const auto& s : kSymbols) {
    if (s.name == w) return s.value;
  }
  for (const auto& x : kErrnos) {
    if (x.name == w) return x.linux_number;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> eval_int(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Int:
      return e.number;
    case Expr::Kind::Word:
      return symbol(e.text);
    case Expr::Kind::Or: {
      auto a = eval_int(e.items[0]);
      auto b = eval_int(e.items[1]);
      if (!a || !b) return std::nullopt;
      return *a | *b;
    }
    case Expr::Kind::List:
      if (e.items.size() == 1) return eval_int(e.items[0]);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

namespace {

struct CallInfo {
  std::string_view name;
  std::size_t min_args, max_args;
  std::string_view form;
  Step (Runner::*run)(SyscallCall&);
};
constexpr std::array<CallInfo, 24> kCalls = {{
    {"socket", 3, 3, "socket(..., SOCK_STREAM, IPPROTO_TCP)", &Runner::sys_socket},
    {"bind", 3, 3, "bind(fd, ..., ...)", &Runner::sys_bind},
    {"listen", 2, 2, "listen(fd, backlog)", &Runner::sys_listen},
    {"accept", 3, 3, "accept(fd, ..., ...)", &Runner::sys_accept},
    {"connect", 3, 3, "connect(fd, ..., ...)", &Runner::sys_connect},
    {"read", 3, 3, "read(fd, ..., bytes)", &Runner::sys_read},
    {"recv", 4, 4, "recv(fd, ..., bytes, flags)", &Runner::sys_read},
    {"write", 3, 3, "write(fd, ..., bytes)", &Runner::sys_write},
    {"send", 4, 4, "send(fd, ..., bytes, flags)", &Runner::sys_write},
    {"recvfrom", 6, 6, "recvfrom(fd, ..., bytes, flags, ..., ...)", &Runner::sys_read},
    {"sendto", 6, 6, "sendto(fd, ..., bytes, flags, ..., ...)", &Runner::sys_write},
    {"recvmsg", 3, 3,
     "recvmsg(fd, {msg_name(...)=..., msg_iov(1)=[{..., N}], msg_flags=0}, "
     "flags)",
     &Runner::sys_read},
    {"sendmsg", 3, 3,
     "sendmsg(fd, {msg_name(...)=..., msg_iov(1)=[{..., N}], msg_flags=0}, "
     "flags)",
     &Runner::sys_write},
    {"readv", 3, 3, "readv(fd, [{..., N}], count)", &Runner::sys_read},
    {"writev", 3, 3, "writev(fd, [{..., N}], count)", &Runner::sys_write},
    {"ioctl", 3, 3,
     "ioctl"
     "(fd, FIONREAD|SIOCINQ|SIOCOUTQ, [N])",
     &Runner::sys_ioctl},
    {"poll", 3, 3, "poll([{fd=N, events=POLLIN, revents=POLLIN}], count, timeout_ms)",
     &Runner::sys_poll},
    {"shutdown", 2, 2, "shutdown(fd, SHUT_RD|SHUT_WR|SHUT_RDWR)", &Runner::sys_shutdown},
    {"close", 1, 1, "close(fd)", &Runner::sys_close},
    {"open", 2, 2, "open(\"path\", flags)", &Runner::sys_open},
    {"sendfile", 4, 4, "sendfile(socket_fd, file_fd, [offset], bytes)", &Runner::sys_sendfile},
    {"fcntl", 2, 3, "fcntl(fd, F_GETFL) or fcntl(fd, F_SETFL, flags)", &Runner::sys_fcntl},
    {"setsockopt", 5, 5, "setsockopt(fd, level, option, value, length)", &Runner::sys_sockopt},
    {"getsockopt", 5, 5, "getsockopt(fd, level, option, value, length)", &Runner::sys_sockopt},
}};

const CallInfo* find_call(std::string_view name) {
  for (const auto& c : kCalls) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

using Ret = CallReturn;
Ret ok(std::int64_t v) {
  return Ret{v, Errno::Ok, false, {}};
}
Ret error(Errno e) {
  return Ret{-1, e, false, {}};
}
Ret blocked() {
  return Ret{0, Errno::Ok, true, {}};
}

// {onoff=1, linger=0} -> the stack's linger value (seconds, or -1 for off).
std::optional<int> linger_value(const Expr& e) {
  if (e.kind != Expr::Kind::Struct) return std::nullopt;
  std::optional<std::int64_t> onoff, secs;
  for (const Expr& item : e.items) {
    if (item.kind != Expr::Kind::Assign || item.items.empty()) return std::nullopt;
    if (item.text == "onoff" || item.text == "l_onoff") onoff = eval_int(item.items[0]);
    if (item.text == "linger" || item.text == "l_linger") secs = eval_int(item.items[0]);
  }
  if (!onoff || !secs) return std::nullopt;
  return *onoff != 0 ? static_cast<int>(*secs) : -1;
}

// The arguments particular to each call: addresses, socket type, flags and options.
Step validate_call_args(const Runner& run, const Event& e, const SyscallSpec& s,
                        const CallInfo& c) {
  // Addresses: only `...`, which means the script's own (packetdrill's live) addresses.
  if ((s.name == "bind" || s.name == "connect" || s.name == "accept") &&
      (s.args[1].kind != Expr::Kind::Ellipsis || s.args[2].kind != Expr::Kind::Ellipsis)) {
    return run.invalid_at(
        e.line, fmt::format("unsupported explicit address in {}(): write {}", s.name, c.form));
  }
  if (s.name == "socket") {
    auto type = eval_int(s.args[1]);
    auto proto = s.args[2].kind == Expr::Kind::Ellipsis ? std::optional<std::int64_t>(6)
                                                        : eval_int(s.args[2]);
    if (!type || (*type & ~std::int64_t{04000}) != 1 || !proto || (*proto != 6 && *proto != 0)) {
      return run.invalid_at(e.line,
                            "only TCP sockets are supported: socket(..., SOCK_STREAM, "
                            "IPPROTO_TCP)");
    }
  }
  if (c.run == &Runner::sys_read || c.run == &Runner::sys_write) {
    auto io = io_request(s);
    if (!io.ok()) return run.invalid_at(e.line, io.error());
    auto control = control_request(s);
    if (!control.ok()) return run.invalid_at(e.line, control.error());
    bool unsupported = false;
    if (auto why = check_io_flags(s.name, io->flags, run.settings_.profile, unsupported)) {
      return run.invalid_at(e.line, *why);
    }
  }
  if (s.name == "ioctl") {
    auto req = eval_int(s.args[1]);
    if (!req || (*req != kFionread && *req != kSiocOutq && *req != kSiocOutqNsd)) {
      return run.invalid_at(e.line, fmt::format("unsupported ioctl request {} (supported: "
                                                "FIONREAD, SIOCINQ, SIOCOUTQ, SIOCOUTQNSD)",
                                                s.args[1].to_string()));
    }
  }
  if ((s.name == "setsockopt" || s.name == "getsockopt") && s.args[2].text == "TCP_INFO") {
    if (s.name == "setsockopt") return run.invalid_at(e.line, "TCP_INFO is read-only");
    return std::nullopt;
  }
  if (s.name == "setsockopt" || s.name == "getsockopt") {
    bool unsupported = false;
    if (auto why = check_sockopt_name(s.args[2].to_string(), run.settings_.profile, unsupported)) {
      return run.invalid_at(e.line, *why);
    }
    if (s.args[2].text == "TCP_CONGESTION") {
      if (auto why = check_congestion_args(s)) return run.invalid_at(e.line, *why);
    }
  }
  if (s.name == "open" || s.name == "sendfile") {
    if (auto why = check_file_call_args(s)) return run.invalid_at(e.line, *why);
  }
  if (s.name == "fcntl") {
    auto cmd = eval_int(s.args[1]);
    if (!cmd || (*cmd != 3 && *cmd != 4) || (*cmd == 4) != (s.args.size() == 3)) {
      return run.invalid_at(e.line,
                            "unsupported fcntl(): only fcntl(fd, F_GETFL) and fcntl(fd, "
                            "F_SETFL, flags)");
    }
  }
  return std::nullopt;
}

}  // namespace

Step Runner::validate_syscall(const Event& e, const SyscallSpec& s) const {
  const CallInfo* c = find_call(s.name);
  if (s.name.rfind("epoll_", 0) == 0) {
    return invalid_at(e.line,
                      fmt::format("epoll is not modelled by tcpsim (system call {})", s.name));
  }
  if (c == nullptr) {
    std::string names;
    for (const auto& k : kCalls) {
      if (!names.empty()) names += ", ";
      names += k.name;
    }
    return invalid_at(e.line,
                      fmt::format("unsupported system call '{}' (supported: {})", s.name, names));
  }
  if (s.args.size() < c->min_args || s.args.size() > c->max_args) {
    return invalid_at(e.line, fmt::format("{}() takes {} arguments, found {}: write {}", s.name,
                                          c->min_args == c->max_args
                                              ? std::to_string(c->min_args)
                                              : fmt::format("{} or {}", c->min_args, c->max_args),
                                          s.args.size(), c->form));
  }
  if (s.result.kind != Expr::Kind::Ellipsis && !eval_int(s.result)) {
    return invalid_at(e.line, fmt::format("{}() = {}: the result must be a number or a known "
                                          "constant",
                                          s.name, s.result.to_string()));
  }
  if (s.errno_name && !symbol(*s.errno_name)) {
    return invalid_at(e.line, fmt::format("unknown errno name '{}'", *s.errno_name));
  }
  return validate_call_args(*this, e, s, *c);
}

Step Runner::run_syscall(const Event& e, const SyscallSpec& s, Nanos end, Nanos tolerance) {
  std::string text = fmt::format("{}(", s.name);
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    text += (i > 0 ? ", " : "") + s.args[i].to_string();
  }
  text += ")";
  log(fmt::format("{} {} = {}{}", secs(now_), text, s.result.to_string(),
                  s.errno_name ? " " + *s.errno_name : ""));
  SyscallCall c{e, s, end, tolerance, -1, false, {}};
  if (s.name == "close" && close_file(c)) return finish_syscall(c);
  if (s.name != "socket" && s.name != "poll" && s.name != "open") {
    // Every call but socket() names one of the script's sockets first.
    auto v = eval_int(s.args[0]);
    auto it = v ? fds_.find(static_cast<int>(*v)) : fds_.end();
    if (it == fds_.end()) {
      std::string known;
      for (const auto& [k, fd] : fds_) {
        if (!known.empty()) known += ", ";
        known += std::to_string(k);
      }
      return fail_at(e.line,
                     fmt::format("{}(): {} is not an open socket of the script (open: {})", s.name,
                                 s.args[0].to_string(), known.empty() ? "none" : known));
    }
    c.fd = it->second;
    c.blocking = !nonblock_[c.fd];
  }
  if (const CallInfo* info = find_call(s.name)) {
    if (Step stop = (this->*info->run)(c)) return stop;
  }
  return finish_syscall(c);
}

Step Runner::sys_socket(SyscallCall& c) {
  c.fd = stack().socket();
  nonblock_[c.fd] = (eval_int(c.spec.args[1]).value_or(0) & 04000) != 0;
  auto want = eval_int(c.spec.result);
  if (!want || *want < 0) {
    return invalid_at(c.event.line,
                      "socket() = N: N is the fd the script will use (3 for the first)");
  }
  fds_[static_cast<int>(*want)] = c.fd;
  c.r = ok(*want);
  return std::nullopt;
}

Step Runner::sys_bind(SyscallCall& c) {
  tcp::Endpoint local{settings_.local_ip, settings_.bind_port};
  Errno err = stack().bind(c.fd, local);
  if (err == Errno::Ok) bound_[c.fd] = local;
  c.r = err == Errno::Ok ? ok(0) : error(err);
  return std::nullopt;
}

Step Runner::sys_listen(SyscallCall& c) {
  Errno err = stack().listen(now_, c.fd, static_cast<int>(eval_int(c.spec.args[1]).value_or(1)));
  if (err == Errno::Ok) {
    flow_ = Flow{};
    flow_.kind = Flow::Kind::Listening;
    flow_.listener = c.fd;
    auto b = bound_.find(c.fd);
    flow_.local =
        b != bound_.end() ? b->second : tcp::Endpoint{settings_.local_ip, settings_.bind_port};
  }
  c.r = err == Errno::Ok ? ok(0) : error(err);
  return std::nullopt;
}

Step Runner::sys_connect(SyscallCall& c) {
  tcp::TcpStack& st = stack();
  Errno err = st.connect(now_, c.fd, tcp::Endpoint{settings_.remote_ip, settings_.connect_port});
  if (err == Errno::InProgress) {
    flow_ = Flow{};
    flow_.kind = Flow::Kind::Active;
    flow_.local = st.connection(c.fd)->local();
    flow_.remote = st.connection(c.fd)->remote();
    c.r = c.blocking ? blocked() : error(err);
  } else {
    c.r = err == Errno::Ok ? ok(0) : error(err);
  }
  return std::nullopt;
}

Step Runner::sys_close(SyscallCall& c) {
  int linger = -1;
  stack().getsockopt(c.fd, tcp::SockOpt::Linger, linger);
  const tcp::Connection* conn = std::as_const(stack()).connection(c.fd);
  Errno err = stack().close(now_, c.fd);
  for (auto it = fds_.begin(); it != fds_.end();) {
    it = it->second == c.fd ? fds_.erase(it) : std::next(it);
  }
  c.r = err == Errno::Ok ? ok(0) : error(err);
  // SO_LINGER with a time: close() waits for our FIN to be acknowledged, that long at most
  // (Linux __tcp_close -> sk_stream_wait_close, non-blocking socket or not; FreeBSD
  // soclose, while SS_ISCONNECTED, a blocking socket only).
  bool waits = settings_.profile != "freebsd" || !nonblock_[c.fd];
  if (err == Errno::Ok && linger > 0 && conn != nullptr && waits && closing_wait(conn)) {
    pending_ =
        Pending{&c.event, &c.spec, c.end, c.tolerance, c.spec.end_time.has_value(), -1, 0, 0};
    pending_->deadline = now_ + linger * kSecond;
    pending_->closing = conn;
    c.r = blocked();
  }
  return std::nullopt;
}

bool Runner::closing_wait(const tcp::Connection* conn) const {
  auto all = stack_->connections();
  if (std::find(all.begin(), all.end(), conn) == all.end()) return false;  // gone
  tcp::State s = conn->state();
  return s == tcp::State::FinWait1 || s == tcp::State::Closing || s == tcp::State::LastAck;
}

Step Runner::sys_shutdown(SyscallCall& c) {
  auto how = eval_int(c.spec.args[1]);
  if (!how) {
    return invalid_at(c.event.line, "shutdown(fd, how): how is SHUT_RD, SHUT_WR or SHUT_RDWR");
  }
  if (*how < 0 || *how > 2) {  // Linux inet_shutdown, FreeBSD soshutdown
    c.r = error(Errno::Invalid);
    return std::nullopt;
  }
  // FreeBSD: shutting writes again in FIN-WAIT-2 disconnects the socket, reading too
  // (TcpStack::shutdown).
  const tcp::Connection* conn = std::as_const(stack()).connection(c.fd);
  bool disconnects = settings_.profile == "freebsd" && *how != 0 && conn != nullptr &&
                     conn->state() == tcp::State::FinWait2 && shut_wr_.count(c.fd) != 0;
  if (*how != 0) shut_wr_[c.fd] = true;
  if (*how != 1 || disconnects) shut_rd_[c.fd] = true;
  Errno err = stack().shutdown(now_, c.fd,
                               *how == 0   ? tcp::ShutdownHow::Read
                               : *how == 1 ? tcp::ShutdownHow::Write
                                           : tcp::ShutdownHow::Both);
  c.r = err == Errno::Ok ? ok(0) : error(err);
  return std::nullopt;
}

Step Runner::sys_fcntl(SyscallCall& c) {
  if (eval_int(c.spec.args[1]) == 3) {
    c.r = ok(2 | (nonblock_[c.fd] ? 04000 : 0));
    return std::nullopt;
  }
  auto flags = eval_int(c.spec.args[2]);
  if (!flags) {
    return invalid_at(c.event.line,
                      "fcntl(fd, F_SETFL, flags): flags must be a number or O_ constants");
  }
  nonblock_[c.fd] = (*flags & 04000) != 0;
  c.r = ok(0);
  return std::nullopt;
}

Step Runner::sys_sockopt(SyscallCall& c) {
  const SyscallSpec& s = c.spec;
  constexpr int kIpProtoTcp = 6;
  // Looked at only: the option's own call decides whether the connection sends.
  const tcp::Connection* conn = std::as_const(stack()).connection(c.fd);
  if (settings_.profile == "freebsd" && eval_int(s.args[1]) == kIpProtoTcp && conn != nullptr &&
      conn->state() == tcp::State::Closed) {
    // FreeBSD's tcp_ctloutput: once the connection is gone (INP_DROPPED: reset, timed out,
    // or closed after LAST-ACK or TIME-WAIT) a TCP-level option fails with ECONNRESET.
    c.r = error(Errno::ConnReset);
    return std::nullopt;
  }
  if (s.args[2].text == "TCP_INFO") return get_tcp_info(c);
  const SockOptInfo* info = find_sockopt(s.args[2].text);
  auto level = eval_int(s.args[1]);
  if (!level || *level != info->level) {
    return invalid_at(c.event.line,
                      fmt::format("{} is a {} option", info->name, level_name(info->level)));
  }
  if (info->opt == tcp::SockOpt::Congestion) return congestion_option(c);
  if (info->local != LocalOpt::None && s.name == "getsockopt") {
    c.r = ok(0);
    std::int64_t have = local_option(c.fd, info->local);
    auto want = eval_int(s.args[3]);
    if (s.args[3].kind != Expr::Kind::Ellipsis && (!want || *want != have)) {
      c.r.what = fmt::format("bad getsockopt {} value: expected {} but got {}", info->name,
                             s.args[3].to_string(), have);
    }
    return std::nullopt;
  }
  if (s.name == "getsockopt") return get_sockopt(c, info->name, info->opt);
  std::optional<int> value;
  if (info->opt == tcp::SockOpt::Linger) {
    value = linger_value(s.args[3]);
  } else if (auto v = eval_int(s.args[3])) {
    value = static_cast<int>(*v);
  }
  if (!value) {
    return invalid_at(c.event.line,
                      fmt::format("setsockopt {}: bad value {} (write [1] or, for SO_LINGER, "
                                  "{{onoff=1, linger=0}})",
                                  info->name, s.args[3].to_string()));
  }
  // The value's length: sock.c sk_setsockopt and do_tcp_setsockopt, FreeBSD sooptcopyin,
  // want at least an int (a struct linger for SO_LINGER).
  if (auto len = eval_int(s.args[4]); len && *len < (info->opt == tcp::SockOpt::Linger ? 8 : 4)) {
    c.r = error(Errno::Invalid);
    return std::nullopt;
  }
  if (info->local != LocalOpt::None) return set_local_option(c, *info, *value);
  if (info->opt == tcp::SockOpt::MaxSeg && !maxseg_ok(c.fd, *value)) {
    c.r = error(Errno::Invalid);
    return std::nullopt;
  }
  Errno err = stack().setsockopt(c.fd, info->opt, *value);
  if (err == Errno::Ok && info->opt == tcp::SockOpt::RcvBuf) rcvbuf_locked_[c.fd] = true;
  c.r = err == Errno::Ok ? ok(0) : error(err);
  return std::nullopt;
}

Step Runner::get_sockopt(SyscallCall& c, std::string_view name, tcp::SockOpt opt) {
  int value = 0;
  Errno err = stack().getsockopt(c.fd, opt, value);
  if (err != Errno::Ok) {
    c.r = error(err);
    return std::nullopt;
  }
  c.r = ok(0);
  const Expr& want = c.spec.args[3];
  std::string got_text;
  bool match = true;
  if (opt == tcp::SockOpt::Linger) {
    int expected = linger_value(want).value_or(-2);
    match = want.kind == Expr::Kind::Ellipsis || expected == value || (expected < 0 && value < 0);
    got_text = value < 0 ? "{onoff=0, linger=0}" : fmt::format("{{onoff=1, linger={}}}", value);
  } else {
    std::int64_t have = value;
    if (opt == tcp::SockOpt::Error) {
      have = linux_errno(static_cast<Errno>(value));
      got_text = fmt::format("{} ({})", kErrnos[static_cast<std::size_t>(value)].name, have);
    } else {
      got_text = std::to_string(have);
    }
    if (want.kind != Expr::Kind::Ellipsis) {
      auto expected = eval_int(want);
      if (!expected) {
        return invalid_at(c.event.line, fmt::format("getsockopt {}: bad expected value {}", name,
                                                    want.to_string()));
      }
      match = *expected == have;
    }
  }
  if (!match) {
    c.r.what = fmt::format("bad getsockopt {} value: expected {} but got {}", name,
                           want.to_string(), got_text);
  }
  return std::nullopt;
}

Step Runner::sys_accept(SyscallCall& c) {
  tcp::Fd nfd = -1;
  Errno err = stack().accept(c.fd, nfd);
  if (err == Errno::Again && c.blocking) {
    c.r = blocked();
  } else if (err == Errno::Ok) {
    nonblock_[nfd] = false;
    inherit_local_options(c.fd, nfd);
    auto want = eval_int(c.spec.result);
    if (want && *want >= 0) {
      fds_[static_cast<int>(*want)] = nfd;
      c.r = ok(*want);
    } else {
      c.r = ok(nfd);
    }
  } else {
    c.r = error(err);
  }
  return std::nullopt;
}

Step Runner::sys_read(SyscallCall& c) {
  auto io = io_request(c.spec);
  if (!io.ok()) return invalid_at(c.event.line, io.error());
  if ((io->flags & kMsgErrQueue) != 0) return read_error_queue(c, *io);
  bool blocking = c.blocking && (io->flags & kMsgDontWait) == 0;
  Pending p{&c.event, &c.spec, c.end, c.tolerance, c.spec.end_time.has_value(), c.fd, io->bytes, 0};
  // A NULL buffer: the copy fails once there is data, which stays queued (tcp_recvmsg).
  p.fault = io->null_buffer && io->bytes > 0 && (io->flags & kMsgTrunc) == 0;  // none copied
  p.peek = (io->flags & kMsgPeek) != 0 || p.fault;
  // Linux's MSG_PEEK|MSG_WAITALL waits for the whole length too (tcp_recvmsg_locked: the
  // target is the length either way).
  p.waitall = (io->flags & kMsgWaitAll) != 0 && (!p.peek || settings_.profile == "linux");
  if (blocking) p.lowat = std::min<std::size_t>(rcvlowat_[c.fd], io->bytes);
  // read(2) of nothing returns 0 before TCP looks (Linux sock_read_iter).
  if (c.spec.name == "read" && io->bytes == 0 && settings_.profile != "freebsd") {
    c.r = ok(0);
    return std::nullopt;
  }
  auto r = receive_now(p);
  if (!r && !blocking && p.peek && p.waitall) {  // a peek without waiting: what is there
    p.waitall = false;
    r = receive_now(p);
  }
  // MSG_WAITALL without waiting (MSG_DONTWAIT, O_NONBLOCK): what was copied.
  if (!r && !blocking && p.done > 0) r = ok(static_cast<std::int64_t>(p.done));
  if (!r && blocking) {
    pending_ = p;
    c.r = blocked();
  } else {
    c.r = r ? *r : error(Errno::Again);
    c.r.what = control_mismatch(c.spec, c.fd, c.r);
  }
  return std::nullopt;
}

Errno Runner::send_errno(Errno err) const {
  // A socket never connected (or listening): Linux's sk_stream_wait_connect answers EPIPE
  // for any state but SYN-SENT and SYN-RECEIVED; FreeBSD's sosend ENOTCONN.
  return err == Errno::NotConnected && settings_.profile == "linux" ? Errno::Pipe : err;
}

Step Runner::sys_write(SyscallCall& c) {
  auto io = io_request(c.spec);
  if (!io.ok()) return invalid_at(c.event.line, io.error());
  bool blocking = c.blocking && (io->flags & kMsgDontWait) == 0;
  // MSG_MORE (Linux): the partial segment waits for the next event (tcp::SendFlags::more).
  bool more = (io->flags & kMsgMore) != 0;
  if (io->null_buffer && io->bytes > 0) {
    // tcp_sendmsg_locked: the state is checked first, then the copy from NULL fails.
    std::size_t none = 0;
    Errno err = send_errno(stack().send(now_, c.fd, {}, none));
    c.r = error(err == Errno::Ok ? Errno::Fault : err);
    return std::nullopt;
  }
  // MSG_EOR (Linux): later writes start a buffer of their own; MSG_MORE leaves the end
  // of the write without PSH (TsoQueue::on_write).
  tcp::SendFlags flags{(io->flags & kMsgEor) != 0 && settings_.profile == "linux", more};
  return send_bytes(c, io->bytes, flags, blocking);
}

bool Runner::maxseg_ok(tcp::Fd fd, int value) {
  if (settings_.profile == "freebsd") {
    // tcp_default_ctloutput: at most t_maxseg as it stands (536 before a connection), and
    // no less than net.inet.tcp.minmss (216) less 40.
    int current = 0;
    stack().getsockopt(fd, tcp::SockOpt::MaxSeg, current);
    return value > 0 && value <= current && value + 40 >= 216;
  }
  // do_tcp_setsockopt: 0, or TCP_MIN_MSS (88) to MAX_TCP_WINDOW (32767).
  return value == 0 || (value >= 88 && value <= 32767);
}

std::optional<Errno> Runner::connecting_send_error(tcp::Fd fd) {
  const tcp::Connection* conn = std::as_const(stack()).connection(fd);
  if (conn == nullptr ||
      (conn->state() != tcp::State::SynSent && conn->state() != tcp::State::SynReceived))
    return std::nullopt;
  // Linux tcp_sendmsg_locked -> sk_stream_wait_connect; FreeBSD sosend_generic: not
  // connected and no address.
  if (settings_.profile == "linux") return Errno::Again;
  if (settings_.profile == "freebsd") return Errno::NotConnected;
  return std::nullopt;
}

bool Runner::below_send_lowat(tcp::Fd fd, std::size_t bytes) {
  // FreeBSD's sosend_generic: a write that does not fit copies nothing while less than
  // so_snd.sb_lowat (MCLBYTES, 2048: soreserve) is free.
  const tcp::Connection* conn = std::as_const(stack()).connection(fd);
  if (conn == nullptr ||
      (conn->state() != tcp::State::Established && conn->state() != tcp::State::CloseWait))
    return false;
  std::size_t free = conn->send_space();
  return free < bytes && free < freebsd_send_lowat(*conn);
}

Step Runner::send_bytes(SyscallCall& c, std::size_t bytes, tcp::SendFlags flags, bool blocking) {
  std::vector<std::uint8_t> data(bytes, 0);
  std::size_t written = 0;
  std::optional<Errno> early = connecting_send_error(c.fd);
  if (!early && !blocking && settings_.profile == "freebsd" && below_send_lowat(c.fd, bytes))
    early = Errno::Again;
  Errno err = early ? *early : send_errno(stack().send(now_, c.fd, data, written, flags));
  if (blocking && (err == Errno::Again || (err == Errno::Ok && written < data.size()))) {
    pending_ = Pending{&c.event, &c.spec,     c.end,  c.tolerance, c.spec.end_time.has_value(),
                       c.fd,     data.size(), written};
    pending_->send_flags = flags;
    pending_->send_flags.resume = true;  // what it writes later joins without clearing PSH
    c.r = blocked();
  } else {
    c.r = err == Errno::Ok ? ok(static_cast<std::int64_t>(written)) : error(err);
    if (err == Errno::Ok && written > 0) stamp_write(c.fd);
  }
  return std::nullopt;
}

// A receive as far as it can go now: its result, or nullopt while it must wait.
std::optional<CallReturn> Runner::receive_now(Pending& p) {
  tcp::TcpStack& st = stack();
  if (p.peek) {
    const tcp::Connection* conn = std::as_const(st).connection(p.fd);
    if (conn != nullptr && conn->recv_queued() > 0) {
      if (p.fault) return error(Errno::Fault);
      bool more = !conn->remote_closed() && conn->error() == Errno::Ok &&
                  conn->state() != tcp::State::Closed && shut_rd_.count(p.fd) == 0;
      if (p.waitall && more && conn->recv_queued() < p.want) return std::nullopt;
      return ok(static_cast<std::int64_t>(std::min(p.want, conn->recv_queued())));
    }
    // Nothing to copy: an error, the end of the stream, or a wait. FreeBSD's peek leaves
    // so_error in place (soreceive_generic); Linux's takes it (sock_error), after the
    // peer's FIN (SOCK_DONE) is found first.
    bool freebsd = settings_.profile == "freebsd";
    bool fin = conn != nullptr && conn->remote_closed();
    if (conn != nullptr && conn->error() != Errno::Ok && (freebsd || !fin)) {
      Errno err = conn->error();
      std::vector<std::uint8_t> none;
      std::size_t got = 0;
      if (!freebsd) st.recv(now_, p.fd, none, got);
      return error(err);
    }
    bool closed = conn == nullptr || conn->state() == tcp::State::Closed;
    if (fin || shut_rd_.count(p.fd) != 0 || (closed && conn != nullptr)) return ok(0);
    if (conn == nullptr) return error(Errno::NotConnected);
    return std::nullopt;
  }
  // Linux's tcp_recvmsg_locked looks at RCV_SHUTDOWN before TCP_CLOSE: a socket never
  // connected whose receiving was shut reads the end of the stream.
  if (std::as_const(st).connection(p.fd) == nullptr && shut_rd_.count(p.fd) != 0 &&
      !st.is_listening(p.fd) && settings_.profile != "freebsd")
    return ok(0);
  const tcp::Connection* conn = std::as_const(st).connection(p.fd);
  if (p.lowat > 1 && conn != nullptr && conn->recv_queued() < p.lowat && !conn->remote_closed() &&
      conn->state() != tcp::State::Closed) {
    return std::nullopt;  // SO_RCVLOWAT: a blocking read waits for that many bytes
  }
  // A read that copied something returns it and leaves an error for the next call
  // (tcp_recvmsg_locked: sk_err ends the loop once copied; soreceive: so_error kept).
  if (p.done > 0 && conn != nullptr && conn->recv_queued() == 0 && conn->error() != Errno::Ok)
    return ok(static_cast<std::int64_t>(p.done));
  std::vector<std::uint8_t> buf(p.want - p.done);
  std::size_t got = 0;
  Errno err = st.recv(now_, p.fd, buf, got);
  if (err == Errno::Again) return std::nullopt;
  if (err != Errno::Ok) return p.done > 0 ? ok(static_cast<std::int64_t>(p.done)) : error(err);
  p.done += got;
  if (p.waitall && got > 0 && p.done < p.want) return std::nullopt;
  return ok(static_cast<std::int64_t>(p.done));
}

Step Runner::finish_syscall(SyscallCall& c) {
  const Event& e = c.event;
  const SyscallSpec& s = c.spec;
  flush();
  if (c.r.blocked) {
    if (!pending_) {
      pending_ = Pending{&e, &s, c.end, c.tolerance, s.end_time.has_value(), c.fd, 0, 0};
    }
    log(fmt::format("  {}() blocks", s.name));
    after_change();
    return settle();
  }
  auto check = check_result(e, s, c.r.value, c.r.err, c.r.what);
  after_change();
  if (check) return check;
  if (s.end_time) {
    if (auto t = check_return_time(e, c.end, c.tolerance)) return t;
  }
  return settle();
}

Step Runner::check_result(const Event& e, const SyscallSpec& s, std::int64_t value, Errno err,
                          const std::string& mismatch) const {
  if (!mismatch.empty()) {
    return fail_at(e.line, fmt::format("runtime error in {} call: {}", s.name, mismatch));
  }
  if (s.result.kind != Expr::Kind::Ellipsis) {
    std::int64_t want = *eval_int(s.result);
    if (value != want) {
      std::string msg = fmt::format("runtime error in {} call: expected result {} but got {}",
                                    s.name, want, value);
      if (value == -1) {
        msg += fmt::format(" with errno {} ({})", tcp::errno_name(err), tcp::errno_text(err));
      }
      return fail_at(e.line, msg);
    }
  }
  if (value == -1 && s.errno_name && *symbol(*s.errno_name) != linux_errno(err)) {
    return fail_at(
        e.line, fmt::format("runtime error in {} call: expected errno {} but got {} ({})", s.name,
                            *s.errno_name, tcp::errno_name(err), tcp::errno_text(err)));
  }
  return std::nullopt;
}

Step Runner::check_return_time(const Event& e, Nanos end, Nanos tolerance) const {
  if (now_ >= end - tolerance && now_ <= end + tolerance) return std::nullopt;
  return fail_at(e.line, fmt::format("timing error: expected system call return at {} sec but "
                                     "happened at {} sec; tolerance {} sec",
                                     secs(end), secs(now_), secs(tolerance)));
}

Step Runner::try_complete_pending() {
  Pending& p = *pending_;
  tcp::TcpStack& st = stack();
  const std::string& name = p.call->name;
  std::optional<Ret> r;
  if (name == "connect") {
    tcp::Connection* c = st.connection(p.fd);
    bool ended = c != nullptr && c->state() == tcp::State::Closed;
    if (c == nullptr) {
      r = error(Errno::BadFd);
    } else if ((tcp::is_synchronized(c->state()) || ended) &&
               config_.close_rules != tcp::CloseRules::FreeBsd) {
      // Linux's blocking connect() sees the outcome itself (__inet_stream_connect): the
      // socket is connected then, or unconnected again after the error.
      Errno err =
          st.connect(now_, p.fd, tcp::Endpoint{settings_.remote_ip, settings_.connect_port});
      r = err == Errno::Ok ? ok(0) : error(err);
    } else if (tcp::is_synchronized(c->state())) {
      r = ok(0);
    } else if (ended) {
      Errno err = c->take_error();
      r = error(err == Errno::Ok ? Errno::ConnAborted : err);
    }
  } else if (name == "accept") {
    tcp::Fd nfd = -1;
    Errno err = st.accept(p.fd, nfd);
    if (err == Errno::Ok) {
      nonblock_[nfd] = false;
      inherit_local_options(p.fd, nfd);
      auto want = eval_int(p.call->result);
      if (want && *want >= 0) {
        fds_[static_cast<int>(*want)] = nfd;
        r = ok(*want);
      } else {
        r = ok(nfd);
      }
    } else if (err != Errno::Again) {
      r = error(err);
    }
  } else if (is_receive_call(name)) {
    r = receive_now(p);
    if (r) r->what = control_mismatch(*p.call, p.fd, *r);
  } else if (name == "close") {
    // FreeBSD's tsleep times out with EWOULDBLOCK, which close() returns.
    if (!closing_wait(p.closing)) {
      r = ok(0);
    } else if (now_ >= p.deadline) {
      r = settings_.profile == "freebsd" ? error(Errno::Again) : ok(0);
    }
  } else if (name == "poll") {
    SyscallCall again{*p.event, *p.call, p.end, p.tolerance, -1, false, {}};
    if (auto stop = sys_poll(again)) return stop;
    if (!again.r.blocked || now_ >= p.deadline)
      r = CallReturn{again.r.value, Errno::Ok, false, again.r.what};
  } else {
    std::vector<std::uint8_t> data(p.want - p.done, 0);
    std::size_t written = 0;
    Errno err = connecting_send_error(p.fd).value_or(Errno::Ok);
    if (err == Errno::Ok) err = st.send(now_, p.fd, data, written, p.send_flags);
    if (err == Errno::Ok) {
      p.done += written;
      if (p.done >= p.want) r = ok(static_cast<std::int64_t>(p.want));
    } else if (err != Errno::Again) {
      r = p.done > 0 ? ok(static_cast<std::int64_t>(p.done)) : error(err);
    }
    if (r && p.done > 0) stamp_write(p.fd);  // tcp_sendmsg_locked: at the end of the call
  }
  if (!r) return std::nullopt;
  Pending done = p;
  pending_.reset();
  log(fmt::format("{} {}() returns {}{}", secs(now_), name, r->value,
                  r->value == -1 ? fmt::format(" {}", tcp::errno_name(r->err)) : ""));
  if (auto bad = check_result(*done.event, *done.call, r->value, r->err, r->what)) return bad;
  if (done.check_end) return check_return_time(*done.event, done.end, done.tolerance);
  return std::nullopt;
}

}  // namespace tcpsim::sim::script::detail
