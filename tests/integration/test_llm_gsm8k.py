"""The guarded explanation pipeline on the real GSM8K problems (``<shared data>/gsm8k``).

The guard's promise is that no shown text states a wrong final answer, whatever the model
says. Models here: the template backend, FAKE models that are wrong on purpose, and (when
pulled) the real SmolLM2 weights. Without the data set or the weights these tests skip
locally and FAIL in CI, like the Neo4j tests.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tutor.llm.base import Message
from tutor.llm.gsm8k import GsmProblem, evaluate, gsm8k_path, load_problems, problem_item
from tutor.llm.prompts import read_payload
from tutor.llm.template import TemplateModel
from tutor.settings import Settings


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run this test, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def problems() -> list[GsmProblem]:
    path = gsm8k_path(Settings.from_env().shared_data_dir)
    if not path.is_file():
        _skip_or_fail(f"the GSM8K data is not at {path} (set TUTOR_SHARED_DATA)")
    return load_problems(path, 200)


class OffByOneModel:
    """FAKE model: restates the verified steps but ends with the answer plus one (on every
    problem, or only on odd tries when ``alternate``)."""

    def __init__(self, alternate: bool = False) -> None:
        self.alternate = alternate
        self.calls = 0

    @property
    def name(self) -> str:
        return "off-by-one"

    def generate(
        self, messages: Sequence[Message], *, temperature: float = 0.3, max_new_tokens: int = 256
    ) -> Iterator[str]:
        self.calls += 1
        data = read_payload(messages) or {}
        steps = ". ".join(str(s["claim"]) for s in data.get("steps", []))
        answer = int(str(data["answer"]))
        wrong = not self.alternate or self.calls % 2 == 1
        return iter([f"{steps}. So the answer is {answer + 1 if wrong else answer}."])


def test_items_are_built_from_verified_annotations(problems: list[GsmProblem]) -> None:
    total = dropped = 0
    for problem in problems:
        item, lost = problem_item(problem)
        total += len(item.steps)
        dropped += lost
        assert re.fullmatch(r"-?\d+(\.\d+)?", item.answer), item.answer
        assert all("<<" not in s.text for s in item.steps)
    assert total > 500 and dropped < total // 20
    fake = GsmProblem(0, "q", "1+1=<<1+1=3>>3 and <<2*3=6>>6\n#### 6", "6")
    item, lost = problem_item(fake)
    assert lost == 1 and [s.claim for s in item.steps] == ["2*3=6"]


def test_template_pipeline_on_200_problems(problems: list[GsmProblem]) -> None:
    report = evaluate(TemplateModel(), problems)
    assert report.to_json() == {
        "n": 200,
        "raw_wrong": 0,
        "shown_wrong": 0,
        "fallback": 0,
        "model": "template",
    }


def test_a_model_that_is_always_wrong_is_never_shown(problems: list[GsmProblem]) -> None:
    model = OffByOneModel()
    report = evaluate(model, problems[:60], max_tries=2)
    assert report.raw_wrong == 60
    assert report.shown_wrong == 0
    assert report.fallback == 60
    assert model.calls == 120
    assert report.reasons is not None and report.reasons["wrong_final_answer"] == 120


def test_regeneration_recovers_when_a_later_try_is_right(problems: list[GsmProblem]) -> None:
    report = evaluate(OffByOneModel(alternate=True), problems[:40], max_tries=2)
    assert report.raw_wrong == 40
    assert report.regenerated == 40 and report.fallback == 0
    assert report.shown_wrong == 0


@pytest.mark.slow
def test_smollm2_pipeline_shows_no_wrong_answer(problems: list[GsmProblem]) -> None:
    """The real SmolLM2-135M-Instruct weights (`tutor model pull smollm2`) on 3 problems."""
    from tutor.llm.registry import get_model
    from tutor.llm.weights import is_pulled

    settings = Settings.from_env()
    if not is_pulled(settings, "smollm2"):
        _skip_or_fail("SmolLM2 is not pulled: run `tutor model pull smollm2`")
    model = get_model(settings, "smollm2")
    report = evaluate(model, problems[:3], max_tries=2, max_new_tokens=160)
    assert report.n == 3 and report.shown_wrong == 0
    assert report.model != "template"


def test_load_problems_refuses_bad_files(tmp_path: Path) -> None:
    from tutor.errors import InputError

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "q", "answer": "no final line"}) + "\n")
    with pytest.raises(InputError, match="line 1"):
        load_problems(bad, 1)
    with pytest.raises(InputError, match="1 problem or more"):
        load_problems(bad, 0)
