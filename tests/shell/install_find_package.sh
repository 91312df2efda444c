#!/usr/bin/env bash
# Installs the built tree into a temporary prefix and builds an outside project against it
# with find_package(tcpsim) (tests/install): first asking for the stack component alone
# with fmt, toml++ and pkg-config (hence libpcap) made unfindable, to show a stack-only
# project needs none of them; then the whole project: a small program, the coursework
# tests and the graded exercise of docs/coursework.md (which must pass), and every
# installed header compiled on its own with -Wconversion -Wsign-conversion -Werror.
# The consumer sets no CMAKE_CXX_STANDARD: C++20 comes with the imported targets.
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}" "${TCPSIM_BINARY_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$TCPSIM_BINARY_DIR" --prefix "$tmp/prefix" >"$tmp/install.log"
for f in bin/tcpsim include/tcpsim/stack/wire/tcp.hpp include/tcpsim/testing/testing.hpp \
  lib/cmake/tcpsim/tcpsimConfig.cmake; do
  [ -e "$tmp/prefix/$f" ] || { echo "install: missing $f"; cat "$tmp/install.log"; exit 1; }
done
ls "$tmp/prefix"/lib*/libtcpsim_stack.a "$tmp/prefix"/lib*/libtcpsim_testing.a >/dev/null
if grep -rqE '#include +"(stack|sim)/' "$tmp/prefix/include"; then
  echo "install: a header still includes a source-tree path:"
  grep -rnE '#include +"(stack|sim)/' "$tmp/prefix/include" | head -5
  exit 1
fi

bash "$TCPSIM_SOURCE_DIR/tests/shell/lib/build_consumer.sh" "$tmp/prefix" "$tmp"
version=$("$tmp/prefix/bin/tcpsim" --version)
grep -q "^tcpsim " <<<"$version" || { echo "installed tcpsim --version failed"; exit 1; }
echo "install test: ok"
