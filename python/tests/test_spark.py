"""The Spark recipes of README "At scale", run for real: PySpark in local[2] mode answers a
cohort split into four partitions (1) through `RDD.pipe` with `stepwise batch -` and (2)
through `mapPartitions` with this package, and both equal `stepwise batch` on the whole file,
patient by patient.

Needs Java and pyspark (python/run-tests.sh installs them). Without them the test is skipped
and says why, unless STEPWISE_REQUIRE_SPARK=1 (set by the script once both installed), when
a missing piece fails it."""

import json
import os
import shlex
import shutil
import sys

import pytest

from conftest import binary, cohort_lines, comparable, run_cli

REQUIRED = os.environ.get("STEPWISE_REQUIRE_SPARK") == "1"


def need(condition, why):
    if not condition:
        if REQUIRED:
            pytest.fail(f"{why} (STEPWISE_REQUIRE_SPARK=1)")
        pytest.skip(f"{why}: the Spark test is skipped (python/run-tests.sh installs Java and pyspark)")


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    need(shutil.which("java") is not None, "Java is not installed")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        need(False, "pyspark is not installed")
    # Executors' Python is this venv's (it has the wheel); their working folder holds no
    # protocol, so the binary uses the embedded one, as the package does.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.pop("STEPWISE_PROTOCOL", None)
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("spark"))
    session = (
        SparkSession.builder.master("local[2]")
        .appName("stepwise-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    os.chdir(cwd)


def by_patient(records):
    out = {}
    for r in records:
        key = r.get("patient") or "(no patient)"
        assert key not in out, f"two records for {key}"
        out[key] = comparable(r)
    return out


def test_pipe_and_map_partitions_equal_batch(spark, tmp_path):
    lines = cohort_lines()
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    out = run_cli(["batch", cohort, "--quiet"], tmp_path)
    assert out.returncode == 4, out.stderr
    expected = by_patient(json.loads(line) for line in out.stdout.splitlines())
    assert len(expected) == 42

    rdd = spark.sparkContext.parallelize(lines, 4)
    assert rdd.getNumPartitions() == 4

    # (1) RDD.pipe: each partition's lines go to `stepwise batch -` on stdin, one record comes
    # back per line. Exit 4 (some error records) is expected: checkCode stays off.
    command = f"{shlex.quote(str(binary()))} batch - --quiet"
    piped = rdd.pipe(command).map(json.loads).collect()
    assert by_patient(piped) == expected

    # (2) mapPartitions with the Python package: one protocol per partition, answers
    # streamed. (Defined here so that Spark ships the function itself, not a reference to
    # this test module, which executors cannot import.)
    def answer_partition(lines):
        import stepwise

        protocol = stepwise.Protocol.load()
        for record in protocol.answer_many(lines, jobs=1):
            yield json.dumps(record)

    mapped = rdd.mapPartitions(answer_partition).map(json.loads).collect()
    assert by_patient(mapped) == expected

    # Every answer is from the embedded protocol, on both paths.
    assert {r["protocol"]["from"] for r in piped + mapped} == {"embedded"}
