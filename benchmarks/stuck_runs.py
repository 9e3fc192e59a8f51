"""No student stuck (issue 16): the longest run of answers on one point, per student.

Simulated students (:mod:`tutor.sim`) practise with the real engine (``next_item`` and
``submit`` over a temporary store) until they master the goal grade or spend the budget.
For each student the simulator's :class:`~tutor.sim.run.RunMeter` records the longest run
of answers in a row on one point, and the longest stretch of such a run with no change of
approach in it (a re-check of a prerequisite ends the run; an easier level or a worked
example starts a new stretch). The bar: no stretch longer than 8
(:data:`tutor.policy.select.MAX_RUN`).

``--without-rule`` measures the same students with the rule out of reach (``MAX_RUN`` set
beyond any run), as the "before" figure.

Run: ``python benchmarks/stuck_runs.py [--students 10] [--seeds 2] [--budget 3000]
[--without-rule] [--write BENCHMARKS.md]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import statistics
import sys
import time
from pathlib import Path

from _report import write_section

from tutor.policy import select
from tutor.sim.config import DEFAULT_POPULATION, PopulationConfig
from tutor.sim.run import simulate

POPULATIONS: dict[str, PopulationConfig] = {
    "default": DEFAULT_POPULATION,
    "weak prior knowledge": dataclasses.replace(DEFAULT_POPULATION, prior_known=(0.0, 0.3)),
    "many misconceptions": dataclasses.replace(DEFAULT_POPULATION, misconception_rate=(0.3, 0.6)),
    "struggling (slow learners, many slips)": dataclasses.replace(
        DEFAULT_POPULATION, learn_rate=(0.02, 0.08), slip=(0.15, 0.3), prior_known=(0.0, 0.3)
    ),
}
#: The bar (issue 16), kept apart from ``select.MAX_RUN``, which --without-rule moves.
BAR = select.MAX_RUN
HEADING = "## No student stuck: longest run on one point (`benchmarks/stuck_runs.py`)"


def measure(students: int, seeds: int, budget: int) -> list[tuple[str, list[int], list[int]]]:
    """Per population: every student's longest run and longest stretch without a change."""
    rows = []
    for name, config in POPULATIONS.items():
        runs: list[int] = []
        plain: list[int] = []
        for seed in range(seeds):
            result = simulate(
                students=students, seed=seed, policies=["adaptive"], config=config, budget=budget
            )
            engine = result.policies["adaptive"]
            runs += engine.longest_run
            plain += engine.longest_plain_run
        rows.append((name, runs, plain))
        print(f"{name}: longest run {max(runs)}, longest without a change {max(plain)}")
    return rows


def table(rows: list[tuple[str, list[int], list[int]]]) -> list[str]:
    """The markdown table of :func:`measure`'s rows."""
    lines = [
        "| population | students | longest run, max (mean) | longest without a change of "
        "approach, max (mean) | students over 8 without a change | goal (≤ 8) |",
        "|---|---|---|---|---|---|",
    ]
    for name, runs, plain in rows:
        over = sum(1 for n in plain if n > BAR)
        met = "met" if max(plain) <= BAR else "NOT met"
        lines.append(
            f"| {name} | {len(runs)} | {max(runs)} ({statistics.fmean(runs):.1f}) | "
            f"{max(plain)} ({statistics.fmean(plain):.1f}) | {over} | {met} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10, help="per seed and population")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--budget", type=int, default=3000)
    parser.add_argument("--without-rule", action="store_true", help="the 'before' figure")
    parser.add_argument("--write", type=Path, default=None, help="update this BENCHMARKS.md")
    args = parser.parse_args()
    if args.without_rule:
        select.MAX_RUN = 10**9  # the rule never fires: the "before" figure
    started = time.time()
    rows = measure(args.students, args.seeds, args.budget)
    took = time.time() - started
    label = "without the rule (before)" if args.without_rule else "with the rule"
    body = [
        f"{args.students} students × {args.seeds} seeds (0–{args.seeds - 1}) per population, "
        f"budget {args.budget} items, {label}; Python {platform.python_version()}, "
        f"{took:.0f} s. Reproduce: `python benchmarks/stuck_runs.py --students "
        f"{args.students} --seeds {args.seeds} --budget {args.budget}"
        f"{' --without-rule' if args.without_rule else ''}`.",
        "",
        *table(rows),
    ]
    text = "\n".join(body)
    print(text)
    if args.write is not None:
        name = "stuck-before" if args.without_rule else "stuck"
        write_section(args.write, text, name, None if args.without_rule else HEADING)
    sys.exit(0)


if __name__ == "__main__":
    main()
