#include "sweep_local.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <optional>

#include "sweep_children.hpp"

namespace tcpsim::cli {
namespace {

using Clock = std::chrono::steady_clock;

// The last line a child wrote on stderr, without the program's prefix.
std::string last_line(const std::string& text) {
  std::size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  std::size_t begin = text.rfind('\n', end);
  std::string line = text.substr(begin == std::string::npos ? 0 : begin + 1,
                                 end - (begin == std::string::npos ? 0 : begin + 1) + 1);
  const std::string prefix = "tcpsim sweep: ";
  return line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : line;
}

// A child's row, or the row that says why there is none.
sim::SweepRow row_of(const sim::SweepPlan& plan, const ChildEnd& end) {
  if (WIFEXITED(end.wait_status) && WEXITSTATUS(end.wait_status) <= 1) {
    auto row = parse_row_text(end.out, fmt::format("run {}", end.id), plan, end.id);
    if (row.ok()) return std::move(row.value());
    return sim::failed_row(plan, end.id, "error", row.error().message);
  }
  std::string why = describe_wait_status(end.wait_status);
  std::string said = last_line(end.err);
  if (!said.empty()) why += ": " + said;
  return sim::failed_row(plan, end.id, WIFSIGNALED(end.wait_status) ? "crashed" : "error", why);
}

class Progress {
 public:
  Progress(bool on, std::size_t total) : on_(on), total_(total) {}
  void show(std::size_t done, std::size_t running, std::size_t failed) {
    if (!on_) return;
    auto now = Clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(100) && done < total_) return;
    last_ = now;
    shown_ = true;
    double secs = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r  sweep: %zu/%zu runs done, %zu running, %zu failed, %.1f s   ", done,
                 total_, running, failed, secs);
    std::fflush(stderr);
  }
  void clear() {
    if (shown_) std::fputs("\r\033[K", stderr);
  }

 private:
  bool on_;
  std::size_t total_;
  bool shown_ = false;
  Clock::time_point start_ = Clock::now(), last_;
};

}  // namespace

int run_local(const SweepSpec& spec, const sim::SweepPlan& plan, const LocalOptions& o) {
  auto writer = RowWriter::open(o.csv, o.jsonl, sim::sweep_columns(plan));
  if (!writer.ok()) {
    std::fprintf(stderr, "tcpsim sweep: %s\n", writer.error().message.c_str());
    return 2;
  }
  std::vector<std::string> base = spec.args();
  base.insert(base.begin(), program_path());
  base.emplace_back("--only");
  base.emplace_back();
  const std::size_t runs = plan.runs();
  std::vector<std::optional<sim::SweepRow>> rows(runs);
  std::size_t started = 0, written = 0, done = 0, failed = 0;
  ChildPool pool;
  Progress progress(o.progress, runs);
  while (written < runs) {
    while (pool.running() < o.jobs && started < runs) {
      base.back() = std::to_string(started);
      if (auto s = pool.start(started, base); !s.ok()) {
        rows[started] = sim::failed_row(plan, started, "error", s.error().message);
        ++done;
        ++failed;
      }
      ++started;
    }
    if (auto end = pool.wait_any(std::chrono::milliseconds(200))) {
      rows[end->id] = row_of(plan, *end);
      ++done;
      if (rows[end->id]->cells.end()[-2] != "ok") ++failed;
    }
    for (; written < runs && rows[written]; ++written) (*writer)->write(*rows[written]);
    progress.show(done, pool.running(), failed);
  }
  progress.clear();
  bool ok = (*writer)->close();
  std::fprintf(stderr, "sweep: %s, %zu ok, %zu failed\n", describe_size(plan).c_str(),
               runs - failed, failed);
  if (!ok) {
    std::fputs("tcpsim sweep: writing the rows failed\n", stderr);
    return 2;
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace tcpsim::cli
