"""Knowledge tracing on ASSIST2015: our BKT, Elo and DKT, and pyBKT, side by side.

Trains on pyKT's ``train_valid.csv`` (all five folds; fold 0 also serves for DKT early
stopping and Elo tuning) and scores every response of ``test.csv`` predicted from the same
student's earlier responses (protocol: :mod:`tutor.learner.evaluation`). pyBKT 1.4.3 runs
in its own virtualenv, ``benchmarks/.pybkt-venv`` (created on first use: it needs
``scikit-learn<1.6`` and ``numpy<2``, which the project does not use), on the same training
rows; its test predictions are scored by the same function as ours. Fit times are wall-clock
seconds of the fit calls alone (data preparation inside them included).

Run: ``python benchmarks/kt_assist2015.py [--data DIR] [--models bkt,bkt-forget,elo,dkt]
[--no-pybkt] [--write BENCHMARKS.md]``. ``--data`` defaults to
``$TUTOR_SHARED_DATA/assist2015``, else ``<repo>/../shared/data/assist2015``.

With ``--write`` and a subset of ``--models``, the rows of the models not run are kept from
the section already in the file (each row says when it was measured; the rows are kept as
JSON in a comment of the section). The BKT-vs-pyBKT target is only judged on rows of one
run: pyBKT runs only together with ``bkt``, and when the kept pyBKT row comes from another
run the section says that the comparison was not made. pyBKT results are never cached; it
is fitted afresh in every run that includes it. The
ASSISTments data is read where it lies and only copied to a temporary folder outside the
repository for pyBKT; it is never written into the repository.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _report import write_section

from tutor.data.kt_logs import read_pykt
from tutor.learner.data import ResponseLog
from tutor.learner.estimator import EstimatorOptions
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
params = {
    skill: {k: float(np.ravel(v)[0]) for k, v in coef.items()}
    for skill, coef in model.coef_.items()
}
with open(out_dir + "/params.json", "w") as f:
    json.dump(params, f)
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
    train: ResponseLog,
    test: ResponseLog,
    num_fits: int,
    seed: int,
    timeout: float,
    dump: Path | None = None,
) -> tuple[Scores, float, float, str]:
    """Fit and predict with pyBKT in its virtualenv; scores, fit and predict seconds, version.

    With ``dump``, pyBKT's fitted parameters per skill (``pybkt_params.json``) and its test
    predictions (``pybkt_pred.npy``) are copied there, for a per-skill comparison.
    """
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
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            shutil.copy(folder / "params.json", dump / "pybkt_params.json")
            shutil.copy(folder / "pred.npy", dump / "pybkt_pred.npy")
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


ROWS_MARK = "kt-rows"


def row_to_json(row: dict[str, Any]) -> dict[str, Any]:
    """A table row as plain JSON (kept in the section so a partial run can merge)."""
    out = {k: v for k, v in row.items() if k != "scores"}
    out["scores"] = row["scores"].to_json()
    return out


def row_from_json(data: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`row_to_json`."""
    s = data["scores"]
    return {**data, "scores": Scores(s["auc"], s["acc"], s["rmse"], s["n_test"])}


def previous_rows(path: Path) -> list[dict[str, Any]]:
    """The rows stored in the ``kt`` section of ``path`` by an earlier run (none if absent).

    Rows written before runs recorded their own setup get it from the section's
    "Latest run …" line when that line names their run.
    """
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {ROWS_MARK} (.*?) -->", text, re.S)
    rows = [row_from_json(r) for r in json.loads(match.group(1))] if match else []
    latest = re.search(r"^(ASSIST2015 \(pyKT split\).*Latest run (\S+) .*)$", text, re.M)
    reproduce = re.search(r"^Reproduce: `(python benchmarks/kt_assist2015\.py[^`]*)`", text, re.M)
    for r in rows:
        if "setup" not in r and latest and latest.group(2) == r["run"]:
            r["setup"] = latest.group(1)
            r["command"] = reproduce.group(1) if reproduce else None
    return rows


def merge_rows(new: list[dict[str, Any]], old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """This run's rows, plus the earlier rows of models this run did not measure."""
    ran = {(r["model"], r["impl"]) for r in new}
    order = ["BKT", "BKT+forget", "Elo", "DKT"]
    rows = new + [r for r in old if (r["model"], r["impl"]) not in ran]
    return sorted(rows, key=lambda r: (order.index(r["model"]), r["impl"] != "kptutor"))


def markdown(rows: list[dict[str, Any]]) -> str:
    """The BENCHMARKS.md section body: each run's setup and command, table, targets."""
    lines = []
    runs = sorted({r["run"] for r in rows}, reverse=True)
    for run in runs:
        first = next(r for r in rows if r["run"] == run)
        models = ", ".join(f"{r['model']} ({r['impl']})" for r in rows if r["run"] == run)
        setup = first.get("setup") or f"Run {run}: setup not recorded."
        command = first.get("command")
        lines.append(f"- **{models}**: {setup}" + (f" Reproduce: `{command}`." if command else ""))
    lines += [
        "",
        "| model | implementation | fit (s) | predict (s) | AUC | accuracy | RMSE | n_test "
        "| measured | notes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        s: Scores = r["scores"]
        lines.append(
            f"| {r['model']} | {r['impl']} | {r['fit']:.1f} | {r['predict']:.1f} | "
            f"{s.auc:.4f} | {s.acc:.4f} | {s.rmse:.4f} | {s.n_test:,} | {r['measured']} "
            f"| {r['notes']} |"
        )
    by_key = {(r["model"], r["impl"]): r for r in rows}
    theirs = next((r for r in rows if r["impl"].startswith("pyBKT")), None)
    lines.append("")
    for model in ("BKT", "BKT+forget"):
        ours = by_key.get((model, "kptutor"))
        if not (ours and theirs):
            continue
        if ours["run"] != theirs["run"]:
            lines.append(
                f"- {model} (ours, {ours['measured']}) vs pyBKT ({theirs['measured']}): not "
                "from the same run, so the target (≥ 5× faster at equal or better AUC, side "
                "by side) is not judged here; run the script with pyBKT to judge it."
            )
            continue
        speedup = theirs["fit"] / ours["fit"]
        a, b = ours["scores"].auc, theirs["scores"].auc
        met = speedup >= TARGET_SPEEDUP and a >= b
        lines.append(
            f"- {model} (ours) vs pyBKT, same run: fit **{speedup:.1f}×** faster, AUC "
            f"{a:.6f} vs {b:.6f} ({a - b:+.6f}; target ≥ {TARGET_SPEEDUP:.0f}× at equal or "
            f"better AUC: {'met' if met else 'NOT met'})."
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
    lines += ["", *NOTES, "", f"<!-- {ROWS_MARK} {json.dumps([row_to_json(r) for r in rows])} -->"]
    return "\n".join(lines)


NOTES = [
    "**Reading the knowledge-tracing figures.**",
    "- Protocol: every test response is predicted from the same student's earlier responses",
    "  only (the first one from the prior) and all 138,458 are scored. pyKT instead cuts test",
    "  sequences into 200-answer chunks and does not score the first answer of a chunk, so",
    "  its figures are comparable in kind, not identical in protocol.",
    "- BKT (ours): one EM run per skill from the same start (prior 0.3, learn 0.1, guess 0.2,",
    "  slip 0.1), all 100 skills at once in numpy, with guess + slip ≤ 0.95 (a right answer",
    "  raises P(known) iff guess + slip < 1; the M-step maximises exactly under that",
    "  constraint), no forgetting; each skill stops when its own log-likelihood gains < 1e-6",
    "  per response (at most 300 iterations). Each M-step is a MAP step (since 2026-12-06):",
    "  every skill's expected counts get 10 pseudo-answers that follow the estimate pooled",
    "  over all skills (a Beta prior centred there, empirical Bayes), so a skill leaves the",
    "  average skill only as far as its own answers warrant; whether to pull (10) or not",
    "  (0) is chosen on the training file by 5-fold CV over students (10 for both variants",
    "  here; fit time includes those 10 fits). BKT+forget: the same with a",
    "  fitted per-skill forgetting rate (pyBKT's `forgets=True`); the engine keeps forget 0",
    "  so that a right answer never lowers mastery.",
    "- Issue 20 (why plain BKT trailed pyBKT on a held-out ASSIST2009 split, docs/DATA.md):",
    "  the fit used to bound guess and slip by 0.49 each, stricter than the condition; 24 of",
    "  ASSIST2015's 100 skills want a guess above 0.5 (no skill wants guess + slip ≥ 1), and",
    "  on data where such skills are common the bound cost AUC (`benchmarks/bkt_fixtures.py`).",
    "  It also stopped on the mean gain over all skills, which halts a slow skill once the",
    "  many fast ones are done. Fold 0 validation AUC (folds 1-4 train): old fit 0.70486,",
    "  new 0.70505 (the margin 0.05 and 0.01-0.1 all give 0.70505; 0.5, i.e. the old",
    "  bounds' sum, 0.70406).",
    "  pyBKT: classic BKT (no forgetting), one random start per skill (`num_fits=1`; its",
    "  default of 5 restarts would take about five times as long), its own EM stopping rule,",
    "  its default `parallel=True` (a process pool on both cores). All fits see the same",
    "  training rows; all are scored by the same function on the same test responses.",
    "- Why plain BKT trailed pyBKT here by 3e-6 AUC (the same-run comparison of",
    "  2026-12-06T16:19, `--dump` for per-skill parameters): not the prediction (our",
    "  forward pass on pyBKT's parameters reproduces its predictions to 4e-14, ties",
    "  included) and not a worse fit: ours had the higher likelihood on the training file",
    "  (-0.52550 against -0.52576 per response) and on the test file (-0.53153 against",
    "  -0.53167); the two fits sit at different optima of the same likelihood (12 of 100",
    "  skills better for pyBKT, by at most 0.1 nats), and AUC ranks them the other way by",
    "  3e-6. Fitting the likelihood harder (EM to 1e-7 or 1e-8 per response) lowered the",
    "  cross-validated AUC (0.704258 to 0.704201, 0.704189): maximum likelihood overfits some",
    "  skills. The fix is the MAP step above; its 10 pseudo-answers were chosen by 5-fold",
    "  cross-validation on the training file (pooled validation AUC: 0 → 0.704258, 3 →",
    "  0.704325, 10 → 0.704397, 20 → 0.704406, 30 → 0.704367, 100 → 0.703747; validation",
    "  likelihood best at 10; BKT+forget 0.706843 → 0.707167), before the test file was scored",
    "  once with it.",
    "- Restarts (`fit_bkt(restarts=n)`, best training likelihood per skill) were tried (before",
    "  the MAP step) and",
    "  are off: 5 restarts raised the training log-likelihood (-0.52576 to -0.52574 per",
    "  response) but not the test AUC (0.69972 to 0.69963; 10 restarts 0.69961).",
    "- Elo: concept-specific Elo (global ability + per-skill offset, difficulties from a",
    "  batch 1PL refit); step sizes tuned on fold 0, difficulties refitted on all folds.",
    "- DKT: GRU over embedded answers, a head that sees the asked skill and the student's",
    "  counts and runs on it (`tutor.learner.dkt`); by default trained on folds 1-4 with",
    "  early stopping on fold 0, on the CPU with one torch thread (on this shared 2-core",
    "  machine two threads were up to 12x slower), or on a GPU (`--dkt-device cuda`). Fit",
    "  time includes the per-epoch validation. `DKTConfig` also offers a wider embedding",
    "  and GRU, stacked GRU layers, the student's whole-history counts in the head",
    "  (`student_features`), the counts as GRU input too (`input_features`), an attention",
    "  read-out of the earlier answers in the head (`attention`: the asked skill attends to",
    "  the skills answered before, with a learned decay by distance, as in SAKT/AKT), weight",
    "  decay, and an averaged ensemble of networks trained from consecutive seeds",
    "  (`ensemble`), each early-stopping on its own fold in turn (`rotate_folds`: member i",
    "  on fold i mod 5, so every fold is trained on); the DKT row's notes give the values.",
    "- How the DKT row's configuration was chosen, never by the test file (on an H100 lent",
    "  for the purpose; 6-15 s per network there, about 5 minutes on these CPU cores):",
    "  (1) one network each of embed/hidden 64/128, 128/256, 256/256, 128/512 and 256/512,",
    "  with and without the counts as GRU input, all with the student features, ranked by",
    "  their validation AUC on fold 0: 128/256 with GRU-input counts was best (0.7307). Its",
    "  10-seed ensemble, all on fold 0, gave 0.7281 on the test file (single networks",
    "  0.7239-0.7260). (2) `benchmarks/dkt_select.py` then set fold 0 aside entirely and",
    "  trained 4-network ensembles of that configuration on folds 1-4, scored on fold 0:",
    "  all early-stopping on fold 1 0.73110, rotating folds 0.73218, with attention 0.73177,",
    "  attention and rotating folds 0.73308 (`python benchmarks/dkt_select.py --device cuda",
    "  gru4:ensemble=4 rot4:ensemble=4,rotate_folds attn4:ensemble=4,attention",
    "  attnrot4:ensemble=4,attention,rotate_folds`). The last one, with 10 networks as",
    "  before, is the DKT row; the same run with seeds 10-19 (`--seed 10`) gave 0.7306,",
    "  and the CLI (`tutor kt evaluate --format pykt --model dkt --dkt-preset benchmarked",
    "  --device cuda`, the same configuration) 0.7307 (0.73068; GPU kernels are not",
    "  bit-reproducible, so the fifth digit moves).",
    "  The plain 64/128 network of the earlier CPU runs gives 0.7236 single, 0.7256 for 2",
    "  seeds.",
    "- Each run is listed above the table with its machine and command; a run that measured",
    "  only some models keeps the other rows from earlier runs (or from `--include-rows`).",
]


MODEL_LABELS = {"bkt": "BKT", "bkt-forget": "BKT+forget", "elo": "Elo", "dkt": "DKT"}


def main() -> int:
    """Run the benchmark; print the markdown table; optionally write it into BENCHMARKS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="folder with the pyKT files")
    parser.add_argument("--models", default=",".join(MODEL_LABELS), help="ours, comma-separated")
    parser.add_argument("--no-pybkt", action="store_true", help="skip the pyBKT comparison")
    parser.add_argument("--pybkt-fits", type=int, default=1, help="pyBKT random restarts")
    parser.add_argument("--pybkt-timeout", type=float, default=7200.0, help="seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dkt-ensemble", type=int, default=1, help="DKT networks averaged")
    parser.add_argument("--dkt-layers", type=int, default=1, help="DKT stacked GRU layers")
    parser.add_argument("--dkt-hidden", type=int, default=128, help="DKT GRU width")
    parser.add_argument(
        "--dkt-student-features",
        action="store_true",
        help="DKT head also sees the student's whole-history counts",
    )
    parser.add_argument("--dkt-device", default="cpu", help="cpu, cuda, cuda:1…")
    parser.add_argument("--dkt-embed", type=int, default=64, help="DKT embedding width")
    parser.add_argument(
        "--dkt-input-features",
        action="store_true",
        help="DKT GRU also reads each answer's count features",
    )
    parser.add_argument(
        "--dkt-rotate-folds",
        action="store_true",
        help="DKT ensemble member i early-stops on fold i (mod 5), so all folds are trained on",
    )
    parser.add_argument(
        "--dkt-attention",
        action="store_true",
        help="DKT head also reads an attention summary of the earlier answers",
    )
    parser.add_argument("--write", type=Path, default=None, help="update this BENCHMARKS.md")
    parser.add_argument(
        "--dump",
        type=Path,
        default=None,
        help="save fitted BKT parameters and test predictions (ours and pyBKT's) in this "
        "folder, for a per-skill comparison (keep it outside the repository: derived data)",
    )
    parser.add_argument(
        "--include-rows",
        type=Path,
        action="append",
        default=[],
        help="also keep the rows of this file's kt section (e.g. a run made on a GPU machine)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODEL_LABELS]
    if unknown:
        print(f"unknown model(s) {unknown}: use {', '.join(MODEL_LABELS)}", file=sys.stderr)
        return 2
    # The BKT vs pyBKT comparison is only meaningful side by side, in one run.
    if not args.no_pybkt and "bkt" not in models:
        print("pyBKT runs only together with --models bkt (or pass --no-pybkt)", file=sys.stderr)
        return 2
    data_dir = args.data or default_data_dir()
    if not (data_dir / "train_valid.csv").is_file():
        print(f"no ASSIST2015 data in {data_dir}: pass --data DIR", file=sys.stderr)
        return 2
    train = read_pykt(data_dir / "train_valid.csv")
    test = read_pykt(data_dir / "test.csv")
    progress = StderrProgress()
    run_id = time.strftime("%Y-%m-%dT%H:%M:%S")
    measured = time.strftime("%Y-%m-%d")
    load_start = os.getloadavg()[0]
    rows: list[dict[str, Any]] = []
    from tutor.learner.dkt import DKTConfig

    dkt = DKTConfig(
        ensemble=args.dkt_ensemble,
        layers=args.dkt_layers,
        hidden=args.dkt_hidden,
        embed=args.dkt_embed,
        student_features=args.dkt_student_features,
        input_features=args.dkt_input_features,
        rotate_folds=args.dkt_rotate_folds,
        attention=args.dkt_attention,
        device=args.dkt_device,
    )
    # Every model gets the same options; only DKT reads its configuration.
    options = EvalOptions(seed=args.seed, estimator=EstimatorOptions(dkt=dkt), on_progress=progress)
    for name in models:
        result: EvalResult = evaluate(name, train, test, options, keep_predictions=bool(args.dump))
        if args.dump and result.predictions is not None:
            args.dump.mkdir(parents=True, exist_ok=True)
            np.save(args.dump / f"{name}_pred.npy", result.predictions)
        notes = ", ".join(
            f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in result.details.items()
        )
        rows.append(
            {
                "model": MODEL_LABELS[name],
                "impl": "kptutor",
                "fit": result.fit_seconds,
                "predict": result.predict_seconds,
                "scores": result.scores,
                "notes": notes,
                "measured": measured,
                "run": run_id,
            }
        )
        print(f"{name}: {result.scores} fit {result.fit_seconds:.1f}s", file=sys.stderr)
    if not args.no_pybkt:
        scores, fit_s, predict_s, version = run_pybkt(
            train, test, args.pybkt_fits, args.seed, args.pybkt_timeout, args.dump
        )
        rows.append(
            {
                "model": "BKT",
                "impl": f"pyBKT {version}",
                "fit": fit_s,
                "predict": predict_s,
                "scores": scores,
                "notes": f"num_fits {args.pybkt_fits}, its default EM (tol 0.005, ≤ 100 it.)",
                "measured": measured,
                "run": run_id,
            }
        )
        print(f"pyBKT: {scores} fit {fit_s:.1f}s", file=sys.stderr)

    import torch  # only for the environment line; DKT needs it anyway

    gpu = (
        f"DKT on {torch.cuda.get_device_name(args.dkt_device)}"
        if args.dkt_device.startswith("cuda") and "dkt" in models
        else "no GPU"
    )
    env = (
        f"ASSIST2015 (pyKT split): train {train.n_students:,} students / "
        f"{train.n_responses:,} responses, test {test.n_students:,} / {test.n_responses:,}. "
        f"Run {run_id} on {os.cpu_count()} CPU cores ({gpu}; 1-minute load "
        f"average {load_start:.1f} at its start, {os.getloadavg()[0]:.1f} at its end), "
        f"Python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}, "
        f"seed {args.seed}; models: {', '.join(models)}"
        f"{'' if args.no_pybkt else ' and pyBKT'}."
    )
    command = "python benchmarks/kt_assist2015.py --write BENCHMARKS.md"
    if models != list(MODEL_LABELS):
        command += f" --models {','.join(models)}"
    if args.no_pybkt:
        command += " --no-pybkt"
    if args.seed != 0:
        command += f" --seed {args.seed}"
    if "dkt" in models:
        if args.dkt_ensemble != 1 or args.dkt_layers != 1:
            command += f" --dkt-ensemble {args.dkt_ensemble} --dkt-layers {args.dkt_layers}"
        if args.dkt_hidden != 128:
            command += f" --dkt-hidden {args.dkt_hidden}"
        if args.dkt_embed != 64:
            command += f" --dkt-embed {args.dkt_embed}"
        if args.dkt_student_features:
            command += " --dkt-student-features"
        if args.dkt_input_features:
            command += " --dkt-input-features"
        if args.dkt_rotate_folds:
            command += " --dkt-rotate-folds"
        if args.dkt_attention:
            command += " --dkt-attention"
        if args.dkt_device != "cpu":
            command += f" --dkt-device {args.dkt_device}"
    for r in rows:
        r["setup"], r["command"] = env, command
    older: list[dict[str, Any]] = []
    for path in args.include_rows:
        older = merge_rows(previous_rows(path), older)
    if args.write:
        older = merge_rows(older, previous_rows(args.write))
    rows = merge_rows(rows, older)
    body = markdown(rows)
    print(body)
    if args.write:
        write_section(args.write, body, "kt", HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
