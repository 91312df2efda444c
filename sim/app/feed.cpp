#include "sim/app/feed.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>

namespace tcpsim::sim {

std::string feed_event_line(std::uint64_t k, Nanos at, std::uint32_t size) {
  std::string line = fmt::format("event {} t={} ", k, at);
  if (line.size() + 1 < size) line.append(size - 1 - line.size(), '.');
  line += '\n';
  return line;
}

std::optional<FeedEventStamp> parse_feed_event(std::string_view line) {
  constexpr std::string_view kPrefix = "event ";
  if (line.rfind(kPrefix, 0) != 0) return std::nullopt;
  line.remove_prefix(kPrefix.size());
  FeedEventStamp s;
  auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), s.k);
  if (ec != std::errc()) return std::nullopt;
  std::string_view rest(p, static_cast<std::size_t>(line.data() + line.size() - p));
  if (rest.rfind(" t=", 0) != 0) return std::nullopt;
  rest.remove_prefix(3);
  auto [q, ec2] = std::from_chars(rest.data(), rest.data() + rest.size(), s.at);
  if (ec2 != std::errc()) return std::nullopt;
  return s;
}

LatencyStats feed_latency(const std::vector<WsReceived>& received) {
  std::vector<Nanos> l;
  for (const WsReceived& r : received) {
    if (r.event) l.push_back(r.at - r.event->at);
  }
  LatencyStats s;
  s.n = l.size();
  if (l.empty()) return s;
  Nanos total = 0;
  for (Nanos x : l) total += x;
  s.mean = total / static_cast<Nanos>(l.size());
  std::sort(l.begin(), l.end());
  s.p50 = l[(l.size() - 1) / 2];
  s.max = l.back();
  return s;
}

}  // namespace tcpsim::sim
