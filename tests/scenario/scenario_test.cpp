// Scenario tests: whole runs on the simulator, asserting on checks, streams and captures.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/app/byte_stream.hpp"
#include "sim/app/stream_ledger.hpp"
#include "sim/capture/pcap_reader.hpp"
#include "sim/net/link.hpp"
#include "sim/net/link_direction.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"
#include "stack/wire/frame.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim {
namespace {

using testing::build;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("tcpsim_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

class Builtin : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Builtin, RunsAndEveryCheckPasses) {
  const BuiltinScenario& b = builtin_scenarios()[GetParam()];
  auto run = build(b.text);
  ASSERT_NE(run, nullptr);
  ASSERT_FALSE(run->scenario().checks.empty()) << b.name << " checks nothing";
  run->run();
  run->finish();
  for (const CheckResult& c : run->evaluate_checks()) {
    EXPECT_TRUE(c.passed) << b.name << ": " << c.description << " — " << c.detail;
  }
}

TEST_P(Builtin, FileUnderDocsIsTheBuiltinText) {
  const BuiltinScenario& b = builtin_scenarios()[GetParam()];
  EXPECT_EQ(read_file(std::string(TCPSIM_SOURCE_DIR) + "/" + std::string(b.file)), b.text);
}

INSTANTIATE_TEST_SUITE_P(Scenario, Builtin,
                         ::testing::Range<std::size_t>(0, builtin_scenarios().size()),
                         testing::builtin_param_name);

TEST(Scenario, BuiltinListHasTheTcpScenarios) {
  for (const char* n : {"handshake", "teardown", "simultaneous-open", "simultaneous-close",
                        "half-close", "refused", "reset", "syn-loss", "data-loss", "zero-window"}) {
    EXPECT_NE(find_builtin(n), nullptr) << n;
  }
}

constexpr std::string_view kLossy = R"(
name = "lossy"
seed = 7
duration = "600s"
[params]
bytes = "10MB"
[[host]]
name = "a"
address = "10.0.0.1"
[[host]]
name = "b"
address = "10.0.0.2"
[[link]]
between = ["a", "b"]
rate = "100Mbps"
delay = "2ms"
loss = 0.05
reorder = 0.05
reorder_delay = "3ms"
duplicate = 0.02
corrupt = 0.02
[[app]]
name = "sink"
host = "b"
role = "server"
port = 9
[[app]]
name = "sender"
host = "a"
connect = "b:9"
send = "$bytes"
[[check]]
kind = "integrity"
)";

TEST(Scenario, TenMegabytesUnderLossReorderDuplicationCorruption_DeliveredExactly) {
  auto run = build(kLossy);
  ASSERT_NE(run, nullptr);
  run->run();
  run->finish();
  auto conns = run->connections();
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].to_server, 10'000'000u);
  EXPECT_EQ(conns[0].integrity, "ok");
  EXPECT_GT(conns[0].retransmissions, 100u);  // the faults really bit
  std::uint64_t corrupted = 0, duplicated = 0, reordered = 0;
  for (const auto& l : run->network().links()) {
    corrupted += l->a_to_b().stats().corrupted + l->b_to_a().stats().corrupted;
    duplicated += l->a_to_b().stats().duplicated + l->b_to_a().stats().duplicated;
    reordered += l->a_to_b().stats().reordered + l->b_to_a().stats().reordered;
  }
  EXPECT_GT(corrupted, 0u);
  EXPECT_GT(duplicated, 0u);
  EXPECT_GT(reordered, 0u);
  for (const CheckResult& c : run->evaluate_checks()) EXPECT_TRUE(c.passed) << c.detail;
}

TEST(Scenario, SameSeedSameCapture_OtherSeedOtherCapture) {
  std::vector<Override> small = {{"bytes", "300KB"}};
  std::string p1 = temp_path("det1.pcapng"), p2 = temp_path("det2.pcapng"),
              p3 = temp_path("det3.pcapng");
  for (const auto& [path, seed] : {std::pair{p1, "7"}, std::pair{p2, "7"}, std::pair{p3, "8"}}) {
    auto o = small;
    o.push_back({"seed", seed});
    auto run = build(kLossy, o);
    ASSERT_NE(run, nullptr);
    ASSERT_TRUE(run->capture_to(path).ok());
    run->run();
    run->finish();
  }
  std::string a = read_file(p1), b = read_file(p2), c = read_file(p3);
  EXPECT_GT(a.size(), 300'000u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (const auto& p : {p1, p2, p3}) std::filesystem::remove(p);
}

TEST(Scenario, Capture_PcapHasTheFramesOfPcapngInTheSameOrder) {
  // pcap frames are written at once, pcapng frames wait for their comments: the frames,
  // their times and their order must not differ. Loss makes frames wait behind others.
  std::vector<std::vector<CapturedFrame>> seen;
  for (const char* name : {"same.pcap", "same.pcapng"}) {
    auto run = build(find_builtin("bulk")->text, {{"bytes", "300KB"}, {"link.loss", "0.03"}});
    ASSERT_NE(run, nullptr);
    std::string path = temp_path(name);
    ASSERT_TRUE(run->capture_to(path).ok());
    run->run();
    run->finish();
    auto reader = PcapReader::open(path);
    ASSERT_TRUE(reader.ok()) << reader.error();
    seen.emplace_back();
    while (auto f = reader->next()) seen.back().push_back(std::move(*f));
    std::filesystem::remove(path);
  }
  ASSERT_GT(seen[0].size(), 300u);  // about 207 data segments, their ACKs, retransmissions
  ASSERT_EQ(seen[0].size(), seen[1].size());
  for (std::size_t i = 0; i < seen[0].size(); ++i) {
    EXPECT_EQ(seen[0][i].time_ns, seen[1][i].time_ns) << "frame " << i;
    EXPECT_EQ(seen[0][i].bytes, seen[1][i].bytes) << "frame " << i;
  }
}

TEST(Scenario, Capture_CommentsOnTheFramesThatChangedState) {
  auto run = build(find_builtin("handshake")->text);
  ASSERT_NE(run, nullptr);
  std::string path = temp_path("hs.pcapng");
  ASSERT_TRUE(run->capture_to(path).ok());
  run->run();
  run->finish();
  auto reader = PcapReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error();
  int frames = 0;
  while (reader->next()) ++frames;
  EXPECT_EQ(frames, 6);  // SYN, SYN-ACK, ACK, data+FIN, FIN-ACK, ACK
  std::string bytes = read_file(path);
  EXPECT_NE(bytes.find("server: LISTEN \xE2\x86\x92 SYN-RECEIVED (RFC 9293 \xC2\xA7"
                       "3.10.7.2"),
            std::string::npos);
  EXPECT_NE(bytes.find("client: CLOSED \xE2\x86\x92 SYN-SENT"), std::string::npos);
  EXPECT_NE(bytes.find("client: FIN-WAIT-2 \xE2\x86\x92 TIME-WAIT"), std::string::npos);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tcpsim::sim

namespace tcpsim::sim {
namespace {

constexpr std::string_view kDumbbell = R"(
name = "dumbbell"
seed = 3
duration = "60s"
[[host]]
name = "s1"
address = "10.0.1.1"
[[host]]
name = "s2"
address = "10.0.1.2"
[[host]]
name = "d1"
address = "10.0.2.1"
[[host]]
name = "d2"
address = "10.0.2.2"
[[router]]
name = "r1"
[[router]]
name = "r2"
[[link]]
between = ["s1", "r1"]
rate = "100Mbps"
delay = "1ms"
[[link]]
between = ["s2", "r1"]
rate = "100Mbps"
delay = "1ms"
[[link]]
between = ["r1", "r2"]
rate = "10Mbps"
delay = "10ms"
queue = 50
[[link]]
between = ["r2", "d1"]
rate = "100Mbps"
delay = "1ms"
[[link]]
between = ["r2", "d2"]
rate = "100Mbps"
delay = "1ms"
[[app]]
name = "sink1"
host = "d1"
port = 9
[[app]]
name = "sink2"
host = "d2"
port = 9
[[app]]
name = "flow1"
host = "s1"
connect = "d1:9"
send = "2MB"
[[app]]
name = "flow2"
host = "s2"
connect = "d2:9"
send = "2MB"
[[check]]
kind = "integrity"
)";

TEST(Scenario, Dumbbell_TwoFlowsShareTheBottleneckAndArriveIntact) {
  auto run = build(kDumbbell);
  ASSERT_NE(run, nullptr);
  run->run();
  run->finish();
  auto conns = run->connections();
  ASSERT_EQ(conns.size(), 2u);
  for (const auto& c : conns) {
    EXPECT_EQ(c.to_server, 2'000'000u) << c.client;
    EXPECT_EQ(c.integrity, "ok") << c.client;
  }
  // 4 MB through a 10 Mbit/s bottleneck take at least 3.2 s.
  EXPECT_GE(std::max(conns[0].duration, conns[1].duration), 3200 * kMillisecond);
}

constexpr std::string_view kRequestResponse = R"(
name = "rr"
[[host]]
name = "c"
address = "10.0.0.1"
[[host]]
name = "s"
address = "10.0.0.2"
[[link]]
between = ["c", "s"]
delay = "10ms"
[[app]]
name = "server"
host = "s"
port = 8080
reply_after = 300
send = "20KB"
close = "after-send"
[[app]]
name = "client"
host = "c"
connect = "s:8080"
send = 300
close = "after-peer-close"
[[check]]
kind = "integrity"
)";

TEST(Scenario, RequestResponse_ServerRepliesAfterTheRequest) {
  auto run = build(kRequestResponse);
  ASSERT_NE(run, nullptr);
  run->run();
  run->finish();
  auto conns = run->connections();
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].to_server, 300u);
  EXPECT_EQ(conns[0].to_client, 20'000u);
  EXPECT_EQ(conns[0].integrity, "ok");
  // Handshake (2 x 10 ms), request (10 ms), response (>= 10 ms): at least 40 ms.
  EXPECT_GE(conns[0].duration, 40 * kMillisecond);
}

}  // namespace
}  // namespace tcpsim::sim

namespace tcpsim::sim {
namespace {

TEST(Scenario, Ipv6_TransferAndCaptureParseBack) {
  constexpr std::string_view kV6 = R"(
name = "v6"
[[host]]
name = "client"
address = "fd00::1"
[[host]]
name = "server"
address = ["10.0.0.2", "fd00::2"]
[[link]]
between = ["client", "server"]
rate = "10Mbps"
delay = "5ms"
[[app]]
name = "server"
host = "server"
port = 7777
[[app]]
name = "client"
host = "client"
connect = "server:7777"
send = "100KB"
[[check]]
kind = "integrity"
)";
  auto run = build(kV6);
  ASSERT_NE(run, nullptr);
  std::string path = temp_path("v6.pcapng");
  ASSERT_TRUE(run->capture_to(path).ok());
  run->run();
  run->finish();
  auto conns = run->connections();
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].client, "[fd00::1]:40000");
  EXPECT_EQ(conns[0].server, "[fd00::2]:7777");  // the address of the client's family
  EXPECT_EQ(conns[0].integrity, "ok");
  auto reader = PcapReader::open(path);
  ASSERT_TRUE(reader.ok());
  int frames = 0;
  while (auto f = reader->next()) {
    auto parsed = wire::parse_tcp_frame(f->bytes);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_TRUE(parsed->ipv6.has_value());
    ++frames;
  }
  EXPECT_GT(frames, 70);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace tcpsim::sim

namespace tcpsim::sim {
namespace {

TEST(Scenario, Echo_EveryByteComesBack) {
  constexpr std::string_view kEcho = R"(
name = "echo"
[[host]]
name = "c"
address = "10.0.0.1"
[[host]]
name = "s"
address = "10.0.0.2"
[[link]]
between = ["c", "s"]
rate = "10Mbps"
delay = "3ms"
[[app]]
name = "echo"
host = "s"
port = 7
echo = true
[[app]]
name = "client"
host = "c"
connect = "s:7"
send = "50KB"
half_close = true
close = "after-peer-close"
[[check]]
kind = "integrity"
)";
  auto run = build(kEcho);
  ASSERT_NE(run, nullptr);
  run->run();
  run->finish();
  auto conns = run->connections();
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].to_server, 50'000u);
  EXPECT_EQ(conns[0].to_client, 50'000u);
  EXPECT_EQ(conns[0].integrity, "ok");
}

}  // namespace
}  // namespace tcpsim::sim

namespace tcpsim::sim {
namespace {

TEST(Sha256, LongStreamsHashedOnAWorkerGiveTheSameDigest) {
  // Past 1 MiB the hashing moves to a thread; the digest must not change.
  ByteStream stream(99);
  std::vector<std::uint8_t> buf(3 * 1024 * 1024 + 17);
  stream.fill(0, buf);
  // Any chunk of the stream equals the same bytes of a whole fill, whatever the alignment.
  for (std::uint64_t off : {0ULL, 1ULL, 63ULL, 64ULL, 65ULL, 1000ULL, 4099ULL}) {
    for (std::size_t len : {0UL, 1UL, 7UL, 64UL, 100UL, 513UL}) {
      std::vector<std::uint8_t> part(len);
      stream.fill(off, part);
      EXPECT_TRUE(std::equal(part.begin(), part.end(), buf.begin() + static_cast<long>(off)))
          << off << "+" << len;
    }
  }
  // Different keys give different streams; the bytes are not trivially patterned.
  std::vector<std::uint8_t> other(4096);
  ByteStream(100).fill(0, other);
  EXPECT_FALSE(std::equal(other.begin(), other.end(), buf.begin()));
  std::array<int, 256> counts{};
  for (std::size_t k = 0; k < 65536; ++k) ++counts[buf[k]];
  for (int c : counts) EXPECT_GT(c, 150);  // about 256 each
  Sha256 whole, pieces;
  whole.update(buf);
  std::size_t off = 0, step = 1;
  while (off < buf.size()) {
    std::size_t n = std::min(step, buf.size() - off);
    pieces.update(std::span<const std::uint8_t>(buf.data() + off, n));
    off += n;
    step = step * 3 % 100003 + 1;
  }
  EXPECT_EQ(whole.hex(), pieces.hex());
  EXPECT_EQ(whole.hex(), whole.hex());  // hex() can be asked again
  // Stream ranges hashed on the worker (generated there), mixed with plain bytes, give
  // the digest of the same bytes given directly.
  Sha256 ranges;
  ranges.update(std::span<const std::uint8_t>(buf.data(), 100));
  ranges.update_stream(stream, 100, 2'000'000);
  ranges.update_stream(stream, 2'000'100, 5);  // contiguous: extends the range
  ranges.update(std::span<const std::uint8_t>(buf.data() + 2'000'105, 1000));
  ranges.update_stream(stream, 2'001'105, buf.size() - 2'001'105);
  EXPECT_EQ(ranges.hex(), whole.hex());
  Sha256 small;  // below the threshold, hashed at once
  small.update_stream(stream, 7, 1000);
  Sha256 small_direct;
  small_direct.update(std::span<const std::uint8_t>(buf.data() + 7, 1000));
  EXPECT_EQ(small.hex(), small_direct.hex());
  // Writing straight into the hasher (prepare/commit) in uneven pieces, across the switch
  // to the worker, gives the same digest too; a commit may take fewer bytes than offered.
  Sha256 direct;
  std::size_t at = 0, piece = 5000;
  while (at < buf.size()) {
    std::span<std::uint8_t> into = direct.prepare(piece);
    std::size_t n = std::min({into.size(), buf.size() - at, piece / 2 + 1});
    std::memcpy(into.data(), buf.data() + at, n);
    direct.commit(n);
    at += n;
    piece = piece * 7 % 70001 + 1;
  }
  EXPECT_EQ(direct.hex(), whole.hex());
  // A known vector: SHA-256 of "abc" (FIPS 180-2 example).
  Sha256 abc;
  const std::uint8_t text[] = {'a', 'b', 'c'};
  abc.update(text);
  EXPECT_EQ(abc.hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace tcpsim::sim

namespace tcpsim::sim {
namespace {

TEST(ByteStream, MatchesAgreesWithFillAndFindsAnyDifferentByte) {
  ByteStream stream(31);
  std::vector<std::uint8_t> buf(4096);
  for (std::uint64_t off : {0ULL, 1ULL, 63ULL, 64ULL, 100ULL, 1000003ULL}) {
    for (std::size_t len : {0UL, 1UL, 63UL, 64UL, 65UL, 200UL, 4096UL}) {
      std::span<std::uint8_t> part(buf.data(), len);
      stream.fill(off, part);
      EXPECT_TRUE(stream.matches(off, part)) << off << "+" << len;
      EXPECT_EQ(stream.matches(off + 1, part), len == 0) << off << "+" << len;
      // Each byte position, head, whole blocks and tail alike, is checked.
      for (std::size_t at = 0; at < len; at += len / 7 + 1) {
        part[at] ^= 0x80;
        EXPECT_FALSE(stream.matches(off, part)) << off << "+" << len << " at " << at;
        part[at] ^= 0x80;
      }
    }
  }
  EXPECT_FALSE(ByteStream(32).matches(0, std::span<const std::uint8_t>(buf.data(), 64)));
}

TEST(Sha256, ExpectStreamTellsWhetherEveryByteWasTheStreams) {
  ByteStream stream(5);
  // Below and above the size at which hashing moves to the worker thread.
  for (std::size_t size : {std::size_t{5000}, std::size_t{3 * 1024 * 1024 + 5}}) {
    std::vector<std::uint8_t> bytes(size);
    stream.fill(0, bytes);
    Sha256 plain, checked, wrong_key;
    plain.update(bytes);
    checked.expect_stream(stream);
    wrong_key.expect_stream(ByteStream(6));
    for (std::size_t at = 0; at < size; at += 1448) {
      std::size_t n = std::min<std::size_t>(1448, size - at);
      checked.update(std::span<const std::uint8_t>(bytes.data() + at, n));
      wrong_key.update(std::span<const std::uint8_t>(bytes.data() + at, n));
    }
    EXPECT_TRUE(checked.matches_stream()) << size;
    EXPECT_FALSE(wrong_key.matches_stream()) << size;
    EXPECT_EQ(checked.size(), size);
    // The check changes nothing in the digest.
    EXPECT_EQ(checked.hex(), plain.hex());
    EXPECT_EQ(wrong_key.hex(), plain.hex());
    // One flipped bit anywhere is seen, the digest is still that of the bytes given.
    bytes[size - 3] ^= 0x10;
    Sha256 flipped, flipped_plain;
    flipped.expect_stream(stream);
    flipped.update(bytes);
    flipped_plain.update(bytes);
    EXPECT_FALSE(flipped.matches_stream()) << size;
    EXPECT_EQ(flipped.hex(), flipped_plain.hex());
  }
  // Without expect_stream there is nothing to match; asked late, it is ignored.
  Sha256 none;
  EXPECT_FALSE(none.matches_stream());
  std::vector<std::uint8_t> some(10);
  stream.fill(0, some);
  none.update(some);
  none.expect_stream(stream);
  EXPECT_FALSE(none.matches_stream());
}

TEST(StreamLedger, SenderDigestIsTheCheckedReceiversOrComputed) {
  const std::uint64_t key = 77;
  ByteStream stream(key);
  const std::uint64_t n = 2 * 1024 * 1024 + 100;
  Sha256 reference;
  reference.update_stream(stream, 0, n);
  const std::string expected = reference.hex();

  tcp::Endpoint from{*wire::IpAddress::parse("10.0.0.1"), 40000};
  tcp::Endpoint to{*wire::IpAddress::parse("10.0.0.2"), 5001};
  StreamLedger ledger;
  EXPECT_FALSE(ledger.expected(from, to).has_value());
  ledger.announce(from, to, key);
  ASSERT_TRUE(ledger.expected(from, to).has_value());
  EXPECT_EQ(*ledger.expected(from, to), key);
  EXPECT_FALSE(ledger.expected(to, from).has_value());  // the other direction carries none

  // No receiver: computed from the stream.
  EXPECT_EQ(ledger.digest(key, n), expected);
  // A receiver that got other bytes does not stand in for the sender.
  std::vector<std::uint8_t> bytes(n);
  stream.fill(0, bytes);
  bytes[12345] ^= 1;
  Sha256 damaged;
  damaged.expect_stream(stream);
  damaged.update(bytes);
  StreamLedger ledger2;
  ledger2.add_receiver(key, damaged);
  EXPECT_EQ(ledger2.digest(key, n), expected);
  EXPECT_NE(damaged.hex(), expected);
  // Nor does one that holds fewer bytes.
  bytes[12345] ^= 1;
  Sha256 partial;
  partial.expect_stream(stream);
  partial.update(std::span<const std::uint8_t>(bytes.data(), n - 1));
  ledger2.add_receiver(key, partial);
  EXPECT_EQ(ledger2.digest(key, n), expected);
  // One that holds exactly the stream's n bytes: its digest, the same value.
  Sha256 whole;
  whole.expect_stream(stream);
  whole.update(bytes);
  ledger2.add_receiver(key, whole);
  EXPECT_EQ(ledger2.digest(key, n), expected);
  EXPECT_EQ(ledger2.digest(key, n - 1), partial.hex());
}

TEST(PeerApp, BulkDigestsAgreeAndPayloadBuffersAreRecycled) {
  const BuiltinScenario* b = find_builtin("bulk");
  ASSERT_NE(b, nullptr);
  auto run = testing::build(b->text, {{"bytes", "3MB"}});
  ASSERT_NE(run, nullptr);
  run->start();
  run->run();
  std::string sent, received;
  std::uint64_t bytes = 0;
  for (const auto& p : run->apps_of<Peer>()) {
    for (const PeerConnectionReport& r : p->reports()) {
      if (r.bytes_sent > 0) {
        sent = r.sent_sha256;
        bytes = r.bytes_sent;
      }
      if (r.bytes_received > 0) received = r.received_sha256;
    }
  }
  ASSERT_EQ(bytes, 3'000'000u);
  EXPECT_EQ(sent, received);
  EXPECT_EQ(sent.size(), 64u);
  // Segments' buffers went back to the network's pool as they were delivered.
  EXPECT_GT(run->network().payload_pool().idle(), 0u);
  EXPECT_LE(run->network().payload_pool().idle(), tcp::PayloadPool::kMaxIdle);
}

TEST(PeerApp, HalfClosedClientClosesItsSocketOnceThePeerHasClosed) {
  // half-close: the client shuts down its sending side, reads the server's 50 KB, and with
  // close = "after-peer-close" closes its socket when the server's FIN arrives, while TCP
  // still waits in TIME-WAIT.
  const BuiltinScenario* b = find_builtin("half-close");
  ASSERT_NE(b, nullptr);
  auto built = testing::build(b->text);
  ASSERT_NE(built, nullptr);
  ScenarioRun& run = *built;
  Host* client = run.host("client");
  const Peer* app = nullptr;
  for (const auto& p : run.apps_of<Peer>()) {
    if (p->config().name == "client") app = p;
  }
  ASSERT_TRUE(client != nullptr && app != nullptr);
  bool in_time_wait = false;
  while (run.step()) {
    const auto& st = client->states_entered();
    if (!st.empty() && st.back() == tcp::State::TimeWait) {
      in_time_wait = true;
      break;
    }
  }
  ASSERT_TRUE(in_time_wait);
  ASSERT_GE(app->first_socket(), 0);
  EXPECT_EQ(client->tcp().connection(app->first_socket()), nullptr)
      << "the application should have closed its socket";
  EXPECT_EQ(client->tcp().connections().size(), 1u);  // TCP itself is still in TIME-WAIT
}

}  // namespace
}  // namespace tcpsim::sim
