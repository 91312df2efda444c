#include "tools/bridge/realtime_loop.hpp"

#include <fmt/core.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

namespace tcpsim::bridge {
namespace {

// Packets read per wake-up before events get their turn again.
constexpr int kReadBatch = 256;
// The longest sleep: the loop looks at `done` at least this often.
constexpr Nanos kMaxSleep = 200 * kMillisecond;
// Largest IP packet a TUN device hands over (64 KiB plus slack).
constexpr std::size_t kPacketBuffer = 65536 + 256;

}  // namespace

SignalCatcher::SignalCatcher() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  blocked_ = ::sigprocmask(SIG_BLOCK, &set, &old_) == 0;
  fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

SignalCatcher::~SignalCatcher() {
  if (fd_ >= 0) ::close(fd_);
  if (blocked_) ::sigprocmask(SIG_SETMASK, &old_, nullptr);
}

void SignalCatcher::ignore_further() {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGINT, &ignore, nullptr);
  ::sigaction(SIGTERM, &ignore, nullptr);
}

Result<LoopResult, sim::Error> RealtimeLoop::run(const LoopOptions& opt) {
  auto refuse = [](std::string message) {
    return sim::fail_with(sim::Errc::System, std::move(message));
  };
  SignalCatcher& signals = signals_;
  if (signals.fd() < 0) return refuse(fmt::format("signalfd: {}", std::strerror(errno)));
  using Clock = std::chrono::steady_clock;
  // Simulated time 0 is now; the simulator may already have run events at 0.
  const Clock::time_point start = Clock::now() - std::chrono::nanoseconds(sim_->now());
  auto elapsed = [&] {
    return static_cast<Nanos>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
  };
  auto catch_up = [&] {
    Nanos t = elapsed();
    if (opt.duration) t = std::min(t, *opt.duration);
    if (t > sim_->now()) sim_->run_until(t);
  };
  std::vector<std::uint8_t> buffer(kPacketBuffer);
  Nanos done_at = kNever;
  LoopResult result;
  for (;;) {
    catch_up();
    if (opt.after_batch) opt.after_batch();
    Nanos now = elapsed();
    if (opt.duration && now >= *opt.duration) {
      result.reason = StopReason::Duration;
      break;
    }
    if (opt.done && done_at == kNever && opt.done()) done_at = now;
    if (done_at != kNever && now >= done_at + opt.drain) {
      result.reason = StopReason::Done;
      break;
    }
    Nanos wake = now + kMaxSleep;
    wake = std::min(wake, sim_->next_event_time());
    if (opt.duration) wake = std::min(wake, *opt.duration);
    if (done_at != kNever) wake = std::min(wake, done_at + opt.drain);
    Nanos sleep = std::max<Nanos>(0, wake - now);
    struct timespec ts {
      static_cast<time_t>(sleep / kSecond), static_cast<long>(sleep % kSecond)
    };
    std::array<pollfd, 2> fds{pollfd{device_->fd(), POLLIN, 0}, pollfd{signals.fd(), POLLIN, 0}};
    int n = ::ppoll(fds.data(), fds.size(), &ts, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      return refuse(fmt::format("ppoll: {}", std::strerror(errno)));
    }
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info;
      if (::read(signals.fd(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        catch_up();
        signals.ignore_further();
        result.reason = StopReason::Signal;
        result.signal = static_cast<int>(info.ssi_signo);
        break;
      }
    }
    if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
      return refuse(
          fmt::format("TUN device {} failed (it was deleted or taken down?)", device_->name()));
    }
    if (fds[0].revents & POLLIN) {
      for (int i = 0; i < kReadBatch; ++i) {
        long got = device_->read_packet(buffer);
        if (got == 0) break;
        if (got < 0) {
          return refuse(
              fmt::format("reading TUN device {}: {}", device_->name(), std::strerror(errno)));
        }
        // The packet enters the network at the simulated time of its arrival.
        catch_up();
        port_->inject(sim_->now(),
                      std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(got)));
      }
    }
  }
  result.wall = elapsed();
  return result;
}

}  // namespace tcpsim::bridge
