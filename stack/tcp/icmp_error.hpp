// ICMP errors about a segment we sent, and what each profile makes of them: RFC 1122
// 4.2.3.9 (soft errors never abort, hard ones may), RFC 5927 §4.1 (the quoted sequence
// number must lie in what is outstanding), RFC 1191 / RFC 8201 (Path MTU Discovery), and
// the kernels' readings of them (TcpConfig::icmp_rules). Pure functions: the connection
// (Connection::on_icmp_error) applies the verdict.
#pragma once

#include <cstdint>
#include <string_view>

#include "stack/tcp/config.hpp"
#include "stack/tcp/connection.hpp"
#include "stack/tcp/errors.hpp"
#include "stack/tcp/seq_num.hpp"
#include "stack/tcp/state.hpp"

namespace tcpsim::tcp {

// ICMP types (RFC 792, RFC 4443) and the codes the verdicts name.
namespace icmp {
constexpr std::uint8_t kUnreachable = 3;  // IPv4 Destination Unreachable
constexpr std::uint8_t kSourceQuench = 4;
constexpr std::uint8_t kTimeExceeded = 11;
constexpr std::uint8_t kParameterProblem = 12;
constexpr std::uint8_t kFragNeeded = 4;      // code of kUnreachable
constexpr std::uint8_t kV6Unreachable = 1;   // ICMPv6 Destination Unreachable
constexpr std::uint8_t kV6PacketTooBig = 2;  // ICMPv6 Packet Too Big
constexpr std::uint8_t kV6TimeExceeded = 3;
constexpr std::uint8_t kV6ParameterProblem = 4;
}  // namespace icmp

// An ICMP error message as the host's IP layer hands it to TCP: its type and code, the
// MTU it reports (Fragmentation Needed, Packet Too Big), and what it quotes of our segment.
struct IcmpError {
  bool v6 = false;
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint32_t mtu = 0;            // the next-hop MTU (0: the router gave none)
  std::uint32_t quoted_length = 0;  // total length of the quoted IP datagram
  Endpoint local;                   // the quoted segment's source: our end
  Endpoint remote;                  // its destination
  std::uint32_t seq = 0;            // its sequence number
};

// What the connection does with an error.
struct IcmpVerdict {
  enum class Action : std::uint8_t {
    Ignore,   // nothing
    PathMtu,  // lower the path MTU (icmp_path_mtu) and resend what no longer fits
    Soft,     // remember `err` (SO_ERROR where the profile shows it; a timeout reports it)
    Abort,    // the connection fails with `err`
  };
  Action action = Action::Ignore;
  Errno err = Errno::Ok;
  std::string_view rule;  // the RFC or kernel function that decides it
};

// The facts about the connection the verdict depends on.
struct IcmpContext {
  State state = State::Closed;
  bool passive = false;    // opened from a listener
  int retries = 0;         // retransmission timeouts in a row
  Errno soft = Errno::Ok;  // the soft error already recorded
};

// RFC 5927 §4.1: is the quoted sequence number one we sent and is not yet acknowledged?
// Rfc and FreeBsd (tcp_ctlinput): SND.UNA <= seq < SND.MAX. Linux (tcp_v4_err): SND.UNA
// <= seq <= SND.NXT (between()); a passive open still in SYN-RECEIVED is a request sock
// there, checked against its ISN alone (tcp_req_err).
bool icmp_seq_acceptable(IcmpRules rules, const IcmpError& e, const IcmpContext& c, SeqNum iss,
                         SeqNum una, SeqNum max);

IcmpVerdict icmp_verdict(IcmpRules rules, const IcmpError& e, const IcmpContext& c);

// The path MTU a Fragmentation Needed / Packet Too Big leaves: `mtu` 0 means no change.
// `current` is the path MTU now, `maxseg` the MSS without options now (FreeBSD's t_maxseg;
// Linux compares the MSS a new MTU gives with it). `clamped`: the reported MTU was below the
// kernel's floor (Linux then records EMSGSIZE as a soft error, tcp_v4_mtu_reduced).
struct PathMtu {
  std::uint32_t mtu = 0;
  bool clamped = false;
};
PathMtu icmp_path_mtu(IcmpRules rules, const IcmpError& e, std::uint32_t current,
                      std::uint32_t maxseg);

// RFC 1191 §7's plateau table: the largest plateau below `length` (68 at least), for a
// router that reports no MTU (FreeBSD's ip_next_mtu).
std::uint32_t mtu_plateau_below(std::uint32_t length);

// Whether SO_ERROR shows a soft error: Linux's sock_getsockopt returns sk_err_soft when
// no hard error is pending; FreeBSD keeps t_softerror to itself (only a timeout reports
// it); RFC 1122 4.2.3.9: TCP SHOULD make it available to the application.
constexpr bool icmp_soft_error_visible(IcmpRules rules) {
  return rules != IcmpRules::FreeBsd;
}

}  // namespace tcpsim::tcp
