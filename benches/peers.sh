#!/usr/bin/env bash
# Measures stepwise beside the peer engines and the hand-written Rust floor, in one run: the
# one place for side-by-side figures (README "Performance" is copied from its output).
#
#   benches/peers.sh [PATIENTS]                  every implementation (default 10000 patients)
#   benches/peers.sh --threads 1,2 [PATIENTS]    the scaling table: stepwise `--jobs T` and the
#                                                floor `--threads T` for each T, same run
#   benches/peers.sh --test                      agreement only (the bench's test.sh)
#
# Every row reports wall time, peak resident memory, CPU and the one-patient latency (process
# start to exit); every implementation's decisions are checked against the reference
# (python-plain) before a number is printed. Environment is passed through (RUNS, ONLY,
# SKIP_SETUP, LATENCY_RUNS, SEED; see the bench README).
#
# The bench folder (../shared/bench, or STEPWISE_BENCH_DIR) is read-only to this project: it is
# copied to target/peer-bench, where cohorts, peer builds and results are kept between runs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
source_bench="${STEPWISE_BENCH_DIR:-$root/../shared/bench}"
[[ -d "$source_bench" ]] || { echo "benches/peers.sh: no benchmark folder at $source_bench (set STEPWISE_BENCH_DIR)" >&2; exit 2; }

threads=""
if [[ "${1:-}" == "--threads" ]]; then
  threads="${2:?--threads needs a list such as 1,2,4}"
  [[ "$threads" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "benches/peers.sh: --threads takes numbers separated by commas" >&2; exit 2; }
  shift 2
fi

bench="$root/target/peer-bench"
mkdir -p "$bench"
# Refresh the scripts, keep what was built or generated (data, results, venvs, node_modules).
(cd "$source_bench" && tar --exclude=./data --exclude=./results --exclude=target --exclude=.venv --exclude=node_modules -cf - .) |
  (cd "$bench" && tar -xf -)

cargo build --release --manifest-path "$root/Cargo.toml" >&2
export STEPWISE="$root/target/release/stepwise"
export STEPWISE_PROTOCOL="$here/reference-protocol"
impls="$bench/stepwise-implementations.txt"
cp "$here/implementations.txt" "$impls"
if [[ -n "$threads" ]]; then
  only=()
  for t in ${threads//,/ }; do
    printf 'stepwise-jobs%s  "$STEPWISE" batch --protocol "$STEPWISE_PROTOCOL" "$IN" -o "$OUT" --quiet --jobs %s\n' "$t" "$t" >>"$impls"
    printf 'floor-threads%s  impl/floor-rust/target/release/floor "$IN" "$OUT" --threads %s\n' "$t" "$t" >>"$impls"
    only+=("stepwise-jobs$t" "floor-threads$t")
  done
  ONLY="${ONLY:-$(IFS=,; echo "${only[*]}")}"
  export ONLY
fi
export IMPLS="$impls"
if [[ "${1:-}" == "--test" ]]; then
  shift
  exec "$bench/test.sh" "$@"
fi
status=0
"$bench/run.sh" "$@" || status=$?
if [[ -n "$threads" ]]; then
  n="${1:-10000}"
  python3 "$here/scaling.py" "$bench/results/cohort-$n-s${SEED:-42}/results.json" "$threads"
fi
exit "$status"
