"""Throughput of the Spark recipes against plain `stepwise batch` on the same cohort (the
figures of README "At scale").

    target/python-venv/bin/python python/spark_bench.py COHORT.jsonl [--bin target/release/stepwise]
        [--partitions 8] [--protocol DIR]

Times, on one JSON Lines cohort: `stepwise batch` on the whole file (all cores), then PySpark
in local[2] mode reading the file in partitions, (1) `RDD.pipe` through `stepwise batch -`
and (2) `mapPartitions` with the installed `stepwise` package; each Spark figure excludes
starting the session, includes reading the file and writing the records back to Spark.
Checks that the three agree, patient by patient (by decision)."""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cohort")
    parser.add_argument("--bin", default="target/release/stepwise")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--protocol", help="a protocol folder (default: the embedded protocol)")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    cohort = os.path.abspath(args.cohort)
    folder = os.path.abspath(args.protocol) if args.protocol else None
    flag = ["--protocol", folder] if folder else []
    os.chdir(tempfile.mkdtemp())  # no protocol folder here: the embedded protocol everywhere

    with open(cohort, encoding="utf-8") as f:
        patients = sum(1 for line in f if line.strip())
    mb = os.path.getsize(cohort) / 1e6

    started = time.perf_counter()
    out = subprocess.run([binary, "batch", cohort, "--quiet", *flag], capture_output=True, text=True)
    batch_s = time.perf_counter() - started
    expected = {json.loads(l).get("patient"): json.loads(l).get("decision") for l in out.stdout.splitlines()}

    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    lines = spark.sparkContext.textFile(cohort, minPartitions=args.partitions)

    def answer_partition(part):
        import stepwise

        protocol = stepwise.Protocol.load(folder)
        for record in protocol.answer_many(part, jobs=1):
            yield json.dumps(record)

    results = {}
    for name, rdd in [
        ("pipe", lines.pipe(shlex.join([binary, "batch", "-", "--quiet", "--jobs", "1", *flag]))),
        ("mapPartitions", lines.mapPartitions(answer_partition)),
    ]:
        started = time.perf_counter()
        records = rdd.map(json.loads).map(lambda r: (r.get("patient"), r.get("decision"))).collect()
        results[name] = (time.perf_counter() - started, dict(records) == expected and len(records) == patients)
    spark.stop()

    print(f"cohort: {patients} patients, {mb:.0f} MB; protocol: {folder or 'embedded'}; {os.cpu_count()} cores; partitions: {args.partitions}")
    print(f"{'how':<28} {'wall s':>8} {'patients/s':>11} {'x batch':>8}  agrees")
    print(f"{'stepwise batch (2 threads)':<28} {batch_s:8.2f} {patients / batch_s:11,.0f} {1.0:8.1f}  -")
    for name, (seconds, agrees) in results.items():
        label = f"local[2] {name}"
        print(f"{label:<28} {seconds:8.2f} {patients / seconds:11,.0f} {seconds / batch_s:8.1f}  {'yes' if agrees else 'NO'}")


if __name__ == "__main__":
    main()
