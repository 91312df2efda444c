// The socket options a script may set and get: which level each belongs to, which kernel
// has it (a script for the other profile gets an error naming the counterpart), and which
// tcpsim does not model at all (Fast Open, zero-copy, MD5).
#include <fmt/core.h>

#include <array>

#include "sim/script/runner_impl.hpp"

namespace tcpsim::sim::script::detail {

namespace {

constexpr int kSolSocket = 1, kSolTcp = 6, kSolIp = 0, kSolIpv6 = 41;

constexpr std::array<SockOptInfo, 29> kSockOpts = {{
    {"SO_REUSEADDR", kSolSocket, tcp::SockOpt::ReuseAddr, LocalOpt::None, "", ""},
    {"SO_LINGER", kSolSocket, tcp::SockOpt::Linger, LocalOpt::None, "", ""},
    {"SO_ERROR", kSolSocket, tcp::SockOpt::Error, LocalOpt::None, "", ""},
    {"SO_RCVBUF", kSolSocket, tcp::SockOpt::RcvBuf, LocalOpt::None, "", ""},
    {"SO_SNDBUF", kSolSocket, tcp::SockOpt::SndBuf, LocalOpt::None, "", ""},
    {"SO_KEEPALIVE", kSolSocket, tcp::SockOpt::KeepAlive, LocalOpt::None, "", ""},
    {"SO_RCVLOWAT", kSolSocket, tcp::SockOpt::Error, LocalOpt::RcvLowat, "", ""},
    {"SO_TIMESTAMPING", kSolSocket, tcp::SockOpt::Error, LocalOpt::Timestamping, "linux",
     "FreeBSD has none: its SO_TIMESTAMP stamps received data only"},
    {"TCP_NODELAY", kSolTcp, tcp::SockOpt::NoDelay, LocalOpt::None, "", ""},
    {"TCP_MAXSEG", kSolTcp, tcp::SockOpt::MaxSeg, LocalOpt::None, "", ""},
    {"TCP_KEEPIDLE", kSolTcp, tcp::SockOpt::KeepIdle, LocalOpt::None, "", ""},
    {"TCP_KEEPINTVL", kSolTcp, tcp::SockOpt::KeepIntvl, LocalOpt::None, "", ""},
    {"TCP_KEEPCNT", kSolTcp, tcp::SockOpt::KeepCnt, LocalOpt::None, "", ""},
    {"TCP_KEEPINIT", kSolTcp, tcp::SockOpt::KeepInit, LocalOpt::None, "freebsd",
     "Linux has none: its connect() is limited by net.ipv4.tcp_syn_retries"},
    {"TCP_USER_TIMEOUT", kSolTcp, tcp::SockOpt::UserTimeout, LocalOpt::None, "linux",
     "FreeBSD has none"},
    {"TCP_LINGER2", kSolTcp, tcp::SockOpt::Linger2, LocalOpt::None, "linux",
     "FreeBSD has none: net.inet.tcp.finwait2_timeout bounds FIN-WAIT-2 for every socket"},
    {"TCP_CORK", kSolTcp, tcp::SockOpt::Cork, LocalOpt::None, "linux",
     "FreeBSD's equivalent is TCP_NOPUSH"},
    {"TCP_NOPUSH", kSolTcp, tcp::SockOpt::Cork, LocalOpt::None, "freebsd",
     "Linux's equivalent is TCP_CORK"},
    {"TCP_NOOPT", kSolTcp, tcp::SockOpt::NoOpt, LocalOpt::None, "freebsd", "Linux has none"},
    {"TCP_SYNCNT", kSolTcp, tcp::SockOpt::SynCnt, LocalOpt::None, "linux",
     "FreeBSD has none: TCP_KEEPINIT bounds connect()"},
    {"TCP_QUICKACK", kSolTcp, tcp::SockOpt::QuickAck, LocalOpt::None, "linux", "FreeBSD has none"},
    {"TCP_WINDOW_CLAMP", kSolTcp, tcp::SockOpt::WindowClamp, LocalOpt::None, "linux",
     "FreeBSD has none: SO_RCVBUF bounds the window"},
    {"TCP_CONGESTION", kSolTcp, tcp::SockOpt::Congestion, LocalOpt::None, "", ""},
    {"TCP_INQ", kSolTcp, tcp::SockOpt::Error, LocalOpt::Inq, "linux", "FreeBSD has none"},
    {"TCP_NOTSENT_LOWAT", kSolTcp, tcp::SockOpt::Error, LocalOpt::NotsentLowat, "linux",
     "FreeBSD has none"},
    {"IP_TOS", kSolIp, tcp::SockOpt::Tos, LocalOpt::None, "", ""},
    {"IP_TTL", kSolIp, tcp::SockOpt::Ttl, LocalOpt::None, "", ""},
    {"IPV6_TCLASS", kSolIpv6, tcp::SockOpt::Tos, LocalOpt::None, "", ""},
    {"IPV6_UNICAST_HOPS", kSolIpv6, tcp::SockOpt::Ttl, LocalOpt::None, "", ""},
}};

struct OutOfScope {
  std::string_view name;
  std::string_view feature;
};
constexpr std::array<OutOfScope, 9> kNotModelled = {{
    {"TCP_FASTOPEN", "TCP Fast Open"},
    {"TCP_FASTOPEN_CONNECT", "TCP Fast Open"},
    {"TCP_FASTOPEN_KEY", "TCP Fast Open"},
    {"TCP_FASTOPEN_NO_COOKIE", "TCP Fast Open"},
    {"SO_ZEROCOPY", "zero-copy"},
    {"TCP_ZEROCOPY_RECEIVE", "zero-copy"},
    {"TCP_MD5SIG", "TCP MD5 signatures"},
    {"TCP_MD5SIG_EXT", "TCP MD5 signatures"},
    {"TCP_ULP", "upper-layer protocols (kTLS)"},
}};

// Congestion controls the kernels have as modules that tcpsim does not model.
constexpr std::array<std::string_view, 19> kOtherCongestion = {
    "bbr",  "bbr2",      "bbr3",  "dctcp",    "vegas", "westwood", "htcp",
    "bic",  "highspeed", "hybla", "illinois", "lp",    "nv",       "scalable",
    "veno", "yeah",      "cdg",   "chd",      "hd"};

// TCP_CONGESTION's names under a profile: Linux's tcp_cong.c ("reno", "cubic"), FreeBSD's
// cc(4) modules ("newreno", "cubic"); the rfc profile takes tcpsim's own.
std::optional<tcp::CongestionAlgorithm> congestion_by_name(std::string_view name,
                                                           std::string_view profile) {
  if (name == "cubic") return tcp::CongestionAlgorithm::Cubic;
  if (profile == "linux") {
    if (name == "reno") return tcp::CongestionAlgorithm::Reno;
    return std::nullopt;
  }
  if (profile == "freebsd") {
    if (name == "newreno") return tcp::CongestionAlgorithm::NewReno;
    return std::nullopt;
  }
  return tcp::parse_congestion_algorithm(name);
}

std::string congestion_name(tcp::CongestionAlgorithm a, std::string_view profile) {
  if (a == tcp::CongestionAlgorithm::Cubic) return "cubic";
  if (profile == "linux") return "reno";
  if (profile == "freebsd") return "newreno";
  return std::string(tcp::to_string(a));
}

// The name a setsockopt gives: the string, cut at its length argument and at 15 bytes
// (TCP_CA_NAME_MAX less the NUL; Linux's strncpy_from_sockptr, FreeBSD's sooptcopyin).
std::string given_name(const Expr& value, std::int64_t len) {
  std::size_t n = std::min<std::size_t>({value.text.size(), 15, static_cast<std::size_t>(len)});
  std::string name = value.text.substr(0, n);
  return name.substr(0, name.find('\0'));
}

}  // namespace

std::optional<std::string> check_congestion_args(const SyscallSpec& s) {
  bool set = s.name == "setsockopt";
  Expr::Kind kind = s.args[3].kind;
  if ((kind != Expr::Kind::String && (set || kind != Expr::Kind::Ellipsis)) ||
      !eval_int(s.args[4])) {
    return fmt::format(
        "{}(..., TCP_CONGESTION, \"name\", {}): the value is a quoted name "
        "such as \"cubic\" and the length a number{}",
        s.name, set ? "length" : "[length]", set ? "" : " in brackets");
  }
  if (kind != Expr::Kind::String) return std::nullopt;
  auto len = eval_int(s.args[4]);
  std::string name = given_name(s.args[3], len.value_or(0));
  for (std::string_view other : kOtherCongestion) {
    if (name == other) {
      return fmt::format(
          "congestion control '{}' is not modelled by tcpsim (TCP_CONGESTION "
          "takes reno or cubic under linux, newreno or cubic under freebsd)",
          name);
    }
  }
  return std::nullopt;
}

const SockOptInfo* find_sockopt(std::string_view name) {
  for (const SockOptInfo& o : kSockOpts) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

std::string level_name(int level) {
  switch (level) {
    case kSolSocket:
      return "SOL_SOCKET";
    case kSolTcp:
      return "SOL_TCP (IPPROTO_TCP)";
    case kSolIp:
      return "SOL_IP (IPPROTO_IP)";
    default:
      return "SOL_IPV6 (IPPROTO_IPV6)";
  }
}

std::optional<std::string> check_sockopt_name(std::string_view name, std::string_view profile,
                                              bool& unsupported) {
  unsupported = false;
  // Families of options named by a part of their name (Linux's PSP and GRO controls).
  for (std::string_view part : {std::string_view("PSP"), std::string_view("GRO")}) {
    if (name.find(part) != std::string_view::npos && name.find("GROUP") == std::string_view::npos) {
      unsupported = true;
      return fmt::format("{} is not modelled by tcpsim (socket option {})",
                         part == "PSP" ? "PSP encryption" : "GRO (receive offload)", name);
    }
  }
  for (const OutOfScope& o : kNotModelled) {
    if (o.name == name) {
      unsupported = true;
      return fmt::format("{} is not modelled by tcpsim (socket option {})", o.feature, name);
    }
  }
  const SockOptInfo* info = find_sockopt(name);
  if (info == nullptr) {
    std::string names;
    for (const auto& o : kSockOpts) {
      if (!names.empty()) names += ", ";
      names += o.name;
    }
    return fmt::format("unsupported socket option '{}' (supported: {}, TCP_INFO)", name, names);
  }
  if (!info->only.empty() && info->only != profile) {
    return fmt::format("{} is a {} socket option, not available under the {} profile ({})", name,
                       info->only == "linux" ? "Linux" : "FreeBSD", profile, info->instead);
  }
  return std::nullopt;
}

Step Runner::set_local_option(SyscallCall& c, const SockOptInfo& info, int value) {
  bool freebsd = settings_.profile == "freebsd";
  // FreeBSD sosetopt: a low-water mark under 1 makes no sense (EINVAL); Linux takes a
  // negative SO_RCVLOWAT as INT_MAX and stores TCP_NOTSENT_LOWAT as it comes (u32).
  bool bad = info.local == LocalOpt::RcvLowat ? freebsd && value < 1
                                              : info.local != LocalOpt::NotsentLowat && value < 0;
  if (info.local == LocalOpt::Inq && value > 1) bad = true;  // do_tcp_setsockopt: 0 or 1
  if (bad) {
    c.r = CallReturn{-1, tcp::Errno::Invalid, false, {}};
    return std::nullopt;
  }
  switch (info.local) {
    case LocalOpt::RcvLowat:
      rcvlowat_[c.fd] = static_cast<std::size_t>(rcvlowat_cap(c.fd, value));
      break;
    case LocalOpt::NotsentLowat:
      notsent_lowat_[c.fd] = static_cast<std::uint32_t>(value);
      break;
    case LocalOpt::Inq:
      inq_[c.fd] = value != 0;
      break;
    case LocalOpt::Timestamping:
      return set_timestamping(c, value);
    case LocalOpt::None:
      break;
  }
  c.r = CallReturn{0, tcp::Errno::Ok, false, {}};
  return std::nullopt;
}

Step Runner::congestion_option(SyscallCall& c) {
  const SyscallSpec& s = c.spec;
  const Expr& value = s.args[3];
  const std::string& profile = settings_.profile;
  auto len = eval_int(s.args[4]).value_or(0);  // checked before the script ran
  if (s.name == "setsockopt") {
    if (len < 1) {
      c.r = CallReturn{-1, tcp::Errno::Invalid, false, {}};
      return std::nullopt;
    }
    auto algo = congestion_by_name(given_name(value, len), profile);
    // tcp_set_congestion_control: ENOENT; FreeBSD's tcp_set_cc_mod: ESRCH.
    tcp::Errno err =
        !algo ? (profile == "freebsd" ? tcp::Errno::NoSuchAlgo : tcp::Errno::NoEntry)
              : stack().setsockopt(c.fd, tcp::SockOpt::Congestion, static_cast<int>(*algo));
    c.r = CallReturn{err == tcp::Errno::Ok ? 0 : -1, err, false, {}};
    return std::nullopt;
  }
  int have = 0;
  tcp::Errno err = stack().getsockopt(c.fd, tcp::SockOpt::Congestion, have);
  if (err != tcp::Errno::Ok) {
    c.r = CallReturn{-1, err, false, {}};
    return std::nullopt;
  }
  c.r = CallReturn{0, tcp::Errno::Ok, false, {}};
  if (value.kind == Expr::Kind::Ellipsis) return std::nullopt;
  // Linux copies TCP_CA_NAME_MAX (16) bytes at most, the name NUL-padded; FreeBSD the name
  // and its NUL. packetdrill wants the length asked for back, and those bytes to match.
  std::string name = congestion_name(static_cast<tcp::CongestionAlgorithm>(have), profile);
  std::int64_t live = std::min<std::int64_t>(
      len, profile == "freebsd" ? static_cast<std::int64_t>(name.size()) + 1 : 16);
  std::string bytes = name;
  bytes.resize(static_cast<std::size_t>(std::max<std::int64_t>(live, 0)), '\0');
  if (len != static_cast<std::int64_t>(value.text.size())) {
    c.r.what = fmt::format(
        "bad getsockopt TCP_CONGESTION: the length [{}] is not that of "
        "\"{}\" ({} bytes)",
        len, value.text, value.text.size());
  } else if (live != len) {
    c.r.what =
        fmt::format("bad getsockopt TCP_CONGESTION length: expected {} but got {}", len, live);
  } else if (bytes != value.text) {
    c.r.what = fmt::format("bad getsockopt TCP_CONGESTION value: expected \"{}\" but got \"{}\"",
                           value.text, name);
  }
  return std::nullopt;
}

void Runner::inherit_local_options(tcp::Fd listener, tcp::Fd fd) {
  auto inherit = [&](auto& per_fd) {
    if (auto it = per_fd.find(listener); it != per_fd.end()) per_fd[fd] = it->second;
  };
  inherit(rcvlowat_);
  inherit(notsent_lowat_);
  inherit(rcvbuf_locked_);
  inherit(inq_);
  // sk_clone_lock copies sk_tsflags: the accepted socket asks for what the listener did.
  if (auto it = tstamps_.find(listener); it != tstamps_.end())
    tstamps_[fd].flags = it->second.flags;
}

std::int64_t Runner::rcvlowat_cap(tcp::Fd fd, int value) {
  int rcvbuf = 0;
  stack().getsockopt(fd, tcp::SockOpt::RcvBuf, rcvbuf);
  if (settings_.profile == "freebsd") return std::min(value, rcvbuf);  // sb_hiwat
  // tcp.c tcp_set_rcvlowat: half the buffer set with SO_RCVBUF, else half tcp_rmem[2];
  // 0 means 1. (It may also grow the buffer for the mark; tcpsim does not.)
  std::int64_t v = value < 0 ? 0x7fffffff : value;
  std::int64_t cap = (rcvbuf_locked_.count(fd) != 0 ? rcvbuf : config_.wscale_space) / 2;
  return std::max<std::int64_t>(std::min(v, cap), 1);
}

std::int64_t Runner::local_option(tcp::Fd fd, LocalOpt which) const {
  switch (which) {
    case LocalOpt::RcvLowat: {
      auto it = rcvlowat_.find(fd);
      return it == rcvlowat_.end() ? 1 : static_cast<std::int64_t>(it->second);
    }
    case LocalOpt::NotsentLowat: {
      // tp->notsent_lowat, read back as an int: 0 until set (the sysctl's limit applies).
      auto it = notsent_lowat_.find(fd);
      return it == notsent_lowat_.end() ? 0 : static_cast<std::int32_t>(it->second);
    }
    case LocalOpt::Inq: {
      auto it = inq_.find(fd);
      return it != inq_.end() && it->second ? 1 : 0;
    }
    case LocalOpt::Timestamping: {
      auto it = tstamps_.find(fd);
      return it == tstamps_.end() ? 0 : it->second.flags;
    }
    case LocalOpt::None:
      break;
  }
  return 0;
}

}  // namespace tcpsim::sim::script::detail
