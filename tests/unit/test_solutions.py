"""Diagnosing written multi-step solutions (tutor.diagnosis.solutions, tutor diagnose solutions).

Every record here is hand-written for these tests; none comes from the dataset.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tutor.cli import main
from tutor.diagnosis.solutions import (
    CALCULATION,
    CATEGORIES,
    EXTRA_QUANTITY,
    LABEL_FIELDS,
    MISUNDERSTANDING,
    PROCEEDED,
    UNIT,
    SolutionSettings,
    diagnose_record,
    read_line,
)

REPO = Path(__file__).resolve().parents[2]
APPLES = "Tom has 3 boxes of 4 apples. He eats 2 of them. How many apples are left?"
APPLES_REF = "He has 3 * 4 = 12 apples.\nAfter eating, 12 - 2 = 10 apples are left.\n 10"


def record(problem: str, reference: str, steps: list[str], **extra: Any) -> dict[str, Any]:
    """A record in the dataset's layout."""
    return {
        "problem": problem,
        "reference_solution": reference,
        "student_incorrect_solution": steps,
        **extra,
    }


def test_reads_arithmetic_in_words_money_and_percent() -> None:
    line = read_line(0, "So she pays $1,200 x 3 = $3,600 in all, and 30% of 50 = 15.")
    assert [(e.left, e.correct) for e in line.equations] == [
        ("1200 * 3", True),
        ("(30/100) * 50", True),
    ]
    # a bare number on the left ("half of 30 = 15") claims no arithmetic
    assert read_line(0, "Half of them is 30 = 15 kids.").equations == ()
    # algebra with unknowns is not arithmetic to check
    assert read_line(0, "x + 35 = 105, so 2x = 14").equations == ()
    slip = read_line(0, "The total is 9450 / (15 x 6) = $42.")
    assert [e.correct for e in slip.equations] == [False]


def test_reads_space_thousands_and_decimal_coefficients() -> None:
    line = read_line(0, "The profit is $80 000 x 20/100 = $16 000.")
    assert line.numbers == (80000, 20, 100, 16000)
    assert [(e.left, e.correct) for e in line.equations] == [("80000 * 20/100", True)]
    # "0.3x" is a coefficient of an unknown, not the number 0
    assert read_line(0, "The rest weighs 0.3x tons.").numbers == ()
    # a full stop after a number is not a decimal point
    assert read_line(0, "It is 12.").numbers == (12,)


def test_calculation_slip() -> None:
    out = diagnose_record(
        record(APPLES, APPLES_REF, ["He has 3 x 4 = 13 apples.", "13 - 2 = 11 left.", " 11"])
    )
    assert out["first_wrong_step"] == 0
    assert out["category"] == CALCULATION
    assert out["kps"] == ["mult_div.facts_3_4_6"]
    assert "3 * 4 is 12, not 13" in out["evidence"]


def test_wrong_operation_is_not_a_calculation_error() -> None:
    out = diagnose_record(
        record(APPLES, APPLES_REF, ["He has 3 + 4 = 7 apples.", "7 - 2 = 5 are left.", " 5"])
    )
    assert out["first_wrong_step"] == 0
    assert out["category"] == MISUNDERSTANDING
    assert "7" in out["evidence"]


def test_extra_quantity() -> None:
    problem = "A pen costs $2 and a book costs $5. How much do both cost together?"
    out = diagnose_record(
        record(problem, "2 + 5 = 7 dollars\n 7", ["Both cost $2 + $5 + $3 = $10.", " 10"])
    )
    assert out["first_wrong_step"] == 0
    assert out["category"] == EXTRA_QUANTITY
    assert "uses 3" in out["evidence"]


def test_misread_number_in_a_correct_looking_line() -> None:
    problem = "Sam reads 12 pages a day for 5 days. How many pages does he read?"
    steps = ["Sam reads for 5 days.", "He reads 21 * 5 = 105 pages.", " 105"]
    out = diagnose_record(record(problem, "12 * 5 = 60 pages\n 60", steps))
    assert out["first_wrong_step"] == 1
    assert out["category"] != CALCULATION  # 21 * 5 is 105: the arithmetic is right
    assert "21" in out["evidence"]


def test_units_missing_conversion() -> None:
    problem = "A film lasts 2 hours. Ann has watched 45 minutes. How many minutes are left?"
    reference = "2 hours is 2 * 60 = 120 minutes.\n120 - 45 = 75 minutes are left.\n 75"
    steps = ["The film is 2 * 100 = 200 minutes.", "200 - 45 = 155 minutes are left.", " 155"]
    rec = record(problem, reference, steps)
    assert diagnose_record(rec)["first_wrong_step"] == 0
    out = diagnose_record(rec, SolutionSettings(unit_override=True))
    assert out["first_wrong_step"] == 0
    assert out["category"] == UNIT
    assert "measurement.unit_conversion" in out["kps"]


def test_going_on_after_the_answer() -> None:
    steps = ["3 x 4 = 12 apples.", "12 - 2 = 10 apples.", "Half of them is 10 / 2 = 5.", " 5"]
    out = diagnose_record(record(APPLES, APPLES_REF, steps))
    assert out["first_wrong_step"] == 2
    assert out["category"] == PROCEEDED
    assert "step 1 already reached the answer 10" in out["evidence"]


def test_algebra_error_is_placed_at_the_equation_set_up() -> None:
    problem = "Mia has 30 stickers, 6 more than Leo. How many stickers do they have together?"
    reference = "Leo has 30 - 6 = 24 stickers.\nTogether they have 24 + 30 = 54 stickers.\n 54"
    steps = [
        "Let x be the number of stickers Leo has.",
        "Then x + (x + 6) = 30.",
        "So 2x = 24 and x = 12.",
        "Together they have 12 + 18 = 30 stickers.",
        " 30",
    ]
    rec = record(problem, reference, steps)
    assert diagnose_record(rec)["first_wrong_step"] == 1
    assert diagnose_record(rec, SolutionSettings(algebra_setup=False))["first_wrong_step"] == 2


def test_true_facts_and_the_answer_chain_are_settings() -> None:
    problem = "Jace drives 60 miles per hour for 4 hours, then 9 hours more. How far does he go?"
    reference = "He drives 4 + 9 = 13 hours.\nHe goes 60 * 13 = 780 miles.\n 780"
    steps = [
        "In 4 hours he goes 60 x 4 = 240 miles.",
        "He drives 4 + 9 = 13 hours in all.",
        "In 13 hours he goes 60 x 13 = 780 miles.",
        "So he goes 240 + 780 = 1020 miles.",
        " 1020",
    ]
    rec = record(problem, reference, steps)
    # 240 is off the reference's path: by default it is the first wrong step
    assert diagnose_record(rec)["first_wrong_step"] == 0
    # ... but it is a true fact of the problem (60 * 4 from its own numbers)
    facts = SolutionSettings(excuse_facts="one_step")
    assert diagnose_record(rec, facts)["first_wrong_step"] == 3
    # a detour the final answer never uses is not where the solution went wrong
    chain = SolutionSettings(chain_only=True)
    off_chain = [
        "He drives 4 + 9 = 13 hours.",
        "Also 9 - 4 = 5.",
        "60 x 13 = 780.",
        "60 x 2 = 120",
        " 120",
    ]
    assert diagnose_record(record(problem, reference, off_chain))["first_wrong_step"] == 1
    assert diagnose_record(record(problem, reference, off_chain), chain)["first_wrong_step"] == 3


def test_going_on_placed_at_the_step_that_reached_the_answer() -> None:
    steps = ["3 x 4 = 12 apples.", "12 - 2 = 10 apples.", "Half of them is 10 / 2 = 5.", " 5"]
    rec = record(APPLES, APPLES_REF, steps)
    settings = SolutionSettings(
        signals=("calculation", "proceeded", "off_path"), proceeded_at="reached"
    )
    out = diagnose_record(rec, settings)
    assert out["first_wrong_step"] == 1
    assert out["category"] == PROCEEDED
    assert "step 1 reaches the answer 10" in out["evidence"]


def test_right_final_answer_gives_null() -> None:
    out = diagnose_record(
        record(APPLES, APPLES_REF, ["3 x 4 = 12 apples.", "12 - 2 = 10 apples.", " 10"])
    )
    assert out["first_wrong_step"] is None
    assert out["category"] in CATEGORIES


class LabelTrap(dict):  # type: ignore[type-arg]
    """A fake record that fails the test if any label field is read."""

    def __getitem__(self, key: str) -> Any:
        assert key not in LABEL_FIELDS, f"label {key} was read"
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        assert key not in LABEL_FIELDS, f"label {key} was read"
        return super().get(key, default)


def test_labels_never_change_the_output() -> None:
    bare = record(APPLES, APPLES_REF, ["He has 3 + 4 = 7 apples.", "7 - 2 = 5 left.", " 5"])
    labels = {
        "incorrect_index": 1,
        "incorrect_step": "7 - 2 = 5 left.",
        "error_category": "Unit conversion error",
        "error_description": "step 1 is wrong",
        "student_correct_response": APPLES_REF,
        "dialog_history": [{"text": "the error is in step 1"}],
    }
    labelled = LabelTrap({**bare, **labels})
    assert diagnose_record(labelled) == diagnose_record(bare)
    other = LabelTrap({**bare, **labels, "incorrect_index": 0, "error_category": CALCULATION})
    assert diagnose_record(other) == diagnose_record(bare)


# -- the command ----------------------------------------------------------------------------


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``tutor`` in-process: (exit status, stdout, stderr)."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_json_one_object_per_record_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        record(APPLES, APPLES_REF, ["He has 3 x 4 = 13 apples.", "13 - 2 = 11.", " 11"]),
        record(APPLES, APPLES_REF, ["3 x 4 = 12 apples.", "12 - 2 = 10 apples.", " 10"]),
    ]
    as_list = tmp_path / "s.json"
    as_list.write_text(json.dumps(records), encoding="utf-8")
    code, out, _ = run_cli(["diagnose", "solutions", str(as_list), "--json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert [sorted(r) for r in rows] == [["category", "evidence", "first_wrong_step", "kps"]] * 2
    assert [r["first_wrong_step"] for r in rows] == [0, None]
    as_lines = tmp_path / "s.jsonl"
    as_lines.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    code, out_lines, _ = run_cli(["diagnose", "solutions", str(as_lines), "--json"], capsys)
    assert code == 0 and json.loads(out_lines) == rows
    code, table, _ = run_cli(["diagnose", "solutions", str(as_list)], capsys)
    assert code == 0 and "step  0  Calculation error" in table and "step  -" in table


def test_cli_output_is_the_same_with_labels_removed_or_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = [
        record(APPLES, APPLES_REF, ["He has 3 + 4 = 7 apples.", "7 - 2 = 5 left.", " 5"]),
        record(APPLES, APPLES_REF, ["3 x 4 = 12 apples.", "12 - 2 = 10.", "10 / 2 = 5", " 5"]),
    ]
    outputs = []
    for labels in (
        {},
        {"incorrect_index": 0, "error_category": CALCULATION, "incorrect_step": "x"},
        {
            "incorrect_index": 2,
            "incorrect_step": "7 - 2 = 5 left.",
            "error_category": UNIT,
            "error_description": "the error is in step 2",
            "student_correct_response": APPLES_REF,
            "dialog_history": [{"text": "step 2"}],
        },
    ):
        path = tmp_path / f"s{len(outputs)}.json"
        path.write_text(json.dumps([{**r, **labels} for r in bare]), encoding="utf-8")
        code, out, _ = run_cli(["diagnose", "solutions", str(path), "--json"], capsys)
        assert code == 0
        outputs.append(json.loads(out))
    assert outputs[0] == outputs[1] == outputs[2]
    assert [r["first_wrong_step"] for r in outputs[0]] == [0, 2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{not json", "not JSON"),
        ("[]", "no records"),
        (
            json.dumps([{"problem": "p", "student_incorrect_solution": ["a"]}]),
            "record 1 has no field 'reference_solution'",
        ),
        (
            json.dumps([record("p", "r", ["a"]), record("p", "r", ["a", 3])]),
            "record 2: field 'student_incorrect_solution' step 1 is not a string",
        ),
        (json.dumps([record("p", "r", [])]), "record 1: field 'student_incorrect_solution'"),
    ],
)
def test_cli_bad_input_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli(["diagnose", "solutions", str(path), "--json"], capsys)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_every_knowledge_point_named_is_in_the_default_curriculum() -> None:
    from tutor.content.curricula import default_curriculum
    from tutor.diagnosis import solutions

    ids = {kp.id for kp in default_curriculum().knowledge_points}
    named = set(re.findall(r'"([a-z_]+\.[a-z0-9_]+)"', Path(solutions.__file__).read_text()))
    assert named and named <= ids, sorted(named - ids)


# -- the shared dev records, read where they lie (never copied) ------------------------------


def _dev_file() -> Path:
    shared = os.environ.get("TUTOR_SHARED_DATA")
    base = Path(shared).expanduser() if shared else REPO.parent / "shared" / "data"
    return base / "stepwise-errors" / "dev.json"


def test_real_records_give_the_same_output_without_their_labels() -> None:
    path = _dev_file()
    if not path.is_file():
        pytest.skip(f"stepwise-errors not found at {path} (set TUTOR_SHARED_DATA)")
    records = json.loads(path.read_text(encoding="utf-8"))
    for r in records:
        labelled = diagnose_record(LabelTrap(r))
        bare = diagnose_record({k: v for k, v in r.items() if k not in LABEL_FIELDS})
        assert labelled == bare
        assert labelled["category"] in CATEGORIES
        step = labelled["first_wrong_step"]
        assert step is None or 0 <= step < len(r["student_incorrect_solution"])


def test_step_features_and_ranker() -> None:
    from tutor.diagnosis.solution_steps import FEATURES, StepRanker, step_features
    from tutor.diagnosis.solutions import answer_chain

    steps = ["He has 3 + 4 = 7 apples.", "7 - 2 = 5 are left.", " 5"]
    rows = step_features(APPLES, APPLES_REF.splitlines(), steps)
    assert len(rows) == 3 and all(set(r) == set(FEATURES) for r in rows)
    assert [r["off_path"] for r in rows] == [1.0, 1.0, 0.0]
    assert [r["first_off"] for r in rows] == [1.0, 0.0, 0.0]
    assert rows[2]["is_final"] == 1.0 and rows[2]["final_wrong"] == 1.0
    assert answer_chain([read_line(i, t) for i, t in enumerate(steps)]) == {0, 1}
    assert StepRanker({"first_off": 1.0}).pick(rows) == 0
    assert StepRanker({"is_final": 1.0}).pick(rows) == 2
    assert StepRanker({}).pick([]) is None
