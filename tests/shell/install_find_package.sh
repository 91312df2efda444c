#!/usr/bin/env bash
# Installs the built tree into a temporary prefix and builds an outside project that
# finds it with find_package(tcpsim) and links tcpsim::stack: a small program, and the
# coursework example test of docs/coursework.md, which must pass.
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}" "${TCPSIM_BINARY_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$TCPSIM_BINARY_DIR" --prefix "$tmp/prefix" >"$tmp/install.log"
for f in bin/tcpsim include/tcpsim/stack/wire/tcp.hpp lib/cmake/tcpsim/tcpsimConfig.cmake; do
  [ -e "$tmp/prefix/$f" ] || { echo "install: missing $f"; cat "$tmp/install.log"; exit 1; }
done
ls "$tmp/prefix"/lib*/libtcpsim_stack.a >/dev/null

cmake -S "$TCPSIM_SOURCE_DIR/tests/install" -B "$tmp/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/configure.log" || { cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/build" >"$tmp/build.log" || { cat "$tmp/build.log"; exit 1; }
out=$("$tmp/build/consumer")
echo "$out"
grep -q "SYN" <<<"$out" || { echo "consumer did not print the SYN"; exit 1; }
"$tmp/build/coursework_example" >"$tmp/coursework.log" 2>&1 ||
  { cat "$tmp/coursework.log"; echo "coursework_example failed"; exit 1; }
tail -n 1 "$tmp/coursework.log"
version=$("$tmp/prefix/bin/tcpsim" --version)
grep -q "^tcpsim " <<<"$version" || { echo "installed tcpsim --version failed"; exit 1; }
echo "install test: ok"
