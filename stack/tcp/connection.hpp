// One TCP connection: the transmission control block and the RFC 9293 state machine.
//
// Sans-I/O (DESIGN principle 1): the connection is fed user calls, arriving segments and
// timer expiries, each with the current time; it queues segments to send (collected with
// poll_transmit), reports events to an observer, and tells when it next needs the clock
// (next_deadline). It never reads a clock and never touches a socket.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/tcp/byte_ring.hpp"
#include "stack/tcp/chunk_queue.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/congestion/congestion_control.hpp"
#include "stack/tcp/errors.hpp"
#include "stack/tcp/payload_pool.hpp"
#include "stack/tcp/reassembly.hpp"
#include "stack/tcp/rtt_estimator.hpp"
#include "stack/tcp/sack_scoreboard.hpp"
#include "stack/tcp/segment.hpp"
#include "stack/tcp/seq_num.hpp"
#include "stack/tcp/state.hpp"

namespace tcpsim::tcp {

struct Endpoint {
  wire::IpAddress addr;
  std::uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
  auto operator<=>(const Endpoint&) const = default;
  std::string to_string() const;  // "10.0.0.1:80", "[fd00::1]:80"
};

enum class TimerKind : std::uint8_t {
  Retransmission,
  Persist,
  DelayedAck,
  TimeWait,
  Keepalive,
};
constexpr int kTimerCount = 5;
std::string_view to_string(TimerKind k);

enum class TimerAction : std::uint8_t { Set, Cancelled, Fired };
std::string_view to_string(TimerAction a);

class Connection;

// Receives what a connection does; every method has an empty default.
class ConnectionObserver {
 public:
  virtual ~ConnectionObserver() = default;
  // `rule` cites the RFC text that caused the transition.
  virtual void on_state(const Connection&, Nanos, State /*from*/, State /*to*/,
                        std::string_view /*rule*/) {}
  virtual void on_timer(const Connection&, Nanos, TimerKind, TimerAction, Nanos /*deadline*/) {}
  // in_flight: SND.MAX - SND.UNA (FlightSize); pipe: the RFC 6675 estimate of what is
  // still in the network (equal to in_flight outside SACK recovery).
  virtual void on_cwnd(const Connection&, Nanos, std::uint32_t /*cwnd*/, std::uint32_t /*ssthresh*/,
                       std::uint32_t /*in_flight*/, std::uint32_t /*pipe*/) {}
  virtual void on_rtt(const Connection&, Nanos, Nanos /*sample*/, Nanos /*srtt*/, Nanos /*rttvar*/,
                      Nanos /*rto*/) {}
  virtual void on_drop(const Connection&, Nanos, const Segment&, DropReason) {}
  virtual void on_retransmit(const Connection&, Nanos, std::uint32_t /*seq*/, std::uint32_t /*len*/,
                             std::string_view /*why*/) {}
};

// What a status call (RFC 9293 §3.10.6) or getsockopt(TCP_INFO) shows.
struct TcbInfo {
  State state = State::Closed;
  std::uint32_t iss = 0, irs = 0;
  std::uint32_t snd_una = 0, snd_nxt = 0, snd_wnd = 0, rcv_nxt = 0, rcv_wnd = 0;
  std::uint32_t snd_mss = 0;
  std::uint8_t snd_wscale = 0, rcv_wscale = 0;
  bool sack_ok = false, ts_ok = false;
  std::uint32_t cwnd = 0, ssthresh = 0, in_flight = 0;
  Nanos srtt = 0, rttvar = 0, rto = 0;
  std::size_t send_queued = 0, recv_queued = 0;
  std::uint64_t bytes_sent = 0, bytes_received = 0, retransmissions = 0;
  std::uint64_t segments_sent = 0, segments_received = 0;
};

class Connection {
 public:
  // Bytes the receive buffer holds beyond its nominal size, because a scaled window is
  // rounded up to a multiple of 2^shift (shift <= 14).
  static constexpr std::uint32_t kWindowSlack = 1u << 14;

  // iss: the initial send sequence number (RFC 6528, chosen by the host's TCP layer).
  Connection(const TcpConfig& config, Endpoint local, Endpoint remote, std::uint32_t iss,
             std::uint32_t ts_offset);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void set_observer(ConnectionObserver* o) { observer_ = o; }
  // Where data segments get their payload buffers (nullptr: fresh ones).
  void set_payload_pool(PayloadPool* p) {
    pool_ = p;
    recv_buf_.set_pool(p);
  }
  // Free-form label used by observers ("client", "server#1").
  void set_label(std::string label) { label_ = std::move(label); }
  const std::string& label() const { return label_; }

  // ---- user calls (RFC 9293 §3.10) ----
  // OPEN, active (§3.10.1): sends SYN, enters SYN-SENT.
  void open_active(Nanos now);
  // A SYN reached a listener (§3.10.7.2): this new TCB enters SYN-RECEIVED and answers.
  void open_from_listen(Nanos now, const Segment& syn);
  // SEND (§3.10.2): copies what fits in the send buffer; returns the count or an error.
  Errno send(Nanos now, std::span<const std::uint8_t> data, std::size_t& written);
  // SEND of up to n bytes that fill(offset, span) writes straight into the send buffer
  // (see ByteRing::write_with): for applications that generate their data rather than
  // copy it from a buffer. Same results as send().
  template <class Fill>
  Errno send_with(Nanos now, std::size_t n, Fill&& fill, std::size_t& written) {
    written = 0;
    if (Errno e = send_allowed(); e != Errno::Ok) return e;
    written = snd_buf_.write_with(n, fill);
    if (written == 0 && n > 0) return Errno::Again;
    last_activity_ = now;
    return Errno::Ok;
  }
  // RECEIVE (§3.10.3): copies in-order bytes; 0 bytes with Ok means end of stream.
  Errno recv(Nanos now, std::span<std::uint8_t> buf, std::size_t& read);
  // CLOSE (§3.10.4): no more data from us; a FIN follows queued data.
  Errno close(Nanos now);
  // ABORT (§3.10.5): RST to the peer when synchronized; the TCB is gone.
  void abort(Nanos now);
  // shutdown(SHUT_RD): further data is discarded and reads return end of stream.
  void shutdown_read();

  // ---- inputs ----
  // `payload_owner`, when given, is the vector seg.payload lives in: the connection may
  // take it over (instead of copying the bytes) when the whole payload is delivered in
  // order. It is then left empty.
  void on_segment(Nanos now, const Segment& seg,
                  std::vector<std::uint8_t>* payload_owner = nullptr);
  // Fires every timer whose deadline is <= now.
  void on_timer(Nanos now);
  // Appends the segments ready to go to `out` (control first, then data as the windows
  // allow).
  void poll_transmit(Nanos now, std::vector<Segment>& out);
  // The earliest timer deadline, or kNever.
  Nanos next_deadline() const;

  // ---- status ----
  State state() const { return state_; }
  TcbInfo info() const;
  const Endpoint& local() const { return local_; }
  const Endpoint& remote() const { return remote_; }
  // "10.0.0.1:40000>10.0.0.2:80"
  std::string id() const;
  Errno error() const { return error_; }
  Errno take_error();
  bool passive() const { return passive_; }
  // RFC 9293 §3.10.7: a connection in CLOSED is finished and can be deleted.
  bool finished() const { return state_ == State::Closed; }
  // Control segments (an ACK, a RST) still waiting for poll_transmit.
  bool has_pending_output() const { return !control_out_.empty(); }
  bool readable() const;  // data, end of stream or an error
  bool writable() const;  // send buffer space in a state that accepts SEND
  bool remote_closed() const { return fin_received_; }
  std::size_t recv_queued() const { return recv_buf_.size(); }
  std::size_t send_queued() const { return snd_buf_.size(); }
  std::size_t send_space() const { return snd_buf_.free_space(); }
  const TcpConfig& config() const { return cfg_; }
  // Socket options that can change after creation.
  void set_nodelay(bool on) { cfg_.nagle = !on; }
  void set_send_buffer(std::uint32_t n) {
    cfg_.send_buffer = n;
    snd_buf_.set_capacity(n);
  }
  void set_recv_buffer(std::uint32_t n);
  void set_mss_clamp(std::uint32_t mss) { user_mss_ = mss; }
  void set_keepalive(bool on) { cfg_.keepalive = on; }

 private:
  // Ok when SEND may queue data in this state, else the error it returns.
  Errno send_allowed();

  // ---- state ----
  void set_state(Nanos now, State next, std::string_view rule);
  void enter_closed(Nanos now, std::string_view rule, Errno err);
  void enter_time_wait(Nanos now, std::string_view rule);

  // ---- segment arrives, RFC 9293 §3.10.7 (connection_input.cpp) ----
  void on_segment_in(Nanos now, const Segment& seg);
  void segment_syn_sent(Nanos now, const Segment& seg);
  void segment_synchronized(Nanos now, const Segment& seg);
  bool check_sequence(Nanos now, const Segment& seg);
  bool check_rst(Nanos now, const Segment& seg);
  bool check_syn(Nanos now, const Segment& seg);
  bool check_ack(Nanos now, const Segment& seg);
  void process_text(Nanos now, const Segment& seg);
  void process_fin(Nanos now, const Segment& seg);
  void process_ack_of_data(Nanos now, const Segment& seg);
  void update_send_window(const Segment& seg);
  void take_syn_options(const Segment& seg);
  void complete_handshake(Nanos now, const Segment& seg);
  // First sequence number of buffered data: SND.UNA, or one past an unacknowledged SYN.
  SeqNum data_start() const { return syn_acked_ ? snd_una_ : snd_una_ + 1; }
  void update_ts_recent(const Segment& seg);
  void deliver_in_order(Nanos now);
  void drop(Nanos now, const Segment& seg, DropReason why);
  void send_challenge_ack(Nanos now, const Segment& seg, DropReason why);

  // ---- output (connection_output.cpp) ----
  Segment make_segment(Nanos now, SeqNum seq, std::uint8_t flags) const;
  void add_options(Nanos now, Segment& seg, bool syn) const;
  void queue_control(Nanos now, std::uint8_t flags, SeqNum seq);
  void queue_syn(Nanos now);
  void queue_ack(Nanos now);
  void finish_acking_segment(Nanos now, Segment& s);
  void queue_rst(Nanos now, SeqNum seq);
  bool send_data_segment(Nanos now, std::vector<Segment>& out, bool probe);
  bool send_sack_recovery(Nanos now, std::vector<Segment>& out);
  void emit_data(Nanos now, std::vector<Segment>& out, SeqNum seq, std::uint32_t len, bool fin,
                 bool advance, std::string_view why);
  std::uint32_t pipe() const;
  std::uint32_t advertised_window();
  std::uint32_t receive_window_space() const;
  std::uint32_t in_flight() const;
  std::uint32_t send_mss() const;
  bool fin_pending() const;

  // ---- timers (connection_timers.cpp) ----
  void arm(Nanos now, TimerKind k, Nanos deadline);
  void disarm(Nanos now, TimerKind k);
  bool armed(TimerKind k) const { return timers_[static_cast<int>(k)] != kNever; }
  void restart_retransmission_timer(Nanos now);
  void on_retransmission_timeout(Nanos now);
  void start_persist(Nanos now);
  void on_persist_timeout(Nanos now);
  void on_keepalive_timeout(Nanos now);
  void cancel_all_timers(Nanos now);
  void report_cwnd(Nanos now);

  TcpConfig cfg_;
  Endpoint local_;
  Endpoint remote_;
  std::string label_;
  ConnectionObserver* observer_ = nullptr;
  PayloadPool* pool_ = nullptr;
  std::vector<std::uint8_t>* payload_owner_ = nullptr;  // during on_segment() only

  State state_ = State::Closed;
  bool passive_ = false;
  Errno error_ = Errno::Ok;

  // Send sequence variables (RFC 9293 §3.3.1). snd_max_ is the highest SND.NXT reached:
  // after a timeout SND.NXT goes back to SND.UNA (go-back-N) while ACKs up to snd_max_
  // stay acceptable.
  SeqNum iss_;
  SeqNum snd_una_;
  SeqNum snd_nxt_;
  SeqNum snd_max_;
  SeqNum snd_sml_;             // end of the last small segment sent (Nagle, Minshall's variant)
  std::uint32_t snd_wnd_ = 0;  // already scaled
  SeqNum snd_wl1_;
  SeqNum snd_wl2_;
  std::uint32_t max_snd_wnd_ = 0;
  bool syn_acked_ = false;

  // Receive sequence variables.
  SeqNum irs_;
  SeqNum rcv_nxt_;
  SeqNum rcv_adv_;  // right edge of the window we last advertised (RCV.NXT + RCV.WND)
  std::uint32_t rcv_wnd_ = 0;

  // Negotiated options.
  std::uint32_t peer_mss_ = 536;  // RFC 9293 §3.7.1 default
  std::uint32_t user_mss_ = 0;    // TCP_MAXSEG
  std::uint8_t snd_wscale_ = 0;   // Snd.Wind.Shift: applied to windows the peer sends
  std::uint8_t rcv_wscale_ = 0;   // Rcv.Wind.Shift: applied to windows we send
  bool wscale_ok_ = false;
  bool sack_ok_ = false;
  bool ts_ok_ = false;
  std::uint32_t ts_offset_;
  std::uint32_t ts_recent_ = 0;
  SeqNum last_ack_sent_;

  ByteRing snd_buf_;  // [SND.UNA, SND.UNA + size); the SYN and FIN are not in it
  ChunkQueue recv_buf_;
  ReassemblyQueue reasm_;
  bool fin_queued_ = false;  // CLOSE called: a FIN goes after the queued data
  bool fin_sent_ = false;
  SeqNum fin_seq_;              // sequence number of our FIN
  bool fin_received_ = false;   // the peer's FIN has been processed (at RCV.NXT)
  bool peer_fin_seen_ = false;  // a FIN arrived, perhaps ahead of missing data
  SeqNum peer_fin_seq_;
  bool read_shutdown_ = false;

  // Timers: deadline per kind, kNever when idle.
  std::array<Nanos, kTimerCount> timers_;
  RttEstimator rtt_;
  int retries_ = 0;
  Nanos unacked_since_ = 0;  // when the oldest unacknowledged data was first sent
  Nanos persist_backoff_ = 0;
  bool force_runt_ = false;  // the SWS override timer fired: send a small segment
  int keepalive_sent_ = 0;
  Nanos last_activity_ = 0;
  bool rtt_timing_ = false;  // Karn: one timed segment when timestamps are off
  SeqNum rtt_seq_;
  Nanos rtt_start_ = 0;

  // ACK generation.
  bool ack_now_ = false;
  std::uint32_t unacked_segments_ = 0;  // data segments received since the last ACK

  // Loss recovery.
  std::unique_ptr<CongestionControl> cc_;
  std::uint32_t dupacks_ = 0;
  bool in_recovery_ = false;
  SeqNum recover_;
  bool recover_valid_ = false;    // RFC 6582 §3.2 (1): no new recovery below `recover`
  bool retransmit_next_ = false;  // fast retransmit of SND.UNA due
  SackScoreboard sack_board_;
  SeqNum rexmit_high_;  // RFC 6675 HighRxt: holes below it were resent in this recovery
  // pipe() during SACK recovery: the holes deemed lost depend only on the scoreboard,
  // SND.UNA and the MSS, so they are kept (with the bytes from each one up) until one of
  // those changes; each call then costs a binary search for HighRxt.
  struct LostHoles {
    std::uint64_t version = ~std::uint64_t{0};
    SeqNum snd_una;
    std::uint32_t mss = 0;
    std::vector<SackScoreboard::Range> holes;  // ascending
    std::vector<std::uint32_t> bytes_from;     // bytes in holes[i..]
  };
  mutable LostHoles lost_holes_;
  const LostHoles& lost_holes() const;

  // RFC 5961 §7 challenge ACK limit.
  Nanos challenge_window_start_ = 0;
  std::uint32_t challenges_in_window_ = 0;

  std::vector<Segment> control_out_;  // queued control segments (ACK, RST, SYN)

  std::uint64_t bytes_sent_ = 0, bytes_received_ = 0, retransmissions_ = 0;
  std::uint64_t segments_sent_ = 0, segments_received_ = 0;
};

}  // namespace tcpsim::tcp
