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
