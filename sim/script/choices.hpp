// What a TcpConfig chooses where kernels and the RFCs differ, each choice with the rule or
// kernel source behind it (docs/profiles.md). `tcpsim script --compare` prints these next
// to a difference on the wire, so a reader sees why each side did what it did.
//
//   for (const ProfileChoice& c : profile_choices(*tcp::TcpConfig::profile_named("freebsd")))
//     std::cout << c.name << ": " << c.value << " (" << c.source << ")\n";
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stack/tcp/config.hpp"

namespace tcpsim::sim::script {

// The part of behaviour a choice governs; a difference on the wire is explained by the
// choices of the aspects it touches.
enum class Aspect : std::uint8_t {
  SynOptions,       // which options a SYN or SYN,ACK carries and how they are laid out
  WindowScale,      // the shift our SYN offers
  ReceiveWindow,    // the window we advertise
  RetransmitTimer,  // initial RTO, its floor and ceiling
  SynRetries,       // how long an opening SYN is retried
  RtoAfterSyn,      // the RTO when data starts after a SYN timed out
  DelayedAck,       // how long an ACK may wait
  SynData,          // text on a SYN in a simultaneous open
  Dsack,            // duplicate data reported in a D-SACK block
  Congestion,       // the congestion-control algorithm and initial window
  Closing,          // how an abort, a close with unread data or giving up ends it
  Ecn,              // whether ECN is asked for or granted (RFC 3168)
  Segmentation,     // what reaches the device: one MSS, or TSO super-segments
  GiveUp,           // when retransmitting data is given up; what TCP_USER_TIMEOUT counts from
  Listen,           // what a listener's backlog bounds, and what it does past it
};
std::string_view to_string(Aspect a);

struct ProfileChoice {
  Aspect aspect;
  std::string_view name;  // "delayed-ACK timeout"
  std::string value;      // "40 ms"; equal values mean the same behaviour
  std::string source;     // "TCP_DELACK_MIN, include/net/tcp.h" or "RFC 1122 4.2.3.2"
};

// Every choice of `config`, its source named after config.profile (linux, freebsd, rfc).
// A choice that differs from the one in `start` (the profile as the run began, by default
// the named profile itself) says it was changed, and from what.
std::vector<ProfileChoice> profile_choices(const tcp::TcpConfig& config);
std::vector<ProfileChoice> profile_choices(const tcp::TcpConfig& config,
                                           const tcp::TcpConfig& start);

}  // namespace tcpsim::sim::script
