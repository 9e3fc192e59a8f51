"""The OATutor reader: validation, selection, skill mapping, attribution, real-data counts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tutor.content.curricula import default_curriculum
from tutor.content.oatutor import (
    CC_BY_4,
    ImportedProblem,
    read_oatutor,
    read_skill_map,
    to_plain_answer,
)
from tutor.errors import InputError

REPO = Path(__file__).resolve().parents[2]

# Measured on shared/data/oatutor-content (commit c26295e of CAHLR/OATutor-Content).
REAL_READ = 12814
REAL_ALGEBRA = 5659
REAL_IMPORTED = 5224
REAL_MAPPED = 2632


@pytest.fixture(scope="module")
def kp_ids() -> frozenset[str]:
    return frozenset(kp.id for kp in default_curriculum().knowledge_points)


def _step(step_id: str, answer: list[str], **extra: Any) -> dict[str, Any]:
    step: dict[str, Any] = {
        "id": step_id,
        "stepTitle": "Solve $$x+3=5$$",
        "stepBody": "",
        "stepAnswer": answer,
        "problemType": "TextBox",
        "answerType": "arithmetic",
        "variabilization": {},
        "tutoring": [
            {"id": f"{step_id}-h1", "type": "hint", "title": "Undo", "text": "Subtract 3."},
            {
                "id": f"{step_id}-h2",
                "type": "scaffold",
                "title": "What is 5 - 3?",
                "text": "Work out the right side.",
                "hintAnswer": ["2"],
                "subHints": [
                    {"id": f"{step_id}-h2-s1", "type": "hint", "title": "", "text": "5-3=2"}
                ],
            },
            # OATutor repeats some hints; the reader keeps the first.
            {"id": f"{step_id}-h1", "type": "hint", "title": "Undo", "text": "Subtract 3."},
        ],
    }
    step.update(extra)
    return step


def _problem(
    pid: str, course: str = "OpenStax: Elementary Algebra", **extra: Any
) -> dict[str, Any]:
    problem: dict[str, Any] = {
        "id": pid,
        "title": f"Problem {pid}",
        "body": f"Solve the equation ({pid}).",
        "variabilization": {},
        "oer": "https://openstax.org/details/books/elementary-algebra-2e <OpenStax: Elementary>",
        "license": "https://creativecommons.org/licenses/by/4.0/ <CC BY 4.0>",
        "lesson": "2.1 Solve Equations",
        "lessonId": "L1",
        "courseName": course,
        "steps": [_step(f"{pid}a", ["$$2$$"])],
    }
    problem.update(extra)
    return problem


def _write_folder(folder: Path, problems: list[dict[str, Any]], skills: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "problems.jsonl").write_text(
        "".join(json.dumps(p) + "\n" for p in problems), encoding="utf-8"
    )
    (folder / "skillModel.json").write_text(json.dumps(skills), encoding="utf-8")
    courses = [
        {"courseName": "OpenStax: Elementary Algebra", "courseOER": "https://openstax.org/"},
        {"courseName": "Solid Foundations: Algebra", "courseOER": "0.0"},
    ]
    (folder / "coursePlans.json").write_text(json.dumps(courses), encoding="utf-8")
    return folder


def _tiny(tmp_path: Path) -> Path:
    """Two good problems, one of each skip reason, steps mapping to several kps."""
    mixed = _problem("mixed")
    mixed["steps"] = [
        _step("mixeda", ["$$\\frac{3}{4}$$"]),
        _step("mixedb", ["$$x=4$$"]),
        _step("mixedc", ["x = 2 or x = 3"], problemType="MultipleChoice", choices=["a", "b"]),
    ]
    figure_hint = _problem("fighint", course="Solid Foundations: Algebra", oer="", license="")
    figure_hint["steps"][0]["tutoring"].append(
        {"id": "fighinta-h9", "type": "hint", "title": "Look", "text": "See ##figure1.gif##"}
    )
    problems = [
        _problem("good"),
        mixed,
        figure_hint,
        _problem("physics", course="OpenStax: College Physics"),
        _problem("test", course="Solid Foundations: Algebra", lesson="TEST"),
        _problem("fig", body="Use the graph. ##figure1.gif##"),
        _problem("vars", body="Solve for @{a}."),
        _problem("nosteps", steps=[]),
        _problem("noanswer", steps=[_step("noanswera", [])]),
        _problem("good", id="again"),  # the same body, steps and answers as "good"
    ]
    problems[-1]["body"] = problems[0]["body"]
    skills = {
        "gooda": ["solve_equations_using_the_subtraction_and_addition_properties_of_equality"],
        "mixeda": ["solve_equations_using_the_subtraction_and_addition_properties_of_equality"],
        "mixedb": ["solve_equations_with_variables_on_both_sides", "made_up_skill"],
        "mixedc": ["solve_equations_with_variables_on_both_sides"],
        "fighinta": ["an_unmapped_skill"],
    }
    return _write_folder(tmp_path / "oat", problems, skills)


def test_reads_keeps_and_counts_every_skip_reason(tmp_path: Path, kp_ids: frozenset[str]) -> None:
    problems, report = read_oatutor(_tiny(tmp_path), kp_ids=kp_ids)
    assert [p.id for p in problems] == ["good", "mixed", "fighint"]
    assert report.read == 10
    assert report.imported == 3
    assert report.skipped == {
        "duplicate": 1,
        "figure": 1,
        "no_answer": 1,
        "no_steps": 1,
        "other_course": 1,
        "test_lesson": 1,
        "variabilized": 1,
    }
    assert report.read == report.imported + sum(report.skipped.values())
    assert report.algebra_read == 9
    assert (report.mapped, report.unmapped) == (2, 1)
    assert report.by_course == {"OpenStax: Elementary Algebra": 2, "Solid Foundations: Algebra": 1}
    assert report.dropped_hints == 1
    assert "imported 3" in report.summary()


def test_kp_is_the_highest_grade_mapped_skill(tmp_path: Path, kp_ids: frozenset[str]) -> None:
    problems, report = read_oatutor(_tiny(tmp_path), kp_ids=kp_ids)
    by_id = {p.id: p for p in problems}
    assert by_id["good"].kp == "equations.one_step_add_sub"
    # grade 6 one-step vs grade 8 variables on both sides: the grade-8 one needs the other
    assert by_id["mixed"].kp == "equations.variables_both_sides"
    assert by_id["mixed"].skills == (
        "solve_equations_using_the_subtraction_and_addition_properties_of_equality",
        "solve_equations_with_variables_on_both_sides",
        "made_up_skill",
    )
    assert by_id["fighint"].kp is None
    assert by_id["fighint"].skills == ("an_unmapped_skill",)
    assert report.by_kp == {"equations.one_step_add_sub": 1, "equations.variables_both_sides": 1}


def test_steps_hints_and_answers(tmp_path: Path, kp_ids: frozenset[str]) -> None:
    problems, _ = read_oatutor(_tiny(tmp_path), kp_ids=kp_ids)
    mixed = next(p for p in problems if p.id == "mixed")
    first, second, third = mixed.steps
    assert first.answers == ("$$\\frac{3}{4}$$",)  # kept exactly as given
    assert first.answers_readable == (True,)
    assert first.answers_plain == ("((3)/(4))",)
    assert second.answers_readable == (True,)
    assert third.answers_readable == (False,)  # words are not a checkable answer
    assert third.answers_plain == ("",)
    assert third.problem_type == "MultipleChoice"
    assert third.choices == ("a", "b")
    hints = first.hints
    assert [h.id for h in hints] == ["mixeda-h1", "mixeda-h2", "mixeda-h2-s1"]
    assert [h.kind for h in hints] == ["hint", "scaffold", "hint"]
    assert hints[1].answer == ("2",)
    assert first.title == "Solve $$x+3=5$$"  # $$ math left for the app to render
    fighint = next(p for p in problems if p.id == "fighint")
    assert all("figure" not in h.text for h in fighint.steps[0].hints)


def test_attribution_and_license(tmp_path: Path, kp_ids: frozenset[str]) -> None:
    problems, _ = read_oatutor(_tiny(tmp_path), kp_ids=kp_ids)
    good = next(p for p in problems if p.id == "good")
    assert good.source == "oatutor"
    assert "OpenStax" in good.attribution and "OATutor" in good.attribution
    assert "CC BY 4.0" in good.attribution
    assert good.oer.startswith("https://openstax.org/")
    own = next(p for p in problems if p.id == "fighint")
    # empty licence → the repository-level CC BY 4.0 statement; empty oer → OATutor
    assert own.license == CC_BY_4
    assert "OATutor" in own.oer and "OATutor" in own.attribution
    assert "OpenStax" not in own.attribution


def test_to_json_round_trips(tmp_path: Path, kp_ids: frozenset[str]) -> None:
    problems, report = read_oatutor(_tiny(tmp_path), kp_ids=kp_ids)
    data = json.loads(json.dumps([p.to_json() for p in problems]))
    assert data[1]["steps"][0]["hints"][1]["answer"] == ["2"]
    assert data[1]["kp"] == "equations.variables_both_sides"
    assert json.loads(json.dumps(report.to_json()))["skipped"]["figure"] == 1


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("missing_folder", "does not exist"),
        ("missing_file", "skillModel.json is missing"),
        ("bad_line", "line 2: not valid JSON"),
        ("bad_skills", "skillModel.json is not valid JSON"),
        ("not_object", "line 1: expected a problem object"),
        ("empty", "holds no problems"),
    ],
)
def test_bad_folders_raise_one_line_input_error(
    tmp_path: Path, kp_ids: frozenset[str], broken: str, message: str
) -> None:
    folder = _write_folder(tmp_path / "oat", [_problem("a"), _problem("b")], {})
    problems = folder / "problems.jsonl"
    if broken == "missing_folder":
        folder = tmp_path / "nowhere"
    elif broken == "missing_file":
        (folder / "skillModel.json").unlink()
    elif broken == "bad_line":
        lines = problems.read_text().splitlines()
        problems.write_text(lines[0] + "\n" + lines[1][:-5] + "\n")
    elif broken == "bad_skills":
        (folder / "skillModel.json").write_text("{not json")
    elif broken == "not_object":
        problems.write_text("[1, 2]\n")
    elif broken == "empty":
        problems.write_text("\n")
    with pytest.raises(InputError, match=message) as info:
        read_oatutor(folder, kp_ids=kp_ids)
    assert "\n" not in str(info.value)


def test_skill_map_with_unknown_kp_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "map.csv"
    bad.write_text("skill,kp,note\nsome_skill,equations.nope,\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2: knowledge point 'equations.nope'"):
        read_skill_map(bad, kp_ids={"equations.two_step"})


def test_shipped_skill_map_is_valid(kp_ids: frozenset[str]) -> None:
    mapping = read_skill_map(kp_ids=kp_ids)
    assert len(mapping) >= 250
    assert mapping["solve_two_step_equations"] == "equations.two_step"
    assert set(mapping.values()) <= kp_ids


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        ("$$12q$$", "12q"),
        ("$$\\frac{1}{{10}^2}$$", "((1)/((10)^2))"),
        ("$$x^{\\frac{5}{2}}$$", "x^(((5)/(2)))"),
        ("$$-10\\sqrt{15}$$", "-10√(15)"),
        ("$$\\left(n+3\\right) \\left(n-3\\right)$$", "(n+3) (n-3)"),
        ("$$x \\le 3$$", "x <= 3"),
        ("$$3 \\cdot x \\geq 2$$", "3 * x >= 2"),
        ("$$\\leftarrow$$", "\\leftarrow"),  # unknown command: left alone, so unreadable
    ],
)
def test_to_plain_answer(latex: str, plain: str) -> None:
    assert to_plain_answer(latex) == plain


def _shared_data() -> Path:
    root = os.environ.get("TUTOR_SHARED_DATA")
    return Path(root) if root else REPO.parent / "shared" / "data"


def test_real_oatutor_content(kp_ids: frozenset[str]) -> None:
    folder = _shared_data() / "oatutor-content"
    if not (folder / "problems.jsonl").is_file():
        reason = f"OATutor content not found at {folder} (set TUTOR_SHARED_DATA)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the real-data test, but {reason}")
        pytest.skip(reason)
    problems, report = read_oatutor(folder, kp_ids=kp_ids)
    assert report.read == REAL_READ
    assert report.algebra_read == REAL_ALGEBRA
    assert report.imported == len(problems) == REAL_IMPORTED
    assert report.mapped == REAL_MAPPED
    assert report.read == report.imported + sum(report.skipped.values())
    assert len({p.id for p in problems}) == len(problems)
    for problem in problems:
        _check_real_problem(problem, kp_ids)


def _check_real_problem(problem: ImportedProblem, kp_ids: frozenset[str]) -> None:
    assert problem.kp is None or problem.kp in kp_ids, problem.id
    assert "OATutor" in problem.attribution and "CC BY 4.0" in problem.attribution
    assert problem.license and problem.oer, problem.id
    if "openstax.org" in problem.oer.lower():
        assert "OpenStax" in problem.attribution, problem.id
    assert problem.steps and any(s.answers for s in problem.steps), problem.id
    for step in problem.steps:
        assert len(step.answers_readable) == len(step.answers) == len(step.answers_plain)
