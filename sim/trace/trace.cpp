#include "sim/trace/trace.hpp"

#include <algorithm>

namespace tcpsim::sim {

void Trace::subscribe(TraceSink& sink) {
  if (std::find(sinks_.begin(), sinks_.end(), &sink) == sinks_.end()) sinks_.push_back(&sink);
}

void Trace::unsubscribe(TraceSink& sink) {
  sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), &sink), sinks_.end());
}

void Trace::emit(const TraceEvent& event) {
  for (TraceSink* sink : sinks_) sink->on_event(event);
}

void Trace::flush() {
  for (TraceSink* sink : sinks_) sink->flush();
}

}  // namespace tcpsim::sim
