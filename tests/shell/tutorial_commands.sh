#!/usr/bin/env bash
# Every command of docs/tutorial.md works as written: the `$ ` lines of its ```console
# blocks (with the here-documents that follow a `<<'EOF'` line) run in order, in a fresh
# directory, with the built tcpsim first on PATH. Each must exit 0, or the status named
# by a trailing `# exits N` (the tutorial marks its deliberate mistakes `# exits 2`).
set -euo pipefail

fail() {
  echo "tutorial_commands: FAIL: $*" >&2
  exit 1
}

: "${TCPSIM_BIN:?TCPSIM_BIN must name the built tcpsim program}"
src=${TCPSIM_SOURCE_DIR:?TCPSIM_SOURCE_DIR must name the source tree}
doc="$src/docs/tutorial.md"
[[ -f "$doc" ]] || fail "$doc is missing"
[[ -x "$TCPSIM_BIN" ]] || fail "$TCPSIM_BIN is not an executable"
bin_dir=$(cd "$(dirname "$TCPSIM_BIN")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/tcpsim_tutorial.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/run"

# Extract the commands: each one is written to its own file, cmd.N, with its expected
# exit status in status.N. A here-document's lines (up to its terminator) go into the
# same file as the command that opens it. Lines of a console block that are neither
# commands nor here-document text are the commands' output and are skipped.
in_block=0
heredoc_end=""
n=0
lineno=0
while IFS= read -r line || [[ -n "$line" ]]; do
  lineno=$((lineno + 1))
  if [[ -n "$heredoc_end" ]]; then
    printf '%s\n' "$line" >>"$work/cmd.$n"
    [[ "$line" == "$heredoc_end" ]] && heredoc_end=""
    continue
  fi
  if ((in_block == 0)); then
    [[ "$line" =~ ^[[:space:]]*\`\`\`console[[:space:]]*$ ]] && in_block=1
    continue
  fi
  if [[ "$line" =~ ^[[:space:]]*\`\`\` ]]; then
    in_block=0
    continue
  fi
  [[ "$line" == '$ '* ]] || continue
  n=$((n + 1))
  cmd=${line#\$ }
  status=0
  if [[ "$cmd" =~ \#\ exits\ ([0-9]+)[[:space:]]*$ ]]; then
    status=${BASH_REMATCH[1]}
  fi
  printf '%s\n' "$cmd" >"$work/cmd.$n"
  echo "$status" >"$work/status.$n"
  echo "docs/tutorial.md:$lineno" >"$work/where.$n"
  # A here-document: <<'EOF', <<"EOF", <<EOF or <<-EOF; its text follows in the block.
  if [[ "$cmd" =~ \<\<-?[[:space:]]*[\'\"]?([A-Za-z_][A-Za-z0-9_]*)[\'\"]? ]]; then
    heredoc_end=${BASH_REMATCH[1]}
  fi
done <"$doc"

[[ -z "$heredoc_end" ]] || fail "a here-document in $doc never reaches its terminator '$heredoc_end'"
((in_block == 0)) || fail "a \`\`\`console block in $doc is never closed"
((n > 0)) || fail "found no commands in $doc (expected \`\$ \` lines inside \`\`\`console blocks)"

export PATH="$bin_dir:$PATH"
# Output as a non-terminal would see it, whatever runs this test.
export NO_COLOR=1
command -v tcpsim >/dev/null || fail "tcpsim is not on PATH after adding $bin_dir"
resolved=$(command -v tcpsim)
[[ "$resolved" -ef "$TCPSIM_BIN" ]] || fail "tcpsim on PATH is $resolved, not $TCPSIM_BIN"

if grep -qw tshark "$work"/cmd.* && ! command -v tshark >/dev/null; then
  fail "the tutorial runs tshark, which is not installed; run tools/setup.sh as root (Debian package 'tshark')"
fi

echo "tutorial_commands: running $n commands from $doc in $work/run"
for ((i = 1; i <= n; i++)); do
  want=$(<"$work/status.$i")
  where=$(<"$work/where.$i")
  first=$(head -n 1 "$work/cmd.$i")
  echo "--- [$i/$n] $where: \$ $first"
  rc=0
  (cd "$work/run" && bash -o pipefail "$work/cmd.$i") >"$work/out" 2>&1 </dev/null || rc=$?
  sed -n '1,20s/^/    /p' "$work/out"  # no pipe: head would close it early
  if ((rc != want)); then
    fail "$where: \`$first\` exited with status $rc, expected $want"
  fi
done
echo "tutorial_commands: all $n commands behaved as the tutorial says"
