// A host's TCP layer: the sockets API over connections, the demultiplexer from 4-tuple to
// connection, listeners and their accept queues, and the answers of a host with no
// matching socket (RFC 9293 §3.10.7.1). Sans-I/O like Connection: segments and time in,
// segments out, next deadline.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "stack/tcp/connection_table.hpp"
#include "stack/tcp/icmp_error.hpp"
#include "stack/tcp/syn_cookie.hpp"

namespace tcpsim::tcp {

enum class ShutdownHow : std::uint8_t { Read, Write, Both };

// Host-level happenings that have no connection to report them.
class StackObserver {
 public:
  virtual ~StackObserver() = default;
  // A connection was created (by connect or by a SYN to a listener).
  virtual void on_connection(Connection&) {}
  // A segment matched no connection; `answered` tells whether a RST went back.
  virtual void on_unmatched(Nanos, const IpSegment&, DropReason, bool /*answered*/) {}
  // A listener answered `syn` with a SYN cookie (RFC 4987 §3.6): ISN `isn`, carrying `opts`.
  virtual void on_syn_cookie_sent(Nanos, const IpSegment& /*syn*/, std::uint32_t /*isn*/,
                                  const CookieOptions&) {}
  // An ACK returned a valid cookie: `conn` was made from it (before it takes the ACK).
  virtual void on_syn_cookie_accepted(Nanos, const Connection&, const CookieOptions&) {}
};

// What the listeners did when their queues were full (RFC 4987 §3.6), over all of them.
struct ListenCounters {
  std::uint64_t syns_dropped = 0;      // SYNs dropped: queue full, no cookie sent
  std::uint64_t acks_dropped = 0;      // ACKs with a valid cookie dropped: accept queue full
  std::uint64_t cookies_sent = 0;      // SYNs answered with a cookie
  std::uint64_t cookies_accepted = 0;  // ACKs whose cookie was good: connections made
  std::uint64_t cookies_rejected = 0;  // ACKs checked as cookies that were not (RST sent)
  bool any() const {
    return syns_dropped + acks_dropped + cookies_sent + cookies_accepted + cookies_rejected > 0;
  }
};

class TcpStack {
 public:
  // isn_secret: the key of RFC 6528's F() (and of timestamp offsets); a seeded value.
  TcpStack(TcpConfig config, std::uint64_t isn_secret);
  ~TcpStack();

  void add_address(const wire::IpAddress& a) { addresses_.push_back(a); }
  const std::vector<wire::IpAddress>& addresses() const { return addresses_; }
  bool is_local(const wire::IpAddress& a) const;
  const TcpConfig& config() const { return cfg_; }
  void set_observer(ConnectionObserver* o) { conn_observer_ = o; }
  void set_stack_observer(StackObserver* o) { stack_observer_ = o; }
  // The pool data segments take their payload buffers from; a host gives the buffers of
  // the segments it received back to it. By default the stack's own.
  void set_payload_pool(PayloadPool& p);
  PayloadPool& payload_pool() { return *pool_; }

  // ---- sockets API (non-blocking; readiness through callbacks) ----
  Fd socket();
  Errno bind(Fd fd, const Endpoint& local);
  Errno listen(Nanos now, Fd fd, int backlog);
  Errno accept(Fd fd, Fd& out, Endpoint* peer = nullptr);
  Errno connect(Nanos now, Fd fd, const Endpoint& remote);  // InProgress when started
  // `flags`: Linux's MSG_EOR and MSG_MORE as they shape segments (Connection::send).
  Errno send(Nanos now, Fd fd, std::span<const std::uint8_t> data, std::size_t& written,
             SendFlags flags = {});
  // send() of up to n bytes that fill(offset, span) writes in place in the send buffer
  // (Connection::send_with).
  template <class Fill>
  Errno send_with(Nanos now, Fd fd, std::size_t n, Fill&& fill, std::size_t& written) {
    written = 0;
    Connection* c = connection(fd);
    if (c == nullptr) return find_socket(fd) == nullptr ? Errno::BadFd : Errno::NotConnected;
    return c->send_with(now, n, fill, written);
  }
  Errno recv(Nanos now, Fd fd, std::span<std::uint8_t> buf, std::size_t& read);
  Errno shutdown(Nanos now, Fd fd, ShutdownHow how);
  Errno close(Nanos now, Fd fd);
  // The old order (time last) is refused at compile time: a call written for it would
  // otherwise convert the descriptor and the time into each other silently.
  Errno listen(Fd, int, Nanos) = delete;
  Errno connect(Fd, const Endpoint&, Nanos) = delete;
  Errno send(Fd, std::span<const std::uint8_t>, std::size_t&, Nanos) = delete;
  Errno recv(Fd, std::span<std::uint8_t>, std::size_t&, Nanos) = delete;
  Errno shutdown(Fd, ShutdownHow, Nanos) = delete;
  Errno close(Fd, Nanos) = delete;
  Errno setsockopt(Fd fd, SockOpt opt, int value);
  Errno getsockopt(Fd fd, SockOpt opt, int& value);
  // The connection behind a socket (nullptr for unconnected and listening sockets).
  Connection* connection(Fd fd);
  const Connection* connection(Fd fd) const;
  bool is_listening(Fd fd) const;
  // A listening socket: connections waiting for accept(), and the error accept() will
  // report first (FreeBSD's so_error after shutdown(SHUT_RD), soshutdown).
  struct Backlog {
    std::size_t queued = 0;
    Errno error = Errno::Ok;
    int limit = 0;  // listen()'s backlog
  };
  Backlog backlog(Fd fd) const;
  // Called (outside any stack call) when the socket may have become readable, writable,
  // acceptable or failed.
  void set_ready_callback(Fd fd, std::function<void(Fd)> cb);

  // How many readiness callbacks have run so far: what an application does in one may
  // have queued output, so a caller polling for output polls again only when this moved.
  std::uint64_t callbacks_run() const { return callbacks_run_; }

  // ---- network side ----
  void on_segment(Nanos now, const IpSegment& in);
  // The same, and the connection may take over the payload's buffer (see
  // Connection::on_segment); `in` may be left with an empty payload.
  void on_segment(Nanos now, IpSegment&& in);
  // An ICMP error from the network quoting a segment we sent (icmp_error.hpp): the
  // connection it names takes it (tcp_v4_err / tcp_ctlinput); none, it is dropped.
  void on_icmp_error(Nanos now, const IcmpError& e);
  void on_timer(Nanos now);
  void poll_transmit(Nanos now, std::vector<IpSegment>& out);
  Nanos next_deadline();

  // Every live connection, in a stable order (for status displays).
  std::vector<const Connection*> connections() const;
  // The connection with this 4-tuple (local end first), or nullptr.
  const Connection* find_connection(const Endpoint& local, const Endpoint& remote) const;
  std::uint64_t rst_sent_for_closed_ports() const { return closed_port_rsts_; }
  // Listen queue overflows: drops and SYN cookies (RFC 4987 §3.6).
  const ListenCounters& listen_counters() const { return listen_; }

 private:
  struct Socket {
    Fd fd = -1;
    bool bound = false;
    bool listening = false;
    bool connecting = false;  // connect() began an attempt no connect() has seen end
    // FreeBSD's soisdisconnected in FIN-WAIT-2: shut for writing again there, or reading
    // was shut before the FIN was acknowledged (tcp_do_segment, FIN-WAIT-1).
    bool disconnected = false;
    bool read_shut_early = false;
    Endpoint local;
    Connection* conn = nullptr;
    ConnEntry* entry = nullptr;  // conn's entry in the table
    int backlog = 0;
    std::deque<Connection*> accept_queue;  // established, not yet accepted
    std::vector<Connection*> embryonic;    // SYN-RECEIVED children
    Errno listen_error = Errno::Ok;        // FreeBSD's so_error of a listener
    Nanos last_cookie = kNever;            // when it last answered a SYN with a cookie
    bool reuse_addr = false;
    int linger = -1;
    // TCP_NODELAY, SO_KEEPALIVE, TCP_MAXSEG, SO_RCVBUF, SO_SNDBUF as set (0: not set),
    // by SockOpt; the connection gets them when it exists.
    std::array<std::uint32_t, kConnectionOptionCount> conn_opts{};
    std::function<void(Fd)> ready;
    std::uint8_t last_ready = 0;
  };

  Socket* find_socket(Fd fd);
  const Socket* find_socket(Fd fd) const;
  Socket* find_listener(const Endpoint& local);
  bool port_in_use(const Endpoint& local, bool reuse) const;
  std::uint16_t ephemeral_port(const wire::IpAddress& local);
  // iss: the RFC 6528 ISN unless given (a SYN cookie).
  Connection* create_connection(Nanos now, const Endpoint& local, const Endpoint& remote,
                                std::optional<std::uint32_t> iss = std::nullopt);
  void deliver(Nanos now, const IpSegment& in, std::vector<std::uint8_t>* payload_owner);
  // A segment for no connection, to listener l (RFC 9293 §3.10.7.2; RFC 4987 §3.6).
  void listen_input(Nanos now, const IpSegment& in, Socket& l,
                    std::vector<std::uint8_t>* payload_owner);
  // A connection took input: a listener's child that finished its handshake joins the
  // accept queue. Given the segment (`in`) that completed it, FreeBSD's listen queue
  // overflow answers it with a reset and the entry goes: true, and `e` is no more.
  bool after_input(ConnEntry& e, Nanos now = 0, const IpSegment* in = nullptr);
  // The socket s now holds local (bound), counted in socket_ports_.
  void bind_socket(Socket& s, const Endpoint& local);
  void sweep();
  void notify();
  std::uint8_t readiness(const Socket& s) const;

  TcpConfig cfg_;
  std::uint64_t secret_;
  std::vector<wire::IpAddress> addresses_;
  std::map<Fd, Socket> sockets_;
  ConnectionTable conns_;
  std::vector<Fd> listeners_;                                      // listening sockets
  std::unordered_map<std::uint16_t, std::uint32_t> socket_ports_;  // bound sockets per port
  std::vector<Fd> marked_;                                         // see mark()
  std::vector<IpSegment> pending_;  // host-level answers (RSTs for closed ports)
  Fd next_fd_ = 3;
  std::uint16_t next_port_ = 40000;
  ConnectionObserver* conn_observer_ = nullptr;
  StackObserver* stack_observer_ = nullptr;
  std::uint64_t closed_port_rsts_ = 0;
  ListenCounters listen_;
  bool notifying_ = false;
  std::uint64_t callbacks_run_ = 0;
  std::vector<Fd> due_;          // notify(): sockets whose readiness changed (kept to reuse)
  std::vector<Segment> polled_;  // poll_transmit(): one connection's output (kept to reuse)
  // The entries each duty took (kept to reuse; separate, as a duty may run inside another).
  std::vector<ConnEntry*> polling_, notifying_work_, sweeping_, firing_;
  PayloadPool own_pool_;
  PayloadPool* pool_ = &own_pool_;
  // The last socket find_socket() found: most calls ask for the same one again. Map nodes
  // do not move, so the pointer stays good until that socket is erased.
  mutable Fd found_fd_ = -1;
  mutable std::map<Fd, Socket>::iterator found_;
};

}  // namespace tcpsim::tcp
