// Uses the installed headers and library: builds a SYN and parses it back.
#include <tcpsim/stack/base/version.hpp>
#include <tcpsim/stack/wire/frame.hpp>

#include <cstdio>
#include <string>

int main() {
  using namespace tcpsim::wire;
  FrameAddressing addr;
  addr.src_ip = IpAddress(*Ipv4Address::parse("10.0.0.1"));
  addr.dst_ip = IpAddress(*Ipv4Address::parse("10.0.0.2"));
  TcpRepr syn;
  syn.src_port = 40000;
  syn.dst_port = 80;
  syn.seq = 1000;
  syn.flags = tcp_flag::kSyn;
  syn.window = 65535;
  syn.options.add_mss(1460);
  auto frame = build_tcp_frame(addr, syn, {});
  auto parsed = parse_tcp_frame(frame);
  if (!parsed.ok()) {
    std::printf("parse failed: %s\n", parsed.error().message().c_str());
    return 1;
  }
  std::printf("tcpsim %s: %s\n", std::string(tcpsim::version()).c_str(),
              parsed->tcp.to_string().c_str());
  return parsed->tcp.seq == 1000 && parsed->tcp.options.mss() == 1460 ? 0 : 1;
}
