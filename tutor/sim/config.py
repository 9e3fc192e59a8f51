"""The simulated population: the YAML ``--config`` of ``tutor simulate``.

Keys (each range is ``[low, high]``, drawn uniformly per student, or a single number for
a fixed value; omit a key to keep its default): ``learn_rate``, ``slip``, ``guess``,
``forget`` (per-item probability of losing a known point), ``prior_known`` (fraction of
the goal's prerequisites known at the start), ``misconception_rate`` (probability that a
student holds each applicable misconception), ``goal_grade`` (an integer: master every
knowledge point of that grade).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from tutor.errors import InputError

__all__ = ["DEFAULT_POPULATION", "PopulationConfig", "load_population"]

Range = tuple[float, float]


@dataclass(frozen=True)
class PopulationConfig:
    """Ranges the per-student parameters are drawn from, and the goal grade."""

    learn_rate: Range = (0.15, 0.35)
    slip: Range = (0.05, 0.15)
    guess: Range = (0.05, 0.2)
    forget: Range = (0.0, 0.01)
    prior_known: Range = (0.4, 0.8)
    misconception_rate: Range = (0.05, 0.2)
    goal_grade: int = 5

    def to_json(self) -> dict[str, object]:
        """The config as plain JSON (ranges as lists)."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


DEFAULT_POPULATION = PopulationConfig()

_RANGE_KEYS = ("learn_rate", "slip", "guess", "forget", "prior_known", "misconception_rate")
#: Probabilities a student model can take; slip and guess must stay below 0.5.
_LIMITS = {"slip": 0.5, "guess": 0.5}


def _range(where: str, key: str, value: Any) -> Range:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = [value, value]  # a single number: a fixed value
    if not (isinstance(value, list | tuple) and len(value) == 2):
        raise InputError(f"{where}: {key} must be a number or a range [low, high], not {value!r}")
    low, high = value
    for v in (low, high):
        if isinstance(v, bool) or not isinstance(v, int | float) or math.isnan(float(v)):
            raise InputError(f"{where}: {key} must hold two numbers, not {value!r}")
    low, high = float(low), float(high)
    top = _LIMITS.get(key, 1.0)
    if not 0.0 <= low <= high <= top:
        raise InputError(
            f"{where}: {key} must satisfy 0 ≤ low ≤ high ≤ {top:g}, not [{low:g}, {high:g}]"
        )
    if key in _LIMITS and high >= top:
        raise InputError(f"{where}: {key} must stay below {top:g}, not {high:g}")
    return (low, high)


def parse_population(data: Any, where: str = "population config") -> PopulationConfig:
    """Validate a mapping (parsed YAML) into a :class:`PopulationConfig`."""
    if data is None:
        return DEFAULT_POPULATION
    if not isinstance(data, dict):
        raise InputError(
            f"{where}: expected a mapping of keys to ranges, not {type(data).__name__}"
        )
    known = {*_RANGE_KEYS, "goal_grade"}
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise InputError(
            f"{where}: unknown key {unknown[0]!r}; the keys are {', '.join(sorted(known))}"
        )
    changes: dict[str, Any] = {}
    for key in _RANGE_KEYS:
        if key in data:
            changes[key] = _range(where, key, data[key])
    if "goal_grade" in data:
        grade = data["goal_grade"]
        if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 9:
            raise InputError(
                f"{where}: goal_grade must be a whole number from 1 to 9, not {grade!r}"
            )
        changes["goal_grade"] = grade
    return replace(DEFAULT_POPULATION, **changes)


def load_population(path: str | Path | None) -> PopulationConfig:
    """Read a YAML population file (None: the defaults). Clear one-line errors."""
    if path is None:
        return DEFAULT_POPULATION
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError(f"population config {p} does not exist; pass a YAML file to --config")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"population config {p} is not valid YAML: {first}") from None
    return parse_population(data, where=f"population config {p}")
