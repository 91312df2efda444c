// The checks at the end of a run. Those on hosts and connections are here; each
// application answers the checks that name it (sim/scenario/apps/).
#include <fmt/core.h>

#include <algorithm>

#include "sim/scenario/run.hpp"

namespace tcpsim::sim {
namespace {

bool is_app_check(CheckSpec::Kind kind) {
  return kind != CheckSpec::Kind::Integrity && kind != CheckSpec::Kind::State &&
         kind != CheckSpec::Kind::Rst;
}

// What a check says when no application of the kind it needs has its name.
std::string no_such_app(const CheckSpec& c) {
  switch (c.kind) {
    case CheckSpec::Kind::Http:
      return fmt::format("'{}' is not an http-client app", c.app);
    case CheckSpec::Kind::WebSocket:
      return fmt::format("'{}' is not a websocket-client app", c.app);
    case CheckSpec::Kind::Feed:
      return fmt::format("'{}' is not a polling-client or websocket-client app", c.app);
    default:
      return fmt::format("no app named '{}'", c.app);
  }
}

// Every connection reached the other application and carried exactly the bytes sent.
CheckResult check_integrity(const std::vector<ConnectionSummary>& conns) {
  CheckResult r;
  r.passed = !conns.empty();
  for (const auto& s : conns) {
    if (s.integrity == "n/a") {
      r.passed = false;
      r.detail = fmt::format("{} > {}: no data was exchanged", s.client, s.server);
    } else if (s.integrity != "ok") {
      r.passed = false;
      r.detail =
          fmt::format("{} > {}: the bytes received differ from the bytes sent", s.client, s.server);
    }
  }
  if (conns.empty()) r.detail = "no connection was made";
  return r;
}

// The host entered (or ended in) the state.
CheckResult check_state(const CheckSpec& c, const Host& h) {
  CheckResult r;
  const auto& states = h.states_entered();
  if (c.final_state) {
    // The last state of each connection on the host: take the host's last entry.
    bool any = false;
    for (const tcp::Connection* conn : h.tcp().connections()) {
      if (conn->state() == c.state) any = true;
    }
    if (!any && c.state == tcp::State::Closed) {
      any = h.tcp().connections().empty() || (!states.empty() && states.back() == c.state);
    }
    r.passed = any;
  } else {
    r.passed = std::find(states.begin(), states.end(), c.state) != states.end();
  }
  if (!r.passed) {
    std::string seen;
    for (tcp::State st : states)
      seen += (seen.empty() ? "" : ", ") + std::string(tcp::to_string(st));
    r.detail = fmt::format("{} entered: {}", c.host, seen.empty() ? "nothing" : seen);
  }
  return r;
}

}  // namespace

CheckResult ScenarioRun::check_connections(const CheckSpec& c) const {
  if (c.kind == CheckSpec::Kind::Integrity) return check_integrity(connections());
  const Host* h = host(c.host);
  if (h == nullptr) {
    return CheckResult{{}, false, fmt::format("'{}' is not a simulated host", c.host)};
  }
  if (c.kind == CheckSpec::Kind::Rst) {
    bool passed = h->rsts_received() > 0;
    return CheckResult{{}, passed, passed ? "" : fmt::format("{} received no RST", c.host)};
  }
  return check_state(c, *h);
}

std::vector<CheckResult> ScenarioRun::evaluate_checks() const {
  std::vector<CheckResult> out;
  for (const CheckSpec& c : scenario_.checks) {
    CheckResult r;
    if (!is_app_check(c.kind)) {
      r = check_connections(c);
    } else {
      // The last application of that name answers; a websocket-client's feed check wins
      // over a polling-client's, as it always has.
      std::optional<CheckResult> found;
      for (const App* a :
           apps_by_kind({app_kind<PeerConfig>(), app_kind<HttpClientConfig>(),
                         app_kind<PollingClientConfig>(), app_kind<WebSocketClientConfig>()})) {
        if (a->name() != c.app) continue;
        if (auto x = a->check(c)) found = std::move(x);
      }
      r = found ? std::move(*found) : CheckResult{{}, false, no_such_app(c)};
    }
    r.description = c.describe();
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tcpsim::sim
