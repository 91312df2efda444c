// Reading traces back: every line tcpsim writes reads back as the same event, and a
// damaged line is refused with its column.
#include "sim/trace/jsonl_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "../scratch_dir.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/run.hpp"
#include "sim/trace/jsonl_sink.hpp"
#include "sim/trace/memory_sink.hpp"
#include "tests/scenario/scenario_support.hpp"

namespace tcpsim::sim {
namespace {

std::vector<TraceEvent> run_builtin(std::string_view name) {
  auto run = testing::build(testing::builtin_text(name));
  if (!run) return {};
  MemoryTraceSink sink;
  run->trace().subscribe(sink);
  run->start();
  run->run();
  run->finish();
  run->trace().unsubscribe(sink);
  return sink.events();
}

void expect_same(const TraceEvent& a, const TraceEvent& b) {
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.host, b.host);
  EXPECT_EQ(a.conn, b.conn);
  EXPECT_EQ(a.fields, b.fields) << to_json_line(a);
}

TEST(JsonlReader, EveryLineOfARunReadsBackAsTheSameEvent) {
  for (const char* name : {"data-loss", "websocket-echo", "refused"}) {
    auto events = run_builtin(name);
    ASSERT_GT(events.size(), 5u) << name;
    for (const TraceEvent& e : events) {
      auto back = parse_trace_line(to_json_line(e));
      ASSERT_TRUE(back.ok()) << back.error().message << " in " << to_json_line(e);
      expect_same(e, *back);
    }
  }
}

TEST(JsonlReader, ReadsAFileInOrder) {
  auto events = run_builtin("handshake");
  std::string path = (test::scratch_dir() / "h.jsonl").string();
  {
    std::ofstream out(path);
    JsonLinesTraceSink sink(out);
    for (const auto& e : events) sink.on_event(e);
  }
  auto back = read_trace_file(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) expect_same(events[i], (*back)[i]);
}

TEST(JsonlReader, EscapesNullsAndUnknownTypes) {
  auto e = parse_trace_line(
      R"({"t_ns":5,"type":"brand-new","host":"a\u00e9\ud83d\ude00","conn":"","x":null,"y":1.5,"z":"q\"\\\n"})");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->type, TraceType::Note);
  EXPECT_EQ(e->host, "a\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(e->get_string("unknown_type"), "brand-new");
  EXPECT_EQ(e->find("x"), nullptr);
  ASSERT_NE(e->find("y"), nullptr);
  EXPECT_EQ(std::get<double>(*e->find("y")), 1.5);
  EXPECT_EQ(e->get_string("z"), "q\"\\\n");
}

TEST(JsonlReader, DamagedLinesNameTheColumn) {
  struct Case {
    const char* line;
    const char* message;
  };
  for (const Case& c : {
           Case{R"([1])", "expected '{' at the start of the line at column 1"},
           Case{R"({"t_ns":1,"type":"note","host":"","conn":""} x)",
                "text after the closing '}' at column 46"},
           Case{R"({"t_ns":1,"type":"note","host":""})",
                "missing one of the keys t_ns, type, host, conn at column 35"},
           Case{R"({"t_ns":1,"type":"note","host":"","conn":"","a":tru})",
                "expected a string, a number, true, false or null at column 49"},
           Case{R"({"t_ns":1,"type":"note","host":"\x","conn":""})",
                "expected a string, a number, true, false or null at column 35"},
           Case{R"({"t_ns":1.5,"type":"note","host":"","conn":""})",
                "t_ns must be an integer at column 12"},
       }) {
    auto e = parse_trace_line(c.line);
    ASSERT_FALSE(e.ok()) << c.line;
    EXPECT_EQ(e.error().message, c.message) << c.line;
  }
}

}  // namespace
}  // namespace tcpsim::sim
