#!/usr/bin/env bash
# Packaging: cpack builds the .deb and the source tarball from the built tree; the .deb is
# unpacked into a temporary root with `dpkg -x` (nothing is installed on the system) and
# tests/install's programs are built against it, as a Debian 12 user of the package would
# (install_find_package.sh compiles every installed header on its own; the .deb holds the
# same files, made by the same install rules).
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}" "${TCPSIM_BINARY_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpack --config "$TCPSIM_BINARY_DIR/CPackConfig.cmake" -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; echo "cpack (DEB) failed"; exit 1; }
deb=$(ls "$tmp"/pkg/tcpsim_*.deb)
dpkg-deb --field "$deb" Package Version Depends | tee "$tmp/fields"
grep -q "^Depends:.*libssl-dev" "$tmp/fields" || { echo "Depends lacks libssl-dev"; exit 1; }
dpkg -x "$deb" "$tmp/root"
for f in bin/tcpsim include/tcpsim/testing/testing.hpp lib/cmake/tcpsim/tcpsimConfig.cmake; do
  [ -e "$tmp/root/usr/$f" ] || { echo "package: missing /usr/$f"; exit 1; }
done
bash "$TCPSIM_SOURCE_DIR/tests/shell/lib/build_consumer.sh" "$tmp/root/usr" "$tmp" --programs-only

cpack --config "$TCPSIM_BINARY_DIR/CPackSourceConfig.cmake" -B "$tmp/src" >"$tmp/src.log" 2>&1 ||
  { cat "$tmp/src.log"; echo "cpack (source) failed"; exit 1; }
tar -tzf "$tmp/src/tcpsim-"*.tar.gz >"$tmp/src.list"
for f in LICENSE CMakeLists.txt stack/tcp/connection.hpp tests/testing/CMakeLists.txt; do
  grep -q "^tcpsim-[^/]*/$f$" "$tmp/src.list" || { echo "source tarball: missing $f"; exit 1; }
done
if grep -q "/build/" "$tmp/src.list"; then echo "source tarball holds a build tree"; exit 1; fi
echo "package test: ok ($(basename "$deb"))"
