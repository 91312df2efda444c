// The trace hub: producers hand it events, subscribed sinks receive them in order.
//
// Producers test enabled() before building an event, so a run with no sink pays one
// predictable branch per would-be event and formats nothing:
//
//   if (trace.enabled()) trace.emit(TraceEvent(now, TraceType::Cwnd, host, conn)
//                                        .add("cwnd", cwnd).add("ssthresh", ssthresh));
#pragma once

#include <vector>

#include "sim/trace/trace_event.hpp"

namespace tcpsim::sim {

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void on_event(const TraceEvent& event) = 0;
  virtual void flush() {}
};

class Trace {
 public:
  bool enabled() const { return !sinks_.empty(); }

  // Sinks are not owned and must outlive their subscription. Subscribing twice is a no-op.
  void subscribe(TraceSink& sink);
  void unsubscribe(TraceSink& sink);

  // Delivers to every sink in subscription order.
  void emit(const TraceEvent& event);
  void flush();

 private:
  std::vector<TraceSink*> sinks_;
};

}  // namespace tcpsim::sim
