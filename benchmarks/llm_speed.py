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
and decode tokens/s, for ``generate()`` and the fast path (eager on the CPU).

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
from collections.abc import Callable
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


def _smollm2_dir(args: argparse.Namespace) -> Path:
    if args.smollm2_dir:
        return Path(args.smollm2_dir)
    from tutor.llm.weights import is_pulled, model_dir
    from tutor.settings import Settings

    settings = Settings.from_env()
    if not is_pulled(settings, "smollm2"):
        raise SystemExit("SmolLM2 is not pulled: run `tutor model pull smollm2` first")
    return model_dir(settings, "smollm2")


def run_cpu(args: argparse.Namespace) -> dict[str, Any]:
    """SmolLM2-135M on the CPU: time to first token and decode rate, 300-token prompt."""
    import torch
    import transformers

    from tutor.llm.fast_decode import CudaGraphDecoder

    torch.set_num_threads(args.threads)
    path = _smollm2_dir(args)
    tokenizer = transformers.AutoTokenizer.from_pretrained(path)
    t0 = time.perf_counter()
    model: Any = transformers.AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    model.eval()
    load_s = time.perf_counter() - t0
    model.generation_config.eos_token_id = None
    model.generation_config.pad_token_id = tokenizer.pad_token_id or 0
    text = PROMPT_TEXT * 20
    ids = tokenizer(text, return_tensors="pt").input_ids[:, : args.cpu_prompt_len]
    mask = torch.ones_like(ids)
    n = args.cpu_new_tokens
    results: dict[str, Any] = {
        "model": str(path.name),
        "threads": torch.get_num_threads(),
        "cpu": platform.processor() or platform.machine(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "prompt_len": int(ids.shape[1]),
        "new_tokens": n,
        "load_s": round(load_s, 2),
        # Other work on the same cores slows every figure down: record how busy they were.
        "load_average_1min_before": round(os.getloadavg()[0], 2),
        "date": time.strftime("%Y-%m-%d"),
        "rows": [],
    }
    _hf_generate(model, ids, mask, 2)  # warm-up
    row = _measure("cpu", lambda k: _hf_generate(model, ids, mask, k), 1, n, args.repeats)
    reference = row.pop("_tokens")
    results["rows"].append({"path": "generate", **row})
    log.info("cpu generate: %s", row)
    decoder = CudaGraphDecoder(model, max_batch=1, max_len=int(ids.shape[1]) + n)
    _fast_generate(decoder, ids, mask, 2)
    row = _measure("cpu", lambda k: _fast_generate(decoder, ids, mask, k), 1, n, args.repeats)
    match = _prefix_match(row.pop("_tokens"), reference)
    row["matched_prefix_min"] = min(match)
    results["rows"].append({"path": "fast (eager)", **row})
    log.info("cpu fast: %s", row)
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
        lines += [
            "",
            f"CPU: {cpu['model']}, {cpu['threads']} threads, torch {cpu['torch']}, float32, "
            f"prompt {cpu['prompt_len']} tokens, {cpu['new_tokens']} new tokens; measured "
            f"{cpu['date']}, load average {cpu.get('load_average_1min_before', '?')} before and "
            f"{cpu.get('load_average_1min_after', '?')} after (other processes on the same "
            "cores). Reproduce: `python benchmarks/llm_speed.py --device cpu "
            f"--threads {cpu['threads']} --cpu-new-tokens {cpu['new_tokens']} "
            f"--repeats {cpu['rows'][0]['runs']}`.",
            "",
            "| path | time to first token (s) | decode tok/s | decode ms/step | goals |",
            "|---|---|---|---|---|",
        ]
        for r in cpu["rows"]:
            ttft_ok = "met" if r["first_token_s"] <= GOALS["cpu_ttft_s"] else "NOT met"
            rate_ok = "met" if r["tok_s_decode"] >= GOALS["cpu_tok_s"] else "NOT met"
            lines.append(
                f"| {r['path']} | {r['first_token_s']:.3f} | {r['tok_s_decode']:.1f} "
                f"| {r['ms_per_step']:.1f} | TTFT ≤ 1 s {ttft_ok}, ≥ 20 tok/s {rate_ok} |"
            )
    elif gpu:
        lines += ["", "CPU (SmolLM2-135M): not measured yet (`tutor model pull smollm2` first)."]
    return "\n".join(lines)


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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    args.models = [m for m in args.models.split(",") if m]
    args.variants = args.variants.split(",")
    args.batches = [int(b) for b in args.batches.split(",")]
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
