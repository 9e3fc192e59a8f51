"""Single-answer diagnosis: buggy rule, first wrong step of the working, or unknown cause."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.content.items import regenerate
from tutor.content.misconceptions import buggy_answer
from tutor.diagnosis.answer import diagnose_answer, first_wrong_step
from tutor.diagnosis.working import MAX_WORKING_BYTES, read_working
from tutor.errors import InputError

ADD = regenerate("fraction_add_unlike:2:10")  # 2/5 + 1/2 = 4/10 + 5/10 = 9/10
SOLVE = regenerate("equation_two_step:1:4")  # 9x + 20 = 110, x = 10


def test_items_are_the_ones_the_cases_were_written_for() -> None:
    assert ADD.prompt.startswith("Work out 2/5 + 1/2") and ADD.answer == "9/10"
    assert SOLVE.prompt == "Solve 9x + 20 = 110." and SOLVE.answer == "x = 10"


def test_right_and_unreadable_answers() -> None:
    right = diagnose_answer(ADD, "9/10")
    assert (right.status, right.gap_kps, right.evidence) == ("correct", (), "none")
    assert diagnose_answer(ADD, "9//10").status == "unreadable"


def test_a_buggy_rule_is_the_strongest_evidence() -> None:
    wrong = buggy_answer("mc.frac_add_across", ADD)
    assert wrong == "3/7"
    d = diagnose_answer(ADD, wrong, working="2/5 + 1/2 = 4/10 + 5/10")  # working is ignored
    assert (d.evidence, d.misconception) == ("rule", "mc.frac_add_across")
    assert "fractions.common_denominator" in d.gap_kps and d.confidence > 0.5
    assert d.to_json() == {
        "status": "incorrect",
        "misconception": "mc.frac_add_across",
        "gap_kps": list(d.gap_kps),
        "confidence": d.confidence,
        "evidence": "rule",
    }


@pytest.mark.parametrize(
    ("item", "answer", "working", "line", "kp"),
    [
        (
            ADD,
            "9/20",
            "2/5 + 1/2 = 4/20 + 5/20\n4/20 + 5/20 = 9/20",
            1,
            "fractions.common_denominator",
        ),
        # (4/10 + 5/10 = 9/20 would be adding across: a misconception, tested below)
        (ADD, "8/10", "2/5 + 1/2 = 4/10 + 5/10\n4/10 + 5/10 = 8/10", 2, "fractions.add_like"),
        (SOLVE, "x = 9", "9x = 90\nx = 9", 2, "equations.one_step_mult_div"),
        (SOLVE, "x = 14", "9x = 126\nx = 14", 1, "equations.one_step_add_sub"),
    ],
)
def test_the_first_wrong_line_names_its_step(
    item: object, answer: str, working: str, line: int, kp: str
) -> None:
    d = diagnose_answer(item, answer, working)  # type: ignore[arg-type]
    assert (d.evidence, d.line, d.gap_kps, d.misconception) == ("steps", line, (kp,), None)


def test_no_explanation_means_unknown_cause() -> None:
    d = diagnose_answer(SOLVE, "x = 12")
    assert (d.evidence, d.gap_kps, d.confidence) == ("none", (), 0.0)
    assert first_wrong_step(SOLVE, "I guessed\n\n   \n") is None
    # Correct working and a wrong final answer: nothing in the working to blame.
    assert first_wrong_step(SOLVE, "9x = 90\nx = 10") is None


@settings(max_examples=300, deadline=None)
@given(answer=st.text(max_size=40), working=st.text(max_size=300))
def test_diagnosis_never_raises(answer: str, working: str) -> None:
    d = diagnose_answer(ADD, answer, working)
    assert d.status in ("correct", "incorrect", "unreadable", "not_simplified")
    assert 0.0 <= d.confidence <= 1.0


def test_reading_working_files(tmp_path: Path) -> None:
    good = tmp_path / "w.txt"
    good.write_text("9x = 90\nx = 10\n", encoding="utf-8")
    assert read_working(good).splitlines() == ["9x = 90", "x = 10"]
    with pytest.raises(InputError, match="does not exist"):
        read_working(tmp_path / "none.txt")
    big = tmp_path / "big.txt"
    big.write_text("1 = 1\n" * (MAX_WORKING_BYTES // 4), encoding="utf-8")
    with pytest.raises(InputError, match="at most"):
        read_working(big)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="UTF-8"):
        read_working(binary)


def test_cli_contract(tmp_path: Path) -> None:
    import json
    import os

    from tests.factories import run_cli

    env = {k: v for k, v in os.environ.items() if not k.startswith("TUTOR_")}
    working = tmp_path / "w.txt"
    working.write_text("2/5 + 1/2 = 4/20 + 5/20\n4/20 + 5/20 = 9/20\n", encoding="utf-8")
    args = ["diagnose", "answer", "--item", ADD.item_id, "--answer", "9/20"]
    out = run_cli([*args, "--working", str(working), "--json"], env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "status": "incorrect",
        "misconception": None,
        "gap_kps": ["fractions.common_denominator"],
        "confidence": 0.6,
        "evidence": "steps",
    }
    missing = run_cli([*args, "--working", str(tmp_path / "nope.txt")], env)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
