#!/usr/bin/env bash
# Installs what the ns-3 comparison (tests/bench/compare_ns3.sh) needs: everything
# tools/setup.sh installs, plus ns-3 3.37 from Debian (libns3-dev) and the libraries its
# link lines name, and a deb-src entry for tests/bench/build_ns3.sh, which builds an
# optimised ns-3 from Debian's source package. Idempotent.
# Usage (as root on Debian 12):  bash tools/setup_bench.sh
set -euo pipefail
exec bash "$(dirname "$0")/setup.sh" --bench
