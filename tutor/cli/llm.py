"""``tutor explain``, ``tutor grade`` and ``tutor llm eval-gsm8k``: the guarded language model.

Every command takes ``--model SPEC`` (default: ``TUTOR_LLM``, then SmolLM2 when pulled, else
the template backend); see :mod:`tutor.llm.registry` for the specs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tutor import lab
from tutor.cli._common import cli, current_settings, emit, progress_callback

if TYPE_CHECKING:
    from tutor.lab import LanguageModel

_MODEL_HELP = (
    "Language model: template, smollm2, transformers[:ID-or-folder], openai[:URL] "
    "(default: TUTOR_LLM, then SmolLM2 when pulled, else template)."
)


def model_option(func: Any) -> Any:
    """Add ``--model SPEC``."""
    return click.option("--model", "model_spec", metavar="SPEC", default=None, help=_MODEL_HELP)(
        func
    )


def _load_model(spec: str | None) -> LanguageModel:
    return lab.load_model(current_settings(), spec)


def _explain_text(data: dict[str, Any]) -> str:
    lines = [data["text"], f"[guard: {data['guard']}; model: {data['model']}]"]
    if data["reasons"]:
        lines.append("rejected: " + "; ".join(data["reasons"]))
    return "\n".join(lines)


@cli.command("explain")
@click.option("--item", "item_id", required=True, metavar="ITEM_ID", help="e.g. gcf:2:17")
@click.option("--answer", default=None, metavar="TEXT", help="What the student answered.")
@click.option(
    "--style",
    type=click.Choice(["formal", "casual", "friendly"]),
    default="friendly",
    show_default=True,
)
@click.option("--language", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option(
    "--temperature",
    type=float,
    default=0.3,
    show_default=True,
    help="Sampling temperature, 0.1 to 1.0.",
)
@click.option(
    "--hint",
    "hint",
    type=int,
    default=None,
    metavar="N",
    help="A hint for step N (1 = the first step) instead of the worked explanation.",
)
@click.option(
    "--kind",
    type=click.Choice(["explanation", "hint", "feedback", "why"]),
    default=None,
    help="What to write (default: a hint with --hint, else the explanation); feedback is "
    "what the student hears after the wrong --answer, why the reason after a right one.",
)
@click.option(
    "--hint-level",
    type=int,
    default=1,
    show_default=True,
    help="The hint ladder: 1 a nudge, 2 the step with a blank, 3 the worked step.",
)
@click.option("--grade", type=int, default=None, help="The student's grade, 1-12 (reading level).")
@click.option(
    "--ungated",
    is_flag=True,
    help="Ask the model even where the language gate keeps it silent (to inspect it).",
)
@model_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def explain_cmd(
    item_id: str,
    answer: str | None,
    style: str,
    language: str,
    temperature: float,
    hint: int | None,
    kind: str | None,
    hint_level: int,
    grade: int | None,
    ungated: bool,
    model_spec: str | None,
    as_json: bool,
) -> None:
    """Explain an item's worked solution (or give a hint), checked by the guard.

    The engine plans the text, a template words it, the model rewords it; the guard checks
    the final answer, every number stated as a result, that a hint or feedback does not give
    the answer away, the safety filter, and reads it as a child would (loops, echoes, script,
    length, reading level). A rejected text is regenerated, then replaced by the template.
    Where the language gate keeps the model silent (`tutor model list`), the template speaks.
    """
    # The options and the item are checked before a model is loaded (that may take long).
    item, options = lab.explain_options(
        item_id,
        hint=hint,
        style=style,
        language=language,
        temperature=temperature,
        kind=kind,
        hint_level=hint_level,
        grade=grade,
    )
    model = _load_model(model_spec)
    result = lab.explain_item(item, options, model, answer=answer, gated=not ungated)
    emit(result.to_json(), as_json, _explain_text)


@cli.command("grade")
@click.option("--item", "item_id", required=True, metavar="ITEM_ID", help="e.g. gcf:2:17")
@click.option("--reasoning", required=True, metavar="TEXT", help="The student's written reasoning.")
@click.option(
    "--final-answer",
    default=None,
    metavar="TEXT",
    help="The student's final answer, when given apart from the reasoning.",
)
@model_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def grade_cmd(
    item_id: str,
    reasoning: str,
    final_answer: str | None,
    model_spec: str | None,
    as_json: bool,
) -> None:
    """Grade a student's written reasoning for an item on a 0-2 rubric.

    The final answer is checked deterministically and always wins; the model's score may
    move the grade at most one point from what the worked steps in the text support, and
    text that tries to instruct the grader is graded on the steps alone.
    """
    lab.item(item_id)  # an unknown item id is refused before a model is loaded
    result = lab.grade_item(item_id, reasoning, _load_model(model_spec), final_answer=final_answer)
    emit(
        result.to_json(),
        as_json,
        lambda d: (
            f"score {d['score']}/2 (final answer "
            f"{'right' if d['final_answer_correct'] else 'wrong'}): {d['reason']}"
        ),
    )


@cli.group("llm")
def llm_group() -> None:
    """Evaluate the language-model pipeline."""


@llm_group.command("eval-gsm8k")
@click.option("--n", "count", type=click.IntRange(1, 1319), default=200, show_default=True)
@click.option(
    "--data",
    "data_path",
    default=None,
    metavar="FILE",
    help="GSM8K test.jsonl (default: <TUTOR_SHARED_DATA>/gsm8k/test.jsonl).",
)
@click.option("--max-tries", type=click.IntRange(1, 10), default=3, show_default=True)
@click.option("--temperature", type=float, default=0.3, show_default=True)
@model_option
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def eval_gsm8k(
    count: int,
    data_path: str | None,
    max_tries: int,
    temperature: float,
    model_spec: str | None,
    as_json: bool,
) -> None:
    """Run guarded explanations over the first N GSM8K problems.

    Counts how often the raw model's final answer was wrong, how many shown texts state a
    wrong final answer (the guard's job is to keep that at 0) and how often the template
    fallback was used.
    """
    settings = current_settings()
    problems = lab.gsm8k_problems(settings, count, Path(data_path) if data_path else None)
    model = _load_model(model_spec)
    with progress_callback() as progress:
        report = lab.evaluate_gsm8k(
            model, problems, temperature=temperature, max_tries=max_tries, progress=progress
        )
    emit(
        report.to_json(),
        as_json,
        lambda d: (
            f"{d['n']} problems, model {d['model']}: raw model wrong {d['raw_wrong']}, "
            f"shown wrong {d['shown_wrong']}, template fallback {d['fallback']}"
        ),
    )
