// An HTTP client (sim/app/http_app.hpp): a summary line and the http check.
#include <fmt/core.h>

#include "sim/scenario/app.hpp"

namespace tcpsim::sim {
namespace {

class HttpClientApp final : public ClientAppOf<HttpClient> {
 public:
  using ClientAppOf::ClientAppOf;

  std::optional<CheckResult> check(const CheckSpec& c) const override {
    if (c.kind != CheckSpec::Kind::Http) return std::nullopt;
    const HttpClient& client = get();
    CheckResult r;
    std::uint64_t ok = 0, answered = 0;
    for (const HttpExchange& x : client.exchanges()) {
      if (x.status != 0) ++answered;
      if (c.status != 0 ? x.status == c.status : (x.status >= 200 && x.status < 300)) ++ok;
    }
    std::uint64_t want = c.min == 0 ? client.config().paths.size() : c.min;
    r.passed = c.status != 0 ? answered > 0 && ok == answered : ok >= want;
    r.detail = client.summary();
    return r;
  }
};

}  // namespace

std::unique_ptr<App> make_app(const AppBuild& b, const HttpClientConfig& config) {
  return std::make_unique<HttpClientApp>(b, with_target(config, b));
}

}  // namespace tcpsim::sim
