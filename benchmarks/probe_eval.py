"""Prerequisite probing on simulated students: root-cause accuracy vs probes allowed.

For 5 seeds × ``--students`` simulated failures (grade-5 path, one true root gap among the
failed point and its prerequisites within 3 hops, tutor prior independent of the truth),
reports the share of diagnoses naming the true gap, the probes used, and the false-gap rate,
for the issue's limit of 5 probes and for larger limits, next to the no-graph baseline that
blames the failed point itself.

Run: ``python benchmarks/probe_eval.py [--students 500] [--write BENCHMARKS.md]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _report import write_section

from tutor.sim.diagnosis import evaluate_probing

HEADING = "## Prerequisite probing on simulated students (`benchmarks/probe_eval.py`)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=500, help="per seed")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    rows = []
    started = time.perf_counter()
    baseline: list[float] = []
    for limit in (5, 8, 12):
        runs = [
            evaluate_probing(args.students, seed, max_probes=limit) for seed in range(args.seeds)
        ]
        top1 = statistics.fmean(r["root_cause_top1"] for r in runs)
        probes = statistics.fmean(r["mean_probes"] for r in runs)
        false = statistics.fmean(r["false_gap_rate"] for r in runs)
        baseline = [r["baseline_blame_failed_point_top1"] for r in runs]
        goal = "met" if top1 >= 0.9 and probes <= 5 and false <= 0.05 else "NOT met"
        rows.append(f"| {limit} | {top1:.3f} | {probes:.2f} | {false:.3f} | {goal} |")
    body = "\n".join(
        [
            f"{args.students} simulated failures × {args.seeds} seeds per row; "
            f"{time.perf_counter() - started:.0f} s. Reproduce: "
            "`python benchmarks/probe_eval.py --write BENCHMARKS.md`.",
            "",
            "| probes allowed | root cause top-1 | mean probes | false-gap rate "
            "| goal (top-1 ≥ 0.9, ≤ 5 probes, false gaps ≤ 0.05) |",
            "|---|---|---|---|---|",
            *rows,
            f"| baseline: blame the failed point | {statistics.fmean(baseline):.3f} | 0 | — | |",
        ]
    )
    print(body)
    if args.write:
        write_section(args.write, body, "probe", HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
