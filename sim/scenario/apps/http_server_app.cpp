// An HTTP server (sim/app/http_app.hpp), the role "http-server": no keys, no summary line
// and no check of its own.
#include "sim/scenario/app_kind.hpp"

namespace tcpsim::sim {
namespace {

HttpServerConfig read_config(const Reader&, const toml::table&) {
  return {};
}

std::unique_ptr<App> build(const AppBuild& b, const HttpServerConfig& config) {
  return std::make_unique<AppOf<HttpServer>>(b, config);
}

constexpr AppRole kRoles[] = {{"http-server", true, 80}};

}  // namespace

AppKind http_server_app() {
  return app_kind_of<HttpServerConfig, read_config, build>(kRoles, {});
}

}  // namespace tcpsim::sim
