"""NCDM against EduCDM's NCDM: the same train / validation / test splits, several seeds.

Issue 20: on a held-out EduCDM-format ASSIST split our NCDM scored AUC 0.731 where
EduCDM's NCDM (5 epochs) scored 0.755. That split is kept for evaluation; this benchmark
builds and tunes on the data at hand (docs/DATA.md, "NCDM against EduCDM"):

* ``frcsub``: FrcSub's 536 × 20 matrix in the long format; per seed the test answers are
  the 20% of cells ``cdm_frcsub.py`` holds out with that seed, and a seeded 10% of the rest
  is the validation split;
* ``assist2015``: ASSIST2015 (pyKT files) in EduCDM's format: the item is the skill
  builder (the data has no question ids; Q-matrix one-hot), every answer is a row
  (repeats kept), and each student's answers are split 70/10/20 at random into train,
  validation and test (seeded), as EduCDM's own splits are made. ``--assist-students``
  takes a seeded subset of students (default 4,000 of 19,093, to keep runs short on the
  shared machine);
* ``sparse``: synthetic EduCDM-like data: 2,000 students, 3,000 items tagged with 1-3 of
  40 skills, ~60 answers per student (so ~40 per item), answers from a compensatory
  model with a guessing floor; split 70/10/20 per student.

Models, on the same splits: EduCDM 1.0.1's NCDM, its own file run unchanged (loaded from
its virtualenv ``benchmarks/.educdm-venv`` into a subprocess of this Python, which has
torch), trained on the training split for 5 epochs as in the issue's figure, and again with
its epoch count (1-10) chosen by validation AUC; and ours (``tutor.diagnosis.ncdm``) with
early stopping on the validation split. No test answer reaches any fit or any choice.

Run: ``python benchmarks/ncdm_educdm.py [--datasets frcsub,assist2015,sparse] [--seeds
0,1,2] [--write BENCHMARKS.md]``; a held-out EduCDM-format split is read with ``--train F
--valid F --test F --items F`` (then only that dataset is run).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from _educdm import LOADER
from _report import write_section
from cdm_frcsub import HOLDOUT, ensure_educdm_venv

from tutor.data.cdm import read_long_data, read_long_responses, read_matrix_data
from tutor.data.kt_logs import read_pykt
from tutor.diagnosis.cdm_data import holdout_cells
from tutor.diagnosis.ncdm import NcdmConfig, fit_ncdm, predict_ncdm
from tutor.learner.metrics import Scores, score

REPO = Path(__file__).resolve().parents[1]
HEADING = "## NCDM against EduCDM's NCDM (benchmarks/ncdm_educdm.py)"
EDUCDM_EPOCHS = 5  # the figure
#: Epochs EduCDM's NCDM runs for the row whose epoch count validation chooses: it learns
#: slowly on FrcSub's 30 batches an epoch (still rising at 10 epochs), so it gets more there.
EDUCDM_MAX_EPOCHS = {"frcsub": 40, "assist2015": 10, "sparse": 10, "files": 10}
log = logging.getLogger("ncdm_educdm")

IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class Split:
    """One dataset split: dense user / item indices, 0/1 answers, the Q-matrix."""

    name: str
    n_users: int
    q: np.ndarray[Any, Any]
    train: tuple[IntArray, IntArray, IntArray]
    valid: tuple[IntArray, IntArray, IntArray]
    test: tuple[IntArray, IntArray, IntArray]


def _per_student_split(
    users: IntArray, seed: int, shares: tuple[float, float] = (0.7, 0.1)
) -> IntArray:
    """0 (train), 1 (validation) or 2 (test) for each answer: each student's answers
    shuffled and cut 70/10/20 (at least one training answer per student)."""
    rng = np.random.default_rng(seed)
    part = np.empty(len(users), dtype=np.int64)
    order = np.argsort(users, kind="stable")
    bounds = np.flatnonzero(np.diff(users[order])) + 1
    for group in np.split(order, bounds):
        g = rng.permutation(group)
        n_train = max(1, round(shares[0] * len(g)))
        n_valid = round(shares[1] * len(g))
        part[g[:n_train]] = 0
        part[g[n_train : n_train + n_valid]] = 1
        part[g[n_train + n_valid :]] = 2
    return part


def _cut(
    users: IntArray, items: IntArray, y: IntArray, part: IntArray
) -> list[tuple[IntArray, IntArray, IntArray]]:
    return [(users[part == p], items[part == p], y[part == p]) for p in range(3)]


def frcsub_split(seed: int, folder: Path) -> Split:
    """FrcSub cells: test = ``cdm_frcsub``'s held-out cells of this seed; 10% of the rest
    validation."""
    data = read_matrix_data(folder / "data.txt", folder / "q.txt")
    held = holdout_cells(data.responses.shape, HOLDOUT, seed)
    users, items = np.indices(data.responses.shape)
    users, items, y = users.ravel(), items.ravel(), data.responses.ravel().astype(np.int64)
    rng = np.random.default_rng(seed + 7919)
    part = np.where(held.ravel(), 2, np.where(rng.random(len(y)) < 0.1, 1, 0))
    train, valid, test = _cut(users, items, y, part)
    return Split("frcsub", data.n_students, data.q.astype(float), train, valid, test)


def assist2015_split(seed: int, folder: Path, n_students: int) -> Split:
    """ASSIST2015 in EduCDM's format (item = skill builder), a seeded subset of students."""
    logs = [read_pykt(folder / "train_valid.csv"), read_pykt(folder / "test.csv")]
    users = np.concatenate(
        [lg.student_of + (0 if i == 0 else logs[0].n_students) for i, lg in enumerate(logs)]
    )
    items = np.concatenate([lg.skills for lg in logs]).astype(np.int64)
    y = np.concatenate([lg.correct for lg in logs]).astype(np.int64)
    total = logs[0].n_students + logs[1].n_students
    # The subset is the same for every seed (seed 0's draw): seeds vary the split only.
    chosen = np.sort(np.random.default_rng(12345).permutation(total)[: min(n_students, total)])
    keep = np.isin(users, chosen)
    users = np.searchsorted(chosen, users[keep])
    items, y = items[keep], y[keep]
    train, valid, test = _cut(users, items, y, _per_student_split(users, seed))
    q = np.eye(int(items.max()) + 1)
    return Split("assist2015", len(chosen), q, train, valid, test)


def sparse_split(seed: int) -> Split:
    """Synthetic EduCDM-like data (see the module docstring); the data is drawn once (seed
    0), each seed re-splits it."""
    rng = np.random.default_rng(2024)
    n_users, n_items, n_skills = 2000, 3000, 40
    q = np.zeros((n_items, n_skills))
    for j in range(n_items):
        q[j, rng.choice(n_skills, size=int(rng.integers(1, 4)), replace=False)] = 1
    general = rng.normal(0, 1, n_users)
    theta = general[:, None] * 0.8 + rng.normal(0, 0.8, (n_users, n_skills))
    difficulty = rng.normal(0, 1, (n_items, n_skills))
    disc = rng.uniform(0.7, 2.0, n_items)
    guess = rng.uniform(0.0, 0.25, n_items)
    per_user = rng.integers(30, 90, n_users)
    users = np.repeat(np.arange(n_users), per_user)
    items = rng.integers(0, n_items, len(users))
    gap = ((theta[users] - difficulty[items]) * q[items]).sum(1) / q[items].sum(1)
    p = guess[items] + (1 - guess[items]) / (1 + np.exp(-disc[items] * gap))
    y = (rng.random(len(users)) < p).astype(np.int64)
    train, valid, test = _cut(users, items, y, _per_student_split(users, seed))
    return Split("sparse", n_users, q, train, valid, test)


def files_split(train: Path, valid: Path, test: Path, items: Path) -> Split:
    """An EduCDM-format split read from files (read as ``tutor diagnose cdm`` reads them);
    validation answers of users or items not in train/test are left out."""
    data = read_long_data(train, test, items)
    for note in data.notes:
        log.warning("note: %s", note)
    v = read_long_responses(valid)
    u = np.searchsorted(data.user_ids, v.users)
    j = np.searchsorted(data.item_ids, v.items)
    u_ok = (u < len(data.user_ids)) & (
        data.user_ids[np.minimum(u, len(data.user_ids) - 1)] == v.users
    )
    j_ok = (j < len(data.item_ids)) & (
        data.item_ids[np.minimum(j, len(data.item_ids) - 1)] == v.items
    )
    ok = u_ok & j_ok
    if not ok.all():
        log.warning("validation: %d answers of unknown users or items left out", int((~ok).sum()))
    return Split(
        "files",
        data.n_users,
        data.q.astype(float),
        (data.train_users, data.train_items, data.train_scores),
        (u[ok], j[ok], v.scores[ok]),
        (data.test_users, data.test_items, data.test_scores),
    )


def _educdm_runner() -> str:
    """The runner, in a subprocess of this Python (torch is here; EduCDM's virtualenv holds
    only its source). EduCDM/__init__.py imports every model and their dependencies, so
    NCDM.py is loaded on its own, with the CDM base class from EduCDM/meta.py, unchanged.
    Its ``train`` runs ``max_epochs`` epochs in one call (one Adam, as published); the
    validation and test predictions after every epoch are recorded where ``train`` prints
    its per-epoch loss line."""
    return (
        """
import importlib.util, json, sys, time, types, builtins
from pathlib import Path
import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from sklearn.metrics import roc_auc_score

root = Path(sys.argv[1])
"""
        + LOADER
        + """ncdm = load("EduCDM.NCDM.NCDM", root / "NCDM" / "NCDM.py")
ncdm.tqdm = lambda it, *a, **k: it  # no progress bars in the log

folder, seed, max_epochs = Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(1)
torch.manual_seed(seed)
np.random.seed(seed)
q = np.load(folder / "q.npy").astype(np.float32)
def loader(part, shuffle):
    u, j, y = (np.load(folder / f"{part}_{k}.npy") for k in "ujy")
    data = TensorDataset(torch.tensor(u, dtype=torch.int64), torch.tensor(j, dtype=torch.int64),
                         torch.tensor(q[j]), torch.tensor(y, dtype=torch.float32))
    return DataLoader(data, batch_size=256, shuffle=shuffle)  # as in EduCDM's examples
train, valid, test = loader("train", True), loader("valid", False), loader("test", False)
n_users = int(json.loads((folder / "meta.json").read_text())["n_users"])
model = ncdm.NCDM(q.shape[1], q.shape[0], n_users)
def predict(data):
    model.ncdm_net.eval()
    out = []
    with torch.no_grad():
        for u, j, k, _ in data:
            out.append(model.ncdm_net(u, j, k).numpy())
    model.ncdm_net.train()
    return np.concatenate(out)
# EduCDM's train() prints "[Epoch i] average loss" after each epoch: record the validation
# and test predictions there, so that one unchanged train() call (one Adam) yields every
# epoch's model.
y_valid = np.load(folder / "valid_y.npy")
record = {"valid_auc": [], "test_pred": []}
real_print = builtins.print
def on_print(*args, **kwargs):
    text = " ".join(str(a) for a in args)
    if text.startswith("[Epoch") and "average loss" in text:
        record["valid_auc"].append(float(roc_auc_score(y_valid, predict(valid))))
        record["test_pred"].append(predict(test))
ncdm.print = on_print
start = time.perf_counter()
model.train(train, None, epoch=max_epochs, device="cpu")
seconds = time.perf_counter() - start
np.save(folder / "test_pred.npy", np.stack(record["test_pred"]))
(folder / "result.json").write_text(json.dumps({"valid_auc": record["valid_auc"],
                                                 "seconds": seconds}))
"""
    )


def educdm_root() -> Path:
    """EduCDM's source folder inside its virtualenv (created on first use)."""
    python = ensure_educdm_venv()
    probe = [
        str(python),
        "-c",
        "import importlib.util as u; print(u.find_spec('EduCDM').submodule_search_locations[0])",
    ]
    out = subprocess.run(probe, check=True, capture_output=True, text=True)  # noqa: S603
    return Path(out.stdout.strip())


def run_educdm(
    split: Split, seed: int, max_epochs: int
) -> tuple[list[float], np.ndarray[Any, Any], float]:
    """EduCDM's NCDM on the split: validation AUC after each epoch, test predictions after
    each epoch (epochs × test answers), and the training seconds."""
    with tempfile.TemporaryDirectory(prefix="ncdm-educdm-") as tmp:
        folder = Path(tmp)
        np.save(folder / "q.npy", split.q)
        for part, (u, j, y) in zip(
            ("train", "valid", "test"), (split.train, split.valid, split.test), strict=True
        ):
            np.save(folder / f"{part}_u.npy", u)
            np.save(folder / f"{part}_j.npy", j)
            np.save(folder / f"{part}_y.npy", y)
        (folder / "meta.json").write_text(json.dumps({"n_users": split.n_users}))
        (folder / "runner.py").write_text(_educdm_runner(), encoding="utf-8")
        cmd = [sys.executable, str(folder / "runner.py"), str(educdm_root()), str(folder)]
        cmd += [str(seed), str(max_epochs)]
        subprocess.run(cmd, check=True, timeout=3600, capture_output=True)  # noqa: S603
        result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        preds = np.load(folder / "test_pred.npy")
    return list(result["valid_auc"]), preds, float(result["seconds"])


def run_ours(split: Split, seed: int, config: NcdmConfig) -> tuple[Scores, float, dict[str, Any]]:
    """Our NCDM with early stopping on the validation split: test scores, fit seconds,
    epochs run and the best validation AUC."""
    start = time.perf_counter()
    u, j, y = split.train
    model = fit_ncdm(u, j, y, split.q, n_users=split.n_users, config=config, valid=split.valid)
    seconds = time.perf_counter() - start
    tu, tj, ty = split.test
    return score(ty, predict_ncdm(model, tu, tj)), seconds, model.details()


def build(name: str, seed: int, args: argparse.Namespace) -> Split:
    """The split of dataset ``name`` for ``seed``."""
    shared = os.environ.get("TUTOR_SHARED_DATA")
    base = Path(shared).expanduser() if shared else REPO.parent / "shared" / "data"
    if name == "frcsub":
        return frcsub_split(seed, base / "frcsub")
    if name == "assist2015":
        return assist2015_split(seed, base / "assist2015", args.assist_students)
    if name == "sparse":
        return sparse_split(seed)
    raise SystemExit(f"unknown dataset {name!r}: choose frcsub, assist2015, sparse")


ROWS: dict[str, Callable[[list[float]], int]] = {
    f"EduCDM 1.0.1 NCDM, {EDUCDM_EPOCHS} epochs": lambda _v: EDUCDM_EPOCHS - 1,
    "EduCDM 1.0.1 NCDM, epochs chosen on validation": lambda v: int(np.argmax(v)),
}
OURS = "kptutor NCDM (early stopping on validation)"


def markdown(
    results: dict[str, dict[str, list[tuple[Scores, float, str]]]], env: str, command: str
) -> str:
    """The section body: per dataset and model, mean (and lowest) test AUC over seeds."""
    lines = [
        env,
        f"Reproduce: `{command}`.",
        "",
        "| dataset | model | test AUC mean | lowest seed | accuracy | RMSE | per seed | "
        "fit (s) | notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for data, models in results.items():
        for model, runs in models.items():
            aucs = [s.auc for s, _, _ in runs]
            lines.append(
                f"| {data} | {model} | **{np.mean(aucs):.4f}** | {min(aucs):.4f} | "
                f"{np.mean([s.acc for s, _, _ in runs]):.4f} | "
                f"{np.mean([s.rmse for s, _, _ in runs]):.4f} | "
                + " ".join(f"{a:.4f}" for a in aucs)
                + f" | {np.mean([t for _, t, _ in runs]):.1f} | {runs[0][2]} |"
            )
        ours = [s.auc for s, _, _ in models[OURS]]
        best_theirs = max(np.mean([s.auc for s, _, _ in r]) for m, r in models.items() if m != OURS)
        wins = all(
            o > max(r[i][0].auc for m, r in models.items() if m != OURS) for i, o in enumerate(ours)
        )
        verdicts.append(
            f"- {data}: ours {np.mean(ours):.4f} against EduCDM's best {best_theirs:.4f} "
            f"({np.mean(ours) - best_theirs:+.4f}); "
            + ("better on every seed: met." if wins else "NOT better on every seed.")
        )
    return "\n".join([*lines, "", *verdicts])


def main() -> int:
    """Run the comparison; print the markdown; optionally write it into BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default="frcsub,assist2015,sparse")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument(
        "--seeds-for",
        action="append",
        default=[],
        help="NAME=0,1 to run dataset NAME on other seeds than --seeds (repeatable)",
    )
    parser.add_argument("--assist-students", type=int, default=4000)
    for part in ("train", "valid", "test", "items"):
        parser.add_argument(f"--{part}", type=Path, default=None, help="an EduCDM-format file")
    parser.add_argument("--write", type=Path, default=None, help="update this BENCHMARKS.md")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    files = [args.train, args.valid, args.test, args.items]
    if any(files) and not all(files):
        print("give all of --train, --valid, --test and --items", file=sys.stderr)
        return 2
    names = ["files"] if all(files) else [n.strip() for n in args.datasets.split(",") if n]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    results: dict[str, dict[str, list[tuple[Scores, float, str]]]] = {}
    overrides = {k: v for k, _, v in (o.partition("=") for o in args.seeds_for)}
    for name in names:
        picked = overrides.get(name)
        for seed in [int(x) for x in picked.split(",")] if picked else seeds:
            split = files_split(*files) if name == "files" else build(name, seed, args)
            sizes = "/".join(f"{len(p[0]):,}" for p in (split.train, split.valid, split.test))
            label = name  # the sizes (train/valid/test answers) vary by seed: logged below
            per = results.setdefault(label, {})
            valid_auc, preds, seconds = run_educdm(split, seed, EDUCDM_MAX_EPOCHS[name])
            for model, pick in ROWS.items():
                epoch = pick(valid_auc)
                s = score(split.test[2], preds[epoch])
                note = f"epoch {epoch + 1}, validation AUC {valid_auc[epoch]:.4f}"
                per.setdefault(model, []).append((s, seconds * (epoch + 1) / len(valid_auc), note))
            s, sec, details = run_ours(split, seed, NcdmConfig(seed=seed))
            note = (
                f"epochs {details['epochs']}, validation AUC {details['val_auc']:.4f}; "
                f"train/valid/test answers {sizes}"
            )
            per.setdefault(OURS, []).append((s, sec, note))
            log.warning(
                "%s (%s answers) seed %d: %s",
                label,
                sizes,
                seed,
                ", ".join(f"{m} {r[-1][0].auc:.4f}" for m, r in per.items()),
            )
    env = (
        f"Seeds {', '.join(map(str, seeds))} ({'; '.join(args.seeds_for) or 'every dataset'}); "
        "EduCDM's epochs chosen among 1-N ("
        + ", ".join(f"{k} {EDUCDM_MAX_EPOCHS[k]}" for k in names)
        + f"); measured {time.strftime('%Y-%m-%d')} on "
        f"{os.cpu_count()} shared CPU cores, one torch thread per fit (1-minute load average "
        f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end), Python "
        f"{platform.python_version()}, numpy {np.__version__}, "
        f"{time.perf_counter() - start:.0f} s in all. ASSIST2015: "
        f"{args.assist_students:,} students. Notes give, for the seed of the first row, the "
        "epoch kept and its validation AUC."
    )
    command = " ".join(["python benchmarks/ncdm_educdm.py", *sys.argv[1:]])
    body = markdown(results, env, command)
    print(body)
    if args.write:
        write_section(args.write, body, "ncdm-educdm", HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
