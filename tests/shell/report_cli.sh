#!/usr/bin/env bash
# `tcpsim run --report` and `tcpsim report TRACE [CAPTURE]`: the page from a finished
# run's trace and capture holds the same data as the page written during the run; the page
# is self-contained (no address it would fetch); bad input gets one line and exit 2.
set -euo pipefail
: "${TCPSIM_BIN:?}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}
# The JSON data embedded in a page, without its title.
data_of() {
  python3 - "$1" <<'PY'
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="tcpsim-data">(.*?)</script>', page, re.S)
d = json.loads(m.group(1))
d.pop("title")
print(json.dumps(d, sort_keys=True))
PY
}

"$TCPSIM_BIN" run data-loss --quiet --trace "$dir/d.jsonl" --pcap "$dir/d.pcapng" \
  --report "$dir/run.html" >"$dir/out.txt"
grep -q "report: $dir/run.html" "$dir/out.txt" || fail "the summary does not name the report"
"$TCPSIM_BIN" report "$dir/d.jsonl" "$dir/d.pcapng" -o "$dir/later.html" >"$dir/r.txt"
grep -q "report: $dir/later.html ([0-9]* events, [0-9]* frames)" "$dir/r.txt" ||
  fail "tcpsim report printed: $(cat "$dir/r.txt")"
[ "$(data_of "$dir/run.html")" = "$(data_of "$dir/later.html")" ] ||
  fail "the page from the trace and capture differs from the one written during the run"
# Without --out the page goes beside the trace.
"$TCPSIM_BIN" report "$dir/d.jsonl" >/dev/null
[ -s "$dir/d.html" ] || fail "no d.html beside d.jsonl"

# Self-contained: no script, style or image is fetched from anywhere.
if grep -Eqi '<(script|link|img)[^>]+(src|href)=' "$dir/run.html"; then
  fail "the page loads something from outside: $(grep -Eoi '<(script|link|img)[^>]+(src|href)=[^>]*' "$dir/run.html" | head -3)"
fi
grep -q 'https\?://' "$dir/run.html" && ! grep -q 'http://www.w3.org/2000/svg' "$dir/run.html" &&
  fail "the page names a web address"

# Same seed, same page.
"$TCPSIM_BIN" run data-loss --quiet --report "$dir/again.html" >/dev/null
"$TCPSIM_BIN" run data-loss --quiet --report "$dir/again2.html" >/dev/null
cmp -s "$dir/again.html" "$dir/again2.html" || fail "two runs with the same seed wrote different pages"

# Bad input: one line on stderr, exit 2, no page.
expect_bad() {
  local want=$1
  shift
  set +e
  "$@" >"$dir/o" 2>"$dir/e"
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "$* exited $rc, not 2"
  [ "$(wc -l <"$dir/e")" -eq 1 ] || fail "$*: stderr is not one line: $(cat "$dir/e")"
  grep -q -- "$want" "$dir/e" || fail "$*: stderr lacks '$want': $(cat "$dir/e")"
}
expect_bad "ending in .html" "$TCPSIM_BIN" run handshake --report "$dir/x.txt"
expect_bad "cannot write report" "$TCPSIM_BIN" run handshake --report "$dir/no/such/dir/x.html"
expect_bad "cannot read trace" "$TCPSIM_BIN" report "$dir/missing.jsonl" -o "$dir/m.html"
printf '{"t_ns":1,"type":"state","host":"a","conn":""}\n{"t_ns":2,"type" "x"}\n' >"$dir/bad.jsonl"
expect_bad "bad.jsonl:2: expected ':' after a key at column 18" \
  "$TCPSIM_BIN" report "$dir/bad.jsonl" -o "$dir/b.html"
printf '{"t_ns":"soon","type":"state","host":"a","conn":""}\n' >"$dir/bad2.jsonl"
expect_bad "bad2.jsonl:1: t_ns must be an integer" "$TCPSIM_BIN" report "$dir/bad2.jsonl"
expect_bad "not a regular file" "$TCPSIM_BIN" report /dev/null -o "$dir/n.html"
echo "not a capture" >"$dir/notcap.pcap"
expect_bad "cannot read capture" "$TCPSIM_BIN" report "$dir/d.jsonl" "$dir/notcap.pcap" -o "$dir/c.html"
echo "ok"
