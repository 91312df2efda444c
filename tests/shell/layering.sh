#!/usr/bin/env bash
# House rules that a grep can check: stack/ never includes sim/ or tools/, never reads a
# clock and never draws unseeded randomness; sim/ never includes tools/, reads no clock and
# does no device I/O (the bridge's wall clock and TUN device live in tools/bridge, and
# sim/realtime only gets packets handed to it); stack/tcp keeps its classes and functions
# small and the connection's parts free of back-pointers (code_shape.py); every C++ file
# follows .clang-format.
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}"
cd "$TCPSIM_SOURCE_DIR"
status=0
if grep -rnE '#include +"(sim|tools)/' stack/; then
  echo "FAIL: stack/ includes sim/ or tools/ (dependencies point tools -> sim -> stack)"
  status=1
fi
if grep -rnE 'std::chrono::(system|steady|high_resolution)_clock|[^_a-z]time\(|gettimeofday|clock_gettime|std::random_device|[^a-z_]rand\(|srand\(' stack/; then
  echo "FAIL: stack/ reads a clock or an unseeded random source (time is an argument)"
  status=1
fi
if grep -rnE 'std::(random_device|chrono::system_clock)|[^a-z_]rand\(|srand\(' sim/; then
  echo "FAIL: sim/ uses an unseeded random source or the wall clock"
  status=1
fi
if grep -rnE '#include +"tools/' sim/; then
  echo "FAIL: sim/ includes tools/ (dependencies point tools -> sim -> stack)"
  status=1
fi
if grep -rnE 'std::chrono::(steady|high_resolution)_clock|gettimeofday|clock_gettime|/dev/net/tun|TUNSETIFF|[^a-z_]ppoll\(|[^a-z_]ioctl\(' sim/; then
  echo "FAIL: sim/ reads a clock or does device I/O (that belongs in tools/bridge)"
  status=1
fi
if ! python3 tests/shell/code_shape.py "$TCPSIM_SOURCE_DIR"; then
  echo "FAIL: stack/tcp/ breaks a size rule (tests/shell/code_shape.py says which and why)"
  status=1
fi
files=$(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find stack sim tools tests -name '*.[ch]pp')
if ! clang-format --dry-run -Werror $files 2>/tmp/format.$$; then
  head -20 /tmp/format.$$
  echo "FAIL: files differ from .clang-format (run clang-format -i on them)"
  status=1
fi
rm -f /tmp/format.$$
[ $status -eq 0 ] && echo "layering and format: ok"
exit $status
