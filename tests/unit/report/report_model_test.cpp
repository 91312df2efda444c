// The report's data: one drawn segment per captured frame (router hops are not drawn
// twice), relative sequence numbers, the state changes each segment caused, queue lengths,
// and a page whose embedded data can never close its script element.
#include "sim/report/report.hpp"

#include <gtest/gtest.h>

#include "sim/capture/frame_recorder.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"
#include "sim/trace/memory_sink.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim::report {
namespace {

ReportInput run_builtin(std::string_view name, const std::vector<Override>& o = {}) {
  ReportInput in;
  auto run = testing::build(testing::builtin_text(name), o);
  if (!run) return in;
  auto rec = std::make_unique<FrameRecorder>();
  auto frames = rec->frames();
  run->capture_to(std::move(rec));
  MemoryTraceSink sink;
  run->trace().subscribe(sink);
  run->start();
  run->run();
  run->finish();
  run->trace().unsubscribe(sink);
  in.title = std::string(name);
  in.events = sink.events();
  in.frames = *frames;
  return in;
}

// The JSON array after `"key":[` inside the object that starts at `from`.
std::string array_after(const std::string& json, const std::string& key, std::size_t from = 0) {
  auto at = json.find("\"" + key + "\":[", from);
  if (at == std::string::npos) return "(missing)";
  auto open = json.find('[', at);
  return json.substr(open, json.find(']', open) - open + 1);
}

std::size_t count_items(const std::string& array) {
  if (array == "[]") return 0;
  return static_cast<std::size_t>(std::count(array.begin(), array.end(), ',')) + 1;
}

TEST(ReportModel, HandshakeSegmentsAreRelativeAndCauseTheirStates) {
  auto in = run_builtin("handshake");
  ASSERT_EQ(in.frames.size(), 6u);
  std::string j = report_data_json(in);
  auto seg = j.find("\"seg\":{");
  // SYN, SYN-ACK, ACK, FIN with 5 bytes, FIN-ACK, last ACK
  EXPECT_EQ(array_after(j, "seq", seg), "[0,0,1,1,1,7]");
  EXPECT_EQ(array_after(j, "ack", seg), "[0,1,1,1,7,2]");
  EXPECT_EQ(array_after(j, "len", seg), "[0,0,0,5,0,0]");
  EXPECT_EQ(array_after(j, "rtx", seg), "[0,0,0,0,0,0]");
  EXPECT_EQ(array_after(j, "dir", seg), "[0,1,0,0,1,0]");
  // client CLOSED->SYN-SENT comes with the SYN it sent, server LISTEN->SYN-RECEIVED with
  // the SYN's arrival, client SYN-SENT->ESTABLISHED with the SYN,ACK's; the last change
  // (TIME-WAIT's end) has no segment.
  auto st = j.find("\"st\":{");
  std::string causes = array_after(j, "seg", st);
  EXPECT_EQ(causes.substr(0, 7), "[0,0,1,") << causes;
  EXPECT_EQ(causes.substr(causes.size() - 4), ",-1]") << causes;
  EXPECT_NE(j.find("\"wscale\":[7,7]"), std::string::npos);
  EXPECT_EQ(count_items(array_after(j, "hoff")), 7u);  // one offset per frame, and the end
}

TEST(ReportModel, RouterHopsAreDrawnOnceAndEveryFrameHasItsSegment) {
  auto in = run_builtin("polling-vs-websocket");
  std::size_t sent = 0;
  for (const auto& e : in.events) sent += e.type == TraceType::SegmentSent ? 1 : 0;
  ASSERT_GT(sent, in.frames.size());  // the switch forwards every packet
  std::string j = report_data_json(in);
  EXPECT_EQ(count_items(array_after(j, "t", j.find("\"seg\":{"))), in.frames.size());
  EXPECT_EQ(count_items(array_after(j, "flen")), in.frames.size());
}

TEST(ReportModel, LossesAndRetransmissionsAreMarked) {
  auto in = run_builtin("data-loss");
  std::string j = report_data_json(in);
  auto seg = j.find("\"seg\":{");
  std::string drops = array_after(j, "drop", seg);
  std::string rtx = array_after(j, "rtx", seg);
  EXPECT_EQ(count_items(drops), in.frames.size());
  // exactly one segment is lost, and at least one retransmission follows it
  std::size_t lost =
      count_items(drops) - static_cast<std::size_t>(std::count(drops.begin(), drops.end(), '-'));
  EXPECT_EQ(lost, 1u) << drops;
  EXPECT_NE(rtx.find('1'), std::string::npos) << rtx;
}

TEST(ReportModel, QueueLengthRisesAndFallsOnTheBottleneck) {
  auto in = run_builtin("dumbbell", {{"flows", "2"}, {"bytes", "2MB"}});
  std::string j = report_data_json(in);
  auto link = j.find("{\"name\":\"r->server\"");
  ASSERT_NE(link, std::string::npos);
  std::string q = array_after(j, "q", link);
  EXPECT_NE(q, "[0]");
  EXPECT_EQ(q.substr(q.size() - 2), "0]") << "the queue drains by the end";
}

TEST(ReportModel, EmbeddedDataCannotCloseItsScript) {
  ReportInput in;
  in.title = "a </script><b>";
  TraceEvent e(0, TraceType::State, "h</script>", "1.1.1.1:1>2.2.2.2:2");
  e.add("from", "CLOSED").add("to", "SYN-SENT").add("rule", "</script><script>alert(1)</script>");
  in.events.push_back(e);
  std::string page = render_report(in);
  auto data = page.find("id=\"tcpsim-data\">");
  ASSERT_NE(data, std::string::npos);
  auto end = page.find("</script>", data);
  EXPECT_EQ(page.substr(data, end - data).find('<'), std::string::npos);
  EXPECT_NE(page.find("<title>a &lt;/script&gt;&lt;b&gt; — tcpsim report</title>"),
            std::string::npos);
}

}  // namespace
}  // namespace tcpsim::sim::report
