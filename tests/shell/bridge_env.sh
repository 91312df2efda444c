#!/usr/bin/env bash
# `tcpsim bridge` on a machine that cannot run it, and with bad flags: one clear line on
# stderr and the documented exit status, never a crash or a hang.
#  - no /dev/net/tun (hidden by a private mount namespace): exit 3, says the TUN device is missing;
#  - no CAP_NET_ADMIN (dropped with setpriv): exit 3, says CAP_NET_ADMIN;
#  - bad flags and addresses outside 198.18.0.0/15 and fc00::/7: exit 2;
#  - SIGINT stops a running bridge with its summary, exit 0.
set -euo pipefail
source "$TCPSIM_SOURCE_DIR/tests/shell/bridge/lib.sh"
bridge_require
command -v unshare >/dev/null || bridge_fail "this machine lacks unshare (util-linux)"
command -v setpriv >/dev/null || bridge_fail "this machine lacks setpriv (util-linux)"
bridge_setup env

# expect_exit WANT PHRASE CMD...: runs CMD (at most 20 s), wants exit WANT and PHRASE on stderr.
expect_exit() {
  local want=$1 phrase=$2
  shift 2
  local rc=0
  timeout 20 "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -Fq -- "$phrase" "$WORK/err"; then
    echo "--- stderr:" >&2
    cat "$WORK/err" >&2
    bridge_fail "'$*': exit $rc (want $want), stderr should contain '$phrase'"
  fi
  local lines
  lines=$(wc -l <"$WORK/err")
  # CLI11's own refusals add a "Run with --help" line, as for every subcommand.
  [ "$lines" -eq 1 ] || [ "${LINES_OK:-1}" -eq "$lines" ] || bridge_fail "'$*': $lines lines on stderr, want one"
  echo "ok   exit $rc: $(cat "$WORK/err")"
}

# Inside the test's namespace even when the flags are expected to be refused first.
B=(ip netns exec "$NS" "$TCPSIM_BIN" bridge)

# The machine lacks the device node: a tmpfs hides /dev/net in a private mount namespace.
expect_exit 3 "this machine has no TUN device" \
  ip netns exec "$NS" unshare --mount sh -c 'mount -t tmpfs none /dev/net && exec "$@"' sh \
  "$TCPSIM_BIN" bridge --serve http
# The process lacks CAP_NET_ADMIN.
expect_exit 3 "lacks CAP_NET_ADMIN" \
  ip netns exec "$NS" setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$TCPSIM_BIN" \
  bridge --serve http

# Bad usage: exit 2 before anything touches the machine.
expect_exit 2 "give exactly one of --serve" "${B[@]}"
expect_exit 2 "--serve 'smtp' is not allowed" "${B[@]}" --serve smtp
expect_exit 2 "10.0.0.1 is outside 198.18.0.0/15" "${B[@]}" --serve http \
  --kernel-addr 10.0.0.1/24 --host-addr 10.0.0.2
expect_exit 2 "outside fc00::/7" "${B[@]}" --serve http --kernel-addr 2001:db8::1/64 \
  --host-addr 2001:db8::2
expect_exit 2 "reaches only the kernel side" "${B[@]}" --connect 1.1.1.1:80 --request /
expect_exit 2 "unknown --set key 'link.speed'" "${B[@]}" --serve echo --set link.speed=1
expect_exit 2 "below IPv6's minimum of 1280" "${B[@]}" --serve echo --set link.mtu=1000
expect_exit 2 "--tun" "${B[@]}" --serve echo --tun 'bad name'
expect_exit 2 "--pcap" "${B[@]}" --serve echo --pcap "$WORK/x.txt" --duration 1s
expect_exit 2 "t.jsonl' for writing" "${B[@]}" --serve echo --trace "$WORK/no/such/dir/t.jsonl" --duration 1s
LINES_OK=2 expect_exit 2 "The following argument was not expected" "${B[@]}" --serve echo extra

# SIGINT: a clean stop with the summary. The refused flags above created nothing that stays.
bridge_start sigint --serve echo --tun sig0
kill -INT "$BRIDGE_PID"
rc=0
T=10 wait "$BRIDGE_PID" || rc=$?
[ "$rc" -eq 0 ] || { cat "$WORK/sigint.log" >&2; bridge_fail "SIGINT: exit $rc, want 0"; }
expect_line "$WORK/sigint.log" "^  stopped by SIGINT$"
expect_line "$WORK/sigint.log" "^  sim_time="
# The device goes with the process that made it.
sleep 0.2
if ip netns exec "$NS" ip link show sig0 >/dev/null 2>&1; then
  bridge_fail "the TUN device sig0 outlived the bridge"
fi
echo "ok   SIGINT: summary printed, exit 0, device removed"
