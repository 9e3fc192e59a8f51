"""Cognitive diagnosis on FrcSub: our DINA (and NCDM) and EduCDM's EMDINA, side by side.

For each seed, a random 20% of the 536 × 20 response cells is held out (the same cells
for every model: :func:`tutor.diagnosis.cdm_data.holdout_cells`); each model is fitted on
the other cells and predicts the held-out ones, and every prediction is scored by the same
function (AUC, accuracy at 0.5, RMSE).

EduCDM 1.0.1 runs in its own virtualenv, ``benchmarks/.educdm-venv`` (created on first
use), so that it never becomes a project dependency. Only its EM-DINA module is needed, and
that module uses numpy and tqdm alone; the package's ``__init__`` also imports its torch
models, so EduCDM is installed without dependencies (``--no-deps``) and the helper script
loads ``EduCDM/DINA/EM/DINA.py`` directly, unchanged, instead of downloading a second
torch. The helper gets the response matrix with held-out cells set to EduCDM's
``skip_value`` (-1), trains ``EMDINA`` with the settings of EduCDM's own FrcSub example
(``epoch=2, epsilon=1e-3``; ``--educdm-epoch`` changes it) and returns its prediction for
every cell, computed as its ``eval`` does (slip/guess of each student's most likely profile).

Run: ``python benchmarks/cdm_frcsub.py [--data DIR] [--seeds 0,1,2] [--no-educdm]
[--no-ncdm] [--write BENCHMARKS.md]``. ``--data`` defaults to ``$TUTOR_SHARED_DATA/frcsub``,
else ``<repo>/../shared/data/frcsub``. The data is read where it lies; only the masked
matrix is written, to a temporary folder, for EduCDM.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _educdm import LOADER
from _report import write_section

from tutor.data.cdm import read_matrix_data
from tutor.diagnosis.cdm_data import MatrixData, holdout_cells
from tutor.learner.data import ResponseTable
from tutor.learner.estimator import FittedCDM, cdm_estimator
from tutor.learner.metrics import Scores, score

REPO = Path(__file__).resolve().parents[1]
EDUCDM_VENV = REPO / "benchmarks" / ".educdm-venv"
# EduCDM itself without its dependencies (see the module docstring), and what EM-DINA uses.
EDUCDM_PACKAGE = "EduCDM==1.0.1"
EDUCDM_REQUIREMENTS = ["numpy<2", "tqdm"]
FIGURE = REPO / "benchmarks" / "figures" / "cdm_frcsub.png"
HEADING = "## Cognitive diagnosis on FrcSub (benchmarks/cdm_frcsub.py)"
TARGET_AUC = 0.87
HOLDOUT = 0.2

log = logging.getLogger("cdm_frcsub")

# Runs inside the EduCDM virtualenv. EduCDM/__init__.py imports every model (torch among
# them), so the EM-DINA file is loaded on its own, with the one name it imports from the
# package (the CDM base class, from EduCDM/meta.py, which needs nothing).
EDUCDM_RUNNER = (
    """
import importlib.util, json, sys, time, types
from pathlib import Path
import numpy as np

spec = importlib.util.find_spec("EduCDM")  # locates the package without importing it
root = Path(spec.submodule_search_locations[0])
"""
    + LOADER
    + """emdina = load("EduCDM.DINA.EM.DINA", root / "DINA" / "EM" / "DINA.py")

import importlib.metadata
r_path, q_path, out_dir, epoch, epsilon = sys.argv[1:6]
R = np.load(r_path)
q = np.load(q_path)
stu_num, prob_num = R.shape
model = emdina.DINA(R, q, stu_num, prob_num, q.shape[1], skip_value=-1)
start = time.perf_counter()
model.train(epoch=int(epoch), epsilon=float(epsilon))
fit_seconds = time.perf_counter() - start
# What EMDINA.eval scores: P(correct) of the student's most likely profile.
pred_score = (1 - model.slip) * model.eta + model.guess * (1 - model.eta)
np.save(out_dir + "/pred.npy", pred_score[model.theta, :].astype(float))
with open(out_dir + "/result.json", "w") as f:
    json.dump({"fit_seconds": fit_seconds, "version": importlib.metadata.version("EduCDM")}, f)
"""
)


def default_data_dir() -> Path:
    """``$TUTOR_SHARED_DATA/frcsub``, else ``<repo>/../shared/data/frcsub``."""
    shared = os.environ.get("TUTOR_SHARED_DATA")
    base = Path(shared).expanduser() if shared else REPO.parent / "shared" / "data"
    return base / "frcsub"


# The subprocess calls below (ruff S603) run fixed argument lists of our own paths and
# pinned requirements; no user text reaches them.


def ensure_educdm_venv() -> Path:
    """The EduCDM virtualenv's python, creating the virtualenv on first use."""
    python = EDUCDM_VENV / "bin" / "python"
    check = [
        str(python),
        "-c",
        "import importlib.util as u, numpy, tqdm; assert u.find_spec('EduCDM')",
    ]
    if python.exists():
        probe = subprocess.run(check, capture_output=True)  # noqa: S603
        if probe.returncode == 0:
            return python
    log.warning("creating %s with %s (one-off)", EDUCDM_VENV, EDUCDM_PACKAGE)
    base = shutil.which("python3") or sys.executable
    subprocess.run([base, "-m", "venv", str(EDUCDM_VENV)], check=True)  # noqa: S603
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--no-deps", EDUCDM_PACKAGE], check=True)  # noqa: S603
    subprocess.run([*pip, *EDUCDM_REQUIREMENTS], check=True)  # noqa: S603
    subprocess.run(check, check=True)  # noqa: S603
    return python


def run_educdm(
    data: MatrixData, held: np.ndarray[Any, Any], epoch: int, epsilon: float
) -> tuple[Scores, float, str]:
    """Fit EduCDM's EMDINA on the observed cells; scores of the held-out cells, fit s, version."""
    python = ensure_educdm_venv()
    with tempfile.TemporaryDirectory(prefix="cdm-educdm-") as tmp:
        folder = Path(tmp)
        masked = np.where(held, -1, data.responses).astype(float)
        np.save(folder / "R.npy", masked)
        np.save(folder / "q.npy", data.q.astype(float))
        (folder / "runner.py").write_text(EDUCDM_RUNNER, encoding="utf-8")
        cmd = [str(python), str(folder / "runner.py"), str(folder / "R.npy")]
        cmd += [str(folder / "q.npy"), str(folder), str(epoch), str(epsilon)]
        subprocess.run(cmd, check=True, timeout=600, capture_output=True)  # noqa: S603
        result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        predicted = np.load(folder / "pred.npy")
    return (
        score(data.responses[held], predicted[held]),
        float(result["fit_seconds"]),
        str(result["version"]),
    )


def run_model(
    name: str, data: MatrixData, held: np.ndarray[Any, Any], seed: int
) -> tuple[Scores, float, FittedCDM]:
    """The registered model ``name`` fitted on the observed cells; scores of the held-out
    cells, fit seconds, and the fitted model."""
    train = ResponseTable.from_matrix(data.responses, ~held, data.q)
    start = time.perf_counter()
    fitted = cdm_estimator(name).fit(train, seed=seed)
    seconds = time.perf_counter() - start
    test_users, test_items = np.nonzero(held)
    predicted = fitted.predict_proba(test_users, test_items)
    return score(data.responses[held], predicted), seconds, fitted


def plot(results: dict[str, list[Scores]], seeds: list[int], mastery: Any, path: Path) -> None:
    """AUC per seed for each model, and the class's per-skill mastery (seed 0 fit)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    width = 0.8 / len(results)
    for n, (name, scores) in enumerate(results.items()):
        xs = np.arange(len(seeds)) + (n - (len(results) - 1) / 2) * width
        left.bar(xs, [s.auc for s in scores], width, label=name)
    left.axhline(TARGET_AUC, color="black", linestyle="--", linewidth=1, label="goal 0.87")
    left.set_xticks(np.arange(len(seeds)), [f"seed {s}" for s in seeds])
    left.set_ylim(0.8, 0.94)
    left.set_ylabel("AUC on the held-out 20% of cells")
    left.set_title("Held-out AUC, same cells for every model")
    left.legend(loc="lower right", fontsize=8)
    right.boxplot([mastery[:, k] for k in range(mastery.shape[1])], showmeans=True)
    right.set_xlabel("skill (FrcSub Q-matrix column)")
    right.set_ylabel("P(mastered | observed answers)")
    right.set_title(f"Per-skill mastery of the {mastery.shape[0]} students (our DINA, seed 0)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _mean(scores: list[Scores], key: str) -> float:
    return float(np.mean([getattr(s, key) for s in scores]))


def markdown(
    results: dict[str, list[Scores]],
    fit_seconds: dict[str, list[float]],
    seeds: list[int],
    env: str,
    command: str,
) -> str:
    """The BENCHMARKS.md section body: setup, per-seed table, means, targets, notes."""
    lines = [
        env,
        f"Reproduce: `{command}`.",
        "",
        "| model | seed | AUC | accuracy | RMSE | held-out cells | fit (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, scores in results.items():
        for seed, s, sec in zip(seeds, scores, fit_seconds[name], strict=True):
            lines.append(
                f"| {name} | {seed} | {s.auc:.4f} | {s.acc:.4f} | {s.rmse:.4f} | "
                f"{s.n_test:,} | {sec:.2f} |"
            )
        lines.append(
            f"| **{name}** | mean | **{_mean(scores, 'auc'):.4f}** | "
            f"**{_mean(scores, 'acc'):.4f}** | **{_mean(scores, 'rmse'):.4f}** | | "
            f"{float(np.mean(fit_seconds[name])):.2f} |"
        )
    ours = results.get("kptutor DINA")
    lines.append("")
    if ours:
        worst = min(s.auc for s in ours)
        met = worst >= TARGET_AUC
        line = (
            f"- Our DINA: mean AUC **{_mean(ours, 'auc'):.4f}**, lowest seed {worst:.4f} "
            f"(goal ≥ {TARGET_AUC} on every seed: {'met' if met else 'NOT met'})"
        )
        theirs = next((v for k, v in results.items() if k.startswith("EduCDM")), None)
        if theirs:
            gain = _mean(ours, "auc") - _mean(theirs, "auc")
            wins = all(o.auc > t.auc for o, t in zip(ours, theirs, strict=True))
            line += (
                f"; {gain:+.4f} AUC over EduCDM's EMDINA on average, "
                f"{'better on every seed' if wins else 'NOT better on every seed'}"
            )
        lines.append(line + ".")
    lines += ["", f"![AUC per seed and per-skill mastery]({FIGURE.relative_to(REPO)})", ""]
    lines += NOTES
    return "\n".join(lines)


NOTES = [
    "**Reading the cognitive-diagnosis figures.**",
    "- What our DINA does differently from EduCDM's EMDINA (both are DINA on the same",
    "  8-skill Q-matrix, both fitted by EM over all 256 skill profiles):",
    "  - it learns the prior over profiles (EMDINA keeps it uniform), Dirichlet-smoothed",
    "    with 10 pseudo-students spread over the profiles;",
    "  - slip and guess are MAP estimates under Beta(2, 2) priors;",
    "  - held-out cells are left out of every sum (EMDINA skips them in the likelihood but",
    "    counts them as wrong answers, in its guess/slip updates, which biases both);",
    "  - a held-out cell is predicted from the posterior over the student's profiles,",
    "    Σ P(profile | observed answers) · P(correct | profile, item); EMDINA uses the",
    "    single most likely profile.",
    "  In a one-off ablation during development (seeds 0-2, mean AUC; not rerun by this",
    "  script): EMDINA-style EM 0.854; with the learned prior and masked cells but still",
    "  predicting from the most likely profile 0.874; with posterior-averaged predictions",
    "  0.908. The Beta and Dirichlet smoothing changed AUC by less than 0.002 on FrcSub;",
    "  they matter for small classes, where an item may have few answers from one group.",
    "- EduCDM 1.0.1's EMDINA is run unchanged (its own file, in its own virtualenv), with",
    "  the settings of EduCDM's FrcSub example (`epoch=2, epsilon=1e-3`); its predictions",
    "  are what its `eval` scores. No held-out cell reaches any model's fit.",
    "- NCDM (ours, torch) is the model meant for many skills; on FrcSub's 8 skills it is",
    "  shown for reference: 10% of the training cells are used for early stopping (the",
    "  matrix format has no validation split). Since issue 20 its discrimination scale is 1",
    "  and it keeps the epoch of best validation AUC; the comparison with EduCDM's NCDM, on",
    "  train / validation / test splits, is `benchmarks/ncdm_educdm.py` (its own section).",
]


def main() -> int:
    """Run the benchmark; print the markdown; optionally write it into BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the FrcSub folder")
    parser.add_argument("--seeds", default="0,1,2", help="hold-out seeds, comma-separated")
    parser.add_argument("--no-educdm", action="store_true", help="skip EduCDM's EMDINA")
    parser.add_argument("--no-ncdm", action="store_true", help="skip our NCDM")
    parser.add_argument("--educdm-epoch", type=int, default=2, help="EMDINA's epoch argument")
    parser.add_argument("--educdm-epsilon", type=float, default=1e-3)
    parser.add_argument("--write", type=Path, default=None, help="update this BENCHMARKS.md")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    folder = args.data or default_data_dir()
    if not (folder / "data.txt").is_file():
        print(f"no FrcSub data in {folder}: pass --data DIR", file=sys.stderr)
        return 2
    data = read_matrix_data(folder / "data.txt", folder / "q.txt")
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    results: dict[str, list[Scores]] = {}
    seconds: dict[str, list[float]] = {}
    mastery = None

    def add(name: str, s: Scores, sec: float) -> None:
        results.setdefault(name, []).append(s)
        seconds.setdefault(name, []).append(sec)
        print(f"{name}: AUC {s.auc:.4f} acc {s.acc:.4f} RMSE {s.rmse:.4f}", file=sys.stderr)

    for seed in seeds:
        held = holdout_cells(data.responses.shape, HOLDOUT, seed)
        print(f"seed {seed}: {int(held.sum())} held-out cells", file=sys.stderr)
        s, sec, dina = run_model("dina", data, held, seed)
        add("kptutor DINA", s, sec)
        if mastery is None:
            mastery = dina.mastery()
        if not args.no_educdm:
            s, sec, version = run_educdm(data, held, args.educdm_epoch, args.educdm_epsilon)
            add(f"EduCDM {version} EMDINA", s, sec)
        if not args.no_ncdm:
            s, sec, _ = run_model("ncdm", data, held, seed)
            add("kptutor NCDM", s, sec)
    assert mastery is not None
    plot(results, seeds, mastery, FIGURE)

    env = (
        f"FrcSub (Tatsuoka 1984): {data.n_students} students × {data.n_items} items, "
        f"{data.n_skills}-skill Q-matrix; {HOLDOUT:.0%} of cells held out at random per seed "
        f"(seeds {', '.join(map(str, seeds))}), the same cells for every model. Measured "
        f"{time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPU cores (no GPU), Python "
        f"{platform.python_version()}, numpy {np.__version__}."
    )
    command = "python benchmarks/cdm_frcsub.py --write BENCHMARKS.md"
    body = markdown(results, seconds, seeds, env, command)
    print(body)
    if args.write:
        write_section(args.write, body, "cdm", HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
