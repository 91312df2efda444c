// An HTTP client (sim/app/http_app.hpp), the role "http-client": a summary line and the
// http check.
#include <fmt/core.h>

#include "sim/scenario/app_kind.hpp"

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

HttpClientConfig read_config(const Reader& r, const toml::table& t) {
  HttpClientConfig a;
  if (const toml::node* pn = t.get("paths")) {
    const toml::array* arr = pn->as_array();
    if (arr == nullptr || arr->empty())
      r.fail(Errc::BadValue, *pn, "paths",
             "expected a list of request targets, e.g. [\"/\", \"/bytes/1000\"]");
    a.paths.clear();
    for (const toml::node& v : *arr) {
      auto s = v.value<std::string>();
      if (!s || s->empty() || (*s)[0] != '/')
        r.fail(Errc::BadValue, v, "paths", "each target is a string starting with '/'");
      a.paths.push_back(*s);
    }
  }
  a.pipeline = r.boolean(t, "pipeline", false);
  a.head = r.boolean(t, "head", false);
  a.raw = r.str(t, "raw", "");
  if (t.get("raw") != nullptr && a.raw.empty())
    r.fail(Errc::BadValue, *t.get("raw"), "raw", "must not be empty");
  return a;
}

std::unique_ptr<App> build(const AppBuild& b, const HttpClientConfig& config) {
  return std::make_unique<HttpClientApp>(b, with_target(config, b));
}

constexpr AppRole kRoles[] = {{"http-client", false, 0}};
constexpr std::string_view kKeys[] = {"paths", "pipeline", "head", "raw"};

}  // namespace

AppKind http_client_app() {
  return app_kind_of<HttpClientConfig, read_config, build>(kRoles, kKeys);
}

}  // namespace tcpsim::sim
