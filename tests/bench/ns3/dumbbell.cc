// The ns-3 side of the many-flow tcpsim/ns-3 comparison (tests/bench/compare_ns3.sh
// --dumbbell, docs/benchmarks.md): the same dumbbell as tcpsim's built-in `dumbbell`
// scenario with every sender on NewReno. N sender nodes, each on a point-to-point access
// link of its own (10 Gbit/s, 1 ms) to one router, share the router's link to one server
// (1 Gbit/s, 5 ms). Each sender's BulkSend transfers BYTES / N (rounded down) to one
// PacketSink on the server; sender i starts at 10 us * i, as in tcpsim. TCP as in
// bulk_send.cc: NewReno with SACK and classic recovery, MSS 1448, 4 MiB buffers.
//
// Queueing: every device gets a 1000-packet DropTail queue and no queue disc, as in
// bulk_send.cc (see there), so the bottleneck has one 1000-packet drop-tail queue.
//
// Routing: static routes only (no global routing, whose tables would hold a route to every
// access network on every node). Each sender and the server have a default route to the
// router; the router knows the networks of its own interfaces. ns-3's static routing looks
// a destination up by scanning every route, so at the router each lookup costs time in
// proportion to the number of flows (tcpsim's router looks host routes up in a hash table).
// The router uses the strong end-system model: with ns-3's default (weak), every packet it
// forwards is first compared with the addresses of all its N + 1 interfaces.
//
// Prints one line of key=value pairs, e.g.
//   ns3: flows=10 bytes=100000000 received=100000000 completion_ms=... median_ms=...
//        min_ms=... sim_end_ms=... events=... bottleneck_frames=... retransmissions=...
//        queue_drops=...
// completion_ms is the simulated time from the first start (t=0) to the last byte of the
// last flow to finish; min_ms and median_ms are over the flows' own last bytes (from t=0).
// Exits 1 when the sink did not receive every byte of every flow.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <unordered_map>
#include <vector>

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
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/ipv4.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/nstime.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/packet-sink.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/queue-size.h"
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

constexpr std::uint32_t kMss = 1448;
constexpr std::uint32_t kBuffer = 4 * 1024 * 1024;
constexpr std::uint16_t kPort = 5001;

struct Flow {
  std::uint64_t received = 0;  // bytes the sink has read from this flow
  Time last_byte;              // when `received` reached the flow's share
  SequenceNumber32 high_tx;    // one past the highest payload byte the sender sent
};

struct Counters {
  std::uint64_t per_flow = 0;
  std::vector<Flow> flows;
  std::unordered_map<std::uint32_t, std::uint32_t> flow_of;  // sender address -> flow
  std::uint64_t received = 0;
  std::uint64_t frames = 0;  // frames serialized onto the bottleneck, both directions
  std::uint64_t drops = 0;   // packets the router refused because a queue was full
  std::uint64_t retransmissions = 0;
};

Counters g;

void on_sink_rx(Ptr<const Packet> packet, const Address& from) {
  auto it = g.flow_of.find(InetSocketAddress::ConvertFrom(from).GetIpv4().Get());
  if (it == g.flow_of.end()) return;
  Flow& flow = g.flows[it->second];
  flow.received += packet->GetSize();
  g.received += packet->GetSize();
  if (flow.received >= g.per_flow && flow.last_byte.IsZero()) flow.last_byte = Simulator::Now();
}

void on_phy_tx_end(Ptr<const Packet>) {
  ++g.frames;
}

void on_queue_drop(Ptr<const Packet>) {
  ++g.drops;
}

void on_tcp_tx(std::uint32_t index, Ptr<const Packet> segment, const TcpHeader& header,
               Ptr<const TcpSocketBase>) {
  std::uint32_t len = segment->GetSize();
  if (len == 0) return;
  Flow& flow = g.flows[index];
  SequenceNumber32 end = header.GetSequenceNumber() + len;
  if (header.GetSequenceNumber() < flow.high_tx) ++g.retransmissions;
  if (end > flow.high_tx) flow.high_tx = end;
}

// A BulkSend makes its socket when it starts; hook it a nanosecond later (see bulk_send.cc).
void hook_sender(Ptr<BulkSendApplication> app, std::uint32_t index) {
  Ptr<TcpSocketBase> socket = DynamicCast<TcpSocketBase>(app->GetSocket());
  if (!socket || !socket->TraceConnectWithoutContext("Tx", MakeBoundCallback(&on_tcp_tx, index))) {
    std::fprintf(stderr, "dumbbell: cannot trace the socket of sender %u\n", index);
    Simulator::Stop();
  }
}

void configure_tcp() {
  Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpNewReno::GetTypeId()));
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
}

// Takes off the queue disc Assign() put on each device, leaving its 1000-packet DropTail
// queue. False (with a message) when one is left.
bool remove_queue_discs(const NetDeviceContainer& devices) {
  TrafficControlHelper tc;
  tc.Uninstall(devices);
  for (std::uint32_t i = 0; i < devices.GetN(); ++i) {
    Ptr<NetDevice> dev = devices.Get(i);
    if (dev->GetNode()->GetObject<TrafficControlLayer>()->GetRootQueueDiscOnDevice(dev)) {
      std::fprintf(stderr, "dumbbell: a queue disc is still installed on a device\n");
      return false;
    }
  }
  return true;
}

// The counters on the router's side of the bottleneck: frames both ways, drops at the
// router (its device's own and the traffic-control layer's, as in bulk_send.cc).
bool hook_bottleneck(const NetDeviceContainer& bottleneck) {
  bool hooked = true;
  for (std::uint32_t i = 0; i < bottleneck.GetN(); ++i) {
    hooked = hooked && bottleneck.Get(i)->TraceConnectWithoutContext("PhyTxEnd",
                                                                     MakeCallback(&on_phy_tx_end));
  }
  Ptr<NetDevice> router_dev = bottleneck.Get(0);
  Ptr<TrafficControlLayer> tcl = router_dev->GetNode()->GetObject<TrafficControlLayer>();
  hooked = hooked &&
           router_dev->TraceConnectWithoutContext("MacTxDrop", MakeCallback(&on_queue_drop)) &&
           tcl->TraceConnectWithoutContext("TcDrop", MakeCallback(&on_queue_drop));
  if (!hooked) std::fprintf(stderr, "dumbbell: cannot connect to the bottleneck's traces\n");
  return hooked;
}

void set_default_route(Ptr<Node> node, Ipv4Address gateway) {
  Ipv4StaticRoutingHelper helper;
  helper.GetStaticRouting(node->GetObject<Ipv4>())->SetDefaultRoute(gateway, 1);
}

void print_result(std::uint32_t flows, std::uint64_t bytes, Time end, std::uint64_t events) {
  std::vector<double> done_ms;
  for (const Flow& flow : g.flows) done_ms.push_back(flow.last_byte.GetSeconds() * 1e3);
  std::sort(done_ms.begin(), done_ms.end());
  double median = done_ms.size() % 2
                      ? done_ms[done_ms.size() / 2]
                      : (done_ms[done_ms.size() / 2 - 1] + done_ms[done_ms.size() / 2]) / 2;
  auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf(
      "ns3: flows=%u bytes=%llu received=%llu completion_ms=%.3f median_ms=%.3f min_ms=%.3f "
      "sim_end_ms=%.3f events=%llu bottleneck_frames=%llu retransmissions=%llu "
      "queue_drops=%llu\n",
      flows, u(bytes), u(g.received), done_ms.back(), median, done_ms.front(),
      end.GetSeconds() * 1e3, u(events), u(g.frames), u(g.retransmissions), u(g.drops));
}

}  // namespace

int main(int argc, char* argv[]) {
  std::uint32_t flows = 10;
  std::uint64_t bytes = 100000000;
  CommandLine cmd(__FILE__);
  cmd.AddValue("flows", "senders, each with one connection to the server", flows);
  cmd.AddValue("bytes", "bytes over all flows; each sends bytes / flows", bytes);
  cmd.Parse(argc, argv);
  if (flows == 0 || bytes / flows == 0) {
    std::fprintf(stderr, "dumbbell: --flows must be 1 or more and at most --bytes\n");
    return 2;
  }
  g.per_flow = bytes / flows;
  g.flows.resize(flows);
  configure_tcp();

  NodeContainer senders;
  senders.Create(flows);
  Ptr<Node> router = CreateObject<Node>();
  Ptr<Node> server = CreateObject<Node>();

  InternetStackHelper stack;
  stack.SetIpv6StackInstall(false);
  stack.SetRoutingHelper(Ipv4StaticRoutingHelper());
  stack.Install(senders);
  stack.Install(router);
  stack.Install(server);
  router->GetObject<Ipv4>()->SetAttribute("WeakEsModel", BooleanValue(false));

  PointToPointHelper p2p;
  p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("1000p")));
  p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
  p2p.SetChannelAttribute("Delay", StringValue("5ms"));
  NetDeviceContainer bottleneck = p2p.Install(router, server);  // 0: router, 1: server
  Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.252");
  Ipv4Address server_address = addresses.Assign(bottleneck).GetAddress(1);
  if (!remove_queue_discs(bottleneck) || !hook_bottleneck(bottleneck)) return 2;
  set_default_route(server, Ipv4Address("10.0.0.1"));

  // Access link i gets the /30 network 10.1.0.0 + 4 i: the router .1, sender i .2.
  p2p.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
  p2p.SetChannelAttribute("Delay", StringValue("1ms"));
  addresses.SetBase("10.1.0.0", "255.255.255.252");
  for (std::uint32_t i = 0; i < flows; ++i) {
    NetDeviceContainer access = p2p.Install(router, senders.Get(i));
    Ipv4InterfaceContainer ifaces = addresses.Assign(access);
    addresses.NewNetwork();
    if (!remove_queue_discs(access)) return 2;
    set_default_route(senders.Get(i), ifaces.GetAddress(0));
    g.flow_of[ifaces.GetAddress(1).Get()] = i;
  }

  PacketSinkHelper sink_helper("ns3::TcpSocketFactory",
                               InetSocketAddress(Ipv4Address::GetAny(), kPort));
  ApplicationContainer sink_apps = sink_helper.Install(server);
  sink_apps.Start(Seconds(0));
  sink_apps.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&on_sink_rx));

  BulkSendHelper sender("ns3::TcpSocketFactory", InetSocketAddress(server_address, kPort));
  sender.SetAttribute("MaxBytes", UintegerValue(g.per_flow));
  sender.SetAttribute("SendSize", UintegerValue(kMss));
  for (std::uint32_t i = 0; i < flows; ++i) {
    ApplicationContainer app = sender.Install(senders.Get(i));
    Time start = MicroSeconds(10 * i);
    app.Start(start);
    Simulator::Schedule(start + NanoSeconds(1), &hook_sender,
                        DynamicCast<BulkSendApplication>(app.Get(0)), i);
  }

  // No stop time: the run ends when no event is left, after every TIME-WAIT.
  Simulator::Run();
  Time end = Simulator::Now();
  std::uint64_t events = Simulator::GetEventCount();
  Simulator::Destroy();
  print_result(flows, g.per_flow * flows, end, events);
  return g.received >= g.per_flow * flows ? 0 : 1;
}
