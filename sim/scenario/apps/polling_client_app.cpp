// A feed client over HTTP polling or long polling (sim/app/polling_client.hpp): a summary
// line, a row of the feed comparison, and the feed check.
#include "sim/scenario/app.hpp"
#include "sim/scenario/apps/feed_check.hpp"

namespace tcpsim::sim {
namespace {

class PollingClientApp final : public ClientAppOf<PollingClient> {
 public:
  using ClientAppOf::ClientAppOf;

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
  return std::make_unique<PollingClientApp>(b, with_target(config, b));
}

}  // namespace tcpsim::sim
