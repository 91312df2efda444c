#include "sweep_children.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cerrno>
#include <climits>
#include <cstring>

extern char** environ;

namespace tcpsim::cli {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Reads what is there; false at end of file (or on an error, which ends the stream too).
bool drain(int fd, std::string& into) {
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  into.append(buf, static_cast<std::size_t>(n));
  return true;
}

}  // namespace

ChildPool::~ChildPool() {
  for (Child& c : children_) {
    ::kill(c.pid, SIGKILL);
    int st = 0;
    ::waitpid(c.pid, &st, 0);
    close_fd(c.out_fd);
    close_fd(c.err_fd);
  }
}

sim::Status ChildPool::start(std::size_t id, const std::vector<std::string>& argv) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    return sim::fail_with(sim::Errc::System, fmt::format("pipe: {}", std::strerror(errno)));
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return sim::fail_with(sim::Errc::System, fmt::format("pipe: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    return sim::fail_with(sim::Errc::System,
                          fmt::format("cannot start '{}': {}", argv[0], std::strerror(rc)));
  }
  children_.push_back(Child{id, pid, out[0], err[0], {}, {}});
  return sim::ok_status();
}

std::optional<ChildEnd> ChildPool::reap_finished() {
  for (std::size_t i = 0; i < children_.size(); ++i) {
    Child& c = children_[i];
    if (c.out_fd >= 0 || c.err_fd >= 0) continue;
    // Both streams ended: the child has exited or is about to.
    ChildEnd end{c.id, 0, std::move(c.out), std::move(c.err)};
    while (::waitpid(c.pid, &end.wait_status, 0) < 0 && errno == EINTR) {
    }
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));
    return end;
  }
  return std::nullopt;
}

std::optional<ChildEnd> ChildPool::wait_any(std::chrono::milliseconds timeout) {
  if (auto end = reap_finished()) return end;
  std::vector<pollfd> fds;
  std::vector<std::pair<Child*, int*>> owners;
  for (Child& c : children_) {
    for (int* fd : {&c.out_fd, &c.err_fd}) {
      if (*fd < 0) continue;
      fds.push_back(pollfd{*fd, POLLIN, 0});
      owners.emplace_back(&c, fd);
    }
  }
  if (fds.empty()) return std::nullopt;
  int n = ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
  if (n <= 0) return std::nullopt;
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    auto [child, fd] = owners[i];
    std::string& into = fd == &child->out_fd ? child->out : child->err;
    if (!drain(*fd, into)) close_fd(*fd);
  }
  return reap_finished();
}

std::string program_path() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("/proc/self/exe");
}

std::string describe_wait_status(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    return fmt::format("killed by signal {} ({})", sig, strsignal(sig));
  }
  if (WIFEXITED(wait_status)) return fmt::format("exit status {}", WEXITSTATUS(wait_status));
  return "ended in an unknown way";
}

}  // namespace tcpsim::cli
