#include "stack/tcp/config.hpp"

#include "stack/base/enum_names.hpp"

namespace tcpsim::tcp {

constexpr EnumNames<CongestionAlgorithm, 3> kCongestionNames{{{
    {CongestionAlgorithm::Reno, "reno"},
    {CongestionAlgorithm::NewReno, "newreno"},
    {CongestionAlgorithm::Cubic, "cubic"},
}}};

std::string_view to_string(CongestionAlgorithm a) {
  return kCongestionNames.name(a);
}

std::optional<CongestionAlgorithm> parse_congestion_algorithm(std::string_view text) {
  return kCongestionNames.parse(text);
}

std::optional<TcpConfig> TcpConfig::profile_named(std::string_view name) {
  TcpConfig c;
  if (name == "linux") {
    // Linux: mss, sackOK, TS, nop, wscale 7; IW10; 40 ms delayed ACK; 200 ms min RTO.
    c.profile = "linux";
    c.queue_syn_data = false;
    return c;
  }
  if (name == "freebsd") {
    // FreeBSD: mss, nop, wscale 6, sackOK, TS; 100 ms delayed ACK; RFC 6298 RTO floor.
    c.profile = "freebsd";
    c.syn_options = {SynOption::Mss, SynOption::Nop, SynOption::WindowScale,
                     SynOption::SackPermitted, SynOption::Timestamps};
    c.syn_layout = SynLayout::FreeBsd;
    c.window_shift = 6;
    c.delayed_ack_timeout = 100 * kMillisecond;
    c.min_rto = 1 * kSecond;
    c.syncookie_format = SynCookieFormat::FreeBsd;
    return c;
  }
  return std::nullopt;
}

std::vector<std::string_view> TcpConfig::profile_names() {
  return {"linux", "freebsd"};
}

}  // namespace tcpsim::tcp
