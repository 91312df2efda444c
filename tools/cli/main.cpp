// The `tcpsim` command-line program (contract: docs/cli.md).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

int main(int argc, char** argv) {
  CLI::App app{"tcpsim: a packet-level TCP/IP stack simulator", "tcpsim"};
  app.set_version_flag("--version", std::string("tcpsim ") + TCPSIM_VERSION);
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (argc == 1) fmt::print("{}", app.help());
  return 0;
}
