"""Knowledge tracing on ASSIST2015: our BKT, Elo and DKT, and pyBKT, side by side.

Trains on pyKT's ``train_valid.csv`` (all five folds; fold 0 also serves for DKT early
stopping and Elo tuning) and scores every response of ``test.csv`` predicted from the same
student's earlier responses (protocol: :mod:`tutor.learner.evaluation`). pyBKT 1.4.3 runs
in its own virtualenv, ``benchmarks/.pybkt-venv`` (created on first use: it needs
``scikit-learn<1.6`` and ``numpy<2``, which the project does not use), on the same training
rows; its test predictions are scored by the same function as ours. Fit times are wall-clock
seconds of the fit calls alone (data preparation inside them included).

Run: ``python benchmarks/kt_assist2015.py [--data DIR] [--models bkt,elo,dkt] [--no-pybkt]
[--write BENCHMARKS.md]``. ``--data`` defaults to ``$TUTOR_SHARED_DATA/assist2015``, else
``<repo>/../shared/data/assist2015``. The ASSISTments data is read where it lies and only
copied to a temporary folder outside the repository for pyBKT; it is never written into the
repository.
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
from _report import write_section

from tutor.learner.data import ResponseLog, read_pykt
from tutor.learner.evaluation import EvalOptions, EvalResult, evaluate
from tutor.learner.metrics import Scores, score

REPO = Path(__file__).resolve().parents[1]
PYBKT_VENV = REPO / "benchmarks" / ".pybkt-venv"
PYBKT_REQUIREMENTS = ["pyBKT==1.4.3", "scikit-learn<1.6", "numpy<2", "pandas<2.2"]
HEADING = "## Knowledge tracing on ASSIST2015 (benchmarks/kt_assist2015.py)"
#: pyKT's published ASSIST2015 test AUCs (Liu et al. 2022, pyKT leaderboard).
PYKT_AUC = {"DKT": 0.7271, "AKT": 0.7281}
TARGET_DKT_AUC = 0.73
TARGET_SPEEDUP = 5.0

log = logging.getLogger("kt_assist2015")

# Runs inside the pyBKT virtualenv: fit on the training rows, predict the test rows, and
# write the predictions in test-row order plus the timings.
PYBKT_RUNNER = """
import json, sys, time
import numpy as np
import pandas as pd
import pyBKT
from pyBKT.models import Model

train_csv, test_csv, out_dir, num_fits, seed = sys.argv[1:6]
train = pd.read_csv(train_csv, dtype={"skill_name": str})
test = pd.read_csv(test_csv, dtype={"skill_name": str})
model = Model(seed=int(seed), num_fits=int(num_fits))
start = time.perf_counter()
model.fit(data=train)
fit_seconds = time.perf_counter() - start
start = time.perf_counter()
predicted = model.predict(data=test).sort_index()  # pyBKT sorts by user; restore row order
predict_seconds = time.perf_counter() - start
assert len(predicted) == len(test)
assert (predicted["correct"].to_numpy() == test["correct"].to_numpy()).all()
np.save(out_dir + "/pred.npy", predicted["correct_predictions"].to_numpy(dtype=float))
with open(out_dir + "/result.json", "w") as f:
    json.dump({"fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
               "version": getattr(pyBKT, "__version__", "1.4.3")}, f)
"""


def default_data_dir() -> Path:
    """``$TUTOR_SHARED_DATA/assist2015``, else ``<repo>/../shared/data/assist2015``."""
    shared = os.environ.get("TUTOR_SHARED_DATA")
    base = Path(shared).expanduser() if shared else REPO.parent / "shared" / "data"
    return base / "assist2015"


# The subprocess calls below (ruff S603) run fixed argument lists of our own paths and
# pinned requirements; no user text reaches them.


def ensure_pybkt_venv() -> Path:
    """The pyBKT virtualenv's python, creating the virtualenv on first use."""
    python = PYBKT_VENV / "bin" / "python"
    check = [str(python), "-c", "import pyBKT.models, sklearn, numpy"]
    if python.exists():
        probe = subprocess.run(check, capture_output=True)  # noqa: S603
        if probe.returncode == 0:
            return python
    log.warning("creating %s with %s (one-off, a few minutes)", PYBKT_VENV, PYBKT_REQUIREMENTS)
    base = shutil.which("python3") or sys.executable
    subprocess.run([base, "-m", "venv", str(PYBKT_VENV)], check=True)  # noqa: S603
    pip = [str(python), "-m", "pip", "install", "-q", *PYBKT_REQUIREMENTS]
    subprocess.run(pip, check=True)  # noqa: S603
    subprocess.run(check, check=True)  # noqa: S603
    return python


def write_flat_csv(data: ResponseLog, path: Path) -> None:
    """pyBKT's input: one row per response, ``order_id`` keeping each student's order."""
    student = data.student_of
    with path.open("w", encoding="utf-8") as f:
        f.write("order_id,user_id,skill_name,correct\n")
        rows = zip(range(data.n_responses), student, data.skills, data.correct, strict=True)
        f.writelines(f"{i},{u},{k},{c}\n" for i, u, k, c in rows)


def run_pybkt(
    train: ResponseLog, test: ResponseLog, num_fits: int, seed: int, timeout: float
) -> tuple[Scores, float, float, str]:
    """Fit and predict with pyBKT in its virtualenv; scores, fit and predict seconds, version."""
    python = ensure_pybkt_venv()
    with tempfile.TemporaryDirectory(prefix="kt-pybkt-") as tmp:
        folder = Path(tmp)
        write_flat_csv(train, folder / "train.csv")
        write_flat_csv(test, folder / "test.csv")
        (folder / "runner.py").write_text(PYBKT_RUNNER, encoding="utf-8")
        cmd = [str(python), str(folder / "runner.py"), str(folder / "train.csv")]
        cmd += [str(folder / "test.csv"), str(folder), str(num_fits), str(seed)]
        log.warning("pyBKT: fitting %d responses (num_fits=%d)…", train.n_responses, num_fits)
        subprocess.run(cmd, check=True, timeout=timeout)  # noqa: S603
        result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        predicted = np.load(folder / "pred.npy")
    return (
        score(test.correct, predicted),
        float(result["fit_seconds"]),
        float(result["predict_seconds"]),
        str(result["version"]),
    )


class StderrProgress:
    """A line on stderr each time a task starts or finishes, and every 10% in between."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}
        self.start = time.perf_counter()

    def __call__(self, task: str, done: int, total: int) -> None:
        decile = 10 * done // max(total, 1)
        if self.last.get(task) != decile:
            self.last[task] = decile
            elapsed = time.perf_counter() - self.start
            print(f"[{elapsed:7.1f}s] {task}: {done}/{total}", file=sys.stderr, flush=True)


def markdown(rows: list[dict[str, Any]], env: str, command: str) -> str:
    """The BENCHMARKS.md section body: setup, table, targets."""
    lines = [
        env,
        f"Reproduce: `{command}`.",
        "",
        "| model | implementation | fit (s) | predict (s) | AUC | accuracy | RMSE | n_test "
        "| notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        s: Scores = r["scores"]
        lines.append(
            f"| {r['model']} | {r['impl']} | {r['fit']:.1f} | {r['predict']:.1f} | "
            f"{s.auc:.4f} | {s.acc:.4f} | {s.rmse:.4f} | {s.n_test:,} | {r['notes']} |"
        )
    by_key = {(r["model"], r["impl"]): r for r in rows}
    ours, theirs = by_key.get(("BKT", "kptutor")), by_key.get(("BKT", "pyBKT 1.4.3"))
    lines.append("")
    if ours and theirs:
        speedup = theirs["fit"] / ours["fit"]
        d_auc = ours["scores"].auc - theirs["scores"].auc
        met = speedup >= TARGET_SPEEDUP and d_auc >= -5e-4
        lines.append(
            f"- BKT fit speed-up over pyBKT: **{speedup:.1f}×** at AUC {d_auc:+.4f} "
            f"(target ≥ {TARGET_SPEEDUP:.0f}× at equal or better AUC: "
            f"{'met' if met else 'NOT met'})."
        )
    dkt = by_key.get(("DKT", "kptutor"))
    if dkt:
        met = dkt["scores"].auc >= TARGET_DKT_AUC
        lines.append(
            f"- DKT AUC **{dkt['scores'].auc:.4f}** (target ≥ {TARGET_DKT_AUC}: "
            f"{'met' if met else 'NOT met'}); pyKT's published ASSIST2015 AUCs: "
            + ", ".join(f"{k} {v}" for k, v in PYKT_AUC.items())
            + " (different protocol, see below)."
        )
    lines += ["", *NOTES]
    return "\n".join(lines)


NOTES = [
    "**Reading the knowledge-tracing figures.**",
    "- Protocol: every test response is predicted from the same student's earlier responses",
    "  only (the first one from the prior) and all 138,458 are scored. pyKT instead cuts test",
    "  sequences into 200-answer chunks and does not score the first answer of a chunk, so",
    "  its figures are comparable in kind, not identical in protocol.",
    "- BKT (ours): one EM run per skill from the same start (prior 0.3, learn 0.1, guess 0.2,",
    "  slip 0.1), all 100 skills at once in numpy, guess and slip bounded by 0.3, no",
    "  forgetting, stopped when the mean log-likelihood gains < 1e-6 per response. pyBKT: one",
    "  random start per skill (`num_fits=1`; its default of 5 restarts would take about five",
    "  times as long), its own EM stopping rule, its default `parallel=True` (a process pool",
    "  on both cores). Both fits see the same training rows; both are scored by the same",
    "  function on the same test responses.",
    "- Elo: concept-specific Elo (global ability + per-skill offset, difficulties from a",
    "  batch 1PL refit); step sizes tuned on fold 0, difficulties refitted on all folds.",
    "- DKT: GRU (hidden 128) over embedded answers, a head that sees the asked skill and the",
    "  student's counts and runs on it; trained on folds 1-4 with early stopping on fold 0,",
    "  one torch thread (on this shared 2-core machine two threads were up to 12x slower).",
    "  Fit time includes the per-epoch validation.",
]


def main() -> int:
    """Run the benchmark; print the markdown table; optionally write it into BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="folder with the pyKT files")
    parser.add_argument("--models", default="bkt,elo,dkt", help="ours, comma-separated")
    parser.add_argument("--no-pybkt", action="store_true", help="skip the pyBKT comparison")
    parser.add_argument("--pybkt-fits", type=int, default=1, help="pyBKT random restarts")
    parser.add_argument("--pybkt-timeout", type=float, default=7200.0, help="seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", type=Path, default=None, help="update this BENCHMARKS.md")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    data_dir = args.data or default_data_dir()
    if not (data_dir / "train_valid.csv").is_file():
        print(f"no ASSIST2015 data in {data_dir}: pass --data DIR", file=sys.stderr)
        return 2
    train = read_pykt(data_dir / "train_valid.csv")
    test = read_pykt(data_dir / "test.csv")
    progress = StderrProgress()
    rows: list[dict[str, Any]] = []
    for name in [m.strip() for m in args.models.split(",") if m.strip()]:
        result: EvalResult = evaluate(
            name, train, test, EvalOptions(seed=args.seed, on_progress=progress)
        )
        notes = ", ".join(
            f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in result.details.items()
        )
        rows.append(
            {
                "model": name.upper() if name != "elo" else "Elo",
                "impl": "kptutor",
                "fit": result.fit_seconds,
                "predict": result.predict_seconds,
                "scores": result.scores,
                "notes": notes,
            }
        )
        print(f"{name}: {result.scores} fit {result.fit_seconds:.1f}s", file=sys.stderr)
    if not args.no_pybkt:
        scores, fit_s, predict_s, version = run_pybkt(
            train, test, args.pybkt_fits, args.seed, args.pybkt_timeout
        )
        rows.append(
            {
                "model": "BKT",
                "impl": f"pyBKT {version}",
                "fit": fit_s,
                "predict": predict_s,
                "scores": scores,
                "notes": f"num_fits {args.pybkt_fits}, its default EM (tol 0.005, ≤ 100 it.)",
            }
        )
        print(f"pyBKT: {scores} fit {fit_s:.1f}s", file=sys.stderr)

    import torch  # only for the environment line; DKT needs it anyway

    env = (
        f"ASSIST2015 (pyKT split): train {train.n_students:,} students / "
        f"{train.n_responses:,} responses, test {test.n_students:,} / {test.n_responses:,}. "
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPU cores (no GPU), "
        f"Python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}, "
        f"seed {args.seed}."
    )
    command = "python benchmarks/kt_assist2015.py --write BENCHMARKS.md"
    body = markdown(rows, env, command)
    print(body)
    if args.write:
        write_section(args.write, body, "kt", HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
