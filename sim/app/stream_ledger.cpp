#include "sim/app/stream_ledger.hpp"

namespace tcpsim::sim {

std::string StreamLedger::conn_key(const tcp::Endpoint& from, const tcp::Endpoint& to) {
  return from.to_string() + ">" + to.to_string();
}

void StreamLedger::announce(const tcp::Endpoint& from, const tcp::Endpoint& to, std::uint64_t key) {
  streams_[conn_key(from, to)] = key;
}

std::optional<std::uint64_t> StreamLedger::expected(const tcp::Endpoint& from,
                                                    const tcp::Endpoint& to) const {
  auto it = streams_.find(conn_key(from, to));
  if (it == streams_.end()) return std::nullopt;
  return it->second;
}

void StreamLedger::add_receiver(std::uint64_t key, const Sha256& receiver) {
  receivers_.emplace(key, &receiver);
}

std::string StreamLedger::digest(std::uint64_t key, std::uint64_t n) const {
  auto [first, last] = receivers_.equal_range(key);
  for (auto it = first; it != last; ++it) {
    const Sha256& r = *it->second;
    if (r.matches_stream() && r.size() == n) return r.hex();
  }
  auto [at, fresh] = computed_.try_emplace({key, n});
  if (fresh) {
    Sha256 h;
    h.update_stream(ByteStream(key), 0, n);
    at->second = h.hex();
  }
  return at->second;
}

}  // namespace tcpsim::sim
