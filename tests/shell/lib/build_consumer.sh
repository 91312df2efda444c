#!/usr/bin/env bash
# Builds and runs tests/install against the tcpsim installed under PREFIX, working in DIR:
#   build_consumer.sh PREFIX DIR [--programs-only]
# Shared by install_find_package.sh (cmake --install: everything, including every installed
# header compiled on its own) and package_deb.sh (a .deb made by the same install rules:
# with --programs-only, the programs alone, not the header check again).
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}"
prefix=$1
dir=$2
targets=(all)
programs=(coursework_example graded_exercise two_hosts_example tcp_doc_snippets)
if [ "${3:-}" = --programs-only ]; then
  programs=(coursework_example graded_exercise)
  targets=(consumer "${programs[@]}")
fi
fail() {
  cat "$1"
  echo "$2"
  exit 1
}

# A stack-only project must configure and link with the simulator's dependencies hidden:
# fmt, toml++, GoogleTest and OpenSSL disabled, and pkg-config (which finds libpcap) given no
# .pc files.
mkdir -p "$dir/no-pc"
PKG_CONFIG_LIBDIR="$dir/no-pc" PKG_CONFIG_PATH="" \
  cmake -S "$TCPSIM_SOURCE_DIR/tests/install" -B "$dir/stack-only" -G Ninja -DSTACK_ONLY=ON \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_tomlplusplus=ON -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_OpenSSL=ON \
  >"$dir/stack-only.log" 2>&1 ||
  fail "$dir/stack-only.log" "stack-only configure failed"
cmake --build "$dir/stack-only" >>"$dir/stack-only.log" 2>&1 ||
  fail "$dir/stack-only.log" "stack-only build failed"
"$dir/stack-only/consumer" >/dev/null || { echo "stack-only consumer failed"; exit 1; }

cmake -S "$TCPSIM_SOURCE_DIR/tests/install" -B "$dir/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" >"$dir/configure.log" 2>&1 ||
  fail "$dir/configure.log" "configure failed"
cmake --build "$dir/build" --target "${targets[@]}" -- -k 0 >"$dir/build.log" 2>&1 || fail "$dir/build.log" "build failed"
out=$("$dir/build/consumer")
echo "$out"
grep -q "SYN" <<<"$out" || { echo "consumer did not print the SYN"; exit 1; }
for t in "${programs[@]}"; do
  "$dir/build/$t" >"$dir/$t.log" 2>&1 || fail "$dir/$t.log" "$t failed"
  echo "$t: $(tail -n 1 "$dir/$t.log")"
done
