#include "sim/trace/memory_sink.hpp"

#include <algorithm>

namespace tcpsim::sim {

std::vector<TraceEvent> MemoryTraceSink::of_type(TraceType type) const {
  std::vector<TraceEvent> out;
  for (const TraceEvent& e : events_) {
    if (e.type == type) out.push_back(e);
  }
  return out;
}

std::size_t MemoryTraceSink::count(TraceType type) const {
  return static_cast<std::size_t>(std::count_if(
      events_.begin(), events_.end(), [type](const TraceEvent& e) { return e.type == type; }));
}

}  // namespace tcpsim::sim
