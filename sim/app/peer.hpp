// A configurable application on a simulated host: a client that connects, or a server
// that listens and serves every connection it accepts. It can send a deterministic byte
// stream, echo, read (or refuse to read, to close a window), half-close, close, abort —
// enough to act out handshakes, teardowns, resets, stalls and bulk transfers. Every byte
// stream is hashed (SHA-256) on both ends so a run can check integrity.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/app/byte_stream.hpp"
#include "sim/core/event_queue.hpp"
#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::sim {

class Host;
class StreamLedger;

struct PeerConfig {
  enum class Role : std::uint8_t { Client, Server };
  enum class Close : std::uint8_t { AfterSend, AfterPeerClose, Never };

  std::string name;  // label in reports ("client")
  Role role = Role::Client;
  tcp::Endpoint remote;           // client: where to connect
  std::uint16_t port = 0;         // server: listening port; client: local port (0 = ephemeral)
  Nanos start = 0;                // when to connect / listen
  std::uint64_t send_bytes = 0;   // bytes to send on each connection
  std::optional<Nanos> send_at;   // start sending only at this time
  std::uint64_t reply_after = 0;  // request/response: send only once this many bytes arrived
  bool echo = false;              // send back every byte received
  Close close = Close::AfterSend;
  std::optional<Nanos> close_at;     // close at this time instead
  bool shutdown_after_send = false;  // SHUT_WR once everything is written (half-close)
  std::optional<Nanos> abort_at;     // abort (RST) at this time
  bool read = true;                  // false: never read (the window closes)
  std::optional<Nanos> read_from;    // start reading only at this time
  std::uint32_t rcvbuf = 0, sndbuf = 0, maxseg = 0;
  bool nodelay = false;
  int linger = -1;  // SO_LINGER seconds; 0 = close sends RST
  int backlog = 16;
};

// What one connection of the application did.
struct PeerConnectionReport {
  std::string app;
  std::string local, remote;  // "10.0.0.1:40000"
  std::uint64_t bytes_sent = 0, bytes_received = 0;
  std::string sent_sha256, received_sha256;
  Nanos opened = 0, finished = -1;  // finished: last byte received, or close/reset
  tcp::Errno error = tcp::Errno::Ok;
  std::uint64_t retransmissions = 0;
  bool peer_closed = false;
};

class Peer final : private EventHandler {
 public:
  Peer(Host& host, PeerConfig config, std::uint64_t stream_key);
  ~Peer();
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  // Schedules the start (and the timed actions) on the host's simulator.
  void install();
  // Shares the run's ledger (see stream_ledger.hpp): this application announces the stream
  // each of its connections sends and checks what it receives against the stream announced
  // for it. Set before install(); the ledger must outlive the application's reports().
  void set_ledger(StreamLedger* ledger) { ledger_ = ledger; }

  const PeerConfig& config() const { return cfg_; }
  Host& host() const { return *host_; }
  std::vector<PeerConnectionReport> reports() const;
  std::uint64_t bytes_received() const;
  std::uint64_t bytes_sent() const;
  // The first connection's socket (-1 until one exists): for status displays.
  tcp::Fd first_socket() const { return conns_.empty() ? -1 : conns_.front()->fd; }

 private:
  struct Conn {
    tcp::Fd fd = -1;
    PeerConnectionReport report;
    std::uint64_t key = 0;
    Sha256 sent_hash, recv_hash;
    std::vector<std::uint8_t> echo_pending;
    // The stream is announced in the ledger and its digest is the ledger's (sent_hash
    // stays empty); the receiving side was looked up in the ledger.
    bool sent_in_ledger = false;
    bool looked_up = false;
    bool open = true;  // socket not yet closed by us
    bool send_done = false;
    bool shut_wr = false;
  };
  enum Tag : std::uint64_t { kStart = 1, kClose = 2, kAbort = 3, kRead = 4, kSend = 5 };

  void on_event(Nanos now, std::uint64_t tag) override;
  void start();
  void on_listener_ready(tcp::Fd fd);
  Conn& adopt(tcp::Fd fd);
  void pump(Conn& c);
  void write_more(Conn& c);
  void read_all(Conn& c);
  void close_conn(Conn& c);
  void record_end(Conn& c);
  void apply_options(tcp::Fd fd);

  Host* host_;
  PeerConfig cfg_;
  std::uint64_t stream_key_;
  tcp::Fd listener_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<std::uint8_t> buf_;
  bool reading_enabled_ = true;
  StreamLedger* ledger_ = nullptr;
};

}  // namespace tcpsim::sim
