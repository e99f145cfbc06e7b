#!/usr/bin/env bash
# Measures stepwise beside the peer engines and the hand-written Rust floor, in one run.
#   benches/peers.sh [PATIENTS]     (default 10000) runs ../shared/bench/run.sh with our list
#   benches/peers.sh --test         agreement only (../shared/bench/test.sh)
# Environment is passed through (RUNS, ONLY, SKIP_SETUP, LATENCY_RUNS, ...; see the bench README).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bench="${STEPWISE_BENCH_DIR:-$root/../shared/bench}"
[[ -d "$bench" ]] || { echo "benches/peers.sh: no benchmark folder at $bench (set STEPWISE_BENCH_DIR)" >&2; exit 2; }
cargo build --release --manifest-path "$root/Cargo.toml" >&2
export STEPWISE="$root/target/release/stepwise"
export STEPWISE_PROTOCOL="$here/reference-protocol"
export IMPLS="$here/implementations.txt"
if [[ "${1:-}" == "--test" ]]; then
  shift
  exec "$bench/test.sh" "$@"
fi
exec "$bench/run.sh" "$@"
