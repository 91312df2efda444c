#include "stack/tcp/tcp_stack.hpp"

#include "stack/tcp/linux_checks.hpp"

#include "stack/tcp/tuple_hash.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {

constexpr std::uint8_t kReadable = 1;
constexpr std::uint8_t kWritable = 2;

// RFC 6528's F() as a 64-bit number.
std::uint64_t tuple_hash(std::uint64_t secret, std::uint8_t purpose, const Endpoint& a,
                         const Endpoint& b) {
  auto md = tuple_digest(secret, purpose, a, b);
  std::uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | md[i];
  return h;
}

// RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), where M
// ticks every 4 microseconds.
std::uint32_t rfc6528_isn(std::uint64_t secret, Nanos now, const Endpoint& local,
                          const Endpoint& remote) {
  auto m = static_cast<std::uint32_t>(now / (4 * kMicrosecond));
  return m + static_cast<std::uint32_t>(tuple_hash(secret, 1, local, remote));
}

// Per-connection timestamp offsets, as Linux has, so TSval leaks no host clock.
std::uint32_t ts_offset_for(std::uint64_t secret, const Endpoint& local, const Endpoint& remote) {
  return static_cast<std::uint32_t>(tuple_hash(secret, 2, local, remote));
}

// RFC 9293 §3.10.7.2 LISTEN, an ACK: <SEQ=SEG.ACK><CTL=RST>.
IpSegment listen_reset(const IpSegment& in) {
  IpSegment out;
  out.src = in.dst;
  out.dst = in.src;
  out.segment.header.src_port = in.segment.header.dst_port;
  out.segment.header.dst_port = in.segment.header.src_port;
  out.segment.header.seq = in.segment.header.ack;
  out.segment.header.flags = kRst;
  return out;
}

// Linux cookie_v4_check (tcp_synq_no_recent_overflow): a bare ACK to a listener is taken
// for a SYN cookie only while cookies are on and it sent one lately.
bool cookie_expected(const TcpConfig& cfg, Nanos last_cookie, Nanos now, const Segment& seg) {
  return !seg.has(kSyn) && cfg.syncookies != 0 && last_cookie != kNever &&
         now - last_cookie < syn_cookie_overflow_window(cfg.syncookie_format);
}

// FreeBSD's keep-alive options take 0 for "the sysctl's value" (tcp_default_ctloutput
// stores it; TP_KEEPIDLE and the rest fall back to net.inet.tcp.keepidle, ...).
bool keepalive_default(const TcpConfig& cfg, SockOpt opt, int v) {
  bool keep = opt == SockOpt::KeepIdle || opt == SockOpt::KeepIntvl || opt == SockOpt::KeepCnt ||
              opt == SockOpt::KeepInit;
  return keep && v == 0 && cfg.close_rules == CloseRules::FreeBsd;
}

// The range each numeric option takes (Linux's limits: keep-alive idle and interval up to
// 32767 s, at most 127 probes; a TTL of at least 1).
bool sockopt_value_ok(SockOpt opt, int v) {
  switch (opt) {
    case SockOpt::KeepIdle:
    case SockOpt::KeepIntvl:
      return v >= 1 && v <= 32767;
    case SockOpt::KeepCnt:
      return v >= 1 && v <= 127;
    case SockOpt::KeepInit:
    case SockOpt::UserTimeout:
      return v >= 0;
    case SockOpt::Tos:
      return v >= 0 && v <= 255;
    case SockOpt::Ttl:
      return v >= 1 && v <= 255;
    case SockOpt::SynCnt:
      return v >= 1 && v <= 127;  // MAX_TCP_SYNCNT
    case SockOpt::Congestion:
      return v >= 0 && v <= static_cast<int>(CongestionAlgorithm::Cubic);
    default:
      return true;
  }
}

// A timing or IP option in the units getsockopt reports, from a connection's settings.
std::uint32_t sockopt_value(const TcpConfig& c, SockOpt opt) {
  switch (opt) {
    case SockOpt::KeepIdle:
      return static_cast<std::uint32_t>(c.keepalive_idle / kSecond);
    case SockOpt::KeepIntvl:
      return static_cast<std::uint32_t>(c.keepalive_interval / kSecond);
    case SockOpt::KeepCnt:
      return static_cast<std::uint32_t>(c.keepalive_probes);
    case SockOpt::KeepInit:
      return static_cast<std::uint32_t>(c.connect_timeout / kSecond);
    case SockOpt::UserTimeout:
      return static_cast<std::uint32_t>(c.user_timeout / kMillisecond);
    case SockOpt::Cork:
      return c.cork ? 1 : 0;
    case SockOpt::NoOpt:
      return c.no_options ? 1 : 0;
    case SockOpt::Tos:
      return c.ip_tos;
    case SockOpt::Ttl:
      return c.ip_ttl;
    case SockOpt::SynCnt:
      return static_cast<std::uint32_t>(c.syn_retries);
    case SockOpt::Congestion:
      return static_cast<std::uint32_t>(c.congestion);
    case SockOpt::Linger2:  // do_tcp_getsockopt: -1, or the FIN-WAIT-2 time in seconds
      return c.linger2 < 0 ? static_cast<std::uint32_t>(-1)
                           : static_cast<std::uint32_t>(
                                 (c.linger2 > 0 ? c.linger2 : c.fin_timeout) / kSecond);
    default:
      return 0;
  }
}

// Linux's SOCK_MIN_RCVBUF and SOCK_MIN_SNDBUF (include/net/sock.h: 2048 bytes plus an
// sk_buff, and twice that) as x86-64 kernels have them.
constexpr std::uint32_t kLinuxMinRcvbuf = 2304, kLinuxMinSndbuf = 4608;

// What a socket records for SO_RCVBUF / SO_SNDBUF: with linux_sockbuf, Linux's
// sk_setsockopt: min(value, rmem_max / wmem_max) doubled, at least the minimum.
std::uint32_t socket_buffer_value(const TcpConfig& cfg, SockOpt opt, std::uint32_t value) {
  if (!cfg.linux_sockbuf) return value;
  bool rcv = opt == SockOpt::RcvBuf;
  std::uint64_t v = std::min(value, rcv ? cfg.rmem_max : cfg.wmem_max);
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(
      std::max<std::uint64_t>(2 * v, rcv ? kLinuxMinRcvbuf : kLinuxMinSndbuf), 0x7fffffff));
}

// How a socket keeps an option's value, where 0 means "not set": TCP_QUICKACK and
// TCP_CONGESTION, whose 0 is a value, are kept one up (TCP_QUICKACK as 0, odd or even).
std::uint32_t stored_value(SockOpt opt, int value) {
  if (opt == SockOpt::QuickAck) return value == 0 ? 1 : (value & 1) != 0 ? 2 : 3;
  if (opt == SockOpt::Congestion) return static_cast<std::uint32_t>(value) + 1;
  // tcp_set_window_clamp: at least half of SOCK_MIN_RCVBUF.
  if (opt == SockOpt::WindowClamp && value != 0)
    return static_cast<std::uint32_t>(std::max(value, static_cast<int>(kLinuxMinRcvbuf / 2)));
  // do_tcp_setsockopt: TCP_LINGER2 below 0 is -1, above TCP_FIN_TIMEOUT_MAX (120 s) 120.
  if (opt == SockOpt::Linger2)
    return static_cast<std::uint32_t>(value < 0 ? -1 : std::min(value, 120));
  return static_cast<std::uint32_t>(value);
}

// What a connection makes of a socket's option value: with linux_sockbuf the receive
// window is half the doubled receive buffer (tcp_win_from_space with the default
// tcp_adv_win_scale 1 / scaling ratio 50%); the send buffer holds the doubled value.
std::uint32_t connection_value(const TcpConfig& cfg, SockOpt opt, std::uint32_t v) {
  if (opt == SockOpt::QuickAck || opt == SockOpt::Congestion) return v - 1;
  return cfg.linux_sockbuf && opt == SockOpt::RcvBuf ? v / 2 : v;
}

// Socket options set before the connection existed (on it or, `child`, on its listener;
// FreeBSD's syncache_socket leaves TCP_MAXSEG behind, TcpConfig::maxseg_offers).
template <class Socket>
void apply_options(const TcpConfig& cfg, const Socket& s, Connection& c, bool child = false) {
  for (std::size_t i = 0; i < kConnectionOptionCount; ++i) {
    auto opt = static_cast<SockOpt>(i);
    if (child && opt == SockOpt::MaxSeg && !cfg.maxseg_offers) continue;
    if (s.conn_opts[i] != 0) c.set_option(opt, connection_value(cfg, opt, s.conn_opts[i]));
  }
}

// A listener closes: its children not yet accepted are aborted (a reset for each that
// finished its handshake). Those still in SYN-RECEIVED are no sockets in the kernels:
// Linux's request sockets are dropped unanswered (reqsk_timer_handler, tcp_v4_rcv: no
// listener), FreeBSD's SYN cache entries stay and send their SYN,ACKs again
// (syncache_timer does not look for the listener); either way what arrives for them
// finds no listener (TcpStack::deliver, ConnEntry::orphan_entry).
void reset_children(ConnectionTable& conns, Fd listener, Nanos now, const TcpConfig& cfg) {
  conns.for_each([&](ConnEntry& e) {
    if (e.listener != listener) return;
    e.listener = -1;
    conns.touch(e);
    bool request = e.conn->state() == State::SynReceived;
    if (request && cfg.syncache) {
      e.orphan_entry = true;
    } else if (request && cfg.linux_segment_checks) {
      conns.erase(e);
    } else {
      e.conn->abort(now);
    }
  });
}

// FreeBSD's sonewconn: no socket for a completed handshake once more than 3/2 of the
// backlog wait to be accepted ("Listen queue overflow"); tcp_input.c then answers the
// ACK with a reset (net.inet.tcp.syncache.rst_on_sock_fail, 1) and the entry is gone.
bool freebsd_listen_overflow(std::size_t queued, int backlog) {
  return queued > static_cast<std::size_t>(3 * backlog / 2);
}

// RFC 9293 §3.10.7.1 (CLOSED): the answer to a segment (not a RST) for no connection:
// <SEQ=SEG.ACK><CTL=RST> if ACK is set, else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
IpSegment closed_port_reset(const IpSegment& in) {
  const Segment& seg = in.segment;
  IpSegment out;
  out.src = in.dst;
  out.dst = in.src;
  out.segment.header.src_port = seg.header.dst_port;
  out.segment.header.dst_port = seg.header.src_port;
  out.segment = host_reset(std::move(out.segment), seg);
  return out;
}

}  // namespace

TcpStack::TcpStack(TcpConfig config, std::uint64_t isn_secret)
    : cfg_(std::move(config)), secret_(isn_secret) {}

TcpStack::~TcpStack() = default;

bool TcpStack::is_local(const wire::IpAddress& a) const {
  return std::find(addresses_.begin(), addresses_.end(), a) != addresses_.end();
}

TcpStack::Socket* TcpStack::find_socket(Fd fd) {
  if (fd == found_fd_ && fd >= 0) return &found_->second;
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return nullptr;
  found_fd_ = fd;
  found_ = it;
  return &it->second;
}

const TcpStack::Socket* TcpStack::find_socket(Fd fd) const {
  auto it = sockets_.find(fd);
  return it == sockets_.end() ? nullptr : &it->second;
}

Fd TcpStack::socket() {
  Fd fd = next_fd_++;
  Socket s;
  s.fd = fd;
  sockets_.emplace(fd, std::move(s));
  return fd;
}

bool TcpStack::port_in_use(const Endpoint& local, bool reuse) const {
  // Most ports asked about are free: say so without looking at every socket.
  if (socket_ports_.count(local.port) == 0 && !conns_.port_used(local.port)) return false;
  for (const auto& [fd, s] : sockets_) {
    if (s.bound && s.local.port == local.port && (s.conn == nullptr || s.listening)) {
      if (s.local.addr == local.addr || s.local.addr == wire::IpAddress() ||
          local.addr == wire::IpAddress())
        return true;
    }
  }
  bool used = false;
  conns_.for_each([&](const ConnEntry& e) {
    const ConnKey& key = *e.key;
    // A SYN cache entry whose listener closed is no socket: it holds no port.
    if (used || key.local.port != local.port || e.orphan_entry) return;
    if (key.local.addr != local.addr && local.addr != wire::IpAddress()) return;
    // SO_REUSEADDR lets a new socket take a port held only by TIME-WAIT connections.
    if (reuse && e.conn->state() == State::TimeWait) return;
    used = true;
  });
  return used;
}

void TcpStack::bind_socket(Socket& s, const Endpoint& local) {
  if (s.bound) {
    auto it = socket_ports_.find(s.local.port);
    if (--it->second == 0) socket_ports_.erase(it);
  }
  s.local = local;
  s.bound = true;
  ++socket_ports_[local.port];
}

std::uint16_t TcpStack::ephemeral_port(const wire::IpAddress& local) {
  for (int tries = 0; tries < 28000; ++tries) {
    std::uint16_t p = next_port_;
    next_port_ = next_port_ >= 60999 ? 40000 : static_cast<std::uint16_t>(next_port_ + 1);
    if (!port_in_use(Endpoint{local, p}, false)) return p;
  }
  return 0;
}

Errno TcpStack::bind(Fd fd, const Endpoint& local) {
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  if (s->bound || s->conn != nullptr) return Errno::Invalid;
  if (local.addr != wire::IpAddress() && !is_local(local.addr)) return Errno::AddrNotAvail;
  Endpoint ep = local;
  if (ep.port == 0) {
    ep.port = ephemeral_port(ep.addr);
    if (ep.port == 0) return Errno::AddrInUse;
  } else if (port_in_use(ep, s->reuse_addr)) {
    return Errno::AddrInUse;
  }
  bind_socket(*s, ep);
  return Errno::Ok;
}

Errno TcpStack::listen(Nanos, Fd fd, int backlog) {
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  if (s->conn != nullptr) return Errno::Invalid;
  if (!s->bound) {
    Errno e = bind(fd, Endpoint{wire::IpAddress(), 0});
    if (e != Errno::Ok) return e;
  }
  // RFC 9293 §3.10.1 OPEN, passive: the socket enters LISTEN.
  if (!s->listening) listeners_.push_back(fd);
  s->listening = true;
  // Linux's __sys_listen (the linux script profile): a negative backlog, or one over
  // net.core.somaxconn (4096), is that; 0 stays 0 (the queues count past it). Otherwise at
  // least 1.
  // FreeBSD's solisten_proto: a negative backlog, or one over kern.ipc.soacceptqueue
  // (128), is that; 0 stays 0 (sonewconn tests the queue against 3/2 of it).
  bool linux_counts = cfg_.linux_segment_checks;
  s->backlog = cfg_.syncache                   ? (backlog < 0 || backlog > 128 ? 128 : backlog)
               : !linux_counts                 ? std::max(backlog, 1)
               : backlog < 0 || backlog > 4096 ? 4096
                                               : backlog;
  return Errno::Ok;
}

TcpStack::Socket* TcpStack::find_listener(const Endpoint& local) {
  Socket* wildcard = nullptr;
  for (Fd fd : listeners_) {
    Socket& s = sockets_.find(fd)->second;
    if (s.local.port != local.port) continue;
    if (s.local.addr == local.addr) return &s;
    if (s.local.addr == wire::IpAddress()) wildcard = &s;
  }
  return wildcard;
}

Connection* TcpStack::create_connection(Nanos now, const Endpoint& local, const Endpoint& remote,
                                        std::optional<std::uint32_t> iss) {
  TcpConfig c = cfg_;
  auto conn = std::make_unique<Connection>(c, local, remote,
                                           iss ? *iss : rfc6528_isn(secret_, now, local, remote),
                                           ts_offset_for(secret_, local, remote));
  conn->set_observer(conn_observer_);
  conn->set_payload_pool(pool_);
  Connection* raw = conn.get();
  if (ConnEntry* old = conns_.find(ConnKey{local, remote})) {
    // A finished connection still kept on this 4-tuple, for its socket or for accept():
    // the new one takes the 4-tuple, and they let go of the old one.
    if (Socket* l = old->listener >= 0 ? find_socket(old->listener) : nullptr) {
      std::erase(l->accept_queue, old->conn.get());
      std::erase(l->embryonic, old->conn.get());
    }
    if (Socket* s = old->socket >= 0 ? find_socket(old->socket) : nullptr) {
      s->conn = nullptr;
      s->entry = nullptr;
    }
    conns_.erase(*old);
  }
  conns_.insert(ConnKey{local, remote}, std::move(conn));
  if (stack_observer_ != nullptr) stack_observer_->on_connection(*raw);
  return raw;
}

Errno TcpStack::connect(Nanos now, Fd fd, const Endpoint& remote) {
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  // A listener: Linux __inet_stream_connect finds it not TCP_CLOSE; FreeBSD
  // tcp_usr_connect refuses a listening socket.
  if (s->listening)
    return cfg_.close_rules == CloseRules::FreeBsd ? Errno::OpNotSupp : Errno::IsConnected;
  if (s->conn != nullptr) {
    State st = s->conn->state();
    if (st == State::SynSent || st == State::SynReceived) return Errno::Already;
    if (cfg_.close_rules == CloseRules::FreeBsd && st != State::Closed) return Errno::IsConnected;
    if (cfg_.close_rules == CloseRules::FreeBsd) {
      // soconnectat: a socket no longer connected forgets its pending error first ("Prevent
      // accumulated error from previous connection from biting us"); tcp_usr_connect then
      // refuses the dropped connection (INP_DROPPED stays).
      s->conn->take_error();
      return Errno::ConnRefused;
    }
    if (!s->connecting) return Errno::IsConnected;
    // Linux __inet_stream_connect, SS_CONNECTING: this call learns how the attempt ended;
    // after an error the socket is unconnected again (tcp_disconnect).
    s->connecting = false;
    if (st != State::Closed) return Errno::Ok;
    Errno err = s->conn->take_error();
    s->entry->socket = -1;
    conns_.touch(*s->entry);
    s->conn = nullptr;
    s->entry = nullptr;
    sweep();
    return err == Errno::Ok ? Errno::ConnAborted : err;
  }
  Endpoint local = s->local;
  if (!s->bound || local.addr == wire::IpAddress()) {
    auto it = std::find_if(addresses_.begin(), addresses_.end(), [&](const wire::IpAddress& a) {
      return a.family() == remote.addr.family();
    });
    if (it == addresses_.end()) return Errno::AddrNotAvail;
    local.addr = *it;
  }
  if (!s->bound || local.port == 0) {
    local.port = ephemeral_port(local.addr);
    if (local.port == 0) return Errno::AddrInUse;
  }
  if (conns_.contains(ConnKey{local, remote})) return Errno::AddrInUse;
  if (!s->bound || !(s->local == local)) bind_socket(*s, local);
  Connection* c = create_connection(now, local, remote);
  s->entry = conns_.find(ConnKey{local, remote});
  s->entry->socket = fd;
  s->conn = c;
  apply_options(cfg_, *s, *c);
  c->open_active(now);
  s->connecting = true;
  return Errno::InProgress;
}

Errno TcpStack::accept(Fd fd, Fd& out, Endpoint* peer) {
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  if (!s->listening) return Errno::Invalid;
  if (s->listen_error != Errno::Ok) return std::exchange(s->listen_error, Errno::Ok);
  if (s->accept_queue.empty()) return Errno::Again;
  Connection* c = s->accept_queue.front();
  s->accept_queue.pop_front();
  marked_.push_back(fd);
  if (c->finished() && cfg_.close_rules == CloseRules::FreeBsd) {
    ConnEntry& gone = *conns_.find(ConnKey{c->local(), c->remote()});
    gone.listener = -1;
    conns_.touch(gone);
    sweep();
    return Errno::ConnAborted;
  }
  Fd nfd = socket();
  Socket& ns = sockets_[nfd];
  bind_socket(ns, c->local());
  ns.conn = c;
  // The listener's options as its child took them, and SO_LINGER (Linux's sk_clone_lock,
  // FreeBSD's sonewconn and syncache_socket), so getsockopt reads them back.
  ns.conn_opts = s->conn_opts;
  ns.linger = s->linger;
  ConnEntry& entry = *conns_.find(ConnKey{c->local(), c->remote()});
  ns.entry = &entry;
  entry.socket = nfd;
  entry.listener = -1;
  conns_.touch(entry);
  if (peer != nullptr) *peer = c->remote();
  out = nfd;
  return Errno::Ok;
}

Errno TcpStack::send(Nanos now, Fd fd, std::span<const std::uint8_t> data, std::size_t& written,
                     SendFlags flags) {
  written = 0;
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  if (s->conn == nullptr) return Errno::NotConnected;
  conns_.touch(*s->entry);
  return s->conn->send(now, data, written, flags);
}

Errno TcpStack::recv(Nanos now, Fd fd, std::span<std::uint8_t> buf, std::size_t& read) {
  read = 0;
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  if (s->conn == nullptr) return Errno::NotConnected;
  Errno e = s->conn->recv(now, buf, read);
  // A read that found nothing changes nothing and sends nothing (FreeBSD's soreceive calls
  // no pr_rcvd, Linux's tcp_recvmsg no tcp_cleanup_rbuf work).
  if (read > 0 || e != Errno::Again) conns_.touch(*s->entry);
  return e;
}

namespace {

// A connection that ended, or is in TIME-WAIT, is not connected (Linux inet_shutdown:
// TCP_CLOSE, the time-wait socket having taken over; FreeBSD soshutdown: tcp_twstart
// disconnected the socket), nor, under FreeBSD, one disconnected in FIN-WAIT-2.
template <class Socket>
bool shutdown_finds_unconnected(const Socket& s, CloseRules rules) {
  if (s.conn == nullptr) return true;
  State st = s.conn->state();
  bool fin_wait2_gone = st == State::FinWait2 && s.read_shut_early && rules == CloseRules::FreeBsd;
  return st == State::Closed || st == State::TimeWait || s.disconnected || fin_wait2_gone;
}

}  // namespace

Errno TcpStack::shutdown(Nanos now, Fd fd, ShutdownHow how) {
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  if (s->listening && cfg_.close_rules == CloseRules::Linux) {
    // Linux inet_shutdown: SHUT_WR leaves a listener be; SHUT_RD stops it listening
    // (tcp_disconnect -> inet_csk_listen_stop), its children unaccepted reset.
    if (how == ShutdownHow::Write) return Errno::Ok;
    reset_children(conns_, fd, now, cfg_);
    std::erase(listeners_, fd);
    s->listening = false;
    s->accept_queue.clear();
    s->embryonic.clear();
    return Errno::Ok;
  }
  if (s->listening && cfg_.close_rules == CloseRules::FreeBsd) {
    // FreeBSD soshutdown: a listener is not connected (ENOTCONN), but reading shut makes
    // the next accept() fail with ECONNABORTED (so_error; solisten_wakeup wakes a waiting
    // one) while it goes on listening.
    if (how != ShutdownHow::Write) {
      s->listen_error = Errno::ConnAborted;
      marked_.push_back(fd);
    }
    return Errno::NotConnected;
  }
  if (shutdown_finds_unconnected(*s, cfg_.close_rules)) return Errno::NotConnected;
  State st = s->conn->state();  // shutdown_read leaves it as it is
  conns_.touch(*s->entry);
  if (st == State::SynSent && cfg_.close_rules != CloseRules::FreeBsd) {
    // The connect() in progress is dropped, nothing sent (Linux inet_shutdown ->
    // tcp_disconnect). FreeBSD goes on: SHUT_RD flushes, SHUT_WR leaves a FIN for after
    // the handshake (tcp_usrclosed, TF_NEEDFIN; Connection::close).
    s->conn->abort(now);
    return Errno::Ok;
  }
  if (how == ShutdownHow::Read || how == ShutdownHow::Both) {
    s->conn->shutdown_read(cfg_.close_rules != CloseRules::Linux);
    s->read_shut_early = s->read_shut_early || st != State::FinWait2;
  }
  if (how == ShutdownHow::Write || how == ShutdownHow::Both) {
    if (st == State::Established || st == State::CloseWait || st == State::SynReceived ||
        st == State::SynSent) {
      return s->conn->close(now, false);
    }
    if (st == State::FinWait2 && cfg_.close_rules == CloseRules::FreeBsd) {
      // tcp_usrclosed from FIN-WAIT-2 on: the socket is disconnected (soisdisconnected:
      // reads end once what is queued is read, text still coming is dropped, a further
      // shutdown() finds it not connected) and the wait for the peer's FIN is bounded as
      // after close() (TT_2MSL, TP_MAXIDLE).
      s->conn->shutdown_read(s->conn->recv_queued() == 0);
      s->disconnected = true;
      return s->conn->close(now, false);
    }
  }
  return Errno::Ok;
}

Errno TcpStack::close(Nanos now, Fd fd) {
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  if (s->listening) {
    reset_children(conns_, fd, now, cfg_);
    std::erase(listeners_, fd);
  }
  if (s->conn != nullptr) {
    if (s->linger == 0) {
      s->conn->abort(now);  // SO_LINGER 0: RST, discard everything (RFC 9293 §3.10.5)
    } else {
      s->conn->close(now);
      s->conn->shutdown_read();  // no one reads what arrives from now on
    }
    s->entry->socket = -1;
    conns_.touch(*s->entry);
  }
  if (s->bound) {
    auto port = socket_ports_.find(s->local.port);
    if (--port->second == 0) socket_ports_.erase(port);
  }
  if (fd == found_fd_) found_fd_ = -1;
  sockets_.erase(fd);
  sweep();
  return Errno::Ok;
}

Errno TcpStack::setsockopt(Fd fd, SockOpt opt, int value) {
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  switch (opt) {
    case SockOpt::ReuseAddr:
      s->reuse_addr = value != 0;
      return Errno::Ok;
    case SockOpt::Linger:
      s->linger = value;
      return Errno::Ok;
    case SockOpt::Error:
      return Errno::NoProtoOpt;
    case SockOpt::RcvBuf:
    case SockOpt::SndBuf:
      if (value <= 0) return Errno::Invalid;
      break;
    case SockOpt::MaxSeg:
      if (value != 0 && (value < 64 || value > 65535)) return Errno::Invalid;  // 0: none
      break;
    case SockOpt::WindowClamp:
      // 0 (no clamp) only while the socket is closed: not listening nor connected.
      if (value == 0 && (s->listening || (s->conn != nullptr && s->conn->state() != State::Closed)))
        return Errno::Invalid;
      break;
    case SockOpt::NoDelay:
    case SockOpt::KeepAlive:
    case SockOpt::Cork:
    case SockOpt::NoOpt:
      value = value != 0 ? 1 : 0;
      break;
    case SockOpt::Tos:
      // Linux's __ip_sock_set_tos leaves a TCP socket's ECN bits its own (getsockopt
      // reads the value without them); every profile sends the connection's ECN field.
      if (cfg_.linux_segment_checks) value &= ~3;
      if (!sockopt_value_ok(opt, value)) return Errno::Invalid;
      break;
    default:
      if (keepalive_default(cfg_, opt, value)) value = static_cast<int>(sockopt_value(cfg_, opt));
      if (!sockopt_value_ok(opt, value)) return Errno::Invalid;
      break;
  }
  // A connection's option: kept on the socket (for a connection yet to come, or the
  // children of a listener) and given to the connection.
  std::uint32_t v = stored_value(opt, value);
  if (opt == SockOpt::RcvBuf || opt == SockOpt::SndBuf) v = socket_buffer_value(cfg_, opt, v);
  s->conn_opts[static_cast<std::size_t>(opt)] = v;
  if (s->conn != nullptr) {
    // FreeBSD's tcp_default_ctloutput only sets TF_NODELAY, calling no tcp_output: what
    // Nagle holds waits for the next ACK, write or timer.
    bool quiet = opt == SockOpt::NoDelay && s->conn->config().close_rules == CloseRules::FreeBsd;
    conns_.touch(*s->entry, quiet ? kEveryDuty & ~duty_bit(Duty::Poll) : kEveryDuty);
    s->conn->set_option(opt, connection_value(cfg_, opt, v));
  }
  return Errno::Ok;
}

namespace {

// A connection option as the socket holds it, or `fallback` when it was never set.
template <class Socket>
std::uint32_t opt_or(const Socket& s, SockOpt opt, std::uint32_t fallback) {
  std::uint32_t v = s.conn_opts[static_cast<std::size_t>(opt)];
  return v != 0 ? v : fallback;
}

// The settings a listener's children get: the host's, with the listener's MSS clamp (not
// FreeBSD's, TcpConfig::maxseg_offers) and receive buffer.
template <class Socket>
TcpConfig listener_config(const TcpConfig& host, const Socket& l) {
  TcpConfig c = host;
  if (host.maxseg_offers) c.mss_clamp = opt_or(l, SockOpt::MaxSeg, c.mss_clamp);
  c.window_clamp = opt_or(l, SockOpt::WindowClamp, c.window_clamp);
  if (std::uint32_t v = opt_or(l, SockOpt::RcvBuf, 0); v != 0) {
    c.recv_buffer = connection_value(host, SockOpt::RcvBuf, v);
    if (host.linux_sockbuf) c.wscale_space = c.recv_buffer;  // see Connection::set_option
  }
  return c;
}

// A full accept queue: at the backlog, or past it as Linux counts (sk_acceptq_is_full).
bool accept_queue_full(std::size_t queued, int backlog, bool linux_counts) {
  return queued + (linux_counts ? 0 : 1) > static_cast<std::size_t>(backlog);
}

// What a listener does with a SYN. FreeBSD's syncache_add gives every SYN an entry, the
// backlog unconsulted (only a full hash bucket, net.inet.tcp.syncache.bucketlimit of 30,
// would send a cookie instead: not modelled); net.inet.tcp.syncookies_only (2 here)
// answers all with cookies.
template <class Socket>
SynVerdict syn_verdict(const TcpConfig& c, const Socket& l, bool linux_counts) {
  if (c.syncache) return c.syncookies == 2 ? SynVerdict::Cookie : SynVerdict::Queue;
  return listen_verdict(c.syncookies, l.accept_queue.size(), l.embryonic.size(), l.backlog,
                        linux_counts);
}

// Whether a cookie's ACK finds no room: Linux's tcp_v4_syn_recv_sock drops it
// (sk_acceptq_is_full); FreeBSD's sonewconn fails and the ACK draws a reset.
template <class Socket>
bool cookie_ack_refused(const TcpConfig& c, const Socket& l, bool linux_counts) {
  return c.syncache ? freebsd_listen_overflow(l.accept_queue.size(), l.backlog)
                    : accept_queue_full(l.accept_queue.size(), l.backlog, linux_counts);
}

}  // namespace

Errno TcpStack::getsockopt(Fd fd, SockOpt opt, int& value) {
  Socket* s = find_socket(fd);
  if (s == nullptr) return Errno::BadFd;
  switch (opt) {
    case SockOpt::ReuseAddr:
      value = s->reuse_addr ? 1 : 0;
      return Errno::Ok;
    case SockOpt::Linger:
      value = s->linger;
      return Errno::Ok;
    case SockOpt::Error:
      value = s->conn != nullptr ? static_cast<int>(s->conn->take_error())
                                 : static_cast<int>(std::exchange(s->listen_error, Errno::Ok));
      return Errno::Ok;
    case SockOpt::RcvBuf: {
      // With linux_sockbuf the buffer is twice the window it offers (sk_rcvbuf).
      std::uint32_t set = opt_or(*s, SockOpt::RcvBuf, 0);
      std::uint32_t space = s->conn != nullptr ? s->conn->config().recv_buffer
                            : set != 0         ? connection_value(cfg_, SockOpt::RcvBuf, set)
                                               : cfg_.recv_buffer;
      value = static_cast<int>(cfg_.linux_sockbuf ? 2 * space : space);
      return Errno::Ok;
    }
    case SockOpt::SndBuf:
      value = static_cast<int>(s->conn != nullptr ? s->conn->config().send_buffer
                                                  : opt_or(*s, SockOpt::SndBuf, cfg_.send_buffer));
      return Errno::Ok;
    case SockOpt::NoDelay:
    case SockOpt::KeepAlive:
      value = static_cast<int>(opt_or(*s, opt, 0));
      return Errno::Ok;
    case SockOpt::MaxSeg: {
      std::uint32_t options =
          s->conn != nullptr && s->conn->info().ts_ok && !s->conn->config().maxseg_less_options
              ? 12  // the timestamp option, padded
              : 0;
      value = static_cast<int>(s->conn != nullptr ? s->conn->info().snd_mss + options
                                                  : opt_or(*s, SockOpt::MaxSeg, 536));
      return Errno::Ok;
    }
    case SockOpt::WindowClamp:
      value =
          static_cast<int>(s->conn != nullptr ? s->conn->info().window_clamp : opt_or(*s, opt, 0));
      return Errno::Ok;
    case SockOpt::QuickAck:  // do_tcp_getsockopt: !inet_csk_in_pingpong_mode
      value = s->conn != nullptr ? !s->conn->info().pingpong : opt_or(*s, opt, 2) != 1;
      return Errno::Ok;
    default: {
      // Before the connection exists: as set on the socket, else the host's setting.
      std::uint32_t given = s->conn_opts[static_cast<std::size_t>(opt)];
      value =
          static_cast<int>(s->conn == nullptr && given != 0
                               ? connection_value(cfg_, opt, given)
                               : sockopt_value(s->conn != nullptr ? s->conn->config() : cfg_, opt));
      return Errno::Ok;
    }
  }
  return Errno::NoProtoOpt;
}

Connection* TcpStack::connection(Fd fd) {
  Socket* s = find_socket(fd);
  if (s == nullptr || s->conn == nullptr) return nullptr;
  conns_.touch(*s->entry);  // the caller may change it
  return s->conn;
}

const Connection* TcpStack::connection(Fd fd) const {
  const Socket* s = find_socket(fd);
  return s == nullptr ? nullptr : s->conn;
}

bool TcpStack::is_listening(Fd fd) const {
  const Socket* s = find_socket(fd);
  return s != nullptr && s->listening;
}

TcpStack::Backlog TcpStack::backlog(Fd fd) const {
  const Socket* s = find_socket(fd);
  if (s == nullptr || !s->listening) return {};
  return {s->accept_queue.size(), s->listen_error, s->backlog};
}

void TcpStack::set_ready_callback(Fd fd, std::function<void(Fd)> cb) {
  if (Socket* s = find_socket(fd)) {
    s->ready = std::move(cb);
    s->last_ready = 0;
    marked_.push_back(fd);
  }
}

void TcpStack::on_segment(Nanos now, const IpSegment& in) {
  std::uint8_t ecn = in.tos & 3u;
  if (in.segment.ecn == ecn) return deliver(now, in, nullptr);
  IpSegment copy = in;  // the connection reads the ECN field from the segment
  copy.segment.ecn = ecn;
  deliver(now, copy, nullptr);
}

void TcpStack::on_segment(Nanos now, IpSegment&& in) {
  in.segment.ecn = in.tos & 3u;
  deliver(now, in, &in.segment.payload);
}

void TcpStack::deliver(Nanos now, const IpSegment& in, std::vector<std::uint8_t>* payload_owner) {
  if (!is_local(in.dst)) return;
  const Segment& seg = in.segment;
  Endpoint local{in.dst, seg.header.dst_port};
  Endpoint remote{in.src, seg.header.src_port};
  ConnEntry* e = conns_.find(ConnKey{local, remote});
  // A CLOSED connection kept for its socket (so the user can read the error) is no TCB
  // any more: its segments get the CLOSED-state answer below (RFC 9293 §3.10.7.1); so
  // do those for a FreeBSD SYN cache entry whose listener closed (no listener to find it).
  if (e != nullptr && e->orphan_entry) {
    // syncache_expand looks the entry up by its addresses alone: a new listener on the
    // port takes it (syncache_socket makes the socket there); with none it is unseen.
    Socket* l = find_listener(local);
    if (l != nullptr) {
      e->orphan_entry = false;
      e->listener = l->fd;
      l->embryonic.push_back(e->conn.get());
    }
  }
  if (e != nullptr && !e->conn->finished() && !e->orphan_entry) {
    bool time_wait = e->conn->state() == State::TimeWait;
    conns_.touch(*e);
    e->conn->on_segment(now, seg, payload_owner);
    if (after_input(*e, now, &in)) return;
    // A SYN that ended a TIME-WAIT (TcpConfig::time_wait_rule) looks for a listener.
    bool reopen = time_wait && e->conn->finished() && seg.has(kSyn) && !seg.has(kAck) &&
                  !seg.has(kRst) && e->socket < 0;
    sweep();
    notify();
    if (!reopen) return;
  }
  Socket* l = find_listener(local);
  if (l == nullptr) {
    // RFC 9293 §3.10.7.1 (CLOSED): a RST is ignored; anything else is answered with one
    // (FreeBSD's net.inet.tcp.blackhole: 1 not to a SYN, 2 to nothing).
    bool hole = cfg_.blackhole == 2 || (cfg_.blackhole == 1 && seg.has(kSyn));
    bool answer = !seg.has(kRst) && !hole;
    if (answer) {
      pending_.push_back(closed_port_reset(in));
      ++closed_port_rsts_;
    }
    if (stack_observer_ != nullptr)
      stack_observer_->on_unmatched(now, in, DropReason::NoConnection, answer);
    return;
  }
  listen_input(now, in, *l, payload_owner);
}

void TcpStack::on_icmp_error(Nanos now, const IcmpError& err) {
  // The quoted segment was ours: its source is the local end (Linux's
  // __inet_lookup_established, FreeBSD's in_pcblookup). No connection, nothing to do.
  if (!is_local(err.local.addr)) return;
  ConnEntry* e = conns_.find(ConnKey{err.local, err.remote});
  if (e == nullptr || e->conn->finished()) return;
  conns_.touch(*e);
  e->conn->on_icmp_error(now, err);
  after_input(*e);
  sweep();
  notify();
}

void TcpStack::listen_input(Nanos now, const IpSegment& in, Socket& l,
                            std::vector<std::uint8_t>* payload_owner) {
  const Segment& seg = in.segment;
  Endpoint local{in.dst, seg.header.dst_port}, remote{in.src, seg.header.src_port};
  // RFC 9293 §3.10.7.2 LISTEN; RFC 4987 §3.6 SYN cookies when its queue is full.
  auto refuse = [&](DropReason why, bool reset) {
    if (reset) pending_.push_back(listen_reset(in));
    if (stack_observer_ != nullptr) stack_observer_->on_unmatched(now, in, why, reset);
  };
  if (seg.has(kRst)) return refuse(DropReason::ListenRst, false);
  bool linux_counts = cfg_.linux_segment_checks;  // the linux script profile's backlog
  std::optional<CookieAck> cookie;
  if (seg.has(kAck)) {
    bool check = cookie_expected(cfg_, l.last_cookie, now, seg);
    if (check)
      cookie = check_cookie_ack(cfg_, secret_, ts_offset_for(secret_, local, remote), now, in);
    if (!cookie) {
      if (check) ++listen_.cookies_rejected;
      return refuse(check ? DropReason::SynCookieInvalid : DropReason::ListenAck, true);
    }
    if (cookie_ack_refused(cfg_, l, linux_counts)) {
      ++listen_.acks_dropped;
      return refuse(DropReason::AcceptQueueFull, cfg_.syncache);
    }
  } else if (!seg.has(kSyn) || (seg.has(kFin) && cfg_.drop_synfin)) {
    // FreeBSD tcp_input.c (LISTEN): net.inet.tcp.drop_synfin drops a SYN with FIN.
    return refuse(seg.has(kSyn) ? DropReason::SynFin : DropReason::ListenNoSyn, false);
  } else if (SynVerdict v = syn_verdict(cfg_, l, linux_counts); v != SynVerdict::Queue) {
    if (v == SynVerdict::Drop) {
      ++listen_.syns_dropped;
      return refuse(DropReason::BacklogFull, false);
    }
    CookieSynAck answer = cookie_syn_ack(listener_config(cfg_, l), secret_,
                                         ts_offset_for(secret_, local, remote), now, in);
    ++listen_.cookies_sent;
    l.last_cookie = now;
    if (stack_observer_ != nullptr)
      stack_observer_->on_syn_cookie_sent(now, in, answer.isn, answer.opts);
    pending_.push_back(std::move(answer.segment));
    return;
  }
  Connection* c =
      create_connection(now, local, remote, cookie ? std::optional(cookie->isn) : std::nullopt);
  apply_options(cfg_, l, *c, true);  // an accepted connection inherits the listener's options
  ConnEntry* child = conns_.find(ConnKey{local, remote});
  child->listener = l.fd;
  l.embryonic.push_back(c);
  if (cookie) {
    ++listen_.cookies_accepted;
    if (stack_observer_ != nullptr) stack_observer_->on_syn_cookie_accepted(now, *c, cookie->opts);
    c->open_from_listen(now, cookie->syn, Connection::SynAck::SentAsCookie);
    c->on_segment(now, seg, payload_owner);  // the ACK completes the handshake
    after_input(*child);
    sweep();
  } else {
    c->open_from_listen(now, seg);
  }
  notify();
}

bool TcpStack::after_input(ConnEntry& e, Nanos now, const IpSegment* in) {
  if (e.listener < 0) return false;
  Socket* l = find_socket(e.listener);
  if (l == nullptr) return false;
  Connection* c = e.conn.get();
  auto emb = std::find(l->embryonic.begin(), l->embryonic.end(), c);
  if (emb == l->embryonic.end()) return false;
  if (c->state() == State::SynReceived) return false;
  l->embryonic.erase(emb);
  marked_.push_back(e.listener);
  if (c->state() == State::Closed) {
    e.listener = -1;  // reset before accept: the child is dropped
    return false;
  }
  if (!cfg_.syncache || in == nullptr ||
      !freebsd_listen_overflow(l->accept_queue.size(), l->backlog)) {
    l->accept_queue.push_back(c);
    return false;
  }
  ++listen_.acks_dropped;
  pending_.push_back(closed_port_reset(*in));
  if (stack_observer_ != nullptr)
    stack_observer_->on_unmatched(now, *in, DropReason::AcceptQueueFull, true);
  conns_.erase(e);  // no socket was made: nothing of it is sent
  notify();
  return true;
}

void TcpStack::sweep() {
  conns_.take(Duty::Sweep, sweeping_);
  for (ConnEntry* e : sweeping_) {
    if (!e->conn->finished() || e->socket >= 0 || e->conn->has_pending_output()) continue;
    if (e->listener >= 0) {
      if (Socket* l = find_socket(e->listener)) {
        // One that ended in the accept queue stays there for accept() (Linux hands it out,
        // inet_csk_accept; FreeBSD says ECONNABORTED, tcp_usr_accept).
        auto& q = l->accept_queue;
        if (std::find(q.begin(), q.end(), e->conn.get()) != q.end()) continue;
        auto& emb = l->embryonic;
        emb.erase(std::remove(emb.begin(), emb.end(), e->conn.get()), emb.end());
        marked_.push_back(e->listener);
      }
    }
    conns_.erase(*e);
  }
}

std::uint8_t TcpStack::readiness(const Socket& s) const {
  std::uint8_t r = 0;
  if (s.listening) {
    // A new arrival in the accept queue is news even when the queue was not empty.
    std::size_t q = std::min<std::size_t>(s.accept_queue.size(), 63);
    return static_cast<std::uint8_t>((q > 0 ? kReadable : 0) | (q << 2));
  }
  if (s.conn == nullptr) return r;
  if (s.conn->readable()) r |= kReadable;
  if (s.conn->writable()) r |= kWritable;
  // Fold the state in so callbacks also learn of establishment and closing.
  return static_cast<std::uint8_t>(r | (static_cast<std::uint8_t>(s.conn->state()) << 2));
}

void TcpStack::notify() {
  if (notifying_) return;
  notifying_ = true;
  // Callbacks may call back into the stack; collect first, call after. Only sockets whose
  // connection was touched, or that were marked, can have changed.
  for (int round = 0; round < 8; ++round) {
    conns_.take(Duty::Notify, notifying_work_);
    for (const ConnEntry* e : notifying_work_) {
      if (e->socket >= 0) marked_.push_back(e->socket);
    }
    std::vector<Fd>& due = due_;
    due.clear();
    std::sort(marked_.begin(), marked_.end());
    marked_.erase(std::unique(marked_.begin(), marked_.end()), marked_.end());
    for (Fd fd : marked_) {
      Socket* s = find_socket(fd);
      if (s == nullptr || !s->ready) continue;
      std::uint8_t r = readiness(*s);
      if (r != s->last_ready) {
        s->last_ready = r;
        due.push_back(fd);
      }
    }
    marked_.clear();
    if (due.empty()) break;
    for (Fd fd : due) {
      Socket* s = find_socket(fd);
      if (s != nullptr && s->ready) {
        auto cb = s->ready;  // the callback may replace itself
        ++callbacks_run_;
        cb(fd);
      }
    }
  }
  notifying_ = false;
}

void TcpStack::on_timer(Nanos now) {
  conns_.take_due(now, firing_);
  for (ConnEntry* e : firing_) {
    if (e->conn->next_deadline() <= now) {
      e->conn->on_timer(now);
      after_input(*e);
    }
  }
  sweep();
  notify();
}

void TcpStack::poll_transmit(Nanos now, std::vector<IpSegment>& out) {
  for (IpSegment& s : pending_) out.push_back(std::move(s));
  pending_.clear();
  std::vector<Segment>& segs = polled_;
  conns_.take(Duty::Poll, polling_);
  for (ConnEntry* e : polling_) {
    segs.clear();
    e->conn->poll_transmit(now, segs);
    // Polling moves its timers and may finish it: the other duties look again.
    conns_.touch(*e, kEveryDuty & ~duty_bit(Duty::Poll));
    for (Segment& s : segs) {
      std::uint8_t tos = tos_with_ecn(e->conn->config().ip_tos, s.ecn);
      out.push_back(IpSegment{e->key->local.addr, e->key->remote.addr, std::move(s), tos,
                              e->conn->config().ip_ttl});
    }
  }
  sweep();
  notify();
}

void TcpStack::set_payload_pool(PayloadPool& p) {
  pool_ = &p;
  conns_.for_each([&](ConnEntry& e) { e.conn->set_payload_pool(pool_); });
}

Nanos TcpStack::next_deadline() {
  return conns_.next_deadline();
}

std::vector<const Connection*> TcpStack::connections() const {
  std::vector<const Connection*> v;
  conns_.for_each([&](const ConnEntry& e) { v.push_back(e.conn.get()); });
  return v;
}

const Connection* TcpStack::find_connection(const Endpoint& local, const Endpoint& remote) const {
  const ConnEntry* e = conns_.find(ConnKey{local, remote});
  return e == nullptr ? nullptr : e->conn.get();
}

}  // namespace tcpsim::tcp
