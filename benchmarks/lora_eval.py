"""The voice adapter, before and after: how often the guard accepts the model's first wording.

On items of the held-out generator families (:data:`tutor.llm.plan.HELD_OUT_FAMILIES`, never
trained on), every text a tutoring turn shows (feedback on a wrong answer with and without a
diagnosed misconception, hints 1-3, the explanation, the "why"; English and Chinese; a drawn
style each, the same draws as training uses: :func:`tutor.llm.tune.item_requests`) is worded
by the base model and by the base model with the LoRA adapter merged. Each first try is read
by the guard against its plan. Reported per arm and language: the share accepted (the number
the language gate is set from), the rejection reasons, per kind; plus the decode speed of
the batched CUDA path (batch 1 against a full batch) when it runs on a GPU.

This is the model's half of ``benchmarks/voice.py``: decoding is batched
(:meth:`TransformersModel.generate_batch`; 32 prompts per decode on CUDA), so a full sample
runs in minutes on a GPU. Run:

    python benchmarks/lora_eval.py --model DIR --adapter tutor/llm/adapters/smollm2-voice \
        [--items-per-family 2] [--device cuda] [--json out.json]

(``DIR``: the pulled SmolLM2 folder, ``tutor model list``.) On the CPU use a small
``--items-per-family`` and ``nice``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from tutor.content.items import ensure_generators_loaded, generate
from tutor.content.registry import GENERATORS
from tutor.llm import plan as planning
from tutor.llm.backends.transformers_backend import TransformersModel
from tutor.llm.guard import check_output
from tutor.llm.tune import item_requests, model_prompt

#: New tokens per kind: the longest text each may be (explain.py's limits).
MAX_NEW = {"explanation": 320, "hint": 120, "feedback": 160, "why": 120}


def plans(items_per_family: int, seed: int, families: int | None = None) -> list[tuple[Any, Any]]:
    """``(item, plan)`` for every text of ``items_per_family`` items per held-out family
    (the first ``families`` of them in name order, when given: a quick run)."""
    ensure_generators_loaded()
    rng = random.Random(seed)
    out = []
    for family in sorted(planning.HELD_OUT_FAMILIES)[:families]:
        levels = GENERATORS[family].levels
        for n in range(items_per_family):
            item = generate(family, levels[n % len(levels)], 500_000 + n)
            for options, answer, diagnosis in item_requests(item, rng):
                out.append((item, planning.build_plan(item, answer, diagnosis, options)))
    return out


def word_all(
    model: TransformersModel, todo: list[tuple[Any, Any]], temperature: float
) -> list[str]:
    """The model's first wording of every plan, batched by kind (one token limit a batch)."""
    texts: list[str] = [""] * len(todo)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, (_, text_plan) in enumerate(todo):
        by_kind[text_plan.kind].append(i)
    for kind, indices in by_kind.items():
        prompts = [model_prompt(todo[i][1]) for i in indices]
        replies = model.generate_batch(
            prompts, temperature=temperature, max_new_tokens=MAX_NEW[kind]
        )
        for i, reply in zip(indices, replies, strict=True):
            texts[i] = reply.strip()
    return texts


def judge(todo: list[tuple[Any, Any]], texts: list[str]) -> dict[str, Any]:
    """Pass rates per language and kind, and the reasons texts were rejected."""
    result: dict[str, Any] = {}
    for language in ("en", "zh"):
        rows = [
            (p, check_output(t, planning.plan_reference(item, p), plan=p))
            for (item, p), t in zip(todo, texts, strict=True)
            if p.language == language
        ]
        kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        reasons: Counter[str] = Counter()
        for p, rejected in rows:
            kinds[p.kind][0] += not rejected
            kinds[p.kind][1] += 1
            reasons.update({r.split(":")[0] for r in rejected})
        passed = sum(not r for _, r in rows)
        result[language] = {
            "n": len(rows),
            "pass_rate": round(passed / max(1, len(rows)), 3),
            "by_kind": {k: round(a / b, 3) for k, (a, b) in sorted(kinds.items())},
            "reasons": dict(reasons.most_common()),
        }
    return result


def speed(model: TransformersModel) -> dict[str, float]:
    """Tokens per second of the batched CUDA path at batch 1 and 32 (64 new tokens each)."""
    prompt = model_prompt(plans(1, 0)[0][1])
    out: dict[str, float] = {}
    for batch in (1, 32):
        model.generate_batch([prompt] * batch, temperature=0.0, max_new_tokens=8)  # warm up
        started = time.perf_counter()
        texts = model.generate_batch([prompt] * batch, temperature=0.0, max_new_tokens=64)
        elapsed = time.perf_counter() - started
        tokens = sum(len(model.load().tokenizer(t)["input_ids"]) for t in texts)
        out[f"batch_{batch}_s"] = round(elapsed, 3)
        out[f"batch_{batch}_tokens_per_s"] = round(tokens / elapsed, 1)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="the base model folder")
    parser.add_argument("--adapter", required=True, help="the LoRA adapter folder")
    parser.add_argument("--items-per-family", type=int, default=2)
    parser.add_argument("--families", type=int, default=None, help="only the first N families")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--temperature", type=float, default=0.3)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--samples", type=int, default=12, help="texts kept per arm")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import torch

    todo = plans(args.items_per_family, args.seed, args.families)
    print(
        f"{len(todo)} texts on {len(planning.HELD_OUT_FAMILIES)} held-out families", file=sys.stderr
    )
    report: dict[str, Any] = {"texts": len(todo), "items_per_family": args.items_per_family}
    for arm, adapter in (("base", None), ("lora", args.adapter)):
        torch.manual_seed(args.seed)
        model = TransformersModel(args.model, device=args.device, adapter=adapter)
        started = time.perf_counter()
        texts = word_all(model, todo, args.temperature)
        seconds = time.perf_counter() - started
        report[arm] = {
            "model": model.name,
            "device": model.load().device,
            "seconds": round(seconds, 1),
            **judge(todo, texts),
            "samples": [
                {"plan": p.kind, "language": p.language, "text": t}
                for (_, p), t in list(zip(todo, texts, strict=True))[
                    :: max(1, len(todo) // args.samples)
                ]
            ],
        }
        if model.load().device == "cuda" and arm == "lora":
            report["speed"] = speed(model)
        print(
            f"{arm}: en {report[arm]['en']['pass_rate']}, zh {report[arm]['zh']['pass_rate']} "
            f"in {seconds:.0f} s",
            file=sys.stderr,
        )
    text = json.dumps(report, indent=1, ensure_ascii=False)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
