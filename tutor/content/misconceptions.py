"""The misconception (buggy-rule) library: wrong procedures that real students use.

A *buggy rule* is a procedure a student follows consistently that gives wrong answers:
adding numerators and denominators, subtracting the smaller digit from the larger in every
column, thinking 0.25 > 0.3 because 25 > 3 (Brown & Burton's and VanLehn's "bugs",
Tatsuoka's fraction-subtraction rules, the classic algebra errors). Each rule here is a
function ``(item) -> answer | None`` that recomputes, from the item's drawn parameters
(:attr:`~tutor.content.items.Item.params`), the answer the buggy procedure gives for that
item, or ``None`` where it does not apply (no regrouping in that subtraction, or the buggy
procedure happens to give the right answer).

The descriptions (English and Chinese), the knowledge points whose gap each error signals,
and the generators each rule applies to are data in ``content/k12-math/misconceptions.csv``;
:func:`load_misconceptions` reads it and checks it against the rule registry, the knowledge
points of the default pack and the item generators.

Diagnosis then works backwards: :func:`match_misconceptions` returns the rules whose buggy
answer equals a student's wrong answer.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from tutor.content.answers import check_answer
from tutor.content.csvfiles import read_csv
from tutor.content.generators._util import dec, fr
from tutor.content.generators.geometry import radical
from tutor.content.generators.measurement import PI_314, pi_text
from tutor.content.items import GENERATORS, Item
from tutor.errors import InputError, NotFoundError, TutorError
from tutor.resources import shipped_path

__all__ = [
    "RULES",
    "BuggyRule",
    "Misconception",
    "MisconceptionLibraryError",
    "buggy_answer",
    "buggy_rule",
    "get_misconception",
    "load_misconceptions",
    "match_misconceptions",
    "misconceptions_for_generator",
]

logger = logging.getLogger(__name__)

MISCONCEPTIONS_FILE = "content/k12-math/misconceptions.csv"
KNOWLEDGE_POINTS_FILE = "content/k12-math/knowledge_points.csv"
_COLUMNS = ("id", "description", "description_zh", "signals", "generators")
_ID = re.compile(r"mc\.[a-z0-9_]+(?:\.[a-z0-9_]+)*")
_MAX_BYTES = 4 * 1024 * 1024

#: A buggy rule: the answer (in answer syntax) the buggy procedure gives for an item.
BuggyRule = Callable[[Item], "str | None"]

#: The rule functions by misconception id (filled by :func:`buggy_rule` at import).
RULES: dict[str, BuggyRule] = {}


class MisconceptionLibraryError(TutorError):
    """The misconception data and the rule functions do not fit together (a packaging bug)."""


@dataclass(frozen=True)
class Misconception:
    """One buggy rule: what the error is, what gap it signals, and where it can show."""

    id: str
    description: str
    description_zh: str
    signals: tuple[str, ...]
    generators: tuple[str, ...]


def buggy_rule(misconception_id: str) -> Callable[[BuggyRule], BuggyRule]:
    """Decorator: register ``func`` as the rule of the misconception ``misconception_id``."""
    if not _ID.fullmatch(misconception_id):
        raise ValueError(f"misconception id {misconception_id!r} must look like mc.some_name")

    def wrap(func: BuggyRule) -> BuggyRule:
        if misconception_id in RULES:
            raise ValueError(f"a buggy rule for {misconception_id!r} is already registered")

        @functools.wraps(func)
        def rule(item: Item) -> str | None:
            answer = func(item)
            if answer is None:
                return None
            # A "bug" that lands on an acceptable answer tells us nothing about the student,
            # so every rule gives None there (checked once here, not in each rule).
            try:
                verdict = check_answer(answer, item.answer, item.policy).status
            except InputError:
                logger.warning("item %s has an unreadable answer %r", item.item_id, item.answer)
                return None
            return answer if verdict == "incorrect" else None

        RULES[misconception_id] = rule
        return func

    return wrap


# --------------------------------------------------------------------------------------------
# Loading and checking the data
# --------------------------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _known_kps() -> frozenset[str]:
    table = read_csv(
        shipped_path(KNOWLEDGE_POINTS_FILE),
        what="knowledge points file",
        required=("id",),
        allowed=None,
        max_bytes=_MAX_BYTES,
    )
    return frozenset(row["id"] for _, row in table.rows)


@functools.cache
def load_misconceptions() -> tuple[Misconception, ...]:
    """All misconceptions of the shipped library, sorted by id (read once, then cached).

    Raises:
        MisconceptionLibraryError: a row has no rule function or a rule has no row, an id is
            malformed or repeated, a signal is not a knowledge point of the default pack, or a
            generator is not registered. The message names the row and what to fix.
    """
    import tutor.content.generators  # noqa: F401 - registers the generators we check against

    path = shipped_path(MISCONCEPTIONS_FILE)
    try:
        table = read_csv(
            path, what="misconceptions file", required=_COLUMNS, allowed=(), max_bytes=_MAX_BYTES
        )
    except InputError as exc:
        raise MisconceptionLibraryError(str(exc)) from None
    kps = _known_kps()
    found: dict[str, Misconception] = {}
    for line, row in table.rows:
        where = f"{path}, line {line}"
        mc_id = row["id"].strip()
        if not _ID.fullmatch(mc_id):
            raise MisconceptionLibraryError(f"{where}: id {mc_id!r} must look like mc.some_name")
        if mc_id in found:
            raise MisconceptionLibraryError(f"{where}: id {mc_id!r} appears twice")
        if mc_id not in RULES:
            raise MisconceptionLibraryError(
                f"{where}: {mc_id!r} has no rule function; add one with @buggy_rule({mc_id!r})"
            )
        if not row["description"].strip() or not row["description_zh"].strip():
            raise MisconceptionLibraryError(f"{where}: {mc_id!r} needs both descriptions")
        signals, generators = _split(row["signals"]), _split(row["generators"])
        if not signals or not generators:
            raise MisconceptionLibraryError(
                f"{where}: {mc_id!r} needs at least one signal and one generator"
            )
        unknown = [kp for kp in signals if kp not in kps]
        if unknown:
            raise MisconceptionLibraryError(
                f"{where}: {mc_id!r} signals {', '.join(unknown)}, not knowledge points of the "
                f"default pack ({KNOWLEDGE_POINTS_FILE})"
            )
        missing = [g for g in generators if g not in GENERATORS]
        if missing:
            raise MisconceptionLibraryError(
                f"{where}: {mc_id!r} names unknown item generators {', '.join(missing)}"
            )
        found[mc_id] = Misconception(
            id=mc_id,
            description=row["description"].strip(),
            description_zh=row["description_zh"].strip(),
            signals=signals,
            generators=generators,
        )
    orphans = sorted(set(RULES) - set(found))
    if orphans:
        raise MisconceptionLibraryError(
            f"rule functions {', '.join(orphans)} have no row in {path}; add their rows"
        )
    return tuple(sorted(found.values(), key=lambda m: m.id))


@functools.cache
def _by_id() -> dict[str, Misconception]:
    return {m.id: m for m in load_misconceptions()}


@functools.cache
def _by_generator() -> dict[str, tuple[Misconception, ...]]:
    table: dict[str, list[Misconception]] = {}
    for m in load_misconceptions():
        for name in m.generators:
            table.setdefault(name, []).append(m)
    return {name: tuple(ms) for name, ms in table.items()}


def get_misconception(misconception_id: str) -> Misconception:
    """The misconception with this id.

    Raises:
        NotFoundError: no such id; the message says how to list them.
    """
    found = _by_id().get(misconception_id)
    if found is None:
        raise NotFoundError(
            f"there is no misconception {str(misconception_id)[:60]!r}: ids look like "
            "'mc.frac_add_across'; see content/k12-math/misconceptions.csv for the full list"
        )
    return found


def misconceptions_for_generator(name: str) -> tuple[Misconception, ...]:
    """The misconceptions whose rules apply to items of generator ``name`` (by id)."""
    return _by_generator().get(name, ())


def buggy_answer(misconception_id: str, item: Item) -> str | None:
    """The answer the buggy procedure ``misconception_id`` gives for ``item``.

    ``None`` when the rule does not apply to this item: its generator is not one the rule
    lists, the item lacks the situation the bug needs (say, no regrouping), or the buggy
    procedure happens to give an acceptable answer here.

    Raises:
        NotFoundError: no misconception has that id.
    """
    misconception = get_misconception(misconception_id)
    if item.generator not in misconception.generators:
        return None
    try:
        return RULES[misconception_id](item)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        # A rule that cannot read the params is a bug, but diagnosis must go on without it.
        logger.warning("buggy rule %s failed on %s", misconception_id, item.item_id, exc_info=True)
        return None


def match_misconceptions(item: Item, answer_text: str) -> list[Misconception]:
    """The misconceptions whose buggy answer for ``item`` is what the student wrote.

    A rule matches when the student's answer, judged against the rule's buggy answer under
    the item's policy, is ``correct`` or ``not_simplified`` (so ``4/6`` matches a buggy
    ``2/3``). Only wrong answers are matched: a right, not-yet-simplified or unreadable
    answer gives ``[]``. The result is ordered by id. Never raises for any ``answer_text``.
    """
    if not isinstance(answer_text, str):
        return []
    try:
        verdict = check_answer(answer_text, item.answer, item.policy).status
    except InputError:
        return []
    if verdict != "incorrect":
        return []
    matched = []
    for misconception in misconceptions_for_generator(item.generator):
        buggy = buggy_answer(misconception.id, item)
        if buggy is None:
            continue
        try:
            status = check_answer(answer_text, buggy, item.policy).status
        except InputError:
            logger.warning("buggy rule %s gave an unreadable answer %r", misconception.id, buggy)
            continue
        if status in ("correct", "not_simplified"):
            matched.append(misconception)
    return sorted(matched, key=lambda m: m.id)


# --------------------------------------------------------------------------------------------
# Small helpers for the rules
# --------------------------------------------------------------------------------------------


def _q(value: Any) -> Fraction:
    """A param (int or a string such as ``"3/4"`` or ``"0.25"``) as an exact fraction."""
    return Fraction(value)


def _terminates(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def _number(value: Fraction) -> str:
    """A value as a decimal when it has a finite one (what a student would write), else a/b."""
    return dec(value) if _terminates(value) else fr(value)


def _digits(n: int) -> list[int]:
    """Digits of ``n`` (0 or more), lowest place first."""
    return [int(c) for c in reversed(str(n))]


def _places(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _scaled(*texts: str) -> tuple[list[int], int]:
    """Decimal strings as whole numbers over a common power of ten (columns lined up)."""
    places = max(_places(t) for t in texts)
    return [int(_q(t) * 10**places) for t in texts], places


def _params(item: Item) -> dict[str, Any]:
    return dict(item.params)


def _term(coef: int, var: str, first: bool) -> str:
    """One term of an expression (``3x``, ``- x``, ``+ 5``) in the usual way."""
    if coef == 0:
        return ""
    size = abs(coef)
    body = var if size == 1 and var else f"{size}{var}"
    if first:
        return f"-{body}" if coef < 0 else body
    return f"{'-' if coef < 0 else '+'} {body}"


def _expr(*terms: tuple[int, str]) -> str:
    """An expression from ``(coefficient, variable)`` terms, zero terms left out."""
    parts: list[str] = []
    for coef, var in terms:
        text = _term(coef, var, first=not parts)
        if text:
            parts.append(text)
    return " ".join(parts) if parts else "0"


def _column_add(a: int, b: int, *, concatenate: bool) -> int | None:
    """Column addition that never carries: write each column's ones digit, or its whole sum."""
    da, db = _digits(a), _digits(b)
    width = max(len(da), len(db))
    da += [0] * (width - len(da))
    db += [0] * (width - len(db))
    sums = [x + y for x, y in zip(da, db, strict=True)]
    if all(s < 10 for s in sums):
        return None  # nothing to carry: the bug does not show
    if concatenate:
        return int("".join(str(s) for s in reversed(sums)))
    return int(sum(s % 10 * 10**k for k, s in enumerate(sums)))


def _column_subtract(a: int, b: int, bug: str) -> int | None:
    """Column subtraction of ``a - b`` done the buggy way ``bug``; None if it never shows.

    bugs: ``smaller_from_larger`` (no borrowing: each column's larger digit minus the
    smaller), ``no_decrement`` (borrows 10 but never takes 1 from the next place),
    ``stop_at_zero`` (borrowing from a 0 turns it into 9 but goes no further left).
    """
    top, bottom = _digits(a), _digits(b)
    bottom += [0] * (len(top) - len(bottom))
    if len(bottom) > len(top):
        return None
    result = []
    shows = False
    for k in range(len(top)):
        t, u = top[k], bottom[k]
        if t >= u:
            result.append(t - u)
            continue
        shows = shows or bug in ("smaller_from_larger", "no_decrement")
        if bug == "smaller_from_larger":
            result.append(u - t)
            continue
        result.append(t + 10 - u)
        if bug == "no_decrement":
            continue
        j = k + 1
        while j < len(top) and top[j] == 0:
            top[j] = 9
            if bug == "stop_at_zero":
                shows = True
                break
            j += 1
        else:
            if j < len(top):
                top[j] -= 1
    if not shows:
        return None
    return int(sum(d * 10**k for k, d in enumerate(result)))


# --------------------------------------------------------------------------------------------
# Whole numbers
# --------------------------------------------------------------------------------------------


@buggy_rule("mc.add_no_carry")
def _add_no_carry(item: Item) -> str | None:
    p = _params(item)
    (a, b), places = _scaled(str(p["a"]), str(p["b"]))
    value = _column_add(a, b, concatenate=False)
    return None if value is None else dec(Fraction(value, 10**places))


@buggy_rule("mc.add_column_sums_written")
def _add_column_sums(item: Item) -> str | None:
    p = _params(item)
    value = _column_add(int(p["a"]), int(p["b"]), concatenate=True)
    return None if value is None else str(value)


def _subtract_bug(item: Item, bug: str) -> str | None:
    p = _params(item)
    (a, b), places = _scaled(str(p["a"]), str(p["b"]))
    value = _column_subtract(a, b, bug)
    return None if value is None else dec(Fraction(value, 10**places))


@buggy_rule("mc.sub_smaller_from_larger")
def _sub_smaller_from_larger(item: Item) -> str | None:
    return _subtract_bug(item, "smaller_from_larger")


@buggy_rule("mc.sub_borrow_no_decrement")
def _sub_borrow_no_decrement(item: Item) -> str | None:
    return _subtract_bug(item, "no_decrement")


@buggy_rule("mc.sub_borrow_across_zero_stops")
def _sub_borrow_across_zero(item: Item) -> str | None:
    return _subtract_bug(item, "stop_at_zero")


@buggy_rule("mc.mult_add_carry_before_multiplying")
def _mult_add_carry_first(item: Item) -> str | None:
    p = _params(item)
    a, b = int(p["a"]), int(p["b"])
    carry, total = 0, 0
    digits = _digits(a)
    for k, d in enumerate(digits):
        product = (d + carry) * b  # the carried digit is added before multiplying
        if k == len(digits) - 1:
            total += product * 10**k
        else:
            total += product % 10 * 10**k
            carry = product // 10
    return str(total)


@buggy_rule("mc.mult_partial_products_side_by_side")
def _mult_side_by_side(item: Item) -> str | None:
    p = _params(item)
    a, b = int(p["a"]), int(p["b"])
    products = [d * b for d in reversed(_digits(a))]
    if all(x < 10 for x in products):
        return None
    return str(int("".join(str(x) for x in products)))


@buggy_rule("mc.mult_2digit_no_placeholder")
def _mult_no_placeholder(item: Item) -> str | None:
    p = _params(item)
    a, b = int(p["a"]), int(p["b"])
    return str(a * (b % 10) + a * (b // 10))


@buggy_rule("mc.mult_2digit_matching_places")
def _mult_matching_places(item: Item) -> str | None:
    p = _params(item)
    a, b = int(p["a"]), int(p["b"])
    return str(a // 10 * (b // 10) * 100 + a % 10 * (b % 10))


@buggy_rule("mc.mult_facts_add")
def _mult_facts_add(item: Item) -> str | None:
    p = _params(item)
    if int(p["level"]) == 3:  # t × □ = product, read as t + □ = product
        value = int(p["product"]) - int(p["table"])
    else:
        value = int(p["a"]) + int(p["b"])
    return str(value)


@buggy_rule("mc.div_remainder_as_decimal")
def _div_remainder_as_decimal(item: Item) -> str | None:
    p = _params(item)
    return f"{int(p['quotient'])}.{int(p['remainder'])}"


@buggy_rule("mc.div_remainder_too_big")
def _div_remainder_too_big(item: Item) -> str | None:
    p = _params(item)
    if item.generator == "division_remainder":
        return str(int(p["remainder"]) + int(p["divisor"]))
    return str(int(p["quotient"]) - 1)


@buggy_rule("mc.missing_addend_add_all")
def _missing_addend_add(item: Item) -> str | None:
    p = _params(item)
    return str(int(p["known"]) + int(p["total"]))


@buggy_rule("mc.gcf_lcm_confused")
def _gcf_lcm_confused(item: Item) -> str | None:
    p = _params(item)
    a, b = int(p["a"]), int(p["b"])
    return str(math.lcm(a, b) if item.generator == "gcf" else math.gcd(a, b))


# --------------------------------------------------------------------------------------------
# Fractions
# --------------------------------------------------------------------------------------------


def _operands(item: Item) -> tuple[Fraction, Fraction]:
    p = _params(item)
    if "den" in p:  # like fractions: numerators a, b over den
        den = int(p["den"])
        return Fraction(int(p["a"]), den), Fraction(int(p["b"]), den)
    return _q(p["a"]), _q(p["b"])


@buggy_rule("mc.frac_equiv_additive")
def _frac_equiv_additive(item: Item) -> str | None:
    p = _params(item)
    num, den, k = int(p["num"]), int(p["den"]), int(p["k"])
    return str(num + den * k - den)  # adds to the top what was added to the bottom


@buggy_rule("mc.frac_add_across")
def _frac_add_across(item: Item) -> str | None:
    p = _params(item)
    if "den" in p:
        # Like fractions as shown (2/12 + 6/12 -> 8/24): the student adds the numbers on
        # the page, so they must not be reduced first (Fraction(2, 12) would read 1/6).
        den = int(p["den"])
        return fr(Fraction(int(p["a"]) + int(p["b"]), 2 * den))
    x, y = _operands(item)
    return fr(Fraction(x.numerator + y.numerator, x.denominator + y.denominator))


@buggy_rule("mc.frac_sub_across")
def _frac_sub_across(item: Item) -> str | None:
    x, y = _operands(item)
    top = abs(x.numerator - y.numerator)
    bottom = abs(x.denominator - y.denominator)
    if top == 0 or bottom == 0:
        return None
    return fr(Fraction(top, bottom))


@buggy_rule("mc.frac_common_den_keep_numerators")
def _frac_keep_numerators(item: Item) -> str | None:
    x, y = _operands(item)
    common = math.lcm(x.denominator, y.denominator)
    sign = -1 if _params(item).get("op") == "-" else 1
    top = x.numerator + sign * y.numerator
    return None if top <= 0 else fr(Fraction(top, common))


@buggy_rule("mc.frac_compare_larger_denominator")
def _frac_compare_denominator(item: Item) -> str | None:
    p = _params(item)
    if item.generator == "unit_fraction_parts":
        if "denominators" not in p:
            return None  # level 1 names one part: nothing is compared
        dens = [int(d) for d in p["denominators"]]
        # "bigger denominator, bigger fraction": the largest is 1/max, the smallest 1/min
        return f"1/{max(dens) if p['ask'] == 'larger' else min(dens)}"
    x, y = _operands(item)
    return fr(x if x.denominator > y.denominator else y)


@buggy_rule("mc.mixed_to_improper_add_whole")
def _mixed_add_whole(item: Item) -> str | None:
    p = _params(item)
    return f"{int(p['whole']) + int(p['num'])}/{int(p['den'])}"


@buggy_rule("mc.improper_to_mixed_swap")
def _improper_swap(item: Item) -> str | None:
    p = _params(item)
    whole, num = int(p["whole"]), int(p["num"])
    return None if whole == num else f"{num} {whole}/{int(p['den'])}"


@buggy_rule("mc.frac_mult_common_denominator")
def _frac_mult_common_den(item: Item) -> str | None:
    x, y = _operands(item)
    common = math.lcm(x.denominator, y.denominator)
    top = x.numerator * (common // x.denominator) * y.numerator * (common // y.denominator)
    return fr(Fraction(top, common))


@buggy_rule("mc.frac_mult_mixed_drop_whole")
def _frac_mult_drop_whole(item: Item) -> str | None:
    p = _params(item)
    shown = str(p["a_shown"])
    if " " not in shown:
        return None  # no mixed number in this item
    return fr(_q(shown.split(" ")[1]) * _q(p["b"]))


@buggy_rule("mc.frac_div_no_invert")
def _frac_div_no_invert(item: Item) -> str | None:
    x, y = _operands(item)
    return fr(x * y)


@buggy_rule("mc.frac_div_invert_dividend")
def _frac_div_invert_first(item: Item) -> str | None:
    x, y = _operands(item)
    return fr(y / x)


@buggy_rule("mc.frac_div_larger_by_smaller")
def _frac_div_larger_by_smaller(item: Item) -> str | None:
    x, y = _operands(item)
    pairs = ((x.numerator, y.numerator), (x.denominator, y.denominator))
    parts = []
    for m, n in pairs:
        big, small = max(m, n), min(m, n)
        if big % small:
            return None  # the shortcut needs both divisions to come out whole
        parts.append(big // small)
    return fr(Fraction(parts[0], parts[1]))


@buggy_rule("mc.frac_of_unit_only")
def _frac_of_unit_only(item: Item) -> str | None:
    p = _params(item)
    if int(p["num"]) == 1:
        return None
    return str(int(p["total"]) // int(p["den"]))


@buggy_rule("mc.frac_of_inverted")
def _frac_of_inverted(item: Item) -> str | None:
    p = _params(item)
    return _number(Fraction(int(p["total"]) * int(p["den"]), int(p["num"])))


@buggy_rule("mc.frac_to_dec_digits")
def _frac_to_dec_digits(item: Item) -> str | None:
    p = _params(item)
    return f"{int(p['num'])}.{int(p['den'])}"


# --------------------------------------------------------------------------------------------
# Decimals
# --------------------------------------------------------------------------------------------


@buggy_rule("mc.dec_right_align")
def _dec_right_align(item: Item) -> str | None:
    p = _params(item)
    a, b = str(p["a"]), str(p["b"])
    if _places(a) == _places(b):
        return None
    whole_a, whole_b = int(a.replace(".", "")), int(b.replace(".", ""))
    # a subtraction that comes out "negative" is then done the other way round, as digits
    subtract = item.generator == "decimal_subtract"
    total = abs(whole_a - whole_b) if subtract else whole_a + whole_b
    if total == 0:
        return None
    return dec(Fraction(total, 10 ** max(_places(a), _places(b))))


@buggy_rule("mc.dec_mult_places_like_addition")
def _dec_mult_places(item: Item) -> str | None:
    p = _params(item)
    a, b = str(p["a"]), str(p["b"])
    digits = int(a.replace(".", "")) * int(b.replace(".", ""))
    return dec(Fraction(digits, 10 ** max(int(p["a_places"]), int(p["b_places"]))))


@buggy_rule("mc.dec_div_drop_point")
def _dec_div_drop_point(item: Item) -> str | None:
    p = _params(item)
    dividend = str(p["dividend"])
    digits = int(dividend.replace(".", ""))
    return _number(Fraction(digits, int(p["divisor"])))


def _pick(numbers: Sequence[str], key: Callable[[str], Any]) -> str | None:
    """The number the key calls greatest, or None when the key cannot separate the top two."""
    ranked = sorted(numbers, key=key, reverse=True)
    if len(ranked) > 1 and key(ranked[0]) == key(ranked[1]):
        return None
    return ranked[0]


def _whole_and_digits(text: str) -> tuple[int, str]:
    whole, _, digits = text.partition(".")
    return int(whole), digits


@buggy_rule("mc.dec_longer_is_larger")
def _dec_longer_is_larger(item: Item) -> str | None:
    numbers = [str(v) for v in _params(item)["numbers"]]

    def key(text: str) -> tuple[int, int]:
        whole, digits = _whole_and_digits(text)
        return whole, int(digits or "0")  # 0.25 vs 0.3 read as 25 vs 3

    return _pick(numbers, key)


@buggy_rule("mc.dec_shorter_is_larger")
def _dec_shorter_is_larger(item: Item) -> str | None:
    numbers = [str(v) for v in _params(item)["numbers"]]

    def key(text: str) -> tuple[int, int]:
        whole, digits = _whole_and_digits(text)
        return whole, -len(digits)  # tenths beat hundredths, whatever the digits

    return _pick(numbers, key)


@buggy_rule("mc.int_compare_by_size")
def _int_compare_by_size(item: Item) -> str | None:
    numbers = [str(v) for v in _params(item)["numbers"]]
    return _pick(numbers, lambda text: abs(int(text)))


# --------------------------------------------------------------------------------------------
# Percent and ratio
# --------------------------------------------------------------------------------------------


@buggy_rule("mc.percent_of_divide_by_percent")
def _percent_divide(item: Item) -> str | None:
    p = _params(item)
    return _number(Fraction(int(p["quantity"]), int(p["percent"])))


@buggy_rule("mc.percent_of_forget_hundred")
def _percent_forget_hundred(item: Item) -> str | None:
    p = _params(item)
    return str(int(p["quantity"]) * int(p["percent"]))


def _percent(value: Fraction) -> str:
    """``value`` as a percent a student would type: exact, or else to the nearest tenth."""
    if not _terminates(value):
        value = Fraction(round(value * 10), 10)
    return f"{dec(value)}%"


@buggy_rule("mc.percent_find_inverted")
def _percent_find_inverted(item: Item) -> str | None:
    p = _params(item)
    return _percent(Fraction(int(p["whole"]) * 100, int(p["part"])))


@buggy_rule("mc.percent_find_part_as_percent")
def _percent_part_as_percent(item: Item) -> str | None:
    p = _params(item)
    return None if int(p["whole"]) == 100 else f"{int(p['part'])}%"


@buggy_rule("mc.percent_change_new_base")
def _percent_change_new_base(item: Item) -> str | None:
    p = _params(item)
    old, new = int(p["old"]), int(p["new"])
    return _percent(Fraction(abs(new - old) * 100, new))


@buggy_rule("mc.percent_change_difference_as_percent")
def _percent_change_difference(item: Item) -> str | None:
    p = _params(item)
    old, new = int(p["old"]), int(p["new"])
    return None if old == 100 else f"{abs(new - old)}%"


@buggy_rule("mc.ratio_order_reversed")
def _ratio_reversed(item: Item) -> str | None:
    p = _params(item)
    first, second, g = int(p["first"]), int(p["second"]), int(p["gcf"])
    return f"{second // g}:{first // g}"


@buggy_rule("mc.proportion_additive")
def _proportion_additive(item: Item) -> str | None:
    p = _params(item)
    a, b, d = int(p["a"]), int(p["b"]), int(p["d"])
    x = a + (d - b)  # "b went up by d - b, so a goes up by the same"
    return None if x <= 0 else f"x = {x}"


@buggy_rule("mc.proportion_divide_wrong_way")
def _proportion_wrong_way(item: Item) -> str | None:
    p = _params(item)
    a, b, d = int(p["a"]), int(p["b"]), int(p["d"])
    return f"x = {fr(Fraction(b * d, a))}"


@buggy_rule("mc.unit_rate_multiply")
def _unit_rate_multiply(item: Item) -> str | None:
    p = _params(item)
    return dec(_q(p["total"]) * int(p["count"]))


# --------------------------------------------------------------------------------------------
# Integers
# --------------------------------------------------------------------------------------------


@buggy_rule("mc.int_add_wrong_sign")
def _int_add_wrong_sign(item: Item) -> str | None:
    p = _params(item)
    total = int(p["a"]) + int(p["b"])
    return None if total == 0 else str(-total)


@buggy_rule("mc.int_add_sizes_keep_sign")
def _int_add_sizes(item: Item) -> str | None:
    p = _params(item)
    a, b = int(p["a"]), int(p["b"])
    if (a < 0) == (b < 0):
        return None  # same signs: adding the sizes is right
    bigger = a if abs(a) >= abs(b) else b
    return str((abs(a) + abs(b)) * (1 if bigger > 0 else -1))


@buggy_rule("mc.int_sub_smaller_from_larger")
def _int_sub_sizes(item: Item) -> str | None:
    p = _params(item)
    return str(abs(abs(int(p["a"])) - abs(int(p["b"]))))


@buggy_rule("mc.int_sub_double_negative")
def _int_sub_double_negative(item: Item) -> str | None:
    p = _params(item)
    a, b = int(p["a"]), int(p["b"])
    return None if b > 0 else str(a + b)  # a − (−5) done as a − 5


@buggy_rule("mc.int_mult_sign_rules")
def _int_mult_sign(item: Item) -> str | None:
    p = _params(item)
    if item.generator == "integer_divide":
        value = int(p["dividend"]) // int(p["divisor"])
    else:
        value = math.prod(int(f) for f in p["factors"])
    return str(-value)


# --------------------------------------------------------------------------------------------
# Order of operations and exponents
# --------------------------------------------------------------------------------------------


@buggy_rule("mc.order_ops_left_to_right")
def _order_left_to_right(item: Item) -> str | None:
    p = _params(item)
    a, b, c = int(p["a"]), int(p["b"]), int(p["c"])
    if item.difficulty == 1:  # a + b × c
        value = Fraction((a + b) * c)
    elif item.difficulty == 2:  # a × b − c × d
        value = Fraction((a * b - c) * int(p["d"]))
    else:  # (a + b) × c − d ÷ e
        value = Fraction((a + b) * c - int(p["d"]), int(p["e"]))
    return fr(value)


@buggy_rule("mc.order_ops_power_last")
def _order_power_last(item: Item) -> str | None:
    p = _params(item)
    a, b, c = int(p["a"]), int(p["b"]), int(p["c"])
    if item.difficulty == 1:  # a + b^2 done as (a + b)^2
        return str((a + b) ** 2)
    if item.difficulty == 2:  # a × b^2 − c done as (a × b)^2 − c
        return str((a * b) ** 2 - c)
    return None


@buggy_rule("mc.power_times_exponent")
def _power_times_exponent(item: Item) -> str | None:
    p = _params(item)
    if item.generator == "powers":
        return str(int(p["base"]) * int(p["exponent"]))
    if item.generator == "evaluate_expression":
        if item.difficulty != 3:
            return None
        x = int(p["x"])
        return str(2 * x + int(p["a"]) * x + int(p["c"]))
    a, b, c = int(p["a"]), int(p["b"]), int(p["c"])
    if item.difficulty == 1:
        return str(a + 2 * b)
    if item.difficulty == 2:
        return str(a * 2 * b - c)
    return str(2 * (a - b) + c * int(p["d"]))


@buggy_rule("mc.neg_base_power_sign")
def _neg_base_power(item: Item) -> str | None:
    p = _params(item)
    if item.difficulty != 3:
        return None
    if item.generator == "powers":
        return str(-(int(p["base"]) ** int(p["exponent"])))
    a, b, c, d = int(p["a"]), int(p["b"]), int(p["c"]), int(p["d"])
    return str(-((a - b) ** 2) + c * d)  # (−3)² read as −9


@buggy_rule("mc.sqrt_halve")
def _sqrt_halve(item: Item) -> str | None:
    return fr(_q(_params(item)["radicand"]) / 2)


# --------------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------------


def _concatenated(coef: int, x: int) -> int | None:
    """``3x`` at x = 4 read as the number 34 (only for positive whole numbers)."""
    if coef <= 0 or x <= 0:
        return None
    return int(f"{coef}{x}")


@buggy_rule("mc.eval_concatenate")
def _eval_concatenate(item: Item) -> str | None:
    p = _params(item)
    x, a = int(p["x"]), int(p["a"])
    joined = _concatenated(a, x)
    if joined is None:
        return None
    if item.difficulty == 3:
        return str(x * x + joined + int(p["c"]))
    return str(joined + int(p["b"]))


@buggy_rule("mc.combine_unlike_terms")
def _combine_unlike(item: Item) -> str | None:
    p = _params(item)
    a, b, c, d = (int(p[k]) for k in "abcd")
    if item.difficulty == 1:
        return None  # only like terms: nothing unlike to merge
    letters = "xy" if item.difficulty == 3 else "x"
    return _expr((a + b + c + d, letters))


@buggy_rule("mc.combine_multiply_letters")
def _combine_multiply_letters(item: Item) -> str | None:
    p = _params(item)
    a, b, c, d = (int(p[k]) for k in "abcd")
    if item.difficulty == 3:
        return _expr((a + c, "x^2"), (b + d, "y^2"))
    return _expr((a + c, "x^2"), (b + d, ""))


@buggy_rule("mc.distribute_first_term_only")
def _distribute_first_only(item: Item) -> str | None:
    p = _params(item)
    a, pp, q = int(p["a"]), int(p["p"]), int(p["q"])
    if "c" in p:
        c, d = int(p["c"]), int(p["d"])
        return _expr((a * pp + c, "x"), (q + d, ""))
    return _expr((a * pp, "x"), (q, ""))


@buggy_rule("mc.distribute_negative_sign")
def _distribute_negative(item: Item) -> str | None:
    p = _params(item)
    a, pp, q = int(p["a"]), int(p["p"]), int(p["q"])
    if a > 0:
        return None
    const = -a * q  # the sign of the second product is copied from the bracket
    if "c" in p:
        c, d = int(p["c"]), int(p["d"])
        return _expr((a * pp + c, "x"), (const + c * d, ""))
    return _expr((a * pp, "x"), (const, ""))


# --------------------------------------------------------------------------------------------
# Equations and inequalities
# --------------------------------------------------------------------------------------------


def _solution(value: Fraction) -> str:
    return f"x = {fr(value)}"


@buggy_rule("mc.eq_same_operation")
def _eq_same_operation(item: Item) -> str | None:
    p = _params(item)
    a, rhs = int(p["a"]), int(p["rhs"])
    if item.generator == "equation_one_step_add":
        return _solution(Fraction(rhs + a if p["op"] == "+" else rhs - a))
    if p["form"] == "ax":
        return _solution(Fraction(rhs * a))
    return _solution(Fraction(rhs, a))


@buggy_rule("mc.eq_subtract_coefficient")
def _eq_subtract_coefficient(item: Item) -> str | None:
    p = _params(item)
    a = int(p["a"])
    if item.generator == "equation_two_step":
        return _solution(Fraction(int(p["c"]) - int(p["b"]) - a))
    if p["form"] != "ax":
        return None
    return _solution(Fraction(int(p["rhs"]) - a))


@buggy_rule("mc.eq_divide_one_term_only")
def _eq_divide_one_term(item: Item) -> str | None:
    p = _params(item)
    a, b, c = int(p["a"]), int(p["b"]), int(p["c"])
    return _solution(Fraction(c, a) - b)


@buggy_rule("mc.eq_move_without_sign_change")
def _eq_move_no_sign(item: Item) -> str | None:
    p = _params(item)
    a, b, c = int(p["a"]), int(p["b"]), int(p["c"])
    if item.generator == "equation_two_step":
        return _solution(Fraction(c + b, a))
    d = int(p["d"])
    if a + c == 0:
        return None
    return _solution(Fraction(d - b, a + c))


_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">="}


@buggy_rule("mc.ineq_keep_sign_negative")
def _ineq_keep_sign(item: Item) -> str | None:
    p = _params(item)
    a = int(p["a"])
    if a > 0:
        return None
    if item.generator == "inequality_two_step":
        boundary = (_q(p["c"]) - int(p["b"])) / a
    else:
        boundary = _q(p["rhs"]) / a
    return f"x {p['rel']} {fr(boundary)}"


@buggy_rule("mc.ineq_flip_when_moving")
def _ineq_flip_moving(item: Item) -> str | None:
    p = _params(item)
    rel = str(p["rel"])
    if item.generator == "inequality_one_step":
        boundary = Fraction(int(p["rhs"]) - int(p["a"]))
    else:
        a = int(p["a"])
        if a < 0:
            return None  # two flips would cancel out
        boundary = (_q(p["c"]) - int(p["b"])) / a
    return f"x {_FLIP[rel]} {fr(boundary)}"


# --------------------------------------------------------------------------------------------
# Slope
# --------------------------------------------------------------------------------------------


@buggy_rule("mc.slope_run_over_rise")
def _slope_run_over_rise(item: Item) -> str | None:
    p = _params(item)
    rise = int(p["y2"]) - int(p["y1"])
    run = int(p["x2"]) - int(p["x1"])
    return None if rise == 0 else fr(Fraction(run, rise))


@buggy_rule("mc.slope_mixed_order")
def _slope_mixed_order(item: Item) -> str | None:
    p = _params(item)
    rise = int(p["y2"]) - int(p["y1"])
    run = int(p["x1"]) - int(p["x2"])  # the x's taken the other way round
    return fr(Fraction(rise, run))


# --------------------------------------------------------------------------------------------
# Perimeter, area and volume
# --------------------------------------------------------------------------------------------


def _pi_answer(item: Item, coefficient: Fraction) -> str:
    """``coefficient`` × π as the item wants it: ``12pi`` (exact) or worked with π ≈ 3.14."""
    if _params(item).get("pi") == "exact":
        return pi_text(coefficient)
    return dec(coefficient * PI_314)


def _radius(p: dict[str, Any]) -> int:
    """The radius of a circle item that gives either the radius or the diameter."""
    return int(p["radius"]) if "radius" in p else int(p["diameter"]) // 2


@buggy_rule("mc.area_perimeter_confused")
def _area_perimeter_confused(item: Item) -> str | None:
    p = _params(item)
    length = int(p["length"]) if "length" in p else 0
    if item.generator == "rectangle_area":
        return str(2 * (length + int(p["width"])))  # the perimeter, asked for the area
    if item.generator == "perimeter_polygon":
        if "sides" in p:
            return None
        if "perimeter" in p:  # the width from "perimeter = length × width"
            return _number(Fraction(int(p["perimeter"]), length))
        return str(length * int(p["width"]))  # the area, asked for the perimeter
    if item.difficulty == 1:  # width from the area, as if the area were the perimeter
        width = Fraction(int(p["area"]), 2) - length
        return _number(width) if width > 0 else None
    if item.difficulty == 2:
        return _number(Fraction(int(p["perimeter"]), length))
    return None


@buggy_rule("mc.perimeter_one_length_one_width")
def _perimeter_one_of_each(item: Item) -> str | None:
    p = _params(item)
    if "sides" in p or "area" in p:
        return None
    length = int(p["length"])
    if "perimeter" not in p:
        return str(length + int(p["width"]))  # l + w, not 2(l + w)
    width = int(p["perimeter"]) - length  # "perimeter = length + width"
    if width <= 0:
        return None
    if item.generator == "rectangle_missing_side" and item.difficulty == 3:
        return str(width * length)
    return str(width)


@buggy_rule("mc.triangle_area_no_half")
def _triangle_no_half(item: Item) -> str | None:
    p = _params(item)
    if "area" in p:  # the height from area = base × height
        return _number(_q(p["area"]) / int(p["base"]))
    return str(int(p["base"]) * int(p["height"]))


@buggy_rule("mc.parallelogram_area_halved")
def _parallelogram_halved(item: Item) -> str | None:
    p = _params(item)
    if "area" in p:  # the height from area = base × height ÷ 2
        return _number(_q(p["area"]) * 2 / int(p["base"]))
    return dec(Fraction(int(p["base"]) * int(p["height"]), 2))


@buggy_rule("mc.area_slanted_side_as_height")
def _slanted_side(item: Item) -> str | None:
    p = _params(item)
    if "slant_side" not in p:
        return None
    value = Fraction(int(p["base"]) * int(p["slant_side"]))
    if item.generator == "triangle_area":
        value /= 2
    return dec(value)


@buggy_rule("mc.trapezoid_area_no_half")
def _trapezoid_no_half(item: Item) -> str | None:
    p = _params(item)
    total = int(p["top"]) + int(p["bottom"])
    if "area" in p:
        return _number(_q(p["area"]) / total)
    return str(total * int(p["height"]))


@buggy_rule("mc.circle_diameter_as_radius")
def _diameter_as_radius(item: Item) -> str | None:
    p = _params(item)
    if item.generator == "circle_area":
        if "diameter" in p:
            d = int(p["diameter"])
        elif "circumference" in p:  # C = 2πr gives d = 2r, then used as the radius
            d = int(str(p["circumference"]).removesuffix("pi"))
        else:
            return None
        return _pi_answer(item, Fraction(d * d))
    if "diameter" not in p:
        return None
    d = int(p["diameter"])
    if item.generator == "sphere_volume":
        return _pi_answer(item, Fraction(4 * d**3, 3) / (2 if p.get("hemisphere") else 1))
    volume = Fraction(d * d * int(p["height"]))
    return _pi_answer(item, volume / 3 if item.generator == "cone_volume" else volume)


@buggy_rule("mc.circle_area_circumference_formula")
def _area_by_circumference(item: Item) -> str | None:
    p = _params(item)
    # a circumference given as "2rpi" (level 3) is first turned back into the radius
    given = p.get("circumference")
    r = int(str(given).removesuffix("pi")) // 2 if given else _radius(p)
    return _pi_answer(item, Fraction(2 * r))  # 2πr, the distance round, not the area


@buggy_rule("mc.circumference_radius_diameter_mixed")
def _circumference_mixed(item: Item) -> str | None:
    p = _params(item)
    if "diameter" in p:  # C = 2πd
        return _pi_answer(item, Fraction(2 * int(p["diameter"])))
    if "radius" in p:  # C = πr
        return _pi_answer(item, Fraction(int(p["radius"])))
    # d = C ÷ 2π: the circumference divided by 2π gives the radius, not the diameter
    return _number(_q(p["circumference"]) / PI_314 / 2)


@buggy_rule("mc.volume_formula_fraction_dropped")
def _volume_fraction_dropped(item: Item) -> str | None:
    p = _params(item)
    r = _radius(p)
    if item.generator == "cone_volume":
        return _pi_answer(item, Fraction(r * r * int(p["height"])))  # no 1/3
    return _pi_answer(item, Fraction(r**3, 2 if p.get("hemisphere") else 1))  # no 4/3


# --------------------------------------------------------------------------------------------
# Time and units
# --------------------------------------------------------------------------------------------


@buggy_rule("mc.time_hour_as_hundred_minutes")
def _hour_as_hundred(item: Item) -> str | None:
    p = _params(item)
    start, end = int(p["start"]), int(p["end"])

    def as_number(minutes: int) -> int:  # 13:45 read as the number 1345
        return minutes // 60 * 100 + minutes % 60

    return str(as_number(end) - as_number(start))


_METRIC_FACTORS = (10, 1000, 100000)


@buggy_rule("mc.metric_factor_always_100")
def _metric_always_100(item: Item) -> str | None:
    p = _params(item)
    if int(p["factor"]) not in _METRIC_FACTORS:
        return None  # 100 is right (m and cm), or the units are not metric (h, min)
    if item.generator == "unit_convert":
        return str(int(p["big_amount"]) * 100 + int(p["small_amount"]))
    amount = _q(p["amount"])
    return _number(amount * 100 if item.difficulty == 2 else amount / 100)


@buggy_rule("mc.unit_convert_wrong_direction")
def _convert_wrong_direction(item: Item) -> str | None:
    p = _params(item)
    factor = int(p["factor"])
    if item.generator == "unit_convert":
        if int(p["small_amount"]):
            return None
        return _number(Fraction(int(p["big_amount"]), factor))
    amount = _q(p["amount"])
    # level 2 goes from the larger unit to the smaller (multiply); levels 1 and 3 divide
    return _number(amount / factor if item.difficulty == 2 else amount * factor)


# --------------------------------------------------------------------------------------------
# Angles
# --------------------------------------------------------------------------------------------


def _positive(value: Fraction) -> str | None:
    """``value`` as a number when it is positive (a buggy angle must still look like one)."""
    return _number(value) if value > 0 else None


@buggy_rule("mc.complement_supplement_swapped")
def _complement_supplement_swapped(item: Item) -> str | None:
    p = _params(item)
    if item.generator == "complement_supplement":
        a, ask = int(p["angle"]), str(p["ask"])
        if ask == "complement":
            return str(180 - a)
        if ask == "supplement":
            return _positive(Fraction(90 - a))
        return None
    total = 180 if int(p["total"]) == 90 else 90  # the other total
    a, pp, b, q = int(p["a"]), int(p["p"]), int(p["b"]), int(p["q"])
    # a x + p + b x − q = total, and at level 1 (x and q) the same with a = 1, p = b = 0
    sign = 1 if item.difficulty < 3 else -1
    return _positive(Fraction(total - pp - sign * q, a + b))


@buggy_rule("mc.triangle_angle_sum_360")
def _triangle_360(item: Item) -> str | None:
    p = _params(item)
    if "angles" in p:
        return str(360 - sum(int(a) for a in p["angles"]))
    if "apex" in p:
        return _number(Fraction(360 - int(p["apex"]), 2))
    ratio = [int(r) for r in p["ratio"]]
    return _number(Fraction(360 * ratio[-1], sum(ratio)))


@buggy_rule("mc.exterior_angle_as_interior")
def _exterior_as_interior(item: Item) -> str | None:
    p = _params(item)
    if "exterior" in p:  # exterior + known + ? = 180
        return _positive(Fraction(180 - int(p["exterior"]) - sum(int(r) for r in p["remote"])))
    if "remote" in p:  # the third interior angle, 180 − r1 − r2
        return _positive(Fraction(180 - sum(int(r) for r in p["remote"])))
    a, pp, q = int(p["a"]), int(p["p"]), int(p["q"])
    return _positive(Fraction(180 - pp - q, a + 1))  # (ax + p) + x + q = 180


@buggy_rule("mc.vertical_adjacent_confused")
def _vertical_adjacent(item: Item) -> str | None:
    p = _params(item)
    if "angle" in p:
        a = int(p["angle"])
        return str(180 - a) if item.difficulty == 1 else str(a)
    a, pp, b, q = int(p["a"]), int(p["p"]), int(p["b"]), int(p["q"])
    x = Fraction(180 - pp + q, a + b)  # the vertical angles taken as adding to 180
    angle = a * x + pp
    return _number(angle) if 0 < angle < 180 else None


@buggy_rule("mc.parallel_angle_pairs_confused")
def _parallel_pairs(item: Item) -> str | None:
    p = _params(item)
    if "angle" in p:
        a = int(p["angle"])
        return str(a) if p["pair"] == "same-side interior" else str(180 - a)
    a, pp, b, q = int(p["a"]), int(p["p"]), int(p["b"]), int(p["q"])
    if a == b:
        return None
    return _positive(Fraction(q - pp, a - b))  # same-side interior angles set equal


# --------------------------------------------------------------------------------------------
# Triangles, Pythagoras and coordinates
# --------------------------------------------------------------------------------------------


@buggy_rule("mc.triangle_inequality_ends_included")
def _triangle_ends_included(item: Item) -> str | None:
    p = _params(item)
    a, b, ask = int(p["a"]), int(p["b"]), str(p["ask"])
    if ask == "largest":
        return str(a + b)
    if ask == "smallest":
        return str(b - a)
    return str(2 * a + 1)  # every whole number from b − a to a + b


def _pythagoras_sides(item: Item) -> tuple[list[int], bool]:
    """The lengths the item gives and whether they are a hypotenuse and a leg (a leg asked)."""
    p = _params(item)
    if item.generator == "missing_leg":
        return [int(p["c"]), int(p["a"])], True
    if item.generator == "distance_two_points":
        return [abs(int(p["x2"]) - int(p["x1"])), abs(int(p["y2"]) - int(p["y1"]))], False
    if "ladder" in p:
        return [int(p["ladder"]), int(p["foot"])], True
    if item.generator == "hypotenuse":
        return [int(p["a"]), int(p["b"])], False
    sides = [int(p["length"]), int(p["width"])]
    return ([*sides, int(p["height"])] if "height" in p else sides), False


@buggy_rule("mc.pythagoras_add_sides")
def _pythagoras_add(item: Item) -> str | None:
    sides, leg = _pythagoras_sides(item)
    return str(sides[0] - sides[1] if leg else sum(sides))


@buggy_rule("mc.pythagoras_no_square_root")
def _pythagoras_no_root(item: Item) -> str | None:
    sides, leg = _pythagoras_sides(item)
    return str(sides[0] ** 2 - sides[1] ** 2 if leg else sum(s * s for s in sides))


@buggy_rule("mc.pythagoras_leg_add_squares")
def _pythagoras_leg_add(item: Item) -> str | None:
    sides, leg = _pythagoras_sides(item)
    if not leg:
        return None
    return radical(sides[0] ** 2 + sides[1] ** 2)[0]


@buggy_rule("mc.midpoint_half_difference")
def _midpoint_half_difference(item: Item) -> str | None:
    p = _params(item)
    if "mx" in p:
        return None
    x = Fraction(int(p["x2"]) - int(p["x1"]), 2)
    y = Fraction(int(p["y2"]) - int(p["y1"]), 2)
    return f"({fr(x)}, {fr(y)})"


@buggy_rule("mc.distance_add_coordinates")
def _distance_add(item: Item) -> str | None:
    p = _params(item)
    x1, y1, x2, y2 = (int(p[k]) for k in ("x1", "y1", "x2", "y2"))
    u, v = (y1, y2) if x1 == x2 else (x1, x2)
    return str(abs(u) + abs(v))


@buggy_rule("mc.trig_opposite_adjacent_swapped")
def _trig_swapped(item: Item) -> str | None:
    p = _params(item)
    opp, adj, hyp = int(p["opposite"]), int(p["adjacent"]), int(p["hypotenuse"])
    swapped = {
        "sin": Fraction(adj, hyp),
        "cos": Fraction(opp, hyp),
        "tan": Fraction(adj, opp),
    }
    return fr(swapped[str(p["ask"])])


# --------------------------------------------------------------------------------------------
# Statistics and probability
# --------------------------------------------------------------------------------------------


def _median_of(values: Sequence[int]) -> Fraction:
    """The middle of ``values`` as they stand (the caller decides whether to sort)."""
    half = len(values) // 2
    if len(values) % 2:
        return Fraction(values[half])
    return Fraction(values[half - 1] + values[half], 2)


def _values(item: Item) -> list[int]:
    return [int(v) for v in _params(item)["values"]]


@buggy_rule("mc.mean_total_not_divided")
def _mean_not_divided(item: Item) -> str | None:
    values = _values(item)
    if item.generator == "data_mean":
        return None if "mean" in _params(item) else str(sum(values))
    mean = Fraction(sum(values), len(values))
    return _number(sum((abs(v - mean) for v in values), Fraction(0)))


@buggy_rule("mc.median_without_sorting")
def _median_unsorted(item: Item) -> str | None:
    values = _values(item)
    if item.generator == "data_median":
        return _number(_median_of(values))
    half = len(values) // 2  # quartiles from the halves of the unsorted list
    q1, q3 = _median_of(values[:half]), _median_of(values[len(values) - half :])
    return _number(q3 - q1)


@buggy_rule("mc.mode_as_frequency")
def _mode_as_frequency(item: Item) -> str | None:
    values = _values(item)
    return str(max(values.count(v) for v in values))


@buggy_rule("mc.mode_largest_value")
def _mode_largest(item: Item) -> str | None:
    return str(max(_values(item)))


@buggy_rule("mc.range_largest_value")
def _range_largest(item: Item) -> str | None:
    return str(max(_values(item)))


@buggy_rule("mc.iqr_as_range")
def _iqr_as_range(item: Item) -> str | None:
    values = _values(item)
    return str(max(values) - min(values))


def _dice_outcomes(p: dict[str, Any]) -> tuple[int, int]:
    """(favourable, all) outcomes of a two-dice-probability item, counted again."""
    kind, target = str(p["kind"]), int(p["target"])
    if kind == "heads":
        coins = int(p["coins"])
        return math.comb(coins, target), 2**coins
    pairs = [(a, b) for a in range(1, 7) for b in range(1, 7)]
    tests: dict[str, Callable[[int, int], bool]] = {
        "sum": lambda a, b: a + b == target,
        "sum_at_least": lambda a, b: a + b >= target,
        "product": lambda a, b: a * b == target,
    }
    return sum(1 for a, b in pairs if tests[kind](a, b)), len(pairs)


@buggy_rule("mc.probability_favourable_to_unfavourable")
def _probability_odds(item: Item) -> str | None:
    p = _params(item)
    if item.generator == "bag_probability":
        counts = {str(c): int(n) for c, n in p["counts"].items()}
        good = sum(counts[str(c)] for c in p["want"])
        total = sum(counts.values())
    else:
        good, total = _dice_outcomes(p)
    if good in (0, total):
        return None
    return fr(Fraction(good, total - good))


@buggy_rule("mc.independent_events_add")
def _independent_add(item: Item) -> str | None:
    return fr(sum((_q(v) for v in _params(item)["probabilities"]), Fraction(0)))


@buggy_rule("mc.or_probability_double_count")
def _or_double_count(item: Item) -> str | None:
    p = _params(item)
    if "pa" in p:
        return dec(_q(p["pa"]) + _q(p["pb"]))
    n, a, b = int(p["n"]), int(p["p"]), int(p["q"])
    return fr(Fraction(n // a + n // b, n))


@buggy_rule("mc.conditional_whole_table_denominator")
def _conditional_whole_table(item: Item) -> str | None:
    p = _params(item)
    ask = str(p["ask"])
    if "|" not in ask:
        return None
    table = {str(g): {str(c): int(n) for c, n in row.items()} for g, row in p["table"].items()}
    first, given = (part.strip() for part in ask[2:-1].split("|"))
    grade, club = (given, first) if given in table else (first, given)
    total = sum(sum(row.values()) for row in table.values())
    return fr(Fraction(table[grade][club], total))


# --------------------------------------------------------------------------------------------
# Exponents, scientific notation and sequences
# --------------------------------------------------------------------------------------------


def _monomial(coef: int, powers: Sequence[tuple[str, int]]) -> str:
    """``-12x^13``, ``m^6n^8``: a coefficient and letters with exponents (0 left out)."""
    body = "".join(letter if exp == 1 else f"{letter}^{exp}" for letter, exp in powers if exp != 0)
    if not body:
        return str(coef)
    if coef in (1, -1):
        return f"{'-' if coef < 0 else ''}{body}"
    return f"{coef}{body}"


def _powers(raw: Any) -> list[tuple[str, int]]:
    return [(str(letter), int(exp)) for letter, exp in raw]


@buggy_rule("mc.exp_product_multiplies_exponents")
def _product_multiplies(item: Item) -> str | None:
    p = _params(item)
    first, second = dict(_powers(p["powers1"])), dict(_powers(p["powers2"]))
    letters = list(dict.fromkeys([*first, *second]))
    powers = []
    for letter in letters:
        if letter in first and letter in second:
            powers.append((letter, first[letter] * second[letter]))
        else:
            powers.append((letter, first.get(letter, 0) + second.get(letter, 0)))
    return _monomial(int(p["c1"]) * int(p["c2"]), powers)


@buggy_rule("mc.exp_power_adds_exponents")
def _power_adds(item: Item) -> str | None:
    p = _params(item)
    n = int(p["n"])
    return _monomial(int(p["c"]) ** n, [(x, e + n) for x, e in _powers(p["powers"])])


@buggy_rule("mc.exp_power_coefficient_not_raised")
def _coefficient_not_raised(item: Item) -> str | None:
    p = _params(item)
    n = int(p["n"])
    return _monomial(int(p["c"]), [(x, e * n) for x, e in _powers(p["powers"])])


@buggy_rule("mc.exp_negative_makes_negative")
def _negative_exponent_negative(item: Item) -> str | None:
    p = _params(item)
    base = _q(p["base"])

    def buggy_power(exp: int) -> Fraction:  # a^(−n) read as −(a^n)
        return -(base ** abs(exp)) if exp < 0 else base**exp

    exp = int(p["exponent"])
    form = p.get("form")
    if form == "sum":
        return fr(1 + buggy_power(int(p["second_exponent"])))
    if form == "product":
        return fr(buggy_power(exp) * buggy_power(int(p["second_exponent"])))
    if exp >= 0:
        return None
    return fr(int(p.get("c", 1)) * buggy_power(exp))


@buggy_rule("mc.cube_root_divide_by_three")
def _cube_root_third(item: Item) -> str | None:
    return fr(_q(_params(item)["radicand"]) / 3)


@buggy_rule("mc.sci_notation_exponent_sign")
def _sci_exponent_sign(item: Item) -> str | None:
    p = _params(item)
    a, n = _q(p["a"]), int(p["n"])
    if p["direction"] == "to_standard":
        return dec(a * Fraction(10) ** -n)  # the point moved the wrong way
    return f"({dec(a)}, {-n})"


@buggy_rule("mc.sequence_n_not_n_minus_1")
def _sequence_n(item: Item) -> str | None:
    p = _params(item)
    k = int(p["k"])
    if item.generator == "geometric_sequence":
        return fr(_q(p["first"]) * _q(p["ratio"]) ** k)
    first, d = int(p["first"]), int(p["d"])
    if k == 0:  # the n-th term formula written as a1 + nd
        return _expr((d, "n"), (first, ""))
    return str(first + k * d)


# --------------------------------------------------------------------------------------------
# Percent in money, ratio language, remainders, rounding and order of operations
# --------------------------------------------------------------------------------------------


@buggy_rule("mc.percent_as_amount")
def _percent_as_amount(item: Item) -> str | None:
    p = _params(item)
    price, rate = _q(p["price"]), int(p["rate"])
    # "20% off" taken as 20 yuan off; the original price as the sale price plus the percent
    return _number(price - rate if p["kind"] == "discount" else price + rate)


@buggy_rule("mc.simple_interest_one_year")
def _interest_one_year(item: Item) -> str | None:
    p = _params(item)
    principal = int(p["principal"])
    interest = principal * _q(p["rate"]) / 100
    return _number(interest if p["ask"] == "interest" else principal + interest)


@buggy_rule("mc.remainder_ignored")
def _remainder_ignored(item: Item) -> str | None:
    return str(int(_params(item)["quotient"]))


def _truncate(value: Fraction, unit: Fraction) -> Fraction:
    return Fraction(math.floor(value / unit)) * unit


@buggy_rule("mc.round_always_down")
def _round_down(item: Item) -> str | None:
    p = _params(item)
    if item.generator == "round_decimal":
        return dec(_truncate(_q(p["number"]), Fraction(1, 10 ** int(p["places"]))))
    return str(_truncate(Fraction(int(p["n"])), Fraction(int(p["unit"]))))


@buggy_rule("mc.order_ops_add_before_subtract")
def _add_before_subtract(item: Item) -> str | None:
    p = _params(item)
    numbers = [Fraction(int(n)) for n in p["numbers"]]
    ops = [str(o) for o in p["ops"]]
    # "+ before −" and "× before ÷" read off a mnemonic: first join the runs of + (or ×)
    groups, joins = [numbers[0]], []
    for op, value in zip(ops, numbers[1:], strict=True):
        if op == "+":
            groups[-1] += value
        elif op == "*":
            groups[-1] *= value
        else:
            groups.append(value)
            joins.append(op)
    result = groups[0]
    for op, value in zip(joins, groups[1:], strict=True):
        if op == "/" and value == 0:
            return None
        result = result - value if op == "-" else result / value
    return fr(result)


@buggy_rule("mc.ratio_part_whole_confused")
def _ratio_part_whole(item: Item) -> str | None:
    p = _params(item)
    counts = [int(c) for c in p["counts"]]
    ask = str(p["ask"])
    if ask == "first_to_second":  # part to whole given for part to part
        return f"{counts[0]}:{sum(counts)}"
    if ask == "part_to_whole":  # the part asked about is the second quantity
        return f"{counts[1]}:{counts[0]}"
    pick = int(p["pick"])
    return f"{counts[pick]}:{sum(counts)}"


@buggy_rule("mc.frac_times_whole_both_parts")
def _times_whole_both(item: Item) -> str | None:
    p = _params(item)
    # k × a/d done as (k × a)/(k × d), which is just a/d again
    return fr(Fraction(int(p["numerator"]), int(p["denominator"])))
