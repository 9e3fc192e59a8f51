"""Language-model speed: plain ``generate()`` against the fast decoding path, GPU and CPU.

GPU (``--device cuda``, one H100): a model of the real ``HunYuanDenseV1`` architecture at the
size of Hunyuan-0.5B (vocab 120818, hidden 1024, 24 layers, 16 heads, 8 KV heads, head_dim 128,
intermediate 3584) and a small ``HunYuanMoEV1``, random bf16 weights, random 512-token prompts,
batch 1 and 32, 128 new tokens. Side by side in one run:

* ``generate``: plain ``model.generate(do_sample=False)`` (dynamic cache, SDPA);
* ``graph``: :class:`tutor.llm.fast_decode.CudaGraphDecoder` without torch.compile;
* ``graph+compile``: the same with the element-wise parts fused by Inductor (what the app uses).

For each: end-to-end tokens/s (prefill included), and the decode step alone (ms/step and
tokens/s, from the time of N tokens minus the time of 1 token). Greedy tokens are compared with
``generate()``'s per sequence (length of the common prefix). A float32 run of the dense model
checks exact equality where rounding cannot interfere. A torch-profiler pass over a few graph
replays sums kernel time by kind (matrix products, attention, fused element-wise, other).

CPU (``--device cpu``, 2 cores): SmolLM2-135M-Instruct (the converted copy made by
``tutor model pull smollm2``, or ``--smollm2-dir``), a 300-token prompt: time to first token
and decode tokens/s, side by side in one run, for ``generate()`` and
:class:`tutor.llm.fast_decode.CpuDecoder` (static cache; float32 weights, and the app's default
with the Q4_1 layer weights kept in 4 bits, on one decode thread and on all), each with the
weights it reads per token and the memory-bandwidth bound that gives (measured read rate).
Then the app's own path through ``TransformersModel.measure_speed`` (worker thread and all),
a profile of one decode step by kind of operation, and the greedy output of the app's path
against float32 ``generate()`` on tutor-style chat questions (identical replies, common
prefix, teacher-forced agreement and how close generate()'s call was where they differ).

Run: ``python benchmarks/llm_speed.py --device cuda`` (writes
``benchmarks/results/llm_speed_cuda.json``), ``python benchmarks/llm_speed.py --device cpu``
(``llm_speed_cpu.json``); ``python benchmarks/llm_speed.py --report --write BENCHMARKS.md``
renders both JSON files into the ``llm_speed`` section.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import platform
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _report import write_section

RESULTS = Path(__file__).resolve().parent / "results"
WHOLE = "graph+compile/whole-4096-cache"
GOALS = {"b1_tok_s": 500.0, "b32_tok_s": 8000.0, "cpu_ttft_s": 1.0, "cpu_tok_s": 20.0}
log = logging.getLogger("llm_speed")

DENSE_05B: dict[str, Any] = {
    "vocab_size": 120818,
    "hidden_size": 1024,
    "intermediate_size": 3584,
    "num_hidden_layers": 24,
    "num_attention_heads": 16,
    "num_key_value_heads": 8,
    "head_dim": 128,
    "tie_word_embeddings": True,
    "max_position_embeddings": 32768,
    "rope_parameters": {"rope_type": "dynamic", "alpha": 1000.0, "factor": 1.0, "rope_theta": 1e4},
}
MOE_SMALL: dict[str, Any] = {
    "vocab_size": 120818,
    "hidden_size": 1024,
    "intermediate_size": 1024,
    "num_hidden_layers": 12,
    "num_attention_heads": 16,
    "num_key_value_heads": 8,
    "head_dim": 128,
    "num_experts": 8,
    "moe_topk": 2,
    "tie_word_embeddings": True,
    "max_position_embeddings": 32768,
}


# ------------------------------------------------------------------------------ helpers


def _sync(device: str) -> None:
    import torch

    if device == "cuda":
        torch.cuda.synchronize()


def _timed(device: str, fn: Callable[[], Any]) -> tuple[float, Any]:
    _sync(device)
    t0 = time.perf_counter()
    out = fn()
    _sync(device)
    return time.perf_counter() - t0, out


def _hf_generate(model: Any, ids: Any, mask: Any, n: int) -> Any:
    import torch

    with torch.inference_mode():
        out = model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=n, do_sample=False)
    return out[:, ids.shape[1] :]


def _fast_generate(decoder: Any, ids: Any, mask: Any, n: int) -> Any:
    import torch

    steps = list(decoder.generate(ids, mask, max_new_tokens=n))
    return torch.stack(steps, dim=1)


def _prefix_match(a: Any, b: Any) -> list[int]:
    """Per sequence: how many leading tokens of ``a`` and ``b`` agree."""
    out = []
    for row_a, row_b in zip(a.tolist(), b.tolist(), strict=True):
        n = 0
        while n < len(row_a) and row_a[n] == row_b[n]:
            n += 1
        out.append(n)
    return out


def _measure(
    device: str, run: Callable[[int], Any], batch: int, n: int, repeats: int
) -> dict[str, Any]:
    """Time ``run(n)`` and ``run(1)``; derive end-to-end and decode-only rates."""
    full = []
    tokens = None
    for _ in range(repeats):
        seconds, tokens = _timed(device, lambda: run(n))
        full.append(seconds)
    first = [_timed(device, lambda: run(1))[0] for _ in range(repeats)]
    t_n, t_1 = statistics.median(full), statistics.median(first)
    step = (t_n - t_1) / (n - 1)
    return {
        "batch": batch,
        "new_tokens": n,
        "total_s": round(t_n, 4),
        "first_token_s": round(t_1, 4),
        "tok_s_end_to_end": round(batch * n / t_n, 1),
        "ms_per_step": round(step * 1000, 3),
        "tok_s_decode": round(batch / step, 1),
        "runs": repeats,
        "_tokens": tokens,
    }


def _profile_graph(decoder: Any, batch: int, steps: int = 20) -> dict[str, Any]:
    """Kernel time by kind over ``steps`` replays of the captured decode graph."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    graphs = [g for (b, _, greedy), g in decoder._graphs.items() if b == batch and greedy]
    if not graphs:
        return {}
    graph = graphs[-1].graph
    graph.replay()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        t0 = time.perf_counter()
        for _ in range(steps):
            graph.replay()
        torch.cuda.synchronize()
        wall = time.perf_counter() - t0
    kinds = {"matmul": 0.0, "attention": 0.0, "fused elementwise (triton)": 0.0, "other": 0.0}
    kernels = 0
    top: dict[str, float] = {}
    for evt in prof.events():
        if not str(evt.device_type).endswith("CUDA"):
            continue
        name = evt.name.lower()
        us = evt.device_time if hasattr(evt, "device_time") else evt.cuda_time
        kernels += 1
        if any(k in name for k in ("gemm", "gemv", "cutlass", "xmma", "nvjet", "cublas")):
            kind = "matmul"
        elif any(k in name for k in ("fmha", "flash", "attention", "efficient")):
            kind = "attention"
        elif "triton" in name:
            kind = "fused elementwise (triton)"
        else:
            kind = "other"
        kinds[kind] += us
        top[evt.name[:80]] = top.get(evt.name[:80], 0.0) + us
    busy_ms = sum(kinds.values()) / 1000 / steps
    return {
        "batch": batch,
        "wall_ms_per_step": round(wall * 1000 / steps, 3),
        "kernel_ms_per_step": round(busy_ms, 3),
        "kernels_per_step": kernels // steps,
        "by_kind_ms_per_step": {k: round(v / 1000 / steps, 3) for k, v in kinds.items()},
        "top_kernels_ms_per_step": {
            k: round(v / 1000 / steps, 3)
            for k, v in sorted(top.items(), key=lambda kv: -kv[1])[:10]
        },
    }


# ------------------------------------------------------------------------------ GPU


TINY: dict[str, Any] = {
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "vocab_size": 512,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
}


def _build(kind: str, dtype: Any, device: str, seed: int, tiny: bool = False) -> Any:
    import torch
    import transformers

    torch.manual_seed(seed)
    config: Any
    cls: Any
    if kind == "dense":
        config = transformers.HunYuanDenseV1Config(**{**DENSE_05B, **(TINY if tiny else {})})
        cls = transformers.HunYuanDenseV1ForCausalLM
    else:
        config = transformers.HunYuanMoEV1Config(**{**MOE_SMALL, **(TINY if tiny else {})})
        cls = transformers.HunYuanMoEV1ForCausalLM
    config._attn_implementation = "sdpa"
    with torch.device(device):
        model = cls(config)
    model = model.to(dtype).eval()
    model.generation_config.eos_token_id = None  # random weights: always N tokens
    model.generation_config.pad_token_id = 0
    return model


def _time_fast(
    device: str, decoder: Any, ids: Any, mask: Any, n: int, repeats: int
) -> dict[str, Any]:
    """Warm up (graph capture, compilation), then time the fast path."""
    t0 = time.perf_counter()
    _fast_generate(decoder, ids, mask, n)
    _sync(device)
    warm = time.perf_counter() - t0
    row = _measure(
        device, lambda k: _fast_generate(decoder, ids, mask, k), int(ids.shape[0]), n, repeats
    )
    row["warmup_s"] = round(warm, 2)
    return row


def _divergence_gaps(model: Any, ids: Any, reference: Any, tokens: Any) -> dict[str, Any]:
    """Where a sequence first differs from generate()'s, how close was the call?

    Re-runs the HF forward pass on the prompt plus generate()'s tokens up to the first
    difference and reads the float logits of the two competing tokens. A gap of the order of
    one bf16 rounding step of the logit (2**-7 relative) is a near tie that rounding decides.
    """
    import torch

    gaps, rel = [], []
    with torch.inference_mode():
        for row, d in enumerate(_prefix_match(tokens, reference)):
            if d >= reference.shape[1]:
                continue
            seq = torch.cat([ids[row], reference[row, :d]])[None]
            logits = model(input_ids=seq).logits[0, -1].float()
            a, b = logits[reference[row, d]], logits[tokens[row, d]]
            gaps.append(float(a - b))
            rel.append(float((a - b).abs() / a.abs().clamp(min=1e-6)))
    if not gaps:
        return {"diverging": 0}
    return {
        "diverging": len(gaps),
        "logit_gap_max": round(max(abs(g) for g in gaps), 5),
        "logit_gap_median": round(statistics.median(abs(g) for g in gaps), 5),
        "relative_gap_max": round(max(rel), 5),
        "within_one_bf16_step": sum(r <= 2**-7 for r in rel),
    }


def _gpu_model(kind: str, args: argparse.Namespace, prompts: Any, results: dict[str, Any]) -> None:
    import torch

    from tutor.llm.fast_decode import CudaGraphDecoder

    dev = args.device
    dtype = torch.bfloat16 if dev == "cuda" else torch.float32
    model = _build(kind, dtype, dev, args.seed, args.tiny)
    params = sum(p.numel() for p in model.parameters())
    entry: dict[str, Any] = {"params": params, "rows": [], "profiles": []}
    results["models"][kind] = entry
    n, t = args.new_tokens, args.prompt_len
    log.info("%s: %.0fM parameters", kind, params / 1e6)
    variants: dict[str, Any] = {}
    for name, (graph, compiled, whole_cache, attention) in _fast_variants(dev).items():
        if name not in args.variants:
            continue
        t0 = time.perf_counter()
        # The ablation attends to a whole 4096-slot cache every step, as a plain static
        # cache does, instead of the bucket that holds the valid tokens.
        max_len = 4096 if whole_cache else t + n
        variants[name] = CudaGraphDecoder(
            model,
            max_batch=max(args.batches),
            max_len=max_len,
            bucket=max_len if whole_cache else 128,
            use_cuda_graph=graph,
            compile=compiled,
            attention=attention,
        )
        entry[f"{name}_setup_s"] = round(time.perf_counter() - t0, 2)
    references: dict[int, Any] = {}
    fast_tokens: dict[int, Any] = {}
    for batch in args.batches:
        ids = prompts[:batch, :t].to(dev)
        mask = torch.ones_like(ids)
        reference = None
        if "generate" in args.variants:
            _hf_generate(model, ids, mask, 4)  # warm-up
            row = _measure(dev, functools.partial(_hf_generate, model, ids, mask), batch, n, 1)
            reference = row.pop("_tokens")
            references[batch] = reference
            entry["rows"].append({"model": kind, "path": "generate", **row})
            log.info("%s b%d generate: %s", kind, batch, row)
        for name, decoder in variants.items():
            try:
                row = _time_fast(dev, decoder, ids, mask, n, args.repeats)
            except Exception as exc:  # keep the other variants' numbers
                log.error("%s b%d %s failed: %s", kind, batch, name, exc)
                results["errors"].append(f"{kind} b{batch} {name}: {traceback.format_exc()}")
                continue
            tokens = row.pop("_tokens")
            if name == "graph+compile":
                fast_tokens[batch] = tokens
            if reference is not None:
                match = _prefix_match(tokens, reference)
                row["identical_sequences"] = sum(m == n for m in match)
                row["matched_prefix_min"] = min(match)
                row["matched_prefix_mean"] = round(sum(match) / len(match), 1)
                if name == "graph+compile" and dev == "cuda":
                    row["divergence"] = _divergence_gaps(model, ids, reference, tokens)
            entry["rows"].append({"model": kind, "path": name, **row})
            log.info("%s b%d %s: %s", kind, batch, name, row)
            if args.profile and name == "graph+compile" and dev == "cuda":
                entry["profiles"].append(_profile_graph(decoder, batch))
    # Self-consistency: the same prompt (row 0) decoded at batch 1 and inside batch 32.
    if len(references) >= 2:
        first, last = min(references), max(references)
        same = _prefix_match(references[first][:1], references[last][:1])
        entry["generate_self_prefix"] = same[0]
        entry["self_batches"] = [first, last]
    if len(fast_tokens) >= 2:
        first, last = min(fast_tokens), max(fast_tokens)
        entry["fast_self_prefix"] = _prefix_match(fast_tokens[first][:1], fast_tokens[last][:1])[0]
    del variants
    del model
    if dev == "cuda":
        torch.cuda.empty_cache()


def _fp32_check(args: argparse.Namespace, prompts: Any, results: dict[str, Any]) -> None:
    """Dense model in float32: the fast path must give generate()'s tokens exactly.

    The prompt is 20 tokens short of a bucket boundary, so decoding crosses into a new bucket
    (a graph captured mid-generation). Then: end-of-sequence handling against generate()'s, and
    seeded sampling (reproducible, in the vocabulary).
    """
    import torch

    from tutor.llm.fast_decode import CudaGraphDecoder

    dev = args.device
    model = _build("dense", torch.float32, dev, args.seed, args.tiny)
    ids = prompts[:4, : args.prompt_len - 20].to(dev)
    # Left padding on two rows exercises the key mask.
    mask = torch.ones_like(ids)
    t = ids.shape[1]
    mask[1, : t // 5] = 0
    mask[3, : t * 3 // 5] = 0
    ids = ids.masked_fill(mask == 0, 0)
    n = 64
    reference = _hf_generate(model, ids, mask, n)
    out: dict[str, Any] = {"batch": 4, "new_tokens": n, "left_padded_rows": 2}
    for name, (graph, compiled, whole_cache, attention) in _fast_variants(dev).items():
        if whole_cache:
            continue
        decoder = CudaGraphDecoder(
            model,
            max_batch=4,
            max_len=ids.shape[1] + n,
            use_cuda_graph=graph,
            compile=compiled,
            attention=attention,
        )
        tokens = _fast_generate(decoder, ids, mask, n)
        match = _prefix_match(tokens, reference)
        out[name] = {"identical_sequences": sum(m == n for m in match), "matched_prefix": match}
        if name not in ("graph+compile", "eager"):  # the app's path on each device
            continue
        eos = int(reference[0, 10])
        with torch.inference_mode():
            ref_eos = model.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=n,
                do_sample=False,
                eos_token_id=eos,
                pad_token_id=1,
            )[:, ids.shape[1] :]
        steps = list(
            decoder.generate(ids, mask, max_new_tokens=n, eos_token_id=eos, pad_token_id=1)
        )
        got = torch.stack(steps, dim=1)
        out["eos_equal_to_generate"] = bool(
            got.shape == ref_eos.shape and torch.equal(got, ref_eos)
        )
        samples = []
        for _ in range(2):
            gen = torch.Generator(device=dev).manual_seed(7)
            steps = list(
                decoder.generate(ids, mask, max_new_tokens=16, temperature=0.8, generator=gen)
            )
            samples.append(torch.stack(steps, dim=1))
        vocab = model.config.vocab_size
        out["sampling_reproducible"] = bool(torch.equal(samples[0], samples[1]))
        out["sampling_in_vocab"] = bool(((samples[0] >= 0) & (samples[0] < vocab)).all())
        out["sampling_differs_from_greedy"] = bool(not torch.equal(samples[0], tokens[:, :16]))
    results["fp32_check"] = out
    log.info("fp32 check: %s", out)
    del model
    if dev == "cuda":
        torch.cuda.empty_cache()


def _fast_variants(device: str) -> dict[str, tuple[bool, bool, bool, str]]:
    """Fast-path variants: name -> (CUDA graph, torch.compile, attend to the whole cache,
    attention kernel). ``graph+compile`` is what the app uses."""
    if device == "cuda":
        return {
            "graph": (True, False, False, "sdpa"),
            "graph+compile/sdpa-attention": (True, True, False, "sdpa"),
            "graph+compile": (True, True, False, "fused"),
            WHOLE: (True, True, True, "fused"),
        }
    return {"eager": (False, False, False, "sdpa")}


def run_synthetic(args: argparse.Namespace) -> dict[str, Any]:
    """The synthetic-model section (the GPU one); each part is guarded so that one failure
    does not lose the others' numbers."""
    import torch
    import transformers

    name = torch.cuda.get_device_properties(0).name if args.device == "cuda" else "cpu"
    results: dict[str, Any] = {
        "device": name + (" (tiny smoke-test configs)" if args.tiny else ""),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
        "prompt_len": args.prompt_len,
        "new_tokens": args.new_tokens,
        "dtype": "bfloat16" if args.device == "cuda" else "float32",
        "date": time.strftime("%Y-%m-%d"),
        "models": {},
        "errors": [],
    }
    g = torch.Generator().manual_seed(args.seed)
    vocab = int(TINY["vocab_size"] if args.tiny else DENSE_05B["vocab_size"])
    prompts = torch.randint(3, vocab, (max(args.batches, default=4), args.prompt_len), generator=g)
    steps: list[tuple[str, Callable[[], None]]] = [
        (f"model {k}", functools.partial(_gpu_model, k, args, prompts, results))
        for k in args.models
    ]
    if args.fp32_check:
        steps.append(("fp32 check", functools.partial(_fp32_check, args, prompts, results)))
    for label, step in steps:
        try:
            step()
        except Exception as exc:  # keep the other sections' numbers
            log.error("%s failed: %s", label, exc)
            results["errors"].append(f"{label}: {traceback.format_exc()}")
        _save(results, args.out)
    return results


#: SmolLM2-135M-Instruct's architecture (the app's model; ``config.json`` of the pulled copy),
#: for random-weight timing on a machine without the weights.
SMOLLM2_135M: dict[str, Any] = {
    "vocab_size": 49152,
    "hidden_size": 576,
    "intermediate_size": 1536,
    "num_hidden_layers": 30,
    "num_attention_heads": 9,
    "num_key_value_heads": 3,
    "head_dim": 64,
    "tie_word_embeddings": True,
    "max_position_embeddings": 8192,
    "rms_norm_eps": 1e-5,
    "rope_parameters": {"rope_theta": 100000.0, "rope_type": "default"},
}
#: The bar for keeping the hand-written decoder (issue 17): at least this much faster than
#: transformers' own static cache + torch.compile, in the same run.
KEEP_FACTOR = 1.3


def _build_versus(kind: str, device: str, seed: int) -> Any:
    import torch
    import transformers

    if kind != "smollm2":
        return _build(kind, torch.bfloat16, device, seed)
    torch.manual_seed(seed)
    config = transformers.LlamaConfig(**SMOLLM2_135M)
    config._attn_implementation = "sdpa"
    with torch.device(device):
        model = transformers.LlamaForCausalLM(config)
    model = model.to(torch.bfloat16).eval()
    model.generation_config.eos_token_id = None  # random weights: always N tokens
    model.generation_config.pad_token_id = 0
    return model


def _hf_static(model: Any, ids: Any, mask: Any, n: int) -> Any:
    """transformers' own fast path: a static KV cache, whose decode step ``generate()``
    compiles (torch.compile, mode reduce-overhead: CUDA graphs) on a CUDA device."""
    import torch

    with torch.inference_mode():
        out = model.generate(
            input_ids=ids,
            attention_mask=mask,
            max_new_tokens=n,
            do_sample=False,
            cache_implementation="static",
        )
    return out[:, ids.shape[1] :]


def run_versus(args: argparse.Namespace) -> dict[str, Any]:
    """The hand-written CUDA-graph decoder against transformers' static cache + torch.compile:
    same model, same prompts, batch 1 and 32, tokens/s and first-token latency, one run."""
    import torch
    import transformers

    from tutor.llm.fast_decode import CudaGraphDecoder

    dev = args.device
    results: dict[str, Any] = {
        "device": torch.cuda.get_device_properties(0).name if dev == "cuda" else "cpu",
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
        "prompt_len": args.prompt_len,
        "new_tokens": args.new_tokens,
        "date": time.strftime("%Y-%m-%d"),
        "rows": [],
        "errors": [],
    }
    n, t = args.new_tokens, args.prompt_len
    for kind in args.models:
        try:
            model = _build_versus(kind, dev, args.seed)
        except Exception:
            results["errors"].append(f"{kind}: {traceback.format_exc()}")
            continue
        vocab = int(model.config.vocab_size)
        g = torch.Generator().manual_seed(args.seed)
        prompts = torch.randint(3, vocab, (max(args.batches), t), generator=g)
        params = sum(p.numel() for p in model.parameters())
        for batch in args.batches:
            ids = prompts[:batch].to(dev)
            mask = torch.ones_like(ids)
            tokens: dict[str, Any] = {}
            for path in ("hand-written", "hf-static+compile"):
                try:
                    t0 = time.perf_counter()
                    if path == "hand-written":
                        decoder = CudaGraphDecoder(model, max_batch=batch, max_len=t + n)
                        run = functools.partial(_fast_generate, decoder, ids, mask)
                    else:
                        run = functools.partial(_hf_static, model, ids, mask)
                    # Warm-up: compilation and graph capture for both lengths timed below.
                    for k in (n, 1, n, 1):
                        run(k)
                    _sync(dev)
                    warm = time.perf_counter() - t0
                    row = _measure(dev, run, batch, n, args.repeats)
                except Exception:
                    log.error("%s b%d %s failed", kind, batch, path)
                    results["errors"].append(f"{kind} b{batch} {path}: {traceback.format_exc()}")
                    continue
                tokens[path] = row.pop("_tokens")
                row.update(model=kind, params=params, path=path, warmup_s=round(warm, 1))
                results["rows"].append(row)
                log.info("versus %s b%d %s: %s", kind, batch, path, row)
                _save(results, args.out)
            if len(tokens) == 2:
                match = _prefix_match(tokens["hand-written"], tokens["hf-static+compile"])
                results["rows"][-1]["same_tokens_prefix_mean"] = round(sum(match) / len(match), 1)
            if dev == "cuda":
                torch.cuda.empty_cache()
        del model
        if dev == "cuda":
            torch.cuda.empty_cache()
    _save(results, args.out)
    return results


def render_versus(res: dict[str, Any]) -> str:
    """The comparison as a Markdown table, with the keep-or-remove verdict per model."""
    lines = [
        f"{res['device']}, torch {res['torch']}, transformers {res['transformers']}, bfloat16 "
        f"random weights, prompt {res['prompt_len']} tokens, {res['new_tokens']} new tokens, "
        f"greedy; measured {res['date']}. Reproduce: `python benchmarks/llm_speed.py --device "
        "cuda --versus`.",
        "",
        "| model | path | batch | decode tok/s | decode ms/step | end-to-end tok/s "
        "| first token (s) | warm-up (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = res["rows"]
    for r in rows:
        lines.append(
            f"| {r['model']} ({r['params'] / 1e6:.0f}M) | {r['path']} | {r['batch']} "
            f"| {r['tok_s_decode']:,.0f} | {r['ms_per_step']:.2f} | {r['tok_s_end_to_end']:,.0f} "
            f"| {r['first_token_s']:.3f} | {r['warmup_s']} |"
        )
    lines.append("")
    for model in dict.fromkeys(r["model"] for r in rows):
        for batch in dict.fromkeys(r["batch"] for r in rows):
            pair = {r["path"]: r for r in rows if r["model"] == model and r["batch"] == batch}
            if len(pair) < 2:
                continue
            hand, hf = pair["hand-written"], pair["hf-static+compile"]
            decode = hand["tok_s_decode"] / hf["tok_s_decode"]
            e2e = hand["tok_s_end_to_end"] / hf["tok_s_end_to_end"]
            first = hf["first_token_s"] / hand["first_token_s"]
            lines.append(
                f"- {model}, batch {batch}: hand-written / transformers = {decode:.2f}× decode "
                f"tokens/s, {e2e:.2f}× end to end, {first:.2f}× first-token speed "
                f"(bar to keep it: {KEEP_FACTOR}×)."
            )
    if res["errors"]:
        lines += ["", f"Errors: {len(res['errors'])} (see the JSON)."]
    return "\n".join(lines)


def attention_micro(args: argparse.Namespace) -> dict[str, Any]:
    """Decode attention alone (24 layers' calls in one CUDA graph): which kernel is fastest.

    One query token per sequence, 16 query heads over 8 KV heads, head_dim 128, a 640-slot
    bf16 cache with a key mask, batch 1 and 32. Each layer has its own cache (no L2 reuse).
    """
    import torch
    from torch.nn.attention import SDPBackend, sdpa_kernel

    sdpa_fn = torch.nn.functional.scaled_dot_product_attention
    kv_heads, group, d, length, layers = 8, 2, 128, 640, 24
    out: dict[str, Any] = {"length": length, "layers": layers, "rows": []}

    def manual(q: Any, k: Any, v: Any, m: Any) -> Any:
        s = torch.matmul(q, k.transpose(-1, -2)) * d**-0.5 + m
        return torch.matmul(torch.softmax(s.float(), dim=-1).to(q.dtype), v)

    compiled = torch.compile(manual, fullgraph=True, dynamic=False)
    for b in args.batches:
        q = torch.randn(b, kv_heads, group, d, device="cuda", dtype=torch.bfloat16)
        caches = [
            torch.randn(2, b, kv_heads, length, d, device="cuda", dtype=torch.bfloat16)
            for _ in range(layers)
        ]
        mask = torch.zeros(b, length, device="cuda", dtype=torch.bfloat16)
        mask[:, length - 100 :] = torch.finfo(torch.bfloat16).min
        m4 = mask[:, None, None, :]
        ref = manual(q.float(), caches[0][0].float(), caches[0][1].float(), m4.float())

        def sdpa(backend: Any) -> Callable[..., Any]:
            def with_backend(qq: Any, kk: Any, vv: Any, mm: Any) -> Any:
                with sdpa_kernel([backend]):
                    return sdpa_fn(qq, kk, vv, attn_mask=mm, scale=d**-0.5)

            return with_backend

        kinds: dict[str, Callable[..., Any]] = {
            "sdpa default": lambda qq, kk, vv, mm: sdpa_fn(qq, kk, vv, attn_mask=mm, scale=d**-0.5),
            "sdpa cudnn": sdpa(SDPBackend.CUDNN_ATTENTION),
            "sdpa efficient": sdpa(SDPBackend.EFFICIENT_ATTENTION),
            "matmul-softmax-matmul": manual,
            "same, compiled": compiled,
        }
        for name, fn in kinds.items():
            try:
                got = fn(q, caches[0][0], caches[0][1], m4)
                err = float((got.float() - ref).norm() / ref.norm())
                graph = torch.cuda.CUDAGraph()
                stream = torch.cuda.Stream()  # type: ignore[no-untyped-call]
                stream.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(stream):
                    for c in caches:
                        fn(q, c[0], c[1], m4)
                torch.cuda.current_stream().wait_stream(stream)
                with torch.cuda.graph(graph):
                    for c in caches:
                        fn(q, c[0], c[1], m4)
                for _ in range(3):
                    graph.replay()
                times = []
                for _ in range(20):
                    start = torch.cuda.Event(enable_timing=True)  # type: ignore[no-untyped-call]
                    end = torch.cuda.Event(enable_timing=True)  # type: ignore[no-untyped-call]
                    start.record()
                    graph.replay()
                    end.record()
                    end.synchronize()
                    times.append(start.elapsed_time(end))
                row = {
                    "batch": b,
                    "kernel": name,
                    "ms_24_layers": round(statistics.median(times), 4),
                    "rel_err": round(err, 5),
                }
            except Exception as exc:  # a backend that refuses these shapes
                row = {"batch": b, "kernel": name, "error": str(exc).splitlines()[0][:200]}
            out["rows"].append(row)
            log.info("attention %s", row)
    return out


# ------------------------------------------------------------------------------ CPU

PROMPT_TEXT = (
    "A student added 3/4 and 1/6 and wrote 4/10. Explain, step by step and kindly, why the "
    "denominators must be made equal first: the least common multiple of 4 and 6 is 12, so "
    "3/4 = 9/12 and 1/6 = 2/12, and 9/12 + 2/12 = 11/12. "
)
#: Tutor-style chat questions for the greedy-output comparison on the CPU.
CPU_QUESTIONS = (
    "What is 2 + 3?",
    "Explain how to add 3/4 and 1/6 to a ten-year-old.",
    "A farmer plants 3 rows of 12 apple trees. How many trees are there?",
    "Why do we need a common denominator to add fractions?",
    "What is the area of a rectangle 5 cm by 7 cm? Explain the steps.",
    "Solve 2x + 3 = 11 step by step.",
    "What is a prime number? Give three examples.",
    "Round 3.46 to the nearest tenth and explain.",
    "A student wrote 1/2 + 1/3 = 2/5. What went wrong?",
    "How many minutes are there in 3 and a half hours?",
    "Is 0.5 bigger than 0.45? Explain why.",
    "What is 15% of 80? Show your working.",
)
#: The CPU decoders timed beside generate(): (row name, weights, prompt weights, decode
#: threads, prompt threads); None is the process setting (``--threads``), "half" half of it,
#: as the app does. The second is the app's CPU path (``TUTOR_LLM_CPU_DECODE=quantized``), the
#: first its ``float32`` mode.
CPU_PATHS: tuple[tuple[str, str, str, int | None, int | str | None], ...] = (
    ("static cache, float32 weights", "float32", "float32", 1, "half"),
    ("static cache, 4-bit layers, bf16 prompt (app default)", "auto", "bfloat16", 1, "half"),
    ("static cache, 4-bit layers, float32 prompt", "auto", "float32", 1, "half"),
    ("static cache, 4-bit layers, bf16 prompt, all threads", "auto", "bfloat16", None, None),
)


def _smollm2_dir(args: argparse.Namespace) -> Path:
    if args.smollm2_dir:
        return Path(args.smollm2_dir)
    from tutor.llm.weights import is_pulled, model_dir
    from tutor.settings import Settings

    settings = Settings.from_env()
    if not is_pulled(settings, "smollm2"):
        raise SystemExit("SmolLM2 is not pulled: run `tutor model pull smollm2` first")
    return model_dir(settings, "smollm2")


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _read_bandwidth(threads: int) -> float:
    """GB/s of one pass summing a 256 MB float32 tensor (best of 5): the memory-read rate a
    decode step that streams its weights once can reach."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        data = torch.ones(64 * 1024 * 1024)
        best = float("inf")
        for _ in range(6):
            t0 = time.perf_counter()
            data.sum()
            best = min(best, time.perf_counter() - t0)
    finally:
        torch.set_num_threads(before)
    return round(data.numel() * 4 / best / 1e9, 1)


def _cpu_profile(step: Callable[[], Any], steps: int) -> dict[str, Any]:
    """Self CPU time per decode step by kind of operation (torch profiler over ``steps``)."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU]) as prof:
        t0 = time.perf_counter()
        step()
        wall = time.perf_counter() - t0
    kinds = {"matmul": 0.0, "attention": 0.0, "other ops": 0.0}
    ops = 0
    for evt in prof.key_averages():
        name = evt.key.lower()
        if "int4pack" in name or "int8pack" in name or name in ("aten::mm", "aten::addmm"):
            kind = "matmul"
        elif "attention" in name or name == "aten::bmm":
            kind = "attention"
        else:
            kind = "other ops"
        kinds[kind] += evt.self_cpu_time_total
        ops += evt.count
    busy = sum(kinds.values())
    out = {k: round(v / 1000 / steps, 2) for k, v in kinds.items()}
    # Wall time the profiler saw no operation run in: Python and dispatch around the ops.
    out["outside ops"] = round(max(wall * 1000 - busy / 1000, 0.0) / steps, 2)
    return {
        "ms_per_step": out,
        "ops_per_step": ops // steps,
        "wall_ms_per_step": round(wall * 1000 / steps, 2),
    }


def _cpu_rows(
    args: argparse.Namespace, model: Any, ids: Any, mask: Any, bandwidth: float
) -> tuple[list[dict[str, Any]], dict[str, Any], Any]:
    """generate() and each decoder of :data:`CPU_PATHS`, timed on the same prompt."""
    import torch

    from tutor.llm.fast_decode import CpuDecoder

    n = args.cpu_new_tokens
    rows: list[dict[str, Any]] = []
    reference = None
    for threads in dict.fromkeys([args.threads, 1]):  # the process setting, then 1 thread
        torch.set_num_threads(threads)
        _hf_generate(model, ids, mask, 2)  # warm-up
        row = _measure("cpu", lambda k: _hf_generate(model, ids, mask, k), 1, n, args.repeats)
        tokens = row.pop("_tokens")
        name = "generate" if reference is None else "generate, 1 thread"
        if reference is None:
            reference = tokens
        else:
            row["matched_prefix"] = _prefix_match(tokens, reference)[0]
        rows.append({"path": name, "threads": f"{threads}/{threads}", **row})
        log.info("cpu %s: %s", name, row)
    torch.set_num_threads(args.threads)
    decoders: dict[str, Any] = {}
    for name, weights, prompt_weights, threads, prompt in CPU_PATHS:
        prompt_threads = max(1, args.threads // 2) if prompt == "half" else prompt
        assert prompt_threads is None or isinstance(prompt_threads, int)
        t0 = time.perf_counter()
        decoder = CpuDecoder(
            model,
            max_batch=1,
            max_len=int(ids.shape[1]) + n,
            weights=weights,
            threads=threads,
            prompt_threads=prompt_threads,
            prompt_weights=prompt_weights,
        )
        setup = time.perf_counter() - t0
        decoders[name] = decoder
        _fast_generate(decoder, ids, mask, 2)
        run = functools.partial(_fast_generate, decoder, ids, mask)
        row = _measure("cpu", run, 1, n, args.repeats)
        tokens = row.pop("_tokens")
        weight_bytes = decoder.weight_bytes_per_step()
        row.update(
            threads=f"{prompt_threads or args.threads}/{threads or args.threads}",
            weights=weights,
            setup_s=round(setup, 2),
            weight_mb_per_step=round(weight_bytes / 1e6, 1),
            extra_mb=round(decoder.extra_bytes() / 1e6, 1),
            weight_kinds=decoder.weight_kinds(),
            bound_ms_per_step=round(weight_bytes / (bandwidth * 1e9) * 1000, 2),
            matched_prefix=_prefix_match(tokens, reference)[0],
        )
        rows.append({"path": name, **row})
        log.info("cpu %s: %s", name, row)
    float32_mb = sum(p.numel() * p.element_size() for p in model.parameters()) / 1e6
    for row in rows:
        if row["path"].startswith("generate"):
            row["weight_mb_per_step"] = round(float32_mb, 1)
            row["bound_ms_per_step"] = round(float32_mb / (bandwidth * 1e3) * 1000, 2)
    profiles: dict[str, Any] = {}
    if args.profile:
        # One thread for both, so that the split by kind is not time spent at barriers.
        torch.set_num_threads(1)
        # generate(): the profile of 1 + k tokens less that of 1 token is k decode steps.
        k = max(1, min(10, args.cpu_new_tokens - 2))
        with_steps = _cpu_profile(lambda: _hf_generate(model, ids, mask, k + 1), 1)
        prefill = _cpu_profile(lambda: _hf_generate(model, ids, mask, 1), 1)
        profiles["generate"] = {
            "ms_per_step": {
                kind: round((with_steps["ms_per_step"][kind] - ms) / k, 2)
                for kind, ms in prefill["ms_per_step"].items()
            },
            "ops_per_step": (with_steps["ops_per_step"] - prefill["ops_per_step"]) // k,
            "wall_ms_per_step": round(
                (with_steps["wall_ms_per_step"] - prefill["wall_ms_per_step"]) / k, 2
            ),
        }
        app = decoders[CPU_PATHS[1][0]]
        steps = app.generate(ids, mask, max_new_tokens=k + 2)
        for _ in range(2):
            next(steps)
        profiles[CPU_PATHS[1][0]] = _cpu_profile(lambda: [next(steps) for _ in range(k)], k)
        steps.close()
        torch.set_num_threads(args.threads)
    return rows, profiles, decoders[CPU_PATHS[1][0]]


def _cpu_fidelity(
    model: Any,
    tokenizer: Any,
    decoder: Any,
    n: int,
    questions: Sequence[str],
    eos: list[int],
) -> dict[str, Any]:
    """The app's CPU path against float32 ``generate()`` on chat questions, greedy, replies of
    at most ``n`` tokens ending at an ``eos`` token.

    Free-running: identical replies and the common prefix per question. Teacher-forced (along
    generate()'s own tokens, so one early near tie does not hide the rest): how often the
    decoder's most likely token is generate()'s, and how close generate()'s call was where
    they differ (its logit margin between the two tokens).
    """
    import torch

    prefixes: list[int] = []
    lengths: list[int] = []
    identical = 0
    samples: list[dict[str, Any]] = []
    agree = total = 0
    margins: list[float] = []
    for question in questions:
        enc = tokenizer.apply_chat_template(
            [{"role": "user", "content": question}],
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
        )
        ids, mask = enc["input_ids"], enc["attention_mask"]
        with torch.inference_mode():
            out = model.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=n,
                do_sample=False,
                eos_token_id=eos,
                return_dict_in_generate=True,
                output_logits=True,
            )
        ref = out.sequences[:, ids.shape[1] :]
        ref_logits = torch.stack(out.logits, dim=1).float()  # [1, len, vocab]
        steps = decoder.generate(ids, mask, max_new_tokens=n, eos_token_id=eos)
        mine = torch.stack([step.clone() for step in steps], dim=1)
        a, b = mine[0].tolist(), ref[0].tolist()
        same = (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
        prefix = next(same, min(len(a), len(b)))
        prefixes.append(prefix)
        lengths.append(len(b))
        identical += a == b
        forced = decoder.forced_logits(ids, ref).float()
        choice = forced.argmax(-1)
        agree += int((choice == ref).sum())
        total += int(ref.numel())
        for j in torch.nonzero(choice[0] != ref[0]).flatten().tolist():
            row = ref_logits[0, j]
            margins.append(float(row[ref[0, j]] - row[choice[0, j]]))
        if a != b and len(samples) < 3:
            samples.append(
                {
                    "question": question,
                    "common_prefix": prefix,
                    "shared": tokenizer.decode(b[:prefix], skip_special_tokens=True),
                    "generate": tokenizer.decode(b[prefix:], skip_special_tokens=True),
                    "app_path": tokenizer.decode(a[prefix:], skip_special_tokens=True),
                }
            )
    return {
        "questions": len(questions),
        "new_tokens": n,
        "identical": identical,
        "common_prefix": prefixes,
        "reply_lengths": lengths,
        "forced_top1_agree": agree,
        "forced_total": total,
        "forced_margin_max": round(max(margins), 6) if margins else 0.0,
        "forced_margin_median": round(statistics.median(margins), 6) if margins else 0.0,
        "samples": samples,
    }


def run_cpu(args: argparse.Namespace) -> dict[str, Any]:
    """SmolLM2-135M on the CPU: time to first token and decode rate, 300-token prompt, for
    generate() and the static-cache CPU decoders; then the app's CPU path (timed through the
    backend) and its greedy output against generate()'s."""
    import torch
    import transformers

    from tutor.llm.backends.transformers_backend import TransformersModel, load_model

    torch.set_num_threads(args.threads)
    path = _smollm2_dir(args)
    tokenizer = transformers.AutoTokenizer.from_pretrained(path)
    t0 = time.perf_counter()
    model: Any = transformers.AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    model.eval()
    load_s = time.perf_counter() - t0
    # Timed runs make exactly N tokens; the output comparison stops replies at these.
    eos = [
        t
        for t in dict.fromkeys([model.generation_config.eos_token_id, tokenizer.eos_token_id])
        if isinstance(t, int)
    ]
    model.generation_config.eos_token_id = None
    model.generation_config.pad_token_id = tokenizer.pad_token_id or 0
    text = PROMPT_TEXT * 20
    ids = tokenizer(text, return_tensors="pt").input_ids[:, : args.cpu_prompt_len]
    mask = torch.ones_like(ids)
    n = args.cpu_new_tokens
    results: dict[str, Any] = {
        "model": str(path.name),
        "threads": torch.get_num_threads(),
        "cpu": _cpu_name(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "prompt_len": int(ids.shape[1]),
        "new_tokens": n,
        "load_s": round(load_s, 2),
        # Other work on the same cores slows every figure down: record how busy they were.
        "load_average_1min_before": round(os.getloadavg()[0], 2),
        "date": time.strftime("%Y-%m-%d"),
    }
    bandwidth = {t: _read_bandwidth(t) for t in sorted({1, args.threads})}
    results["read_gb_s"] = {str(t): bw for t, bw in bandwidth.items()}
    rows, profiles, app_decoder = _cpu_rows(args, model, ids, mask, max(bandwidth.values()))
    results["rows"] = rows
    results["profiles"] = profiles
    # The app's own path: TransformersModel on the CPU (worker thread, queue, detokenizer).
    app = TransformersModel(str(path), device="cpu")
    t0 = time.perf_counter()
    load_model(app.model, "cpu")  # weights only
    t1 = time.perf_counter()
    app_decoder_used = app.load().cpu_decoders.get(app.cpu_decode)  # + the decoder
    results["app_load_s"] = round(time.perf_counter() - t0, 2)
    results["app_decoder_setup_s"] = round(time.perf_counter() - t1, 2)
    if app_decoder_used is not None:
        results["app_extra_mb"] = round(app_decoder_used.extra_bytes() / 1e6, 1)
        results["app_max_len"] = app_decoder_used.max_len
    reports = [app.measure_speed(args.cpu_prompt_len, n) for _ in range(args.repeats)]
    results["app"] = {
        "prompt_tokens": reports[0].prompt_tokens,
        "new_tokens": reports[0].new_tokens,
        "ttft_s": round(statistics.median(r.ttft_s for r in reports), 3),
        "decode_tok_s": round(statistics.median(r.decode_tokens_per_s for r in reports), 1),
        "runs": len(reports),
    }
    log.info("cpu app path: %s", results["app"])
    torch.set_num_threads(1)  # the reference replies, quicker on a busy machine
    results["fidelity"] = _cpu_fidelity(model, tokenizer, app_decoder, n, CPU_QUESTIONS, eos)
    log.info("cpu fidelity: %s", {k: v for k, v in results["fidelity"].items() if k != "samples"})
    results["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    _save(results, args.out)
    return results


# ------------------------------------------------------------------------------ report


def _save(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def render(gpu: dict[str, Any] | None, cpu: dict[str, Any] | None) -> str:
    """The markdown of the ``llm_speed`` section from the two result files."""
    lines: list[str] = []
    if gpu:
        lines.append(
            f"GPU: {gpu['device']}, torch {gpu['torch']}, transformers {gpu['transformers']}, "
            f"{gpu['dtype']} random weights, prompt {gpu['prompt_len']} tokens, "
            f"{gpu['new_tokens']} new tokens, greedy; measured {gpu['date']}. Reproduce: "
            "`python benchmarks/llm_speed.py --device cuda`."
        )
        lines += [
            "",
            "| model | path | batch | end-to-end tok/s | decode ms/step | decode tok/s "
            "| first token (s) | same tokens as generate() |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for kind, entry in gpu["models"].items():
            for r in entry["rows"]:
                same = "reference"
                if "identical_sequences" in r:
                    same = (
                        f"{r['identical_sequences']}/{r['batch']} identical, common prefix "
                        f"≥ {r['matched_prefix_min']} (mean {r['matched_prefix_mean']})"
                    )
                lines.append(
                    f"| {kind} ({entry['params'] / 1e6:.0f}M) | {r['path']} | {r['batch']} "
                    f"| {r['tok_s_end_to_end']:,.0f} | {r['ms_per_step']:.2f} "
                    f"| {r['tok_s_decode']:,.0f} | {r['first_token_s']:.3f} | {same} |"
                )
        for kind, entry in gpu["models"].items():
            notes = []
            if "generate_self_prefix" in entry:
                notes.append(
                    f"generate() itself gives the same first {entry['generate_self_prefix']} "
                    f"tokens for prompt 0 at batch {entry['self_batches'][0]} and inside batch "
                    f"{entry['self_batches'][1]}"
                )
            if "fast_self_prefix" in entry:
                notes.append(f"the fast path: {entry['fast_self_prefix']}")
            for r in entry["rows"]:
                div = r.get("divergence")
                if div and div.get("diverging"):
                    notes.append(
                        f"batch {r['batch']}: where a sequence first differs from generate()'s, "
                        f"the two tokens' logits differ by at most {div['logit_gap_max']} "
                        f"(median {div['logit_gap_median']}); {div['within_one_bf16_step']} of "
                        f"{div['diverging']} within one bf16 rounding step"
                    )
            if notes:
                lines += ["", f"{kind}: " + "; ".join(notes) + "."]
        goals = []
        for r in gpu["models"].get("dense", {}).get("rows", []):
            if r["path"] == "graph+compile":
                goal = GOALS["b1_tok_s"] if r["batch"] == 1 else GOALS["b32_tok_s"]
                ok = "met" if r["tok_s_decode"] >= goal else "NOT met"
                goals.append(f"batch {r['batch']}: goal ≥ {goal:,.0f} tok/s {ok}")
        if goals:
            lines += ["", "Dense goals (decode tokens/s of the app's path): " + "; ".join(goals)]
        fp32 = gpu.get("fp32_check")
        if fp32:
            parts = [
                f"{k}: {v['identical_sequences']}/{fp32['batch']} identical"
                for k, v in fp32.items()
                if isinstance(v, dict)
            ]
            extras = [
                f"{k.replace('_', ' ')}: {'yes' if v else 'NO'}"
                for k, v in fp32.items()
                if isinstance(v, bool)
            ]
            lines += [
                "",
                f"float32 check (dense, batch {fp32['batch']}, {fp32['left_padded_rows']} rows "
                f"left-padded, {fp32['new_tokens']} tokens crossing a cache bucket): "
                + "; ".join(parts + extras),
            ]
        for kind, entry in gpu["models"].items():
            for p in entry.get("profiles", []):
                if not p:
                    continue
                kinds = ", ".join(
                    f"{k} {v:.3f}" for k, v in p["by_kind_ms_per_step"].items() if v > 0
                )
                lines += [
                    "",
                    f"Profile of the graph+compile step, {kind}, batch {p['batch']} (torch "
                    f"profiler, 20 replays): wall {p['wall_ms_per_step']} ms/step, GPU busy "
                    f"{p['kernel_ms_per_step']} ms/step in {p['kernels_per_step']} kernels: "
                    f"{kinds} (ms/step; the fused attention is counted under matmul and "
                    "triton).",
                ]
    if cpu:
        lines += _render_cpu(cpu)
    elif gpu:
        lines += ["", "CPU (SmolLM2-135M): not measured yet (`tutor model pull smollm2` first)."]
    return "\n".join(lines)


def _render_cpu(cpu: dict[str, Any]) -> list[str]:
    """The CPU part of the section (SmolLM2-135M on this machine's cores)."""
    rows = cpu["rows"]
    lines = [
        "",
        f"CPU: {cpu['model']} on {cpu['cpu']}, `--threads {cpu['threads']}`, torch "
        f"{cpu['torch']}, prompt {cpu['prompt_len']} tokens, {cpu['new_tokens']} new tokens, "
        f"greedy; measured {cpu['date']}, load average {cpu.get('load_average_1min_before', '?')}"
        f" before and {cpu.get('load_average_1min_after', '?')} after (other processes on the "
        "same cores). Reproduce: `python benchmarks/llm_speed.py --device cpu "
        f"--threads {cpu['threads']} --cpu-new-tokens {cpu['new_tokens']} "
        f"--repeats {rows[0]['runs']}`.",
    ]
    if "read_gb_s" not in cpu:  # a result file from before the CPU decoder
        lines += [
            "",
            "| path | time to first token (s) | decode tok/s | decode ms/step |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {r['path']} | {r['first_token_s']:.3f} | {r['tok_s_decode']:.1f} "
            f"| {r['ms_per_step']:.1f} |"
            for r in rows
        ]
        return lines
    bw = ", ".join(
        f"{gb} GB/s with {t} thread{'s' if t != '1' else ''}" for t, gb in cpu["read_gb_s"].items()
    )
    lines += [
        "",
        "| path | threads (prompt/decode) | weights read per token (MB) | memory bound (ms/step) "
        "| time to first token (s) | decode ms/step | decode tok/s | same tokens as generate() "
        "| goals |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ttft_ok = "met" if r["first_token_s"] <= GOALS["cpu_ttft_s"] else "NOT met"
        rate_ok = "met" if r["tok_s_decode"] >= GOALS["cpu_tok_s"] else "NOT met"
        same = "reference"
        if "matched_prefix" in r:
            same = f"first {r['matched_prefix']} of {r['new_tokens']}"
        lines.append(
            f"| {r['path']} | {r['threads']} | {r['weight_mb_per_step']:.0f} "
            f"| {r['bound_ms_per_step']:.1f} | {r['first_token_s']:.3f} | {r['ms_per_step']:.1f} "
            f"| {r['tok_s_decode']:.1f} | {same} | TTFT ≤ 1 s {ttft_ok}, ≥ 20 tok/s {rate_ok} |"
        )
    app = cpu["app"]
    ttft_ok = "met" if app["ttft_s"] <= GOALS["cpu_ttft_s"] else "NOT met"
    rate_ok = "met" if app["decode_tok_s"] >= GOALS["cpu_tok_s"] else "NOT met"
    kinds: dict[str, int] = next(
        (r["weight_kinds"] for r in rows if r.get("weights") == "auto"), {}
    )
    model_mb = rows[0]["weight_mb_per_step"]
    lines += [
        "",
        f"The app's path end to end (`TransformersModel.measure_speed`: chat prompt of "
        f"{app['prompt_tokens']} tokens, worker thread, queue, median of {app['runs']}): time "
        f"to first token {app['ttft_s']:.3f} s, {app['decode_tok_s']:.1f} tokens/s — TTFT ≤ 1 s "
        f"{ttft_ok}, ≥ 20 tok/s {rate_ok}. Loading took {cpu['app_load_s']:.1f} s, "
        f"{cpu['app_decoder_setup_s']:.1f} s of it building the decoder (at load, so never in a "
        f"first token); the decoder holds {cpu.get('app_extra_mb', 0):.0f} MB besides the "
        f"model's {model_mb:.0f} MB (4-bit and bfloat16 copies, the transposed head, a float32 "
        f"KV cache for {cpu.get('app_max_len', '?')} tokens). Its decode products: "
        + ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        + " (`float32t`: the output head, float32, transposed). Memory bound = weights read per "
        f"token / read bandwidth ({bw}; one pass over 256 MB).",
    ]
    fid = cpu.get("fidelity")
    if fid:
        prefixes = ", ".join(str(p) for p in fid["common_prefix"])
        lines += [
            "",
            f"Greedy replies of the app's CPU path against float32 generate() on "
            f"{fid['questions']} tutor-style chat questions (up to {fid['new_tokens']} tokens, "
            f"to the end of the turn): {fid['identical']}/{fid['questions']} identical; common "
            f"prefix per question {prefixes} (generate()'s reply lengths "
            f"{', '.join(str(n) for n in fid.get('reply_lengths', []))}). "
            f"Teacher-forced along generate()'s tokens, the app path picks the same "
            f"token at {fid['forced_top1_agree']} of {fid['forced_total']} positions "
            f"({100 * fid['forced_top1_agree'] / max(fid['forced_total'], 1):.1f}%); where it "
            f"does not, generate()'s own margin between the two tokens was at most "
            f"{fid['forced_margin_max']:.2g} logits (median {fid['forced_margin_median']:.2g}): "
            "near ties that rounding decides. Where the replies part (first three):",
        ]
        for sample in fid["samples"]:
            shared, a, b = (" ".join(sample[k].split()) for k in ("shared", "generate", "app_path"))
            lines.append(
                f"- *{sample['question']}* — the same first {sample['common_prefix']} tokens "
                f"(“{'…' if len(shared) > 80 else ''}{shared[-80:]}”), then generate(): "
                f"“{a[:80]}…”; app path: “{b[:80]}…”"
            )
    for name, prof in cpu.get("profiles", {}).items():
        parts = ", ".join(f"{k} {v:.1f}" for k, v in prof["ms_per_step"].items())
        lines += [
            "",
            f"Profile of one decode step, {name} (1 thread, torch profiler, self CPU time, "
            "ms/step): "
            f"{parts}; {prof['ops_per_step']} operator calls per step (nested ones included), "
            f"wall {prof['wall_ms_per_step']} ms/step under the profiler.",
        ]
    return lines


def _load(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=["cuda", "cpu"])
    parser.add_argument("--report", action="store_true", help="render the saved JSON results")
    parser.add_argument("--write", type=Path, help="write the llm_speed section of this file")
    parser.add_argument("--out", type=Path, help="the JSON results file")
    parser.add_argument("--models", default="dense,moe")
    parser.add_argument(
        "--variants",
        default=f"generate,graph,graph+compile/sdpa-attention,graph+compile,eager,{WHOLE}",
        help="what to time",
    )
    parser.add_argument("--batches", default="1,32")
    parser.add_argument("--prompt-len", type=int, default=512)
    parser.add_argument("--new-tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-fp32-check", dest="fp32_check", action="store_false")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--smollm2-dir", help="a converted SmolLM2 folder (default: pulled)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--synthetic", action="store_true", help="on the CPU: the synthetic models, not SmolLM2"
    )
    parser.add_argument("--tiny", action="store_true", help="tiny configs (a smoke test)")
    parser.add_argument(
        "--attention-micro", action="store_true", help="time decode attention kernels alone"
    )
    parser.add_argument("--cpu-prompt-len", type=int, default=300)
    parser.add_argument("--cpu-new-tokens", type=int, default=64)
    parser.add_argument(
        "--versus",
        action="store_true",
        help="the hand-written decoder against transformers' static cache + torch.compile",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    args.models = [m for m in args.models.split(",") if m]
    args.variants = args.variants.split(",")
    args.batches = [int(b) for b in args.batches.split(",")]
    if args.versus:
        if args.models == ["dense", "moe"]:
            args.models = ["smollm2", "dense"]
        args.out = args.out or RESULTS / f"llm_versus_{args.device or 'cuda'}.json"
        args.device = args.device or "cuda"
        versus = _load(args.out) if args.report else run_versus(args)
        body = render_versus(versus or {"rows": [], "errors": ["no results"]})
        print(body)
        if args.write:
            heading = (
                "## The hand-written CUDA decoder against transformers' static cache + "
                "torch.compile (issue 17)"
            )
            write_section(args.write, body, "llm_versus", heading=heading)
        return 0
    if args.attention_micro:
        micro = attention_micro(args)
        if args.out:
            _save(micro, args.out)
        print(json.dumps(micro, indent=1))
        return 0
    if args.device:
        synthetic = args.device == "cuda" or args.synthetic
        args.out = args.out or RESULTS / f"llm_speed_{'cuda' if synthetic else 'cpu'}.json"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        results = run_synthetic(args) if synthetic else run_cpu(args)
        if synthetic and args.device == "cpu":
            print(render(results, None))
            return 0
        _save(results, args.out)
        gpu = results if synthetic else _load(RESULTS / "llm_speed_cuda.json")
        cpu = None if synthetic else results
        cpu = cpu or _load(RESULTS / "llm_speed_cpu.json")
    elif args.report:
        gpu, cpu = _load(RESULTS / "llm_speed_cuda.json"), _load(RESULTS / "llm_speed_cpu.json")
    else:
        parser.error("give --device cuda|cpu or --report")
    body = render(gpu, cpu)
    print(body)
    if args.write:
        heading = "## Language-model speed (`benchmarks/llm_speed.py`)"
        write_section(args.write, body, "llm_speed", heading=heading)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
