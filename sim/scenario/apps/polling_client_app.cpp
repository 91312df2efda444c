// A feed client over HTTP polling or long polling (sim/app/polling_client.hpp), the role
// "polling-client": a summary line, a row of the feed comparison, and the feed check.
#include "sim/scenario/app_kind.hpp"
#include "sim/scenario/apps/feed_check.hpp"
#include "sim/scenario/apps/websocket_keys.hpp"

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

using Method = PollingClientConfig::Method;
constexpr EnumNames<Method, 2> kMethodNames{{{
    {Method::Poll, "poll"},
    {Method::LongPoll, "long-poll"},
}}};

PollingClientConfig read_config(const Reader& r, const toml::table& t) {
  PollingClientConfig a;
  read_ws_common(r, t);  // checked, though polling needs neither
  a.method = r.choice(t, "method", Method::Poll, kMethodNames);
  a.interval = r.duration(t, "interval", kSecond);
  if (a.interval == 0)
    r.fail(Errc::OutOfRange, *t.get("interval"), "interval", "must be more than 0");
  a.events = static_cast<std::uint64_t>(r.integer(t, "events", 1, 1, 1'000'000));
  return a;
}

std::unique_ptr<App> build(const AppBuild& b, const PollingClientConfig& config) {
  return std::make_unique<PollingClientApp>(b, with_target(config, b));
}

constexpr AppRole kRoles[] = {{"polling-client", false, 0}};
constexpr std::string_view kKeys[] = {"path", "subprotocols", "method", "interval", "events"};

}  // namespace

AppKind polling_client_app() {
  return app_kind_of<PollingClientConfig, read_config, build>(kRoles, kKeys);
}

}  // namespace tcpsim::sim
