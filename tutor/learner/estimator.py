"""One contract for every model fitted to students' answers, and the registry of them by name.

Two kinds of models are fitted here, and they differ only in the data they read:

* **knowledge tracing** (``kind="kt"``: BKT, BKT with forgetting, Elo, DKT) reads response
  *sequences* (:class:`~tutor.learner.data.ResponseLog`) and predicts each answer from the
  same student's *earlier* answers, so its fitted model is applied to new students' logs;
* **cognitive diagnosis** (``kind="cdm"``: DINA, NCDM) reads a class's *answers* with a
  Q-matrix (:class:`~tutor.learner.data.ResponseTable`, one row per answer) and diagnoses
  *those* students, so its fitted model predicts (student, item) pairs of the students it
  was fitted on and knows each student's mastery of each skill.

So there are two protocols of the same shape, :class:`KTEstimator` and
:class:`CDMEstimator`: ``fit(data, *, seed, on_progress) -> fitted model``, and the fitted
model's ``predict_proba(...)`` returns P(right answer) in [0, 1]. One protocol with a union
of data types would make every caller narrow the type again; two small ones say honestly
what each model can be given. An estimator is a frozen dataclass of hyperparameters and
``fit`` never changes it (or its input): it returns a new fitted model (DESIGN: pure
updates). Both fitted models also have ``details()``, the figures worth reporting about the
fit (iterations, chosen step sizes, epochs, ...).

The registry (:data:`ESTIMATORS`) maps each model name to its kind and a ``"module:attr"``
string naming a factory ``(EstimatorOptions) -> estimator``. The strings are resolved on
first use, so this module imports none of the models (nor torch, which DKT and NCDM need
only while fitting), and nothing here branches on a model's name: adding a model is one
line here (or :func:`register_estimator`) and a factory beside the model. The CLI's model
choices (``tutor kt evaluate --model``, ``tutor diagnose cdm --model``) are
:func:`estimator_names` of each kind. The targets are strings, not imports, so the
cognitive-diagnosis models in :mod:`tutor.diagnosis` register here without
:mod:`tutor.learner` importing anything above it. One estimator follows the contract
without being registered: the class report's model
(:class:`tutor.diagnosis.class_cdm.ClassDinaEstimator`), which no one picks by name;
registering it would add a choice to ``tutor diagnose cdm --model``, a CLI contract.
The contract tests (``tests/unit/test_estimators.py``) run over every registered model
and that one.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from tutor.errors import InputError

if TYPE_CHECKING:
    from tutor.learner.data import ResponseLog, ResponseTable
    from tutor.learner.dkt_config import DKTConfig

FloatArray = npt.NDArray[np.float64]
Kind = Literal["kt", "cdm"]
#: ``on_progress(task, done, total)``: what is running and how far along it is.
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class EstimatorOptions:
    """The settings a caller (the CLI, a benchmark) may give any model by name.

    Each model's factory reads the ones that apply to it and ignores the rest, so callers
    never branch on the model's name to decide what to pass.
    """

    #: Knowledge tracing: the pyKT fold held out for tuning (Elo) and early stopping (DKT).
    val_fold: int | None = 0
    #: Maximum training epochs of the neural models (DKT, NCDM); None: the model's default.
    epochs: int | None = None
    #: DKT: a named configuration of :data:`tutor.learner.dkt.PRESETS`.
    preset: str = "default"
    #: DKT: where to train and predict (cpu, cuda, cuda:N).
    device: str = "cpu"
    #: DKT: a whole configuration, used instead of ``preset`` (benchmarks set every field).
    dkt: DKTConfig | None = None
    #: NCDM: a whole :class:`~tutor.diagnosis.ncdm.NcdmConfig`, used instead of the default
    #: (``epochs`` still applies). Typed loosely because learner does not import diagnosis;
    #: the NCDM factory checks the type.
    ncdm: Any = None


@runtime_checkable
class FittedKT(Protocol):
    """A fitted knowledge-tracing model."""

    def predict_proba(self, data: ResponseLog) -> FloatArray:
        """P(right) of every response of ``data``, in order, each given only the same
        student's earlier responses (the first from the prior)."""
        ...

    def details(self) -> dict[str, Any]:
        """Figures about the fit worth reporting (plain JSON values)."""
        ...


@runtime_checkable
class KTEstimator(Protocol):
    """Fits a knowledge-tracing model to response sequences."""

    @property
    def kind(self) -> Literal["kt"]:
        """``"kt"``: which protocol this is (models declare it as a constant field)."""
        ...

    def fit(
        self,
        data: ResponseLog,
        *,
        n_skills: int | None = None,
        seed: int = 0,
        on_progress: ProgressFn | None = None,
    ) -> FittedKT:
        """Fit on ``data`` (skill ids ``0 … n_skills - 1``; default: those in ``data``).

        Raises :class:`~tutor.errors.InputError` on data it cannot fit (an empty log).
        """
        ...


@runtime_checkable
class FittedCDM(Protocol):
    """A fitted cognitive-diagnosis model of the students it was fitted on."""

    def predict_proba(self, users: npt.ArrayLike, items: npt.ArrayLike) -> FloatArray:
        """P(right) of each (student index, item index) pair."""
        ...

    def mastery(self) -> FloatArray:
        """Each student's P(mastered) of each skill, students × skills, in [0, 1]."""
        ...

    def details(self) -> dict[str, Any]:
        """Figures about the fit worth reporting (plain JSON values)."""
        ...


@runtime_checkable
class CDMEstimator(Protocol):
    """Fits a cognitive-diagnosis model to a class's answers and Q-matrix."""

    @property
    def kind(self) -> Literal["cdm"]:
        """``"cdm"``: which protocol this is (models declare it as a constant field)."""
        ...

    def fit(
        self, data: ResponseTable, *, seed: int = 0, on_progress: ProgressFn | None = None
    ) -> FittedCDM:
        """Fit on every answer of ``data``.

        Raises :class:`~tutor.errors.InputError` on data it cannot fit.
        """
        ...


Estimator = KTEstimator | CDMEstimator
EstimatorFactory = Callable[[EstimatorOptions], Any]


class Entry(NamedTuple):
    """A registered model: its kind and the ``"module:attr"`` of its factory."""

    kind: Kind
    target: str


#: Model name → kind and factory. Factories are imported on first use only.
ESTIMATORS: dict[str, Entry] = {
    "bkt": Entry("kt", "tutor.learner.bkt:bkt_estimator"),
    # BKT with a fitted per-skill forgetting rate (pyBKT's ``forgets=True``).
    "bkt-forget": Entry("kt", "tutor.learner.bkt:bkt_forget_estimator"),
    "elo": Entry("kt", "tutor.learner.elo:elo_estimator"),
    "dkt": Entry("kt", "tutor.learner.dkt:dkt_estimator"),
    "dina": Entry("cdm", "tutor.diagnosis.cdm:dina_estimator"),
    "ncdm": Entry("cdm", "tutor.diagnosis.ncdm:ncdm_estimator"),
}


def register_estimator(name: str, kind: Kind, target: str) -> None:
    """Register the factory ``"module:attr"`` of a model of ``kind`` under ``name``."""
    ESTIMATORS[name] = Entry(kind, target)


def estimator_names(kind: Kind | None = None) -> tuple[str, ...]:
    """The registered model names (of one ``kind``), sorted."""
    return tuple(sorted(n for n, e in ESTIMATORS.items() if kind is None or e.kind == kind))


def _entry(name: str, kind: Kind | None) -> Entry:
    entry = ESTIMATORS.get(name)
    if entry is None or (kind is not None and entry.kind != kind):
        raise InputError(f"unknown model {name!r}; use one of {', '.join(estimator_names(kind))}")
    return entry


def create_estimator(name: str, options: EstimatorOptions | None = None) -> Estimator:
    """The estimator registered as ``name``, built with ``options``."""
    entry = _entry(name, None)
    module_name, _, attr = entry.target.partition(":")
    factory: EstimatorFactory = getattr(importlib.import_module(module_name), attr)
    estimator: Estimator = factory(options or EstimatorOptions())
    if estimator.kind != entry.kind:  # a registration mistake, not the caller's
        raise TypeError(f"{entry.target} made a {estimator.kind} model, registered as {entry.kind}")
    return estimator


def kt_estimator(name: str, options: EstimatorOptions | None = None) -> KTEstimator:
    """The knowledge-tracing estimator ``name``; :class:`InputError` if there is none."""
    _entry(name, "kt")
    estimator = create_estimator(name, options)
    assert estimator.kind == "kt"  # checked against the entry by create_estimator
    return estimator


def cdm_estimator(name: str, options: EstimatorOptions | None = None) -> CDMEstimator:
    """The cognitive-diagnosis estimator ``name``; :class:`InputError` if there is none."""
    _entry(name, "cdm")
    estimator = create_estimator(name, options)
    assert estimator.kind == "cdm"
    return estimator
