// The event loop: times, the stack's timers, commands and assertions. Packets are in
// packets.cpp, system calls in syscalls.cpp.
#include "sim/script/runner.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "sim/core/input_file.hpp"
#include "sim/net/tap.hpp"
#include "sim/script/preprocess.hpp"
#include "sim/script/runner_impl.hpp"
#include "stack/tcp/tso.hpp"

namespace tcpsim::sim::script {

std::string ScriptResult::report() const {
  if (detail.empty()) return message;
  return message + "\n" + detail;
}

namespace detail {

namespace {

// The per-host secret behind ISNs and timestamp offsets: fixed, so every run is the same.
constexpr std::uint64_t kStackSecret = 0x74637073696d2d70ULL;
// A blocked call may wait this long for the stack.
constexpr Nanos kAnyTimeLimit = 3600 * kSecond;
// tcp_rmem[2] of the linux profile under scripts: 15 MiB, window scale 8.
constexpr std::uint32_t kScriptLinuxRmemMax = 15 * 1024 * 1024;
// How long an observed run goes on after the script's last line.
constexpr Nanos kObserveAfterEnd = 3 * kSecond;
// TCP_MAX_QUICKACKS (include/net/tcp.h).
constexpr std::uint32_t kLinuxMaxQuickacks = 16;
// net.inet.tcp.recvspace and sendspace, FreeBSD's default socket buffers.
constexpr std::uint32_t kScriptFreeBsdRecvspace = 64 * 1024;
constexpr std::uint32_t kScriptFreeBsdSendspace = 32 * 1024;
// Guards against a timer that keeps firing without time moving on.
constexpr std::uint64_t kMaxTimerRounds = 1'000'000;

std::string event_description(const Event& e) {
  if (const auto* p = std::get_if<PacketSpec>(&e.action)) {
    return p->direction == Direction::Inbound ? "inbound packet" : "outbound packet";
  }
  if (std::holds_alternative<SyscallSpec>(e.action)) return "system call start";
  if (std::holds_alternative<CommandSpec>(e.action)) return "command";
  return "data collection for code";
}

bool is_inbound_packet(const Event* e) {
  if (e == nullptr) return false;
  const auto* p = std::get_if<PacketSpec>(&e->action);
  return p != nullptr && p->direction == Direction::Inbound;
}

// Linux behaviours that scripts see and built-in scenarios leave off (docs/profiles.md):
// socket buffers as sk_setsockopt sizes them, the receive window as __tcp_select_window
// opens it, quick-ACK mode with the adaptive ATO, cwnd
// growth only while cwnd-limited, CUBIC with HyStart and tcp_cubic.c's arithmetic, TSO
// super-segments as packetdrill's TUN device (TUN_F_TSO4 | TUN_F_TSO6) receives them, and
// tail loss probes (net.ipv4.tcp_early_retrans = 3), RACK loss detection
// (net.ipv4.tcp_recovery = 1), F-RTO (net.ipv4.tcp_frto = 2), the RTO of
// tcp_rtt_estimator, CUBIC, the rate limit on ACKs to invalid segments, and Linux's own
// checks of arriving segments (request and time-wait sockets, tcp_validate_incoming).
void apply_linux_script_defaults(tcp::TcpConfig& c) {
  c.linux_sockbuf = true;
  c.window_rule = tcp::WindowRule::Linux;
  c.quickacks = kLinuxMaxQuickacks;
  c.cwnd_limited_growth = true;
  c.hystart = true;
  c.congestion_rule = tcp::CongestionRule::Linux;
  c.tso = true;
  c.push_marks = true;
  c.tail_loss_probe = true;
  c.rack = true;
  c.frto = true;
  c.linux_segment_checks = true;
  c.rto_rule = tcp::RtoRule::Linux;
  c.probe_rule = tcp::ProbeRule::Linux;
  c.retry_rule = tcp::RetryRule::Linux;
  c.fin_wait2_rule = tcp::FinWait2Rule::Linux;
  c.comp_sack_nr = 44;            // net.ipv4.tcp_comp_sack_nr
  c.persist_max = 120 * kSecond;  // TCP_RTO_MAX
  // tcp_send_challenge_ack's per-socket limit (net.ipv4.tcp_invalid_ratelimit, HZ/2), and
  // no host-wide one: tcp_challenge_ack_limit is INT_MAX since Linux 6.0.
  c.invalid_ratelimit = 500 * kMillisecond;
  c.challenge_ack_limit = 0;
  c.congestion = tcp::CongestionAlgorithm::Cubic;  // CONFIG_DEFAULT_TCP_CONG
}

bool is_absolute(TimeKind k) {
  return k == TimeKind::Absolute || k == TimeKind::AbsoluteRange;
}

}  // namespace

Runner::Runner(const Script& script, const ScriptOptions& options)
    : script_(script), opts_(options) {}

Step Runner::fail_at(int line, std::string message, std::string detail) const {
  return Stop{ScriptOutcome::Failed, line, std::move(message), std::move(detail)};
}

Step Runner::invalid_at(int line, std::string message) const {
  return Stop{ScriptOutcome::Invalid, line, std::move(message), {}};
}

void Runner::log(const std::string& line) const {
  if (opts_.log) opts_.log(line);
}

std::string Runner::secs(Nanos t) const {
  return fmt::format("{}.{:06}", t / kSecond, (t % kSecond) / kMicrosecond);
}

tcp::TcpStack& Runner::stack() {
  if (!stack_) {
    stack_ = std::make_unique<tcp::TcpStack>(config_, kStackSecret);
    stack_->add_address(settings_.local_ip);
  }
  return *stack_;
}

void Runner::flush() {
  if (!stack_) return;
  std::vector<tcp::IpSegment> out;
  stack_->poll_transmit(now_, out);
  // The device does not segment: software GSO before the tap.
  if (config_.software_gso) tcp::gso_segment_all(out);
  if (!tstamps_.empty()) stamp_acks();  // ACKs were taken before these segments left
  for (tcp::IpSegment& s : out) {
    if (!tstamps_.empty()) stamp_transmit(s);
    capture(now_, s);
    if (opts_.observe) sent_log_.emplace_back(current_line_, Sent{now_, s});
    outq_.push_back(Sent{now_, std::move(s)});
  }
}

void Runner::after_change() {
  flush();
  if (pending_) {
    if (auto st = try_complete_pending()) {
      if (!pending_failure_) pending_failure_ = std::move(*st);
    }
    flush();
  }
}

Step Runner::settle() {
  if (pending_failure_) {
    Step s = std::move(pending_failure_);
    pending_failure_.reset();
    return s;
  }
  return std::nullopt;
}

Step Runner::advance_to(Nanos t) {
  while (stack_) {
    Nanos d = stack_->next_deadline();
    if (d > t) break;
    if (++timer_rounds_ > kMaxTimerRounds) {
      return fail_at(0, fmt::format("the stack's timers fired {} times by {} sec: giving up (a "
                                    "timer that never stops?)",
                                    kMaxTimerRounds, secs(now_)));
    }
    now_ = std::max(now_, d);
    stack_->on_timer(now_);
    after_change();
    if (auto s = settle()) return s;
  }
  now_ = std::max(now_, t);
  return std::nullopt;
}

Step Runner::advance_while_pending(int line) {
  Nanos limit = now_ + kAnyTimeLimit;
  while (pending_) {
    Nanos d = stack_ ? stack_->next_deadline() : kNever;
    if (pending_->deadline < d) {
      // poll()'s timeout comes first: time runs to it and the call is asked again.
      if (auto s = advance_to(pending_->deadline)) return s;
      after_change();
      if (auto s = settle()) return s;
      continue;
    }
    if (d == kNever || d > limit) {
      std::string waiting = line > 0 ? fmt::format("the call at line {} waits for it", line)
                                     : std::string("the script ended");
      return fail_at(pending_->event->line,
                     fmt::format("blocking {}() call never returned: the stack has nothing left "
                                 "to do ({})",
                                 pending_->call->name, waiting));
    }
    if (auto s = advance_to(d)) return s;
  }
  return settle();
}

const tcp::Connection* Runner::flow_connection() const {
  if (!stack_) return nullptr;
  for (const tcp::Connection* c : stack_->connections()) {
    if (c->local() == flow_.local && c->remote() == flow_.remote) return c;
  }
  return nullptr;
}

Step Runner::run_code(const Event& e, const CodeSpec& c) {
  const tcp::Connection* conn = flow_connection();
  CodeContext ctx;
  ctx.profile = settings_.profile;
  ctx.field = [&](std::string_view f) { return tcpi_value(f); };
  log(fmt::format("{} %{{ {} }}%", secs(now_), c.text));
  for (const Assertion& a : c.assertions) {
    auto v = evaluate(a.expr, ctx);
    if (!v.ok()) return fail_at(e.line, fmt::format("assertion {}: {}", a.text, v.error()));
    if (*v != 0) continue;
    // Name the value of every field the condition reads.
    std::string values;
    for (std::string_view f : known_tcpi_fields()) {
      if (a.text.find(f) == std::string::npos) continue;
      std::size_t at = a.text.find(f);
      char after = at + f.size() < a.text.size() ? a.text[at + f.size()] : ' ';
      if (std::isalnum(static_cast<unsigned char>(after)) != 0 || after == '_') continue;
      values += fmt::format("{}{} is {}", values.empty() ? "" : ", ", f, tcpi_value(f));
    }
    return fail_at(e.line, fmt::format("assertion failed: {}: {}{}{}", a.text, values,
                                       conn == nullptr ? " (no connection)" : "",
                                       a.message.empty() ? "" : " (" + a.message + ")"));
  }
  return std::nullopt;
}

void Runner::run_command(const Event* e, const CommandSpec& c) {
  std::string where = e != nullptr ? fmt::format("{}:{}: ", opts_.file_name, e->line)
                                   : fmt::format("{}: ", opts_.file_name);
  log(fmt::format("{} `{}` (not run)", secs(now_), c.text));
  // Files it makes count at any time; settings only before the stack starts.
  tcp::TcpConfig after_start = config_;
  CommandEffect fx = apply_command(c.text, stack_ ? after_start : config_);
  for (const auto& [path, size] : fx.files) made_files_[path] = size;
  if (stack_) {
    if (fx.applied.size() > fx.files.size() || !fx.ignored.empty()) {
      notes_.push_back(
          fmt::format("{}note: `{}` comes after the first socket call or packet; "
                      "settings apply only before: ignored",
                      where, c.text));
    }
    return;
  }
  for (const std::string& a : fx.applied) log(fmt::format("  setting {}", a));
  for (const std::string& i : fx.ignored) {
    notes_.push_back(fmt::format("{}note: command not run: {}: ignored", where, i));
  }
}

ScriptResult Runner::run() {
  ScriptResult r;
  auto finish = [&](Step st) {
    if (pcap_) pcap_->flush();
    r.notes = notes_;
    r.sim_time = now_;
    r.events = events_run_;
    r.config = config_;
    r.profile_config = profile_config_;
    r.syn_with_text = syn_with_text_;
    if (opts_.observe) {
      r.wire = wire_record();
      for (const Stop& d : deviations_) r.deviations.push_back(Deviation{d.line, d.message});
      if (st && st->outcome == ScriptOutcome::Failed) {
        r.stopped_at = current_line_ != 0 ? current_line_ : st->line;
      }
      if (!st && !deviations_.empty()) st = deviations_.front();
    }
    if (!st && pcap_ && !pcap_->error().empty()) {
      st = Stop{ScriptOutcome::Invalid, 0, std::string(pcap_->error()), {}};
    }
    if (st) {
      r.outcome = st->outcome;
      r.line = st->line;
      r.message = st->line > 0 ? fmt::format("{}:{}: {}", opts_.file_name, st->line, st->message)
                               : fmt::format("{}: {}", opts_.file_name, st->message);
      r.detail = st->detail;
    }
    return r;
  };

  for (const ScriptOption& o : script_.options) {
    std::vector<std::string> notes;
    if (auto err = apply_option(o.name, o.value, settings_, notes)) {
      return finish(invalid_at(o.line, *err));
    }
    for (const std::string& n : notes)
      notes_.push_back(fmt::format("{}:{}: {}", opts_.file_name, o.line, n));
  }
  for (const ScriptOption& o : opts_.command_line) {
    std::vector<std::string> notes;
    if (auto err = apply_option(o.name, o.value, settings_, notes)) {
      return finish(invalid_at(0, fmt::format("command line: {}", *err)));
    }
    for (const std::string& n : notes) notes_.push_back(fmt::format("command line: {}", n));
  }
  if (settings_.ipv6 && settings_.mtu && *settings_.mtu < 1280) {
    return finish(invalid_at(
        0, fmt::format("--mtu={} is below IPv6's minimum of 1280 bytes", *settings_.mtu)));
  }
  if (settings_.local_ip.family() != settings_.remote_ip.family()) {
    return finish(invalid_at(
        0, fmt::format("--local_ip {} and --remote_ip {} are of different IP "
                       "versions",
                       settings_.local_ip.to_string(), settings_.remote_ip.to_string())));
  }
  config_ = *tcp::TcpConfig::profile_named(settings_.profile);
  // The machines packetdrill's Linux tests run on allow a 15 MiB receive window
  // (tcp_rmem[2]), so a linux SYN offers window scale 8 there; a script's own
  // `sysctl net.ipv4.tcp_rmem` replaces it.
  if (config_.shift_rule == tcp::ShiftRule::LinuxRmem) config_.wscale_space = kScriptLinuxRmemMax;
  if (settings_.profile == "linux") apply_linux_script_defaults(config_);
  config_.restart_after_idle = true;  // RFC 5681 §4.1, as each kernel does it
  // FreeBSD's socket buffers: net.inet.tcp.recvspace and sendspace (tcp_input.c,
  // tcp_output.c); scenarios keep the profile's.
  if (settings_.profile == "freebsd") {
    config_.recv_buffer = kScriptFreeBsdRecvspace;
    config_.send_buffer = kScriptFreeBsdSendspace;
    config_.congestion_rule = tcp::CongestionRule::FreeBsd;  // cc_newreno.c's arithmetic
  }
  if (settings_.mtu) config_.mtu = *settings_.mtu;
  profile_config_ = config_;

  // Every system call and ICMP line is checked before anything runs, so an unsupported one
  // cannot leave a half-run script behind.
  for (const Event& e : script_.events) {
    if (const auto* s = std::get_if<SyscallSpec>(&e.action)) {
      if (auto st = validate_syscall(e, *s)) return finish(st);
    }
    const auto* p = std::get_if<PacketSpec>(&e.action);
    std::uint8_t type = 0, code = 0;
    if (p != nullptr && p->icmp) {
      if (auto err = resolve_icmp(*p->icmp, settings_.ipv6, type, code)) {
        return finish(invalid_at(e.line, *err));
      }
    }
  }
  if (!opts_.pcap_path.empty()) {
    auto w = open_capture(opts_.pcap_path);
    if (!w.ok()) return finish(invalid_at(0, w.error().message));
    pcap_ = std::move(w.value());
  }
  log(fmt::format("profile {}, stack {} port {}, remote {}", settings_.profile,
                  settings_.local_ip.to_string(), settings_.bind_port,
                  settings_.remote_ip.to_string()));
  if (script_.init_command) run_command(nullptr, *script_.init_command);

  const Event* prev = nullptr;
  Nanos prev_start = 0;
  for (const Event& e : script_.events) {
    // When the event is due (packetdrill's adjust_relative_event_times): relative times
    // count from now, except inbound after inbound, which count from the previous one's
    // scripted time so that a burst keeps its spacing.
    Nanos offset = 0;
    bool relative = e.time.kind == TimeKind::Relative || e.time.kind == TimeKind::RelativeRange ||
                    e.time.kind == TimeKind::Any;
    if (relative) {
      offset = is_inbound_packet(prev) && is_inbound_packet(&e) ? prev_start : now_;
    }
    Nanos start = e.time.start + offset;
    Nanos end = (e.time.kind == TimeKind::AbsoluteRange || e.time.kind == TimeKind::RelativeRange)
                    ? e.time.end + offset
                    : start;
    if (prev != nullptr && is_absolute(prev->time.kind) && is_absolute(e.time.kind) &&
        start < prev_start) {
      return finish(
          invalid_at(e.line, fmt::format("time goes backward in script from {} usec to "
                                         "{} usec",
                                         prev_start / kMicrosecond, start / kMicrosecond)));
    }
    Nanos tolerance = settings_.tolerance;
    if (prev != nullptr) {
      auto dynamic = static_cast<Nanos>(std::llround(settings_.tolerance_percent / 100.0 *
                                                     static_cast<double>(start - prev_start)));
      tolerance = std::max(tolerance, dynamic);
    }

    Step st;
    current_line_ = e.line;
    const auto* packet = std::get_if<PacketSpec>(&e.action);
    if (packet != nullptr && packet->direction == Direction::Outbound) {
      st = expect(e, *packet, start, end, tolerance, e.time.kind == TimeKind::Any);
    } else {
      if (pending_ && std::holds_alternative<SyscallSpec>(e.action)) {
        st = advance_while_pending(e.line);
      }
      // An observed run notes what went wrong before the event and still runs it.
      if (st && observe_deviation(*st)) st.reset();
      if (!st && now_ > start + tolerance) {
        st = fail_at(e.line,
                     fmt::format("timing error: expected {} at {} sec but happened at {} "
                                 "sec; tolerance {} sec",
                                 event_description(e), secs(start), secs(now_), secs(tolerance)));
        if (observe_deviation(*st)) st.reset();
      }
      if (!st) st = advance_to(start);
      if (!st) {
        if (packet != nullptr) {
          st = inject(e, *packet);
        } else if (const auto* s = std::get_if<SyscallSpec>(&e.action)) {
          Nanos call_end = s->end_time ? *s->end_time + offset : start;
          st = run_syscall(e, *s, call_end, tolerance);
        } else if (const auto* c = std::get_if<CommandSpec>(&e.action)) {
          run_command(&e, *c);
        } else {
          st = run_code(e, std::get<CodeSpec>(e.action));
        }
      }
    }
    if (!st) st = settle();
    if (st && !observe_deviation(*st)) return finish(st);
    ++events_run_;
    prev = &e;
    prev_start = start;
  }
  // Like packetdrill, the end of the script waits for a blocked call to return.
  current_line_ = 0;
  if (pending_) {
    auto st = advance_while_pending(0);
    if (st && !observe_deviation(*st)) return finish(st);
  }
  // An observed run watches the stack a while longer: what it would send next (a
  // retransmission, a delayed ACK) is part of what it does.
  if (opts_.observe) {
    if (auto st = advance_to(now_ + kObserveAfterEnd); st && !observe_deviation(*st)) {
      return finish(st);
    }
  }
  if (script_.cleanup_command) run_command(nullptr, *script_.cleanup_command);
  for (const Sent& s : outq_) {
    log(fmt::format("{} (not checked: the script ended) {}", secs(s.time), describe_live(s.seg)));
  }
  return finish(std::nullopt);
}

}  // namespace detail

ScriptResult run_script(const Script& script, const ScriptOptions& options) {
  return detail::Runner(script, options).run();
}

namespace {

// The symbols a script's #if lines see: the profile's OS (Linux, FreeBSD; STANDARD for a
// profile that mimics no kernel), TCPSIM, and every -D from the script's first lines and
// then the command line.
Result<Symbols, ScriptError> script_symbols(std::string_view text,
                                            const std::vector<ScriptOption>& command_line) {
  std::vector<ScriptOption> all = leading_options(text);
  all.insert(all.end(), command_line.begin(), command_line.end());
  std::string profile = "linux";
  for (const ScriptOption& o : all) {
    if ((o.name == "tcpsim_profile" || o.name == "profile") && o.value) profile = *o.value;
  }
  Symbols sym;
  std::string_view kernel = profile == "linux"     ? "Linux"
                            : profile == "freebsd" ? "FreeBSD"
                                                   : "STANDARD";
  // Moved in, not assigned from literals: GCC 12 at -O3 warns (-Wrestrict) on the latter.
  sym.insert_or_assign(std::string("TCPSIM"), std::string(1, '1'));
  sym.insert_or_assign(std::string(kernel), std::string(1, '1'));
  for (const ScriptOption& o : all) {
    if (o.name != "define") continue;
    if (!o.value || !add_definition(*o.value, sym)) {
      return fail(ScriptError{
          o.line, 0,
          fmt::format("bad -D/--define: '{}' (expected NAME or NAME=VALUE)", o.value.value_or("")),
          Errc::BadValue});
    }
  }
  return sym;
}

}  // namespace

ScriptResult run_script_text(std::string_view raw, const ScriptOptions& options) {
  auto invalid = [&](const ScriptError& e) {
    ScriptResult r;
    r.outcome = ScriptOutcome::Invalid;
    r.line = e.line;
    r.message = e.to_string(options.file_name);
    return r;
  };
  auto symbols = script_symbols(raw, options.command_line);
  if (!symbols.ok()) return invalid(symbols.error());
  auto text = preprocess(raw, std::move(symbols.value()));
  if (!text.ok()) return invalid(text.error());
  auto parsed = parse_script(text.value());
  if (!parsed.ok()) {
    ScriptResult r;
    r.outcome = ScriptOutcome::Invalid;
    r.line = parsed.error().line;
    r.message = parsed.error().to_string(options.file_name);
    return r;
  }
  return run_script(parsed.value(), options);
}

ScriptOptions ScriptOptions::beside(std::string_view source_file) {
  ScriptOptions o;
  o.base_dir = std::filesystem::path(source_file).parent_path().string();
  return o;
}

ScriptResult run_script_file(const std::string& path, ScriptOptions options) {
  options.file_name = path;
  std::filesystem::path where(path);
  if (!options.base_dir.empty() && where.is_relative()) where = options.base_dir / where;
  auto text = read_input_file(where.string(), kScriptInput, path);
  if (!text.ok()) {
    ScriptResult r;
    r.outcome = ScriptOutcome::Invalid;
    r.message = text.error().message;
    return r;
  }
  return run_script_text(text.value(), options);
}

}  // namespace tcpsim::sim::script
