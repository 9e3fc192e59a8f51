"""``tutor simulate``: simulated students through each tutoring policy."""

from __future__ import annotations

from typing import Any

import click

from tutor.cli._common import cli, emit, progress_callback


def _table(d: dict[str, Any]) -> str:
    lines = [
        f"{d['students']} simulated students, seed {d['seed']}",
        f"{'policy':<10}{'items to mastery':>18}{'95% interval':>22}"
        f"{'mastered':>10}{'post-test':>11}",
    ]
    for name, r in d["policies"].items():
        lo, hi = r["items_to_mastery_ci95"]
        lines.append(
            f"{name:<10}{r['items_to_mastery_mean']:>18.1f}{f'[{lo:.1f}, {hi:.1f}]':>22}"
            f"{r['mastered_fraction_at_budget']:>10.2f}{r['post_test_score']:>11.2f}"
        )
    return "\n".join(lines)


@cli.command("simulate")
@click.option("--students", type=int, default=100, show_default=True, help="Students per policy.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--policies",
    default="adaptive,linear,mastery,random",
    show_default=True,
    help="Comma-separated: adaptive, linear, mastery, random.",
)
@click.option("--config", "config_path", default=None, metavar="FILE", help="Population YAML.")
@click.option(
    "--budget", type=int, default=4000, show_default=True, help="Items per student at most."
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def simulate_command(
    students: int, seed: int, policies: str, config_path: str | None, budget: int, as_json: bool
) -> None:
    """Simulate a population under each policy; judge mastery on the hidden truth.

    The population's keys (learn_rate, slip, guess, forget, prior_known,
    misconception_rate as [low, high] ranges; goal_grade) are documented in README.md.
    """
    from tutor.sim.config import load_population
    from tutor.sim.run import simulate

    config = load_population(config_path)
    names = [p.strip() for p in policies.split(",") if p.strip()]
    total = students * max(len(names), 1)
    done = 0
    with progress_callback() as progress:

        def advance(n: int) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress("simulating", done, total)

        result = simulate(
            students=students,
            seed=seed,
            policies=names,
            config=config,
            budget=budget,
            progress=advance,
        )
    emit(result.to_json(), as_json, _table)
