#include "tools/bridge/net_config.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace tcpsim::bridge {
namespace {

std::string join(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

// What of `ip`'s output is kept for a message; the rest is read and dropped, so that the
// program never blocks on a full pipe.
constexpr std::size_t kMaxOutput = 4096;

// Runs `program` with `args`, both output streams into `output` (at most kMaxOutput
// bytes). The exit status, or -1 with `spawn_errno` set when it could not start.
int run(const std::string& program, const std::vector<std::string>& args, std::string& output,
        int& spawn_errno) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    spawn_errno = errno;
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDERR_FILENO);
  std::vector<std::string> argv_s{program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipefd[1]);
  if (rc != 0) {
    ::close(pipefd[0]);
    spawn_errno = rc;
    return -1;
  }
  char buf[512];
  for (;;) {
    ssize_t n = ::read(pipefd[0], buf, sizeof buf);
    if (n > 0) {
      output.append(buf, std::min(static_cast<std::size_t>(n), kMaxOutput - output.size()));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  ::close(pipefd[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::vector<std::vector<std::string>> ip_commands(const std::string& device,
                                                  const AddressPlan& plan, std::uint32_t mtu) {
  std::vector<std::vector<std::string>> out;
  out.push_back({"link", "set", "dev", device, "mtu", std::to_string(mtu), "up"});
  for (const AddressPair& p : plan.pairs) {
    // `replace` keeps a second run on a persistent device from failing on "File exists";
    // IPv6 skips duplicate address detection, which would hold the address back ~1 s.
    if (p.kernel.address.is_v4()) {
      out.push_back({"-4", "addr", "replace", p.kernel.to_string(), "dev", device});
    } else {
      out.push_back({"-6", "addr", "replace", p.kernel.to_string(), "dev", device, "nodad"});
    }
  }
  return out;
}

sim::Status run_ip(const std::vector<std::string>& args) {
  std::string output;
  int spawn_errno = 0;
  int status = -1;
  // `ip` lives in /usr/sbin or /sbin, which a non-login PATH may lack.
  for (const char* program : {"ip", "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
    output.clear();
    status = run(program, args, output, spawn_errno);
    if (status != -1 || spawn_errno != ENOENT) break;
  }
  if (status == -1) {
    if (spawn_errno == ENOENT) {
      return sim::fail_with(sim::Errc::System,
                            "cannot configure the device: iproute2's 'ip' command is not "
                            "installed (apt-get install iproute2)");
    }
    return sim::fail_with(sim::Errc::System, fmt::format("cannot run 'ip {}': {}", join(args),
                                                         std::strerror(spawn_errno)));
  }
  if (status != 0) {
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    for (char& c : output) {
      if (c == '\n') c = ' ';
    }
    return sim::fail_with(sim::Errc::System,
                          fmt::format("'ip {}' failed (exit {}): {}", join(args), status, output));
  }
  return sim::ok_status();
}

sim::Status configure_device(const std::string& device, const AddressPlan& plan,
                             std::uint32_t mtu) {
  for (const auto& cmd : ip_commands(device, plan, mtu)) {
    if (auto st = run_ip(cmd); !st.ok()) return st;
  }
  return sim::ok_status();
}

}  // namespace tcpsim::bridge
