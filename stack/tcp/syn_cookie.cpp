#include "stack/tcp/syn_cookie.hpp"

#include <algorithm>
#include <array>
#include <span>

#include "stack/tcp/negotiation.hpp"
#include "stack/tcp/tuple_hash.hpp"

namespace tcpsim::tcp {

using namespace wire::tcp_flag;

namespace {

// ---- Linux, net/ipv4/syncookies.c ----
constexpr int kCookieBits = 24;  // COOKIEBITS: the low bits hold hash + MSS index
constexpr std::uint32_t kCookieMask = (1u << kCookieBits) - 1;
constexpr Nanos kLinuxPeriod = 60 * kSecond;  // TCP_SYNCOOKIE_PERIOD: tcp_cookie_time()
constexpr std::uint32_t kLinuxMaxAge = 2;     // MAX_SYNCOOKIE_AGE, in periods
// msstab (IPv4) and msstab (IPv6, net/ipv6/syncookies.c: 1280-60, 1480-60, 1500-60, 9000-60).
constexpr std::array<std::uint16_t, 4> kLinuxMss4 = {536, 1300, 1440, 1460};
constexpr std::array<std::uint16_t, 4> kLinuxMss6 = {1220, 1420, 1440, 8940};
constexpr int kTsBits = 6;                    // TSBITS: options in the TSval's low bits
constexpr std::uint32_t kTsWscaleNone = 0xF;  // TS_OPT_WSCALE_MASK
constexpr std::uint32_t kTsSack = 1u << 4;    // TS_OPT_SACK

// ---- FreeBSD, sys/netinet/tcp_syncache.c ----
constexpr Nanos kBsdSecretLife = 16 * kSecond;  // SYNCOOKIE_LIFETIME: secrets rotate this often
constexpr std::array<std::uint16_t, 8> kBsdMss = {216, 536, 1200, 1360, 1400, 1440, 1452, 1460};
constexpr std::array<std::uint8_t, 8> kBsdWscale = {0, 0, 1, 2, 4, 6, 7, 8};  // tcp_sc_wstab
// The cookie byte (its union in syncookie_generate): bit 0 odd/even secret, bit 1 SACK,
// bits 2-4 window scale index, bits 5-7 MSS index.
constexpr std::uint8_t kBsdOdd = 1;
constexpr std::uint8_t kBsdSack = 2;

// The keyed hash cookies use (Linux and FreeBSD use SipHash; SHA-256 here, as the ISNs):
// 32 bits of SHA-256 over the secret, a purpose byte, the tuple and two words.
std::uint32_t cookie_hash(std::uint64_t secret, std::uint8_t purpose, const CookieTuple& t,
                          std::uint32_t a, std::uint32_t b) {
  auto md = tuple_digest(secret, purpose, t.local, t.remote, {a, b});
  return (std::uint32_t{md[0]} << 24) | (std::uint32_t{md[1]} << 16) | (std::uint32_t{md[2]} << 8) |
         md[3];
}

// The largest entry of `table` at or below `value`, or entry 0.
template <class Table>
std::size_t table_index(const Table& table, std::uint32_t value) {
  std::size_t i = table.size() - 1;
  while (i > 0 && table[i] > value) --i;
  return i;
}

// secure_tcp_syn_cookie: H0 + SEQ + (count << 24) + ((H1(count) + data) mod 2^24).
std::uint32_t linux_encode(std::uint64_t secret, Nanos now, const CookieTuple& t,
                           CookieOptions& opts) {
  const auto& table = t.local.addr.is_v4() ? kLinuxMss4 : kLinuxMss6;
  auto index = static_cast<std::uint32_t>(table_index(table, opts.mss));
  opts.mss = table[index];
  auto count = static_cast<std::uint32_t>(now / kLinuxPeriod);
  return cookie_hash(secret, 3, t, 0, 0) + t.peer_isn + (count << kCookieBits) +
         ((cookie_hash(secret, 4, t, count, 0) + index) & kCookieMask);
}

// check_tcp_syn_cookie and __cookie_v4_check: strip H0 + SEQ, check the counter's age,
// strip H1(counter): what is left must be an MSS index.
std::optional<CookieOptions> linux_decode(std::uint64_t secret, Nanos now, const CookieTuple& t,
                                          std::uint32_t cookie) {
  auto count = static_cast<std::uint32_t>(now / kLinuxPeriod);
  cookie -= cookie_hash(secret, 3, t, 0, 0) + t.peer_isn;
  std::uint32_t diff = (count - (cookie >> kCookieBits)) & (~0u >> kCookieBits);
  if (diff >= kLinuxMaxAge) return std::nullopt;
  std::uint32_t index = (cookie - cookie_hash(secret, 4, t, count - diff, 0)) & kCookieMask;
  const auto& table = t.local.addr.is_v4() ? kLinuxMss4 : kLinuxMss6;
  if (index >= table.size()) return std::nullopt;
  CookieOptions o;
  o.mss = table[index];
  return o;
}

// syncookie_mac: the MAC of the tuple, the peer's ISN and the cookie byte under the
// secret of `generation` (the 16-second period it was current in).
std::uint32_t bsd_mac(std::uint64_t secret, const CookieTuple& t, std::uint32_t generation,
                      std::uint8_t flags) {
  return cookie_hash(secret, 5, t, generation, t.peer_isn ^ (std::uint32_t{flags} << 24));
}

// syncookie_generate: the ISN is the MAC with its low byte replaced by the cookie byte
// XORed with the MAC's top byte.
std::uint32_t bsd_encode(std::uint64_t secret, Nanos now, const CookieTuple& t,
                         CookieOptions& opts) {
  auto generation = static_cast<std::uint32_t>(now / kBsdSecretLife);
  std::size_t mss_index = table_index(kBsdMss, opts.mss);
  opts.mss = kBsdMss[mss_index];
  std::size_t ws_index = 0;
  if (opts.wscale_ok) {
    ws_index = std::max<std::size_t>(table_index(kBsdWscale, opts.snd_wscale), 1);
    opts.snd_wscale = kBsdWscale[ws_index];
  }
  auto flags = static_cast<std::uint8_t>((generation & kBsdOdd) | (opts.sack_ok ? kBsdSack : 0) |
                                         (ws_index << 2) | (mss_index << 5));
  std::uint32_t mac = bsd_mac(secret, t, generation, flags);
  return (mac & ~0xFFu) | ((flags ^ (mac >> 24)) & 0xFFu);
}

// syncookie_lookup: recover the cookie byte, pick the secret it names (the current one or
// the one before), and compare the MAC's upper 24 bits.
std::optional<CookieOptions> bsd_decode(std::uint64_t secret, Nanos now, const CookieTuple& t,
                                        std::uint32_t cookie) {
  auto flags = static_cast<std::uint8_t>((cookie & 0xFFu) ^ (cookie >> 24));
  auto current = static_cast<std::uint32_t>(now / kBsdSecretLife);
  bool same = (current & kBsdOdd) == (flags & kBsdOdd);
  if (!same && current == 0) return std::nullopt;
  std::uint32_t generation = same ? current : current - 1;
  if ((bsd_mac(secret, t, generation, flags) & ~0xFFu) != (cookie & ~0xFFu)) return std::nullopt;
  CookieOptions o;
  o.mss = kBsdMss[flags >> 5];
  std::size_t ws_index = (flags >> 2) & 7u;
  o.wscale_ok = ws_index > 0;
  o.snd_wscale = kBsdWscale[ws_index];
  o.sack_ok = (flags & kBsdSack) != 0;
  return o;
}

}  // namespace

std::uint32_t encode_syn_cookie(SynCookieFormat f, std::uint64_t secret, Nanos now,
                                const CookieTuple& t, CookieOptions& opts) {
  return f == SynCookieFormat::Linux ? linux_encode(secret, now, t, opts)
                                     : bsd_encode(secret, now, t, opts);
}

std::optional<CookieOptions> decode_syn_cookie(SynCookieFormat f, std::uint64_t secret, Nanos now,
                                               const CookieTuple& t, std::uint32_t cookie) {
  return f == SynCookieFormat::Linux ? linux_decode(secret, now, t, cookie)
                                     : bsd_decode(secret, now, t, cookie);
}

Nanos syn_cookie_lifetime(SynCookieFormat f) {
  return f == SynCookieFormat::Linux ? kLinuxMaxAge * kLinuxPeriod : 2 * kBsdSecretLife;
}

Nanos syn_cookie_overflow_window(SynCookieFormat f) {
  return f == SynCookieFormat::Linux ? kLinuxMaxAge * kLinuxPeriod : kBsdSecretLife;
}

std::uint32_t linux_cookie_tsval(std::uint32_t clock, const CookieOptions& opts) {
  std::uint32_t options = opts.wscale_ok ? opts.snd_wscale : kTsWscaleNone;
  if (opts.sack_ok) options |= kTsSack;
  std::uint32_t ts = ((clock >> kTsBits) << kTsBits) | options;
  if (ts > clock) ts -= 1u << kTsBits;  // never ahead of the clock
  return ts;
}

void linux_cookie_ts_options(std::uint32_t tsecr, CookieOptions& opts) {
  std::uint32_t wscale = tsecr & kTsWscaleNone;
  opts.wscale_ok = wscale != kTsWscaleNone;
  opts.snd_wscale =
      opts.wscale_ok ? static_cast<std::uint8_t>(std::min<std::uint32_t>(wscale, 14)) : 0;
  opts.sack_ok = (tsecr & kTsSack) != 0;
}

SynVerdict listen_verdict(int syncookies, std::size_t accepted, std::size_t embryonic, int backlog,
                          bool linux_counts) {
  if (linux_counts) {
    // tcp_conn_request: the request queue is full past the backlog
    // (inet_csk_reqsk_queue_is_full, 6.10 on), the accept queue likewise
    // (sk_acceptq_is_full), each on its own: a backlog of 1 holds a connection waiting for
    // accept() and takes one more.
    auto limit = static_cast<std::size_t>(std::max(backlog, 0));
    bool accept_full = accepted > limit;
    if (syncookies == 2 || embryonic > limit) {
      if (syncookies == 0 || accept_full) return SynVerdict::Drop;
      return SynVerdict::Cookie;
    }
    return accept_full ? SynVerdict::Drop : SynVerdict::Queue;
  }
  auto limit = static_cast<std::size_t>(std::max(backlog, 1));
  bool full = accepted + embryonic >= limit;
  // tcp_conn_request: cookies when the SYN queue is full (or always, with 2), but a full
  // accept queue drops the SYN either way.
  if (syncookies == 0 || (syncookies == 1 && !full))
    return full ? SynVerdict::Drop : SynVerdict::Queue;
  return accepted >= limit ? SynVerdict::Drop : SynVerdict::Cookie;
}

CookieSynAck cookie_syn_ack(const TcpConfig& cfg, std::uint64_t secret, std::uint32_t ts_offset,
                            Nanos now, const IpSegment& in) {
  const wire::TcpRepr& syn = in.segment.header;
  bool ipv4 = in.dst.is_v4();
  Negotiation neg;
  neg.take_syn(cfg, in.segment, ipv4);
  bool linux = cfg.syncookie_format == SynCookieFormat::Linux;
  // tcp_conn_request: a Linux cookie without timestamps has nowhere to keep window
  // scaling and SACK, so the SYN,ACK offers neither.
  if (linux && !neg.ts_ok) neg.wscale_ok = neg.sack_ok = false;
  CookieSynAck out;
  out.opts = CookieOptions{static_cast<std::uint16_t>(std::min<std::uint32_t>(neg.peer_mss, 65535)),
                           neg.wscale_ok, neg.snd_wscale, neg.sack_ok};
  CookieTuple t{Endpoint{in.dst, syn.dst_port}, Endpoint{in.src, syn.src_port}, syn.seq};
  out.isn = encode_syn_cookie(cfg.syncookie_format, secret, now, t, out.opts);
  neg.ts_offset = ts_offset;
  if (neg.ts_ok) {
    neg.ts_recent = in.segment.header.options.timestamps()->tsval;
    // The TSval goes back to the latest value whose low bits carry the options.
    auto clock = static_cast<std::uint32_t>(now / kMillisecond);
    if (linux) neg.ts_offset -= clock - linux_cookie_tsval(clock, out.opts);
  }
  IpSegment& s = out.segment;
  s.src = in.dst;
  s.dst = in.src;
  wire::TcpRepr& h = s.segment.header;
  h.src_port = syn.dst_port;
  h.dst_port = syn.src_port;
  h.seq = out.isn;
  h.ack = syn.seq + 1;
  h.flags = kSyn | kAck;
  std::uint32_t space =
      cfg.window_clamp != 0 ? std::min(cfg.recv_buffer, cfg.window_clamp) : cfg.recv_buffer;
  h.window = static_cast<std::uint16_t>(std::min<std::uint32_t>(space, 65535));
  neg.write_syn_options(now, cfg, false, ipv4, h.options, cfg.syncache);
  return out;
}

std::optional<CookieAck> check_cookie_ack(const TcpConfig& cfg, std::uint64_t secret,
                                          std::uint32_t ts_offset, Nanos now, const IpSegment& in) {
  const wire::TcpRepr& ack = in.segment.header;
  CookieTuple t{Endpoint{in.dst, ack.dst_port}, Endpoint{in.src, ack.src_port}, ack.seq - 1};
  auto opts = decode_syn_cookie(cfg.syncookie_format, secret, now, t, ack.ack - 1);
  if (!opts) return std::nullopt;
  auto ts = ack.options.timestamps();
  bool ts_ok = cfg.timestamps && ts.has_value();
  if (cfg.syncookie_format == SynCookieFormat::Linux && ts_ok) {
    // cookie_timestamp_decode: the options come back in TSecr; refused when they name
    // something this host does not do.
    linux_cookie_ts_options(ts->tsecr - ts_offset, *opts);
    if ((opts->sack_ok && !cfg.sack) || (opts->wscale_ok && !cfg.window_scaling))
      return std::nullopt;
  }
  CookieAck out;
  out.isn = ack.ack - 1;
  out.opts = *opts;
  wire::TcpRepr& h = out.syn.header;
  h.src_port = ack.src_port;
  h.dst_port = ack.dst_port;
  h.seq = t.peer_isn;
  h.flags = kSyn;
  h.window = ack.window;
  h.options.add_mss(opts->mss);
  if (opts->wscale_ok) h.options.add_window_scale(opts->snd_wscale);
  if (opts->sack_ok) h.options.add_sack_permitted();
  if (ts_ok) h.options.add_timestamps(ts->tsval, 0);
  return out;
}

}  // namespace tcpsim::tcp
