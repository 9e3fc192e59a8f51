"""Prerequisite probing on simulated students: root-cause accuracy, probes, false gaps.

Failures come from simulated practice with the real engine (``Engine.next_item`` and
``submit`` over a temporary store; :mod:`tutor.sim.diagnosis`): the failure is probed with
:func:`tutor.diagnosis.probe.probe`, the engine's stored mastery as the prior, each probe
submitted to the engine, and scored on the simulator's hidden truth. Two case mixes:

* ``practice`` — unexplained wrong answers as the adaptive tutor meets them (the headline,
  what ``tutor diagnose evaluate`` reports);
* ``new_student`` — a stress test: no history at all (the prior is a coin toss for every
  point), items set on random points within two hops of what the student knows.

Each for ``--seeds`` seeds × ``--students`` failures, stopping at posterior 0.9 (the
issue's rule) and at 0.97 (the default, :data:`tutor.diagnosis.probe.STOP_AT`), next to
the no-graph baseline that blames the failed point itself. Writes a figure to
``benchmarks/figures/probe_eval.png``.

Run: ``python benchmarks/probe_eval.py [--students 500] [--seeds 5] [--before FILE ...]
[--write BENCHMARKS.md]``. Each ``--before`` file is a labelled earlier table (first line:
the label; the rest: markdown), shown under the new one.
"""

from __future__ import annotations

import argparse
import collections
import platform
import statistics
import sys
import time
from pathlib import Path

from _report import before_tables, write_section

from tutor.diagnosis.probe import CONFIDENT, MAX_PROBES, STOP_AT
from tutor.sim.diagnosis import Case, Scenario, probe_cases, summarise

HEADING = "## Prerequisite probing on simulated students (`benchmarks/probe_eval.py`)"
FIGURE = Path(__file__).resolve().parent / "figures" / "probe_eval.png"
RUNS: tuple[tuple[Scenario, float], ...] = (
    ("practice", CONFIDENT),
    ("practice", STOP_AT),
    ("new_student", CONFIDENT),
    ("new_student", STOP_AT),
)


def _mean(runs: list[dict[str, float]], key: str) -> float:
    return statistics.fmean(r[key] for r in runs)


def _figure(
    results: dict[tuple[Scenario, float], list[dict[str, float]]],
    probes: dict[tuple[Scenario, float], collections.Counter[int]],
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    labels: list[str] = []
    top1: list[float] = []
    false: list[float] = []
    for scenario in ("practice", "new_student"):
        for stop in (CONFIDENT, STOP_AT):
            runs = results[(scenario, stop)]
            labels.append(f"{scenario}\nstop {stop:g}")
            top1.append(_mean(runs, "root_cause_top1"))
            false.append(_mean(runs, "false_gap_rate"))
        runs = results[(scenario, STOP_AT)]
        labels.append(f"{scenario}\nbaseline")
        top1.append(_mean(runs, "baseline_blame_failed_point_top1"))
        false.append(_mean(runs, "baseline_false_gap_rate"))
    xs = range(len(labels))
    left.bar([x - 0.2 for x in xs], top1, 0.4, label="root cause top-1")
    left.bar([x + 0.2 for x in xs], false, 0.4, label="false-gap rate")
    left.axhline(0.9, color="grey", ls="--", lw=0.8)
    left.axhline(0.05, color="grey", ls=":", lw=0.8)
    left.set_xticks(list(xs), labels, fontsize=7)
    left.set_ylim(0, 1)
    left.set_title("Probing vs blaming the failed point (mean of seeds)")
    left.legend(fontsize=8)
    width = 0.2
    for k, key in enumerate(RUNS):
        counts = probes[key]
        total = sum(counts.values())
        right.bar(
            [n + (k - 1.5) * width for n in range(MAX_PROBES + 1)],
            [counts[n] / total for n in range(MAX_PROBES + 1)],
            width,
            label=f"{key[0]}, stop {key[1]:g}",
        )
    right.set_xlabel("probes asked")
    right.set_ylabel("share of failures")
    right.set_title("Probes per failure")
    right.legend(fontsize=8)
    fig.tight_layout()
    FIGURE.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIGURE, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=500, help="failures per seed")
    # Practice runs through the real engine (~1-3 ms an answer, ~100 answers a case):
    # 500 x 5 takes about 12 minutes on 2 shared cores (the old copy of the loop: 6).
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument(
        "--before",
        type=Path,
        action="append",
        default=[],
        help="an earlier table to show below (first line its label), may repeat",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    results: dict[tuple[Scenario, float], list[dict[str, float]]] = {}
    probes: dict[tuple[Scenario, float], collections.Counter[int]] = {}
    for scenario, stop in RUNS:
        runs = []
        counts: collections.Counter[int] = collections.Counter()
        for seed in range(args.seeds):
            cases: list[Case] = probe_cases(args.students, seed, stop_at=stop, scenario=scenario)
            counts.update(len(c.result.probes) for c in cases)
            runs.append(summarise(cases))
            print(scenario, stop, seed, runs[-1], flush=True)
        results[(scenario, stop)] = runs
        probes[(scenario, stop)] = counts
    rows = []
    for scenario, stop in RUNS:
        runs = results[(scenario, stop)]
        top1 = _mean(runs, "root_cause_top1")
        n_probes = _mean(runs, "mean_probes")
        false = _mean(runs, "false_gap_rate")
        goal = "met" if top1 >= 0.9 and n_probes <= 5 and false <= 0.05 else "NOT met"
        lowest = min(r["root_cause_top1"] for r in runs)
        worst_false = max(r["false_gap_rate"] for r in runs)
        below = (
            f"{_mean(runs, 'root_below_top1'):.3f}" if _mean(runs, "root_below_share") > 0 else "—"
        )
        rows.append(
            f"| {scenario} | probing, stop at {stop:g} | {top1:.3f} (lowest {lowest:.3f}) "
            f"| {n_probes:.2f} | {false:.3f} (highest {worst_false:.3f}) "
            f"| {_mean(runs, 'root_cause_top1_when_gap'):.3f} "
            f"| {below} | {goal} |"
        )
        if stop == STOP_AT:
            base = _mean(runs, "baseline_blame_failed_point_top1")
            base_false = _mean(runs, "baseline_false_gap_rate")
            base_goal = "met" if base >= 0.9 and base_false <= 0.05 else "NOT met"
            rows.append(
                f"| {scenario} | baseline: blame the failed point | {base:.3f} | 0 "
                f"| {base_false:.3f} | — | 0.000 | {base_goal} |"
            )
    mix = []
    for scenario in ("practice", "new_student"):
        runs = results[(scenario, STOP_AT)]
        mix.append(
            f"`{scenario}`: slips {_mean(runs, 'slip_share'):.1%}, root below the failed "
            f"point {_mean(runs, 'root_below_share'):.1%}, a root deeper than 2 hops "
            f"{_mean(runs, 'root_out_of_reach_share'):.1%}"
        )
    _figure(results, probes)
    practice, stress = results[("practice", STOP_AT)], results[("new_student", STOP_AT)]
    at_09 = results[("practice", CONFIDENT)]
    reading = [
        "**Reading the probing figures.**",
        "- Failures come from practice with the real engine (the tables below, before: "
        "from a copy of its decision loop on the simulator's trimmed graph). The prior is "
        "the engine's stored mastery (with forgetting) just before the failed answer — "
        "nothing hidden. Each probe is submitted to the engine and recorded like any "
        "answer; the gap the probe names is not recorded (the engine has no way in for it "
        "yet), so later cases of a student start from an engine that saw the probes only.",
        "- In practice most unexplained failures are on the point being learned (the "
        "baseline that blames it is right "
        f"{_mean(practice, 'baseline_blame_failed_point_top1'):.0%} of the time); "
        f"{_mean(practice, 'slip_share'):.0%} are slips on a known point, where naming the "
        "point is a false gap (the baseline's false-gap rate, "
        f"{_mean(practice, 'baseline_false_gap_rate'):.0%}, is those). A root below the "
        f"failed point is uncommon ({_mean(practice, 'root_below_share'):.1%}): the frontier "
        "policy moves on once prerequisites are mastered, so such a root is a prerequisite "
        "the engine counted as mastered (forgotten since, or guessed). (The engine's view "
        "now sees through prerequisites without items — see the policy benchmark; before "
        "that fix, driving the engine gave 8.4% such roots and top-1 0.940.)",
        "- Stopping at 0.9 gives top-1 "
        f"{_mean(at_09, 'root_cause_top1'):.3f} "
        f"({'≥' if _mean(at_09, 'root_cause_top1') >= 0.9 else 'below'} 0.9), with false "
        f"gaps up to {max(r['false_gap_rate'] for r in at_09):.3f} on one seed: the prior is "
        "already ≥ 0.9 for most failures, so probing seldom starts, and slips and roots "
        "below the failed point are missed (top-1 "
        f"{_mean(at_09, 'root_below_top1'):.2f} on the latter). Asking on until 0.97 costs "
        f"{_mean(practice, 'mean_probes') - _mean(at_09, 'mean_probes'):.1f} more probes "
        f"and gives top-1 {_mean(practice, 'root_cause_top1'):.3f}, false gaps "
        f"{_mean(practice, 'false_gap_rate'):.3f} and "
        f"{_mean(practice, 'root_below_top1'):.2f} on roots below the failed point; it is "
        "the default (`tutor.diagnosis.probe.STOP_AT`).",
        "- `new_student` is the hard case the old table measured: no history and no "
        f"knowledge check, so every bit comes from ≤ {MAX_PROBES} noisy answers among ~6 "
        "hypotheses, most roots lie below the failed point. Probing names the root "
        f"{_mean(stress, 'root_cause_top1'):.0%} of the time (baseline "
        f"{_mean(stress, 'baseline_blame_failed_point_top1'):.0%}) with "
        f"{_mean(stress, 'false_gap_rate'):.0%} false gaps and "
        f"{_mean(stress, 'mean_probes'):.1f} probes: the goal is **not met** there. "
        "Acting only on confident diagnoses (posterior ≥ 0.9) keeps false gaps at "
        f"{_mean(stress, 'confident_false_gap_rate'):.1%} for top-1 "
        f"{_mean(stress, 'confident_top1'):.0%}. The app does not meet this case: every "
        "newcomer takes the knowledge check first, and that flow (the probe's prior from "
        "the check) is measured in the cold-start section below.",
        "- The simulator answers do not depend on the item's level (only on whether the "
        "student knows the point), so the level choice (the expected-entropy reduction "
        "over every family and level, with the learner model's level shifts) cannot show "
        "a gain here; the Q-matrix rows (secondary points) are used by the probe model "
        "but the simulated student answers on the item's own point only.",
    ]
    body = "\n".join(
        [
            f"{args.students} simulated failures × {args.seeds} seeds (seeds 0–{args.seeds - 1}) "
            f"per row; measured {time.strftime('%Y-%m-%d')} on 2 shared CPU cores, Python "
            f"{platform.python_version()}, {time.perf_counter() - started:.0f} s in all. "
            "Failures come from practice with the real engine (`Engine.next_item`/`submit` "
            "over a temporary SQLite store); probing is `tutor.diagnosis.probe.probe` with "
            "the engine's stored mastery as the prior. "
            f"Reproduce: `python benchmarks/probe_eval.py --students {args.students} "
            f"--seeds {args.seeds}"
            + "".join(f" --before {p.as_posix()}" for p in args.before)
            + " --write BENCHMARKS.md`; one seed of "
            "the headline row: `tutor diagnose evaluate --students 500 --seed 0 --json`.",
            "",
            "| case mix | diagnosis | root cause top-1 | mean probes | false-gap rate "
            "| top-1 when a gap exists | top-1 when the root is below the failed point "
            "| goal (top-1 ≥ 0.9, ≤ 5 probes, false gaps ≤ 0.05) |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Case mix (stop at 0.97): " + "; ".join(mix) + ".",
            "",
            "![Probing: top-1, false gaps and probes asked](benchmarks/figures/probe_eval.png)",
            "",
            *reading,
            *before_tables(args.before),
        ]
    )
    print(body)
    if args.write:
        write_section(args.write, body, "probe", HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
