#!/usr/bin/env bash
# Runs the fuzz targets in fuzz/ (cargo-fuzz, libFuzzer, AddressSanitizer)
# one after another, each from its committed seed corpus, and prints per
# target the executions, the coverage reached and whether it crashed.
#
#   scripts/fuzz.sh [--seconds N] [--runs N] [--keep DIR] [TARGET...]
#
#   --seconds N  how long each target runs (default 20; the README's
#                figures come from --seconds 600)
#   --runs N     stop each target after N executions instead
#   --keep DIR   the working corpus, grown by the run, goes to DIR/TARGET
#                (default: a temporary directory, removed afterwards);
#                fuzz/corpus/ itself is only read
#   TARGET...    which targets (default: all, in fuzz/Cargo.toml's order)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz
# --version 0.13.1 --locked`). Runs at `nice -n 10`, one worker. A crash
# leaves its input in fuzz/artifacts/TARGET/ and makes the script exit 1
# after the other targets have run. Every target's libFuzzer output is in
# the log directory it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

die() { echo "${0##*/}: $*" >&2; exit 2; }

seconds=20
runs=
keep=
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --keep) keep=$(realpath -m "${2:?--keep needs a directory}"); shift 2 ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) targets+=("$1"); shift ;;
  esac
done

cargo +nightly --version >/dev/null 2>&1 ||
  die "the nightly toolchain is missing (rustup toolchain install nightly)"
cargo +nightly fuzz --version >/dev/null 2>&1 ||
  die "cargo-fuzz is missing (cargo install cargo-fuzz --version 0.13.1 --locked)"

if [ "${#targets[@]}" -eq 0 ]; then
  mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mesos-fuzz.XXXXXX")
logs=$work/logs
mkdir -p "$logs"
cleanup() { [ -n "$keep" ] || rm -rf "$work/corpus"; }
trap cleanup EXIT

limit=(-max_total_time="$seconds")
[ -z "$runs" ] || limit=(-runs="$runs")

# Built once, as `cargo fuzz run` builds them; then each binary is run
# itself, so that a source edited meanwhile neither rebuilds nor changes
# what the rest of the run tests.
echo "building the fuzz targets (release, debug assertions, AddressSanitizer)"
(cd fuzz && nice -n 10 cargo +nightly fuzz build)
triple=$(rustc +nightly -vV | sed -n 's/^host: //p')

# The last "cov: ... ft: ..." status line and the final stats of a log; a
# run that crashed may print no final stats: its executions are then the
# last status line's "#N".
figure() { grep -o "$2: [0-9]*" "$1" | tail -1 | grep -o '[0-9]*$' || echo '?'; }
stat() { grep "^stat::$2:" "$1" | tail -1 | awk '{print $2}'; }
executions() {
  local final
  final=$(stat "$1" number_of_executed_units)
  [ -n "$final" ] || final=$(grep -o '^#[0-9]*' "$1" | tail -1 | tr -d '#')
  echo "${final:-?}"
}

failed=()
printf '%-22s %12s %10s %8s %8s %9s  %s\n' target executions exec/s cov ft seconds result
for target in "${targets[@]}"; do
  corpus=${keep:-$work/corpus}/$target
  mkdir -p "$corpus" "fuzz/artifacts/$target"
  log=$logs/$target.log
  start=$SECONDS
  status=0
  # The first corpus directory is written to; the committed seeds and the
  # inputs that found bugs are only read.
  seeds=()
  for dir in "$root/fuzz/corpus/$target" "$root/fuzz/regressions/$target"; do
    [ ! -d "$dir" ] || seeds+=("$dir")
  done
  # Run from the work directory: libFuzzer's -jobs mode writes its worker's
  # log (fuzz-0.log) where it runs, then copies it to its own output.
  (cd "$work" && nice -n 10 "$root/fuzz/target/$triple/release/$target" "$corpus" "${seeds[@]}" \
    "${limit[@]}" -jobs=1 -workers=1 -print_final_stats=1 \
    -artifact_prefix="$root/fuzz/artifacts/$target/") >"$log" 2>&1 || status=$?
  result=ok
  if [ "$status" -ne 0 ]; then
    result="CRASHED (exit $status; input in fuzz/artifacts/$target/, log $log)"
    failed+=("$target")
  fi
  printf '%-22s %12s %10s %8s %8s %9s  %s\n' "$target" \
    "$(executions "$log")" "$(stat "$log" average_exec_per_sec)" \
    "$(figure "$log" cov)" "$(figure "$log" ft)" "$((SECONDS - start))" "$result"
done

echo "logs: $logs"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
