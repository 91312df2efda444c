// The script runner's internals, shared by runner.cpp (events and time), packets.cpp
// (inject and expect) and syscalls.cpp (the sockets API). Not installed API: use runner.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/capture/capture_writer.hpp"
#include "sim/script/runner.hpp"
#include "sim/script/settings.hpp"
#include "stack/tcp/tcp_stack.hpp"

namespace tcpsim::sim::script::detail {

// Linux's values of the flags and requests the data-path calls take (syscalls_io.cpp).
constexpr std::int64_t kMsgPeek = 0x2, kMsgDontWait = 0x40, kMsgEor = 0x80, kMsgWaitAll = 0x100,
                       kMsgNoSignal = 0x4000, kMsgMore = 0x8000, kMsgZeroCopy = 0x4000000,
                       kMsgFastOpen = 0x20000000;
constexpr std::int64_t kPollIn = 0x1, kPollOut = 0x4, kPollErr = 0x8, kPollHup = 0x10,
                       kPollNval = 0x20, kPollRdHup = 0x2000, kPollRdNorm = 0x40,
                       kPollRdBand = 0x80, kPollWrNorm = 0x100, kPollWrBand = 0x200;
constexpr std::int64_t kFionread = 0x541B, kSiocOutq = 0x5411, kSiocOutqNsd = 0x894B;
constexpr std::int64_t kMsgCtrunc = 0x8, kMsgTrunc = 0x20, kMsgErrQueue = 0x2000;
constexpr std::int64_t kSolTcpLevel = 6, kTcpCmInq = 36;  // SOL_TCP, TCP_CM_INQ
// FreeBSD's so_snd.sb_lowat: MCLBYTES (uipc_sockbuf.c soreserve), at most the buffer.
inline std::size_t freebsd_send_lowat(const tcp::Connection& c) {
  return std::min<std::size_t>(2048, c.config().send_buffer);
}
// The error queue's control messages: SOL_SOCKET's SCM_TIMESTAMPING, SOL_IP's IP_RECVERR,
// SOL_IPV6's IPV6_RECVERR, and the fields of the sock_extended_err the last two carry.
constexpr std::int64_t kSolSocketLevel = 1, kScmTimestamping = 37;
constexpr std::int64_t kSolIpLevel = 0, kIpRecvErr = 11, kSolIpv6Level = 41, kIpv6RecvErr = 25;
inline constexpr std::array<std::string_view, 6> kExtendedErrFields = {
    "ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data"};

// The Ethernet addresses of the capture: the stack's side and the script's.
inline const wire::MacAddress kStackMacAddress{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
inline const wire::MacAddress kScriptMacAddress{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};

// An ICMP line's type and code for the address family (icmp.cpp); nullopt when they are
// known and the mtu is given exactly where one belongs, else why not.
std::optional<std::string> resolve_icmp(const IcmpSpec& s, bool v6, std::uint8_t& type,
                                        std::uint8_t& code);

// What a read- or write-like call moves: the bytes (its count, or the sum of its iovecs)
// and its MSG_ flags.
struct IoRequest {
  std::size_t bytes = 0;
  std::int64_t flags = 0;
  bool null_buffer = false;  // read(fd, NULL, n) and the like: EFAULT once data would move
};
Result<IoRequest, std::string> io_request(const SyscallSpec& s);
// recvmsg's ancillary data as the script writes it: the control messages it expects back
// in msg_control (each an int, so each takes CMSG_SPACE(4) of the buffer) and the
// msg_flags it expects after the call. sendmsg takes none.
struct CmsgSpec {
  // TCP_CM_INQ's count; SCM_TIMESTAMPING's software time (ts[0]); IP_RECVERR's (or
  // IPV6_RECVERR's) sock_extended_err.
  enum class Kind : std::uint8_t { Inq, Timestamping, RecvErr };
  Kind kind = Kind::Inq;
  std::int64_t level = 0, type = 0, data = 0;  // level or type -1: by the IP version
  Nanos ts = 0;                                // Timestamping: 0 is not checked
  // RecvErr: ee_errno, ee_origin, ee_type, ee_code, ee_info, ee_data.
  std::array<std::int64_t, 6> ee{};
};
struct ControlRequest {
  bool given = false;  // msg_control written
  std::vector<CmsgSpec> items;
  std::int64_t msg_flags = 0;
};
Result<ControlRequest, std::string> control_request(const SyscallSpec& s);
bool is_receive_call(std::string_view name);
// nullopt when `flags` suit the call under the profile; else why not (`unsupported` set
// for features tcpsim does not model at all).
std::optional<std::string> check_io_flags(std::string_view call, std::int64_t flags,
                                          std::string_view profile, bool& unsupported);
// A segment's options in the script's form (packets.cpp).
std::vector<OptionSpec> options_of(const wire::TcpOptions& o);
// A number, a known constant (Linux's values), a|b or [n].
std::optional<std::int64_t> eval_int(const Expr& e);

// Options the runner keeps itself, for the readiness it computes (poll, blocking reads)
// and what it reports (TCP_INQ, SO_TIMESTAMPING).
enum class LocalOpt : std::uint8_t { None, RcvLowat, NotsentLowat, Inq, Timestamping };

// Linux's transmit timestamps of one socket (SO_TIMESTAMPING; timestamping.cpp).
struct TxStamps {
  std::int64_t flags = 0;      // SOF_TIMESTAMPING_* as set
  std::uint32_t key_base = 0;  // sk_tskey: where OPT_ID's ee_data counts from
  // A write's last byte, as its buffer carries it (shinfo->tskey, tx_flags, txstamp_ack).
  struct Request {
    std::uint32_t seq = 0;   // live sequence number
    std::int64_t flags = 0;  // the socket's flags at the write (sock_tx_timestamp)
    bool sent = false;
    std::size_t len = 0;  // payload of the segment that last carried it
  };
  std::deque<Request> requests;  // not yet acknowledged
  // One entry of the socket's error queue.
  struct Report {
    Nanos when = 0;
    int info = 0;  // SCM_TSTAMP_SND, SCM_TSTAMP_SCHED, SCM_TSTAMP_ACK
    std::uint32_t key = 0;
    std::size_t len = 0;  // the bytes of the packet copy it holds without OPT_TSONLY
  };
  std::deque<Report> queue;
};
struct SockOptInfo {
  std::string_view name;
  int level;  // SOL_SOCKET 1, SOL_TCP 6, SOL_IP 0, SOL_IPV6 41
  tcp::SockOpt opt;
  LocalOpt local = LocalOpt::None;
  std::string_view only;     // "linux" or "freebsd" when one kernel alone has it
  std::string_view instead;  // what the other kernel has, for the message
};
const SockOptInfo* find_sockopt(std::string_view name);
std::string level_name(int level);
// nullopt when the option exists under the profile; else why not.
// TCP_CONGESTION's value and length as packetdrill writes them, and not naming a kernel's
// module tcpsim does not model: else why the script cannot run.
std::optional<std::string> check_congestion_args(const SyscallSpec& s);
// open() and sendfile() written as packetdrill has them: else what is wrong.
std::optional<std::string> check_file_call_args(const SyscallSpec& s);
std::optional<std::string> check_sockopt_name(std::string_view name, std::string_view profile,
                                              bool& unsupported);

// Why the run stops early.
struct Stop {
  ScriptOutcome outcome = ScriptOutcome::Failed;
  int line = 0;
  std::string message;  // without the "file:line: " prefix
  std::string detail;
};
using Step = std::optional<Stop>;

// The connection the script is talking to ("the socket under test" in packetdrill), with
// the maps between the script's sequence numbers and timestamps and the live ones.
struct Flow {
  enum class Kind : std::uint8_t { None, Listening, Active, Passive };
  Kind kind = Kind::None;
  tcp::Fd listener = -1;  // Listening: the socket
  tcp::Endpoint local;    // the stack's side
  tcp::Endpoint remote;   // the script's side
  // Our ISN: the script writes our sequence numbers relative to the ISN it gave in the
  // first SYN or SYN,ACK it expected; the live one is learned from the packet matched.
  bool isn_known = false;
  std::uint32_t script_isn = 0;
  std::uint32_t live_isn = 0;
  // Outbound TS val: script value -> live value, and the first pair seen (for scaling).
  std::map<std::uint32_t, std::uint32_t> ts_val_map;
  bool first_ts_seen = false;
  std::uint32_t first_script_ts = 0;
  std::uint32_t first_live_ts = 0;

  std::uint32_t local_offset() const { return isn_known ? live_isn - script_isn : 0; }
};

// A segment the stack sent, in the script's terms: our sequence numbers less
// `isn_offset`, and TS values mapped as `ts` maps them (none when null) (packets.cpp).
PacketSpec script_packet(const tcp::IpSegment& s, std::uint32_t isn_offset, const Flow* ts);
// " (src:port > dst:port)", for a segment not of the connection under test.
std::string four_tuple_text(const tcp::IpSegment& s);

struct Sent {
  Nanos time = 0;
  tcp::IpSegment seg;
};

// A blocking call waiting for the stack (packetdrill runs it on a thread; here it is
// retried after every change of the stack until it completes).
struct Pending {
  const Event* event = nullptr;
  const SyscallSpec* call = nullptr;
  Nanos end = 0;  // when it must return, if the script says (start...end)
  Nanos tolerance = 0;
  bool check_end = false;
  tcp::Fd fd = -1;
  std::size_t want = 0;  // write: bytes in total; read: buffer size
  std::size_t done = 0;  // write: bytes written so far; read with MSG_WAITALL: read so far
  bool peek = false;     // MSG_PEEK: returns what is queued without taking it
  bool waitall = false;  // MSG_WAITALL: returns only with `want` bytes (or at the end)
  bool fault = false;    // a NULL buffer: EFAULT instead of the data (it stays queued)
  tcp::SendFlags send_flags = {};  // a write's MSG_EOR and MSG_MORE (linux)
  Nanos deadline = kNever;         // poll(): when its timeout returns 0
  std::size_t lowat = 0;           // a blocking read waits for this many bytes (SO_RCVLOWAT)
  const tcp::Connection* closing = nullptr;  // close() with SO_LINGER: waits on this one
};

// What a system call returned: a value, or -1 and an errno; or nothing yet (it blocks).
struct CallReturn {
  std::int64_t value = 0;
  tcp::Errno err = tcp::Errno::Ok;
  bool blocked = false;
  std::string what;  // for getsockopt: a value mismatch found while running
};

// One system call being run: the script's line, the socket it names and whether that
// blocks, and what the call returned.
struct SyscallCall {
  const Event& event;
  const SyscallSpec& spec;
  Nanos end = 0;
  Nanos tolerance = 0;
  tcp::Fd fd = -1;
  bool blocking = false;
  CallReturn r;
};

class Runner {
 public:
  Runner(const Script& script, const ScriptOptions& options);
  ScriptResult run();

  // ---- shared by the files ----
  Step fail_at(int line, std::string message, std::string detail = {}) const;
  Step invalid_at(int line, std::string message) const;
  void log(const std::string& line) const;
  std::string secs(Nanos t) const;  // "0.100000"
  tcp::TcpStack& stack();
  void flush();         // collect what the stack sends now
  void after_change();  // flush, then retry a blocked call
  Step settle();        // report a blocked call that has completed (if it failed)
  Step advance_to(Nanos t);
  Step advance_while_pending(int line);

  // packets.cpp
  Step inject(const Event& e, const PacketSpec& p);
  Step expect(const Event& e, const PacketSpec& p, Nanos lo, Nanos hi, Nanos tolerance, bool any);
  // The next segment of the connection under test, sent by `latest` (none: `got` empty).
  Step next_sent(Nanos latest, std::optional<Sent>& got);
  // Joins the segments after `got` into it until they carry `want` bytes
  // (RunSettings::strict_segments).
  Step aggregate(const Event& e, std::uint32_t want, Nanos latest, Sent& got,
                 const std::string& script_line);
  void capture(Nanos t, const tcp::IpSegment& s);
  // icmp.cpp: '< icmp ...', an ICMP error about the connection under test.
  Step inject_icmp(const Event& e, const PacketSpec& p);
  std::string describe_live(const tcp::IpSegment& s) const;
  Step check_ip_fields(const Event& e, const IpFieldsSpec& want, const tcp::IpSegment& s,
                       const std::string& detail) const;

  // syscalls.cpp
  Step validate_syscall(const Event& e, const SyscallSpec& s) const;
  Step run_syscall(const Event& e, const SyscallSpec& s, Nanos end, Nanos tolerance);
  // One per system call: each sets c.r, or returns the Stop for a call it cannot run.
  Step sys_socket(SyscallCall& c);
  Step sys_bind(SyscallCall& c);
  Step sys_listen(SyscallCall& c);
  Step sys_accept(SyscallCall& c);
  Step sys_connect(SyscallCall& c);
  Step sys_read(SyscallCall& c);
  Step sys_write(SyscallCall& c);
  // Writes `bytes` bytes (zeros) to the socket, waiting when it blocks: write's core.
  Step send_bytes(SyscallCall& c, std::size_t bytes, tcp::SendFlags flags, bool blocking);
  // files.cpp: open(), sendfile() and close() of a file.
  Step sys_open(SyscallCall& c);
  Step sys_sendfile(SyscallCall& c);
  bool close_file(SyscallCall& c);              // true when the fd was a file (closed)
  tcp::Errno send_errno(tcp::Errno err) const;  // the stack's send() error as the kernel says it
  // A write while the connection is being set up: Linux waits (EAGAIN without blocking),
  // FreeBSD says ENOTCONN; none under the rfc profile (RFC 9293 queues the data).
  std::optional<tcp::Errno> connecting_send_error(tcp::Fd fd);
  // FreeBSD: `bytes` do not fit and less than the send low-water mark is free.
  bool below_send_lowat(tcp::Fd fd, std::size_t bytes);
  // TCP_MAXSEG's value as the profile's kernel takes it.
  bool maxseg_ok(tcp::Fd fd, int value);
  // close() with SO_LINGER waits while our FIN is unacknowledged (FIN-WAIT-1, CLOSING, LAST-ACK).
  bool closing_wait(const tcp::Connection* conn) const;
  Step sys_shutdown(SyscallCall& c);
  Step sys_close(SyscallCall& c);
  Step sys_fcntl(SyscallCall& c);
  Step sys_sockopt(SyscallCall& c);  // setsockopt and getsockopt
  Step get_sockopt(SyscallCall& c, std::string_view name, tcp::SockOpt opt);
  // syscalls_io.cpp
  Step sys_poll(SyscallCall& c);
  Step sys_ioctl(SyscallCall& c);
  Step get_tcp_info(SyscallCall& c);
  std::int64_t poll_events(tcp::Fd fd);          // POLLIN|POLLOUT|... of a socket now
  std::int64_t freebsd_poll_events(tcp::Fd fd);  // FreeBSD's sopoll_generic
  std::string poll_names(std::int64_t bits) const;
  // timestamping.cpp: SO_TIMESTAMPING's transmit timestamps and the error queue.
  Step set_timestamping(SyscallCall& c, int value);
  void stamp_write(tcp::Fd fd);                  // a write queued data on fd
  void stamp_acks();                             // SND.UNA moved past requests
  void stamp_transmit(const tcp::IpSegment& s);  // a segment left
  Step read_error_queue(SyscallCall& c, const IoRequest& io);
  std::string stamp_mismatch(const SyscallSpec& s, tcp::Fd fd, const TxStamps::Report& r,
                             std::int64_t msg_flags, Nanos tolerance);
  // sockopts.cpp
  Step set_local_option(SyscallCall& c, const SockOptInfo& info, int value);
  Step congestion_option(SyscallCall& c);  // TCP_CONGESTION: a name, set and compared as text
  std::int64_t local_option(tcp::Fd fd, LocalOpt which) const;
  // SO_RCVLOWAT as the kernel stores it (Linux tcp_set_rcvlowat's cap, FreeBSD's).
  std::int64_t rcvlowat_cap(tcp::Fd fd, int value);
  // An accepted socket starts with its listener's options, as Linux's clone of the sock.
  void inherit_local_options(tcp::Fd listener, tcp::Fd fd);
  // syscalls_io.cpp: recvmsg's msg_flags and control messages against the script's;
  // empty when they match (or the call is not a recvmsg that returned).
  std::string control_mismatch(const SyscallSpec& s, tcp::Fd fd, const CallReturn& r);
  // Logs and checks what the call returned, or leaves it waiting.
  Step finish_syscall(SyscallCall& c);
  Step try_complete_pending();
  std::optional<CallReturn> receive_now(Pending& p);
  Step check_result(const Event& e, const SyscallSpec& s, std::int64_t value, tcp::Errno err,
                    const std::string& mismatch) const;
  Step check_return_time(const Event& e, Nanos end, Nanos tolerance) const;

  // runner.cpp
  Step run_code(const Event& e, const CodeSpec& c);
  void run_command(const Event* e, const CommandSpec& c);
  const tcp::Connection* flow_connection() const;
  // tcpi.cpp: a tcpi_* field of the connection under test.
  std::int64_t tcpi_value(std::string_view field);
  std::int64_t tcpi_of(const tcp::Connection* c, std::string_view field) const;
  std::int64_t tcpi_of_listener(tcp::Fd fd, std::string_view field);

  const Script& script_;
  ScriptOptions opts_;
  RunSettings settings_;
  tcp::TcpConfig config_;
  // config_ before the script's own settings (an optional: GCC 12 at -O3 warns about a
  // second default TcpConfig built inline in the constructor).
  std::optional<tcp::TcpConfig> profile_config_;
  std::vector<std::string> notes_;
  std::unique_ptr<tcp::TcpStack> stack_;
  std::unique_ptr<CaptureWriter> pcap_;
  std::uint16_t ip_id_out_ = 1, ip_id_in_ = 1;

  Nanos now_ = 0;
  std::deque<Sent> outq_;  // sent by the stack, not yet matched by a '>' line
  Flow flow_;
  std::uint16_t next_remote_port_ = 48000;
  std::map<int, tcp::Fd> fds_;  // script fd -> stack fd
  // Files: the sizes backquoted commands gave them, and the script's open ones.
  struct OpenFile {
    std::string path;
    std::optional<std::uint64_t> size;  // none: as long as reading needs
  };
  std::map<std::string, std::uint64_t> made_files_;
  std::map<int, OpenFile> files_;                  // script fd -> file
  std::map<tcp::Fd, bool> nonblock_;               // O_NONBLOCK per stack fd
  std::map<tcp::Fd, tcp::Endpoint> bound_;         // where bind() put each socket
  std::map<tcp::Fd, std::size_t> rcvlowat_;        // SO_RCVLOWAT (poll and blocking reads)
  std::map<tcp::Fd, std::int64_t> notsent_lowat_;  // TCP_NOTSENT_LOWAT (u32; 0: none)
  std::map<tcp::Fd, bool> rcvbuf_locked_;          // SO_RCVBUF set (SOCK_RCVBUF_LOCK)
  std::map<tcp::Fd, bool> shut_wr_;                // shutdown(SHUT_WR or SHUT_RDWR) done
  std::map<tcp::Fd, bool> shut_rd_;                // shutdown(SHUT_RD or SHUT_RDWR) done
  std::map<tcp::Fd, bool> inq_;                    // TCP_INQ (recorded)
  std::map<tcp::Fd, TxStamps> tstamps_;            // SO_TIMESTAMPING
  std::optional<Pending> pending_;
  std::optional<Stop> pending_failure_;  // a blocked call completed with a wrong result
  std::uint64_t timer_rounds_ = 0;
  std::size_t events_run_ = 0;

  // observe.cpp: observe mode (ScriptOptions::observe).
  // True when `st` was recorded as a deviation and the run goes on.
  bool observe_deviation(const Stop& st);
  // What the stack sent, in the script's terms.
  std::vector<WirePacket> wire_record() const;
  int current_line_ = 0;                        // the event running (0: none)
  bool syn_with_text_ = false;                  // the script sent a SYN that carries text
  std::vector<std::pair<int, Sent>> sent_log_;  // every segment sent, with its line
  std::vector<Stop> deviations_;
};

}  // namespace tcpsim::sim::script::detail
