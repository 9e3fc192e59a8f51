"""What a teacher reads about a class: the class report and the CSV export of its answers.

Functions of the store (read only): :func:`class_report` gathers the stored mastery and
answers of a class's students into a :class:`ClassReport` (the weakest points, the most
frequent misconceptions, who needs help and why, and — with enough answers — the class-level
cognitive diagnosis); :func:`export_class_csv` writes every recorded answer as CSV that is
safe to open in a spreadsheet. The engine and the teacher's facade call these.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tutor.domain import Attempt, MasteryState
from tutor.errors import TutorError
from tutor.i18n import render
from tutor.learner.mastery import DEFAULT_BKT, is_mastered

if TYPE_CHECKING:
    from tutor.diagnosis.class_cdm import ClassDiagnosis
    from tutor.graph import GraphStore

__all__ = [
    "CDM_MIN_RESPONSES",
    "CDM_RECENT_PER_POINT",
    "ClassReport",
    "class_report",
    "export_class_csv",
]

log = logging.getLogger(__name__)

#: needs_help: this many wrong answers in a row …
WRONG_IN_A_ROW = 3
#: … or fewer than half right in the last this-many answers (no progress).
NO_PROGRESS_WINDOW = 8
#: Example wrong answers shown per misconception.
MISCONCEPTION_EXAMPLES = 3
#: The class-level cognitive diagnosis runs only with at least this many answers.
CDM_MIN_RESPONSES = 40
#: … fitted on each student's latest answers per point only: DINA assumes a student's
#: state does not change over the answers it reads, so a whole history of "wrong, wrong,
#: wrong, wrong, right, right, right" (a student who has just learnt it) read as "not
#: mastered" while the learner model, which tracks learning, said mastered (issue 18).
CDM_RECENT_PER_POINT = 4
#: Cells of an exported CSV that a spreadsheet would run as a formula get a quote first.
_FORMULA_START = ("=", "+", "@", "\t", "\r")


@dataclass(frozen=True)
class ClassReport:
    """What a teacher reads about one class (JSON-ready via :meth:`to_json`).

    ``kps`` are the points the class has practised, in curriculum order; ``mastery`` the
    stored BKT mastery per student and point (the prior where a student has no evidence
    yet); ``answers`` how many answers each student gave on each of those points (0:
    never tried it, whatever ``mastery`` estimates from related answers); ``weakest``
    (point, mean mastery, students who answered it), lowest first, top 10;
    ``misconceptions`` (id, count, example answers), most frequent first; ``needs_help``
    (student, reason in English, reason in Chinese); ``cdm`` the class-level DINA
    mastery probabilities when the class has enough answers (fitted on each student's
    latest :data:`CDM_RECENT_PER_POINT` answers per point), else None; ``goals`` each
    student's goal.
    """

    class_id: str
    students: list[str]
    kps: list[str]
    mastery: dict[str, dict[str, float]]
    weakest: list[tuple[str, float, int]]
    misconceptions: list[tuple[str, int, list[str]]]
    needs_help: list[tuple[str, str, str]]
    cdm: dict[str, dict[str, float]] | None
    answers: dict[str, dict[str, int]] = field(default_factory=dict)
    goals: dict[str, str | None] = field(default_factory=dict)
    #: how many of each student's latest answers per point the class model read
    cdm_recent: int = CDM_RECENT_PER_POINT

    def not_tried(self) -> int:
        """How many (student, point) cells of the heatmap have no answer of the student."""
        return sum(
            1 for sid in self.students for kp in self.kps if not self.answers.get(sid, {}).get(kp)
        )

    def class_goal(self) -> str | None:
        """The class's current goal: the goal most of its students have (None if none)."""
        counts = Counter(g for g in self.goals.values() if g is not None)
        return counts.most_common(1)[0][0] if counts else None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (tuples as lists)."""
        return {
            "class_id": self.class_id,
            "students": list(self.students),
            "kps": list(self.kps),
            "mastery": {s: dict(m) for s, m in self.mastery.items()},
            "weakest": [[kp, mean, n] for kp, mean, n in self.weakest],
            "misconceptions": [[mc, n, list(ex)] for mc, n, ex in self.misconceptions],
            "needs_help": [[s, en, zh] for s, en, zh in self.needs_help],
            "cdm": None if self.cdm is None else {s: dict(m) for s, m in self.cdm.items()},
            "answers": {s: dict(n) for s, n in self.answers.items()},
            "goals": dict(self.goals),
        }


def class_report(store: GraphStore, class_id: str) -> ClassReport:
    """The class diagnostics a teacher reads (see :class:`ClassReport`)."""
    store.get_class(class_id)
    people = store.list_students(class_id)
    students = [s.id for s in people]
    mastery = {sid: store.mastery(sid) for sid in students}
    attempts = {sid: store.attempts(sid) for sid in students}
    practised = {a.kp for log_ in attempts.values() for a in log_}
    order = {kp.id: n for n, kp in enumerate(store.list_nodes())}
    kps = sorted(practised, key=lambda kp: (order.get(kp, len(order)), kp))
    heat = {sid: {kp: round(_p(mastery[sid].get(kp)), 4) for kp in kps} for sid in students}
    answered = {sid: dict(Counter(a.kp for a in attempts[sid])) for sid in students}
    weakest: list[tuple[str, float, int]] = []
    for kp in kps:
        # Only students who answered it: a point never tried is not a weak point.
        seen = [_p(mastery[sid].get(kp)) for sid in students if answered[sid].get(kp)]
        if seen:
            weakest.append((kp, round(sum(seen) / len(seen), 4), len(seen)))
    weakest.sort(key=lambda row: (row[1], row[0]))
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for sid in students:
        for a in reversed(attempts[sid]):  # newest first, so examples are recent
            if a.misconception is None:
                continue
            counts[a.misconception] += 1
            shown = examples.setdefault(a.misconception, [])
            if a.answer not in shown and len(shown) < MISCONCEPTION_EXAMPLES:
                shown.append(a.answer)
    misconceptions = [
        (mc, n, examples[mc]) for mc, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    ]
    cdm = _class_cdm(store, attempts)
    flagged = {} if cdm is None else {h.student: h.points for h in cdm.needs_help}
    needs_help = []
    for sid in students:
        reasons = _needs_help(store, attempts[sid], mastery[sid])
        if sid in flagged:
            points = _names(store, flagged[sid][:2])
            reasons.append(("report.class_model", {"points": points}))
        if reasons:
            en, zh = _worded(reasons, "en"), _worded(reasons, "zh-Hans")
            needs_help.append((sid, en, zh, len(reasons)))
    needs_help.sort(key=lambda row: (-row[3], row[0]))
    return ClassReport(
        class_id=class_id,
        students=students,
        kps=kps,
        mastery=heat,
        weakest=weakest[:10],
        misconceptions=misconceptions,
        needs_help=[(sid, en, zh) for sid, en, zh, _ in needs_help],
        cdm=None if cdm is None else {s: dict(m) for s, m in cdm.mastery.items()},
        answers={sid: {kp: n for kp, n in answered[sid].items() if kp in kps} for sid in students},
        goals={s.id: s.goal for s in people},
    )


def _needs_help(
    store: GraphStore, log_: Sequence[Attempt], mastery: Mapping[str, MasteryState]
) -> list[tuple[str, dict[str, object]]]:
    """Why a student needs help now (message codes with their parameters), most urgent
    first."""
    reasons: list[tuple[str, dict[str, object]]] = []
    tail = log_[-WRONG_IN_A_ROW:]
    if len(tail) == WRONG_IN_A_ROW and not any(a.correct for a in tail):
        reasons.append(("report.wrong_in_a_row", {"count": WRONG_IN_A_ROW}))
    gaps = sorted(kp for kp, s in mastery.items() if s.gap and not is_mastered(s))
    if gaps:
        # Two are named; the rest only count (the catalogs say "and 3 more" / "等5个").
        reasons.append(
            ("report.gap_not_repaired", {"points": [*_names(store, gaps[:2]), *gaps[2:]]})
        )
    window = log_[-NO_PROGRESS_WINDOW:]
    if len(window) == NO_PROGRESS_WINDOW and sum(a.correct for a in window) * 2 < len(window):
        right = sum(a.correct for a in window)
        reasons.append(("report.no_progress", {"right": right, "window": NO_PROGRESS_WINDOW}))
    return reasons


def _worded(reasons: Sequence[tuple[str, Mapping[str, object]]], language: str) -> str:
    """The reasons (codes with parameters) as one line in ``language``."""
    lines = [render(code, params, language) for code, params in reasons]
    return render("report.reasons", {"reasons": lines}, language)


def _names(store: GraphStore, kps: Sequence[str]) -> list[dict[str, str]]:
    """The points' names in each language (the English one where there is no Chinese)."""
    return [
        {"en": n.name, "zh-Hans": n.name_zh or n.name} for n in (store.get_node(kp) for kp in kps)
    ]


def _class_cdm(
    store: GraphStore, attempts: Mapping[str, Sequence[Attempt]]
) -> ClassDiagnosis | None:
    """The class-level DINA diagnosis when the class has enough answers (else None), fitted
    on each student's latest :data:`CDM_RECENT_PER_POINT` answers per point."""
    attempts = {sid: _recent_per_point(log_) for sid, log_ in attempts.items()}
    if sum(len(log_) for log_ in attempts.values()) < CDM_MIN_RESPONSES:
        return None
    from tutor.diagnosis.class_cdm import fit_class_dina

    # The Q-matrix rows by generator (the first part of an item id), from the graph.
    q_matrix = {f.generator: dict(f.assesses) for f in store.item_families()}
    try:
        return fit_class_dina({sid: log_ for sid, log_ in attempts.items() if log_}, q_matrix)
    except TutorError:
        log.info("class-level diagnosis skipped", exc_info=True)
        return None


def _recent_per_point(log_: Sequence[Attempt]) -> list[Attempt]:
    """The latest :data:`CDM_RECENT_PER_POINT` answers on each point, oldest first."""
    kept: list[Attempt] = []
    per_point: Counter[str] = Counter()
    for a in reversed(log_):
        per_point[a.kp] += 1
        if per_point[a.kp] <= CDM_RECENT_PER_POINT:
            kept.append(a)
    return kept[::-1]


def export_class_csv(store: GraphStore, class_id: str) -> str:
    """Every recorded attempt of a class's students as CSV text (oldest first per
    student), safe to open in a spreadsheet (no cell starts a formula)."""
    store.get_class(class_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "student_id",
            "name",
            "seq",
            "at",
            "item_id",
            "kp",
            "answer",
            "status",
            "correct",
            "misconception",
            "gap_kps",
        ]
    )
    for student in store.list_students(class_id):
        for a in store.attempts(student.id):
            writer.writerow(
                [
                    _cell(v)
                    for v in (
                        student.id,
                        student.name,
                        a.seq,
                        f"{a.at:.0f}",
                        a.item_id,
                        a.kp,
                        a.answer,
                        a.status,
                        int(a.correct),
                        a.misconception or "",
                        ";".join(a.gap_kps),
                    )
                ]
            )
    return out.getvalue()


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: a quote before a formula start (a
    leading minus only when it does not start a number, so "-3" stays an answer)."""
    text = str(value)
    if text.startswith(_FORMULA_START) or (
        text.startswith("-") and not text[1:2].isdigit() and text != "-"
    ):
        return "'" + text
    return text


def _p(state: MasteryState | None) -> float:
    return DEFAULT_BKT.prior if state is None else state.p
