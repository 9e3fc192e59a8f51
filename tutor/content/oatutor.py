"""Read OATutor's open problems (steps, hints, scaffolds) for the item bank.

`OATutor <https://oatutor.io>`_ publishes its content (``CAHLR/OATutor-Content``) under
CC BY 4.0; most problems are adapted from OpenStax textbooks. The shared copy
(``shared/data/oatutor-content``, see its README) holds three files:

* ``problems.jsonl`` — one problem per line, each with its steps and each step's tutoring
  pathway (hints and scaffolds, scaffolds possibly with ``subHints``);
* ``skillModel.json`` — step id → OATutor skill names;
* ``coursePlans.json`` — the courses and their lessons.

:func:`read_oatutor` is a pure reader: it validates the whole folder first (a missing file
or broken JSON raises one :class:`~tutor.errors.InputError` and nothing is returned), keeps
the algebra problems a text-only tutor can use, maps their OATutor skills to our knowledge
points through ``content/k12-math/oatutor_skill_map.csv`` and reports what it kept, mapped and
skipped. Storing the result is the caller's job.

Which problems count as algebra
    The whole of the four algebra courses in :data:`ALGEBRA_COURSES`: OpenStax Elementary
    Algebra, Intermediate Algebra and College Algebra, and OATutor's own Solid Foundations:
    Algebra — except that course's ``TEST`` lesson (placeholder content with the skill
    ``test``). Not included: Pre-Calculus, Calculus, statistics, physics and chemistry
    (not algebra), and the SJSU 1018 / 1019S course collections: they are algebra, but
    re-use OpenStax algebra problems under new ids (about 60 % of their problems repeat one
    in the four courses word for word), so importing them would mostly duplicate items.

What is skipped (each counted under its reason in :attr:`ImportReport.skipped`)
    ``other_course`` (not an algebra course), ``test_lesson``, ``figure`` (the problem, a step
    or a choice refers to a picture ``##figure….gif##``, and the pictures were not copied),
    ``variabilized`` (holds ``@{name}`` placeholders that OATutor fills in at run time),
    ``no_steps``, ``no_answer`` (no step has an answer) and ``duplicate`` (same body, step
    texts and answers as a problem kept earlier in file order). A hint or scaffold that
    refers to a missing figure is dropped from its step (counted in
    :attr:`ImportReport.dropped_hints`) while the problem is kept.

Knowledge points
    A step's skills come from ``skillModel.json``; a skill maps to a knowledge point only
    where the curated map says so. A problem's ``kp`` is the mapped knowledge point of its
    steps' skills; where they map to different ones, the one of the highest grade wins — it
    is the one that needs the others — then, within a grade, one that (transitively)
    requires another candidate, then the one more steps map to, then the smaller id. A
    problem none of whose skills map keeps ``kp=None`` and its own OATutor ``skills``.

Answers
    Step answers are kept exactly as given (often ``$$…$$`` LaTeX). For each one the step
    also says whether :func:`tutor.content.answers.parse_answer` can read it
    (``answers_readable``) after removing the ``$$`` and rewriting simple LaTeX
    (``\\frac``, ``\\sqrt``, ``^{}``, ``\\left(``…), and the text it read (``answers_plain``),
    so the app knows which answers it can check itself. Texts keep ``$$…$$`` math as is.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import string
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from tutor.content.answers import UnreadableAnswer, parse_answer
from tutor.content.csvfiles import read_csv
from tutor.errors import InputError
from tutor.resources import shipped_path

__all__ = [
    "ALGEBRA_COURSES",
    "CC_BY_4",
    "EXCLUDED_LESSONS",
    "ImportReport",
    "ImportedHint",
    "ImportedProblem",
    "ImportedStep",
    "read_oatutor",
    "read_skill_map",
    "to_plain_answer",
]

log = logging.getLogger(__name__)

PROBLEMS_FILE = "problems.jsonl"
SKILLS_FILE = "skillModel.json"
COURSES_FILE = "coursePlans.json"

#: The courses whose problems are imported, with a short name of their source for attribution.
ALGEBRA_COURSES: Mapping[str, str] = {
    "OpenStax: Elementary Algebra": "OpenStax Elementary Algebra 2e",
    "OpenStax: Intermediate Algebra": "OpenStax Intermediate Algebra 2e",
    "OpenStax: College Algebra": "OpenStax College Algebra 2e",
    "Solid Foundations: Algebra": "OATutor Solid Foundations: Algebra",
}

#: (course, lesson) pairs left out of the algebra courses.
EXCLUDED_LESSONS: frozenset[tuple[str, str]] = frozenset({("Solid Foundations: Algebra", "TEST")})

#: The repository-level licence statement, used where a problem's own ``license`` is empty.
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/ <CC BY 4.0>"
_CC_BY_4_URL = "https://creativecommons.org/licenses/by/4.0/"
OATUTOR_URL = "https://oatutor.io"

SkipReason = Literal[
    "other_course",
    "test_lesson",
    "figure",
    "variabilized",
    "no_steps",
    "no_answer",
    "duplicate",
]

# The figures were not copied; texts point at them as ##figure1.gif## (sometimes with the
# closing ## missing or a caption inside), so the opening is what we look for.
_FIGURE = re.compile(r"##\s*figure", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"@\{\w+\}")
_URL = re.compile(r"^https?://\S+$|^[\w.-]+\.(?:org|io|com|edu)\S*$", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedHint:
    """One hint or scaffold of a step's tutoring pathway, in OATutor's order.

    A scaffold is a small question of its own (``answer``, and ``choices`` when it is
    multiple choice); a hint only has text. Sub-hints of a scaffold follow it directly.
    """

    id: str
    kind: Literal["hint", "scaffold"]
    title: str
    text: str
    answer: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        return _json_dict(asdict(self))


@dataclass(frozen=True)
class ImportedStep:
    """One step (sub-question) of a problem, with its answers, skills and hints.

    ``answers`` are as OATutor gives them; ``answers_readable[i]`` says whether
    :func:`~tutor.content.answers.parse_answer` reads ``answers_plain[i]`` (the answer
    without ``$$`` and simple LaTeX rewritten; ``""`` when unreadable).
    """

    id: str
    title: str
    body: str
    answers: tuple[str, ...]
    problem_type: str
    answer_type: str
    choices: tuple[str, ...]
    skills: tuple[str, ...]
    hints: tuple[ImportedHint, ...]
    answers_plain: tuple[str, ...] = ()
    answers_readable: tuple[bool, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists, hints become dicts)."""
        return _json_dict(asdict(self))


@dataclass(frozen=True)
class ImportedProblem:
    """An OATutor problem ready for the item bank, with its attribution (CC BY 4.0)."""

    id: str
    title: str
    body: str
    course: str
    lesson: str
    skills: tuple[str, ...]
    kp: str | None
    steps: tuple[ImportedStep, ...]
    attribution: str
    license: str
    oer: str
    source: str = "oatutor"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists, steps and hints become dicts)."""
        return _json_dict(asdict(self))


@dataclass(frozen=True)
class ImportReport:
    """What :func:`read_oatutor` did.

    ``read`` counts every problem in the file; ``read == imported + sum(skipped.values())``.
    ``mapped`` problems have a ``kp``; ``unmapped`` keep only their OATutor skills.
    ``by_course`` and ``by_kp`` count imported problems; ``dropped_hints`` counts hints and
    scaffolds left out of kept problems because they refer to a missing figure.
    """

    read: int
    imported: int
    mapped: int
    unmapped: int
    skipped: dict[str, int] = field(default_factory=dict)
    by_course: dict[str, int] = field(default_factory=dict)
    by_kp: dict[str, int] = field(default_factory=dict)
    dropped_hints: int = 0

    @property
    def algebra_read(self) -> int:
        """Problems of the algebra courses read (all problems minus ``other_course``)."""
        return self.read - self.skipped.get("other_course", 0)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return _json_dict(asdict(self))

    def summary(self) -> str:
        """One line for the CLI: how many were read, imported and mapped."""
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items()))
        return (
            f"OATutor: read {self.read} problems ({self.algebra_read} algebra), imported "
            f"{self.imported}, mapped to a knowledge point {self.mapped}, kept under their "
            f"own skills {self.unmapped}; skipped: {skipped or 'none'}"
        )


def _json_dict(value: dict[str, Any]) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in value.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------

# LaTeX commands with a plain equivalent in the answer syntax; any other command left over
# makes the answer unreadable (better than guessing what it means).
_LATEX_WORDS = {
    r"\cdot": "*",
    r"\times": "*",
    r"\div": "/",
    r"\leq": "<=",
    r"\le": "<=",
    r"\geq": ">=",
    r"\ge": ">=",
    r"\pi": "π",
    r"\left": "",
    r"\right": "",
}
# Longest first, and never the start of a longer command (``\\le`` is not ``\\left``).
_LATEX_KNOWN = re.compile(
    "(?:"
    + "|".join(re.escape(w) for w in sorted(_LATEX_WORDS, key=len, reverse=True))
    + r")(?![A-Za-z])"
)
_LATEX_SPACES = re.compile(r"\\[,;:! ]|~")
_LATEX_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_LATEX_SQRT = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
_LATEX_BRACED = re.compile(r"\{([^{}]*)\}")
# Not right after a command name (``\frac{``) or a closing brace (a second argument).
_LATEX_INNER = re.compile(r"(?<![A-Za-z}])\{([^{}]*)\}")
_LATEX_WORD = re.compile(r"\\[A-Za-z]+")
_WORD = re.compile(r"[A-Za-z]{2,}")
# Letter runs that are maths, not words (implicit products such as "xy" are fine too).
_MATH_RUNS = frozenset({"sqrt", "pi"})
# Two-letter English words that would otherwise read as a product of two variables.
_SHORT_WORDS = frozenset({"or", "and", "no", "is", "it", "to", "of", "on", "in", "an", "at"})
_ALL_LETTERS: tuple[str, ...] = tuple(string.ascii_letters)
_SIMPLE_NUMBER = re.compile(r"^-?\d{1,15}(?:\.\d{1,15})?$")


def to_plain_answer(answer: str) -> str:
    """``answer`` without ``$$`` and with simple LaTeX rewritten in the answer syntax.

    ``$$\\frac{3}{4}x$$`` → ``((3)/(4))x``; ``\\sqrt{2}`` → ``√(2)``; ``x^{2}`` → ``x^(2)``;
    ``\\left(`` / ``\\right)`` → ``(`` / ``)``. Commands it does not know are left in place
    (so the answer stays unreadable rather than being misread).
    """
    text = answer.strip()
    if text.startswith("$$") and text.endswith("$$") and len(text) >= 4:
        text = text[2:-2]
    text = text.replace("$", "").strip()
    text = _LATEX_SPACES.sub(" ", text)
    # Innermost first, so nested fractions and roots unwind from the inside out; a brace
    # group that is no command's argument (``{10}^2`` inside a fraction) becomes brackets.
    for _ in range(50):
        new = _LATEX_FRAC.sub(r"((\1)/(\2))", text)
        new = _LATEX_SQRT.sub(r"√(\1)", new)
        if new == text:
            new = _LATEX_INNER.sub(r"(\1)", text)
        if new == text:
            break
        text = new
    text = _LATEX_KNOWN.sub(lambda m: _LATEX_WORDS[m.group(0)], text)
    for _ in range(10):
        new = _LATEX_BRACED.sub(r"(\1)", text)
        if new == text:
            break
        text = new
    return " ".join(text.split())


@functools.lru_cache(maxsize=8192)
def _readable(plain: str) -> bool:
    """Whether :func:`parse_answer` reads ``plain`` as a maths answer (not as words)."""
    if not plain or _LATEX_WORD.search(plain):
        return False
    if _SIMPLE_NUMBER.match(plain):
        return True  # most answers; no need to build sympy objects for these
    for run in _WORD.findall(plain):
        lowered = run.lower()
        if lowered in _SHORT_WORDS:
            return False
        # Longer runs are words ("undefined", "none") unless made only of sqrt/pi.
        rest = lowered.replace("sqrt", "").replace("pi", "")
        if len(run) > 2 and rest and len(rest) > 2:
            return False
    try:
        parse_answer(plain, variables=_ALL_LETTERS)
    except UnreadableAnswer:
        return False
    except Exception:  # a sympy corner must not stop an import; the answer is just unread
        log.debug("parse_answer failed on %r", plain, exc_info=True)
        return False
    return True


# --------------------------------------------------------------------------------------------
# Reading and validating the folder
# --------------------------------------------------------------------------------------------


def _need_file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise InputError(
            f"{path} is missing: an OATutor content folder needs {PROBLEMS_FILE}, "
            f"{SKILLS_FILE} and {COURSES_FILE} (see shared/data/oatutor-content/README.md)"
        )
    return path


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text (bad byte at offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not valid JSON (line {exc.lineno}: {exc.msg}); "
            "restore it from the OATutor content copy"
        ) from None


def _read_skill_model(path: Path) -> dict[str, tuple[str, ...]]:
    data = _load_json(path)
    if not isinstance(data, dict):
        raise InputError(f"{path} must hold a JSON object mapping step ids to skill lists")
    model: dict[str, tuple[str, ...]] = {}
    for step_id, skills in data.items():
        if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
            raise InputError(
                f"{path}: the skills of step {step_id!r} must be a list of names, "
                f"not {skills!r:.60}"
            )
        model[step_id] = tuple(dict.fromkeys(s.strip() for s in skills if s.strip()))
    return model


def _read_course_oers(path: Path) -> dict[str, str]:
    data = _load_json(path)
    if not isinstance(data, list) or not all(isinstance(c, dict) for c in data):
        raise InputError(f"{path} must hold a JSON list of course objects")
    oers: dict[str, str] = {}
    for course in data:
        name = course.get("courseName")
        if not isinstance(name, str):
            raise InputError(f"{path}: a course has no courseName")
        oers[name] = str(course.get("courseOER") or "")
    return oers


def _read_problems(path: Path) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    try:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"{path}, line {number}: not valid JSON ({exc.msg}); "
                        "each line must be one problem object — restore the file"
                    ) from None
                _check_problem(path, number, record)
                problems.append(record)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text (bad byte at offset {exc.start})") from None
    if not problems:
        raise InputError(f"{path} holds no problems; it needs one JSON problem per line")
    return problems


def _check_problem(path: Path, number: int, record: Any) -> None:
    where = f"{path}, line {number}"
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a problem object, found {type(record).__name__}")
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise InputError(f"{where}: the problem has no id")
    if not isinstance(record.get("steps", []), list):
        raise InputError(f"{where}: 'steps' of problem {record['id']!r} must be a list")
    for step in record.get("steps", []):
        if not isinstance(step, dict) or not isinstance(step.get("id"), str):
            raise InputError(f"{where}: problem {record['id']!r} has a step without an id")
        if not isinstance(step.get("tutoring", []), list):
            raise InputError(f"{where}: 'tutoring' of step {step['id']!r} must be a list")


# --------------------------------------------------------------------------------------------
# Skill map and knowledge-point ranking
# --------------------------------------------------------------------------------------------


def read_skill_map(path: Path | None = None, *, kp_ids: Collection[str]) -> dict[str, str]:
    """The curated ``skill,kp,note`` map (default: the shipped ``oatutor_skill_map.csv``).

    Raises:
        InputError: a kp is not in ``kp_ids``, or a skill is listed twice.
    """
    path = path or shipped_path("content/k12-math/oatutor_skill_map.csv")
    table = read_csv(
        path,
        what="OATutor skill map",
        required=("skill", "kp"),
        allowed=("note",),
        max_bytes=4 * 1024 * 1024,
    )
    known = set(kp_ids)
    mapping: dict[str, str] = {}
    for line, row in table.rows:
        skill, kp = row["skill"], row["kp"]
        where = f"OATutor skill map {table.path}, line {line}"
        if not skill or not kp:
            raise InputError(f"{where}: both skill and kp are needed")
        if kp not in known:
            raise InputError(
                f"{where}: knowledge point {kp!r} is not in the curriculum; "
                "fix the map or load the default (k12-math) curriculum"
            )
        if skill in mapping:
            raise InputError(f"{where}: skill {skill!r} is mapped twice")
        mapping[skill] = kp
    return mapping


@dataclass(frozen=True)
class _KpRanks:
    grades: Mapping[str, int]
    requires: Mapping[str, frozenset[str]]  # kp -> its direct prerequisites

    def ancestors(self, kp: str) -> set[str]:
        seen: set[str] = set()
        stack = list(self.requires.get(kp, ()))
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(self.requires.get(node, ()))
        return seen

    def pick(self, counts: Counter[str]) -> str:
        """The knowledge point that needs the others (see the module docstring)."""
        if len(counts) == 1:
            return next(iter(counts))
        candidates = set(counts)

        def key(kp: str) -> tuple[int, int, int, str]:
            needs = len(self.ancestors(kp) & candidates)
            # Negated id so that max() prefers the alphabetically smaller one on a full tie.
            return (self.grades.get(kp, 0), needs, counts[kp], _negate(kp))

        return max(candidates, key=key)


def _negate(text: str) -> str:
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def _pack_ranks(pack: Path) -> _KpRanks:
    nodes = read_csv(
        pack / "knowledge_points.csv",
        what="knowledge points file",
        required=("id", "grade"),
        allowed=None,
        max_bytes=16 * 1024 * 1024,
    )
    grades: dict[str, int] = {}
    for _, row in nodes.rows:
        try:
            grades[row["id"]] = int(row["grade"])
        except ValueError:
            grades[row["id"]] = 0  # K or blank: lowest
    edges = read_csv(
        pack / "prerequisites.csv",
        what="edges file",
        required=("from", "to"),
        allowed=(),
        max_bytes=16 * 1024 * 1024,
        allow_no_rows=True,
    )
    requires: dict[str, set[str]] = {}
    for _, row in edges.rows:
        requires.setdefault(row["to"], set()).add(row["from"])
    return _KpRanks(grades, {k: frozenset(v) for k, v in requires.items()})


# --------------------------------------------------------------------------------------------
# Building the problems
# --------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())


def _has_figure(texts: Iterable[str]) -> bool:
    return any(_FIGURE.search(t) for t in texts)


def _problem_texts(record: Mapping[str, Any]) -> list[str]:
    texts = [_text(record.get("title")), _text(record.get("body"))]
    for step in record.get("steps", []):
        texts += [_text(step.get("stepTitle")), _text(step.get("stepBody"))]
        texts += _strings(step.get("choices"))
        texts += _strings(step.get("stepAnswer"))
    return texts


def _all_texts(record: Mapping[str, Any]) -> list[str]:
    texts = _problem_texts(record)
    for step in record.get("steps", []):
        for hint in _flat_tutoring(step.get("tutoring", [])):
            texts += [_text(hint.get("title")), _text(hint.get("text"))]
            texts += _strings(hint.get("hintAnswer")) + _strings(hint.get("choices"))
    return texts


def _flat_tutoring(tutoring: Iterable[Any]) -> list[dict[str, Any]]:
    """Hints and scaffolds in order, each scaffold followed by its sub-hints."""
    flat: list[dict[str, Any]] = []
    for hint in tutoring:
        if not isinstance(hint, dict):
            continue
        flat.append(hint)
        flat.extend(h for h in hint.get("subHints") or [] if isinstance(h, dict))
    return flat


def _hints(tutoring: Iterable[Any]) -> tuple[tuple[ImportedHint, ...], int]:
    hints: list[ImportedHint] = []
    seen: set[str] = set()
    dropped = 0
    for raw in _flat_tutoring(tutoring):
        hint_id = _text(raw.get("id"))
        if hint_id in seen:  # the source repeats some hints verbatim
            continue
        seen.add(hint_id)
        title, text = _text(raw.get("title")), _text(raw.get("text"))
        answer, choices = _strings(raw.get("hintAnswer")), _strings(raw.get("choices"))
        if _has_figure([title, text, *answer, *choices]):
            dropped += 1
            continue
        kind: Literal["hint", "scaffold"] = "scaffold" if raw.get("type") == "scaffold" else "hint"
        hints.append(ImportedHint(hint_id, kind, title, text, answer, choices))
    return tuple(hints), dropped


def _step(raw: Mapping[str, Any], skills: tuple[str, ...]) -> tuple[ImportedStep, int]:
    answers = _strings(raw.get("stepAnswer"))
    plain = tuple(to_plain_answer(a) for a in answers)
    readable = tuple(_readable(p) for p in plain)
    hints, dropped = _hints(raw.get("tutoring", []))
    step = ImportedStep(
        id=raw["id"],
        title=_text(raw.get("stepTitle")),
        body=_text(raw.get("stepBody")),
        answers=answers,
        problem_type=_text(raw.get("problemType")),
        answer_type=_text(raw.get("answerType")),
        choices=_strings(raw.get("choices")),
        skills=skills,
        hints=hints,
        answers_plain=tuple(p if ok else "" for p, ok in zip(plain, readable, strict=True)),
        answers_readable=readable,
    )
    return step, dropped


def _split_oer(oer: str) -> tuple[str, str]:
    """``"https://… <OpenStax: College Algebra>"`` → (url, name); either may be ``""``."""
    oer = oer.strip()
    m = re.match(r"^(\S*)\s*<([^>]*)>\s*$", oer)
    url, name = (m.group(1), m.group(2).strip()) if m else (oer, "")
    if not _URL.match(url):
        return "", name or url
    if not url.lower().startswith("http"):
        url = "https://" + url
    return url, name


def _attribution(title: str, course: str, oer: str) -> str:
    url, _ = _split_oer(oer)
    if "openstax.org" in url.lower():
        book = ALGEBRA_COURSES.get(course, "OpenStax")
        if not book.startswith("OpenStax"):
            book = "OpenStax"
        return (
            f'"{title}" is adapted from {book} by OpenStax ({url}); steps and hints by '
            f"OATutor ({OATUTOR_URL}). Licensed under CC BY 4.0 ({_CC_BY_4_URL})."
        )
    return (
        f'"{title}", with its steps and hints, is from OATutor ({OATUTOR_URL}), course '
        f"{course}. Licensed under CC BY 4.0 ({_CC_BY_4_URL})."
    )


def _duplicate_key(record: Mapping[str, Any]) -> tuple[Any, ...]:
    steps = tuple(
        (_text(s.get("stepTitle")), _text(s.get("stepBody")), _strings(s.get("stepAnswer")))
        for s in record.get("steps", [])
    )
    return (_text(record.get("body")), steps)


def _skip_reason(record: Mapping[str, Any], seen: set[tuple[Any, ...]]) -> SkipReason | None:
    course = _text(record.get("courseName"))
    if course not in ALGEBRA_COURSES:
        return "other_course"
    if (course, _text(record.get("lesson"))) in EXCLUDED_LESSONS:
        return "test_lesson"
    steps = record.get("steps", [])
    if not steps:
        return "no_steps"
    if _has_figure(_problem_texts(record)):
        return "figure"
    if any(_PLACEHOLDER.search(t) for t in _all_texts(record)):
        return "variabilized"
    if not any(_strings(s.get("stepAnswer")) for s in steps):
        return "no_answer"
    key = _duplicate_key(record)
    if key in seen:
        return "duplicate"
    seen.add(key)
    return None


def read_oatutor(
    folder: Path,
    *,
    kp_ids: Collection[str],
    skill_map: Path | None = None,
    pack: Path | None = None,
) -> tuple[list[ImportedProblem], ImportReport]:
    """Read the algebra problems of an OATutor content folder, mapped to knowledge points.

    Args:
        folder: holds ``problems.jsonl``, ``skillModel.json`` and ``coursePlans.json``.
        kp_ids: the knowledge points of the loaded curriculum; every kp of the skill map
            must be one of them.
        skill_map: the ``skill,kp,note`` CSV (default: the shipped
            ``content/k12-math/oatutor_skill_map.csv``).
        pack: the curriculum pack whose grades and prerequisites rank knowledge points when
            a problem's steps map to several (default: the shipped ``content/k12-math``).

    Returns:
        The imported problems in file order and a report of what was read, kept, mapped
        and skipped (see the module docstring for which problems are kept).

    Raises:
        InputError: the folder or a file is missing, a file is not valid JSON (the message
            names the file and line), or the skill map names an unknown knowledge point.
            Nothing is returned in part.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            f"OATutor content folder {folder} does not exist; pass the folder that holds "
            f"{PROBLEMS_FILE} (e.g. shared/data/oatutor-content)"
        )
    problems_path = _need_file(folder, PROBLEMS_FILE)
    skills_path = _need_file(folder, SKILLS_FILE)
    courses_path = _need_file(folder, COURSES_FILE)
    skill_model = _read_skill_model(skills_path)
    course_oers = _read_course_oers(courses_path)
    records = _read_problems(problems_path)
    mapping = read_skill_map(skill_map, kp_ids=kp_ids)
    ranks = _pack_ranks(pack or shipped_path("content/k12-math"))

    imported: list[ImportedProblem] = []
    skipped: Counter[str] = Counter()
    by_course: Counter[str] = Counter()
    by_kp: Counter[str] = Counter()
    dropped_hints = 0
    seen: set[tuple[Any, ...]] = set()
    for record in records:
        reason = _skip_reason(record, seen)
        if reason is not None:
            skipped[reason] += 1
            continue
        problem, dropped = _problem(record, skill_model, mapping, ranks, course_oers)
        dropped_hints += dropped
        imported.append(problem)
        by_course[problem.course] += 1
        if problem.kp is not None:
            by_kp[problem.kp] += 1
    mapped = sum(by_kp.values())
    report = ImportReport(
        read=len(records),
        imported=len(imported),
        mapped=mapped,
        unmapped=len(imported) - mapped,
        skipped=dict(sorted(skipped.items())),
        by_course=dict(sorted(by_course.items())),
        by_kp=dict(sorted(by_kp.items())),
        dropped_hints=dropped_hints,
    )
    log.info("%s", report.summary())
    return imported, report


def _problem(
    record: Mapping[str, Any],
    skill_model: Mapping[str, tuple[str, ...]],
    mapping: Mapping[str, str],
    ranks: _KpRanks,
    course_oers: Mapping[str, str],
) -> tuple[ImportedProblem, int]:
    steps: list[ImportedStep] = []
    dropped = 0
    kp_counts: Counter[str] = Counter()
    for raw in record["steps"]:
        skills = skill_model.get(raw["id"], ())
        step, lost = _step(raw, skills)
        steps.append(step)
        dropped += lost
        # Each step votes once per knowledge point, however many of its skills map there.
        kp_counts.update({mapping[s] for s in skills if s in mapping})
    course = _text(record.get("courseName"))
    title = _text(record.get("title"))
    oer = _text(record.get("oer"))
    if not oer:
        # Empty: fall back to the course's source where it is a link, else to OATutor itself.
        course_oer = course_oers.get(course, "")
        oer = course_oer if _split_oer(course_oer)[0] else f"{OATUTOR_URL} <OATutor>"
    problem = ImportedProblem(
        id=record["id"],
        title=title,
        body=_text(record.get("body")),
        course=course,
        lesson=_text(record.get("lesson")),
        skills=tuple(dict.fromkeys(s for step in steps for s in step.skills)),
        kp=ranks.pick(kp_counts) if kp_counts else None,
        steps=tuple(steps),
        attribution=_attribution(title, course, oer),
        license=_text(record.get("license")) or CC_BY_4,
        oer=oer,
    )
    return problem, dropped
