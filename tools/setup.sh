#!/usr/bin/env bash
# Installs the Debian packages that building and testing tcpsim needs.
# Idempotent: when every package is already present it returns at once.
# Usage (as root on Debian 12):  bash tools/setup.sh [--bench]
#   --bench  also what the ns-3 comparison (tests/bench/compare_ns3.sh) needs, and a deb-src
#            entry for bookworm main so that tests/bench/build_ns3.sh can fetch ns-3's
#            source package
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang clang-format libclang-rt-14-dev
  # libraries (see docs/architecture.md for why each is here)
  libpcap-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libtomlplusplus-dev libssl-dev
  # packaging: cpack's .deb (dpkg-shlibdeps) and its ELF check
  dpkg-dev file
  # test-time tools
  tshark tmux python3
  # tests/shell/sweep.sh runs the job file of `tcpsim sweep --emit parallel`
  parallel
  # the bridge tests (tests/shell/bridge_*.sh): namespaces and addresses, setpriv and
  # unshare, real clients and servers on the kernel's TCP
  iproute2 util-linux curl python3-websockets
  # tests/shell/inspect_netns.sh captures real Linux TCP for `tcpsim inspect`
  tcpdump
  # the HTML report's browser test (tests/shell/report_browser.sh): headless Chromium
  # driven through its WebDriver by Selenium
  chromium chromium-driver python3-selenium
)
if [ "${1:-}" = "--bench" ]; then
  # ns-3 3.37's headers and libraries; its ns3-*.pc link lines name libgsl and libsqlite3
  # by path, but libns3-dev does not depend on the packages that ship them.
  packages+=(libns3-dev libgsl-dev libsqlite3-dev)
  # tests/bench/build_ns3.sh builds ns-3 from Debian's source package with what the list
  # above has already: dpkg-dev (dpkg-source unpacks it), cmake, ninja-build, g++.
elif [ -n "${1:-}" ]; then
  echo "setup: unknown option '$1' (allowed: --bench)" >&2
  exit 2
fi

# With --bench: a deb-src entry for bookworm main, in the deb822 format of Debian 12's own
# /etc/apt/sources.list.d/debian.sources, unless apt has a deb-src entry already.
if [ "${1:-}" = "--bench" ] &&
  ! grep -rqsE --include='*.list' --include='*.sources' '^(Types:.*deb-src|deb-src )' \
    /etc/apt/sources.list /etc/apt/sources.list.d/; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: apt has no deb-src entry: run this script as root to add one" >&2
    exit 1
  fi
  cat >/etc/apt/sources.list.d/tcpsim-deb-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  echo "setup: added /etc/apt/sources.list.d/tcpsim-deb-src.sources (deb-src, bookworm main)"
  apt-get update -q
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run this script as root (or install them yourself)" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
