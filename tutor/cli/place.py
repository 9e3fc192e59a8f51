"""``tutor student place`` (the initial knowledge check at the terminal) and
``tutor place evaluate`` (its accuracy on simulated students)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from tutor.cli._common import cli, common_options, emit, open_cli_engine
from tutor.cli.people import student
from tutor.errors import InputError


def _summary(d: dict[str, Any]) -> str:
    return (
        f"{d['summary']}\n"
        f"known: {len(d['known'])}, not known: {len(d['not_known'])}, "
        f"questions: {d['items_used']}\nstart at: {', '.join(d['frontier']) or '-'}"
    )


def _read_answers(path: str) -> list[str]:
    """One answer a line (an empty line: "I don't know")."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"answers file {file} does not exist; give one answer a line")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"answers file {file} is not UTF-8 text; give one answer a line") from None
    answers = text.splitlines()
    if not answers:
        raise InputError(f"answers file {file} is empty; give one answer a line")
    return answers


@student.command("place")
@click.argument("student_id", metavar="ID")
@click.option(
    "--max-items",
    type=click.IntRange(min=1),
    default=None,
    help="At most this many questions (default: 25; fewer for young students).",
)
@click.option(
    "--answers",
    "answers_path",
    default=None,
    metavar="FILE",
    help="Answers one a line, in order (a scripted run); otherwise they are typed.",
)
@common_options
def student_place(
    student_id: str,
    max_items: int | None,
    answers_path: str | None,
    store_url: str | None,
    as_json: bool,
) -> None:
    """Run the initial knowledge check for a student and print the placement.

    Questions come one at a time with no right/wrong feedback; an empty answer means
    "I don't know". A check left open (the terminal closed, the answers ran out) is
    resumed by the next run.
    """
    scripted = _read_answers(answers_path) if answers_path is not None else None
    with open_cli_engine(store_url) as engine:
        turn = engine.placement_turn(student_id)
        if turn is None or max_items is not None:
            turn = engine.start_placement(student_id, max_items=max_items)
        given = 0
        while not turn.done:
            item = turn.item
            assert item is not None  # an open check always has a question
            header = f"question {turn.asked + 1} of at most {turn.max_items}"
            if turn.retry:
                header += " (that answer could not be read; write it again)"
            if scripted is not None:
                if given >= len(scripted):
                    raise InputError(
                        f"the answers file has {len(scripted)} answers but the check asked "
                        "more; it stays open — run the command again to go on"
                    )
                answer = scripted[given]
                given += 1
            else:
                click.echo(f"{header}\n{item.prompt}", err=True)
                answer = click.prompt("answer", default="", show_default=False, err=True)
            turn = engine.answer_placement(student_id, item.item_id, answer)
    assert turn.result is not None
    emit(turn.result.to_json(), as_json, _summary)


@cli.group()
def place() -> None:
    """The initial knowledge check (placement)."""


@place.command("evaluate")
@click.option("--students", type=click.IntRange(min=1), required=True, help="How many students.")
@click.option("--seed", type=int, required=True, help="Draws the same students every time.")
@click.option("--config", "config_path", default=None, metavar="FILE", help="Population YAML.")
@click.option(
    "--max-items",
    type=click.IntRange(min=1),
    default=None,
    help="At most this many questions (default: 25; fewer for young students).",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def place_evaluate(
    students: int, seed: int, config_path: str | None, max_items: int | None, as_json: bool
) -> None:
    """Place simulated students with the real engine; judge it on their hidden knowledge.

    accuracy: the share of the goal's points (goal set and all prerequisites) whose
    known / not-known state the check got right, averaged over students. The population
    YAML is the simulator's (``tutor simulate --config``).
    """
    from tutor.sim.config import load_population
    from tutor.sim.placement import evaluate_placement

    config = load_population(config_path)
    result = evaluate_placement(students=students, seed=seed, config=config, max_items=max_items)
    emit(
        result.to_json(),
        as_json,
        lambda d: (
            f"{d['students']} simulated students, seed {d['seed']}: accuracy "
            f"{d['accuracy']:.3f}, questions {d['items_mean']:.1f} on average "
            f"(at most {d['items_max']})"
        ),
    )
