// What a file of sim/scenario/apps/ defines for its kind of application, and the registry
// that lists the kinds (sim/scenario/apps/registry.cpp).
//
// An [[app]] table is read in two parts. The kind's own keys come first (`read`); then the
// keys every [[app]] takes, which the loader reads into a PeerConfig: name, host, role,
// connect, port, start and the byte-stream options (those act only on a plain client or
// server, but are checked for every role); `adopt` then gives the kind's config what it
// keeps of them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>
#include <typeinfo>

#include "sim/app/peer.hpp"
#include "sim/scenario/app.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/toml_reader.hpp"

namespace tcpsim::sim {

// A value of an [[app]]'s `role` that chooses the kind.
struct AppRole {
  std::string_view name;   // "http-client"
  bool server = false;     // listens for connections rather than making one
  std::uint16_t port = 0;  // a server's port when the table gives none (0: it must give one)
};

struct AppKind {
  std::span<const AppRole> roles;
  // The keys it reads beyond those every [[app]] takes.
  std::span<const std::string_view> keys;
  const std::type_info* config_type = nullptr;
  // Reads the kind's own keys of the [[app]] table into its config.
  AppConfig (*read)(const Reader& reader, const toml::table& table) = nullptr;
  // Gives the config what it keeps of the keys every [[app]] takes.
  void (*adopt)(AppConfig& config, const PeerConfig& common) = nullptr;
  std::unique_ptr<App> (*make)(const AppBuild& build) = nullptr;
};

// The kinds, in the registry's order.
std::span<const AppKind> app_kinds();

// What every kind keeps of the keys every [[app]] takes: the byte-stream peer all of them
// (they are its config), any other its name, start time and, if it has one, its port.
template <class Config>
void adopt_common(Config& config, const PeerConfig& common) {
  if constexpr (std::is_same_v<Config, PeerConfig>) {
    config = common;
  } else {
    config.name = common.name;
    config.start = common.start;
    if constexpr (requires { config.port; }) config.port = common.port;
  }
}

// The AppKind of an application whose config is Config, read by Read and built by Make.
template <class Config, Config (*Read)(const Reader&, const toml::table&),
          std::unique_ptr<App> (*Make)(const AppBuild&, const Config&)>
AppKind app_kind_of(std::span<const AppRole> roles, std::span<const std::string_view> keys) {
  return AppKind{
      roles,
      keys,
      &typeid(Config),
      [](const Reader& r, const toml::table& t) { return AppConfig(Read(r, t)); },
      [](AppConfig& c, const PeerConfig& common) { adopt_common(c.get<Config>(), common); },
      [](const AppBuild& b) { return Make(b, b.spec.config.get<Config>()); },
  };
}

}  // namespace tcpsim::sim
