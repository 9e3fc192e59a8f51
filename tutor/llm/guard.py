"""The guard: nothing a language model writes reaches a student unchecked.

:func:`check_output` reads a model's explanation or hint and returns the reasons to reject
it (an empty tuple means "show it"). Reasons are short machine-readable strings:

- ``wrong_final_answer: said 13, verified 12`` — an explanation's final answer differs from
  the verified answer; ``no_final_answer`` — an explanation states none it can read.
- ``reveals_answer`` — a hint gives the final answer away.
- ``false_claim: 3/4 + 1/6 = 4/10`` — an equation in the text is false.
- ``unsupported_number: 17`` — a value stated as a result is not grounded (below).
- ``unsafe: self_harm`` (etc.) — the K12 safety filter (:mod:`tutor.llm.safety`) matched.
- ``empty`` — the model said nothing.

With the text's plan (:class:`tutor.llm.plan.TextPlan`, issue 15) the guard also reads it as
a child would (:func:`child_reasons`): ``replacement_char`` (U+FFFD), ``wrong_script`` (a
Chinese text must be Chinese, an English one has no Chinese), ``repeated`` (a sentence twice,
a phrase three times, a character run), ``prompt_echo`` (the prompt's markup, or the problem
said twice), ``off_topic`` (none of the step's words or numbers; for an explanation, a step never
mentioned), ``wrong_step`` (names a step the text is not about), ``too_long`` (over the
plan's characters), ``too_hard`` (above the plan's Flesch-Kincaid grade, textstat, or its
characters per Chinese sentence) and ``tone`` (words that shame a child). A hint or feedback
that states the answer is ``reveals_answer``.

**Reading maths in prose.** Only the safe answer parser
(:func:`tutor.content.answers.parse_answer`) reads maths; nothing is evaluated. The text is
first normalised (``×``/``÷``/``−`` and full-width characters mapped, ``1,000`` → 1000,
currency signs, markdown bold and simple LaTeX such as ``\\boxed{}``/``\\frac{}{}`` undone,
``3 x 4`` read as a product, and next to ``÷`` a fraction ``7/8`` kept whole). It is then cut
into *math runs*: maximal stretches of numbers, the item's own variables (single letters of
its claims and answer; any other letter is a word or a unit, so ``300 s`` is 300), ``π``,
``√`` and the signs ``+ - * / ^ ( ) = < > %``; each run is split into sides at ``=``, ``<``,
``>``, ``<=``, ``>=``. A run whose start continues something before it ("18 pink - 6 = 12",
"3 lots of 4 = 12", "∛216 = 6") loses its first side, and a run followed by a word that
continues its last side ("13 remainder 3", "1 ten and 3 ones", "13……3") has that last side
left unjudged.

**Final answer** (explanations): the text after the last "answer is / answer: / 答案是 /
答案为 / 结果是" (and an optional "indeed", "just", "exactly"…, never "not") up to the end
of that sentence, read whole, else its leading math run;
without such a phrase, the last value in the text (the last side of the last math run that
reads; the whole run for an equation such as ``x = 4``). It must be judged ``correct`` by
:func:`~tutor.content.answers.check_answer` under the item's answer policy. Numbers written as
words ("twelve") are not read, so such an answer is rejected, never trusted.

**Asserted values.** A value is *asserted as a result* when it is a side that follows an
``=`` in a run (``3 + 4 = 7``: 7), or the math run right after "is / equals / gives (us) /
makes / becomes / get(s) / 等于 / 得到 / 得 / 是 / 为" when it starts with a number (``the total is
12``). Numbers merely mentioned (``multiply by 10``) are not assertions.

**Grounded** (check b), precisely: an asserted value is supported when it is *equal* (exact
sympy arithmetic; expressions compared by expansion) to a member of the reference set, which
holds every value written in the verified steps — each number literal and each side of a
math run of every step claim and of every step text (English and Chinese) — every number in
the item prompt (both languages), every numeric parameter of the item, the verified answer
(for an equation answer also its solution, for a point each coordinate) and every number in
the misconception description the prompt carried. No arithmetic combination of those values
is accepted, not even one step away: the verified steps already spell out every intermediate
result, so a value that is not among them was computed by the model alone, which is exactly
what must not reach a child unchecked. One exemption: in a sentence addressed to the student
(containing "you"/"your"/"你") the student's own answer may be restated ("you said 7").

**True equations.** Each ``=`` between two readable sides must hold: numeric sides equal;
sides with letters identical as expressions, or, for an item whose answer is an equation, an
equation with the same solutions (``2x = 8`` for ``x = 4``); any other equation in letters (a
formula such as ``V = 4/3 π r^3``) is not judged. Example equations quoted from the
misconception description (false on purpose, "47 + 38 = 715") are exempt.

**Hints** must not reveal the answer: no "the answer is …", no asserted value equal to the
final answer (or its solution or a coordinate), and no number equal to it unless that number
is written in the problem itself (``step 2`` does not count).

Guard outcomes are counted in a :class:`GuardStats` (one process-wide instance, created on
first use, read with :func:`guard_stats`), and every rejection is logged.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol, cast

import sympy as sp

from tutor.content.answers import (
    AnswerPolicy,
    UnreadableAnswer,
    check_answer,
    normalize,
    parse_answer,
)
from tutor.llm.safety import check_text


class TextPlan(Protocol):
    """What the guard reads of a text's plan (:class:`tutor.llm.plan.TextPlan` has this
    shape; named here so the guard does not import the planner that imports it)."""

    @property
    def language(self) -> str: ...
    @property
    def prompt(self) -> str: ...
    @property
    def steps(self) -> tuple[str, ...]: ...
    @property
    def claims(self) -> tuple[str, ...]: ...
    @property
    def key_terms(self) -> tuple[str, ...]: ...
    @property
    def step_terms(self) -> tuple[tuple[str, ...], ...]: ...
    @property
    def step_numbers(self) -> tuple[int, ...]: ...
    @property
    def max_chars(self) -> int: ...
    @property
    def max_reading_grade(self) -> float: ...
    @property
    def max_sentence_chars(self) -> int: ...
    @property
    def may_state_answer(self) -> bool: ...
    @property
    def student_answer(self) -> str | None: ...


__all__ = [
    "CHILD_CAUSES",
    "PROMPT_MARKERS",
    "GuardStats",
    "MathRun",
    "Reference",
    "check_output",
    "child_reasons",
    "default_guard_stats",
    "final_answer_text",
    "guard_stats",
    "item_letters",
    "log_rejection",
    "math_runs",
    "prepare",
    "reading_grade",
    "reveals_answer",
    "same_value",
    "sentence_chars",
    "sentences",
    "stated_answer_correct",
    "values_in",
]

logger = logging.getLogger(__name__)

Kind = Literal["explanation", "hint", "feedback", "why", "working"]
Outcome = Literal["accepted", "regenerated", "fallback"]

# --------------------------------------------------------------------------------------------
# Reading maths out of prose
# --------------------------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "\u2212": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\uff0d": "-",
        "×": "*",
        "·": "*",
        "⋅": "*",
        "÷": "/",
        "∕": "/",
        "\uff0f": "/",
        "\uff0b": "+",
        "\uff1d": "=",
        "\uff08": "(",
        "\uff09": ")",
        "\uff05": "%",
        "≤": "<=",
        "≥": ">=",
        "°": "",
        "²": "^2",
        "³": "^3",
        **{chr(0xFF10 + d): str(d) for d in range(10)},
    }
)
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:,\d{3})+)(?![\d,]|\.\d)")
_NUMBER_ATOM = r"(?:(?<![A-Za-z_])\d+(?:\.\d+)?|(?<![\w.])\.\d+)%?"
_SIGN_ATOM = r"(?<![A-Za-z])(?:pi|sqrt)(?![A-Za-z])|[π√()+\-*/^=<>]"
#: Words after a run that continue its last side ("2 remainder 7", "1 ten and 3 ones").
_CONTINUED = re.compile(
    r"\s*(?:remainders?|r|rem|tens?|ones?|hundreds?|thousands?|pairs?|groups?|lots?|sets?"
    r"|left|over)\b|\s*(?:…|余|个|十|百|千)",
    re.IGNORECASE,
)
#: Words or signs before a run that its first side continues ("3 lots of 4 = 12", "∛216 = 6").
_CUT_BEFORE = re.compile(
    r"(?:\b(?:of|lots|groups|sets|rows|columns|times|copies|x)|[∛∜_|])\s*$", re.IGNORECASE
)
# Not after a Latin letter, digit or point; after a Chinese character it is a number ("了35").
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_.])(\d+(?:\.\d+)?|(?<![A-Za-z0-9_.])\.\d+)(?:\s*/\s*(\d+))?(%?)"
)
_UNARY_MINUS = re.compile(r"(?:^|[\s=(,:;\[])-$")
_STEP_NUMBER = re.compile(r"(?:step|第)\s*$", re.IGNORECASE)
_OPERATORS = "+-*/^=<>(√ \t"

_ASSERT_WORDS = re.compile(
    r"(?:\b(?:is|equals|gives|makes|becomes|gets?)\b(?:\s+(?:equal\s+to|us|you|me)\b)?"
    r"|等于|得到|得|(?<![但于还可不就])是|(?<![因作认成称以])为)\s*",
    re.IGNORECASE,
)
_ANSWER_MARK = re.compile(
    r"(?:\banswer\b|答案|结果)\s*(?:\bis\b|\bwas\b|=|:|：|应该是|是|为|等于)\s*"
    r"(?:\b(?:equal\s+to|indeed|just|simply|actually|exactly|clearly|therefore|thus)\b\s*)?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[。！？!?\n;；]|\.(?=\s|$)")
_SENTENCE_SPLIT = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+|\n+")
_TO_STUDENT = re.compile(r"\byou(?:r)?\b|你", re.IGNORECASE)
_CURRENCY = re.compile(r"[$¥€£]")
_LATEX: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![\w)])\*\*|\*\*(?![\w(])|`"), ""),  # markdown bold / code, not 2**3
    (re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}"), r"(\1)/(\2)"),
    (re.compile(r"\\(?:boxed|text|mathrm|mathbf)\{([^{}]*)\}"), r"\1"),
    (re.compile(r"\\(?:times|cdot)"), "×"),
    (re.compile(r"\\div"), "÷"),
    (re.compile(r"\\[()\[\]]|\$\$"), " "),
)
_TIMES_X = re.compile(r"(?<=\d) x (?=[\d.])")
_FRACTION = re.compile(r"(?<![\d.^/(])(?<!\d )(\d+)/(\d+)(?![\d.^/])")
_PI_TERM = re.compile(r"(?<![\d.^/(])(\d+(?:\.\d+)?\s*π)")


def _unlatex(text: str) -> str:
    for pattern, replacement in _LATEX:
        text = pattern.sub(replacement, text)
    return text


def prepare(text: str) -> str:
    """``text`` with maths signs and full-width characters mapped, currency signs, markdown
    bold and simple LaTeX (``\\boxed{12}``, ``\\frac{3}{4}``, ``\\times``) undone, ``3 x 4``
    read as a product and ``1,000`` as ``1000``."""
    text = _unlatex(text)
    divide = "÷" in text
    text = _CURRENCY.sub("", text.translate(_CHAR_MAP))
    text = _TIMES_X.sub(" * ", text)
    # In prose "1/3 ÷ 7/8" divides two fractions; the parser would read (1/3)/7/8.
    if divide:
        text = _PI_TERM.sub(r"(\1)", _FRACTION.sub(r"(\1/\2)", text))
    return _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(",", ""), text)


def _letters(text: str) -> tuple[str, ...]:
    stripped = re.sub(r"pi|sqrt", "", text)
    return tuple(sorted(set(re.findall(r"[a-z]", stripped))))


def _parse(text: str) -> Any | None:
    """The sympy value of a number or expression, or None when it does not read as one."""
    text = text.strip().rstrip(" \t")
    if text.endswith(("+", "-", "*", "/", "^", "(", "√")):
        return None  # cut off mid-expression ("21 + ?"): not a value
    text = text.lstrip("=").strip()
    if not text or len(text) > 120:
        return None
    try:
        parsed = parse_answer(text, variables=_letters(text))
    except (UnreadableAnswer, ValueError, TypeError, ZeroDivisionError):
        return None
    except Exception:  # a sympy corner must never crash the guard; unreadable is safe
        logger.debug("guard could not read %r", text, exc_info=True)
        return None
    if parsed.kind not in ("number", "expression"):
        return None
    return parsed.value


@dataclass(frozen=True)
class MathRun:
    """One stretch of maths in a text: its sides (split on ``=``, ``<``, ``>``, ``<=``,
    ``>=``), the relation between each pair of neighbouring sides, and their values."""

    text: str
    start: int
    sides: tuple[str, ...]
    values: tuple[Any | None, ...]
    relations: tuple[str, ...] = ()
    #: A word follows the run ("13 remainder 3", "1 ten and 3 ones"): its last side may be cut.
    open_end: bool = False

    @property
    def is_equation(self) -> bool:
        """Whether the run states some ``a = b``."""
        return "=" in self.relations


@functools.lru_cache(maxsize=64)
def _run_pattern(letters: str) -> re.Pattern[str]:
    """A math run where the single letters in ``letters`` are variables (others are words)."""
    atom = f"(?:{_NUMBER_ATOM}|{_SIGN_ATOM}"
    if letters:
        atom += f"|(?<![A-Za-z_])[{re.escape(letters)}](?![A-Za-z])"
    atom += ")"
    return re.compile(rf"{atom}(?:[ \t]*{atom})*")


_RELATION = re.compile(r"(<=|>=|<|>|=)")


def math_runs(text: str, letters: str = "") -> list[MathRun]:
    """The math runs of (prepared) ``text``, in order.

    ``letters`` are the variables of the item (``"x"``); any other letter is part of a word
    or a unit (``300 s``, ``36 m``), so it ends a run.
    """
    runs = []
    for m in _run_pattern(letters).finditer(text):
        raw = m.group(0).strip()
        if not any(ch.isdigit() for ch in raw) and not ("=" in raw and re.search("[a-z]", raw)):
            continue
        pieces = _RELATION.split(raw)
        sides = [p.strip() for p in pieces[0::2]]
        relations = list(pieces[1::2])
        before = text[: m.start()].rstrip()
        cut = raw[0] in "+*/^" or (raw[0] == "-" and before[-1:].isalnum())
        if cut or _CUT_BEFORE.search(before):
            # The expression began before a word ("18 pink - 6 = 12", "3 lots of 4 = 12"):
            # its first side is cut off.
            if relations:
                sides.pop(0)
                relations.pop(0)
            else:
                sides[0] = sides[0].lstrip("+-*/^ ")
        while relations and not sides[0].strip(_OPERATORS):
            sides.pop(0)
            relations.pop(0)
        while relations and not sides[-1].strip(_OPERATORS):
            sides.pop()
            relations.pop()
        if not sides or not sides[0].strip(_OPERATORS):
            continue
        values = tuple(_parse(s) for s in sides)
        open_end = _CONTINUED.match(text, m.end()) is not None
        runs.append(MathRun(raw, m.start(), tuple(sides), values, tuple(relations), open_end))
    return runs


def values_in(text: str, letters: str = "", *, literals_only: bool = False) -> list[Any]:
    """Every value written in ``text``: each number literal and (unless ``literals_only``)
    each readable side of a math run."""
    text = prepare(text)
    found: list[Any] = []
    for m in _NUMBER.finditer(text):
        whole = sp.Rational(m.group(1))
        if _UNARY_MINUS.search(text, 0, m.start()):
            whole = -whole  # "x = -4" writes -4, not 4
        if m.group(2):
            found.append(whole)
            found.append(sp.Rational(m.group(2)))
            if int(m.group(2)) != 0:
                found.append(whole / sp.Rational(m.group(2)))
        elif m.group(3):
            found.append(whole)
            found.append(whole / 100)
        else:
            found.append(whole)
    if not literals_only:
        for run in math_runs(text, letters):
            found.extend(v for v in run.values if v is not None)
    return found


def same_value(a: Any, b: Any) -> bool:
    """Whether two values read by the parser are equal (exactly; expressions by expansion)."""
    try:
        if isinstance(a, tuple) or isinstance(b, tuple):
            return bool(
                isinstance(a, tuple)
                and isinstance(b, tuple)
                and len(a) == len(b)
                and all(same_value(x, y) for x, y in zip(a, b, strict=True))
            )
        diff = a - b
        if getattr(diff, "is_Rational", False):
            return bool(diff == 0)
        if not diff.free_symbols:
            return bool(abs(sp.N(diff, 30)) < sp.Float("1e-20"))
        return bool(sp.expand(diff) == 0)
    except Exception:  # comparing odd sympy objects must never crash the guard
        return False


def _symbolic(value: Any) -> bool:
    if isinstance(value, tuple):
        return any(_symbolic(v) for v in value)
    return bool(getattr(value, "free_symbols", None))


# --------------------------------------------------------------------------------------------
# What the text is checked against
# --------------------------------------------------------------------------------------------


def item_letters(*texts: str) -> str:
    """The single-letter variables used in ``texts`` (claims, answer): ``"xy"``."""
    found: set[str] = set()
    for text in texts:
        stripped = re.sub(r"pi|sqrt", "", normalize(text))
        found.update(m.group(0) for m in re.finditer(r"(?<![A-Za-z])[a-z](?![A-Za-z])", stripped))
        # "2x", "3xy": letters glued to a number are variables too
        for m in re.finditer(r"(?<=[\d)])([a-z]+)(?![A-Za-z(])", stripped):
            if len(m.group(1)) <= 3:
                found.update(m.group(1))
    return "".join(sorted(found))


@dataclass(frozen=True)
class Reference:
    """What the guard knows to be true about one item (built from an ``Item``)."""

    prompt: str
    answer: str
    claims: tuple[str, ...]
    policy: AnswerPolicy = field(default_factory=AnswerPolicy)
    prompt_zh: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    #: The verified steps' own wording (English and Chinese): their numbers are grounded.
    step_texts: tuple[str, ...] = ()
    #: Trusted extra text the prompt carried whose numbers may be repeated (the misconception
    #: description); its example equations are exempt from the truth check.
    extra: str = ""

    @classmethod
    def from_item(cls, item: Any, *, extra: str = "") -> Reference:
        """The reference of a ``tutor.content.items.Item`` (or anything shaped like one)."""
        texts: list[str] = []
        for step in item.steps:
            texts.extend(t for t in (step.text, getattr(step, "text_zh", "")) if t)
        return cls(
            prompt=item.prompt,
            prompt_zh=getattr(item, "prompt_zh", ""),
            answer=item.answer,
            claims=tuple(step.claim for step in item.steps),
            policy=item.policy,
            params=dict(getattr(item, "params", {}) or {}),
            step_texts=tuple(texts),
            extra=extra,
        )

    @cached_property
    def letters(self) -> str:
        """The item's variables: single letters of its claims and answer."""
        return item_letters(self.answer, *self.claims)

    @cached_property
    def answer_values(self) -> tuple[Any, ...]:
        """The answer's value; for an equation ``x = 4`` also the solution 4; for a point
        ``(2, -1)`` also each coordinate."""
        try:
            parsed = parse_answer(normalize(self.answer), variables=_letters(self.answer))
        except (UnreadableAnswer, ValueError):
            # Answers with units ("24 cm²") read without the unit.
            value = _parse(re.sub(r"[^\d./\-+ ]", " ", self.answer).strip())
            return (value,) if value is not None else ()
        if parsed.kind in ("number", "expression"):
            return (parsed.value,)
        if parsed.kind == "tuple":
            entries: tuple[Any, ...] = tuple(cast(Sequence[Any], parsed.value))
            return (entries, *entries)
        if parsed.kind == "equation":
            eq: Any = parsed.value
            solutions: list[Any] = []
            symbols = sorted(eq.free_symbols, key=str)
            if len(symbols) == 1:
                try:
                    solutions = list(sp.solve(eq.lhs - eq.rhs, symbols[0]))
                except Exception:  # unsolvable in closed form: nothing extra to guard
                    solutions = []
            return tuple(solutions)
        return ()

    @cached_property
    def answer_is_equation(self) -> bool:
        """Whether the verified answer is an equation (``x = 4``)."""
        try:
            parsed = parse_answer(normalize(self.answer), variables=_letters(self.answer))
        except (UnreadableAnswer, ValueError):
            return False
        return parsed.kind == "equation"

    @cached_property
    def supported(self) -> tuple[Any, ...]:
        """The reference set of values an explanation may assert (see the module docstring)."""
        values: list[Any] = list(self.answer_values)
        for text in (*self.claims, *self.step_texts, self.prompt, self.prompt_zh, self.extra):
            if text:
                values.extend(values_in(text, self.letters))
        for value in self.params.values():
            values.extend(_param_values(value, self.letters))
        unique: list[Any] = []
        seen: set[str] = set()
        for v in values:
            # str() with the type tells sympy values apart as srepr() does, far faster.
            key = repr(v) if isinstance(v, tuple) else f"{type(v).__name__}:{v}"
            if key not in seen:
                seen.add(key)
                unique.append(v)
        return tuple(unique)

    @cached_property
    def prompt_values(self) -> tuple[Any, ...]:
        """The numbers written in the problem itself (literally: not ``9 + 3`` worked out)."""
        texts = (self.prompt, self.prompt_zh)
        return tuple(v for t in texts for v in values_in(t, literals_only=True))

    @cached_property
    def exempt_equations(self) -> frozenset[str]:
        """Example equations of the misconception description (false on purpose)."""
        runs = math_runs(prepare(self.extra), self.letters)
        return frozenset(_compact(run.text) for run in runs)

    @cached_property
    def algebraic(self) -> bool:
        """Whether the item works with letters (then expressions are checked too)."""
        return bool(self.letters)

    def is_supported(self, value: Any) -> bool:
        """Whether ``value`` equals a member of :attr:`supported`."""
        return any(same_value(value, s) for s in self.supported)


def _param_values(value: Any, letters: str) -> list[Any]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [sp.Integer(value)]
    if isinstance(value, float):
        return [sp.nsimplify(value)]
    if isinstance(value, str):
        return values_in(value, letters)
    if isinstance(value, list | tuple):
        return [v for item in value for v in _param_values(item, letters)]
    return []


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------


def final_answer_text(text: str, letters: str = "") -> str | None:
    """The final answer an explanation states, as text (see the module docstring).

    ``letters`` are the item's variables (for an answer such as ``x = 4``).
    """
    text = prepare(text)
    marks = list(_ANSWER_MARK.finditer(text))
    if marks:
        rest = text[marks[-1].end() :]
        end = _SENTENCE_END.search(rest)
        chunk = (rest[: end.start()] if end else rest).strip().rstrip("。，,.、 ")
        if chunk and _readable_answer(chunk, letters):
            return chunk
        lead = _run_pattern(letters).match(chunk)
        if lead and lead.group(0).strip(_OPERATORS):
            return lead.group(0).strip()
        return None
    runs = [r for r in math_runs(text, letters) if any(v is not None for v in r.values)]
    if not runs:
        return None
    last = runs[-1]
    if last.relations and re.search("[a-z]", last.sides[0]):
        return last.text  # an equation or inequality answer, "x = 4", "x > 3"
    for side, value in zip(reversed(last.sides), reversed(last.values), strict=True):
        if value is not None:
            return side
    return None


def _readable_answer(text: str, letters: str) -> bool:
    try:
        # Only the item's variables: "12 dollars" must not read as 12·d·o·l·l·a·r·s.
        parse_answer(text, variables=tuple(letters))
    except (UnreadableAnswer, ValueError, TypeError):
        return False
    except Exception:  # a sympy corner: treat as unreadable
        return False
    return True


def stated_answer_correct(text: str, answer: str, policy: AnswerPolicy | None = None) -> bool:
    """Whether ``text`` states ``answer`` as its final answer (checked with the item policy)."""
    said = final_answer_text(text, item_letters(answer))
    if said is None:
        return False
    try:
        return check_answer(said, answer, policy or AnswerPolicy()).status == "correct"
    except Exception:  # the reference answer is verified; anything odd is "not stated"
        return False


def _final_answer_reasons(text: str, ref: Reference) -> list[str]:
    said = final_answer_text(text, ref.letters)
    if said is None:
        return ["no_final_answer"]
    try:
        status = check_answer(said, ref.answer, ref.policy).status
    except Exception:  # the reference answer is verified; anything odd here is a rejection
        status = "unreadable"
    if status != "correct":
        return [f"wrong_final_answer: said {said[:40]}, verified {ref.answer}"]
    return []


def _equation_reasons(run: MathRun, ref: Reference) -> list[str]:
    if _compact(run.text) in ref.exempt_equations:
        return []
    values = run.values
    pairs = len(values) - 1 - (1 if run.open_end else 0)
    for k in range(max(pairs, 0)):
        a, b = values[k], values[k + 1]
        if run.relations[k] != "=" or a is None or b is None:
            continue
        if same_value(a, b):
            continue
        if not _symbolic(a - b):
            return [f"false_claim: {run.sides[k]} = {run.sides[k + 1]}"]
        if ref.answer_is_equation:
            equation = f"{run.sides[k]} = {run.sides[k + 1]}"
            try:
                status = check_answer(equation, ref.answer, ref.policy).status
            except Exception:
                status = "unreadable"
            if status == "incorrect":
                return [f"false_claim: {equation}"]
        # Otherwise a formula in letters (V = 4/3 π r^3): not judged.
    return []


def _assertions(text: str, letters: str) -> list[tuple[int, str, Any]]:
    """``(position, shown text, value)`` of every value the (prepared) text asserts."""
    found: list[tuple[int, str, Any]] = []
    for run in math_runs(text, letters):
        if not run.is_equation:
            continue
        for k, relation in enumerate(run.relations):
            value = run.values[k + 1]
            if relation == "=" and value is not None:
                found.append((run.start, run.sides[k + 1], value))
    pattern = _run_pattern(letters)
    for m in _ASSERT_WORDS.finditer(text):
        after = pattern.match(text, m.end())
        if after is None:
            continue
        chunk = after.group(0).split("=")[0].strip()
        if not chunk or not (chunk[0].isdigit() or chunk[0] in "-(√π."):
            continue
        value = _parse(chunk)
        if value is not None:
            found.append((m.end(), chunk, value))
    return found


def _sentence_of(text: str, position: int) -> str:
    starts = [0] + [m.end() for m in _SENTENCE_SPLIT.finditer(text) if m.end() <= position]
    start = starts[-1]
    end_match = _SENTENCE_SPLIT.search(text, position)
    return text[start : end_match.start() if end_match else len(text)]


def _student_value(student_answer: str | None) -> Any | None:
    if not student_answer:
        return None
    return _parse(prepare(normalize(student_answer)))


def reveals_answer(text: str, ref: Reference) -> bool:
    """Whether a hint gives the final answer away (see the module docstring)."""
    text = prepare(text)
    if _ANSWER_MARK.search(text):
        return True
    answers = ref.answer_values
    if not answers:
        return False
    for _, _, value in _assertions(text, ref.letters):
        if any(same_value(value, a) for a in answers):
            return True
    for m in _NUMBER.finditer(text):
        if _STEP_NUMBER.search(text[: m.start()]):
            continue
        value = _parse(m.group(0))
        if value is None or not any(same_value(value, a) for a in answers):
            continue
        if not any(same_value(value, p) for p in ref.prompt_values):
            return True
    return False


def _without_line(text: str, plan: TextPlan | None) -> str:
    """``text`` without the student's own line of working quoted in it (a working note's
    plan): restating what the student wrote gives nothing away; the rest is still read."""
    line = getattr(plan, "line_text", "") if plan is not None else ""
    return text.replace(line, " ") if line else text


def check_output(
    text: str,
    ref: Reference,
    *,
    kind: Kind = "explanation",
    student_answer: str | None = None,
    plan: TextPlan | None = None,
) -> tuple[str, ...]:
    """The reasons to reject ``text`` for a student; empty when it may be shown.

    ``student_answer`` (what the student wrote) may be restated in a sentence addressed to
    the student without counting as an unsupported number. With a ``plan``
    (:class:`tutor.llm.plan.TextPlan`) the text is also read as a child would
    (:func:`child_reasons`), and the plan decides whether the answer may be stated (its
    ``kind`` and ``student_answer`` then come from the plan).
    """
    if not text.strip():
        return ("empty",)
    if plan is not None:
        kind = "explanation" if plan.may_state_answer else "hint"
        if getattr(plan, "kind", "") == "working" and plan.may_state_answer:
            # A note on a line of working to a student who has the right answer: the
            # line's value may be the answer, and no final answer is asked of it.
            kind = "working"
        student_answer = plan.student_answer
    reasons: list[str] = list(check_text(text, source="model").reasons())
    if plan is not None:
        reasons += child_reasons(text, plan)
    prepared = prepare(text)
    if kind in ("explanation", "why"):
        reasons += _final_answer_reasons(text, ref)
    elif kind != "working" and reveals_answer(_without_line(text, plan), ref):
        reasons.append("reveals_answer")
    for run in math_runs(prepared, ref.letters):
        if run.is_equation:
            reasons += _equation_reasons(run, ref)
    mine = _student_value(student_answer)
    for position, shown, value in _assertions(prepared, ref.letters):
        if ref.is_supported(value):
            continue
        if (
            mine is not None
            and same_value(value, mine)
            and _TO_STUDENT.search(_sentence_of(prepared, position))
        ):
            continue
        reasons.append(f"unsupported_number: {shown[:40]}")
    return tuple(dict.fromkeys(reasons))


# --------------------------------------------------------------------------------------------
# Reading like a child would (issue 15)
# --------------------------------------------------------------------------------------------

#: Words of the prompt's own markup; a text that repeats one echoes the prompt (rejected as
#: ``prompt_echo``); :func:`tutor.llm.plan.plan_prompt` is written with them.
PROMPT_MARKERS: tuple[str, ...] = (
    "<tutor-data",
    "</tutor-data",
    "tutor-data>",
    "Tutor's draft",
    "Facts you may use",
    "Numbers you may use",
    "Verified steps:",
    "Write the explanation",
    "Rewrite the draft",
    "Rewrite it",
    "Write the hint in English",
    '"kind":',
    '"plan"',
    "老师的草稿",
    "可以用的数",
    "已验证的步骤",
    "请写出讲解",
    "请改写",
    "请用中文写出提示",
    "改写后的",
    "说明：",
)


#: Every cause :func:`child_reasons` can give (the part before ":"), for reports.
CHILD_CAUSES: tuple[str, ...] = (
    "replacement_char",
    "wrong_script",
    "repeated",
    "prompt_echo",
    "off_topic",
    "wrong_step",
    "too_long",
    "too_hard",
    "tone",
)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# Words a tutor does not say to a child who is stuck: they shame ("easy") or brush off.
_HARSH = re.compile(
    r"\b(?:obviously|clearly you|stupid|dumb|silly mistake|lazy|careless|"
    r"you should know|this is easy|so easy|wrong again)\b|显然|笨|粗心|这么简单|太简单",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """The sentences of an English or Chinese text (at 。！？!? , a full stop before a space,
    and line breaks)."""
    pieces = re.split(r"(?<=[。！？!?])|(?<=\.)\s+|\n+", text)
    return [p.strip() for p in pieces if p and p.strip()]


def sentence_chars(text: str) -> list[int]:
    """The length of each sentence of a Chinese text in characters (spaces not counted)."""
    return [len(re.sub(r"\s", "", s)) for s in sentences(text)]


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade of an English text (textstat), maths signs and numbers
    removed first (a "word" such as 4/10 is no harder to read for being maths)."""
    import textstat

    words = re.sub(r"[^A-Za-z'.,!?;: \n-]", " ", text)
    words = re.sub(r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])", " ", words)  # lone letters: x, y
    words = re.sub(r"[ \t]+", " ", words)
    if len(re.findall(r"[A-Za-z]{2,}", words)) < 3:
        return 0.0
    return float(textstat.flesch_kincaid_grade(words))


def _normal_sentence(sentence: str) -> str:
    return re.sub(r"[\W_]+", "", sentence.lower())


def _repeated(text: str, language: str) -> str | None:
    """Why ``text`` loops: a sentence said twice, a phrase said three times or more, or a
    character run ("茧茧茧")."""
    seen: set[str] = set()
    for sentence in sentences(text):
        key = _normal_sentence(sentence)
        if len(key) >= 6 and key in seen:
            return f"repeated: sentence {sentence[:30]}"
        seen.add(key)
    if re.search(r"([^\d\s.□=+\-])\1\1", text):
        return "repeated: characters"
    # Phrases of words, not maths: "2 + 2 + 2 + 2" repeats by design.
    if language == "zh":
        chars = re.sub(r"\s", "", text)
        grams = Counter(
            g
            for g in (chars[i : i + 8] for i in range(len(chars) - 7))
            if len(_CJK.findall(g)) >= 6
        )
    else:
        words = re.findall(r"\S+", text.lower())
        grams = Counter(
            " ".join(gram)
            for gram in (words[i : i + 5] for i in range(len(words) - 4))
            if sum(bool(re.search("[a-z]{2,}", w)) for w in gram) >= 3
        )
    if grams:
        gram, count = grams.most_common(1)[0]
        if count >= 3:
            return f"repeated: phrase {gram[:30]}"
    return None


def _script(text: str, plan: TextPlan) -> str | None:
    cjk = len(_CJK.findall(text))
    if plan.language == "en":
        return "wrong_script: Chinese in an English text" if cjk else None
    # A Chinese text may carry the item's own letters and units (x, cm, km/h), not English.
    own = {
        w.lower() for t in (plan.prompt, *plan.steps, *plan.claims) for w in _LATIN_WORD.findall(t)
    }
    english = [w for w in _LATIN_WORD.findall(text) if w.lower() not in own]
    letters = sum(len(w) for w in english)
    if cjk == 0 or len(english) >= 3 or letters > cjk:
        return "wrong_script: not Chinese"
    return None


def _echo(text: str, plan: TextPlan) -> str | None:
    lowered = text.lower()
    for marker in PROMPT_MARKERS:
        if marker.lower() in lowered:
            return f"prompt_echo: {marker}"
    prompt = _normal_sentence(plan.prompt)
    if len(prompt) >= 12 and _normal_sentence(text).count(prompt) >= 2:
        return "prompt_echo: the problem twice"
    return None


def _mentions(text: str, terms: tuple[str, ...]) -> bool:
    """Whether ``text`` names one of ``terms``: a number as a whole number ("10" is not in
    "9/10"), an English word at a word start ("denominator" in "denominators"), Chinese as
    written."""
    if not terms:
        return True
    lowered = prepare(text).lower()
    for term in terms:
        term = term.lower()
        if term[:1].isdigit():
            pattern = rf"(?<![\d./]){re.escape(term)}(?![\d/]|\.\d)"
        elif term.isascii():
            pattern = rf"\b{re.escape(term)}"
        else:
            pattern = re.escape(term)
        if re.search(pattern, lowered):
            return True
    return False


def _off_topic(text: str, plan: TextPlan) -> str | None:
    if not _mentions(text, plan.key_terms):
        return "off_topic"
    for n, terms in enumerate(plan.step_terms, 1):
        if not _mentions(text, terms):
            return f"off_topic: step {n} never mentioned"
    return None


_STEP_NAMED = re.compile(r"\bstep\s+(\d+)|第\s*(\d+)\s*步", re.IGNORECASE)


def _wrong_step(text: str, plan: TextPlan) -> str | None:
    if not plan.step_numbers:
        return None
    for m in _STEP_NAMED.finditer(text):
        n = int(m.group(1) or m.group(2))
        if n not in plan.step_numbers:
            return f"wrong_step: step {n}"
    return None


def child_reasons(text: str, plan: TextPlan) -> list[str]:
    """What a child would stumble on in ``text`` for ``plan`` (each a named cause of
    :data:`CHILD_CAUSES`): a U+FFFD replacement character, the wrong script (a Chinese text
    must be Chinese; an English text has no Chinese), repeated sentences, phrases or
    characters, an echo of the prompt's markup or of the problem twice, no mention of the
    step's content (``off_topic``), a step it is not about (``wrong_step``), more
    characters than the plan allows, a reading level above the plan's (Flesch-Kincaid
    grade in English, characters per sentence in Chinese),
    and words that shame a child (``tone``)."""
    reasons: list[str] = []
    if "\ufffd" in text:
        reasons.append("replacement_char")
    script = _script(text, plan)
    if script:
        reasons.append(script)
    looped = _repeated(text, plan.language)
    if looped:
        reasons.append(looped)
    echo = _echo(text, plan)
    if echo:
        reasons.append(echo)
    for reason in (_off_topic(text, plan), _wrong_step(text, plan)):
        if reason:
            reasons.append(reason)
    if len(text) > plan.max_chars:
        reasons.append(f"too_long: {len(text)} > {plan.max_chars} characters")
    if plan.language == "zh":
        longest = max(sentence_chars(text), default=0)
        if longest > plan.max_sentence_chars:
            reasons.append(f"too_hard: a {longest}-character sentence > {plan.max_sentence_chars}")
    else:
        grade = reading_grade(text)
        if grade > plan.max_reading_grade:
            reasons.append(f"too_hard: reading grade {grade:.1f} > {plan.max_reading_grade}")
    if _HARSH.search(text):
        reasons.append("tone")
    return reasons


# --------------------------------------------------------------------------------------------
# Outcome counters
# --------------------------------------------------------------------------------------------


class GuardStats:
    """Thread-safe counts of guard outcomes and of rejection reasons (by kind).

    A reason's kind is the part before ``:`` (``wrong_final_answer``, ``unsafe``…), so the
    counters stay small however many different numbers models get wrong.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outcomes: Counter[str] = Counter()
        self._reasons: Counter[str] = Counter()

    def record(self, outcome: Outcome, reasons: Iterable[str] = ()) -> None:
        """Count one guarded answer and the reasons of its rejected tries."""
        with self._lock:
            self._outcomes[outcome] += 1
            for reason in reasons:
                self._reasons[reason.split(":", 1)[0]] += 1

    def snapshot(self) -> dict[str, Any]:
        """``{"accepted", "regenerated", "fallback", "total", "reasons": {kind: n}}``."""
        with self._lock:
            counts = {k: self._outcomes.get(k, 0) for k in ("accepted", "regenerated", "fallback")}
            return {
                **counts,
                "total": sum(counts.values()),
                "reasons": dict(sorted(self._reasons.items())),
            }

    def reset(self) -> None:
        """Start counting again from zero."""
        with self._lock:
            self._outcomes.clear()
            self._reasons.clear()


_default_stats: GuardStats | None = None
_default_lock = threading.Lock()


def default_guard_stats() -> GuardStats:
    """The process-wide :class:`GuardStats`, created on first use (not at import)."""
    global _default_stats
    with _default_lock:
        if _default_stats is None:
            _default_stats = GuardStats()
        return _default_stats


def guard_stats() -> dict[str, Any]:
    """A snapshot of the process-wide guard outcomes, for the teacher/operator view."""
    return default_guard_stats().snapshot()


def log_rejection(model: str, attempt: int, reasons: Sequence[str]) -> None:
    """Log why a model's text was not shown."""
    logger.info("guard rejected %s try %d: %s", model, attempt, "; ".join(reasons))
