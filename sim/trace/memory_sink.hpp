// Keeps every trace event in memory, for tests and for the CLI's ladder view.
#pragma once

#include <cstddef>
#include <vector>

#include "sim/trace/trace.hpp"

namespace tcpsim::sim {

class MemoryTraceSink final : public TraceSink {
 public:
  void on_event(const TraceEvent& event) override { events_.push_back(event); }

  const std::vector<TraceEvent>& events() const { return events_; }
  std::vector<TraceEvent> of_type(TraceType type) const;
  std::size_t count(TraceType type) const;
  void clear() { events_.clear(); }

 private:
  std::vector<TraceEvent> events_;
};

}  // namespace tcpsim::sim
