"""How NCDM's defaults were chosen: settings compared on the validation split of
``ncdm_educdm.py``'s datasets (the choice is made on validation AUC; test AUC is printed only
to report afterwards, never to choose).

Run: ``SWEEP_DATA=sparse|frcsub|assist2015 python benchmarks/ncdm_sweep.py NAME,NAME SEEDS
WORKERS``, e.g. ``python benchmarks/ncdm_sweep.py default,scale1,scale1-auc 0 1``; one JSON
line per fit.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from ncdm_educdm import REPO, assist2015_split, frcsub_split, sparse_split

from tutor.diagnosis.ncdm import NcdmConfig, fit_ncdm, predict_ncdm
from tutor.learner.metrics import score

#: Settings compared (on top of the defaults of the time: scale 10, log-loss stopping).
GRID: dict[str, dict[str, Any]] = {
    "default": dict(discrimination_scale=10.0, stop_on="loss"),
    "scale1": dict(discrimination_scale=1.0, stop_on="loss"),
    "scale3": dict(discrimination_scale=3.0, stop_on="loss"),
    "wide": dict(discrimination_scale=10.0, stop_on="loss", hidden=(512, 256), dropout=0.5),
    "scale1-wide": dict(discrimination_scale=1.0, stop_on="loss", hidden=(512, 256), dropout=0.5),
    "scale1-auc": dict(discrimination_scale=1.0, stop_on="auc"),
    "scale1-wd1e-5": dict(discrimination_scale=1.0, stop_on="loss", weight_decay=1e-5),
    "scale1-wd1e-6": dict(discrimination_scale=1.0, stop_on="loss", weight_decay=1e-6),
    # Issue 20, second pass (defaults then: scale 1, AUC stopping, init_std 0.1). EduCDM's
    # Xavier-normal start is about 0.03 for these embeddings. Chosen: 0.01 (NcdmConfig).
    "now": dict(init_std=0.1),
    "init0.03": dict(init_std=0.03),
    "init0.01": dict(init_std=0.01),
    "init0.003": dict(init_std=0.003),
    "init0.03-wide": dict(init_std=0.03, hidden=(512, 256), dropout=0.5),
}


def one(job: tuple[str, dict[str, Any], int]) -> dict[str, Any]:
    """Fit one setting on one seed's split: validation and test AUC, epochs, seconds."""
    name, settings, seed = job
    if os.environ.get("SWEEP_DATA") == "frcsub":
        split = frcsub_split(seed, REPO.parent / "shared" / "data" / "frcsub")
    elif os.environ.get("SWEEP_DATA") == "assist2015":  # the benchmark's 2,000 students
        split = assist2015_split(seed, REPO.parent / "shared" / "data" / "assist2015", 2000)
    else:
        split = sparse_split(seed)
    cfg = replace(NcdmConfig(seed=seed), **settings)
    start = time.perf_counter()
    u, j, y = split.train
    model = fit_ncdm(u, j, y, split.q, n_users=split.n_users, config=cfg, valid=split.valid)
    (vu, vj, vy), (tu, tj, ty) = split.valid, split.test
    return {
        "name": name,
        "seed": seed,
        "val": score(vy, predict_ncdm(model, vu, vj)).auc,
        "test": score(ty, predict_ncdm(model, tu, tj)).auc,
        "epochs": model.epochs_run,
        "s": round(time.perf_counter() - start, 1),
    }


if __name__ == "__main__":
    names = sys.argv[1].split(",") if len(sys.argv) > 1 and sys.argv[1] else list(GRID)
    seeds = [int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "0").split(",")]
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    jobs = [(n, GRID[n], s) for n in names for s in seeds]
    with ProcessPoolExecutor(workers) as pool:
        for result in pool.map(one, jobs):
            print(json.dumps(result), flush=True)
