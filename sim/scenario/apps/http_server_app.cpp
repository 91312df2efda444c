// An HTTP server (sim/app/http_app.hpp): no summary line and no check of its own.
#include "sim/scenario/app.hpp"

namespace tcpsim::sim {

std::unique_ptr<App> make_app(const AppBuild& b, const HttpServerConfig& config) {
  return std::make_unique<AppOf<HttpServer>>(b, config);
}

}  // namespace tcpsim::sim
