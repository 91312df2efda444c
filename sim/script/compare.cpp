#include "sim/script/compare.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "stack/wire/tcp.hpp"

namespace tcpsim::sim::script {

namespace {

using namespace wire::tcp_flag;

// Lines are compared in script order; what was sent after the last line comes last.
int order_of(int line) {
  return line == 0 ? INT_MAX : line;
}

// The options with every TS val left out: a TS val follows the clock, so a segment sent at
// another time differs there already ("time"), and the options should name only layout.
std::vector<OptionSpec> options_but_tsval(const PacketSpec& p) {
  std::vector<OptionSpec> v = p.options;
  for (OptionSpec& o : v) {
    if (o.kind == OptionSpec::Kind::Timestamp) o.a = 0;
  }
  return v;
}

bool same_options(const PacketSpec& a, const PacketSpec& b) {
  std::vector<OptionSpec> x = options_but_tsval(a), y = options_but_tsval(b);
  if (x.size() != y.size()) return false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i].kind != y[i].kind || x[i].a != y[i].a || x[i].b != y[i].b ||
        x[i].blocks != y[i].blocks)
      return false;
  }
  return true;
}

std::optional<std::uint32_t> wscale_of(const PacketSpec& p) {
  for (const OptionSpec& o : p.options) {
    if (o.kind == OptionSpec::Kind::WindowScale) return o.a;
  }
  return std::nullopt;
}

// The fields in which two segments differ.
void differing_fields(const WirePacket& a, const WirePacket& b, std::vector<std::string>& out) {
  auto note = [&](bool differs, const char* name) {
    if (differs && std::find(out.begin(), out.end(), name) == out.end()) out.emplace_back(name);
  };
  const PacketSpec &x = a.seen, &y = b.seen;
  note(a.time != b.time, "time");
  note(x.flags != y.flags, "flags");
  note(x.start != y.start, "seq");
  note(x.ack != y.ack, "ack");
  note(x.len != y.len, "length");
  note(x.window != y.window, "window");
  note(!same_options(x, y), "options");
  note(x.ip.tos != y.ip.tos || x.ip.ttl != y.ip.ttl, "ip");
}

// The segments of two lists to compare field by field: in order when the lists are as
// long; otherwise each segment of the shorter list with the first unpaired one of the
// longer that has its flags and length (the others only make the counts differ).
std::vector<std::pair<const WirePacket*, const WirePacket*>> pairs_of(
    const std::vector<WirePacket>& a, const std::vector<WirePacket>& b) {
  std::vector<std::pair<const WirePacket*, const WirePacket*>> out;
  if (a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i) out.emplace_back(&a[i], &b[i]);
    return out;
  }
  bool a_short = a.size() < b.size();
  const std::vector<WirePacket>& shorter = a_short ? a : b;
  const std::vector<WirePacket>& longer = a_short ? b : a;
  std::vector<bool> used(longer.size(), false);
  for (const WirePacket& s : shorter) {
    for (std::size_t i = 0; i < longer.size(); ++i) {
      if (used[i] || longer[i].seen.flags != s.seen.flags || longer[i].seen.len != s.seen.len)
        continue;
      used[i] = true;
      if (a_short) {
        out.emplace_back(&s, &longer[i]);
      } else {
        out.emplace_back(&longer[i], &s);
      }
      break;
    }
  }
  return out;
}

bool same_segments(const std::vector<WirePacket>& a, const std::vector<WirePacket>& b) {
  if (a.size() != b.size()) return false;
  std::vector<std::string> fields;
  for (std::size_t i = 0; i < a.size(); ++i) differing_fields(a[i], b[i], fields);
  return fields.empty();
}

// What kind of segment each is, for the aspects that govern it.
struct Kinds {
  bool syn_retransmitted = false;  // in any run, before or at this line
  bool rst = false, fin = false, ecn_flags = false;
  bool syn = false, synack = false, data = false, retransmission = false, pure_ack = false,
       sack = false;
};

void add_kinds(const std::vector<WirePacket>& sent, Kinds& k) {
  for (const WirePacket& w : sent) {
    const PacketSpec& p = w.seen;
    bool syn = (p.flags & kSyn) != 0;
    k.syn |= syn && (p.flags & kAck) == 0;
    k.synack |= syn && (p.flags & kAck) != 0;
    k.data |= p.len > 0;
    k.retransmission |= w.retransmission;
    k.rst |= (p.flags & kRst) != 0;
    k.fin |= (p.flags & kFin) != 0;
    k.ecn_flags |= (p.flags & (kEce | kCwr)) != 0;
    k.pure_ack |= p.flags == kAck && p.len == 0;
    for (const OptionSpec& o : p.options) k.sack |= o.kind == OptionSpec::Kind::Sack;
  }
}

// The aspects that may explain a difference in `fields` among segments of `kinds`.
std::vector<Aspect> aspects_for(const std::vector<std::string>& fields, const Kinds& k,
                                bool wscale_differs, bool syn_with_text) {
  auto has = [&](std::string_view f) {
    return std::find(fields.begin(), fields.end(), f) != fields.end();
  };
  std::vector<Aspect> out;
  auto add = [&](Aspect a) {
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  };
  if (has("options") && (k.syn || k.synack)) add(Aspect::SynOptions);
  if ((has("count") || has("flags")) && k.synack) add(Aspect::Listen);
  if (wscale_differs) add(Aspect::WindowScale);
  if (has("window")) {
    add(Aspect::ReceiveWindow);
    add(Aspect::WindowScale);
  }
  bool timing = has("time") || has("count");
  if (timing && k.syn) add(Aspect::SynRetries);
  if (timing && (k.syn || k.synack || k.retransmission)) add(Aspect::RetransmitTimer);
  if (timing && k.retransmission && k.data && k.syn_retransmitted) add(Aspect::RtoAfterSyn);
  if (timing && k.pure_ack) add(Aspect::DelayedAck);
  if (syn_with_text && (has("ack") || has("count")) && (k.pure_ack || k.synack)) {
    add(Aspect::SynData);
  }
  if ((has("options") || has("count")) && k.sack) add(Aspect::Dsack);
  // When a loss is found (RACK, duplicate ACKs) and how much goes after it: congestion
  // control's, for a retransmission too.
  if ((timing || has("length")) && k.data) add(Aspect::Congestion);
  if ((has("length") || has("count")) && k.data) add(Aspect::Segmentation);
  if (has("count") && k.retransmission && k.data) add(Aspect::GiveUp);
  if (k.rst && (has("flags") || has("count") || has("window") || has("options") || has("ack")))
    add(Aspect::Closing);
  if (k.fin && has("flags")) add(Aspect::Closing);
  if (has("ip") || (has("flags") && k.ecn_flags)) add(Aspect::Ecn);
  return out;
}

// Whether a run was still going at `line`: it could run the script at all, and an
// observed run that stopped early (ScriptResult::stopped_at) stopped at or after it.
bool ran_at(const ProfileRun& r, int line) {
  if (r.result.outcome == ScriptOutcome::Invalid) return false;
  return r.result.stopped_at == 0 || order_of(line) <= order_of(r.result.stopped_at);
}

// For each aspect, every run's choice, when the runs do not all choose the same.
std::vector<std::vector<ProfileChoice>> reasons_for(const std::vector<Aspect>& aspects,
                                                    const std::vector<ProfileRun>& runs, int line) {
  std::vector<std::vector<ProfileChoice>> all;
  for (const ProfileRun& r : runs) {
    bool known = ran_at(r, line) && r.result.config && r.result.profile_config;
    all.push_back(known ? profile_choices(*r.result.config, *r.result.profile_config)
                        : std::vector<ProfileChoice>{});
  }
  std::vector<std::vector<ProfileChoice>> out;
  for (Aspect a : aspects) {
    std::vector<ProfileChoice> row;
    for (const auto& choices : all) {
      auto it = std::find_if(choices.begin(), choices.end(),
                             [&](const ProfileChoice& c) { return c.aspect == a; });
      if (it != choices.end()) row.push_back(*it);
    }
    bool differ = std::any_of(row.begin(), row.end(),
                              [&](const ProfileChoice& c) { return c.value != row.front().value; });
    if (differ) out.push_back(std::move(row));
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& path, const std::string& base_dir) {
  std::string where = path;
  if (!base_dir.empty() && !path.empty() && path.front() != '/') {
    where = (std::filesystem::path(base_dir) / path).string();
  }
  std::ifstream in(where);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The difference at one line, or nothing when every run sent the same there.
std::optional<WireDifference> difference_at(int line, const std::vector<ProfileRun>& runs) {
  WireDifference d;
  d.line = line;
  std::vector<const ProfileRun*> ran;
  for (const ProfileRun& r : runs) {
    std::vector<WirePacket> sent;
    for (const WirePacket& w : r.result.wire) {
      if (w.line == line) sent.push_back(w);
    }
    d.sent.push_back(std::move(sent));
  }
  Kinds kinds;
  std::optional<std::uint32_t> wscale;
  bool wscale_differs = false;
  for (const ProfileRun& r : runs) {
    for (const WirePacket& w : r.result.wire) {
      if (order_of(w.line) > order_of(line)) continue;
      kinds.syn_retransmitted |= w.retransmission && (w.seen.flags & kSyn) != 0;
    }
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!ran_at(runs[i], line)) continue;
    add_kinds(d.sent[i], kinds);
    for (const WirePacket& w : d.sent[i]) {
      if (auto s = wscale_of(w.seen)) {
        if (wscale && *wscale != *s) wscale_differs = true;
        wscale = s;
      }
    }
    // Every pair of runs, so that two runs that differ from each other (and not from the
    // first) are seen too.
    for (std::size_t j = 0; j < i; ++j) {
      if (!ran_at(runs[j], line)) continue;
      const std::vector<WirePacket>& one = d.sent[j];
      const std::vector<WirePacket>& other = d.sent[i];
      if (other.size() != one.size() &&
          std::find(d.fields.begin(), d.fields.end(), "count") == d.fields.end()) {
        d.fields.insert(d.fields.begin(), "count");
      }
      for (const auto& [x, y] : pairs_of(one, other)) differing_fields(*x, *y, d.fields);
    }
  }
  if (d.fields.empty()) return std::nullopt;
  bool syn_with_text = std::any_of(runs.begin(), runs.end(),
                                   [](const ProfileRun& r) { return r.result.syn_with_text; });
  d.reasons = reasons_for(aspects_for(d.fields, kinds, wscale_differs, syn_with_text), runs, line);
  return d;
}

std::string verdict(const ProfileRun& r) {
  const ScriptResult& s = r.result;
  switch (s.outcome) {
    case ScriptOutcome::Passed:
      return fmt::format("follows the script ({} events, {:.6f} s simulated)", s.events,
                         static_cast<double>(s.sim_time) / 1e9);
    case ScriptOutcome::Failed: {
      if (s.deviations.empty()) return fmt::format("stopped: {}", s.message);
      const Deviation& d = s.deviations.front();
      std::string more = s.deviations.size() > 1
                             ? fmt::format(" ({} departures in all)", s.deviations.size())
                             : std::string();
      std::string out = fmt::format("departs from the script at line {}{}: ", d.line, more);
      out += d.message;
      if (s.stopped_at != 0) {
        out += fmt::format("; the run stopped at line {}: {}", s.stopped_at, s.message);
      }
      return out;
    }
    case ScriptOutcome::Invalid:
      return fmt::format("cannot run: {}", s.message);
  }
  return {};
}

std::string quoted_line(const Comparison& c, int line) {
  if (line == 0) return "after the last line";
  std::string text;
  if (line >= 1 && static_cast<std::size_t>(line) <= c.script_lines.size()) {
    text = c.script_lines[static_cast<std::size_t>(line) - 1];
    text.erase(0, text.find_first_not_of(" \t"));
    if (text.size() > 72) text = fmt::format("{}...", text.substr(0, 69));
  }
  std::string out = fmt::format("line {}", line);
  if (!text.empty()) {
    out += ": ";
    out += text;
  }
  return out;
}

// One reason as a key: its name and every run's value.
std::string reason_key(const std::vector<ProfileChoice>& row) {
  std::string key(row.front().name);
  for (const ProfileChoice& c : row) {
    key += '\n';
    key += c.value;
  }
  return key;
}

// `explained`: the reasons given in full so far, and at which line; a reason given
// before is named with that line instead.
std::string format_difference(const Comparison& c, const WireDifference& d, std::size_t width,
                              std::map<std::string, int>& explained) {
  std::string out = fmt::format("{}\n", quoted_line(c, d.line));
  for (std::size_t i = 0; i < c.runs.size(); ++i) {
    const std::string& name = c.runs[i].profile;
    if (c.runs[i].result.outcome == ScriptOutcome::Invalid) continue;
    if (!ran_at(c.runs[i], d.line)) {
      out += fmt::format("  {:<{}}  (the run stopped at line {})\n", name, width,
                         c.runs[i].result.stopped_at);
      continue;
    }
    std::size_t same = i;
    for (std::size_t j = 0; j < i; ++j) {
      if (ran_at(c.runs[j], d.line) && same_segments(d.sent[i], d.sent[j])) {
        same = j;
        break;
      }
    }
    if (same != i) {
      out += fmt::format("  {:<{}}  as {}\n", name, width, c.runs[same].profile);
      continue;
    }
    if (d.sent[i].empty()) out += fmt::format("  {:<{}}  (sends nothing)\n", name, width);
    bool first = true;
    for (const WirePacket& w : d.sent[i]) {
      out += fmt::format("  {:<{}}  {}.{:06} {}{}\n", first ? name : "", width, w.time / kSecond,
                         (w.time % kSecond) / kMicrosecond, w.text,
                         w.retransmission ? "  (retransmission)" : "");
      first = false;
    }
  }
  std::string fields;
  for (const std::string& f : d.fields) {
    if (!fields.empty()) fields += ", ";
    fields += f;
  }
  out += fmt::format("  differs in: {}\n", fields);
  if (d.reasons.empty()) {
    out +=
        "  why: no setting tcpsim names differs for these segments; they follow from an "
        "earlier difference or from the state the connection is in\n";
    return out;
  }
  out += "  why:\n";
  for (const std::vector<ProfileChoice>& row : d.reasons) {
    auto [it, first] = explained.emplace(reason_key(row), d.line);
    if (!first) {
      out += fmt::format("    {}: as at line {}\n", row.front().name, it->second);
      continue;
    }
    out += fmt::format("    {}\n", row.front().name);
    std::size_t k = 0;
    for (std::size_t i = 0; i < c.runs.size() && k < row.size(); ++i) {
      if (!ran_at(c.runs[i], d.line)) continue;
      const ProfileChoice& choice = row[k++];
      out += fmt::format("      {:<{}}  {}", c.runs[i].profile, width, choice.value);
      if (!choice.source.empty()) out += fmt::format(" ({})", choice.source);
      out += "\n";
    }
  }
  return out;
}

}  // namespace

std::size_t Comparison::runs_that_ran() const {
  return static_cast<std::size_t>(std::count_if(runs.begin(), runs.end(), [](const ProfileRun& r) {
    return r.result.outcome != ScriptOutcome::Invalid;
  }));
}

Comparison compare_profiles(const std::string& path, const std::vector<std::string>& profiles,
                            const ScriptOptions& base) {
  Comparison c;
  c.file = path;
  c.script_lines = lines_of(path, base.base_dir);
  for (const std::string& p : profiles) {
    ScriptOptions o = base;
    o.observe = true;
    o.command_line.push_back(ScriptOption{"tcpsim_profile", p, 0});
    if (base.log) {
      o.log = [&base, p](const std::string& line) { base.log(fmt::format("[{}] {}", p, line)); };
    }
    c.runs.push_back(ProfileRun{p, run_script_file(path, o)});
  }
  return compare_runs(std::move(c));
}

Comparison compare_runs(Comparison c) {
  c.differences.clear();
  std::vector<int> lines;
  for (const ProfileRun& r : c.runs) {
    for (const WirePacket& w : r.result.wire) lines.push_back(w.line);
  }
  std::sort(lines.begin(), lines.end(), [](int a, int b) { return order_of(a) < order_of(b); });
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  for (int line : lines) {
    if (auto d = difference_at(line, c.runs)) c.differences.push_back(std::move(*d));
  }
  return c;
}

std::string format_comparison(const Comparison& c) {
  std::size_t width = 0;
  std::string names;
  for (const ProfileRun& r : c.runs) {
    width = std::max(width, r.profile.size());
    if (!names.empty()) names += ", ";
    names += r.profile;
  }
  std::string out = fmt::format("{} under {}\n", c.file, names);
  for (const ProfileRun& r : c.runs)
    out += fmt::format("  {:<{}}  {}\n", r.profile, width, verdict(r));
  if (c.runs_that_ran() < 2) {
    out += fmt::format("\nNothing to compare: {} of the {} profiles could run the script.\n",
                       c.runs_that_ran(), c.runs.size());
    return out;
  }
  if (c.differences.empty()) {
    out += "\nThe wire is the same under every profile.\n";
    return out;
  }
  out += fmt::format("\nThe wire differs at {} line{}, first difference first:\n",
                     c.differences.size(), c.differences.size() == 1 ? "" : "s");
  std::map<std::string, int> explained;  // reasons already given, and where
  for (const WireDifference& d : c.differences) {
    out += "\n";
    out += format_difference(c, d, width, explained);
  }
  return out;
}

}  // namespace tcpsim::sim::script
