#!/usr/bin/env bash
# Every C++ example of docs/coursework.md and docs/tcp.md is one of the files of
# tests/install/, which install_find_package.sh and package_deb.sh build and run against
# the installed library (doc_code.py says how the two are matched).
set -euo pipefail
: "${TCPSIM_SOURCE_DIR:?}"
command -v python3 >/dev/null || { echo "python3 is missing: run tools/setup.sh" >&2; exit 1; }
python3 "$TCPSIM_SOURCE_DIR/tests/shell/doc_code.py" "$TCPSIM_SOURCE_DIR"
