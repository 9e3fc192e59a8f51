"""The engine plans, the model words: a :class:`TextPlan` for every text a student reads.

Issue 15. Before any words are chosen, the engine decides *what* a text says:

- its ``kind`` — ``explanation`` (the worked solution), ``hint`` (one rung of the ladder:
  1 a nudge toward the idea, 2 the next step with a blank "□", 3 the worked step),
  ``feedback`` (right after a wrong answer, addressed to the student, naming the diagnosed
  misconception), ``why`` (the short reason after a correct answer) or ``working`` (issue
  20: the first wrong line of the student's shown working, what it should have been and the
  misconception a buggy rule reads in it; gently, when the final answer was right);
- the facts it rests on — the verified step(s), the student's answer, the misconception in
  child-facing words, the only numbers allowed, the answer and whether the text may state it
  (never in a hint or feedback);
- its bounds — a maximum length and a reading level (Flesch-Kincaid grade for English,
  characters per sentence for Chinese), from the student's grade.

:func:`build_plan` makes the plan; :func:`render_template` words it with no model at all, in
English and Chinese, in three styles, with :data:`VARIANTS` phrasings each (the template is
what shows at once, and what shows whenever the model's wording is rejected);
:func:`plan_prompt` is what a language model sees: the plan's facts and the template's
wording to reword in the chosen style. The guard (:func:`tutor.llm.guard.check_output`)
reads every text against its plan.

These three names are a contract with the tutoring turn (which shows ``render_template``
first) and with LoRA training (which builds plan → text pairs from ``plan_prompt`` and the
template variants): keep them stable.

:data:`HELD_OUT_FAMILIES` are the generator families the voice benchmark reports on and that
fine-tuning never trains on.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from tutor.content.answers import normalize
from tutor.content.items import Item
from tutor.errors import InputError
from tutor.llm.base import Message
from tutor.llm.guard import PROMPT_MARKERS, Reference, reveals_answer
from tutor.llm.options import ExplainOptions, Kind, Language, Style

__all__ = [
    "BLANK",
    "HELD_OUT_FAMILIES",
    "PROMPT_MARKERS",
    "VARIANTS",
    "Diagnosed",
    "TextPlan",
    "build_plan",
    "child_misconception",
    "is_held_out",
    "item_grade",
    "plan_prompt",
    "plan_reference",
    "render_template",
    "sample_wrong_answers",
]

#: The blank of a level-2 hint ("the next step with a blank").
BLANK = "□"
#: Phrasings per (kind, style, language) that :func:`render_template` knows.
VARIANTS = 3

#: Generator families held out from fine-tuning and reported by ``benchmarks/voice.py``.
#: The fixed rule (so nobody picks easy ones): every family whose name's SHA-256, read as a
#: number, is divisible by 10 — about a tenth of the 238 families, stable when families are
#: added. ``tests/unit/test_llm_plan.py`` checks this list against the rule.
HELD_OUT_FAMILIES: tuple[str, ...] = (
    "add_sub_linear",
    "decimal_divide_whole",
    "elapsed_minutes",
    "equivalent_ratio_missing",
    "exponent_quotient_rule",
    "fraction_add_unlike",
    "fraction_decompose",
    "fraction_of_quantity",
    "fraction_to_decimal",
    "function_value",
    "inequality_multi_step",
    "midpoint_segment",
    "mixed_to_improper",
    "percent_error",
    "pythagoras_word",
    "round_to_10_100",
    "share_and_group",
    "share_in_ratio",
    "signed_fraction_decimal_add_sub",
    "special_products",
    "sphere_volume",
    "square_root",
    "tax_tip_commission",
    "tens_ones_compose",
    "times_zero_one",
    "word_problem_within_100",
)


def is_held_out(generator: str) -> bool:
    """Whether a generator family is held out by the fixed rule of :data:`HELD_OUT_FAMILIES`."""
    import hashlib

    return int(hashlib.sha256(generator.encode()).hexdigest(), 16) % 10 == 0


class Diagnosed(Protocol):
    """What a plan needs of the engine's diagnosis (:class:`tutor.diagnosis.answer.Diagnosis`)."""

    @property
    def status(self) -> str: ...

    @property
    def misconception(self) -> str | None: ...


@dataclass(frozen=True)
class TextPlan:
    """What one text for a student says, decided by the engine before any wording."""

    kind: Kind
    hint_level: int
    #: The step a hint is about (0-based); for other kinds 0.
    hint_index: int
    language: Language
    style: Style
    #: The student's school grade (1–12): sets the reading level.
    grade: int
    item_id: str
    #: The item's prompt in ``language``.
    prompt: str
    #: What the student answered (only when the engine diagnosed it as wrong), else None.
    student_answer: str | None
    misconception_id: str | None
    #: "It looks like you added the tops and the bottoms." — child-facing, in ``language``.
    misconception: str | None
    #: How to do it right instead, from the same description (child-facing), or None.
    misconception_fix: str | None
    #: The verified step text(s) the text is about, in ``language``.
    steps: tuple[str, ...]
    #: Their verified claims (answer syntax).
    claims: tuple[str, ...]
    #: For a hint or feedback, the one thing to say about the step at this rung (an idea,
    #: the step with a blank, or the worked step); never the answer. "" for other kinds.
    focus: str
    #: The only numbers the text may contain (the guard's reference values, as text).
    numbers: tuple[str, ...]
    answer: str
    #: Whether the text may state the answer (explanation, why) or must not (hint, feedback).
    may_state_answer: bool
    #: Longest text allowed, in characters.
    max_chars: int
    #: Highest Flesch-Kincaid grade allowed for English text.
    max_reading_grade: float
    #: Longest sentence allowed for Chinese text, in characters.
    max_sentence_chars: int
    #: Words (and numbers) of the step's content: a text must mention at least one.
    key_terms: tuple[str, ...]
    #: An explanation's terms step by step: it must mention every step (else ``()``).
    step_terms: tuple[tuple[str, ...], ...] = ()
    #: The step numbers the text may name ("step 2", "第2步"); ``()`` = any.
    step_numbers: tuple[int, ...] = ()
    #: For ``working``: the wrong line's number (1-based; 0: no wrong line), the line as the
    #: student typed it, what it should have been ("" when that would give the answer
    #: away before the student has it) and the side that went wrong; ``answer_right``: the
    #: final answer was right (the text is gentle, and may state the line's value).
    line_number: int = 0
    line_text: str = ""
    line_expected: str = ""
    line_wrote: str = ""
    answer_right: bool = False

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON-ready data (the data block of :func:`plan_prompt`)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TextPlan:
        """The plan :meth:`to_json` wrote (lists back to tuples)."""

        def frozen(value: Any) -> Any:
            return tuple(frozen(v) for v in value) if isinstance(value, list) else value

        fields: dict[str, Any] = {k: frozen(v) for k, v in data.items()}
        return cls(**fields)


# --------------------------------------------------------------------------------------------
# The facts: grade, misconception in child-facing words, step focus, numbers
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _kp_grades() -> dict[str, int]:
    import csv

    from tutor.resources import shipped_path

    grades: dict[str, int] = {}
    with shipped_path("content/k12-math/knowledge_points.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            raw = (row.get("grade") or "").strip()
            grades[row["id"]] = int(raw) if raw.isdigit() else (0 if raw.upper() == "K" else 9)
    return grades


def item_grade(item: Item) -> int:
    """The school grade of an item's knowledge point (1–12; K counts as 1)."""
    return min(12, max(1, _kp_grades().get(item.kp, 6)))


# English descriptions start "Adds the numerators and adds the denominators …" (third
# person); the child hears "It looks like you added the numerators and added …".
_PAST = {
    "adds": "added", "divides": "divided", "multiplies": "multiplied", "writes": "wrote",
    "mixes": "mixed", "gives": "gave", "finds": "found", "subtracts": "subtracted",
    "uses": "used", "swaps": "swapped", "gets": "got", "takes": "took", "works": "worked",
    "puts": "put", "reads": "read", "thinks": "thought", "stops": "stopped", "does": "did",
    "treats": "treated", "lines": "lined", "moves": "moved", "raises": "raised",
    "changes": "changed", "turns": "turned", "reverses": "reversed", "compares": "compared",
    "halves": "halved", "borrows": "borrowed", "lets": "let", "leaves": "left",
    "counts": "counted", "forgets": "forgot", "keeps": "kept", "ignores": "ignored",
    "rounds": "rounded", "squares": "squared", "drops": "dropped", "flips": "flipped",
    "chooses": "chose", "picks": "picked", "confuses": "confused", "goes": "went",
    "misses": "missed", "inverts": "inverted", "multiply": "multiplied",
}  # fmt: skip
_VERB_AFTER = re.compile(r"\b(and|but|or|then)\s+([a-z]+)\b")
_EG = re.compile(r",?\s*\(?\b(?:e\.g\.|for example)", re.IGNORECASE)
_EG_ZH = re.compile(r"[，,]?\s*例如")


def _sentences_en(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.replace("e.g.", "e\u2024g\u2024"))
    return [p.replace("e\u2024g\u2024", "e.g.").strip() for p in parts if p.strip()]


def _sentences_zh(text: str) -> list[str]:
    return [p for p in re.split(r"(?<=[。！？])", text) if p.strip()]


def child_misconception(misconception_id: str, language: Language) -> tuple[str, str] | None:
    """``(what the student seems to have done, how to do it instead)`` in child-facing words,
    from the misconception library's description; None for an unknown id.

    The description's worked example ("e.g. 47 + 38 = 715") is left out: its numbers are not
    the student's, and a child reads them as the item's.
    """
    from tutor.content.misconceptions import get_misconception

    try:
        found = get_misconception(misconception_id)
    except (InputError, LookupError):
        return None
    if language == "zh":
        parts = _sentences_zh(found.description_zh)
        if not parts:
            return None
        did = _EG_ZH.split(parts[0])[0].rstrip("。，, ")
        fix = "".join(parts[1:2]).strip()
        return f"看起来你{did}了。".replace("了了", "了"), fix
    parts = _sentences_en(found.description)
    if not parts:
        return None
    did = _EG.split(parts[0])[0].rstrip(" .,;")
    first, _, rest = did.partition(" ")
    past = _PAST.get(first.lower())
    if past is None:
        said = f"This looks like a common mix-up: {did[0].lower()}{did[1:]}."
    else:

        def _verb(m: re.Match[str]) -> str:
            return f"{m.group(1)} {_PAST.get(m.group(2), m.group(2))}"

        said = f"It looks like you {past} {_VERB_AFTER.sub(_verb, rest)}."
    fix = parts[1] if len(parts) > 1 else ""
    return said, fix


_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?(?:/\d+)?")
_COLON = re.compile(r"[:：]")


def _idea(step_text: str, language: Language) -> str:
    """The idea of a step with no number in it: its lead before ":" ("Find a common
    denominator"), else ""."""
    head = _COLON.split(step_text, maxsplit=1)[0].strip()
    if not head or head == step_text.strip() or re.search(r"\d", head):
        return ""
    # "Think" / "想" alone says nothing: an idea has at least two words (two characters).
    if (language == "zh" and len(head) < 2) or (language == "en" and len(head.split()) < 2):
        return ""
    return head


def _blanked(step_text: str, claim: str) -> str:
    """The step with its result replaced by the blank: its last number (or, for a step text
    with no number, its claim's last side)."""
    numbers = list(_NUMBER_TOKEN.finditer(step_text))
    if numbers:
        last = numbers[-1]
        return step_text[: last.start()] + BLANK + step_text[last.end() :]
    if "=" in claim:
        return claim.rsplit("=", 1)[0].strip() + " = " + BLANK
    return ""


def _work_out(claim: str, language: Language) -> str:
    lhs = claim.split("=")[0].strip() if "=" in claim else ""
    if not lhs:
        return ""
    return f"先算一算：{lhs}" if language == "zh" else f"Work out {lhs} first"


def _generic_idea(language: Language) -> str:
    if language == "zh":
        return "先想一想：这一步要用哪种运算"
    return "Think about which operation this step needs"


def _safe(candidates: list[str], ref: Reference) -> str:
    for text in candidates:
        if text and not reveals_answer(text, ref):
            return text
    return ""


def _focus(item: Item, index: int, level: int, language: Language, ref: Reference) -> str:
    """What a hint at ``level`` says about step ``index`` (never the final answer)."""
    step = item.steps[index]
    text = (step.text_zh if language == "zh" else step.text).strip().rstrip("。.")
    idea = _idea(text, language)
    blank = _blanked(text, step.claim)
    work = _work_out(step.claim, language)
    if level == 1:
        # A bare label ("Run") is no idea for a child: say what to work out with it.
        if idea and len(idea.split()) <= 3 and work and language == "en":
            idea = f"{idea}: {work[0].lower()}{work[1:]}"
        found = _safe([idea, work], ref)
    elif level == 2:
        found = _safe([blank, work, idea], ref)
    else:
        found = _safe([text, blank, work, idea], ref)
    return found or _generic_idea(language)


def _number_text(value: Any) -> str:
    text = str(value)
    return text.replace("**", "^").replace("*", "·")


def _key_terms(texts: tuple[str, ...], language: Language) -> tuple[str, ...]:
    """Content words and numbers of the step texts (what a text must mention one of)."""
    terms: list[str] = []
    for text in texts:
        terms.extend(_NUMBER_TOKEN.findall(text))
        if language == "zh":
            runs = re.findall(r"[\u4e00-\u9fff]{2,}", text)
            terms.extend(run[i : i + 2] for run in runs for i in range(len(run) - 1))
        else:
            words = re.findall(r"[A-Za-z]{3,}", text.lower())
            terms.extend(w for w in words if w not in _STOPWORDS)
    return tuple(dict.fromkeys(terms))


_STOPWORD_TEXT = """
the and for you are can its not but has was how one two all any our out who why that this
with from then they them their there have what when which into your each also will just
does make makes made step steps work first next same than more less both only some such
been were very much many answer
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

#: Longest text per kind and language, in characters (an explanation also at least twice
#: its template: long items need room).
_MAX_CHARS: dict[tuple[str, str], int] = {
    ("explanation", "en"): 900,
    ("explanation", "zh"): 360,
    ("hint", "en"): 320,
    ("hint", "zh"): 130,
    ("feedback", "en"): 480,
    ("feedback", "zh"): 190,
    ("why", "en"): 360,
    ("why", "zh"): 150,
    ("working", "en"): 480,
    ("working", "zh"): 200,
}


_REFERENCES: OrderedDict[tuple[str, str], Reference] = OrderedDict()
_REFERENCES_LOCK = threading.Lock()


def _reference(item: Item, extra: str) -> Reference:
    """``Reference.from_item(item, extra=extra)``, kept for the last 512 (item, extra): a
    turn asks for feedback, three hints and an explanation of one item, and reading the
    reference's values (sympy) is most of a template's cost. An item id names its item."""
    key = (item.item_id, extra)
    with _REFERENCES_LOCK:
        found = _REFERENCES.get(key)
        if found is not None:
            _REFERENCES.move_to_end(key)
            return found
    ref = Reference.from_item(item, extra=extra)
    _ = ref.supported, ref.prompt_values, ref.answer_values  # computed once, outside the lock
    with _REFERENCES_LOCK:
        _REFERENCES[key] = ref
        while len(_REFERENCES) > 512:
            _REFERENCES.popitem(last=False)
    return ref


def plan_reference(item: Item, plan: TextPlan) -> Reference:
    """The guard's reference for a plan: the item, plus the child-facing misconception
    sentences (their numbers may be repeated) and, for ``working``, the student's wrong line
    (its numbers may be repeated, and its false equation quoted) and the value the engine
    computed for it."""
    return _reference(
        item,
        _extra(plan.misconception, plan.misconception_fix, plan.line_text, plan.line_expected),
    )


def _extra(said: str | None, fix: str | None, line: str = "", expected: str = "") -> str:
    """The trusted extra text of a plan's reference (see :func:`plan_reference`); the line
    and the value on lines of their own, so their maths is read apart."""
    parts = [" ".join(t for t in (said, fix) if t)]
    parts += [t for t in (line, expected) if t]
    return "\n".join(p for p in parts if p)


def build_plan(
    item: Item,
    student_answer: str | None,
    diagnosis: Diagnosed | None,
    options: ExplainOptions | None = None,
) -> TextPlan:
    """The plan of the text ``options`` ask for about ``item``.

    ``student_answer`` is kept only when ``diagnosis`` says it is wrong (and the safety filter
    passes it: a student's text is never echoed unchecked); the diagnosed misconception is
    worded for the child. Raises InputError for a hint index the item has no step for.
    """
    from tutor.llm.safety import check_text

    options = options or ExplainOptions()
    options.check_hint(item.item_id, len(item.steps))
    language, kind = options.language, options.kind
    wrong = (
        student_answer is not None
        and diagnosis is not None
        and diagnosis.status == "incorrect"
        and check_text(student_answer, source="student").ok
    )
    mc_id = diagnosis.misconception if (wrong and diagnosis is not None) else None
    line = _wrong_line(diagnosis) if kind == "working" else None
    if kind == "working":
        # The misconception the wrong line shows (the final answer's has its own feedback).
        mc_id = line.misconception if line is not None else None
    child = child_misconception(mc_id, language) if mc_id else None
    if child is None:
        mc_id = None
    said, fix = child if child else (None, None)
    ref = _reference(item, said or "")
    if fix and not _fix_fits(fix, item, ref):
        fix = None
    if fix:
        ref = _reference(item, f"{said} {fix}")
    answer_right = diagnosis is not None and diagnosis.status == "correct"
    line_text = line_expected = line_wrote = ""
    if line is not None:
        line_text, line_wrote = line.text, line.wrote
        line_expected = line.expected or ""
        # Before the student has the answer, the line's value is not told when it is the
        # answer (feedback never gives it away: the tutoring turn teaches before it tells).
        if line_expected and not answer_right and reveals_answer(line_expected, ref):
            line_expected = ""
        ref = _reference(item, _extra(said, fix, line_text, line_expected))
    zh = language == "zh"
    texts = tuple((s.text_zh if zh else s.text) for s in item.steps)
    claims = tuple(s.claim for s in item.steps)
    if kind == "explanation":
        chosen = range(len(item.steps))
        focus = ""
    elif kind == "hint":
        chosen = range(options.hint_index, options.hint_index + 1)
        focus = _focus(item, options.hint_index, options.hint_level, language, ref)
    elif kind == "feedback":
        chosen = range(0, 1)
        focus = _focus(item, 0, 1, language, ref)
    elif kind == "working":  # about the student's line, not a worked step
        chosen = range(0, 0)
        focus = ""
    else:  # why: the step that gives the answer
        chosen = range(len(item.steps) - 1, len(item.steps))
        focus = ""
    steps = tuple(texts[i] for i in chosen)
    # A working note may say a value that is the answer only to a student who has it.
    may_state = kind in ("explanation", "why") or (kind == "working" and answer_right)
    values = [v for v in ref.supported if not isinstance(v, tuple)]
    if not may_state:  # a hint may not use the answer unless the problem itself has it
        values = [
            v
            for v in values
            if not any(_same(v, a) for a in ref.answer_values)
            or any(_same(v, p) for p in ref.prompt_values)
        ]
    numbers = [_number_text(v) for v in values]
    if kind == "working":  # the line's own numbers and the value it should have had
        numbers = _NUMBER_TOKEN.findall(f"{line_text} {line_expected}") + numbers
    grade = options.grade if options.grade is not None else item_grade(item)
    base = _MAX_CHARS[(kind, language)]
    plan = TextPlan(
        kind=kind,
        hint_level=options.hint_level if kind == "hint" else 1,
        hint_index=options.hint_index if kind == "hint" else 0,
        language=language,
        style=options.style,
        grade=grade,
        item_id=item.item_id,
        prompt=item.prompt_zh if zh else item.prompt,
        student_answer=student_answer if wrong else None,
        misconception_id=mc_id,
        misconception=said,
        misconception_fix=fix or None,
        steps=steps,
        claims=tuple(claims[i] for i in chosen),
        focus=focus,
        numbers=tuple(dict.fromkeys(numbers)),
        answer=item.answer,
        may_state_answer=may_state,
        max_chars=base,
        # Set below, from the template itself: a model may not write harder than the
        # verified steps' own wording, nor above the student's grade + 2.
        max_reading_grade=0.0,
        max_sentence_chars=0,
        key_terms=_key_terms(
            (line_text, line_expected)
            if kind == "working"
            else (*steps, focus)
            if focus
            else steps,
            language,
        ),
        step_terms=(
            tuple(_key_terms((t,), language) for t in steps) if kind == "explanation" else ()
        ),
        step_numbers=(
            ()  # a working note names the student's line, not a worked step
            if kind == "working"
            else tuple(range(1, len(item.steps) + 1))
            if may_state
            else (options.hint_index + 1,)
            if kind == "hint"
            else (1,)
        ),
        line_number=line.line if line is not None else 0,
        line_text=line_text,
        line_expected=line_expected,
        line_wrote=line_wrote,
        answer_right=answer_right,
    )
    return _bounded(plan)


class _Line(Protocol):
    """What a working note needs of the wrong line (:class:`tutor.diagnosis.lines.WrongLine`)."""

    @property
    def line(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def wrote(self) -> str: ...
    @property
    def expected(self) -> str | None: ...
    @property
    def misconception(self) -> str | None: ...


def _wrong_line(diagnosis: Diagnosed | None) -> _Line | None:
    """The diagnosis' first wrong line of working, when the student's line may be echoed
    (the safety filter passes it: a student's text is never echoed unchecked)."""
    from tutor.llm.safety import check_text

    line: _Line | None = getattr(diagnosis, "working", None)
    if line is None or not check_text(line.text, source="student").ok:
        return None
    return line


#: Numbers a misconception's fix may say as general facts ("add to 90°", "× 10").
_GENERAL_NUMBERS = frozenset({"0", "1", "2", "10", "100", "1000", "90", "180", "360", "60"})


def _fix_fits(fix: str, item: Item, ref: Reference) -> bool:
    """Whether the library's "how to do it instead" sentence may be said about ``item``: it
    gives nothing away and its numbers are the item's own or general facts — else its
    numbers are those of the library's example ("makes 12: 12 − 5"), which a child reads as
    this item's (and which may even equal its answer)."""
    if reveals_answer(fix, ref):
        return False
    own = set(_NUMBER_TOKEN.findall(" ".join((item.prompt, *(s.text for s in item.steps)))))
    return all(n in own or n in _GENERAL_NUMBERS for n in _NUMBER_TOKEN.findall(fix))


def _same(a: Any, b: Any) -> bool:
    from tutor.llm.guard import same_value

    return same_value(a, b)


def _bounded(plan: TextPlan) -> TextPlan:
    """The plan with its length and reading bounds set from its own template wordings: the
    template must always fit its plan (it is the text shown when the model's is not)."""
    from dataclasses import replace

    from tutor.llm.guard import reading_grade, sentence_chars

    loose = replace(plan, max_chars=10**6, max_reading_grade=99.0, max_sentence_chars=10**6)
    texts = [render_template(loose, v) for v in range(VARIANTS)]
    longest = max(len(t) for t in texts)
    if plan.language == "zh":
        sentence = max(max(sentence_chars(t), default=0) for t in texts)
        return replace(
            plan,
            max_chars=max(plan.max_chars, int(longest * 1.5)),
            max_reading_grade=99.0,
            # Chinese readability: a child reads ~30-character sentences at grade 3-4,
            # longer ones later (one more character per grade), never below the template.
            max_sentence_chars=max(sentence + 4, 26 + 2 * plan.grade),
        )
    hardest = max(reading_grade(t) for t in texts)
    return replace(
        plan,
        max_chars=max(plan.max_chars, int(longest * 1.5)),
        max_reading_grade=round(max(plan.grade + 2.0, hardest + 1.0), 1),
        max_sentence_chars=10**6,
    )


# --------------------------------------------------------------------------------------------
# The template: every plan worded with no model, in three styles and three phrasings
# --------------------------------------------------------------------------------------------

# Frames are (kind, language, style) -> VARIANTS phrasings. Slots: {n} the step number,
# {body} the kind's content, {answer}, {student}. Written for a child, second person;
# no "easy", "obviously", "just" (tests/unit/test_llm_plan.py checks the tone).
_EXPLAIN_OPEN: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "friendly"): (
        "Let's work through it together!",
        "Let's solve it step by step, together.",
        "Here's how you can work it out.",
    ),
    ("en", "formal"): (
        "Here is the worked solution.",
        "The solution, step by step:",
        "Follow these steps.",
    ),
    ("en", "casual"): (
        "OK, here's how it goes.",
        "Right, let's do this one.",
        "So, here's the plan.",
    ),
    ("zh", "friendly"): ("我们一起来算一算吧！", "我们一步一步来做吧。", "来，你可以这样想。"),
    ("zh", "formal"): ("解题过程如下。", "解答步骤如下：", "请按下面的步骤做。"),
    ("zh", "casual"): ("来，看看怎么做。", "好，我们来做这道题。", "这样做就行："),
}
_EXPLAIN_CLOSE: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "friendly"): (
        "So the answer is {answer}. Great job sticking with it!",
        "So the answer is {answer}. Well done for working it through!",
        "So the answer is {answer}. You did it step by step!",
    ),
    ("en", "formal"): (
        "Therefore, the answer is {answer}.",
        "So the answer is {answer}.",
        "Hence the answer is {answer}.",
    ),
    ("en", "casual"): (
        "So the answer is {answer}. Not so bad, right?",
        "So the answer is {answer}. Done!",
        "So the answer is {answer}. Nice work.",
    ),
    ("zh", "friendly"): (
        "所以答案是 {answer}。你真棒，继续加油！",
        "所以答案是 {answer}。一步一步来，你做到了！",
        "所以答案是 {answer}。继续加油哦！",
    ),
    ("zh", "formal"): ("因此，答案是 {answer}。", "所以答案是 {answer}。", "故答案是 {answer}。"),
    ("zh", "casual"): (
        "所以答案是 {answer}。不难吧？",
        "所以答案是 {answer}。搞定！",
        "所以答案是 {answer}。做得不错。",
    ),
}
# After a wrong answer the close says the answer plainly, with no praise: "Great job" next
# to "not quite" is what the issue saw.
_EXPLAIN_CLOSE_AFTER_WRONG = {
    "en": (
        "So the answer is {answer}.",
        "So the answer is {answer}.",
        "So the answer is {answer}.",
    ),
    "zh": ("所以答案是 {answer}。", "所以答案是 {answer}。", "所以答案是 {answer}。"),
}
#: One worked step as a line, per (language, style); shared with :mod:`tutor.llm.template`.
STEP_LINE = {
    ("en", "friendly"): "Step {n}: {text}",
    ("en", "formal"): "Step {n}. {text}",
    ("en", "casual"): "{word} {text}",
    ("zh", "friendly"): "第{n}步：{text}",
    ("zh", "formal"): "第{n}步：{text}",
    ("zh", "casual"): "{word}{text}",
}
#: The casual style's step openers, per language (also :mod:`tutor.llm.template`'s).
CASUAL_WORDS = {
    "en": ("First:", "Then:", "Next:", "After that:", "Finally:"),
    "zh": ("先，", "然后，", "接着，", "再，", "最后，"),
}
_YOU_WROTE = {
    "en": (
        "You answered {student}. Good try, let's see where it went off track.",
        "You answered {student}. Let's find the step that went off track.",
        "You answered {student}. Let's look at it again, one step at a time.",
    ),
    "zh": (
        "你写了 {student}，我们一起看看是哪里出了问题。",
        "你写了 {student}，我们来找找哪一步出了问题。",
        "你写了 {student}，我们再一步一步看一遍。",
    ),
}

_HINT_FRAME: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "friendly"): (
        "Here's a hint for step {n}: {body} You can do it!",
        "Let's look at step {n} together. {body} Give it a try!",
        "A little help with step {n}: {body} You've got this!",
    ),
    ("en", "formal"): (
        "Hint for step {n}: {body} Then you can continue.",
        "Step {n}: {body} You can go on from there.",
        "Consider step {n}. {body} Then try the rest yourself.",
    ),
    ("en", "casual"): (
        "Quick tip for step {n}: {body} Give it a go!",
        "Step {n}, here's a tip: {body} Try it!",
        "Stuck on step {n}? {body} Go for it!",
    ),
    ("zh", "friendly"): (
        "第{n}步的小提示：{body} 你一定可以的！",
        "我们一起看第{n}步。{body} 试一试吧！",
        "给你第{n}步的一点帮助：{body} 加油！",
    ),
    ("zh", "formal"): (
        "第{n}步提示：{body} 请你接着做。",
        "第{n}步：{body} 你可以接着往下做。",
        "请你看第{n}步。{body}",
    ),
    ("zh", "casual"): (
        "第{n}步小窍门：{body} 试试看！",
        "第{n}步可以这样想：{body} 来吧！",
        "卡在第{n}步了？{body} 动手试试！",
    ),
}
# The body of each rung of the ladder; {focus} is the plan's focus.
_HINT_BODY = {
    ("en", 1): (
        "You can use this idea: {focus}.",
        "Here is an idea for you: {focus}.",
        "You could start from this idea: {focus}.",
    ),
    ("en", 2): (
        "Fill in the box: {focus}. What do you put in the □?",
        "What number do you put in the box? {focus}.",
        "Can you complete this? {focus}. What fits in the □?",
    ),
    ("en", 3): (
        "Here is the step worked out for you: {focus}.",
        "This is how you do the step: {focus}.",
        "Look at how you can do this step: {focus}.",
    ),
    ("zh", 1): (
        "你可以用这个思路：{focus}。",
        "给你一个方法：{focus}。",
        "你可以从这里想起：{focus}。",
    ),
    ("zh", 2): (
        "请你把方框填上：{focus}。□里应该是多少？",
        "你觉得方框里填什么？{focus}。",
        "你来填一填：{focus}。□里是几？",
    ),
    ("zh", 3): (
        "这一步你可以这样做：{focus}。",
        "看看你这一步怎么做：{focus}。",
        "这一步的做法给你看：{focus}。",
    ),
}

_FEEDBACK: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "friendly"): (
        "{you} {why} {fix}Have another go. {next}",
        "Thanks for trying! {you} {why} {fix}Let's try again. {next}",
        "{you} {why} {fix}You can fix this. {next}",
    ),
    ("en", "formal"): (
        "{you} {why} {fix}Please try again. {next}",
        "{you} {why} {fix}Try the problem once more. {next}",
        "{you} {why} {fix}Work through it again. {next}",
    ),
    ("en", "casual"): (
        "{you} {why} {fix}Give it another go. {next}",
        "Hmm, {you_lower} {why} {fix}Try again! {next}",
        "{you} {why} {fix}One more try. {next}",
    ),
    ("zh", "friendly"): (
        "{you}{why}{fix}再试一次吧。{next}",
        "谢谢你认真做题！{you}{why}{fix}我们再来一次。{next}",
        "{you}{why}{fix}你可以改对的。{next}",
    ),
    ("zh", "formal"): (
        "{you}{why}{fix}请再做一次。{next}",
        "{you}{why}{fix}请重新做这道题。{next}",
        "{you}{why}{fix}请再检查一遍。{next}",
    ),
    ("zh", "casual"): (
        "{you}{why}{fix}再来一次吧。{next}",
        "嗯，{you}{why}{fix}再试试！{next}",
        "{you}{why}{fix}再做一遍。{next}",
    ),
}
_FEEDBACK_YOU = {
    "en": ("You wrote {student}, and that is not it yet.", "That's not it yet."),
    "zh": ("你写了 {student}，还不对。", "还不太对。"),
}
_FEEDBACK_NO_MC = {
    "en": "Let's check your first step.",
    "zh": "我们先检查第一步。",
}
_FEEDBACK_NEXT = {
    "en": "Start with step 1: {focus}.",
    "zh": "从第1步开始：{focus}。",
}

# Every why says "the answer is …" once, at the end of its sentence: the guard reads the
# answer there, not in the step.
_WHY: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "friendly"): (
        "Yes, you're right: the answer is {answer}. Here's why: {step}.",
        "Well done, you found it: the answer is {answer}. It works because: {step}.",
        "You got it, the answer is {answer}. The key step: {step}.",
    ),
    ("en", "formal"): (
        "Correct: the answer is {answer}. You can see why: {step}.",
        "You are right, the answer is {answer}. The reason: {step}.",
        "You are correct: the answer is {answer}. The key step: {step}.",
    ),
    ("en", "casual"): (
        "Yep, you got it, the answer is {answer}. Because: {step}.",
        "Nice, you're right, the answer is {answer}. Here's why: {step}.",
        "That's it, the answer is {answer}. The trick you used: {step}.",
    ),
    ("zh", "friendly"): (
        "对啦，你做对了！答案是 {answer}。原因是：{step}。",
        "做得好，你算对了，答案是 {answer}。因为：{step}。",
        "你答对了：答案是 {answer}。关键的一步：{step}。",
    ),
    ("zh", "formal"): (
        "正确，你做对了，答案是 {answer}。理由：{step}。",
        "你的结果正确，答案是 {answer}。因为：{step}。",
        "你答对了，答案是 {answer}。关键步骤：{step}。",
    ),
    ("zh", "casual"): (
        "没错，你算对了！答案是 {answer}。因为：{step}。",
        "对了，你做到了，答案是 {answer}。原因：{step}。",
        "你做对了，答案是 {answer}。诀窍在这里：{step}。",
    ),
}


# The working note (issue 20): an opening, the line named with what it should have been,
# the misconception in child-facing words, and what to do next. No dash after the line: the
# guard reads a dash as a minus sign.
_WORKING_OPEN: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "friendly"): (
        "Let's look at your working together.",
        "Thanks for showing your working!",
        "Good that you showed your working.",
    ),
    ("en", "formal"): (
        "Here is a note on your working.",
        "Your working was checked line by line.",
        "Please look at your working.",
    ),
    ("en", "casual"): (
        "Quick look at your working.",
        "OK, about your working.",
        "Let's check your lines.",
    ),
    ("zh", "friendly"): ("我们一起看看你的过程。", "谢谢你写出了过程！", "你写出了过程，真好。"),
    ("zh", "formal"): ("请看你的解题过程。", "你的过程已经逐行检查过了。", "关于你的解题过程："),
    ("zh", "casual"): ("看看你写的过程。", "来，看一下你的过程。", "我们查一查你写的每一行。"),
}
_WORKING_RIGHT_OPEN = {
    "en": (
        "Your answer is right! One line of your working slipped, though.",
        "You got the answer, well done. One line of your working needs a second look.",
        "Your answer is right. Let's tidy up one line of your working.",
    ),
    "zh": (
        "你的答案是对的！不过过程里有一行写得不对。",
        "答案做对了，真棒。过程里有一行要再看看。",
        "你的答案是对的。我们把过程里的一行改一改。",
    ),
}
_WORKING_LINE = {
    ("en", "value"): "Line {n}: {line}. It should be {expected}.",
    ("en", "side"): "Line {n}: {line}. Here {wrote} should be {expected}.",
    ("en", "none"): "Line {n}: {line}. This line is not right yet.",
    ("en", "side_none"): "Line {n}: {line}. Here {wrote} is not right yet.",
    ("zh", "value"): "第{n}行：{line}，应该是 {expected}。",
    ("zh", "side"): "第{n}行：{line}，其中 {wrote} 应该是 {expected}。",
    ("zh", "none"): "第{n}行：{line}，这一行还不对。",
    ("zh", "side_none"): "第{n}行：{line}，其中 {wrote} 还不对。",
}
_WORKING_CLOSE = {
    ("en", False): (
        "Fix this line first, then go on from there.",
        "Start again from this line.",
        "Correct this line and carry on from it.",
    ),
    ("en", True): (
        "Check that line once more next time.",
        "Keep your lines as careful as your answer.",
        "Have one more look at that line.",
    ),
    ("zh", False): (
        "先改好这一行，再接着往下算。",
        "从这一行重新算起。",
        "把这一行改对，再往下做。",
    ),
    ("zh", True): ("下次也检查一下这一行。", "过程也要和答案一样仔细哦。", "再看一眼这一行吧。"),
}
_WORKING_NO_LINE = {
    "en": (
        "You can check your working once more, one line at a time.",
        "Go through your working again, one line at a time.",
        "You could read your lines again, one at a time.",
    ),
    "zh": (
        "你可以再一行一行地检查过程。",
        "请你再一行一行看一遍过程。",
        "你再逐行看看自己的过程吧。",
    ),
}


def _working(plan: TextPlan, variant: int) -> str:
    lang = plan.language
    if plan.answer_right:
        opening = _pick(_WORKING_RIGHT_OPEN[lang], variant)
    else:
        opening = _pick(_WORKING_OPEN[(lang, plan.style)], variant)
    sep = "" if lang == "zh" else " "
    if not plan.line_number:
        return _tidy(sep.join((opening, _pick(_WORKING_NO_LINE[lang], variant))))
    chain = len(_RELATION_SIGNS.findall(normalize(plan.line_text))) > 1
    if not plan.line_expected:
        form = "side_none" if chain else "none"
    else:
        form = "side" if chain else "value"  # a chain: name the side that went wrong
    named = _WORKING_LINE[(lang, form)].format(
        n=plan.line_number, line=plan.line_text, wrote=plan.line_wrote, expected=plan.line_expected
    )
    said = sep.join(t for t in (plan.misconception, plan.misconception_fix) if t)
    close = _pick(_WORKING_CLOSE[(lang, plan.answer_right)], variant)
    return _tidy(sep.join(t for t in (opening, named, said, close) if t))


_RELATION_SIGNS = re.compile(r"<=|>=|<|>|=")


def _pick(options: tuple[str, ...], variant: int) -> str:
    return options[variant % len(options)]


def _casual_word(language: str, index: int, total: int) -> str:
    words = CASUAL_WORDS[language]
    if index == total - 1 and total > 1:
        return words[-1]
    return words[min(index, len(words) - 2)]


def _explanation(plan: TextPlan, variant: int) -> str:
    key = (plan.language, plan.style)
    lines = [_pick(_EXPLAIN_OPEN[key], variant)]
    if plan.student_answer is not None:
        lines.append(_pick(_YOU_WROTE[plan.language], variant).format(student=plan.student_answer))
    if plan.misconception:
        lines.append(" ".join(t for t in (plan.misconception, plan.misconception_fix) if t))
    for n, text in enumerate(plan.steps):
        word = _casual_word(plan.language, n, len(plan.steps))
        lines.append(STEP_LINE[key].format(n=n + 1, text=text, word=word))
    closes = (
        _EXPLAIN_CLOSE_AFTER_WRONG[plan.language]
        if plan.student_answer is not None
        else _EXPLAIN_CLOSE[key]
    )
    lines.append(_pick(closes, variant).format(answer=plan.answer))
    return "\n".join(lines)


def _hint(plan: TextPlan, variant: int) -> str:
    key = (plan.language, plan.style)
    focus = plan.focus
    if plan.language == "en" and focus[:1].isupper() and focus[1:2].islower():
        focus = focus[0].lower() + focus[1:]  # it follows a colon: "this idea: find …"
    body = _pick(_HINT_BODY[(plan.language, plan.hint_level)], variant).format(focus=focus)
    if plan.hint_level == 1 and plan.misconception_fix:
        body = f"{body} {plan.misconception_fix}"
    body = body.replace("。.", "。").replace("..", ".")
    text = _pick(_HINT_FRAME[key], variant).format(n=plan.hint_index + 1, body=body)
    return _tidy(text)


def _feedback(plan: TextPlan, variant: int) -> str:
    lang = plan.language
    you_with, you_without = _FEEDBACK_YOU[lang]
    you = you_with.format(student=plan.student_answer) if plan.student_answer else you_without
    why = plan.misconception or _FEEDBACK_NO_MC[lang]
    sep = "" if lang == "zh" else " "
    fix = f"{plan.misconception_fix}{sep}" if plan.misconception_fix else ""
    nxt = _FEEDBACK_NEXT[lang].format(focus=plan.focus)
    frame = _pick(_FEEDBACK[(lang, plan.style)], variant)
    text = frame.format(you=you, you_lower=you[0].lower() + you[1:], why=why, fix=fix, next=nxt)
    return _tidy(text)


def _why(plan: TextPlan, variant: int) -> str:
    step = plan.steps[-1].strip().rstrip("。.") if plan.steps else plan.answer
    text = _pick(_WHY[(plan.language, plan.style)], variant).format(answer=plan.answer, step=step)
    return _tidy(text)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text).strip()
    text = re.sub(r"\.\s*\.", ".", text)
    text = re.sub(r"。\s*。", "。", text)
    text = text.replace("？.", "？").replace("?.", "?").replace("!.", "!")
    return text


def render_template(plan: TextPlan, variant: int = 0) -> str:
    """The plan worded with no model: a child-facing text that stands alone, in the plan's
    language and style; ``variant`` picks one of :data:`VARIANTS` phrasings (any int; taken
    modulo). Hints and feedback never state the answer (the focus was made safe)."""
    if plan.kind == "explanation":
        return _explanation(plan, variant)
    if plan.kind == "hint":
        return _hint(plan, variant)
    if plan.kind == "feedback":
        return _feedback(plan, variant)
    if plan.kind == "working":
        return _working(plan, variant)
    return _why(plan, variant)


def sample_wrong_answers(item: Item) -> tuple[tuple[str, str] | None, str | None]:
    """For benchmarks and training data: ``((answer, misconception id) | None, answer | None)``
    — a wrong answer a buggy rule of the misconception library gives for ``item`` (first rule
    that applies, in library order), and a near miss no rule explains (the answer's number
    plus one, for a numeric answer). Either is None where none exists."""
    from fractions import Fraction

    from tutor.content.answers import check_answer
    from tutor.content.misconceptions import (
        buggy_answer,
        match_misconceptions,
        misconceptions_for_generator,
    )

    with_mc: tuple[str, str] | None = None
    for found in misconceptions_for_generator(item.generator):
        wrong = buggy_answer(found.id, item)
        if wrong is not None:
            with_mc = (wrong, found.id)
            break
    plain: str | None = None
    try:
        value = Fraction(item.answer.replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        value = None
    if value is not None:
        candidate = str(value + 1)
        try:
            wrong_status = check_answer(candidate, item.answer, item.policy).status
        except Exception:  # an odd answer policy: no near miss for this item
            wrong_status = "unreadable"
        if wrong_status == "incorrect" and not match_misconceptions(item, candidate):
            plain = candidate
    return with_mc, plain


# --------------------------------------------------------------------------------------------
# What the model sees
# --------------------------------------------------------------------------------------------

_OPEN, _CLOSE = "<tutor-data>", "</tutor-data>"


_STYLE_EN = {
    "formal": "clear and formal, like a textbook",
    "casual": "relaxed and casual, like an older student helping out",
    "friendly": "warm and encouraging, like a kind teacher",
}
_STYLE_ZH = {
    "formal": "清楚、规范，像教科书",
    "casual": "轻松随意，像热心的学长",
    "friendly": "温暖、鼓励，像亲切的老师",
}
_KIND_EN = {
    "explanation": "a worked explanation of the problem, ending with the answer",
    "hint": "one short hint for one step; never give the answer",
    "feedback": "what to tell the student right after a wrong answer; never give the answer",
    "why": "a short reason why the student's correct answer is right",
    "working": (
        "a short note on the student's working: name the wrong line exactly as written and "
        "what it should be"
    ),
}
_KIND_ZH = {
    "explanation": "这道题的讲解，最后说出答案",
    "hint": "针对一步的简短提示，绝对不能说出答案",
    "feedback": "学生答错后对他说的话，绝对不能说出答案",
    "why": "简短说明学生的正确答案为什么对",
    "working": "对学生解题过程的简短说明：照原样写出错的那一行，并说出它应该是多少",
}


def _dump(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def plan_prompt(plan: TextPlan) -> list[Message]:
    """The chat messages a model words ``plan`` from: instructions in the plan's language,
    the facts (and nothing the text may not say: a hint's prompt never carries the answer),
    and the template's wording as the draft to reword in the plan's style. The system
    message ends with the plan as a ``<tutor-data>`` block (the template backend reads it;
    see :func:`tutor.llm.prompts.read_payload`)."""
    draft = render_template(plan, 0)
    shown = plan.to_json()
    if plan.kind != "working":
        # The working note's fields stay out of every other kind's data: those prompts read
        # exactly as before issue 20 (TextPlan.from_json fills in the defaults).
        for name in ("line_number", "line_text", "line_expected", "line_wrote", "answer_right"):
            shown.pop(name)
    if not plan.may_state_answer:
        # What the model is not told, it cannot give away: a hint's or feedback's data carry
        # only the safe focus, never the step's result or the answer.
        shown.update(answer="", steps=[plan.focus], claims=[], key_terms=[], step_terms=[])
    data = {"task": "plan", "plan": shown}
    limit = plan.max_chars
    if plan.language == "zh":
        system = (
            "你是一位耐心的小学和初中数学老师，正在和一个学生说话。"
            f"任务：写{_KIND_ZH[plan.kind]}。请用中文改写老师的草稿，语气{_STYLE_ZH[plan.style]}，"
            "用“你”称呼学生。保留草稿里的每一个数和算式，不要添加新的数，不要重复句子，"
            f"不要写题目以外的内容。不超过 {limit // 2} 个字。只写改写后的话。"
        )
        user = f"题目：{plan.prompt}\n老师的草稿：\n{draft}"
    else:
        system = (
            "You are a patient maths tutor talking to one school child. "
            f"Task: {_KIND_EN[plan.kind]}. Reword the tutor's draft in English, "
            f"{_STYLE_EN[plan.style]}, speaking to the student as 'you'. Keep every number and "
            "every maths expression exactly as in the draft; add no new numbers; do not repeat "
            f"sentences. Use short, simple words. At most {limit // 2} characters. Reply with "
            "the reworded text only."
        )
        user = f"Problem: {plan.prompt}\nTutor's draft:\n{draft}"
    return [
        Message("system", f"{system}\n\n{_OPEN}{_dump(data)}{_CLOSE}"),
        Message("user", user),
    ]
