#include "tools/bridge/tun_device.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tcpsim::bridge {

Result<std::unique_ptr<TunDevice>, sim::Error> TunDevice::open(const std::string& name) {
  // Every refusal here is the machine's: the device, the driver or the permission.
  auto refuse = [](std::string message) {
    return sim::fail_with(sim::Errc::System, std::move(message), "--tun");
  };
  int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT || e == ENODEV || e == ENXIO) {
      return refuse(fmt::format(
          "cannot open /dev/net/tun: {} — this machine has no TUN device (load the driver with "
          "'modprobe tun'; in a container, pass the device in, e.g. docker run "
          "--device /dev/net/tun --cap-add NET_ADMIN)",
          std::strerror(e)));
    }
    if (e == EACCES || e == EPERM) {
      return refuse(fmt::format(
          "cannot open /dev/net/tun: {} — the bridge needs root or CAP_NET_ADMIN (run it as "
          "root, e.g. inside 'ip netns exec NAME')",
          std::strerror(e)));
    }
    return refuse(fmt::format("cannot open /dev/net/tun: {}", std::strerror(e)));
  }
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int e = errno;
    ::close(fd);
    if (e == EPERM || e == EACCES) {
      return refuse(fmt::format(
          "cannot create TUN device '{}': {} — this process lacks CAP_NET_ADMIN (run the bridge "
          "as root, e.g. inside 'ip netns exec NAME')",
          name, std::strerror(e)));
    }
    if (e == EBUSY) {
      return refuse(
          fmt::format("cannot attach to TUN device '{}': it is in use by another process", name));
    }
    if (e == EINVAL) {
      return refuse(fmt::format(
          "cannot attach to '{}': a device of that name exists and is not a TUN device in "
          "IFF_NO_PI mode (choose another --tun name)",
          name));
    }
    return refuse(fmt::format("cannot create TUN device '{}': {}", name, std::strerror(e)));
  }
  return std::unique_ptr<TunDevice>(new TunDevice(fd, ifr.ifr_name));
}

TunDevice::~TunDevice() {
  if (fd_ >= 0) ::close(fd_);
}

long TunDevice::read_packet(std::span<std::uint8_t> buffer) {
  for (;;) {
    ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n >= 0) return static_cast<long>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return -1;
  }
}

bool TunDevice::write_packet(std::span<const std::uint8_t> ip_packet) {
  for (;;) {
    ssize_t n = ::write(fd_, ip_packet.data(), ip_packet.size());
    if (n == static_cast<ssize_t>(ip_packet.size())) return true;
    if (n < 0 && errno == EINTR) continue;
    ++write_errors_;
    last_write_error_ = n < 0 ? std::strerror(errno) : "short write";
    return false;
  }
}

}  // namespace tcpsim::bridge
