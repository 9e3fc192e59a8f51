"""The learner model: knowledge tracing as pure functions of state.

* :mod:`tutor.learner.bkt`: Bayesian Knowledge Tracing per knowledge point; the online step
  :func:`bkt_update` and a vectorised EM fit of all points at once.
* :mod:`tutor.learner.elo`: Elo ratings (:func:`elo_update`) and a batch 1PL refit of
  difficulties.
* :mod:`tutor.learner.dkt`: a GRU deep-knowledge-tracing model (needs torch, imported lazily).
* :mod:`tutor.learner.evaluation`: the models by name and the held-out evaluation protocol;
  :mod:`tutor.learner.data` reads response logs (the only file I/O here),
  :mod:`tutor.learner.metrics` scores predictions.

Nothing here mutates a state in place: every update returns the new state.
"""

from __future__ import annotations

from tutor.learner.bkt import BKTModel, BKTParams, bkt_posterior, bkt_update, p_correct
from tutor.learner.elo import EloParams, Rating, elo_update, expected

__all__ = [
    "BKTModel",
    "BKTParams",
    "EloParams",
    "Rating",
    "bkt_posterior",
    "bkt_update",
    "elo_update",
    "expected",
    "p_correct",
]
