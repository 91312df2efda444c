#include "script_command.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "sim/capture/capture_writer.hpp"
#include "sim/script/compare.hpp"
#include "sim/script/runner.hpp"
#include "stack/tcp/config.hpp"

namespace tcpsim::cli {

namespace {

struct ScriptFlag {
  const char* name;
  const char* help;
};
constexpr ScriptFlag kScriptFlags[] = {
    {"profile", "TCP profile: linux, freebsd or rfc (the same as --tcpsim_profile)"},
    {"tcpsim_profile", "TCP profile: linux, freebsd or rfc"},
    {"ip_version", "ipv4, ipv6 or ipv4-mapped-ipv6"},
    {"local_ip", "The stack's address (default 192.168.0.1 / fd3d:fa7b:d17d::1)"},
    {"remote_ip", "The script's address (default 192.0.2.1 / 2001:db8::1)"},
    {"gateway_ip", "Accepted and checked; tcpsim has no routing"},
    {"netmask_ip", "Accepted and checked; tcpsim has no routing"},
    {"mtu", "The stack's MTU in bytes (68 to 65535; IPv6 at least 1280)"},
    {"bind_port", "The port bind(fd, ..., ...) binds to (default 8080)"},
    {"connect_port", "The port connect(fd, ..., ...) connects to (default 8080)"},
    {"tolerance_usecs", "Timing tolerance in microseconds (default 4000)"},
    {"tolerance_percent", "Timing tolerance in percent of the time since the last event"},
    {"tcp_ts_tick_usecs", "Check outbound TS val, N microseconds per tick"},
};

// "--name=value" or "--name" from the flags CLI11 did not know.
std::optional<sim::script::ScriptOption> extra_option(const std::string& word) {
  if (word.size() < 3 || word.compare(0, 2, "--") != 0) return std::nullopt;
  sim::script::ScriptOption o;
  auto eq = word.find('=');
  o.name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
  if (eq != std::string::npos) o.value = word.substr(eq + 1);
  return o;
}

// "linux,freebsd,rfc": at least two known profiles, none twice; else why not.
Result<std::vector<std::string>, std::string> compare_list(const std::string& text) {
  std::vector<std::string> out;
  std::string known;
  for (std::string_view n : tcp::TcpConfig::profile_names()) {
    if (!known.empty()) known += ", ";
    known += n;
  }
  std::size_t at = 0;
  for (;;) {
    std::size_t comma = text.find(',', at);
    std::string name = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    if (!tcp::TcpConfig::profile_named(name)) {
      return fail(fmt::format("--compare: unknown profile '{}' (known: {})", name, known));
    }
    if (std::find(out.begin(), out.end(), name) != out.end()) {
      return fail(fmt::format("--compare: profile '{}' given twice", name));
    }
    out.push_back(std::move(name));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  if (out.size() < 2) {
    return fail(
        fmt::format("--compare: name at least two profiles, comma-separated (known: {})", known));
  }
  return out;
}

// out.pcap -> out-linux.pcap: one capture per profile.
std::string capture_for(const std::string& path, const std::string& profile) {
  std::filesystem::path p(path);
  std::string name = p.stem().string();
  name += '-';
  name += profile;
  name += p.extension().string();
  return (p.parent_path() / name).string();
}

int run_comparison(const ScriptCommandArgs& args, sim::script::ScriptOptions opts) {
  for (const auto& [name, value] : args.flags) {
    if (name == "profile" || name == "tcpsim_profile") {
      std::fprintf(stderr, "tcpsim: script: --%s and --compare cannot be used together\n",
                   name.c_str());
      return 2;
    }
  }
  auto profiles = compare_list(args.compare);
  if (!profiles.ok()) {
    std::fprintf(stderr, "tcpsim: script: %s\n", profiles.error().c_str());
    return 2;
  }
  sim::script::Comparison c;
  if (args.pcap.empty()) {
    c = sim::script::compare_profiles(args.file, profiles.value(), opts);
  } else {
    // One profile at a time, each with its own capture.
    for (const std::string& p : profiles.value()) {
      opts.pcap_path = capture_for(args.pcap, p);
      sim::script::Comparison one = sim::script::compare_profiles(args.file, {p}, opts);
      c.file = one.file;
      c.script_lines = one.script_lines;
      c.runs.push_back(std::move(one.runs.front()));
    }
    c = sim::script::compare_runs(std::move(c));
  }
  std::fflush(stdout);
  std::size_t ran = 0;
  for (const sim::script::ProfileRun& r : c.runs) {
    for (const std::string& note : r.result.notes) {
      std::fprintf(stderr, "tcpsim: [%s] %s\n", r.profile.c_str(), note.c_str());
    }
    if (r.result.outcome != sim::script::ScriptOutcome::Invalid) ++ran;
  }
  std::printf("%s", sim::script::format_comparison(c).c_str());
  if (ran < 2) {
    std::fprintf(stderr, "tcpsim: script: --compare: %zu of %zu profiles could run %s\n", ran,
                 c.runs.size(), args.file.c_str());
    return 2;
  }
  if (!args.pcap.empty()) {
    for (const sim::script::ProfileRun& r : c.runs) {
      if (r.result.outcome == sim::script::ScriptOutcome::Invalid) continue;
      std::printf("  capture: %s\n", capture_for(args.pcap, r.profile).c_str());
    }
  }
  return c.differs() ? 1 : 0;
}

}  // namespace

void add_script_options(CLI::App& cmd, ScriptCommandArgs& a) {
  cmd.add_option("FILE", a.file, "The script (.pkt)")->required();
  cmd.add_option("--pcap", a.pcap, "Write both directions of the exchange (.pcap or .pcapng)");
  cmd.add_flag("--verbose", a.verbose, "Print each event as it runs");
  cmd.add_option_function<std::string>(
      "--compare",
      [&a](const std::string& v) {
        a.compare = v;
        a.compare_given = true;
      },
      "Run under each of these profiles (e.g. linux,freebsd,rfc) and print where the wire "
      "differs, with the rule behind each side");
  for (const ScriptFlag& f : kScriptFlags) {
    std::string name = f.name;
    cmd.add_option_function<std::string>(
        "--" + name, [&a, name](const std::string& v) { a.flags.emplace_back(name, v); }, f.help);
  }
  cmd.add_flag(
      "--tcp_ts_ecr_scaled", [&a](std::int64_t) { a.flags.emplace_back("tcp_ts_ecr_scaled", ""); },
      "Map inbound TS ecr values by offset from the first pair");
  cmd.add_option("-D,--define", a.defines,
                 "Define a symbol for the script's #if lines: NAME or NAME=VALUE (repeatable)")
      ->allow_extra_args(false);
  // packetdrill's other flags: noted when they have no meaning here, warned when unknown.
  cmd.allow_extras();
}

int run_script_command(const ScriptCommandArgs& args) {
  if (!args.pcap.empty()) {
    auto format = sim::capture_format_for(args.pcap);
    if (!format.ok()) {
      std::fprintf(stderr, "tcpsim: %s\n", format.error().message.c_str());
      return 2;
    }
  }
  sim::script::ScriptOptions opts;
  opts.pcap_path = args.pcap;
  for (const auto& [name, value] : args.flags) {
    sim::script::ScriptOption o;
    o.name = name;
    if (name != "tcp_ts_ecr_scaled") o.value = value;
    opts.command_line.push_back(std::move(o));
  }
  for (const std::string& d : args.defines) opts.command_line.push_back({"define", d, 0});
  for (const std::string& w : args.extras) {
    auto o = extra_option(w);
    if (!o) {
      std::fprintf(stderr, "tcpsim: script: unexpected argument '%s' (one FILE, then --options)\n",
                   w.c_str());
      return 2;
    }
    opts.command_line.push_back(std::move(*o));
  }
  if (args.verbose) {
    opts.log = [](const std::string& line) { std::printf("%s\n", line.c_str()); };
  }
  if (args.compare_given) return run_comparison(args, std::move(opts));
  sim::script::ScriptResult r = sim::script::run_script_file(args.file, opts);
  std::fflush(stdout);
  for (const std::string& note : r.notes) std::fprintf(stderr, "tcpsim: %s\n", note.c_str());
  switch (r.outcome) {
    case sim::script::ScriptOutcome::Passed:
      std::printf("%s: pass (%zu events, %.6f s simulated)\n", args.file.c_str(), r.events,
                  static_cast<double>(r.sim_time) / 1e9);
      if (!args.pcap.empty()) std::printf("  capture: %s\n", args.pcap.c_str());
      return 0;
    case sim::script::ScriptOutcome::Failed:
      std::fprintf(stderr, "%s\n", r.report().c_str());
      return 1;
    case sim::script::ScriptOutcome::Invalid:
      std::fprintf(stderr, "tcpsim: %s\n", r.report().c_str());
      return 2;
  }
  return 2;
}

}  // namespace tcpsim::cli
