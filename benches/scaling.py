#!/usr/bin/env python3
"""The scaling table of `benches/peers.sh --threads LIST`: stepwise (`--jobs T`) beside the
hand-written floor (`--threads T`) for each thread count, from one run's results.json.

    python3 benches/scaling.py RESULTS_JSON 1,2,4

Prints a markdown table (median wall time, peak memory, one-patient latency, the ratio of
stepwise's time to the floor's) and writes it next to results.json as scaling.md.
"""

import json
import os
import statistics
import sys


def main(path, threads):
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    impls = results["implementations"]

    def cell(name):
        r = impls.get(name)
        if not r or not r.get("ok"):
            return None
        return {
            "wall": statistics.median(r["walls"]),
            "rss": statistics.median(r["rss_mib"]),
            "latency": r.get("latency_s"),
        }

    def ms(x):
        return f"{x * 1000:.1f}" if x is not None else "-"

    rows = ["| threads | floor s | floor MiB | stepwise s | stepwise MiB | stepwise / floor | floor 1-log ms | stepwise 1-log ms |",
            "|---|---|---|---|---|---|---|---|"]
    for t in threads.split(","):
        fl, sw = cell(f"floor-threads{t}"), cell(f"stepwise-jobs{t}")
        if not fl or not sw:
            rows.append(f"| {t} | failed | | | | | | |")
            continue
        rows.append(f"| {t} | {fl['wall']:.3f} | {fl['rss']:.0f} | {sw['wall']:.3f} | {sw['rss']:.0f} | "
                    f"{sw['wall'] / fl['wall']:.2f} | {ms(fl['latency'])} | {ms(sw['latency'])} |")
    agree = "all patients agree with the reference" if results.get("agreement_ok") else \
        f"DISAGREEMENT: {', '.join(results.get('mismatched', [])) or 'see the run log'}"
    head = (f"{results['patients']} patients, median of {results['runs']} runs, "
            f"{results['machine']['cores']} cores; {agree}")
    table = head + "\n\n" + "\n".join(rows) + "\n"
    print("\n" + table)
    with open(os.path.join(os.path.dirname(path), "scaling.md"), "w", encoding="utf-8") as f:
        f.write(table)
    return 0 if results.get("agreement_ok") else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
