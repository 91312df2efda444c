// The ns-3 side of the tcpsim/ns-3 comparison (tests/bench/compare_ns3.sh, docs/benchmarks.md):
// the same bulk transfer as tcpsim's built-in `bulk` scenario, written against ns-3.37 (the
// version Debian 12 packages). Two nodes, one point-to-point link (1 Gbit/s, 5 ms each way),
// TCP NewReno with SACK, MSS 1448, 4 MiB buffers, BulkSend -> PacketSink.
//
// The file ends in .cc, not .cpp, so tests/CMakeLists.txt's globs over tests/bench/*.cpp do
// not build it; compare_ns3.sh compiles it against the optimised ns-3 that
// tests/bench/build_ns3.sh builds, or against Debian's with the flags pkg-config gives.
//
// Queueing: tcpsim's link has one drop-tail queue of 1000 packets per direction. ns-3 has
// two layers: the device's own queue, and a queue disc that the traffic-control layer puts
// in front of it (the address helper installs a default one on every device it numbers).
// We give the device a 1000-packet DropTail queue and remove the queue disc, so each
// direction has exactly one 1000-packet drop-tail queue, as in tcpsim.
//
// Prints one line of key=value pairs, e.g.
//   ns3: bytes=100000000 received=100000000 completion_ms=939.379 sim_end_ms=... events=...
//        frames=... data_frames=... data_segments=... retransmissions=... queue_drops=...
// completion_ms is the simulated time from connect (t=0) to the sink's last byte; frames
// counts every frame that finished serialization onto the link, both directions.
// Exits 1 when the sink did not receive every byte.

#include <cstdint>
#include <cstdio>
#include <string>

#include "ns3/application-container.h"
#include "ns3/boolean.h"
#include "ns3/bulk-send-application.h"
#include "ns3/bulk-send-helper.h"
#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-interface-container.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/queue-size.h"
#include "ns3/queue.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-congestion-ops.h"
#include "ns3/tcp-l4-protocol.h"
#include "ns3/tcp-recovery-ops.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/uinteger.h"

using namespace ns3;

namespace {

constexpr std::uint32_t kMss = 1448;  // payload bytes per segment, as tcpsim's MTU 1500 gives
constexpr std::uint32_t kBuffer = 4 * 1024 * 1024;  // tcpsim's linux profile: 4 MiB each way
constexpr std::uint16_t kPort = 5001;
// A frame with more than headers in it carries data: PPP (2) + IPv4 (20) + TCP with the
// largest option space (60). Pure ACKs, SYNs and FINs stay at or below this.
constexpr std::uint32_t kMaxHeaderBytes = 2 + 20 + 60;

struct Counters {
  std::uint64_t target = 0;
  std::uint64_t received = 0;         // bytes the sink has read
  Time last_byte;                     // when `received` reached `target`
  std::uint64_t frames = 0;           // frames serialized onto the link, both directions
  std::uint64_t data_frames = 0;      // of those, frames carrying payload
  std::uint64_t drops = 0;            // packets refused because a device queue was full
  std::uint64_t data_segments = 0;    // segments with payload the sending TCP emitted
  std::uint64_t retransmissions = 0;  // of those, ones starting below the highest byte sent
  SequenceNumber32 high_tx;           // one past the highest payload byte sent so far
};

Counters g;

void on_sink_rx(Ptr<const Packet> packet, const Address&) {
  g.received += packet->GetSize();
  if (g.received >= g.target && g.last_byte.IsZero()) g.last_byte = Simulator::Now();
}

void on_phy_tx_end(Ptr<const Packet> packet) {
  ++g.frames;
  if (packet->GetSize() > kMaxHeaderBytes) ++g.data_frames;
}

void on_queue_drop(Ptr<const Packet>) {
  ++g.drops;
}

void on_tcp_tx(Ptr<const Packet> segment, const TcpHeader& header, Ptr<const TcpSocketBase>) {
  std::uint32_t len = segment->GetSize();
  if (len == 0) return;
  ++g.data_segments;
  SequenceNumber32 end = header.GetSequenceNumber() + len;
  if (header.GetSequenceNumber() < g.high_tx) ++g.retransmissions;
  if (end > g.high_tx) g.high_tx = end;
}

// BulkSend makes its socket when it starts (time 0); the SYN carries no payload, so hooking
// the socket a nanosecond later misses nothing.
void hook_sender(Ptr<BulkSendApplication> app) {
  Ptr<TcpSocketBase> socket = DynamicCast<TcpSocketBase>(app->GetSocket());
  if (!socket || !socket->TraceConnectWithoutContext("Tx", MakeCallback(&on_tcp_tx))) {
    std::fprintf(stderr, "bulk_send: cannot trace the sender's socket\n");
    Simulator::Stop();
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  std::uint64_t bytes = 100000000;
  std::uint32_t send_size = kMss;
  CommandLine cmd(__FILE__);
  cmd.AddValue("bytes", "bytes BulkSend transfers", bytes);
  cmd.AddValue("sendSize", "bytes BulkSend hands the socket per write", send_size);
  cmd.Parse(argc, argv);
  g.target = bytes;

  // TCP as tcpsim's linux profile configures it (docs/scenarios.md, [host.tcp]).
  Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpNewReno::GetTypeId()));
  // Loss recovery sets cwnd = ssthresh on entry, as tcpsim's RFC 6675 recovery does, rather
  // than using ns-3's default, proportional rate reduction (RFC 6937).
  Config::SetDefault("ns3::TcpL4Protocol::RecoveryType",
                     TypeIdValue(TcpClassicRecovery::GetTypeId()));
  Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(kMss));
  Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(kBuffer));
  Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(kBuffer));
  Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
  Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
  Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(40)));
  Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
  Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
  Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(true));
  Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));

  NodeContainer nodes;
  nodes.Create(2);  // 0: client (sender), 1: server (receiver)

  PointToPointHelper p2p;
  p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
  p2p.SetChannelAttribute("Delay", StringValue("5ms"));
  p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("1000p")));
  NetDeviceContainer devices = p2p.Install(nodes);

  InternetStackHelper stack;
  stack.Install(nodes);
  Ipv4AddressHelper addresses;
  addresses.SetBase("10.0.0.0", "255.255.255.0");
  Ipv4InterfaceContainer interfaces = addresses.Assign(devices);

  // Assign() put a default queue disc on each device; take it off (see the top of the file).
  TrafficControlHelper tc;
  tc.Uninstall(devices);
  for (std::uint32_t i = 0; i < devices.GetN(); ++i) {
    Ptr<NetDevice> dev = devices.Get(i);
    Ptr<TrafficControlLayer> tcl = dev->GetNode()->GetObject<TrafficControlLayer>();
    if (tcl->GetRootQueueDiscOnDevice(dev)) {
      std::fprintf(stderr, "bulk_send: a queue disc is still installed on device %u\n", i);
      return 2;
    }
    Ptr<PointToPointNetDevice> p2p_dev = DynamicCast<PointToPointNetDevice>(dev);
    // With no queue disc, a packet meets a full device queue in one of two places: the
    // traffic-control layer drops it when flow control has stopped the device's queue (the
    // usual case: the device stops the queue once it cannot take another full-size packet),
    // and the device drops it if it gets there anyway. Both count as queue drops.
    bool hooked = p2p_dev->TraceConnectWithoutContext("PhyTxEnd", MakeCallback(&on_phy_tx_end)) &&
                  p2p_dev->TraceConnectWithoutContext("MacTxDrop", MakeCallback(&on_queue_drop)) &&
                  tcl->TraceConnectWithoutContext("TcDrop", MakeCallback(&on_queue_drop));
    if (!hooked) {
      std::fprintf(stderr, "bulk_send: cannot connect to a trace source of device %u\n", i);
      return 2;
    }
  }

  PacketSinkHelper sink_helper("ns3::TcpSocketFactory",
                               InetSocketAddress(Ipv4Address::GetAny(), kPort));
  ApplicationContainer sink_apps = sink_helper.Install(nodes.Get(1));
  sink_apps.Start(Seconds(0));
  sink_apps.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&on_sink_rx));

  BulkSendHelper sender("ns3::TcpSocketFactory",
                        InetSocketAddress(interfaces.GetAddress(1), kPort));
  sender.SetAttribute("MaxBytes", UintegerValue(bytes));
  sender.SetAttribute("SendSize", UintegerValue(send_size));
  ApplicationContainer sender_apps = sender.Install(nodes.Get(0));
  sender_apps.Start(Seconds(0));
  Simulator::Schedule(NanoSeconds(1), &hook_sender,
                      DynamicCast<BulkSendApplication>(sender_apps.Get(0)));

  // No stop time anywhere: the run ends when no event is left, after the connection has
  // closed and its TIME-WAIT has passed, as tcpsim's does.
  Simulator::Run();
  Time end = Simulator::Now();
  std::uint64_t events = Simulator::GetEventCount();
  Simulator::Destroy();

  auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf(
      "ns3: bytes=%llu received=%llu completion_ms=%.3f sim_end_ms=%.3f events=%llu "
      "frames=%llu data_frames=%llu data_segments=%llu retransmissions=%llu queue_drops=%llu\n",
      u(bytes), u(g.received), g.last_byte.GetSeconds() * 1e3, end.GetSeconds() * 1e3, u(events),
      u(g.frames), u(g.data_frames), u(g.data_segments), u(g.retransmissions), u(g.drops));
  return g.received >= bytes ? 0 : 1;
}
