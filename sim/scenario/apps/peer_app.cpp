// A byte-stream peer (sim/app/peer.hpp), the roles "client" and "server": its connections
// are summarised by ScenarioRun::connections(); it answers the error, retransmissions and
// delivered checks.
#include <fmt/core.h>

#include "sim/app/stream_ledger.hpp"
#include "sim/host/host.hpp"
#include "sim/scenario/app_kind.hpp"

namespace tcpsim::sim {
namespace {

class PeerApp final : public AppOf<Peer> {
 public:
  using AppOf::AppOf;

  std::optional<CheckResult> check(const CheckSpec& c) const override {
    if (c.kind != CheckSpec::Kind::Error && c.kind != CheckSpec::Kind::Retransmissions &&
        c.kind != CheckSpec::Kind::Delivered) {
      return std::nullopt;
    }
    const Peer& peer = get();
    CheckResult r;
    std::uint64_t retx = 0, got = 0;
    std::string errors;
    for (const auto& rep : peer.reports()) {
      retx += peer.host().retransmissions(rep.local + ">" + rep.remote);
      got += rep.bytes_received;
      if (rep.error == c.error && c.kind == CheckSpec::Kind::Error) r.passed = true;
      if (rep.error != tcp::Errno::Ok) errors += std::string(tcp::errno_name(rep.error)) + " ";
    }
    if (c.kind == CheckSpec::Kind::Retransmissions) {
      r.passed = retx >= c.min;
      r.detail = fmt::format("{} retransmission(s)", retx);
    } else if (c.kind == CheckSpec::Kind::Delivered) {
      r.passed = got >= c.min;
      r.detail = fmt::format("{} bytes received", got);
    } else if (!r.passed) {
      r.detail = errors.empty() ? "no error" : "saw " + errors;
    }
    return r;
  }
};

// Its keys are those every [[app]] takes: the loader reads them into its config.
PeerConfig read_config(const Reader&, const toml::table&) {
  return {};
}

std::unique_ptr<App> build(const AppBuild& b, const PeerConfig& config) {
  PeerConfig p = config;
  if (b.spec.client()) p.remote = b.remote;
  auto app = std::make_unique<PeerApp>(b, std::move(p), b.seed);
  app->get().set_ledger(&b.ledger);
  return app;
}

constexpr AppRole kRoles[] = {{"client", false, 0}, {"server", true, 0}};

}  // namespace

AppKind peer_app() {
  return app_kind_of<PeerConfig, read_config, build>(kRoles, {});
}

}  // namespace tcpsim::sim
