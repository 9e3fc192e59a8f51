"""Choose a DKT configuration on ASSIST2015 without looking at the test file.

One training fold (``--holdout``, default 0) is set aside entirely; every candidate trains
on the other folds (early-stopping on the first of them, or on each in turn with
``rotate_folds``) and is scored on the held-out fold. The test file is never read. Each
candidate's networks are also pooled with the other candidates' into mixed ensembles,
whose held-out AUC is reported too.

Run: ``python benchmarks/dkt_select.py [--data DIR] [--holdout 0] [--device cuda]
[--json FILE] CANDIDATE ...`` where a candidate is ``name:key=value,key,...`` over
:class:`tutor.learner.dkt.DKTConfig` fields on top of the base configuration chosen before
(embed 128, hidden 256, student and input features), e.g.
``gru5:ensemble=5`` ``rot5:ensemble=5,rotate_folds`` ``attn5:ensemble=5,attention``.
A bare key sets a boolean field to true. Progress (one line per network) goes to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kt_assist2015 import default_data_dir

from tutor.data.kt_logs import read_pykt
from tutor.learner.dkt import DKTConfig, DKTEstimator, DKTModel
from tutor.learner.metrics import score

BASE = DKTConfig(embed=128, hidden=256, student_features=True, input_features=True)


def parse_candidate(text: str, base: DKTConfig) -> tuple[str, DKTConfig]:
    """``name:key=value,flag`` → (name, config); unknown keys or bad values raise ValueError."""
    name, _, spec = text.partition(":")
    if not name:
        raise ValueError(f"candidate {text!r} has no name: write name:key=value,...")
    fields = {f.name: f for f in dataclasses.fields(DKTConfig)}
    changes: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, has_value, value = item.partition("=")
        if key not in fields:
            raise ValueError(f"candidate {name!r}: {key!r} is not a DKTConfig field")
        current = getattr(base, key)
        if not has_value:
            changes[key] = True
        elif isinstance(current, bool):
            changes[key] = value.lower() in ("1", "true", "yes")
        elif isinstance(current, int):
            changes[key] = int(value)
        elif isinstance(current, float):
            changes[key] = float(value)
        else:
            changes[key] = value
    return name, dataclasses.replace(base, **changes)


def member_predictions(model: DKTModel, data: Any) -> list[np.ndarray]:
    """Each network's own predictions (the ensemble's are their mean)."""
    cfg = dataclasses.replace(model.config, ensemble=1)
    return [DKTModel(net, model.n_skills, cfg).predict_proba(data) for net in model.nets]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("candidates", nargs="+", help="name:key=value,... (see the docstring)")
    parser.add_argument("--data", type=Path, default=None, help="folder with train_valid.csv")
    parser.add_argument("--holdout", type=int, default=0, help="training fold set aside")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1…")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--save-preds",
        type=Path,
        default=None,
        help="save each network's held-out predictions as NAME.npy here (to pool runs later;"
        " derived from the data: keep them out of the repository)",
    )
    args = parser.parse_args()
    try:
        candidates = [parse_candidate(c, BASE) for c in args.candidates]
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    data_dir = args.data or default_data_dir()
    log = read_pykt(data_dir / "train_valid.csv")
    if not np.any(log.folds == args.holdout):
        print(f"fold {args.holdout} is not in {data_dir / 'train_valid.csv'}", file=sys.stderr)
        return 2
    train, held = log.select(log.folds != args.holdout), log.select(log.folds == args.holdout)
    val_fold = int(min(f for f in np.unique(train.folds) if f >= 0))
    print(
        f"train {train.n_students} students / {train.n_responses} responses (val fold "
        f"{val_fold}), held-out fold {args.holdout}: {held.n_students} / {held.n_responses}",
        file=sys.stderr,
    )
    results: dict[str, Any] = {"holdout": args.holdout, "candidates": {}, "mixed": {}}
    preds: dict[str, list[np.ndarray]] = {}
    for name, cfg in candidates:
        cfg = dataclasses.replace(cfg, device=args.device, seed=args.seed, val_fold=val_fold)
        estimator = DKTEstimator(cfg, val_fold=val_fold)
        start = time.perf_counter()
        model = estimator.fit(train, n_skills=log.n_skills, seed=args.seed)
        seconds = time.perf_counter() - start
        preds[name] = member_predictions(model, held)
        if args.save_preds:
            args.save_preds.mkdir(parents=True, exist_ok=True)
            np.save(args.save_preds / f"{name}.npy", np.stack(preds[name]))
        members = [score(held.correct, p).auc for p in preds[name]]
        auc = score(held.correct, np.mean(preds[name], axis=0)).auc
        changed = {
            f.name: getattr(cfg, f.name)
            for f in dataclasses.fields(DKTConfig)
            if getattr(cfg, f.name) != getattr(BASE, f.name) and f.name not in ("device", "seed")
        }
        results["candidates"][name] = {
            "config": changed,
            "heldout_auc": auc,
            "member_aucs": members,
            "val_folds": list(model.val_folds),
            "fit_seconds": seconds,
        }
        print(
            f"{name}: held-out AUC {auc:.5f} (members {min(members):.5f}-{max(members):.5f}) "
            f"in {seconds:.0f} s",
            file=sys.stderr,
        )
    for a, b in itertools.combinations(preds, 2):
        pooled = preds[a] + preds[b]
        results["mixed"][f"{a}+{b}"] = score(held.correct, np.mean(pooled, axis=0)).auc
    if len(preds) > 2:
        everything = [p for ps in preds.values() for p in ps]
        results["mixed"]["all"] = score(held.correct, np.mean(everything, axis=0)).auc
    print("| candidate | held-out AUC | members | val folds | fit (s) |")
    print("|---|---|---|---|---|")
    for name, r in results["candidates"].items():
        m = r["member_aucs"]
        print(
            f"| {name} | {r['heldout_auc']:.5f} | {min(m):.5f}-{max(m):.5f} | "
            f"{','.join(str(f) for f in r['val_folds'])} | {r['fit_seconds']:.0f} |"
        )
    for name, auc in results["mixed"].items():
        print(f"| {name} (pooled) | {auc:.5f} | | | |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
