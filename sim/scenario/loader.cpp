#include "sim/scenario/loader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "sim/core/input_file.hpp"
#include "sim/core/units.hpp"
#include "sim/net/link_keys.hpp"
#include "sim/scenario/app_kind.hpp"
#include "sim/scenario/replicate.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace tcpsim::sim {
namespace {

const std::vector<std::string_view> kTopKeys = {"name",   "summary", "seed",   "duration",
                                                "params", "host",    "router", "link",
                                                "app",    "faults",  "check"};
const std::vector<std::string_view> kHostKeys = {"name", "address", "profile", "tcp"};
const std::vector<std::string_view> kRouterKeys = {"name"};
const std::vector<std::string_view> kTcpKeys = {"cc",
                                                "nagle",
                                                "delayed_ack",
                                                "min_rto",
                                                "initial_rto",
                                                "max_rto",
                                                "syn_retries",
                                                "retries",
                                                "msl",
                                                "sack",
                                                "timestamps",
                                                "window_scaling",
                                                "wscale",
                                                "mtu",
                                                "rcvbuf",
                                                "sndbuf",
                                                "initial_window",
                                                "challenge_ack_limit",
                                                "keepalive",
                                                "syncookies",
                                                "user_timeout",
                                                "ecn",
                                                "tso",
                                                "tail_loss_probe",
                                                "rack",
                                                "reordering",
                                                "max_reordering"};
// The keys every [[app]] takes, whatever its role (sim/scenario/app_kind.hpp).
const std::vector<std::string_view> kCommonAppKeys = {
    "name",      "host",        "role",   "connect", "port",       "start",    "send",
    "send_at",   "reply_after", "echo",   "close",   "half_close", "abort_at", "read",
    "read_from", "rcvbuf",      "sndbuf", "maxseg",  "nodelay",    "linger",   "backlog"};
const std::vector<std::string_view> kCheckKeys = {"kind",  "host", "app",    "state", "when",
                                                  "error", "min",  "status", "code"};

// The keys of a [[link]]: its two ends, then every parameter of the link key table.
const std::vector<std::string_view>& link_toml_keys() {
  static const std::vector<std::string_view> keys = [] {
    std::vector<std::string_view> k{"between"};
    for (const LinkKey& key : link_keys()) k.push_back(key.name);
    return k;
  }();
  return keys;
}

// Reads every parameter of the link key table, in table order, so that a default that
// depends on another key sees that key's value.
void read_link_keys(const Reader& r, const toml::table& t, LinkSpec& l) {
  for (const LinkKey& k : link_keys()) {
    LinkSetting v = k.default_given(l.params, l.faults);
    switch (k.type) {
      case LinkKeyType::Rate:
        v.amount =
            static_cast<std::int64_t>(r.rate(t, k.name, static_cast<std::uint64_t>(v.amount)));
        break;
      case LinkKeyType::Duration:
        v.amount = r.duration(t, k.name, v.amount);
        break;
      case LinkKeyType::Count:
        v.amount = r.integer(t, k.name, v.amount, k.min, k.max);
        break;
      case LinkKeyType::Bytes:
        v.amount =
            static_cast<std::int64_t>(r.bytes(t, k.name, static_cast<std::uint64_t>(v.amount)));
        break;
      case LinkKeyType::Probability:
        v.probability = r.probability(t, k.name, v.probability);
        break;
    }
    k.access.set(v, l.params, l.faults);
  }
}

tcp::TcpConfig read_tcp(const Reader& r, const toml::table& host, const toml::node& host_node) {
  std::string profile = r.str(host, "profile", "linux");
  auto cfg = tcp::TcpConfig::profile_named(profile);
  if (!cfg) {
    r.fail(Errc::UnknownName, host.get("profile") ? *host.get("profile") : host_node, "profile",
           fmt::format("unknown profile '{}' (allowed: linux, freebsd, rfc)", profile));
  }
  const toml::node* tn = host.get("tcp");
  if (tn == nullptr) return *cfg;
  const toml::table* t = tn->as_table();
  if (t == nullptr) r.fail(Errc::BadValue, *tn, "tcp", "expected a table of TCP settings");
  r.check_keys(*t, "[host.tcp]", kTcpKeys);
  tcp::TcpConfig& c = *cfg;
  if (const toml::node* n = t->get("cc")) {
    std::string v = r.str(*t, "cc");
    auto a = tcp::parse_congestion_algorithm(v);
    if (!a)
      r.fail(Errc::UnknownName, *n, "cc",
             fmt::format("unknown congestion control '{}' (allowed: reno, newreno, cubic)", v));
    c.congestion = *a;
  }
  c.nagle = r.boolean(*t, "nagle", c.nagle);
  c.delayed_ack_timeout = r.duration(*t, "delayed_ack", c.delayed_ack_timeout);
  c.min_rto = r.duration(*t, "min_rto", c.min_rto);
  c.initial_rto = r.duration(*t, "initial_rto", c.initial_rto);
  c.max_rto = r.duration(*t, "max_rto", c.max_rto);
  c.syn_retries = static_cast<int>(r.integer(*t, "syn_retries", c.syn_retries, 0, 100));
  c.data_retries = static_cast<int>(r.integer(*t, "retries", c.data_retries, 0, 100));
  c.msl = r.duration(*t, "msl", c.msl);
  c.sack = r.boolean(*t, "sack", c.sack);
  c.timestamps = r.boolean(*t, "timestamps", c.timestamps);
  c.window_scaling = r.boolean(*t, "window_scaling", c.window_scaling);
  if (t->contains("wscale")) {
    c.window_shift = static_cast<std::uint8_t>(r.integer(*t, "wscale", c.window_shift, 0, 14));
    c.shift_rule = tcp::ShiftRule::Fixed;  // a shift given by name wins over the profile's rule
  }
  c.mtu = static_cast<std::uint32_t>(r.integer(*t, "mtu", c.mtu, 128, 65535));
  c.recv_buffer = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(r.bytes(*t, "rcvbuf", c.recv_buffer), 1u << 30));
  c.send_buffer = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(r.bytes(*t, "sndbuf", c.send_buffer), 1u << 30));
  c.initial_window_segments = static_cast<std::uint32_t>(
      r.integer(*t, "initial_window", c.initial_window_segments, 1, 1000));
  c.challenge_ack_limit = static_cast<std::uint32_t>(
      r.integer(*t, "challenge_ack_limit", c.challenge_ack_limit, 0, 1000000));
  c.keepalive = r.boolean(*t, "keepalive", c.keepalive);
  c.syncookies = static_cast<int>(r.integer(*t, "syncookies", c.syncookies, 0, 2));
  c.user_timeout = r.duration(*t, "user_timeout", c.user_timeout);
  c.ecn = static_cast<int>(r.integer(*t, "ecn", c.ecn, 0, 2));
  c.tso = r.boolean(*t, "tso", c.tso);
  c.tail_loss_probe = r.boolean(*t, "tail_loss_probe", c.tail_loss_probe);
  c.rack = r.boolean(*t, "rack", c.rack);
  c.reordering = static_cast<std::uint32_t>(r.integer(*t, "reordering", c.reordering, 1, 300));
  c.max_reordering =
      static_cast<std::uint32_t>(r.integer(*t, "max_reordering", c.max_reordering, 1, 1024));
  if (c.min_rto <= 0)
    r.fail(Errc::OutOfRange, *t->get("min_rto"), "min_rto", "must be greater than 0");
  return c;
}

std::vector<wire::IpAddress> read_addresses(const Reader& r, const toml::table& host,
                                            const toml::node& owner) {
  std::vector<wire::IpAddress> out;
  const toml::node* n = host.get("address");
  if (n == nullptr)
    r.fail(Errc::Missing, owner, "address", "a host needs an address (IPv4 or IPv6)");
  auto add = [&](const toml::node& v) {
    auto s = v.value<std::string>();
    auto a = s ? wire::IpAddress::parse(*s) : std::nullopt;
    if (!a)
      r.fail(Errc::BadValue, v, "address", "expected an IPv4 or IPv6 address such as \"10.0.0.1\"");
    out.push_back(*a);
  };
  if (const toml::array* arr = n->as_array()) {
    for (const toml::node& v : *arr) add(v);
  } else {
    add(*n);
  }
  if (out.empty()) r.fail(Errc::Missing, *n, "address", "at least one address is needed");
  return out;
}

void read_peer_close(const Reader& r, const toml::table& t, PeerConfig& p) {
  const toml::node* n = t.get("close");
  if (n == nullptr) return;
  std::string v = r.str(t, "close");
  if (v == "after-send") {
    p.close = PeerConfig::Close::AfterSend;
  } else if (v == "after-peer-close") {
    p.close = PeerConfig::Close::AfterPeerClose;
  } else if (v == "never") {
    p.close = PeerConfig::Close::Never;
  } else if (auto d = parse_duration(v)) {
    p.close = PeerConfig::Close::Never;
    p.close_at = *d;
  } else {
    r.fail(Errc::BadValue, *n, "close",
           fmt::format("'{}' is not allowed (allowed: after-send, after-peer-close, never, or a "
                       "time such as \"50ms\")",
                       v));
  }
}

// Reads "HOST:PORT" into the spec's connect target.
void read_connect(const Reader& r, const toml::table& t, const toml::node& node, AppSpec& a) {
  const toml::node* cn = t.get("connect");
  if (cn == nullptr)
    r.fail(Errc::Missing, node, "connect", "a client [[app]] needs connect = \"HOST:PORT\"");
  std::string c = r.str(t, "connect");
  auto colon = c.rfind(':');
  if (colon == std::string::npos || colon + 1 >= c.size()) {
    r.fail(Errc::BadValue, *cn, "connect",
           "expected \"HOST:PORT\", e.g. \"server:80\" or \"[fd00::2]:80\"");
  }
  std::string hostpart = c.substr(0, colon);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(c.data() + colon + 1, c.data() + c.size(), port);
  if (ec != std::errc() || ptr != c.data() + c.size() || port == 0 || port > 65535) {
    r.fail(Errc::OutOfRange, *cn, "connect", "the port must be a number in [1, 65535]");
  }
  a.connect_port = static_cast<std::uint16_t>(port);
  if (hostpart.size() > 2 && hostpart.front() == '[' && hostpart.back() == ']') {
    hostpart = hostpart.substr(1, hostpart.size() - 2);
  }
  if (auto addr = wire::IpAddress::parse(hostpart)) {
    a.connect_addr = *addr;
  } else {
    a.connect_host = hostpart;
  }
}

// The keys every [[app]] takes (the byte-stream options only act on a plain client or
// server, but are read, and so checked, for every role).
void read_peer_options(const Reader& r, const toml::table& t, PeerConfig& p) {
  p.start = r.duration(t, "start", 0);
  p.send_bytes = r.bytes(t, "send", 0);
  if (t.get("send_at") != nullptr) p.send_at = r.duration(t, "send_at", 0);
  p.reply_after = r.bytes(t, "reply_after", 0);
  p.echo = r.boolean(t, "echo", false);
  read_peer_close(r, t, p);
  p.shutdown_after_send = r.boolean(t, "half_close", false);
  if (t.get("abort_at") != nullptr) p.abort_at = r.duration(t, "abort_at", 0);
  p.read = r.boolean(t, "read", true);
  if (t.get("read_from") != nullptr) p.read_from = r.duration(t, "read_from", 0);
  p.rcvbuf = static_cast<std::uint32_t>(std::min<std::uint64_t>(r.bytes(t, "rcvbuf", 0), 1u << 30));
  p.sndbuf = static_cast<std::uint32_t>(std::min<std::uint64_t>(r.bytes(t, "sndbuf", 0), 1u << 30));
  p.maxseg = static_cast<std::uint32_t>(r.integer(t, "maxseg", 0, 0, 65535));
  p.nodelay = r.boolean(t, "nodelay", false);
  p.linger = static_cast<int>(r.integer(t, "linger", -1, -1, 3600));
  p.backlog = static_cast<int>(r.integer(t, "backlog", 16, 1, 65535));
}

// The allowed keys of an [[app]]: those every [[app]] takes, then each kind's own, in
// registry order.
const std::vector<std::string_view>& app_toml_keys() {
  static const std::vector<std::string_view> keys = [] {
    std::vector<std::string_view> k = kCommonAppKeys;
    for (const AppKind& kind : app_kinds()) {
      for (std::string_view key : kind.keys) {
        if (std::find(k.begin(), k.end(), key) == k.end()) k.push_back(key);
      }
    }
    return k;
  }();
  return keys;
}

AppSpec read_app(const Reader& r, const toml::table& t, const toml::node& node) {
  r.check_keys(t, "[[app]]", app_toml_keys());
  AppSpec a;
  a.host = r.required_str(t, "host", node, "an [[app]]");
  PeerConfig p;
  p.name = r.str(t, "name", a.host);
  std::string role_name = r.str(t, "role", t.get("connect") != nullptr ? "client" : "server");
  const AppKind* kind = nullptr;
  const AppRole* role = nullptr;
  std::vector<std::string_view> roles;
  for (const AppKind& k : app_kinds()) {
    for (const AppRole& each : k.roles) {
      roles.push_back(each.name);
      if (each.name == role_name) {
        kind = &k;
        role = &each;
      }
    }
  }
  if (role == nullptr) {
    r.fail(Errc::UnknownName, *t.get("role"), "role",
           fmt::format("'{}' is not allowed (allowed: {})", role_name, join_names(roles)));
  }
  // The kind's own keys first, so that their errors come before those of the common keys.
  AppConfig config = kind->read(r, t);
  p.role = role->server ? PeerConfig::Role::Server : PeerConfig::Role::Client;
  p.close = role->server ? PeerConfig::Close::AfterPeerClose : PeerConfig::Close::AfterSend;
  p.port = static_cast<std::uint16_t>(r.integer(t, "port", role->port, 0, 65535));
  if (p.role == PeerConfig::Role::Client) {
    read_connect(r, t, node, a);
  } else if (p.port == 0) {
    r.fail(Errc::Missing, node, "port", "a server [[app]] needs port = N (the port it listens on)");
  }
  read_peer_options(r, t, p);
  a.name = p.name;
  kind->adopt(config, p);
  a.config = std::move(config);
  return a;
}

CheckSpec read_check(const Reader& r, const toml::table& t, const toml::node& node,
                     const std::string& source) {
  r.check_keys(t, "[[check]]", kCheckKeys);
  CheckSpec c;
  c.where = fmt::format("{}:{}", source, node.source().begin.line);
  std::string kind = r.required_str(t, "kind", node, "a [[check]]");
  const toml::node& kn = *t.get("kind");
  if (kind == "integrity") {
    c.kind = CheckSpec::Kind::Integrity;
  } else if (kind == "state") {
    c.kind = CheckSpec::Kind::State;
    c.host = r.required_str(t, "host", node, "a state check");
    std::string s = r.required_str(t, "state", node, "a state check");
    auto st = tcp::parse_state(s);
    if (!st)
      r.fail(Errc::UnknownName, *t.get("state"), "state",
             fmt::format(
                 "unknown state '{}' (allowed: CLOSED, LISTEN, SYN-SENT, SYN-RECEIVED, "
                 "ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT)",
                 s));
    c.state = *st;
    std::string when = r.str(t, "when", "entered");
    if (when == "final") {
      c.final_state = true;
    } else if (when != "entered") {
      r.fail(Errc::BadValue, *t.get("when"), "when", "allowed: entered, final");
    }
  } else if (kind == "rst") {
    c.kind = CheckSpec::Kind::Rst;
    c.host = r.required_str(t, "host", node, "an rst check");
  } else if (kind == "error") {
    c.kind = CheckSpec::Kind::Error;
    c.app = r.required_str(t, "app", node, "an error check");
    std::string e = r.required_str(t, "error", node, "an error check");
    bool found = false;
    for (int i = 0; i <= static_cast<int>(tcp::Errno::NoProtoOpt); ++i) {
      if (tcp::errno_name(static_cast<tcp::Errno>(i)) == e) {
        c.error = static_cast<tcp::Errno>(i);
        found = true;
      }
    }
    if (!found)
      r.fail(Errc::UnknownName, *t.get("error"), "error",
             fmt::format("unknown error '{}' (e.g. ECONNREFUSED, ECONNRESET, ETIMEDOUT)", e));
  } else if (kind == "http") {
    c.kind = CheckSpec::Kind::Http;
    c.app = r.required_str(t, "app", node, "an http check");
    c.min = static_cast<std::uint64_t>(r.integer(t, "min", 0, 0, 1 << 30));
    c.status = static_cast<int>(r.integer(t, "status", 0, 0, 599));
  } else if (kind == "websocket") {
    c.kind = CheckSpec::Kind::WebSocket;
    c.app = r.required_str(t, "app", node, "a websocket check");
    c.status = static_cast<int>(r.integer(t, "status", 0, 0, 599));
    c.code = static_cast<std::uint16_t>(r.integer(t, "code", 1000, 1000, 4999));
  } else if (kind == "feed") {
    c.kind = CheckSpec::Kind::Feed;
    c.app = r.required_str(t, "app", node, "a feed check");
    c.min = static_cast<std::uint64_t>(r.integer(t, "min", 0, 0, 1 << 30));
  } else if (kind == "retransmissions" || kind == "delivered") {
    c.kind = kind == "delivered" ? CheckSpec::Kind::Delivered : CheckSpec::Kind::Retransmissions;
    c.app = r.required_str(t, "app", node, "this check");
    c.min = kind == "delivered" ? r.bytes(t, "min", 1)
                                : static_cast<std::uint64_t>(r.integer(t, "min", 1, 0, 1 << 30));
  } else {
    r.fail(Errc::UnknownName, kn, "kind",
           fmt::format("unknown check '{}' (allowed: integrity, state, rst, error, "
                       "retransmissions, delivered, http, websocket, feed)",
                       kind));
  }
  return c;
}

// `origins`: the replaced node, if it was a copy's, is forgotten.
void set_value(toml::table& t, std::string_view key, const std::string& value,
               NodeOrigins* origins = nullptr) {
  if (const toml::node* old = t.get(key); old != nullptr && origins != nullptr)
    forget_origins(*origins, *old);
  try {
    toml::table tmp = toml::parse("v = " + value);
    if (const toml::node* v = tmp.get("v"); v != nullptr && !v->is_table() && !v->is_array()) {
      if (auto i = v->value_exact<std::int64_t>()) {
        t.insert_or_assign(key, *i);
      } else if (auto d = v->value_exact<double>()) {
        t.insert_or_assign(key, *d);
      } else if (auto b = v->value_exact<bool>()) {
        t.insert_or_assign(key, *b);
      } else if (auto s = v->value_exact<std::string>()) {
        t.insert_or_assign(key, *s);
      } else {
        t.insert_or_assign(key, value);
      }
      return;
    }
  } catch (const toml::parse_error&) {
  }
  t.insert_or_assign(key, value);
}

// `origins`: those of the replicated tables' copies, when --set applies to them.
std::optional<Error> apply_override(toml::table& root, const Override& o,
                                    NodeOrigins* origins = nullptr) {
  auto refuse = [](Errc code, std::string message) {
    return Error{code, std::move(message), "--set"};
  };
  const std::string allowed =
      "allowed: seed, duration, a [params] key, link.<key>, tcp.<key>, host.<name>.<key>, "
      "app.<name>.<key>";
  auto dot = o.key.find('.');
  if (dot == std::string::npos) {
    if (o.key == "seed" || o.key == "duration") {
      set_value(root, o.key, o.value);
      return std::nullopt;
    }
    toml::table* params = root["params"].as_table();
    if (params != nullptr && params->contains(o.key)) {
      set_value(*params, o.key, o.value);
      return std::nullopt;
    }
    return refuse(Errc::UnknownKey, fmt::format("unknown --set key '{}' ({})", o.key, allowed));
  }
  std::string head = o.key.substr(0, dot);
  std::string rest = o.key.substr(dot + 1);
  auto each = [&](std::string_view array, auto&& fn) {
    if (toml::array* arr = root[array].as_array()) {
      for (toml::node& n : *arr) {
        if (toml::table* t = n.as_table()) fn(*t);
      }
    }
  };
  if (head == "link") {
    if (find_link_key(rest) == nullptr) {
      return refuse(Errc::UnknownKey,
                    fmt::format("unknown --set key '{}' (link keys: {})", o.key, link_key_names()));
    }
    bool any = false;
    each("link", [&](toml::table& t) {
      set_value(t, rest, o.value, origins);
      any = true;
    });
    if (!any) {
      return refuse(Errc::Missing, fmt::format("--set {}: the scenario has no [[link]]", o.key));
    }
    return std::nullopt;
  }
  if (head == "tcp" && rest == "profile") {
    // Every host's profile (host.<name>.profile sets one).
    each("host", [&](toml::table& t) { set_value(t, "profile", o.value, origins); });
    return std::nullopt;
  }
  if (head == "tcp") {
    if (std::find(kTcpKeys.begin(), kTcpKeys.end(), rest) == kTcpKeys.end()) {
      return refuse(Errc::UnknownKey, fmt::format("unknown --set key '{}' (tcp keys: profile, {})",
                                                  o.key, join_names(kTcpKeys)));
    }
    each("host", [&](toml::table& t) {
      if (!t.contains("tcp")) t.insert("tcp", toml::table{});
      if (toml::table* tcp = t["tcp"].as_table()) set_value(*tcp, rest, o.value, origins);
    });
    return std::nullopt;
  }
  if (head == "host" || head == "app") {
    auto dot2 = rest.find('.');
    if (dot2 == std::string::npos)
      return refuse(Errc::BadSyntax,
                    fmt::format("--set {}: expected {}.<name>.<key>", o.key, head));
    std::string name = rest.substr(0, dot2);
    std::string key = rest.substr(dot2 + 1);
    bool found = false;
    each(head, [&](toml::table& t) {
      std::string n = t["name"].value_or(std::string());
      if (head == "app" && n.empty()) n = t["host"].value_or(std::string());
      if (n != name) return;
      found = true;
      if (head == "host" && key != "profile" && key != "address") {
        if (!t.contains("tcp")) t.insert("tcp", toml::table{});
        if (toml::table* tcp = t["tcp"].as_table()) set_value(*tcp, key, o.value, origins);
      } else {
        set_value(t, key, o.value, origins);
      }
    });
    if (!found) {
      return refuse(Errc::UnknownName,
                    fmt::format("--set {}: no {} named '{}'", o.key, head, name));
    }
    return std::nullopt;
  }
  return refuse(Errc::UnknownKey, fmt::format("unknown --set key '{}' ({})", o.key, allowed));
}

// Calls fn(table, node) for each table of the array `key` ("[[key]]").
template <class F>
void each_table(const Reader& r, const toml::table& root, std::string_view key, F&& fn) {
  const toml::array* arr = root[key].as_array();
  if (arr == nullptr) return;
  for (const toml::node& n : *arr) {
    const toml::table* t = n.as_table();
    if (t == nullptr) r.fail(Errc::BadValue, n, key, fmt::format("expected [[{}]] tables", key));
    fn(*t, n);
  }
}

// The [[host]] and [[router]] tables; `names` collects every node's name.
void read_nodes(const Reader& r, const toml::table& root, Scenario& s,
                std::set<std::string>& names) {
  auto note_name = [&](const std::string& n, const toml::node& at) {
    if (n.empty()) r.fail(Errc::BadValue, at, "name", "must not be empty");
    if (!names.insert(n).second)
      r.fail(Errc::Duplicate, at, "name", fmt::format("'{}' is used twice", n));
  };
  std::set<wire::IpAddress> used;
  each_table(r, root, "host", [&](const toml::table& t, const toml::node& hn) {
    r.check_keys(t, "[[host]]", kHostKeys);
    HostSpec h;
    h.name = r.required_str(t, "name", hn, "a [[host]]");
    note_name(h.name, *t.get("name"));
    h.addresses = read_addresses(r, t, hn);
    for (const auto& a : h.addresses) {
      if (!used.insert(a).second) {
        r.fail(Errc::Duplicate, *t.get("address"), "address",
               fmt::format("{} is used by two hosts", a.to_string()));
      }
    }
    h.tcp = read_tcp(r, t, hn);
    s.hosts.push_back(std::move(h));
  });
  if (s.hosts.empty())
    throw LoadError(Error{Errc::Missing,
                          fmt::format("{}: a scenario needs at least one [[host]]", s.source),
                          s.source});
  each_table(r, root, "router", [&](const toml::table& t, const toml::node& rn) {
    r.check_keys(t, "[[router]]", kRouterKeys);
    std::string n = r.required_str(t, "name", rn, "a [[router]]");
    note_name(n, *t.get("name"));
    s.routers.push_back(n);
  });
}

LinkSpec read_link(const Reader& r, const toml::table& t, const toml::node& ln,
                   const std::set<std::string>& names) {
  r.check_keys(t, "[[link]]", link_toml_keys());
  LinkSpec l;
  const toml::node* b = t.get("between");
  const toml::array* arr = b != nullptr ? b->as_array() : nullptr;
  if (arr == nullptr || arr->size() != 2) {
    r.fail(Errc::BadValue, b != nullptr ? *b : ln, "between",
           "expected two node names, e.g. [\"client\", \"server\"]");
  }
  l.a = (*arr)[0].value_or(std::string());
  l.b = (*arr)[1].value_or(std::string());
  for (const std::string& n : {l.a, l.b}) {
    if (!names.count(n))
      r.fail(Errc::UnknownName, *b, "between", fmt::format("unknown node '{}'", n));
  }
  if (l.a == l.b) r.fail(Errc::BadValue, *b, "between", "a link joins two different nodes");
  read_link_keys(r, t, l);
  std::string label = fmt::format("link {}-{}", l.a, l.b);
  for (const Status& st : {l.params.validate(label), l.faults.validate(label)}) {
    if (!st.ok()) r.fail(st.error().code, ln, "link", st.error().message);
  }
  return l;
}

void read_faults(const Reader& r, const toml::table& root, Scenario& s) {
  const toml::node* fn = root.get("faults");
  if (fn == nullptr) return;
  const toml::array* arr = fn->as_array();
  if (arr == nullptr) r.fail(Errc::BadValue, *fn, "faults", "expected an array of fault commands");
  for (const toml::node& f : *arr) {
    auto text = f.value<std::string>();
    if (!text)
      r.fail(Errc::BadValue, f, "faults", "each fault is a string such as \"drop syn-ack #1\"");
    s.faults.push_back(*text);
    s.fault_where.push_back(r.where(f));
  }
}

Scenario interpret(const toml::table& root, const std::string& source, const NodeOrigins& origins) {
  Reader r(root, source, &origins);
  r.check_keys(root, "the scenario's top level", kTopKeys);
  Scenario s;
  s.source = source;
  s.name = r.str(root, "name", "");
  s.summary = r.str(root, "summary", "");
  s.seed = static_cast<std::uint64_t>(r.integer(root, "seed", 1, 0, INT64_MAX));
  s.duration = r.duration(root, "duration", 300 * kSecond);
  if (s.duration <= 0)
    r.fail(Errc::OutOfRange, *root.get("duration"), "duration", "must be greater than 0");

  std::set<std::string> names;
  read_nodes(r, root, s, names);
  // A set, so that thousands of replicated apps each find their host at once.
  std::set<std::string, std::less<>> host_names;
  for (const HostSpec& h : s.hosts) host_names.insert(h.name);
  auto has_host = [&](std::string_view name) { return host_names.count(name) > 0; };
  each_table(r, root, "link", [&](const toml::table& t, const toml::node& ln) {
    s.links.push_back(read_link(r, t, ln, names));
  });
  each_table(r, root, "app", [&](const toml::table& t, const toml::node& an) {
    AppSpec a = read_app(r, t, an);
    if (!has_host(a.host))
      r.fail(Errc::UnknownName, *t.get("host"), "host", fmt::format("unknown host '{}'", a.host));
    if (!a.connect_host.empty() && !has_host(a.connect_host)) {
      r.fail(Errc::UnknownName, *t.get("connect"), "connect",
             fmt::format("unknown host '{}'", a.connect_host));
    }
    s.apps.push_back(std::move(a));
  });
  read_faults(r, root, s);
  each_table(r, root, "check", [&](const toml::table& t, const toml::node& cn) {
    CheckSpec c = read_check(r, t, cn, source);
    if (!c.host.empty() && !has_host(c.host)) {
      r.fail(Errc::UnknownName, *t.get("host"), "host", fmt::format("unknown host '{}'", c.host));
    }
    if (!c.app.empty() && std::none_of(s.apps.begin(), s.apps.end(),
                                       [&](const AppSpec& a) { return a.name == c.app; })) {
      r.fail(Errc::UnknownName, *t.get("app"), "app", fmt::format("unknown app '{}'", c.app));
    }
    s.checks.push_back(std::move(c));
  });
  return s;
}

}  // namespace

Result<Override, Error> parse_override(std::string_view text) {
  auto eq = text.find('=');
  // An absurdly long value is refused before it is echoed anywhere; the key is named only
  // when it is short enough to read.
  std::string_view key = eq == std::string_view::npos ? text : text.substr(0, eq);
  std::string_view value = eq == std::string_view::npos ? "" : text.substr(eq + 1);
  auto length = key.size() > 64 ? check_option_length("--set", "", text)
                                : check_option_length("--set", key, value);
  if (!length.ok()) return fail(length.error());
  if (eq == std::string_view::npos || eq == 0) {
    return fail_with(Errc::BadSyntax,
                     fmt::format("--set '{}': expected KEY=VALUE, e.g. --set link.loss=0.01", text),
                     "--set");
  }
  return Override{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Result<Scenario, Error> load_scenario(std::string_view toml_text, const std::string& source,
                                      const std::vector<Override>& overrides) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    std::string at =
        fmt::format("{}:{}:{}", source, e.source().begin.line, e.source().begin.column);
    return fail_with(Errc::BadSyntax, fmt::format("{}: {}", at, e.description()), at);
  }
  // The overrides of [params], seed and duration first, since a count may use a [params]
  // entry; then the copies are made, so that host.NAME and app.NAME name a copy.
  auto dotted = [](const Override& o) { return o.key.find('.') != std::string::npos; };
  for (const Override& o : overrides) {
    if (!dotted(o)) {
      if (auto err = apply_override(root, o)) return fail(*err);
    }
  }
  NodeOrigins origins;
  try {
    replicate_tables(root, source, origins);
    for (const Override& o : overrides) {
      if (!dotted(o)) continue;
      if (auto err = apply_override(root, o, &origins)) return fail(*err);
    }
    return interpret(root, source, origins);
  } catch (const LoadError& e) {
    return fail(e.error);
  }
}

std::string CheckSpec::describe() const {
  switch (kind) {
    case Kind::Integrity:
      return "every stream arrives intact (SHA-256)";
    case Kind::State:
      return fmt::format("{} {} {}", host, final_state ? "ends in" : "enters",
                         tcp::to_string(state));
    case Kind::Rst:
      return fmt::format("{} receives a RST", host);
    case Kind::Error:
      return fmt::format("{} sees {}", app, tcp::errno_name(error));
    case Kind::Retransmissions:
      return fmt::format("{} retransmits at least {} segment(s)", app, min);
    case Kind::Delivered:
      return fmt::format("{} receives at least {} bytes", app, min);
    case Kind::Http:
      if (status != 0) return fmt::format("{} gets {} to every request", app, status);
      return min == 0 ? fmt::format("{} gets a 2xx answer to every request", app)
                      : fmt::format("{} gets at least {} 2xx answer(s)", app, min);
    case Kind::WebSocket:
      if (status != 0) return fmt::format("{}'s WebSocket handshake is answered {}", app, status);
      return fmt::format("{} exchanges every WebSocket message and closes with {}", app, code);
    case Kind::Feed:
      return min == 0 ? fmt::format("{} receives every feed event", app)
                      : fmt::format("{} receives at least {} feed event(s)", app, min);
  }
  return "?";
}

}  // namespace tcpsim::sim

namespace tcpsim::sim {
const BuiltinScenario* find_builtin(std::string_view name) {
  for (const BuiltinScenario& b : builtin_scenarios()) {
    if (b.name == name) return &b;
  }
  return nullptr;
}
}  // namespace tcpsim::sim
