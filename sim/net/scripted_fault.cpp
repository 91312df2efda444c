#include "sim/net/scripted_fault.hpp"
#include "sim/core/units.hpp"

#include "stack/base/enum_names.hpp"

#include <fmt/core.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "sim/net/packet.hpp"

namespace tcpsim::sim {
namespace {

constexpr std::string_view kKindsAllowed = "syn, syn-ack, ack, data, fin, rst, any";

constexpr EnumNames<PacketKind, 7> kKindNames{{{
    {PacketKind::Any, "any"},
    {PacketKind::Syn, "syn"},
    {PacketKind::SynAck, "syn-ack"},
    {PacketKind::Ack, "ack"},
    {PacketKind::Data, "data"},
    {PacketKind::Fin, "fin"},
    {PacketKind::Rst, "rst"},
}}};

struct Word {
  std::string_view text;
  std::size_t column;  // 1-based
};

std::vector<Word> split_words(std::string_view line) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back({line.substr(start, i - start), start + 1});
  }
  return words;
}

Failure<FaultParseError> error_at(Errc code, std::size_t column, std::string message) {
  return fail(FaultParseError{code, column, std::move(message)});
}

std::optional<double> parse_probability(std::string_view text) {
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v >= 0 && v <= 1)) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string direction_suffix(const std::string& from, const std::string& to) {
  std::string out;
  if (!from.empty()) out += " from " + from;
  if (!to.empty()) out += " to " + to;
  return out;
}

// Parses the optional trailing clauses: by <duration>, from <node>, to <node>.
// A missing 'by' is reported at `line_end`, the column just past the command.
Result<std::monostate, FaultParseError> parse_clauses(std::span<const Word> words, bool allow_by,
                                                      Nanos* by, std::string& from, std::string& to,
                                                      std::size_t line_end) {
  bool seen_by = false;
  for (std::size_t i = 0; i < words.size(); i += 2) {
    const Word& w = words[i];
    const bool is_by = w.text == "by" && allow_by;
    if (w.text != "from" && w.text != "to" && !is_by) {
      if (w.text == "by") return error_at(Errc::BadSyntax, w.column, "'by' only goes with delay");
      return error_at(Errc::BadSyntax, w.column,
                      fmt::format("unexpected '{}' (allowed here: {}from <node>, to "
                                  "<node>)",
                                  w.text, allow_by ? "by <duration>, " : ""));
    }
    if (i + 1 >= words.size()) {
      return error_at(Errc::Missing, w.column + w.text.size(),
                      fmt::format("'{}' needs a {}", w.text, is_by ? "duration" : "node name"));
    }
    const Word& value = words[i + 1];
    if (is_by) {
      if (seen_by) return error_at(Errc::Duplicate, w.column, "'by' given twice");
      seen_by = true;
      auto d = parse_duration(value.text);
      if (!d) {
        return error_at(Errc::BadValue, value.column,
                        fmt::format("bad duration '{}' (a number with a unit: ns, "
                                    "us, ms, s; e.g. 200ms)",
                                    value.text));
      }
      if (*d <= 0)
        return error_at(Errc::OutOfRange, value.column, "a delay must be greater than 0");
      *by = *d;
    } else {
      std::string& target = w.text == "from" ? from : to;
      if (!target.empty()) {
        return error_at(Errc::Duplicate, w.column, fmt::format("'{}' given twice", w.text));
      }
      target = std::string(value.text);
    }
  }
  if (allow_by && !seen_by) {
    return error_at(Errc::Missing, line_end,
                    "delay needs 'by <duration>', e.g. delay fin #1 by 200ms");
  }
  return std::monostate{};
}

Result<FaultCommand, FaultParseError> parse_rule(std::span<const Word> words,
                                                 std::size_t line_end) {
  ScriptedRule rule;
  rule.action = words[0].text == "drop" ? ScriptedRule::Action::Drop : ScriptedRule::Action::Delay;
  if (words.size() < 2) {
    return error_at(
        Errc::Missing, line_end,
        fmt::format("missing packet kind after '{}' (allowed: {})", words[0].text, kKindsAllowed));
  }
  auto kind = parse_packet_kind(words[1].text);
  if (!kind) {
    return error_at(
        Errc::UnknownName, words[1].column,
        fmt::format("unknown packet kind '{}' (allowed: {})", words[1].text, kKindsAllowed));
  }
  rule.kind = *kind;
  if (words.size() < 3) {
    return error_at(Errc::Missing, line_end,
                    fmt::format("missing which packet after '{}' (allowed: #N, next, "
                                "every)",
                                words[1].text));
  }
  const Word& which = words[2];
  if (which.text == "every") {
    rule.ordinal = 0;
  } else if (which.text == "next") {
    rule.ordinal = 1;
  } else if (which.text.size() > 1 && which.text[0] == '#') {
    auto n = parse_count(which.text.substr(1));
    if (!n || *n == 0 || *n > UINT32_MAX) {
      return error_at(Errc::BadValue, which.column,
                      fmt::format("bad packet number '{}' (allowed: #1, #2, ...)", which.text));
    }
    rule.ordinal = static_cast<std::uint32_t>(*n);
  } else {
    return error_at(Errc::BadValue, which.column,
                    fmt::format("expected which packet: #N, next or every (got "
                                "'{}')",
                                which.text));
  }
  auto clauses = parse_clauses(words.subspan(3), rule.action == ScriptedRule::Action::Delay,
                               &rule.delay, rule.from, rule.to, line_end);
  if (!clauses) return fail(clauses.error());
  return FaultCommand(std::move(rule));
}

// A value in the text form of `key`'s type and range, or what the type allows.
Result<LinkSetting, std::string> parse_link_setting(const LinkKey& key, std::string_view text) {
  LinkSetting v;
  switch (key.type) {
    case LinkKeyType::Duration: {
      auto d = parse_duration(text);
      if (!d) return fail(std::string("a duration with a unit: ns, us, ms, s"));
      v.amount = *d;
      return v;
    }
    case LinkKeyType::Rate: {
      auto r = parse_rate(text);
      if (!r || *r > static_cast<std::uint64_t>(key.max)) {
        return fail(std::string("a rate greater than 0: bps, kbps, Mbps, Gbps"));
      }
      v.amount = static_cast<std::int64_t>(*r);
      return v;
    }
    case LinkKeyType::Count: {
      auto n = parse_count(text);
      if (!n || *n < static_cast<std::uint64_t>(key.min) ||
          *n > static_cast<std::uint64_t>(key.max)) {
        return fail(fmt::format("a {} count from {} to {}", key.unit, key.min, key.max));
      }
      v.amount = static_cast<std::int64_t>(*n);
      return v;
    }
    case LinkKeyType::Bytes: {
      auto n = parse_bytes(text);
      if (!n || *n > static_cast<std::uint64_t>(key.max)) {
        return fail(std::string("a byte count such as 64KB, 0 = no limit"));
      }
      v.amount = static_cast<std::int64_t>(*n);
      return v;
    }
    case LinkKeyType::Probability: {
      auto p = parse_probability(text);
      if (!p) return fail(std::string("a probability in [0, 1]"));
      v.probability = *p;
      return v;
    }
  }
  return fail(std::string("?"));
}

Result<FaultCommand, FaultParseError> parse_timed(std::span<const Word> words,
                                                  std::size_t line_end) {
  TimedAction action;
  if (words.size() < 2) {
    return error_at(Errc::Missing, line_end, "missing time after 'at', e.g. at 50ms");
  }
  std::string_view t = words[1].text;
  if (t.substr(0, 2) == "t=") t.remove_prefix(2);
  auto at = parse_duration(t);
  if (!at) {
    return error_at(Errc::BadValue, words[1].column,
                    fmt::format("bad time '{}' (a number with a unit: ns, us, ms, s; e.g. 50ms)",
                                words[1].text));
  }
  action.at = *at;
  if (words.size() < 3 || words[2].text != "set") {
    return error_at(Errc::BadSyntax, words.size() < 3 ? line_end : words[2].column,
                    "expected 'set <key> <value>' after the time");
  }
  if (words.size() < 4) {
    return error_at(Errc::Missing, line_end,
                    fmt::format("missing key after 'set' (allowed: {})", script_link_key_names()));
  }
  const Word& key = words[3];
  const LinkKey* k = find_script_link_key(key.text);
  if (k == nullptr) {
    return error_at(
        Errc::UnknownKey, key.column,
        fmt::format("unknown key '{}' (allowed: {})", key.text, script_link_key_names()));
  }
  action.key = k->key;
  if (words.size() < 5) {
    return error_at(Errc::Missing, line_end, fmt::format("missing value for '{}'", key.text));
  }
  const Word& value = words[4];
  auto v = parse_link_setting(*k, value.text);
  if (!v) {
    return error_at(Errc::BadValue, value.column,
                    fmt::format("bad value '{}' for {} ({})", value.text, key.text, v.error()));
  }
  action.amount = v->amount;
  action.probability = v->probability;
  auto clauses = parse_clauses(words.subspan(5), false, nullptr, action.from, action.to, line_end);
  if (!clauses) return fail(clauses.error());
  return FaultCommand(std::move(action));
}

}  // namespace

std::string_view to_string(PacketKind kind) {
  return kKindNames.name(kind, "any");
}

std::optional<PacketKind> parse_packet_kind(std::string_view text) {
  return kKindNames.parse(text);
}

bool matches(PacketKind kind, const Packet& packet) {
  using namespace wire::tcp_flag;
  const wire::TcpRepr& h = packet.tcp();
  switch (kind) {
    case PacketKind::Any:
      return true;
    case PacketKind::Syn:
      return h.has(kSyn) && !h.has(kAck);
    case PacketKind::SynAck:
      return h.has(kSyn) && h.has(kAck);
    case PacketKind::Ack:
      return h.has(kAck) && !h.has(kSyn) && !h.has(kFin) && !h.has(kRst) &&
             packet.payload_size() == 0;
    case PacketKind::Data:
      return packet.payload_size() > 0;
    case PacketKind::Fin:
      return h.has(kFin);
    case PacketKind::Rst:
      return h.has(kRst);
  }
  return false;
}

std::string ScriptedRule::to_string() const {
  std::string which = ordinal == 0 ? "every" : fmt::format("#{}", ordinal);
  std::string out = fmt::format("{} {} {}", action == Action::Drop ? "drop" : "delay",
                                sim::to_string(kind), which);
  if (action == Action::Delay) out += " by " + format_duration(delay);
  return out + direction_suffix(from, to);
}

std::string_view to_string(SetKey key) {
  return link_key(key).script_name();
}

void TimedAction::apply(LinkParams& link, FaultParams& faults) const {
  link_key(key).access.set(LinkSetting{amount, probability}, link, faults);
}

std::string TimedAction::to_string() const {
  std::string value;
  switch (link_key(key).type) {
    case LinkKeyType::Duration:
      value = format_duration(amount);
      break;
    case LinkKeyType::Rate:
      value = fmt::format("{}bps", amount);
      break;
    case LinkKeyType::Count:
    case LinkKeyType::Bytes:
      value = fmt::format("{}", amount);
      break;
    case LinkKeyType::Probability:
      value = fmt::format("{}", probability);
      break;
  }
  return fmt::format("at {} set {} {}", format_duration(at), sim::to_string(key), value) +
         direction_suffix(from, to);
}

std::string FaultParseError::to_string() const {
  return fmt::format("column {}: {}", column, message);
}

Result<FaultCommand, FaultParseError> parse_fault_command(std::string_view line) {
  std::vector<Word> words = split_words(line);
  const std::size_t line_end = line.size() + 1;
  if (words.empty()) {
    return error_at(Errc::Missing, 1, "empty fault command (allowed: drop, delay, at)");
  }
  const std::string_view verb = words[0].text;
  if (verb == "drop" || verb == "delay") return parse_rule(words, line_end);
  if (verb == "at") return parse_timed(words, line_end);
  return error_at(Errc::UnknownName, words[0].column,
                  fmt::format("unknown fault command '{}' (allowed: drop, delay, at)", verb));
}

void FaultScript::add(FaultCommand command) {
  std::visit([this](auto&& c) { add(std::move(c)); }, std::move(command));
}

Result<std::monostate, FaultParseError> FaultScript::add_text(std::string_view line) {
  auto command = parse_fault_command(line);
  if (!command) return fail(command.error());
  add(std::move(command).value());
  return std::monostate{};
}

Status FaultScript::check_names(std::span<const std::string> known) const {
  auto check = [&](const std::string& name, const std::string& what) -> Status {
    if (name.empty()) return ok_status();
    for (const std::string& k : known) {
      if (k == name) return ok_status();
    }
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    return fail_with(Errc::UnknownName,
                     fmt::format("{}: unknown node '{}' (nodes: {})", what, name, list), what);
  };
  for (const ScriptedRule& r : rules_) {
    const std::string text = r.to_string();
    if (auto s = check(r.from, text); !s) return s;
    if (auto s = check(r.to, text); !s) return s;
  }
  for (const TimedAction& a : timed_) {
    const std::string text = a.to_string();
    if (auto s = check(a.from, text); !s) return s;
    if (auto s = check(a.to, text); !s) return s;
  }
  return ok_status();
}

void ScriptedFaults::add(const ScriptedRule& rule, std::uint32_t from_node, std::uint32_t to_node) {
  rules_.push_back(Bound{rule, from_node, to_node, 0, 0});
}

const ScriptedRule* ScriptedFaults::match(const Packet& packet, std::uint32_t from_node,
                                          std::uint32_t to_node) {
  const ScriptedRule* acting = nullptr;
  for (Bound& b : rules_) {
    const bool anywhere = b.from == 0 && b.to == 0;
    if (anywhere ? packet.hops != 0
                 : (b.from != 0 && b.from != from_node) || (b.to != 0 && b.to != to_node)) {
      continue;
    }
    if (!matches(b.rule.kind, packet)) continue;
    ++b.seen;
    if (acting == nullptr && (b.rule.ordinal == 0 || b.seen == b.rule.ordinal)) {
      ++b.fired;
      acting = &b.rule;
    }
  }
  return acting;
}

}  // namespace tcpsim::sim
