#!/usr/bin/env bash
# The docs cannot go stale: every ```console block of README.md and docs/*.md runs as a
# transcript against the built tcpsim, and what each command prints (and its exit status)
# must match the block. The rules, wildcards and directives are in doc_transcripts.py and,
# for contributors, at the end of docs/architecture.md.
set -euo pipefail

fail() {
  echo "doc_transcripts: FAIL: $*" >&2
  exit 1
}

: "${TCPSIM_BIN:?TCPSIM_BIN must name the built tcpsim program}"
src=${TCPSIM_SOURCE_DIR:?TCPSIM_SOURCE_DIR must name the source tree}
[[ -x "$TCPSIM_BIN" ]] || fail "$TCPSIM_BIN is not an executable"
command -v python3 >/dev/null 2>&1 || fail "python3 is not installed (Debian package 'python3')"
# The tutorial reads its captures back with tshark.
command -v tshark >/dev/null 2>&1 ||
  fail "tshark is not installed; run tools/setup.sh as root (Debian package 'tshark')"
# cli.md runs the job file of `tcpsim sweep --emit parallel`.
command -v parallel >/dev/null 2>&1 ||
  fail "GNU parallel is not installed; run tools/setup.sh as root (Debian package 'parallel')"

exec python3 "$src/tests/shell/doc_transcripts.py" "$src" "$TCPSIM_BIN"
