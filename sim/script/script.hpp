// A packetdrill-style test script as values: the options at the top, then events, each a
// time and an action (a packet to inject or expect, a system call, a shell command that is
// never run, or a %{ assert ... }% block). parse_script() turns text into this; runner.hpp
// runs it against a tcp::TcpStack on virtual time. docs/scripts.md describes the language.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/script/assertions.hpp"
#include "stack/base/result.hpp"
#include "stack/base/time.hpp"

namespace tcpsim::sim::script {

// Where a script went wrong, for one line "file:line:column: message", and which rule.
struct ScriptError {
  int line = 0;
  int column = 0;
  std::string message;
  Errc code = Errc::BadSyntax;
  std::string to_string(std::string_view file) const;
};

// How an event's time was written. Times are nanoseconds, read from the script's seconds
// to the microsecond (packetdrill's resolution).
enum class TimeKind : std::uint8_t {
  Absolute,       // 0.100
  Relative,       // +0.1
  Any,            // *            (outbound packets only)
  AbsoluteRange,  // 0.1~0.2      (outbound packets only)
  RelativeRange,  // +0.1~+0.2    (outbound packets only)
};

struct TimeSpec {
  TimeKind kind = TimeKind::Absolute;
  Nanos start = 0;
  Nanos end = 0;  // ranges only
};

enum class Direction : std::uint8_t { Inbound, Outbound };  // '<' and '>'

// One TCP option as the script wrote it (SACK edges and timestamps are mapped at run time).
struct OptionSpec {
  enum class Kind : std::uint8_t {
    Nop,
    Eol,
    Mss,
    WindowScale,
    SackPermitted,
    Sack,
    Timestamp,
    Other
  };
  Kind kind = Kind::Nop;
  std::uint32_t a = 0;  // mss, shift, TS val; Other: the kind
  std::uint32_t b = 0;  // TS ecr; Other: the length
  std::vector<std::pair<std::uint32_t, std::uint32_t>> blocks;  // SACK left:right
  std::size_t wire_size() const;
};

// IP header fields in packetdrill's (...) or [...] before the flags: [ect0], [ect1], [ce],
// [noecn], [ect01] (outbound: ECT(0) or ECT(1)), [tos 0x..], [ttl N], [flowlabel N],
// [ect0, flowlabel N]. Outbound, only what is written is compared.
struct IpFieldsSpec {
  std::optional<std::uint8_t> ecn;  // the two ECN bits: 0 noecn, 1 ect1, 2 ect0, 3 ce
  bool ecn_either = false;          // [ect01]
  std::optional<std::uint8_t> tos;  // the whole byte (IPv6: traffic class)
  std::optional<std::uint8_t> ttl;  // IPv4 TTL or IPv6 hop limit
  std::optional<std::uint32_t> flow_label;
  bool any() const { return ecn || ecn_either || tos || ttl || flow_label; }
};

// An inbound ICMP error, packetdrill's `< icmp TYPE [CODE] [mtu N] [[start:end(length)]]`:
// the type and code as written (names, or type_N / code_N), the MTU it reports, and the
// segment of the stack's it quotes (PacketSpec start/end/len, our sequence numbers as
// outbound packets write them; none written: 0:0(0)). Names are checked against the
// address family's tables when the script starts (runner).
struct IcmpSpec {
  std::string type;
  std::string code;  // empty: code 0
  std::optional<std::uint32_t> mtu;
};

struct PacketSpec {
  Direction direction = Direction::Inbound;
  std::optional<IcmpSpec> icmp;  // set: an ICMP error quoting start:end(len), not TCP
  IpFieldsSpec ip;
  std::uint8_t flags = 0;  // wire::tcp_flag bits
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::uint16_t len = 0;
  std::uint32_t ack = 0;                // 0 when not written, as packetdrill
  std::optional<std::uint16_t> window;  // required inbound; unchecked outbound when absent
  std::uint16_t urgent = 0;
  bool options_any = false;  // <...>: outbound options not checked
  std::vector<OptionSpec> options;
};

// A system call argument or result: packetdrill's expression subset.
struct Expr {
  enum class Kind : std::uint8_t {
    Ellipsis,  // ...
    Int,       // 3, -1, 0x800
    Word,      // SOCK_STREAM, O_RDWR
    String,    // "text"
    Or,        // a|b            (items[0], items[1])
    Assign,    // name=value     (text = name, items[0] = value)
    List,      // [a, b]
    Struct,    // {a, b}         (e.g. {onoff=1, linger=0})
    Call,      // name(args)     (e.g. htons(8080))
  };
  Kind kind = Kind::Ellipsis;
  std::int64_t number = 0;
  std::string text;
  std::vector<Expr> items;
  int line = 0;
  int column = 0;
  std::string to_string() const;
};

struct SyscallSpec {
  std::string name;
  std::vector<Expr> args;
  Expr result;
  std::optional<std::string> errno_name;  // ECONNREFUSED
  std::optional<Nanos> end_time;          // 0.1...0.2 accept(...): when it must return
};

// `...` shell text. Never executed: recognised sysctl/ip-route settings map to TcpConfig.
struct CommandSpec {
  std::string text;
};

// %{ assert tcpi_state == TCP_ESTABLISHED and tcpi_snd_cwnd == 10 }% (assertions.hpp)
struct CodeSpec {
  std::string text;
  std::vector<Assertion> assertions;  // all must hold
};

struct Event {
  int line = 0;
  int column = 0;
  TimeSpec time;
  std::variant<PacketSpec, SyscallSpec, CommandSpec, CodeSpec> action;
};

// `--name=value` at the top of the script.
struct ScriptOption {
  std::string name;
  std::optional<std::string> value;
  int line = 0;
};

struct Script {
  std::vector<ScriptOption> options;
  std::optional<CommandSpec> init_command;  // a command before the first timed event
  std::vector<Event> events;
  std::optional<CommandSpec> cleanup_command;  // a command after the last one
};

// Parses a whole script. The first error is returned with its line and column.
Result<Script, ScriptError> parse_script(std::string_view text);

// A packet as packetdrill prints it: "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>".
std::string to_string(const PacketSpec& p);
std::string to_string(const OptionSpec& o);

}  // namespace tcpsim::sim::script
