#!/usr/bin/env bash
# The Python package's CI (called by .ci/run): a fresh virtual environment under target/,
# the abi3 wheel built with maturin and installed with pip, an example answered from outside
# the repository, then pytest: answers equal the CLI's, errors, protocols, and the Spark
# recipes (Java from Debian's default-jre-headless and pyspark from PyPI, installed here; the
# Spark test skips and says so when they cannot be, unless this script installed them).
#
# STEPWISE_WHEEL_PROFILE: the cargo profile of the wheel (default `wheel`: opt-level 1, quick
# to build; `release` for the fastest wheel). SKIP_SPARK=1 leaves Spark out.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$SECONDS
step() { echo "python: $1 ($((SECONDS - started)) s so far)"; }

venv=target/python-venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check maturin pytest
step "fresh venv with maturin and pytest"

# The CLI the tests compare against (already built by `cargo test`).
cargo build --locked --quiet
profile="${STEPWISE_WHEEL_PROFILE:-wheel}"
rm -rf target/python-wheels
CARGO_TARGET_DIR="$repo/target/python" "$venv/bin/maturin" build --quiet --locked \
  --manifest-path python/Cargo.toml --profile "$profile" --out target/python-wheels
wheel=$(ls target/python-wheels/stepwise-*-abi3-*.whl)
step "built $(basename "$wheel") (profile $profile)"

"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
# The installed wheel answers an example, from a folder that is not the repository.
decision=$(cd /tmp && "$repo/$venv/bin/python" -c \
  "import stepwise, sys; print(stepwise.Protocol.load().answer(sys.argv[1])['decision'])" \
  "$repo/examples/01-walking-progress.yaml")
[ "$decision" = "progress" ] || { echo "python: the wheel answered '$decision', expected 'progress'"; exit 1; }
step "the installed wheel answers examples/01-walking-progress.yaml: $decision"

if [ "${SKIP_SPARK:-0}" = "1" ]; then
  echo "python: Spark skipped (SKIP_SPARK=1)"
else
  if ! command -v java >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/tmp/stepwise-java-install.log 2>&1 \
      || echo "python: could not install Java (see /tmp/stepwise-java-install.log)"
  fi
  if command -v java >/dev/null 2>&1 \
    && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pyspark >/tmp/stepwise-pyspark-install.log 2>&1; then
    export STEPWISE_REQUIRE_SPARK=1
    step "Java and pyspark installed"
  else
    echo "python: Java or pyspark could not be installed (see /tmp/stepwise-*-install.log): the Spark test will be skipped"
  fi
fi

STEPWISE_BIN="$repo/target/debug/stepwise" "$venv/bin/python" -m pytest python/tests -q -p no:cacheprovider
step "pytest done"
