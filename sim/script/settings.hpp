// What a script may configure: packetdrill's command-line options at the top of the script,
// and the shell commands in backquotes. Commands are never executed; the sysctl and
// `ip route` settings that TcpConfig models are applied to it, everything else is reported
// as ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stack/tcp/config.hpp"
#include "stack/wire/address.hpp"

namespace tcpsim::sim::script {

// Run settings from the script's options, with packetdrill's defaults.
struct RunSettings {
  bool ipv6 = false;
  bool v6_socket = false;  // AF_INET6 sockets (ipv6, and ipv4-mapped-ipv6 on IPv4 packets)
  wire::IpAddress local_ip = wire::Ipv4Address{{192, 168, 0, 1}};
  wire::IpAddress remote_ip = wire::Ipv4Address{{192, 0, 2, 1}};
  bool local_ip_set = false;
  bool remote_ip_set = false;
  std::uint16_t bind_port = 8080;     // what bind(fd, ..., ...) binds to
  std::uint16_t connect_port = 8080;  // what connect(fd, ..., ...) connects to
  Nanos tolerance = 4000 * kMicrosecond;
  double tolerance_percent = 12.5;  // of the time since the previous event, if larger
  std::uint32_t ts_tick_usecs = 0;  // 0: outbound TS val is not checked
  bool ts_ecr_scaled = false;
  // --strict_segments: one live segment per outbound script packet. Without it, as
  // packetdrill does by default, consecutive segments are joined until they carry the
  // script packet's payload (run_packet.c do_outbound_script_packet, aggregate_packets).
  bool strict_segments = false;
  std::string profile = "linux";
  std::optional<std::uint32_t> mtu;
  std::string gateway_ip;  // recorded only: packetdrill's tun routing
  std::string netmask_ip;
};

// One `--name[=value]`. Returns an error text for a bad value; appends to `notes` for options
// that are ignored (packetdrill options with no meaning here, or unknown ones).
std::optional<std::string> apply_option(std::string_view name,
                                        const std::optional<std::string>& value,
                                        RunSettings& settings, std::vector<std::string>& notes);

struct CommandEffect {
  std::vector<std::string> applied;  // "net.ipv4.tcp_sack=0 -> sack off"
  std::vector<std::string> ignored;  // "net.ipv4.tcp_mtu_probing=1 (no such setting in tcpsim)"
  // Files the command makes (dd of=, truncate -s, fallocate -l): path and size, for
  // open() and sendfile().
  std::vector<std::pair<std::string, std::uint64_t>> files;
};

// Maps the recognised settings of one backquoted command to `config`.
CommandEffect apply_command(std::string_view command, tcp::TcpConfig& config);

}  // namespace tcpsim::sim::script
