"""The English of generated items agrees in number with its counts.

A child saw "1 tens and 6 ones make what number?" on the practice page: the generators wrote
``f"{tens} tens"`` and every count of 1 came out plural. They now word counts with
:func:`tutor.content.generators._util.count`; these tests keep it so, for every generator,
including ones written later.
"""

from __future__ import annotations

import random
import re

import pytest

from tutor.content.generators._util import agree, article, count, ordinal
from tutor.content.items import generators_by_kp, make_item_id
from tutor.content.registry import Draft

#: Seeds per generator and level. Counts of 1 are common draws (most generators hit one
#: within a few dozen seeds); 60 keeps the whole sweep at a few seconds.
SEEDS = range(60)

#: "1" followed by a word ending in "s", not part of a larger number, a decimal, a fraction
#: ("0.1 litres", "21 ones", "1/4 turns").
ONE_PLURAL = re.compile(r"(?<![\d.,/·×−+\-])\b1 ([A-Za-z]+s)\b")

#: Words after "1" that are not a plural noun but a verb (or "minus") whose subject is the
#: number 1: "1 is less than 8", "10 × 1 means …", "the 1 repeats forever", "1 appears twice".
NOT_NOUNS = frozenset(
    {
        "appears",
        "becomes",
        "does",
        "equals",
        "gives",
        "goes",
        "has",
        "is",
        "leaves",
        "lies",
        "lines",
        "makes",
        "means",
        "minus",
        "moves",
        "repeats",
        "stays",
        "was",
    }
)

#: A single counted thing with a plural verb: "1 part are", "1 whole are".
ONE_WITH_PLURAL_VERB = re.compile(r"(?<![\d.,/·×−+\-])\b1 ([A-Za-z]+) (are|were)\b")


def _drafts() -> list[tuple[str, Draft]]:
    """Every generator at every level over :data:`SEEDS`: the draft ``generate`` would make.

    ``generate`` seeds its random stream with the item id; so does this, so the text is the
    text a student sees. It skips the sympy verification (the item tests do that), which is
    what keeps a sweep over ~70,000 items fast.
    """
    drafts = []
    for gens in generators_by_kp().values():
        for gen in gens:
            for level in gen.levels:
                for seed in SEEDS:
                    item_id = make_item_id(gen.name, level, seed)
                    rng = random.Random(item_id)
                    drafts.append((item_id, gen.make(level, rng)))
    return drafts


def _number_slips(text: str) -> list[str]:
    """The phrases of ``text`` where a count of 1 is worded as if plural."""
    slips = [m.group(0) for m in ONE_PLURAL.finditer(text) if m.group(1) not in NOT_NOUNS]
    slips += [m.group(0) for m in ONE_WITH_PLURAL_VERB.finditer(text)]
    return slips


#: "a" or "an" and the number after it (commas kept: "a 1,800 m track").
ARTICLE_NUMBER = re.compile(r"\b([Aa]n?) (\d[\d,]*(?:\.\d+)?)")


def _article_slips(text: str) -> list[str]:
    """The phrases of ``text`` where "a"/"an" does not fit the number read after it."""
    return [
        m.group(0)
        for m in ARTICLE_NUMBER.finditer(text)
        if m.group(1).lower() != article(m.group(2))
    ]


def test_the_checker_finds_the_slips_a_child_saw() -> None:
    """The rule catches the reported wordings and passes the correct ones."""
    assert _number_slips("1 tens and 6 ones make what number?") == ["1 tens"]
    assert _number_slips("so 1 spaces are 1/5.") == ["1 spaces", "1 spaces are"]
    assert _number_slips("Each part is 1/4; 1 part are 1/4.") == ["1 part are"]
    assert _number_slips("1 ten and 6 ones make what number?") == []
    assert _number_slips("ones: 1 is less than 8, so regroup 1 from the next place") == []
    assert _number_slips("10 × 1 means 1 group of 10; 0.1 litres; 21 ones; 1/4 turns") == []


def test_no_count_of_one_is_worded_as_plural() -> None:
    """No prompt or worked step of any generator says "1 tens", "1 parts are" and the like."""
    found: dict[str, str] = {}
    for item_id, draft in _drafts():
        for text in (draft.prompt, *(s.text for s in draft.steps)):
            for slip in _number_slips(text):
                generator = item_id.split(":")[0]
                found.setdefault(f"{generator}: {slip!r}", f"{item_id}: {text}")
    assert not found, "counts of 1 worded as plural:\n" + "\n".join(
        f"{where}  (e.g. {example})" for where, example in sorted(found.items())
    )


def test_an_article_fits_the_number_after_it() -> None:
    """No prompt or step says "a 8° angle", "a 18% service charge" or "an 9"; the sweep
    found "a 8° angle", "a 11 m × 2 m rectangle" and "a 18 m shadow" before."""
    assert _article_slips("the complement of a 8° angle and a 11 m × 2 m rectangle") == [
        "a 8",
        "a 11",
    ]
    assert _article_slips("an 18 m shadow, a 1.5 m pole, a 110 m track, an 80% share") == []
    found: dict[str, str] = {}
    for item_id, draft in _drafts():
        for text in (draft.prompt, *(s.text for s in draft.steps)):
            for slip in _article_slips(text):
                found.setdefault(f"{item_id.split(':')[0]}: {slip!r}", f"{item_id}: {text}")
    assert not found, "a/an before a number read wrongly:\n" + "\n".join(
        f"{where}  (e.g. {example})" for where, example in sorted(found.items())
    )


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (8, "an"), (80, "an"), (89, "an"), (800, "an"), (8000, "an"), ("8,000", "an"),
        (11, "an"), (18, "an"), ("11.25", "an"), (18500, "an"), (11000, "an"),
        (1, "a"), (9, "a"), (110, "a"), (180, "a"), (1100, "a"), ("1.5", "a"), (100, "a"),
    ],
)  # fmt: skip
def test_article_reads_the_number_aloud(number: object, expected: str) -> None:
    assert article(number) == expected


def test_article_refuses_a_word() -> None:
    with pytest.raises(ValueError, match="for numbers"):
        article("apple")


@pytest.mark.parametrize(
    ("n", "noun", "plural", "expected"),
    [
        (1, "ten", None, "1 ten"),
        (3, "ten", None, "3 tens"),
        (0, "ten", None, "0 tens"),
        (2, "box", "boxes", "2 boxes"),
        (1, "box", "boxes", "1 box"),
        (1, "sheep", "sheep", "1 sheep"),
        (11, "one", None, "11 ones"),
    ],
)
def test_count_words_the_noun_for_its_number(
    n: int, noun: str, plural: str | None, expected: str
) -> None:
    assert count(n, noun, plural) == expected


def test_agree_picks_the_form_for_the_count() -> None:
    assert f"{count(1, 'part')} {agree(1, 'is', 'are')}" == "1 part is"
    assert f"{count(4, 'part')} {agree(4, 'is', 'are')}" == "4 parts are"
    assert agree(0, "is", "are") == "are"


def test_ordinal_suffixes() -> None:
    """The multiples item asked for "the 3th multiple"."""
    shown = [ordinal(n) for n in (1, 2, 3, 4, 10, 11, 12, 13, 21, 22, 23, 101, 111, 112)]
    assert shown == [
        "1st", "2nd", "3rd", "4th", "10th", "11th", "12th", "13th",
        "21st", "22nd", "23rd", "101st", "111th", "112th",
    ]  # fmt: skip
