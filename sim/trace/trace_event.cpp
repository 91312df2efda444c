#include "sim/trace/trace_event.hpp"

#include <fmt/core.h>

#include <array>

namespace tcpsim::sim {
namespace {

constexpr std::array<std::string_view, 14> kTypeNames = {
    "segment-sent",
    "segment-delivered",
    "segment-dropped",
    "timer-set",
    "timer-fired",
    "timer-cancelled",
    "state",
    "cwnd",
    "rtt",
    "app-read",
    "app-write",
    "connection",
    "fault",
    "note",
};

std::string endpoint(const wire::IpAddress& a, std::uint16_t port) {
  if (a.is_v6()) return fmt::format("[{}]:{}", a.to_string(), port);
  return fmt::format("{}:{}", a.to_string(), port);
}

}  // namespace

std::string_view to_string(TraceType type) {
  auto i = static_cast<std::size_t>(type);
  return i < kTypeNames.size() ? kTypeNames[i] : std::string_view("unknown");
}

std::optional<TraceType> parse_trace_type(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<TraceType>(i);
  }
  return std::nullopt;
}

const TraceValue* TraceEvent::find(std::string_view key) const {
  for (const TraceField& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

std::optional<std::int64_t> TraceEvent::get_int(std::string_view key) const {
  const TraceValue* v = find(key);
  if (v == nullptr || !std::holds_alternative<std::int64_t>(*v)) return std::nullopt;
  return std::get<std::int64_t>(*v);
}

std::optional<std::string> TraceEvent::get_string(std::string_view key) const {
  const TraceValue* v = find(key);
  if (v == nullptr || !std::holds_alternative<std::string>(*v)) return std::nullopt;
  return std::get<std::string>(*v);
}

std::string format_conn_id(const wire::IpAddress& src, std::uint16_t src_port,
                           const wire::IpAddress& dst, std::uint16_t dst_port) {
  return endpoint(src, src_port) + ">" + endpoint(dst, dst_port);
}

}  // namespace tcpsim::sim
