#include "sim/script/script.hpp"

#include <fmt/core.h>

#include "stack/wire/tcp.hpp"

namespace tcpsim::sim::script {

std::string ScriptError::to_string(std::string_view file) const {
  if (line <= 0) return fmt::format("{}: {}", file, message);
  if (column <= 0) return fmt::format("{}:{}: {}", file, line, message);
  return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

std::size_t OptionSpec::wire_size() const {
  switch (kind) {
    case Kind::Nop:
    case Kind::Eol:
      return 1;
    case Kind::Mss:
      return 4;
    case Kind::WindowScale:
      return 3;
    case Kind::SackPermitted:
      return 2;
    case Kind::Sack:
      return 2 + 8 * blocks.size();
    case Kind::Timestamp:
      return 10;
    case Kind::Other:
      return b;
  }
  return 0;
}

std::string Expr::to_string() const {
  auto join = [&](std::string_view sep) {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) s += sep;
      s += items[i].to_string();
    }
    return s;
  };
  switch (kind) {
    case Kind::Ellipsis:
      return "...";
    case Kind::Int:
      return text.empty() ? std::to_string(number) : text;
    case Kind::Word:
      return text;
    case Kind::String:
      return fmt::format("\"{}\"", text);
    case Kind::Or:
      return join("|");
    case Kind::Assign:
      return fmt::format("{}={}", text, items.empty() ? "" : items[0].to_string());
    case Kind::List:
      return fmt::format("[{}]", join(", "));
    case Kind::Struct:
      return fmt::format("{{{}}}", join(", "));
    case Kind::Call:
      return fmt::format("{}({})", text, join(", "));
  }
  return "?";
}

std::string to_string(const OptionSpec& o) {
  switch (o.kind) {
    case OptionSpec::Kind::Nop:
      return "nop";
    case OptionSpec::Kind::Eol:
      return "eol";
    case OptionSpec::Kind::Mss:
      return fmt::format("mss {}", o.a);
    case OptionSpec::Kind::WindowScale:
      return fmt::format("wscale {}", o.a);
    case OptionSpec::Kind::SackPermitted:
      return "sackOK";
    case OptionSpec::Kind::Sack: {
      std::string s = "sack";
      for (const auto& [l, r] : o.blocks) s += fmt::format(" {}:{}", l, r);
      return s;
    }
    case OptionSpec::Kind::Timestamp:
      return fmt::format("TS val {} ecr {}", o.a, o.b);
    case OptionSpec::Kind::Other:
      return fmt::format("opt-{} len {}", o.a, o.b);
  }
  return "?";
}

std::string to_string(const PacketSpec& p) {
  std::string flags;
  if (p.flags & wire::tcp_flag::kFin) flags += 'F';
  if (p.flags & wire::tcp_flag::kSyn) flags += 'S';
  if (p.flags & wire::tcp_flag::kRst) flags += 'R';
  if (p.flags & wire::tcp_flag::kPsh) flags += 'P';
  if (p.flags & wire::tcp_flag::kUrg) flags += 'U';
  if (p.flags & wire::tcp_flag::kEce) flags += 'E';
  if (p.flags & wire::tcp_flag::kCwr) flags += 'W';
  if (p.flags & wire::tcp_flag::kAck) flags += '.';
  if (flags.empty()) flags.push_back('-');
  std::string ip;
  auto add = [&](const std::string& item) {
    if (!ip.empty()) ip += ',';
    ip += item;
  };
  static constexpr std::string_view kEcn[] = {"noecn", "ect1", "ect0", "ce"};
  if (p.ip.ecn) add(std::string(kEcn[*p.ip.ecn & 3]));
  if (p.ip.ecn_either) add("ect01");
  if (p.ip.tos) add(fmt::format("tos {:#04x}", *p.ip.tos));
  if (p.ip.ttl) add(fmt::format("ttl {}", *p.ip.ttl));
  if (p.ip.flow_label) add(fmt::format("flowlabel {:#x}", *p.ip.flow_label));
  if (p.icmp) {
    std::string s = fmt::format("{}icmp {}", ip.empty() ? "" : "[" + ip + "] ", p.icmp->type);
    if (!p.icmp->code.empty()) s += " " + p.icmp->code;
    if (p.icmp->mtu) s += fmt::format(" mtu {}", *p.icmp->mtu);
    return s + fmt::format(" [{}:{}({})]", p.start, p.end, p.len);
  }
  std::string s = fmt::format("{}{} {}:{}({})", ip.empty() ? "" : "[" + ip + "] ", flags, p.start,
                              p.end, p.len);
  if (p.flags & wire::tcp_flag::kAck) s += fmt::format(" ack {}", p.ack);
  if (p.window) s += fmt::format(" win {}", *p.window);
  if (p.urgent != 0) s += fmt::format(" urg {}", p.urgent);
  if (p.options_any) {
    s += " <...>";
  } else if (!p.options.empty()) {
    s += " <";
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      if (i > 0) s += ",";
      s += to_string(p.options[i]);
    }
    s += ">";
  }
  return s;
}

}  // namespace tcpsim::sim::script
