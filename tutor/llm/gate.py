"""The language gate: per language, does the model speak, or the template?

Issue 15, deliverable 5. ``benchmarks/voice.py --write-gate`` measures, per model and
language, the share of the model's texts the guard accepts (on held-out generator families)
and writes ``content/llm/voice_gate.json``:

.. code-block:: json

    {"threshold": 0.8, "measured": "…", "command": "…",
     "models": {"transformers:smollm2": {"en": {"pass_rate": 0.83, "n": 120, "open": true},
                                          "zh": {"pass_rate": 0.1, "n": 120, "open": false}}}}

The model speaks in a language only where its entry is ``open``: pass rate ≥ threshold,
measured on at least :data:`MIN_TEXTS` texts.

**Threshold: 0.8.** Where the gate is open, a rejected text costs the student one more
generation (and a wait) before the template shows; at 80 % accepted the expected tries per
shown text stay about 1.25, and four in five students read the model's wording. Below that,
the model mostly adds waiting while the template does the talking anyway, so the template
speaks at once. (The issue's goals — ≥ 80 % model-worded in English, ≥ 50 % in Chinese — are
benchmark goals; a language below 80 % stays on the template until a better model or adapter
passes.)

**Safe defaults.** No gate file, an unreadable one, or no entry for the model or language:
the template speaks. The template backend itself always "speaks" (it is the template).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["GATE_FILE", "MIN_TEXTS", "THRESHOLD", "VoiceGate", "gate_entry", "load_gate"]

logger = logging.getLogger(__name__)

#: Where the gate lives (shipped with the package, see :func:`tutor.resources.shipped_path`).
GATE_FILE = "content/llm/voice_gate.json"
#: The share of a model's texts the guard must accept for the model to speak (see above).
THRESHOLD = 0.8
#: Fewest measured texts that may open a language: with fewer, a lucky handful could pass
#: (at 30 texts and a true rate of 60 %, seeing ≥ 80 % has a chance of about 1 %).
MIN_TEXTS = 30


@dataclass(frozen=True)
class VoiceGate:
    """Which model speaks in which language (read-only; see the module docstring)."""

    threshold: float = THRESHOLD
    #: model name -> language -> {"pass_rate", "n", "open"}
    models: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)

    def speaks(self, model: str, language: str) -> bool:
        """Whether ``model`` may word texts in ``language`` (the template always may)."""
        if model == "template":
            return True
        entry = self.models.get(model, {}).get(language)
        return bool(entry and entry.get("open"))

    def languages(self, model: str) -> dict[str, dict[str, Any]]:
        """``{language: {"open", "pass_rate", "n"}}`` for ``model`` (en and zh always
        listed; closed where nothing was measured)."""
        measured = self.models.get(model, {})
        out: dict[str, dict[str, Any]] = {}
        for language in ("en", "zh"):
            entry = dict(measured.get(language, {}))
            out[language] = {
                "open": self.speaks(model, language),
                "pass_rate": entry.get("pass_rate"),
                "n": entry.get("n", 0),
            }
        return out

    def to_json(self) -> dict[str, Any]:
        """The gate file's content."""
        return {
            "threshold": self.threshold,
            "models": {
                m: {k: dict(v) for k, v in langs.items()} for m, langs in self.models.items()
            },
        }


def _gate_path() -> Path | None:
    from tutor.resources import shipped_path

    try:
        return shipped_path(GATE_FILE)
    except FileNotFoundError:
        return None


def load_gate(path: Path | None = None) -> VoiceGate:
    """The committed gate (or the one at ``path``); an empty gate — the template speaks
    everywhere — when the file is missing or unreadable."""
    path = path or _gate_path()
    if path is None or not path.exists():
        return VoiceGate()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        models = data.get("models", {})
        if not isinstance(models, dict):
            raise ValueError("models is not an object")
        return VoiceGate(threshold=float(data.get("threshold", THRESHOLD)), models=models)
    except (OSError, ValueError, AttributeError) as exc:
        logger.warning("voice gate %s unreadable (%s): the template speaks everywhere", path, exc)
        return VoiceGate()


def gate_entry(pass_rate: float, n: int, threshold: float = THRESHOLD) -> dict[str, Any]:
    """One measured ``{"pass_rate", "n", "open"}`` entry."""
    return {
        "pass_rate": round(pass_rate, 4),
        "n": n,
        "open": n >= MIN_TEXTS and pass_rate >= threshold,
    }
