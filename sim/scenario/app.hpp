// An application of a scenario as the run sees it: installed on a host, a few summary
// lines, and the checks that name it. Each kind of application is one file under
// sim/scenario/apps/ that wraps the application of sim/app/ in an App and defines its
// AppKind (sim/scenario/app_kind.hpp): the [[app]] roles that choose it, the keys it reads,
// how it reads them into its config, and how it builds the App. Adding a kind touches,
// besides the application itself under sim/app/, that file and
// sim/scenario/apps/registry.cpp (its declaration, and its entry at the end of the list);
// the loader, the run, its summary and its checks take what they need from the registry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include "sim/app/http_app.hpp"
#include "sim/app/peer.hpp"
#include "sim/app/websocket_app.hpp"
#include "sim/scenario/scenario.hpp"

namespace tcpsim::sim {

class Host;
class StreamLedger;

struct CheckResult {
  std::string description;
  bool passed = false;
  std::string detail;  // why it failed, or what was seen
};

// A client's feed of events, for the table that compares the ways of delivering them.
struct FeedView {
  std::string method;  // "polling", "long polling", "websocket"
  const std::vector<WsReceived>* received = nullptr;
};

class App {
 public:
  virtual ~App() = default;

  // The index of the kind this application was built from (AppConfig::index()).
  virtual std::size_t kind() const = 0;
  virtual const std::string& name() const = 0;
  virtual Host& host() const = 0;
  virtual void install() = 0;
  // The summary line, if the application has one besides the connection lines.
  virtual std::optional<std::string> summary() const { return std::nullopt; }
  virtual std::optional<FeedView> feed() const { return std::nullopt; }
  // Evaluates `check` if it is one this application answers, else nullopt.
  virtual std::optional<CheckResult> check(const CheckSpec& check) const {
    (void)check;
    return std::nullopt;
  }
};

// What building an application needs besides its config.
struct AppBuild {
  Host& host;
  const AppSpec& spec;
  tcp::Endpoint remote;     // clients: the address `connect` resolved to
  std::string host_header;  // clients: the server's name, or its address
  std::uint64_t seed = 0;   // the application's own random seed
  StreamLedger& ledger;
};

// An App around one application object of sim/app/.
template <class T>
class AppOf : public App {
 public:
  template <class... Args>
  explicit AppOf(const AppBuild& b, Args&&... args)
      : kind_(b.spec.config.index()), host_(&b.host), app_(b.host, std::forward<Args>(args)...) {}

  std::size_t kind() const override { return kind_; }
  const std::string& name() const override { return app_.config().name; }
  Host& host() const override { return *host_; }
  void install() override { app_.install(); }
  const T& get() const { return app_; }
  T& get() { return app_; }

 private:
  std::size_t kind_;
  Host* host_;
  T app_;
};

// A client application whose own summary() makes its line, "NAME: SUMMARY".
template <class T>
class ClientAppOf : public AppOf<T> {
 public:
  using AppOf<T>::AppOf;
  std::optional<std::string> summary() const override {
    return this->name() + ": " + this->get().summary();
  }
};

// A client's config with what building it found out: where to connect, and the Host field.
template <class Config>
Config with_target(Config c, const AppBuild& b) {
  c.remote = b.remote;
  c.host_header = b.host_header;
  return c;
}

// The number of kinds in the registry (sim/scenario/apps/registry.cpp).
std::size_t app_kind_count();

// The index of the kind whose config type is Config: the kind() of the applications built
// from it.
template <class Config>
std::size_t app_kind() {
  return app_kind_index(typeid(Config));
}

// Builds the application of b.spec, by the kind of its config.
std::unique_ptr<App> make_app(const AppBuild& b);

}  // namespace tcpsim::sim
