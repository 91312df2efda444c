// Trace events, the hub, and the JSON Lines encoding.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "sim/trace/jsonl_sink.hpp"
#include "sim/trace/memory_sink.hpp"
#include "sim/trace/trace.hpp"
#include "sim_test_util.hpp"

namespace tcpsim::sim {
namespace {

TEST(Trace, NoSink_NotEnabled) {
  Trace trace;
  EXPECT_FALSE(trace.enabled());
  MemoryTraceSink sink;
  trace.subscribe(sink);
  trace.subscribe(sink);
  EXPECT_TRUE(trace.enabled());
  trace.emit(TraceEvent(1, TraceType::Note));
  EXPECT_EQ(sink.events().size(), 1u);  // subscribed once
  trace.unsubscribe(sink);
  EXPECT_FALSE(trace.enabled());
}

TEST(Trace, Event_FieldsKeepInsertionOrderAndTypes) {
  TraceEvent e(5, TraceType::Cwnd, "A", "c");
  e.add("cwnd", std::uint32_t{14600}).add("ratio", 0.5).add("slow_start", true).add("cc", "reno");
  ASSERT_EQ(e.fields.size(), 4u);
  EXPECT_EQ(e.fields[0].key, "cwnd");
  EXPECT_EQ(e.get_int("cwnd"), 14600);
  EXPECT_TRUE(std::holds_alternative<double>(e.fields[1].value));
  EXPECT_TRUE(std::holds_alternative<bool>(e.fields[2].value));
  EXPECT_EQ(e.get_string("cc"), "reno");
  EXPECT_EQ(e.get_int("missing"), std::nullopt);
  EXPECT_EQ(e.get_int("cc"), std::nullopt);
}

TEST(Trace, TypeNames_RoundTrip) {
  for (int i = 0; i <= static_cast<int>(TraceType::Message); ++i) {
    auto t = static_cast<TraceType>(i);
    EXPECT_EQ(parse_trace_type(to_string(t)), t);
  }
  EXPECT_EQ(to_string(TraceType::SegmentDropped), "segment-dropped");
  EXPECT_EQ(to_string(TraceType::TimerCancelled), "timer-cancelled");
  EXPECT_EQ(to_string(TraceType::Message), "app-message");
  EXPECT_EQ(parse_trace_type("bogus"), std::nullopt);
}

TEST(Trace, ConnId_FormatsBothFamilies) {
  EXPECT_EQ(format_conn_id(test::ip("10.0.0.1"), 40000, test::ip("10.0.0.2"), 80),
            "10.0.0.1:40000>10.0.0.2:80");
  EXPECT_EQ(format_conn_id(test::ip("2001:db8::1"), 1, test::ip("::1"), 2),
            "[2001:db8::1]:1>[::1]:2");
}

TEST(JsonLines, CommonKeysFirst_ThenFieldsInOrder) {
  TraceEvent e(1500, TraceType::State, "client", "10.0.0.1:40000>10.0.0.2:80");
  e.add("from", "SYN-SENT").add("to", "ESTABLISHED").add("rule", "RFC 9293 §3.10.7.3");
  EXPECT_EQ(to_json_line(e),
            R"({"t_ns":1500,"type":"state","host":"client","conn":"10.0.0.1:40000>10.0.0.2:80",)"
            R"("from":"SYN-SENT","to":"ESTABLISHED","rule":"RFC 9293 §3.10.7.3"})");
}

TEST(JsonLines, Strings_EscapedPerRfc8259) {
  TraceEvent e(0, TraceType::Note);
  e.add("text", std::string("q\"b\\n\nr\rt\tz\x01\x1f\x7f"
                            "\b\f/"));
  EXPECT_EQ(
      to_json_line(e),
      R"({"t_ns":0,"type":"note","host":"","conn":"","text":"q\"b\\n\nr\rt\tz\u0001\u001f\u007f\b\f/"})");
}

TEST(JsonLines, Utf8_KeptWhenValid_InvalidBytesReplaced) {
  std::string out;
  append_json_string(out, "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x93\xa6");
  EXPECT_EQ(out, "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x93\xa6\"");
  out.clear();
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  append_json_string(out,
                     "a\x80"
                     "b\xe2\x86"
                     "c\xc0\xaf"
                     "d\xed\xa0\x80");
  EXPECT_EQ(out, R"("a\ufffdb\ufffd\ufffdc\ufffd\ufffdd\ufffd\ufffd\ufffd")");
}

TEST(JsonLines, Numbers_IntegersExactDoublesShortest) {
  TraceEvent e(std::numeric_limits<Nanos>::max(), TraceType::Rtt);
  e.add("min", std::numeric_limits<std::int64_t>::min())
      .add("big", std::int64_t{9007199254740993})  // 2^53 + 1: not a double
      .add("srtt_ms", 0.1)
      .add("whole", 2.0)
      .add("nan", std::numeric_limits<double>::quiet_NaN())
      .add("ok", false);
  EXPECT_EQ(to_json_line(e),
            R"({"t_ns":9223372036854775807,"type":"rtt","host":"","conn":"",)"
            R"("min":-9223372036854775808,"big":9007199254740993,"srtt_ms":0.1,"whole":2,)"
            R"("nan":null,"ok":false})");
}

TEST(JsonLines, Sink_WritesOneLinePerEvent) {
  std::ostringstream out;
  JsonLinesTraceSink sink(out);
  Trace trace;
  trace.subscribe(sink);
  trace.emit(TraceEvent(1, TraceType::Note, "A").add("n", 1));
  trace.emit(TraceEvent(2, TraceType::Note, "B").add("n", 2));
  trace.flush();
  EXPECT_EQ(out.str(),
            "{\"t_ns\":1,\"type\":\"note\",\"host\":\"A\",\"conn\":\"\",\"n\":1}\n"
            "{\"t_ns\":2,\"type\":\"note\",\"host\":\"B\",\"conn\":\"\",\"n\":2}\n");
}

TEST(JsonLines, Open_BadPath_ErrorNamesFile) {
  auto sink = JsonLinesTraceSink::open("/nonexistent-dir/x.jsonl");
  ASSERT_FALSE(sink);
  EXPECT_EQ(sink.error().message.rfind("cannot open '/nonexistent-dir/x.jsonl' for writing: ", 0),
            0u);
}

TEST(JsonLines, Open_WritesFile) {
  std::string path = std::string(TCPSIM_BINARY_DIR) + "/trace_test_open.jsonl";
  {
    auto sink = JsonLinesTraceSink::open(path);
    ASSERT_TRUE(sink) << sink.error();
    (*sink)->on_event(TraceEvent(3, TraceType::Note));
  }
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, R"({"t_ns":3,"type":"note","host":"","conn":""})");
  std::remove(path.c_str());
}

TEST(NetworkTrace, SegmentEvents_SentDeliveredDroppedWithCause) {
  LinkParams params;
  params.rate_bps = 1'000'000;
  params.delay = 5 * kMillisecond;
  params.queue_packets = 1;
  test::Pair p(params);
  MemoryTraceSink sink;
  p.net.trace().subscribe(sink);
  for (std::uint32_t i = 0; i < 3; ++i) {
    p.a->send(test::frame_of_size("10.0.0.1", "10.0.0.2", 1500, i));
  }
  p.sim.run();
  auto sent = sink.of_type(TraceType::SegmentSent);
  auto delivered = sink.of_type(TraceType::SegmentDelivered);
  auto dropped = sink.of_type(TraceType::SegmentDropped);
  ASSERT_EQ(sent.size(), 2u);
  ASSERT_EQ(delivered.size(), 2u);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(to_json_line(sent[1]),
            R"({"t_ns":12000000,"type":"segment-sent","host":"A",)"
            R"("conn":"10.0.0.1:40000>10.0.0.2:80","id":2,"flags":"ACK","seq":1,"ack":0,)"
            R"("len":1446,"link":"A->B","wire_bytes":1500,"queued_ns":12000000})");
  EXPECT_EQ(delivered[0].host, "B");
  EXPECT_EQ(delivered[0].time, 17 * kMillisecond);
  EXPECT_EQ(dropped[0].get_string("cause"), "queue-full");
  EXPECT_EQ(dropped[0].get_int("seq"), 2);
  EXPECT_EQ(dropped[0].host, "A");
}

}  // namespace
}  // namespace tcpsim::sim
