// A feed client over HTTP polling or long polling (sim/app/polling_client.hpp): a summary
// line, a row of the feed comparison, and the feed check.
#include "sim/scenario/app.hpp"
#include "sim/scenario/apps/feed_check.hpp"

namespace tcpsim::sim {
namespace {

class PollingClientApp final : public AppOf<PollingClient> {
 public:
  using AppOf::AppOf;

  std::optional<std::string> summary() const override {
    return get().config().name + ": " + get().summary();
  }

  std::optional<FeedView> feed() const override {
    bool poll = get().config().method == PollingClientConfig::Method::Poll;
    return FeedView{poll ? "polling" : "long polling", &get().received()};
  }

  std::optional<CheckResult> check(const CheckSpec& c) const override {
    if (c.kind != CheckSpec::Kind::Feed) return std::nullopt;
    return check_feed(c, get().received(), get().config().events, get().summary());
  }
};

}  // namespace

std::unique_ptr<App> make_app(const AppBuild& b, const PollingClientConfig& config) {
  PollingClientConfig c = config;
  c.remote = b.remote;
  c.host_header = b.host_header;
  return std::make_unique<PollingClientApp>(b, std::move(c));
}

}  // namespace tcpsim::sim
