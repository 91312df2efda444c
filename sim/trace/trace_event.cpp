#include "sim/trace/trace_event.hpp"

#include <fmt/core.h>

#include <array>

#include "stack/base/enum_names.hpp"

namespace tcpsim::sim {
namespace {

constexpr EnumNames<TraceType, 17> kTypeNames{{{
    {TraceType::SegmentSent, "segment-sent"},
    {TraceType::SegmentDelivered, "segment-delivered"},
    {TraceType::SegmentDropped, "segment-dropped"},
    {TraceType::TimerSet, "timer-set"},
    {TraceType::TimerFired, "timer-fired"},
    {TraceType::TimerCancelled, "timer-cancelled"},
    {TraceType::State, "state"},
    {TraceType::Cwnd, "cwnd"},
    {TraceType::Rtt, "rtt"},
    {TraceType::AppRead, "app-read"},
    {TraceType::AppWrite, "app-write"},
    {TraceType::Connection, "connection"},
    {TraceType::Fault, "fault"},
    {TraceType::SynCookieSent, "syn-cookie-sent"},
    {TraceType::SynCookieAccepted, "syn-cookie-accepted"},
    {TraceType::Note, "note"},
    {TraceType::Message, "app-message"},
}}};

std::string endpoint(const wire::IpAddress& a, std::uint16_t port) {
  if (a.is_v6()) return fmt::format("[{}]:{}", a.to_string(), port);
  return fmt::format("{}:{}", a.to_string(), port);
}

}  // namespace

std::string_view to_string(TraceType type) {
  return kTypeNames.name(type, "unknown");
}

std::optional<TraceType> parse_trace_type(std::string_view name) {
  return kTypeNames.parse(name);
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
