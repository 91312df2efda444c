// A Linux TUN device opened through /dev/net/tun in IFF_NO_PI mode: each read gives one
// IP packet the kernel routed to the device, each write hands one to the kernel as if it
// had arrived on it. The device is created if it does not exist (and then disappears with
// the last descriptor) or attached to when it does (a persistent one made with
// `ip tuntap add mode tun`).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "sim/core/error.hpp"
#include "sim/realtime/tun_port.hpp"
#include "stack/base/result.hpp"

namespace tcpsim::bridge {

class TunDevice final : public sim::PacketSink {
 public:
  // Errors say what the machine lacks: the device node, the driver, or CAP_NET_ADMIN.
  static Result<std::unique_ptr<TunDevice>, sim::Error> open(const std::string& name);
  ~TunDevice() override;
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }

  // Non-blocking. The packet's size; 0 when none is waiting; -1 with errno on error.
  long read_packet(std::span<std::uint8_t> buffer);
  bool write_packet(std::span<const std::uint8_t> ip_packet) override;

  std::uint64_t write_errors() const { return write_errors_; }
  // The last write error's text, for the summary.
  const std::string& last_write_error() const { return last_write_error_; }

 private:
  TunDevice(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  int fd_;
  std::string name_;
  std::uint64_t write_errors_ = 0;
  std::string last_write_error_;
};

}  // namespace tcpsim::bridge
