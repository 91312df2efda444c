// One observable happening in a run: when, what kind, on which host and connection, and
// an ordered list of named values. The network, the TCP layer and the applications all
// describe themselves with these; the CLI, trace files and capture comments read them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "stack/base/time.hpp"
#include "stack/wire/address.hpp"

namespace tcpsim::sim {

enum class TraceType : std::uint8_t {
  SegmentSent,       // a link starts transmitting a segment (network)
  SegmentDelivered,  // a link hands a segment to the node at its far end (network)
  SegmentDropped,    // a segment is lost, with a cause (network, or a host refusing it)
  TimerSet,          // TCP layer
  TimerFired,
  TimerCancelled,
  State,  // a connection changes state (from, to, rule)
  Cwnd,   // congestion window changes
  Rtt,    // a new RTT sample and the estimator's values
  AppRead,
  AppWrite,
  Connection,         // a connection is created, accepted or released
  Fault,              // a scripted or timed fault changed the network
  SynCookieSent,      // a listener answered a SYN with a SYN cookie (TCP layer)
  SynCookieAccepted,  // an ACK returned a valid SYN cookie: a connection was made from it
  Note,               // free text, for scenarios and tools
  Message,            // an application handed a whole message to its socket, or read one whole
};

// The name used in trace files, e.g. "segment-sent".
std::string_view to_string(TraceType type);
std::optional<TraceType> parse_trace_type(std::string_view name);

using TraceValue = std::variant<std::int64_t, double, bool, std::string>;

struct TraceField {
  std::string key;
  TraceValue value;

  bool operator==(const TraceField&) const = default;
};

struct TraceEvent {
  Nanos time = 0;
  TraceType type = TraceType::Note;
  std::string host;  // node name; empty when the event belongs to no host
  std::string conn;  // connection id, see format_conn_id; empty when none
  std::vector<TraceField> fields;

  TraceEvent() = default;
  TraceEvent(Nanos t, TraceType ty, std::string h = {}, std::string c = {})
      : time(t), type(ty), host(std::move(h)), conn(std::move(c)) {}

  // Appends a field; fields keep the order they were added in. Integers of any width
  // are stored as int64 (exact), floating point as double, text as string.
  template <class V>
  TraceEvent& add(std::string key, V&& value) {
    using T = std::remove_cvref_t<V>;
    if constexpr (std::is_same_v<T, bool>) {
      fields.push_back({std::move(key), TraceValue(std::in_place_type<bool>, value)});
    } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
      fields.push_back({std::move(key), TraceValue(std::in_place_type<std::int64_t>,
                                                   static_cast<std::int64_t>(value))});
    } else if constexpr (std::is_floating_point_v<T>) {
      fields.push_back({std::move(key), TraceValue(std::in_place_type<double>, value)});
    } else {
      fields.push_back({std::move(key), TraceValue(std::in_place_type<std::string>,
                                                   std::string(std::forward<V>(value)))});
    }
    return *this;
  }

  // The field named `key`, or nullptr.
  const TraceValue* find(std::string_view key) const;
  // Convenience lookups for tests and tools; nullopt when missing or of another type.
  std::optional<std::int64_t> get_int(std::string_view key) const;
  std::optional<std::string> get_string(std::string_view key) const;
};

// "10.0.0.1:40000>10.0.0.2:80"; IPv6 addresses in brackets: "[2001:db8::1]:40000>...".
// The network names a segment's connection from the segment's own point of view
// (source first); hosts name theirs local first.
std::string format_conn_id(const wire::IpAddress& src, std::uint16_t src_port,
                           const wire::IpAddress& dst, std::uint16_t dst_port);

}  // namespace tcpsim::sim
