"""Demo data: a teacher, two classes, 30 students with realistic practice histories.

``seed_demo(engine)`` (and ``tutor demo seed``) makes sure the default curriculum and its
content are loaded, then adds the teacher ``teacher`` (password ``teacher-demo``), the
classes ``class-7a`` and ``class-7b`` and the students ``s01``…``s30`` (password
``student-demo``) with goals. Each student's history is made by a simulated student
(:mod:`tutor.sim.student`: hidden knowledge on the graph, slips, guesses and
misconceptions from the content library) answering the items the real engine chooses,
through :meth:`~tutor.engine.Engine.submit` — so attempts, mastery and stored paths are
exactly what real practice would leave. Wrong answers are realistic: a misconception's
buggy answer, or a near-miss value (off by one, a digit slip, a sign slip).

Idempotent: people that exist are kept, a student who already has attempts gets no
more, and passwords are set only where none is stored.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from tutor.access import School
from tutor.content.items import GENERATORS, Item, generate, levels_by_kp
from tutor.engine import Engine
from tutor.errors import InputError, NotFoundError
from tutor.sim.config import PopulationConfig
from tutor.sim.student import SimStudent, draw_student
from tutor.sim.world import World, buggy, checked

__all__ = [
    "DEMO_CLASSES",
    "DEMO_STUDENT_PASSWORD",
    "DEMO_TEACHER",
    "DEMO_TEACHER_PASSWORD",
    "DemoAccounts",
    "seed_demo",
]

log = logging.getLogger(__name__)

DEMO_TEACHER = "teacher"
DEMO_TEACHER_NAME = "Ms Chen (陈老师)"
# Published demo credentials, printed by `make app` and in the README: not secrets.
DEMO_TEACHER_PASSWORD = "teacher-demo"  # noqa: S105
DEMO_STUDENT_PASSWORD = "student-demo"  # noqa: S105
#: (class id, name, the class goal)
DEMO_CLASSES = (
    ("class-7a", "Class 7A", "integers.add_different_signs"),
    ("class-7b", "Class 7B", "ratio.unit_rate"),
)
#: Some students work towards their own goal instead of the class's.
_OWN_GOALS = {"s05": "fractions.add_unlike", "s12": "integers.multiply", "s21": "ratio.unit_rate"}
_NAMES = (
    "Li Wei 李伟",
    "Emma Brown",
    "Wang Fang 王芳",
    "Noah Smith",
    "Zhang Min 张敏",
    "Olivia Garcia",
    "Liu Yang 刘洋",
    "Liam Johnson",
    "Chen Jing 陈静",
    "Ava Martinez",
    "Yang Lei 杨磊",
    "Lucas Wilson",
    "Zhao Li 赵丽",
    "Mia Anderson",
    "Huang Tao 黄涛",
    "Ethan Thomas",
    "Zhou Na 周娜",
    "Sofia Lee",
    "Wu Qiang 吴强",
    "Mason Taylor",
    "Xu Ting 徐婷",
    "Isabella White",
    "Sun Hao 孙浩",
    "James Harris",
    "Ma Lin 马琳",
    "Amelia Clark",
    "Zhu Jun 朱军",
    "Henry Lewis",
    "Hu Xue 胡雪",
    "Charlotte Hall",
)
N_STUDENTS = len(_NAMES)
#: Answers per student after the placement check: a realistic spread.
ATTEMPTS = (15, 30)
#: Placement items per point the student already knows.
PLACEMENT_ITEMS = 2
#: The demo's histories end now and start this many days ago.
HISTORY_DAYS = 21.0
#: The simulated population: a class with a good spread of ability and some misconceptions.
DEMO_POPULATION = PopulationConfig(
    learn_rate=(0.1, 0.45),
    slip=(0.03, 0.15),
    guess=(0.05, 0.25),
    forget=(0.0, 0.005),
    prior_known=(0.3, 0.9),
    misconception_rate=(0.1, 0.35),
)


@dataclass(frozen=True)
class DemoAccounts:
    """Who the demo made, and how to sign in."""

    teacher: str
    teacher_password: str
    classes: tuple[str, ...]
    students: tuple[str, ...]
    student_password: str
    attempts_added: int

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (the demo credentials are published, not secrets)."""
        return {
            "teacher": self.teacher,
            "teacher_password": self.teacher_password,
            "classes": list(self.classes),
            "students": list(self.students),
            "student_password": self.student_password,
            "attempts_added": self.attempts_added,
        }

    def credentials_text(self) -> str:
        """What ``make app`` prints: how to sign in."""
        return (
            f"Demo sign-in — teacher: {self.teacher} / {self.teacher_password}; "
            f"students: {self.students[0]}…{self.students[-1]} / {self.student_password}"
        )


def _student_ids(n_students: int) -> list[str]:
    return [f"s{n:02d}" for n in range(1, n_students + 1)]


def seed_demo(
    engine: Engine,
    *,
    seed: int = 0,
    n_students: int = N_STUDENTS,
    progress: Callable[[int, int], None] | None = None,
) -> DemoAccounts:
    """Create (or complete) the demo school in ``engine``'s store; see the module docstring.

    ``n_students`` (1–30) makes a smaller school (``s01``… split over the two classes);
    ``progress(done, total)`` is called after each student's history.
    """
    if not 1 <= n_students <= N_STUDENTS:
        raise InputError(f"the demo has 1 to {N_STUDENTS} students, not {n_students}")
    store = engine.store
    school = School(engine)
    _ensure_curriculum(engine)
    _ensure_teacher(school)
    for class_id, name, _goal in DEMO_CLASSES:
        try:
            store.get_class(class_id)
        except NotFoundError:
            school.create_class(class_id, name, DEMO_TEACHER)
    ids = _student_ids(n_students)
    half = (len(ids) + 1) // 2
    for n, sid in enumerate(ids):
        class_id, _, class_goal = DEMO_CLASSES[0 if n < half else 1]
        goal = _OWN_GOALS.get(sid, class_goal)
        try:
            store.get_student(sid)
        except NotFoundError:
            school.add_student_with_password(sid, _NAMES[n], class_id, DEMO_STUDENT_PASSWORD, goal)
        if store.password_hash(sid) is None:
            school.set_password(sid, DEMO_STUDENT_PASSWORD)
    added = 0
    levels = levels_by_kp()
    now = engine.clock()
    # A private engine on the same store, whose clock walks through each history.
    clock = _Clock(now)
    player = Engine(store, clock=clock)
    for n, sid in enumerate(ids):
        if not store.attempts(sid, limit=1):
            added += _history(player, clock, sid, seed * 1_000 + n, levels, now)
        if progress is not None:
            progress(n + 1, len(ids))
    log.info("demo seeded: %d attempts added", added)
    return DemoAccounts(
        DEMO_TEACHER,
        DEMO_TEACHER_PASSWORD,
        tuple(c for c, _, _ in DEMO_CLASSES),
        tuple(ids),
        DEMO_STUDENT_PASSWORD,
        added,
    )


def _ensure_curriculum(engine: Engine) -> None:
    """Load the default curriculum and its content unless they are there already."""
    from tutor.content.bank import default_content_bank
    from tutor.content.curricula import default_curriculum

    curriculum = default_curriculum()
    info = engine.store.curriculum_info()
    if info is None or info.fingerprint != curriculum.fingerprint():
        engine.store.load_curriculum(curriculum)
        engine.store.load_content(default_content_bank())
    elif engine.store.content_counts().item_families == 0:
        engine.store.load_content(default_content_bank())


def _ensure_teacher(school: School) -> None:
    try:
        school.engine.store.get_teacher(DEMO_TEACHER)
    except NotFoundError:
        school.add_teacher(DEMO_TEACHER, DEMO_TEACHER_NAME)
    if school.engine.store.password_hash(DEMO_TEACHER) is None:
        school.set_password(DEMO_TEACHER, DEMO_TEACHER_PASSWORD)


def _world(engine: Engine, goal: str, levels: dict[str, tuple[int, ...]]) -> World:
    """The simulator's view of one goal: its path (points with items) and prerequisites."""
    from tutor.content.misconceptions import load_misconceptions

    order = [kp for kp in engine.store.learning_order(goal) if kp in levels]
    keep = set(order)
    direct = engine.store.direct_prerequisites(engine.store.learning_order(goal))
    memo: dict[str, set[str]] = {}

    def kept_below(kp: str) -> set[str]:
        # Prerequisites without items are seen through (as the simulator's world does).
        if kp not in memo:
            found: set[str] = set()
            for p in direct.get(kp, ()):
                found |= {p} if p in keep else kept_below(p)
            memo[kp] = found
        return memo[kp]

    gens = {g.name for g in GENERATORS.values() if g.kp in keep}
    return World(
        goal=(goal,),
        path=tuple(order),
        prerequisites={kp: tuple(sorted(kept_below(kp))) for kp in order},
        layers={},
        levels={kp: levels[kp] for kp in order},
        pool={},
        names={},
        misconceptions=tuple(m for m in load_misconceptions() if set(m.generators) & gens),
    )


class _Clock:
    """A settable clock for the engine that replays a history."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def _history(
    player: Engine,
    clock: _Clock,
    student_id: str,
    seed: int,
    levels: dict[str, tuple[int, ...]],
    now: float,
) -> int:
    """Simulate one student's practice through the engine; the number of answers recorded."""
    engine = player
    student = engine.store.get_student(student_id)
    assert student.goal is not None  # the demo gives every student a goal
    world = _world(engine, student.goal, levels)
    rng = random.Random(f"demo:{seed}")  # noqa: S311 - a simulation, not security
    sim = draw_student(world, DEMO_POPULATION, rng)
    n_answers = rng.randint(*ATTEMPTS)
    start = now - HISTORY_DAYS * 86_400.0
    # A placement check in the first days: two items on every point of the path the
    # student already knows (or holds a misconception about). Without it every newcomer
    # would start from counting, as the tutor assumes nothing unmeasured is mastered.
    placement = [kp for kp in world.path if kp in sim.known or kp in sim.blocked(world)]
    recorded = 0
    for n, kp in enumerate(placement):
        gens = sorted(g.name for g in GENERATORS.values() if g.kp == kp)
        level = levels[kp][len(levels[kp]) // 2]
        for k in range(PLACEMENT_ITEMS):
            clock.at = start + (n * PLACEMENT_ITEMS + k) * 300.0
            item = generate(gens[(n + k) % len(gens)], level, rng.getrandbits(40))
            recorded += _answer_one(player, sim, world, student_id, item, rng)
    # Then practice as the tutor chooses, spread over the weeks up to now.
    begin = clock.at
    times = sorted(begin + rng.uniform(0.0, now - begin) for _ in range(n_answers))
    for at in times:
        clock.at = at
        nxt = player.next_item(student_id)
        if nxt.item is None:
            break
        recorded += _answer_one(player, sim, world, student_id, nxt.item, rng)
    return recorded


def _answer_one(
    player: Engine, sim: SimStudent, world: World, student_id: str, item: Item, rng: random.Random
) -> int:
    """The simulated student answers one item through the engine and learns from it."""
    feedback = player.submit(student_id, item.item_id, _answer(sim, item, world, rng))
    if feedback.misconception is not None:
        sim.hear_misconception(feedback.misconception.id)
    sim.practise(item.kp, world)
    return int(feedback.recorded)


def _answer(sim: SimStudent, item: Item, world: World, rng: random.Random) -> str:
    """The simulated student's answer, with its random wrong values made realistic (a
    buggy rule's answer is kept as the rule writes it: that is the misconception speaking)."""
    answer = sim.answer(item, world)
    if checked(item.item_id, item.answer, answer).status != "incorrect":
        return answer
    if any(buggy(mc_id, item.item_id) == answer for mc_id in sim.misconceptions):
        return answer
    return _near_miss(item, rng) or answer


def _near_miss(item: Item, rng: random.Random) -> str | None:
    """A wrong value a child might write: off by one or ten, a digit slip, a dropped minus
    sign; for other forms (mixed numbers, ratios, points, units) one digit slips."""
    text = item.answer.strip()
    candidates: list[str] = []
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        value = None
    if value is not None:
        near = [value + 1, value - 1, value + 10]
        if value - 10 >= 0 or value < 0:
            near.append(value - 10)
        if value < 0:
            near.append(-value)  # the minus sign forgotten
        if value.denominator == 1 and abs(value) >= 10:
            digits = str(abs(value.numerator))
            swapped = digits[:-2] + digits[-1] + digits[-2]
            if swapped != digits:
                near.append(Fraction(int(swapped)) * (1 if value > 0 else -1))
        rng.shuffle(near)
        candidates += [str(v) if v.denominator != 1 else str(v.numerator) for v in near]
    # One digit slips (the last, or another): keeps the answer's form whatever it is.
    places = [i for i, ch in enumerate(text) if ch.isdigit()]
    rng.shuffle(places)
    for i in places[:3]:
        for step in (1, 9):  # one up, or one down (mod 10)
            candidates.append(text[:i] + str((int(text[i]) + step) % 10) + text[i + 1 :])
    for shown in candidates:
        if checked(item.item_id, item.answer, shown).status == "incorrect":
            return shown
    return None
