# Sourced by the command-line tests (cli.sh, script_cli.sh): a scratch directory, and
# checks on a command's exit status and output that count failures instead of stopping.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

# expect_exit CODE DESCRIPTION -- command...   (stdout+stderr kept in $tmp/out)
expect_exit() {
  local code=$1 what=$2
  shift 3
  local rc=0
  "$@" >"$tmp/out" 2>&1 || rc=$?
  if [ "$rc" -eq "$code" ]; then pass "$what (exit $rc)"; else bad "$what: exit $rc, wanted $code"; sed -n '1,20s/^/     /p' "$tmp/out"; fi
}
contains() {
  if grep -qF -- "$2" "$tmp/out"; then pass "$1"; else bad "$1: output lacks '$2'"; sed -n '1,30s/^/     /p' "$tmp/out"; fi
}
