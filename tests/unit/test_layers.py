"""The layer table of DESIGN.md as a test: every import in ``tutor/`` and ``ui/`` points the
allowed way, and no ``tutor`` module takes part in an import cycle.

Read the table below as "a module of this layer may import its own layer, the foundation,
and these". Every import counts: at module level, inside a function and under
``if TYPE_CHECKING:`` (a type-only arrow is still an arrow a reader follows). The mutation
tests show the checker fails on a new wrong arrow and on a new cycle.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.layers import Violation, check_layers, import_cycles

REPO = Path(__file__).resolve().parents[2]

#: Importable by every layer; they import only each other.
FOUNDATION = ("tutor", "tutor.domain", "tutor.errors", "tutor.settings", "tutor.resources")

#: What the engine is built from: the parts below it.
_BELOW_ENGINE = (
    "tutor.graph",
    "tutor.content",
    "tutor.learner",
    "tutor.policy",
    "tutor.diagnosis",
    "tutor.llm",
    "tutor.i18n",
    "tutor.auth",
    "tutor.data",
)
#: Engine-level parts that are the engine's helpers, below the engine itself.
_REPORTS = ("tutor.reports", "tutor.roster", "tutor.class_export")

# fmt: off
#: layer -> what it may import besides itself and the FOUNDATION (DESIGN.md, "Layout").
LAYERS: dict[str, tuple[str, ...]] = {
    # -- foundation --------------------------------------------------------------------
    **{name: () for name in FOUNDATION},
    # -- the parts ---------------------------------------------------------------------
    "tutor.graph":     (),                      # store role protocols and both engines
    "tutor.content":   (),                      # packs, generators, checker, misconceptions
    "tutor.learner":   (),                      # knowledge tracing, pure
    "tutor.i18n":      (),                      # message catalogs
    "tutor.auth":      (),                      # passwords and sessions
    "tutor.mathtext":  (),                      # plain maths text -> Markdown with LaTeX
    # Dataset readers: response logs and Q-matrices into the learner's and diagnosis'
    # data types (so that learner and diagnosis do no file I/O themselves).
    "tutor.data":      ("tutor.learner", "tutor.diagnosis"),
    "tutor.policy":    ("tutor.learner",),
    "tutor.diagnosis": ("tutor.content", "tutor.learner"),
    "tutor.llm":       ("tutor.content", "tutor.i18n"),
    # -- engine level ------------------------------------------------------------------
    "tutor.reports":      ("tutor.graph", "tutor.content", "tutor.learner", "tutor.diagnosis",
                           "tutor.i18n", "tutor.auth"),
    "tutor.roster":       ("tutor.graph", "tutor.content", "tutor.learner", "tutor.diagnosis",
                           "tutor.i18n", "tutor.auth"),
    "tutor.class_export": ("tutor.graph", "tutor.content", "tutor.learner", "tutor.diagnosis",
                           "tutor.i18n", "tutor.auth"),
    # What one turn of practice gives back (NextItem, Feedback; the wrong line of working).
    "tutor.turns":        ("tutor.content", "tutor.policy", "tutor.diagnosis"),
    "tutor.catalog":      _BELOW_ENGINE,        # curriculum and content reads for pages, CLI
    # The curriculum designer's questions and domain maps: store reads, words for the map.
    "tutor.designer":     ("tutor.graph", "tutor.i18n"),
    "tutor.lab":          (*_BELOW_ENGINE, *_REPORTS),  # the CLI's offline operations
    "tutor.engine":       (*_BELOW_ENGINE, *_REPORTS, "tutor.catalog", "tutor.turns"),
    # -- access level ------------------------------------------------------------------
    "tutor.access":  ("tutor.engine", "tutor.catalog", *_REPORTS, "tutor.auth", "tutor.i18n",
                      "tutor.designer"),
    # Opening the app, and the app's one VoiceServer (tutor.llm.serving) for model wordings.
    "tutor.service": ("tutor.access", "tutor.engine", "tutor.catalog", "tutor.lab",
                      "tutor.auth", "tutor.i18n", "tutor.demo", "tutor.llm"),
    # The demo school's histories are simulated students answering the real engine.
    "tutor.demo":    ("tutor.access", "tutor.engine", "tutor.catalog", "tutor.lab",
                      "tutor.sim", "tutor.content"),
    # -- above the engine --------------------------------------------------------------
    # The simulator drives the real engine over a store it opens. Its hidden truth is built
    # from the content (items, the checker, buggy rules) and the graph; the baselines it
    # compares with are learner models of their own (BKT) that pick levels with the
    # engine's level rule (policy.select.choose_level); failures are probed with
    # diagnosis.probe, which the engine does not run itself. The adaptive tutor is the
    # engine: test_the_simulator_holds_no_copy_of_the_decision_loop guards that.
    "tutor.sim":     ("tutor.engine", "tutor.catalog", "tutor.lab", "tutor.graph",
                      "tutor.content", "tutor.learner", "tutor.policy.select",
                      "tutor.diagnosis.probe"),
    # The CLI prints messages in English: it may render message codes (tutor.i18n).
    "tutor.cli":     ("tutor.access", "tutor.service", "tutor.engine", "tutor.lab",
                      "tutor.catalog", "tutor.sim", "tutor.demo", "tutor.i18n"),
    "ui":            ("tutor.access", "tutor.service", "tutor.i18n", "tutor.mathtext"),
}
# fmt: on


def test_every_import_points_the_allowed_way() -> None:
    found = check_layers(REPO, LAYERS, FOUNDATION)
    assert not found, "imports the layer table does not allow:\n" + "\n".join(map(str, found))


def test_no_import_cycle_in_tutor() -> None:
    cycles = import_cycles(REPO)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _copy_tree(tmp_path: Path) -> Path:
    for package in ("tutor", "ui"):
        shutil.copytree(
            REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def _append(file: Path, code: str) -> int:
    """Append ``code`` (its first line an import) to ``file``; the line it landed on.
    Appending keeps every earlier line number, so the earlier findings do not move."""
    text = file.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    line = text.count("\n") + 1
    file.write_text(text + code, encoding="utf-8")
    return line


def test_the_checker_reports_exactly_the_new_wrong_arrows(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    before = set(check_layers(root, LAYERS, FOUNDATION))
    # A type-only arrow from the learner up to the engine...
    bkt = _append(
        root / "tutor/learner/bkt.py",
        "if TYPE_CHECKING:\n    from tutor.engine import Engine\n",
    )
    # ...a page opening the store itself, inside a function...
    page = _append(
        root / "ui/views/curriculum.py",
        "def _sneak():\n    from tutor.graph import open_store\n",
    )
    # ...and an allowed arrow (a policy module reading the learner), which is no finding.
    _append(root / "tutor/policy/select.py", "from tutor.learner import mastery\n")
    after = set(check_layers(root, LAYERS, FOUNDATION))
    assert after - before == {
        Violation(
            "tutor/learner/bkt.py",
            bkt + 1,
            "tutor.learner.bkt",
            "tutor.engine",
            "tutor.learner may import only the foundation",
        ),
        Violation(
            "ui/views/curriculum.py",
            page + 1,
            "ui.views.curriculum",
            "tutor.graph",
            "ui may import only tutor.access, tutor.service, tutor.i18n, tutor.mathtext and "
            "the foundation",
        ),
    }
    assert before <= after


def test_the_checker_places_every_new_module(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    before = set(check_layers(root, LAYERS, FOUNDATION))
    (root / "tutor/newthing.py").write_text("from tutor.errors import TutorError\n")
    (root / "ui/views/peek.py").write_text("import tutor.newthing\n")
    new = sorted(set(check_layers(root, LAYERS, FOUNDATION)) - before)
    assert [(v.path, v.line, v.imported) for v in new] == [
        ("tutor/newthing.py", 1, "tutor.newthing"),  # the module itself is in no layer
        ("ui/views/peek.py", 1, "tutor.newthing"),  # and no one may import it
    ]


def test_the_checker_finds_a_new_cycle(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    before = import_cycles(root)
    # errors <- settings already; settings <- errors closes a cycle inside the foundation,
    # which the layer rules allow: only the cycle check can catch it.
    _append(root / "tutor/errors.py", "def _late():\n    from tutor.settings import Settings\n")
    after = import_cycles(root)
    new = [c for c in after if c not in before]
    assert new == [["tutor.errors", "tutor.settings", "tutor.errors"]]
    # The layer rules see nothing new: foundation modules may import each other.
    fresh = _copy_tree(tmp_path / "fresh")
    assert set(check_layers(root, LAYERS, FOUNDATION)) == set(
        check_layers(fresh, LAYERS, FOUNDATION)
    )


def test_the_checker_resolves_every_spelling_of_an_import(tmp_path: Path) -> None:
    root = _copy_tree(tmp_path)
    before = set(check_layers(root, LAYERS, FOUNDATION))
    spellings = [
        "from tutor import engine\n",  # a module imported from the root package
        "from ..engine import Engine\n",  # relative, two levels up
        "import tutor.engine as eng\n",
        "from tutor import graph as g\n",  # a package imported from the root package
    ]
    lines = [_append(root / "tutor/learner/mastery.py", code) for code in spellings]
    # A relative import inside the layer is no finding.
    _append(root / "tutor/learner/mastery.py", "from . import bkt\n")
    new = sorted(set(check_layers(root, LAYERS, FOUNDATION)) - before)
    assert [(v.line, v.imported) for v in new] == list(
        zip(lines, ["tutor.engine", "tutor.engine", "tutor.engine", "tutor.graph"], strict=True)
    )


#: What a copy of the engine's decision loop would need: choosing, the policy's view of a
#: student, updating mastery from an answer, revising a path.
DECISION_LOOP = {
    "tutor.policy.select": {"choose", "StudentView", "frontier", "answers_since_review"},
    "tutor.learner.mastery": {"observe", "replay", "Observation"},
    "tutor.policy.paths": {"*"},
    "tutor.policy.index": {"*"},
}


def _loop_imports(root: Path) -> list[str]:
    import ast

    found = []
    for path in sorted((root / "tutor" / "sim").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in DECISION_LOOP:
                banned = DECISION_LOOP[node.module]
                for alias in node.names:
                    if "*" in banned or alias.name in banned:
                        found.append(f"{path.name}: {node.module}.{alias.name}")
            elif isinstance(node, ast.Import):
                found += [f"{path.name}: {a.name}" for a in node.names if a.name in DECISION_LOOP]
    return found


def test_the_simulator_holds_no_copy_of_the_decision_loop(tmp_path: Path) -> None:
    # The adaptive tutor in the simulations is the engine (next_item/submit): nothing in
    # tutor/sim imports what deciding or updating mastery would take.
    assert _loop_imports(REPO) == []
    # Shown able to fail: a copy of the loop brought back into the simulator is found.
    root = _copy_tree(tmp_path)
    _append(root / "tutor/sim/policies.py", "from tutor.policy.select import choose\n")
    _append(root / "tutor/sim/run.py", "from tutor.learner.mastery import observe\n")
    assert _loop_imports(root) == [
        "policies.py: tutor.policy.select.choose",
        "run.py: tutor.learner.mastery.observe",
    ]
