#!/usr/bin/env bash
# Instruction-count gate: runs every operation of benches/icount.rs under callgrind, counting
# only the operation's own function (--toggle-collect), and compares the instructions per
# operation with the committed baseline. Fails when any operation grew by more than the limit,
# and also when the baseline is missing, lacks an operation or names one the bench does not have:
# it never passes without having compared every operation. See benches/ICOUNT.md.
#
#   .ci/bench-gate.sh            compare with the baseline (exit 1 on a regression)
#   .ci/bench-gate.sh --update   measure and rewrite the baseline (commit it with the change)
#
# Environment: ICOUNT_BASELINE (default benches/icount-baseline.toml), ICOUNT_LIMIT_PCT
# (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."

baseline=${ICOUNT_BASELINE:-benches/icount-baseline.toml}
limit=${ICOUNT_LIMIT_PCT:-5}
update=0
case "${1:-}" in
  "") ;;
  --update) update=1 ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

fail() { echo "icount gate: FAIL: $*" >&2; exit 1; }

if [ "$update" = 0 ] && [ ! -f "$baseline" ]; then
  fail "baseline $baseline does not exist (create it with $0 --update)"
fi

if ! command -v valgrind >/dev/null; then
  echo "icount gate: installing valgrind"
  sudo=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >/dev/null
fi

# The same features as the "benches compile" step of .ci/run, so the build is reused.
json=$(cargo bench --all-features --bench icount --no-run --message-format=json-render-diagnostics)
bin=$(printf '%s\n' "$json" | grep '"name":"icount"' | grep '"kind":\["bench"\]' \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)
[ -n "$bin" ] && [ -x "$bin" ] || fail "no executable found for bench icount"

list=$("$bin" --list)
iterations=$(printf '%s\n' "$list" | sed -n 's/^iterations = \([0-9][0-9]*\)$/\1/p')
ops=$(printf '%s\n' "$list" | grep -v '^iterations = ')
[ -n "$iterations" ] && [ "$iterations" -gt 0 ] || fail "icount --list gave no iteration count"
[ -n "$ops" ] || fail "icount --list gave no operations"

# The client's stack layout, and with it the alignment paths memcpy/memset take, depends on
# its argv and environment: run a copy at a path of fixed length with an empty environment, so
# the counts do not depend on where the repository is checked out or on CI variables.
tmp=$(mktemp -d /tmp/icount-gate.XXXXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp "$bin" "$tmp/icount"
valgrind=$(command -v valgrind)

# Instructions per operation, one "op value" line each, into $tmp/now.
: >"$tmp/now"
for op in $ops; do
  out="$tmp/$op.callgrind"
  if ! env -i "$valgrind" --tool=callgrind --callgrind-out-file="$out" \
      --toggle-collect="icount::icount_$op" "$tmp/icount" "$op" >"$tmp/$op.log" 2>&1; then
    cat "$tmp/$op.log" >&2
    fail "$op: the bench failed under valgrind"
  fi
  ir=$(sed -n 's/^summary: \([0-9][0-9]*\).*/\1/p' "$out" | head -n 1)
  [ -n "$ir" ] || ir=$(sed -n 's/^totals: \([0-9][0-9]*\).*/\1/p' "$out" | head -n 1)
  # Zero means the toggle pattern matched no function: nothing was measured.
  [ -n "$ir" ] && [ "$ir" -gt 0 ] || fail "$op: callgrind counted nothing in icount::icount_$op"
  awk -v op="$op" -v ir="$ir" -v n="$iterations" 'BEGIN { printf "%s %.1f\n", op, ir / n }' \
    >>"$tmp/now"
done

rustc_version=$(rustc --version)
valgrind_version=$(valgrind --version)

if [ "$update" = 1 ]; then
  {
    echo "# Instructions per operation (callgrind Ir inside icount_<op>, divided by the"
    echo "# iteration count), written by \`.ci/bench-gate.sh --update\`; see benches/ICOUNT.md."
    echo "# Measured with: $rustc_version; $valgrind_version"
    echo "iterations = $iterations"
    echo
    echo "[instructions]"
    awk '{ printf "%s = %s\n", $1, $2 }' "$tmp/now"
  } >"$tmp/baseline"
  mv "$tmp/baseline" "$baseline"
  echo "icount gate: wrote $baseline"
  cat "$baseline"
  exit 0
fi

[ -f "$baseline" ] || fail "baseline $baseline does not exist (create it with $0 --update)"
# "op = value" lines of the [instructions] table.
awk '/^\[/ { in_table = ($0 == "[instructions]"); next }
     in_table && $2 == "=" && $3 ~ /^[0-9.]+$/ { print $1, $3 }' "$baseline" >"$tmp/base"
[ -s "$tmp/base" ] || fail "baseline $baseline has no [instructions] entries"

origin=$(git log -1 --format='%h %cs' -- "$baseline" 2>/dev/null || true)
if ! git diff --quiet HEAD -- "$baseline" 2>/dev/null; then origin="$origin, with uncommitted changes"; fi
echo "icount gate: comparing with $baseline (last commit: ${origin:-none, not committed})"
echo "icount gate: $(sed -n 's/^# Measured with: /baseline measured with: /p' "$baseline")"
echo "icount gate: now measured with: $rustc_version; $valgrind_version"
echo "icount gate: limit +$limit % per operation, $iterations iterations each"
echo

# Both lists, joined by operation: fails on an operation missing on either side.
awk -v limit="$limit" '
  FNR == NR { base[$1] = $2; order_b[++nb] = $1; next }
  { now[$1] = $2; order_n[++nn] = $1 }
  END {
    printf "%-22s %12s %12s %9s  %s\n", "operation", "baseline", "now", "change", "status"
    bad = 0
    for (i = 1; i <= nn; i++) {
      op = order_n[i]
      if (!(op in base)) {
        printf "%-22s %12s %12.1f %9s  %s\n", op, "-", now[op], "-", "MISSING FROM BASELINE"
        bad = 1; continue
      }
      b = base[op] + 0
      if (b <= 0) {
        printf "%-22s %12s %12.1f %9s  %s\n", op, base[op], now[op], "-", "BAD BASELINE VALUE"
        bad = 1; continue
      }
      change = (now[op] - b) / b * 100
      status = "ok"
      if (change > limit) { status = "REGRESSION"; bad = 1 }
      else if (change < -limit) { status = "faster (update the baseline to keep the gain)" }
      printf "%-22s %12.1f %12.1f %+8.2f%%  %s\n", op, b, now[op], change, status
    }
    for (i = 1; i <= nb; i++) {
      op = order_b[i]
      if (!(op in now)) {
        printf "%-22s %12.1f %12s %9s  %s\n", op, base[op], "-", "-", "NOT IN THE BENCH"
        bad = 1
      }
    }
    exit bad
  }' "$tmp/base" "$tmp/now" || {
  echo
  fail "an operation grew by more than $limit %, or the baseline and the bench disagree on the operations"
}
echo
echo "icount gate: PASS ($(wc -l <"$tmp/now") operations compared with $baseline)"
