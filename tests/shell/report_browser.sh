#!/usr/bin/env bash
# The HTML report in a real browser: headless Chromium opens the pages of handshake,
# syn-loss, a lossy bulk transfer, a two-flow dumbbell, polling-vs-websocket and a
# 100,000-segment bulk run, and the pages `tcpsim inspect --report` writes from the
# captures of two of them; tests/browser/report_browser.py checks each (no console
# error, one arrow per captured frame, stepping, the highlighted transition, packet
# details). The browser and its driver come from tools/setup.sh.
set -euo pipefail
: "${TCPSIM_BIN:?}" "${TCPSIM_SOURCE_DIR:?}"
for tool in /usr/bin/chromium /usr/bin/chromedriver capinfos; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing: run tools/setup.sh" >&2; exit 1; }
done
/usr/bin/python3 -c 'import selenium' 2>/dev/null ||
  { echo "FAIL: python3-selenium is missing: run tools/setup.sh" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Chromium wants a writable home for its profile.
HOME="$dir" /usr/bin/python3 "$TCPSIM_SOURCE_DIR/tests/browser/report_browser.py" "$TCPSIM_BIN" "$dir" --large
