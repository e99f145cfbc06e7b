"""Shared fixtures of the Python package's tests: the `stepwise` binary run as a user runs it
(from a folder holding no protocol, so both sides use the embedded protocol unless told
otherwise), and the cohort fixture (40 generated patients plus two bad lines)."""

import gzip
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
REFERENCE_PROTOCOL = REPO / "benches" / "reference-protocol"

# Lines appended to the cohort: a line that is not JSON and a log with an out-of-range value.
BAD_LINES = [
    "this is not json",
    '{"patient":"P-BAD","start":"2026-01-05","sessions":[{"date":"2026-01-06","kind":"exercise","pain":{"before":2,"during":12,"after":2,"next_day":1},"exercises":[]}]}',
]


def binary() -> Path:
    path = Path(os.environ.get("STEPWISE_BIN", REPO / "target" / "debug" / "stepwise"))
    if not path.is_file():
        pytest.fail(f"the stepwise binary is missing at {path}: run `cargo build` (or set STEPWISE_BIN)")
    return path


def run_cli(args, cwd, stdin=None):
    """Runs `stepwise ARGS` in `cwd` with no protocol set by the environment."""
    env = {k: v for k, v in os.environ.items() if k != "STEPWISE_PROTOCOL"}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [str(binary()), *[str(a) for a in args]], cwd=cwd, input=stdin, capture_output=True, text=True, env=env
    )


@pytest.fixture
def cli(tmp_path):
    """`cli(args)`: the CompletedProcess of the binary run in an empty folder."""
    return lambda args, stdin=None: run_cli(args, tmp_path, stdin)


def cohort_lines():
    with gzip.open(FIXTURES / "cohort-40.jsonl.gz", "rt", encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    return lines + BAD_LINES


@pytest.fixture
def cohort_file(tmp_path):
    path = tmp_path / "cohort.jsonl"
    path.write_text("".join(line + "\n" for line in cohort_lines()), encoding="utf-8")
    return path


def comparable(record):
    """A record without where its log came from (`source` and the diagnostics' file and
    line), which differs between a file, a pipe and an iterable; everything else must match."""
    record = json.loads(json.dumps(record))
    record.pop("source", None)
    for error in record.get("errors", []):
        error.pop("file", None)
        error.pop("line", None)
    return record
