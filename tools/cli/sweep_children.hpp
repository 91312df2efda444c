// The child processes of a local sweep: each run is the program itself started again with
// `sweep ... --only K`, so a run that crashes or is killed ends only its own process.
// Their standard output and error are read as they come (poll), so no pipe fills up.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/net/status.hpp"

namespace tcpsim::cli {

struct ChildEnd {
  std::size_t id = 0;
  int wait_status = 0;  // as waitpid gives it
  std::string out, err;
};

class ChildPool {
 public:
  ChildPool() = default;
  ChildPool(const ChildPool&) = delete;
  ChildPool& operator=(const ChildPool&) = delete;
  // Kills and reaps the children still running.
  ~ChildPool();

  // Starts `argv` (argv[0] the program's path) as child `id`.
  sim::Status start(std::size_t id, const std::vector<std::string>& argv);
  std::size_t running() const { return children_.size(); }
  // Waits up to `timeout` for a child to end; nothing when none ended in that time.
  std::optional<ChildEnd> wait_any(std::chrono::milliseconds timeout);

 private:
  struct Child {
    std::size_t id;
    pid_t pid;
    int out_fd, err_fd;  // -1 once at end of file
    std::string out, err;
  };
  std::optional<ChildEnd> reap_finished();

  std::vector<Child> children_;
};

// The absolute path of the running program (/proc/self/exe).
std::string program_path();

// "killed by signal 9 (Killed)", "exit status 3".
std::string describe_wait_status(int wait_status);

}  // namespace tcpsim::cli
