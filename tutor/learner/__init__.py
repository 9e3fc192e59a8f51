"""The learner model: knowledge tracing as pure functions of state.

* :mod:`tutor.learner.bkt`: Bayesian Knowledge Tracing per knowledge point; the online step
  :func:`bkt_update` and a vectorised EM fit of all points at once.
* :mod:`tutor.learner.elo`: Elo ratings (:func:`elo_update`) and a batch 1PL refit of
  difficulties.
* :mod:`tutor.learner.dkt`: a GRU deep-knowledge-tracing model (needs torch, imported lazily).
* :mod:`tutor.learner.estimator`: the one contract every fitted model follows (fit returns
  a fitted model; ``predict_proba``) and the registry of models by name;
  :mod:`tutor.learner.evaluation` the held-out evaluation protocol of knowledge tracing;
  :mod:`tutor.learner.data` the response data the models read (plain arrays: the files
  are read by :mod:`tutor.data`, nothing here does I/O); :mod:`tutor.learner.metrics`
  scores predictions.

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
