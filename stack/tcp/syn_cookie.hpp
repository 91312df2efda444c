// SYN cookies (RFC 4987 §3.6). A listener whose queue is full answers a SYN with a
// SYN,ACK whose ISN is a keyed hash of the 4-tuple, a coarse clock and what the SYN
// offered, and keeps no state; when the peer's ACK brings ISN+1 back, the hash proves the
// SYN was answered here and lately, and the TCB is rebuilt from it.
//
// Two layouts, after the kernels a profile mimics:
//  - Linux (net/ipv4/syncookies.c, __cookie_v4_init_sequence / cookie_v4_check): the ISN
//    carries an 8-bit minute counter and a 24-bit hash plus the index of the peer's MSS
//    in a 4-entry table; window scale and SACK-permitted ride in the low 6 bits of the
//    SYN,ACK's TSval (cookie_init_timestamp) and come back in the ACK's TSecr, so without
//    timestamps they are lost.
//  - FreeBSD (sys/netinet/tcp_syncache.c, syncookie_generate / syncookie_lookup): the ISN
//    is a 24-bit MAC and 8 bits of MSS index (8-entry table), window scale index, SACK
//    and which of two secrets, rotated every 16 s, made it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "stack/base/time.hpp"
#include "stack/tcp/config.hpp"
#include "stack/tcp/connection.hpp"
#include "stack/tcp/segment.hpp"

namespace tcpsim::tcp {

// What a cookie keeps of the peer's SYN.
struct CookieOptions {
  std::uint16_t mss = 536;      // the peer's MSS, rounded down to an entry of the table
  bool wscale_ok = false;       // the peer offered window scaling
  std::uint8_t snd_wscale = 0;  // the peer's shift (Snd.Wind.Shift)
  bool sack_ok = false;         // the peer offered SACK
  bool operator==(const CookieOptions&) const = default;
};

// What a cookie is bound to, seen from the listener: the 4-tuple and the peer's ISN (the
// SYN's SEG.SEQ; for the ACK that returns the cookie, SEG.SEQ - 1).
struct CookieTuple {
  Endpoint local;
  Endpoint remote;
  std::uint32_t peer_isn = 0;
};

// ---- the arithmetic ----

// The ISN of a cookie made at `now`. `opts` is rounded to what the ISN carries: the MSS
// to its table entry and, for FreeBSD, the window scale to its table entry.
std::uint32_t encode_syn_cookie(SynCookieFormat f, std::uint64_t secret, Nanos now,
                                const CookieTuple& t, CookieOptions& opts);
// Checks `cookie` (an ACK's SEG.ACK - 1): the options it carries when this host made it
// for this tuple at most syn_cookie_lifetime() ago; nullopt otherwise. (Linux: only the MSS;
// see linux_cookie_ts_options for the rest.)
std::optional<CookieOptions> decode_syn_cookie(SynCookieFormat f, std::uint64_t secret, Nanos now,
                                               const CookieTuple& t, std::uint32_t cookie);
// The longest a cookie stays good: Linux's MAX_SYNCOOKIE_AGE (2) minute counters, or
// FreeBSD's two SYNCOOKIE_LIFETIME (16 s) secrets.
Nanos syn_cookie_lifetime(SynCookieFormat f);
// How long after a listener last sent a cookie an ACK to it is still checked as one
// (Linux tcp_synq_no_recent_overflow: TCP_SYNCOOKIE_VALID, 2 minutes; FreeBSD
// syncache_expand: SYNCOOKIE_LIFETIME, 16 s). Other ACKs get LISTEN's RST.
Nanos syn_cookie_overflow_window(SynCookieFormat f);

// Linux's cookie_init_timestamp: the latest TS clock value at or before `clock` whose low
// 6 bits are the options (bits 0-3 the peer's shift, 15 for none; bit 4 SACK; bit 5 ECN,
// never set here).
std::uint32_t linux_cookie_tsval(std::uint32_t clock, const CookieOptions& opts);
// Linux's cookie_timestamp_decode: the options an echoed TSecr (less the connection's
// timestamp offset) carries, written into `opts`.
void linux_cookie_ts_options(std::uint32_t tsecr, CookieOptions& opts);

// ---- the listener's side ----

// What a listener does with a SYN (Linux tcp_conn_request): queue it (a SYN-RECEIVED
// child), answer with a cookie, or drop it. `syncookies` is TcpConfig::syncookies; `linux`:
// the request and accept queues are full each past the backlog, otherwise together when
// they reach it; a full accept queue drops even cookies (sk_acceptq_is_full).
enum class SynVerdict : std::uint8_t { Queue, Cookie, Drop };
SynVerdict listen_verdict(int syncookies, std::size_t accepted, std::size_t embryonic, int backlog,
                          bool linux_counts = false);

// The stateless answer to a SYN (tcp_make_synack, TCP_SYNACK_COOKIE): `cfg` is the
// listener's, `ts_offset` the connection's timestamp offset.
struct CookieSynAck {
  IpSegment segment;
  std::uint32_t isn = 0;
  CookieOptions opts;  // as encoded
};
CookieSynAck cookie_syn_ack(const TcpConfig& cfg, std::uint64_t secret, std::uint32_t ts_offset,
                            Nanos now, const IpSegment& syn);

// A bare ACK to a listener whose SEG.ACK - 1 is a good cookie: the SYN it answered, rebuilt
// (SEG.SEQ - 1, the decoded MSS, window scale and SACK, timestamps when the ACK has them),
// for Connection::open_from_listen.
struct CookieAck {
  Segment syn;
  std::uint32_t isn = 0;
  CookieOptions opts;
};
std::optional<CookieAck> check_cookie_ack(const TcpConfig& cfg, std::uint64_t secret,
                                          std::uint32_t ts_offset, Nanos now, const IpSegment& ack);

}  // namespace tcpsim::tcp
