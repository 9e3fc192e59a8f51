"""Public datasets read as published (docs/DATA.md): a benign quirk is read with a note on
stderr, real ambiguity is refused with the line and the reason.

The fixtures are small and built here with the same quirks as the published files they stand
for (those files are kept apart for evaluation): a DKT-format split whose test file has a skill
the training file never has (as a widely used ASSIST2009 split does), and an EduCDM-format
items file that lists items more than once with the same skills written differently.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import tutor.cli.diagnose
import tutor.cli.kt  # noqa: F401 - registers `tutor kt`
from tests.unit.test_cdm import Q3, simulate_dina
from tests.unit.test_kt import TRUE_PARAMS, needs_torch, simulate_bkt
from tutor.cli._common import cli
from tutor.data.cdm import read_items_file, read_long_data
from tutor.data.kt_logs import read_dkt3
from tutor.errors import InputError
from tutor.learner.data import from_sequences, split_unseen
from tutor.learner.evaluation import evaluate

# -- knowledge tracing: a test skill never seen in training ---------------------------------

UNSEEN = 9  # TRUE_PARAMS has skills 0..3; skill 9 occurs only in the test file


def _dkt3(seqs: list[tuple[list[int], list[int]]]) -> str:
    return "".join(f"{len(s)}\n{','.join(map(str, s))}\n{','.join(map(str, c))}\n" for s, c in seqs)


def _with_unseen_skill(
    seqs: list[tuple[list[int], list[int]]], every: int
) -> list[tuple[list[int], list[int]]]:
    """Every ``every``-th response of each student re-tagged with the unseen skill, and one
    student who answered only that skill."""
    out = []
    for skills, correct in seqs:
        s = [UNSEEN if (i % every == every - 1) else k for i, k in enumerate(skills)]
        out.append((s, list(correct)))
    out.append(([UNSEEN, UNSEEN, UNSEEN], [1, 0, 1]))
    return out


def _kt_files(tmp_path: Path) -> tuple[Path, Path]:
    train = tmp_path / "train.txt"
    test = tmp_path / "test.txt"
    train.write_text(_dkt3(simulate_bkt(TRUE_PARAMS, 150, 20, seed=11)))
    test.write_text(_dkt3(_with_unseen_skill(simulate_bkt(TRUE_PARAMS, 40, 20, seed=12), 5)))
    return train, test


def test_split_unseen_sets_apart_only_unseen_responses() -> None:
    train = from_sequences([([0, 1, 2], [1, 0, 1])])
    test = from_sequences([([0, 7, 1], [1, 1, 0]), ([7, 7], [0, 1]), ([2], [1])])
    split = split_unseen(train, test)
    assert split.skills == (7,)
    assert split.unseen.tolist() == [False, True, False, True, True, False]
    # The student who answered only skill 7 is dropped from the model's input.
    assert split.seen.n_students == 2
    assert split.seen.skills.tolist() == [0, 1, 2]
    assert split.rows.tolist() == [0, 2, 5]
    assert split.seen.offsets.tolist() == [0, 2, 3]
    note = split.note(0.6)
    assert note is not None and "1 skill id(s) never seen in training (7)" in note
    assert "3 response(s)" in note and "0.6000" in note
    assert split_unseen(train, train).note(0.5) is None


@pytest.mark.parametrize("model", ["bkt", "bkt-forget", "elo"])
def test_unseen_test_skill_is_read_with_a_note(tmp_path: Path, model: str) -> None:
    train_path, test_path = _kt_files(tmp_path)
    train, test = read_dkt3(train_path), read_dkt3(test_path)
    result = evaluate(model, train, test, keep_predictions=True)
    assert result.scores.n_test == test.n_responses  # every published response is scored
    assert len(result.notes) == 1 and "never seen in training (9)" in result.notes[0]
    predicted = result.predictions
    assert predicted is not None
    unseen = test.skills == UNSEEN
    rate = float(train.correct.mean())
    assert np.allclose(predicted[unseen], rate)
    # The other responses get exactly what the model says with the unseen ones dropped by
    # hand (what users of the published split did before).
    by_hand = from_sequences(
        [
            ([k for k in s if k != UNSEEN], [c for k, c in zip(s, cs, strict=True) if k != UNSEEN])
            for s, cs in (test.sequence(i) for i in range(test.n_students))
            if any(k != UNSEEN for k in s)
        ]
    )
    dropped = evaluate(model, train, by_hand, keep_predictions=True).predictions
    assert dropped is not None
    assert np.allclose(predicted[~unseen], dropped)


@pytest.mark.parametrize("model", ["bkt", "elo", pytest.param("dkt", marks=needs_torch)])
def test_cli_reads_the_unseen_skill_and_notes_it_on_stderr(tmp_path: Path, model: str) -> None:
    train, test = _kt_files(tmp_path)
    args = ["kt", "evaluate", "--train", str(train), "--test", str(test), "--format", "dkt3"]
    args += ["--model", model, "--json"] + (["--epochs", "1"] if model == "dkt" else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # stdout carries the contract's JSON only
    assert set(data) == {"auc", "acc", "rmse", "n_test"}
    assert data["n_test"] == 40 * 20 + 3
    assert result.stderr.startswith("note: the test data has 1 skill id(s) never seen")


# -- cognitive diagnosis: items listed more than once -------------------------------------


def _cdm_files(tmp_path: Path, *, repeats: bool) -> tuple[Path, Path, Path]:
    responses = simulate_dina(300, Q3, seed=7)[0]
    rng = np.random.default_rng(0)
    is_test = rng.random(responses.shape) < 0.2
    paths = []
    for name, pick in (("train.csv", ~is_test), ("test.csv", is_test)):
        rows = [f"{100 + u},{500 + j},{responses[u, j]}" for u, j in np.argwhere(pick)]
        path = tmp_path / name
        path.write_text("user_id,item_id,score\n" + "\n".join(rows) + "\n")
        paths.append(path)
    lines = []
    for j, row in enumerate(Q3):
        codes = [20 + int(k) for k in np.flatnonzero(row)]
        lines.append(f'{500 + j},"{codes}"')
        if repeats and j % 2 == 0:
            # The same skills again, written with repeats and in another order.
            doubled = [c for c in reversed(codes) for _ in range(2)]
            lines.append(f'{500 + j},"{doubled}"')
    items = tmp_path / "items.csv"
    items.write_text("item_id,knowledge_code\n" + "\n".join(lines) + "\n")
    return paths[0], paths[1], items


def test_repeated_item_listings_with_the_same_skills_are_merged(tmp_path: Path) -> None:
    items = tmp_path / "items.csv"
    items.write_text('item_id,knowledge_code\n1,"[3, 3, 4, 4]"\n2,[5]\n1,"[4, 3]"\n1,"[3, 4]"\n')
    read = read_items_file(items)
    assert read.items == {1: (3, 4), 2: (5,)}
    assert read.notes == (
        "items.csv: 1 item(s) are listed more than once (2 extra listing(s)) with the same "
        "knowledge codes; each is read once",
    )


def test_merged_listings_give_the_same_data_as_a_file_merged_by_hand(tmp_path: Path) -> None:
    (tmp_path / "quirky").mkdir()
    (tmp_path / "clean").mkdir()
    quirky = read_long_data(*_cdm_files(tmp_path / "quirky", repeats=True))
    clean = read_long_data(*_cdm_files(tmp_path / "clean", repeats=False))
    assert np.array_equal(quirky.q, clean.q)
    assert np.array_equal(quirky.train_items, clean.train_items)
    assert clean.notes == () and len(quirky.notes) == 1


def test_cli_cdm_reads_repeated_listings_with_a_note(tmp_path: Path) -> None:
    train, test, items = _cdm_files(tmp_path, repeats=True)
    args = ["diagnose", "cdm", "--train", str(train), "--test", str(test), "--items", str(items)]
    result = CliRunner().invoke(cli, [*args, "--model", "dina", "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"auc", "acc", "rmse"}
    listed = (len(Q3) + 1) // 2
    assert result.stderr == (
        f"note: items.csv: {listed} item(s) are listed more than once ({listed} extra "
        "listing(s)) with the same knowledge codes; each is read once\n"
    )


def test_listings_that_disagree_are_refused_with_both_lines(tmp_path: Path) -> None:
    train, test, items = _cdm_files(tmp_path, repeats=False)
    items.write_text(items.read_text() + '500,"[20, 99]"\n')
    args = ["diagnose", "cdm", "--train", str(train), "--test", str(test), "--items", str(items)]
    result = CliRunner().invoke(cli, [*args, "--json"])
    # (`tutor` itself turns an InputError into one line on stderr and exit 2: tutor.cli.main.)
    assert isinstance(result.exception, InputError)
    assert "item 500 is listed again with knowledge codes [20, 99], but line 2 gives [20]" in (
        str(result.exception)
    )
    assert result.stdout == ""


# -- numbers read as written --------------------------------------------------------------


def test_a_multi_skill_question_is_refused_not_read_as_another_skill(tmp_path: Path) -> None:
    # int("3_7") is 37 in Python (digit grouping): the reader once took pyKT's multi-skill
    # question 3_7 for skill 37 without a word.
    from tutor.data.kt_logs import read_pykt

    path = tmp_path / "multi.csv"
    path.write_text(
        'fold,uid,concepts,responses\n0,1,"2,4"\n0,2,"3_7,2","1,0"\n'.replace(
            '"2,4"\n', '"2,4","1,1"\n'
        )
    )
    with pytest.raises(
        InputError, match=r"multi\.csv:3: concepts has the multi-skill question '3_7'"
    ):
        read_pykt(path)


@pytest.mark.parametrize("cell", ["1_0", "\u0663"])  # digit grouping, an Arabic-Indic three
def test_item_ids_are_ascii_integers(tmp_path: Path, cell: str) -> None:
    items = tmp_path / "items.csv"
    items.write_text(f"item_id,knowledge_code\n{cell},[3]\n")
    with pytest.raises(InputError, match=r"items\.csv:2: item_id must be an integer"):
        read_items_file(items)
