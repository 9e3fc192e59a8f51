"""The guarded explanation pipeline on the first N GSM8K test problems (default 200).

For each problem the engine's item is the question, its verified final answer (after
``####``) and its calculator annotations as sympy-checked steps; the model (default SmolLM2,
``tutor model pull smollm2``) is asked for a worked explanation. Reported: how often the raw
model's first reply stated a wrong (or no) final answer, how many texts that would be shown
state a wrong final answer (the guard's promise: 0), and how often the guard accepted the
first reply, accepted a regenerated one, or fell back to the template.

Run: ``python benchmarks/llm_gsm8k.py [--n 200] [--model smollm2] [--max-tries 3]
[--max-new-tokens 256] [--write BENCHMARKS.md]`` (on 2 CPU cores SmolLM2 takes tens of
minutes for 200 problems; run it with ``nice``). The same counts, without the timing and
reason breakdown: ``tutor llm eval-gsm8k --n 200 --model smollm2 --json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from _report import write_section

from tutor.llm.explain import GuardedRun
from tutor.llm.gsm8k import GsmProblem, evaluate, gsm8k_path, load_problems
from tutor.llm.registry import get_model
from tutor.settings import Settings

HEADING = "## The guard on GSM8K word problems (`benchmarks/llm_gsm8k.py`)"


def _progress(task: str, done: int, total: int) -> None:
    if done % 10 == 0 or done == total:
        print(f"{task}: {done}/{total}", file=sys.stderr, flush=True)


def _hardware(settings: Settings) -> str:
    """Where the model ran: the GPU's name (bf16 weights) or the CPU cores (float32)."""
    try:
        import torch
    except ImportError:
        return f"{os.cpu_count()} CPU cores"
    wants = settings.llm_device
    if torch.cuda.is_available() and wants != "cpu":
        return f"one {torch.cuda.get_device_name(0)} GPU (bfloat16 weights)"
    return f"{os.cpu_count()} CPU cores (float32 weights)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="first N problems")
    parser.add_argument("--model", default="smollm2", help="model spec (see TUTOR_LLM)")
    parser.add_argument("--max-tries", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--temperature", type=float, default=0.3)
    parser.add_argument("--write", type=Path, default=None, help="BENCHMARKS.md to update")
    parser.add_argument(
        "--dump", type=Path, default=None, help="JSONL file for every problem's raw tries"
    )
    args = parser.parse_args()

    settings = Settings.from_env()
    problems = load_problems(gsm8k_path(settings.shared_data_dir), args.n)
    model = get_model(settings, args.model)
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None

    def record(problem: GsmProblem, run: GuardedRun) -> None:
        if dump is not None:
            row = {
                "index": problem.index,
                "answer": problem.answer,
                "raw": list(run.raw),
                **run.explanation.to_json(),
            }
            dump.write(json.dumps(row, ensure_ascii=False) + "\n")
            dump.flush()

    started = time.perf_counter()
    report = evaluate(
        model,
        problems,
        temperature=args.temperature,
        max_tries=args.max_tries,
        max_new_tokens=args.max_new_tokens,
        progress=_progress,
        on_result=record,
    )
    if dump is not None:
        dump.close()
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                **report.to_json(),
                "accepted": report.accepted,
                "regenerated": report.regenerated,
                "seconds": round(seconds, 1),
                "reasons": report.reasons,
            }
        )
    )
    n = report.n
    hardware = _hardware(settings)
    reasons = ", ".join(f"{k} {v}" for k, v in sorted((report.reasons or {}).items())) or "none"
    body = "\n".join(
        [
            f"First {n} problems of `gsm8k/test.jsonl`, model `{report.model}`, temperature "
            f"{args.temperature} (halved on each retry), at most {args.max_tries} tries, "
            f"{args.max_new_tokens} new tokens per try; measured {time.strftime('%Y-%m-%d')} on "
            f"{hardware}, Python {platform.python_version()}, {seconds / 60:.1f} min in "
            f"all ({seconds / max(n, 1):.1f} s per problem). Reproduce: `python "
            f"benchmarks/llm_gsm8k.py --n {n} --model {args.model} --max-tries {args.max_tries} "
            f"--max-new-tokens {args.max_new_tokens} --write BENCHMARKS.md`, or the counts "
            f"alone: `tutor llm eval-gsm8k --n {n} --model {args.model} --max-tries "
            f"{args.max_tries} --json`. Sampling is not seeded, so counts vary a little "
            "between runs; `shown_wrong` must not.",
            "",
            "| raw first reply: wrong or no final answer | shown with a wrong final answer "
            "| accepted first try | accepted after regenerating | template fallback |",
            "|---|---|---|---|---|",
            f"| {report.raw_wrong} of {n} ({report.raw_wrong / n:.0%}; no final answer: "
            f"{report.raw_missing}) | **{report.shown_wrong} of {n}** | {report.accepted} "
            f"| {report.regenerated} | {report.fallback} ({report.fallback / n:.0%}) |",
            "",
            f"Rejection reasons over all tries: {reasons}. Steps: {report.claims} calculator "
            f"annotations verified with sympy, {report.claims_dropped} dropped as unreadable "
            "or false. A shown text is re-checked independently of the guard's verdict: its "
            "stated final answer must equal the verified one.",
        ]
    )
    print(body)
    if args.write:
        write_section(args.write, body, "llm_gsm8k", HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
