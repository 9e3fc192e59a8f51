"""A fast decoding path for the local model: static KV cache plus a CUDA-graph decode step.

Plain ``model.generate()`` on a GPU spends most of each decode step launching kernels: for a
0.5B model one step is hundreds of small kernels and the GPU idles between them (10–14 tokens/s
at batch 1 on an H100, where the memory-bandwidth bound is ~0.32 ms per step). This module
re-implements the forward pass of the supported decoder-only architectures on the model's own
weights (nothing is copied from disk, nothing is trained) with:

* a static KV cache ``[layers][2, max_batch, kv_heads, max_len, head_dim]`` written in place, so
  every decode step has the same shapes and can be captured once in a CUDA graph and replayed
  (the step also picks the greedy token and advances its own state, so a run of steps needs no
  host synchronisation);
* attention only over the valid prefix of the cache, rounded up to a *bucket* of ``bucket``
  slots (one graph per batch size and bucket), with a small additive key mask ``[batch, len]``
  for left padding — never a ``[batch, heads, q, k]`` mask (attending to a whole 4096-slot
  cache instead made batch 32 2.6× slower);
* grouped-query attention without repeating K/V: the ``heads / kv_heads`` query heads that share
  a KV head are laid out as that head's "query rows", so attention reads each KV head once;
* fused projections (Q|K|V and gate|up concatenated once at construction);
* ``torch.compile`` (Inductor, on CUDA by default) for the element-wise parts (RMSNorm, rotary
  embedding, query/key norm, SiLU·up, residuals) and for the attention itself (the HF-eager
  formula, which Inductor turns into a split reduction that fills the GPU even at batch 1, about
  twice as fast there as the SDPA kernels), with ``emulate_precision_casts`` so the bf16
  rounding of the element-wise parts matches eager PyTorch.

Measured on one H100 (``benchmarks/llm_speed.py --device cuda``; Hunyuan-0.5B-shaped, 512-token
prompt): 1.41 ms per step at batch 1 (707 tokens/s) and 2.26 ms at batch 32 (14,100 tokens/s),
against 74 and 92 ms for ``generate()`` in the same run.

The arithmetic follows the Hugging Face modelling code op for op (same dtypes, same order:
Hunyuan applies the rotary embedding *before* its query/key RMSNorm), so in float32 the greedy
tokens equal ``model.generate()``'s (checked on the CPU in the unit tests and on the GPU by the
benchmark, with left padding). In bf16, fused and batched matrix products round differently, and
where two logits are within a rounding step of each other the greedy token can flip (as it does
for ``generate()`` itself between batch sizes); the benchmark reports where and by how much.

Supported: ``HunYuanDenseV1``, ``HunYuanMoEV1`` and Llama-style models (``llama``, e.g.
SmolLM2). :func:`supports` says whether a given model can use it. Public API::

    decoder = CudaGraphDecoder(model, max_batch=32, max_len=2048)
    for tokens in decoder.generate(input_ids, attention_mask, max_new_tokens=128,
                                   temperature=0.0, eos_token_id=tokenizer.eos_token_id):
        ...  # tokens: LongTensor[B] on the model's device, one new token per sequence

On the CPU, :class:`CpuDecoder` (dense models: ``llama``, ``HunYuanDenseV1``; see
:func:`cpu_supports`) keeps that decode loop and static cache but runs each step eagerly with
weight-only quantised matrix products: 4-bit where the model's weights lie exactly on a 4-bit
grid, as a Q4_1 GGUF model's do. A step of SmolLM2-135M then reads 180 MB instead of 538 MB
(``benchmarks/llm_speed.py --device cpu`` measures it against ``generate()``, with the tokens).

Heavy imports (torch) happen only inside this module, which nothing imports at package load.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tutor.errors import InputError, MissingDependency

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

#: ``config.model_type`` values whose forward pass this module re-implements.
SUPPORTED_MODEL_TYPES = frozenset({"hunyuan_v1_dense", "hunyuan_v1_moe", "llama"})
#: Rotary-embedding types whose frequencies do not change with the sequence length.
_STATIC_ROPE_TYPES = frozenset({"default", "linear", "llama3", "ntk_alpha"})
_MAX_EOS = 8


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - torch is a declared extra
        raise MissingDependency(
            "fast decoding needs PyTorch: install it with `pip install torch`"
        ) from exc
    return torch


def merged_lora(model: Any) -> Any:
    """``model`` with any PEFT LoRA adapter merged into its weights (``W + s·B·A``), as a plain
    Hugging Face model; a model without one comes back as it is.

    The decoders read each layer's ``weight`` tensors directly, so an adapter must be part of
    them: merging gives exactly the PeftModel's function with no extra products per step.
    PEFT merges in place (the wrapped model's weights change). Merge float32 weights: the
    transformers backend merges before casting to bfloat16, where the small update would
    round away.
    """
    merge = getattr(model, "merge_and_unload", None)
    if merge is None or not hasattr(model, "peft_config"):
        return model
    log.info("merging the LoRA adapter into the weights before building the decoder")
    return merge()


def _unsupported_reason(model: Any, max_len: int | None = None) -> str | None:
    """Why ``model`` cannot use :class:`CudaGraphDecoder`, or None when it can."""
    config = getattr(model, "config", None)
    model_type = getattr(config, "model_type", None)
    if model_type not in SUPPORTED_MODEL_TYPES:
        return f"model type {model_type!r} is not one of {sorted(SUPPORTED_MODEL_TYPES)}"
    inner = getattr(model, "model", None)
    if inner is None or not hasattr(inner, "layers") or not hasattr(inner, "rotary_emb"):
        return "the model has no `.model.layers` / `.model.rotary_emb` (not a HF causal LM)"
    rope_type = getattr(inner.rotary_emb, "rope_type", "default")
    if rope_type == "dynamic":
        # Dynamic NTK only rescales past max_position_embeddings; inside it the frequencies
        # are fixed, so we accept it when the cache never grows past that length.
        limit = getattr(config, "max_position_embeddings", 0)
        if max_len is not None and max_len > limit:
            return f"dynamic rotary scaling beyond max_position_embeddings={limit}"
    elif rope_type not in _STATIC_ROPE_TYPES:
        return f"rotary embedding type {rope_type!r} is not supported"
    if getattr(config, "sliding_window", None):
        return "sliding-window attention is not supported"
    act = getattr(config, "hidden_act", "silu")
    if act != "silu":
        return f"activation {act!r} is not supported (only silu)"
    if getattr(config, "mlp_bias", False):
        return "MLP biases are not supported"
    if getattr(config, "pretraining_tp", 1) not in (1, None):
        return "pretraining_tp > 1 is not supported"
    return None


def supports(model: Any) -> bool:
    """True when ``model`` (a Hugging Face causal LM) can be decoded by :class:`CudaGraphDecoder`.

    It checks the architecture only; CUDA graphs additionally need the model on a CUDA device
    (on the CPU the same code runs eagerly, which is what the unit tests exercise).
    """
    return _unsupported_reason(model) is None


def _prompt_positions(mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Positions and attention mask of a left-padded prompt batch (``mask``: 1 = token).

    Positions follow Hugging Face: the count of real tokens before; pads get a dummy
    position. The mask is None without padding (plain causal attention); with padding a
    pad query sees only itself, so its (unused) K/V stay finite.
    """
    import torch

    valid = mask != 0
    pos = (valid.long().cumsum(-1) - 1).clamp(min=0)
    if bool(valid.all()):
        return pos, None
    t = mask.shape[1]
    causal = torch.ones(t, t, dtype=torch.bool, device=mask.device).tril()
    eye = torch.eye(t, dtype=torch.bool, device=mask.device)
    return pos, (causal & (valid[:, None, :] | eye)).unsqueeze(1)


@dataclass(slots=True)
class _Norm:
    weight: torch.Tensor
    eps: float


@dataclass(slots=True)
class _Layer:
    """One decoder layer's weights, with Q|K|V and gate|up concatenated once."""

    ln1: _Norm
    wqkv: torch.Tensor
    bqkv: torch.Tensor | None
    wo: torch.Tensor
    bo: torch.Tensor | None
    q_norm: _Norm | None
    k_norm: _Norm | None
    ln2: _Norm
    # dense MLP, or the shared expert of an MoE layer
    w_gate_up: torch.Tensor
    w_down: torch.Tensor
    # MoE only
    router: torch.Tensor | None = None
    experts_gate_up: torch.Tensor | None = None  # [E, 2I, H]
    experts_down: torch.Tensor | None = None  # [E, H, I]
    top_k: int = 0


def _norm_of(module: Any) -> _Norm:
    eps = getattr(module, "variance_epsilon", None)
    if eps is None:
        eps = getattr(module, "eps", 1e-6)
    return _Norm(module.weight.detach(), float(eps or 1e-6))


def _extract_layer(layer: Any, model_type: str) -> _Layer:
    import torch

    attn = layer.self_attn
    q, k, v = attn.q_proj, attn.k_proj, attn.v_proj
    wqkv = torch.cat([q.weight, k.weight, v.weight], dim=0).detach()
    bqkv = None
    if q.bias is not None:
        bqkv = torch.cat([q.bias, k.bias, v.bias], dim=0).detach()
    q_norm = k_norm = None
    if model_type.startswith("hunyuan"):
        q_norm, k_norm = _norm_of(attn.query_layernorm), _norm_of(attn.key_layernorm)
    o_bias = attn.o_proj.bias.detach() if attn.o_proj.bias is not None else None
    mlp = layer.mlp
    dense = mlp.shared_mlp if model_type == "hunyuan_v1_moe" else mlp
    out = _Layer(
        ln1=_norm_of(layer.input_layernorm),
        wqkv=wqkv,
        bqkv=bqkv,
        wo=attn.o_proj.weight.detach(),
        bo=o_bias,
        q_norm=q_norm,
        k_norm=k_norm,
        ln2=_norm_of(layer.post_attention_layernorm),
        w_gate_up=torch.cat([dense.gate_proj.weight, dense.up_proj.weight], dim=0).detach(),
        w_down=dense.down_proj.weight.detach(),
    )
    if model_type == "hunyuan_v1_moe":
        experts = mlp.experts
        if hasattr(experts, "gate_up_proj"):  # transformers >= 5: experts as 3-D tensors
            out.experts_gate_up = experts.gate_up_proj.detach()
            out.experts_down = experts.down_proj.detach()
        else:  # older layout: a ModuleList of MLPs
            out.experts_gate_up = torch.stack(
                [torch.cat([e.gate_proj.weight, e.up_proj.weight], dim=0) for e in experts]
            ).detach()
            out.experts_down = torch.stack([e.down_proj.weight for e in experts]).detach()
        out.router = mlp.gate.wg.weight.detach()
        out.top_k = int(mlp.gate.top_k)
    return out


# --------------------------------------------------------------------------------------------
# The arithmetic. Each function mirrors the HF module it replaces, op for op and dtype for dtype,
# so eager results are bitwise those of the HF code whenever the matrix products are.


def _rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    import torch

    dtype = x.dtype
    h = x.to(torch.float32)
    h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)
    return weight * h.to(dtype)


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    import torch

    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def _qkv(
    x: torch.Tensor,
    ln1_w: torch.Tensor,
    ln1_eps: float,
    wqkv: torch.Tensor,
    bqkv: torch.Tensor | None,
    qn_w: torch.Tensor | None,
    kn_w: torch.Tensor | None,
    qk_eps: float,
    cos: torch.Tensor,
    sin: torch.Tensor,
    n_heads: int,
    n_kv: int,
    head_dim: int,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Input norm, fused QKV projection, rotary embedding and (Hunyuan) query/key norm.

    ``x`` is ``[B, T, hidden]``, ``cos``/``sin`` ``[B, T, head_dim]``; returns q ``[B, H, T, D]``
    and k, v ``[B, KV, T, D]``. Weights come as plain tensors (not the :class:`_Layer`) so that
    one compiled version serves every layer.
    """
    import torch

    b, t, _ = x.shape
    h = _rms_norm(x, ln1_w, ln1_eps)
    qkv = torch.nn.functional.linear(h, wqkv, bqkv)
    q, k, v = torch.split(qkv, [n_heads * head_dim, n_kv * head_dim, n_kv * head_dim], dim=-1)
    q = q.view(b, t, n_heads, head_dim).transpose(1, 2)
    k = k.view(b, t, n_kv, head_dim).transpose(1, 2)
    v = v.view(b, t, n_kv, head_dim).transpose(1, 2)
    c, s = cos.unsqueeze(1), sin.unsqueeze(1)
    q = (q * c) + (_rotate_half(q) * s)
    k = (k * c) + (_rotate_half(k) * s)
    if qn_w is not None and kn_w is not None:
        # Hunyuan normalises after the rotary embedding (Qwen3 does it before).
        q = _rms_norm(q, qn_w, qk_eps)
        k = _rms_norm(k, kn_w, qk_eps)
    return q, k, v


def _dense_mlp(h: torch.Tensor, w_gate_up: torch.Tensor, w_down: torch.Tensor) -> torch.Tensor:
    import torch

    gate, up = torch.nn.functional.linear(h, w_gate_up).chunk(2, dim=-1)
    out: torch.Tensor = torch.nn.functional.linear(torch.nn.functional.silu(gate) * up, w_down)
    return out


def _moe_mlp(
    h: torch.Tensor,
    router: torch.Tensor,
    experts_gate_up: torch.Tensor,
    experts_down: torch.Tensor,
    top_k: int,
) -> torch.Tensor:
    """Top-k routed experts, computed densely over all experts (without the shared expert).

    Static shapes (every expert sees every token, weighted 0 when not chosen) keep the step
    capturable in a CUDA graph; for the small batches of decoding every expert is read once
    either way. Contributions are added in expert order in the model dtype, as HF does.
    """
    import torch

    flat = h.reshape(-1, h.shape[-1])
    routed_in = flat.float() if router.dtype == torch.float32 else flat
    router_logits = torch.nn.functional.linear(routed_in, router)
    probs = torch.nn.functional.softmax(router_logits, dim=1, dtype=torch.float)
    top_w, top_i = torch.topk(probs, top_k, dim=-1)
    top_w = top_w / top_w.sum(dim=-1, keepdim=True)
    top_w = top_w.to(router_logits.dtype)
    n_exp = experts_gate_up.shape[0]
    dense_w = torch.zeros(flat.shape[0], n_exp, dtype=top_w.dtype, device=flat.device)
    dense_w.scatter_(1, top_i, top_w)
    gate, up = torch.matmul(flat.unsqueeze(0), experts_gate_up.transpose(1, 2)).chunk(2, -1)
    act = torch.nn.functional.silu(gate) * up  # [E, N, I]
    out = torch.matmul(act, experts_down.transpose(1, 2))  # [E, N, H]
    routed = torch.zeros_like(flat)
    for e in range(n_exp):
        routed = routed + (out[e] * dense_w[:, e, None]).to(flat.dtype)
    result: torch.Tensor = routed.reshape(h.shape)
    return result


def _post_attention(
    x: torch.Tensor,
    attn: torch.Tensor,
    wo: torch.Tensor,
    bo: torch.Tensor | None,
    ln2_w: torch.Tensor,
    ln2_eps: float,
    w_gate_up: torch.Tensor,
    w_down: torch.Tensor,
    router: torch.Tensor | None,
    experts_gate_up: torch.Tensor | None,
    experts_down: torch.Tensor | None,
    top_k: int,
) -> torch.Tensor:
    """Output projection, residual, post-attention norm, MLP (dense or MoE), residual."""
    import torch

    x = x + torch.nn.functional.linear(attn, wo, bo)
    h = _rms_norm(x, ln2_w, ln2_eps)
    if router is not None and experts_gate_up is not None and experts_down is not None:
        # HF order: shared expert first, routed sum, then routed + shared.
        shared = _dense_mlp(h, w_gate_up, w_down)
        mlp = _moe_mlp(h, router, experts_gate_up, experts_down, top_k) + shared
    else:
        mlp = _dense_mlp(h, w_gate_up, w_down)
    out: torch.Tensor = x + mlp
    return out


def _qkv_args(lay: _Layer) -> tuple[Any, ...]:
    qn, kn = lay.q_norm, lay.k_norm
    return (
        lay.ln1.weight,
        lay.ln1.eps,
        lay.wqkv,
        lay.bqkv,
        None if qn is None else qn.weight,
        None if kn is None else kn.weight,
        1e-6 if qn is None else qn.eps,
    )


def _post_args(lay: _Layer) -> tuple[Any, ...]:
    return (
        lay.wo,
        lay.bo,
        lay.ln2.weight,
        lay.ln2.eps,
        lay.w_gate_up,
        lay.w_down,
        lay.router,
        lay.experts_gate_up,
        lay.experts_down,
        lay.top_k,
    )


def _attend(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor, scale: float
) -> torch.Tensor:
    """Decode attention as HF's eager attention computes it (softmax in float32).

    Compiled (dynamic shapes, so one version serves every batch and cache length) this is one
    or two fused kernels that spread a single query over many blocks: about twice as fast as
    the SDPA kernels at batch 1, where those run a handful of blocks for the whole cache.
    """
    import torch

    scores = torch.matmul(q, k.transpose(-1, -2)) * scale + mask
    probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
    return torch.matmul(probs, v)


def _compile(fn: Callable[..., Any], dynamic: bool = False) -> Callable[..., Any]:
    import torch

    options: dict[str, Any] = {}
    if hasattr(torch._inductor.config, "emulate_precision_casts"):
        # Round every bf16 intermediate as eager does, so fusion does not change the tokens.
        options["emulate_precision_casts"] = True
    compiled: Callable[..., Any] = torch.compile(
        fn, fullgraph=True, dynamic=dynamic, options=options
    )
    return compiled


@dataclass(frozen=True, slots=True)
class _Sampling:
    temperature: float
    top_k: int
    top_p: float
    generator: torch.Generator | None


@dataclass(slots=True)
class _Graph:
    graph: Any  # torch.cuda.CUDAGraph
    logits: torch.Tensor


class CudaGraphDecoder:
    """Greedy or sampled decoding of a HF causal LM with a static KV cache and CUDA graphs.

    ``model`` is a loaded Hugging Face model of a supported architecture (see :func:`supports`);
    its weights are read, not copied, except Q|K|V and gate|up which are concatenated once
    (about 80% of the layer weights again). ``max_batch`` and ``max_len`` size the KV cache
    (``layers * 2 * max_batch * kv_heads * max_len * head_dim`` elements of the model dtype):
    prompt length plus new tokens must fit in ``max_len``. ``bucket`` is the granularity of the
    attended cache length. ``use_cuda_graph`` and ``compile`` default to True on CUDA; on the
    CPU the very same step runs eagerly. ``attention`` is ``"fused"`` (the HF-eager formula,
    compiled; the default when compiling) or ``"sdpa"`` (PyTorch's fused attention kernels).
    Compiled code is made once per batch size (a few seconds each, at the first step of that
    size), so a server should use a few fixed batch sizes. The cache and decode state belong to
    the decoder: run one :meth:`generate` at a time (a server serialises requests or batches
    them); starting a new one abandons the previous iteration.
    """

    def __init__(
        self,
        model: Any,
        *,
        max_batch: int = 32,
        max_len: int = 2048,
        bucket: int = 128,
        use_cuda_graph: bool | None = None,
        compile: bool | None = None,
        attention: str | None = None,
    ) -> None:
        _torch()  # a clear message when PyTorch is missing
        import torch

        model = merged_lora(model)
        reason = _unsupported_reason(model, max_len)
        if reason:
            raise InputError(f"fast decoding cannot run this model: {reason}; use generate()")
        if max_batch < 1 or max_len < 2 or bucket < 8 or bucket % 8:
            raise InputError("max_batch >= 1, max_len >= 2 and a bucket that is a multiple of 8")
        config = model.config
        self.model_type: str = config.model_type
        self.max_batch = max_batch
        self.bucket = bucket
        # Round the cache up to whole buckets so every bucket slice exists and stays aligned.
        self.max_len = -(-max_len // bucket) * bucket
        self.n_heads: int = config.num_attention_heads
        self.n_kv: int = getattr(config, "num_key_value_heads", None) or self.n_heads
        self.head_dim: int = getattr(config, "head_dim", None) or (
            config.hidden_size // self.n_heads
        )
        self.group = self.n_heads // self.n_kv
        self.scale = self.head_dim**-0.5

        embed = model.get_input_embeddings().weight.detach()
        self.device = embed.device
        self.dtype = embed.dtype
        self.embed = embed
        self.lm_head = model.get_output_embeddings().weight.detach()
        self.final_norm = _norm_of(model.model.norm)
        with torch.no_grad():
            self.layers: list[Any] = self._build_layers(model)
        self.vocab = self.lm_head.shape[0]

        # The rotary table, computed exactly as the HF rotary module does per call.
        rotary = model.model.rotary_emb
        inv_freq = rotary.inv_freq.to(device=self.device, dtype=torch.float32)
        positions = torch.arange(self.max_len, device=self.device).float()
        freqs = positions[:, None] * inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        scaling = float(getattr(rotary, "attention_scaling", 1.0))
        self.cos = (emb.cos() * scaling).to(self.dtype)
        self.sin = (emb.sin() * scaling).to(self.dtype)

        cuda = self.device.type == "cuda"
        self.use_cuda_graph = cuda if use_cuda_graph is None else use_cuda_graph
        if self.use_cuda_graph and not cuda:
            raise InputError(
                "CUDA graphs need the model on a CUDA device; pass use_cuda_graph=False"
            )
        self.compiled = cuda if compile is None else compile
        self._qkv_fn: Callable[..., Any] = _qkv
        self._post_fn: Callable[..., Any] = _post_attention
        if self.compiled:
            self._qkv_fn = _compile(_qkv)
            self._post_fn = _compile(_post_attention)
        self.attention = attention or ("fused" if self.compiled else "sdpa")
        if self.attention not in ("fused", "sdpa"):
            raise InputError("attention must be 'fused' or 'sdpa'")
        self._attn_fn: Callable[..., Any] | None = None
        if self.attention == "fused":
            self._attn_fn = _compile(_attend, dynamic=True) if self.compiled else _attend

        dev, dt = self.device, self.dtype
        self.kv = [
            torch.zeros(2, max_batch, self.n_kv, self.max_len, self.head_dim, device=dev, dtype=dt)
            for _ in self.layers
        ]
        # Decode state, read and advanced inside the captured graph.
        self._ids = torch.zeros(max_batch, dtype=torch.long, device=dev)
        self._pos = torch.zeros(max_batch, dtype=torch.long, device=dev)
        self._slot = torch.zeros(1, dtype=torch.long, device=dev)
        self._key_mask = torch.zeros(max_batch, self.max_len, dtype=dt, device=dev)
        self._finished = torch.zeros(max_batch, dtype=torch.bool, device=dev)
        self._eos = torch.full((_MAX_EOS,), -1, dtype=torch.long, device=dev)
        self._pad = torch.zeros((), dtype=torch.long, device=dev)
        self._history = torch.zeros(max_batch, self.max_len, dtype=torch.long, device=dev)
        self._graphs: dict[tuple[int, int, bool], _Graph] = {}
        self._pool: Any = None

    def _build_layers(self, model: Any) -> list[Any]:
        """The per-layer weights the decode step reads (a subclass may store them otherwise)."""
        return [_extract_layer(layer, self.model_type) for layer in model.model.layers]

    # ---------------------------------------------------------------------------- public API

    def generate(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        max_new_tokens: int = 128,
        temperature: float = 0.0,
        eos_token_id: int | Sequence[int] | None = None,
        pad_token_id: int | None = None,
        generator: torch.Generator | None = None,
        top_k: int = 0,
        top_p: float = 1.0,
    ) -> Iterator[torch.Tensor]:
        """Yield one new token per sequence per step (a ``LongTensor[B]`` on the model device).

        ``input_ids`` ``[B, T]`` is left-padded when the prompts differ in length, with
        ``attention_mask`` 1 on real tokens. ``temperature`` 0 is greedy (what
        ``model.generate(do_sample=False)`` gives); above 0 it samples from
        ``softmax(logits / temperature)``, restricted to the ``top_k`` most likely tokens (0: no
        limit) and then to the smallest set whose probability reaches ``top_p``, as
        ``generate(do_sample=True)`` orders them (no repetition penalty). After a sequence
        emits ``eos_token_id`` it gets ``pad_token_id`` (default: the first eos id) until all
        sequences have ended, which stops the iteration early, as ``generate()`` does. Each
        yielded tensor stays valid until the next call of :meth:`generate`; sampling uses
        ``generator`` (on the model's device) when given.
        """
        import torch

        ids, mask = self._check(input_ids, attention_mask, max_new_tokens, temperature)
        if top_k < 0 or not 0.0 < top_p <= 1.0:
            raise InputError("top_k must be >= 0 and top_p in (0, 1]")
        sampling = _Sampling(temperature, top_k, top_p, generator)
        eos = [eos_token_id] if isinstance(eos_token_id, int) else list(eos_token_id or [])
        if len(eos) > _MAX_EOS:
            raise InputError(f"at most {_MAX_EOS} end-of-sequence ids")
        pad = pad_token_id if pad_token_id is not None else (eos[0] if eos else 0)
        b, t = ids.shape
        # Grad mode is set per block, never across a yield: a generator that yields inside
        # `no_grad` would leave the caller's code running without gradients.
        with torch.no_grad():
            self._eos.fill_(-1)
            if eos:
                self._eos[: len(eos)] = torch.tensor(eos, device=self.device)
            self._pad.fill_(pad)
            self._finished.zero_()
            logits = self._prefill(ids, mask)
            self._choose(logits, b, sampling, step=False)
        yield self._history[:b, t]
        for step in range(1, max_new_tokens):
            if eos and bool(self._finished[:b].all()):
                return
            slot = t + step - 1  # cache slot of the token being fed
            with torch.no_grad():
                self._step(b, self._bucket_for(slot + 1), sampling)
            yield self._history[:b, slot + 1]

    # ---------------------------------------------------------------------------- internals

    def _step(self, b: int, length: int, sampling: _Sampling) -> None:
        """One decode step: replay (or capture) the graph, or run the step eagerly."""
        greedy = sampling.temperature <= 0.0
        if self.use_cuda_graph:
            key = (b, length, greedy)
            graph = self._graphs.get(key) or self._capture(*key)
            graph.graph.replay()
            if not greedy:  # sampling happens outside the graph, on its logits
                self._choose(graph.logits, b, sampling, step=True)
        else:
            logits = self._decode_logits(b, length)
            self._choose(logits, b, sampling, step=True)

    # ---------------------------------------------------------------------------- internals

    def _check(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None,
        max_new_tokens: int,
        temperature: float,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        import torch

        if input_ids.dim() != 2 or input_ids.shape[1] == 0:
            raise InputError("input_ids must be a [batch, length] tensor with at least one token")
        b, t = input_ids.shape
        if b > self.max_batch:
            raise InputError(f"batch {b} is larger than max_batch={self.max_batch}")
        if max_new_tokens < 1:
            raise InputError("max_new_tokens must be at least 1")
        if t + max_new_tokens > self.max_len:
            raise InputError(
                f"prompt ({t}) + max_new_tokens ({max_new_tokens}) exceeds max_len={self.max_len}"
            )
        if temperature < 0:
            raise InputError("temperature must be >= 0")
        mask = torch.ones_like(input_ids) if attention_mask is None else attention_mask
        if mask.shape != input_ids.shape:
            raise InputError("attention_mask must have the shape of input_ids")
        if not bool((mask[:, -1] != 0).all()):
            raise InputError("pad the prompts on the left (the last token of each must be real)")
        return input_ids.to(self.device), mask.to(self.device)

    def _run_qkv(
        self,
        fn: Callable[..., Any],
        x: torch.Tensor,
        lay: _Layer,
        cos: torch.Tensor,
        sin: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        q, k, v = fn(x, *_qkv_args(lay), cos, sin, self.n_heads, self.n_kv, self.head_dim)
        return q, k, v

    def _bucket_for(self, length: int) -> int:
        return min(-(-length // self.bucket) * self.bucket, self.max_len)

    def _prefill(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Run the prompt through the model, fill the cache, return the last logits ``[B, V]``."""
        import torch

        sdpa = torch.nn.functional.scaled_dot_product_attention
        b, t = ids.shape
        pos, attn_mask = _prompt_positions(mask)
        cos, sin = self.cos[pos], self.sin[pos]
        x = torch.nn.functional.embedding(ids, self.embed)
        for lay, kv in zip(self.layers, self.kv, strict=True):
            q, k, v = self._run_qkv(_qkv, x, lay, cos, sin)
            kv[0, :b, :, :t] = k
            kv[1, :b, :, :t] = v
            k_rep = k.repeat_interleave(self.group, dim=1)
            v_rep = v.repeat_interleave(self.group, dim=1)
            causal = attn_mask is None
            out = sdpa(q, k_rep, v_rep, attn_mask=attn_mask, is_causal=causal, scale=self.scale)
            x = _post_attention(x, out.transpose(1, 2).reshape(b, t, -1), *_post_args(lay))
        h = _rms_norm(x[:, -1:], self.final_norm.weight, self.final_norm.eps)
        logits = torch.nn.functional.linear(h[:, 0], self.lm_head)

        self._start_decoding(mask)
        result: torch.Tensor = logits
        return result

    def _start_decoding(self, mask: torch.Tensor) -> None:
        """After a prefill of prompts ``mask`` ``[B, T]``: each row's cache keys open to
        attention, its next position, and the cache slot the first decode step writes."""
        import torch

        b, t = mask.shape
        self._key_mask[:b].fill_(torch.finfo(self.dtype).min)
        self._key_mask[:b, :t].masked_fill_(mask != 0, 0.0)
        self._pos[:b] = (mask != 0).long().sum(-1)
        self._slot.fill_(t)

    def _decode_logits(self, b: int, length: int) -> torch.Tensor:
        """One decode step for the tokens in ``_ids[:b]``: writes the cache, returns logits."""
        import torch

        sdpa = torch.nn.functional.scaled_dot_product_attention
        slot = self._slot
        self._key_mask[:b].index_fill_(1, slot, 0.0)
        key_mask = self._key_mask[:b, None, None, :length]
        pos = self._pos[:b]
        cos, sin = self.cos[pos].unsqueeze(1), self.sin[pos].unsqueeze(1)
        x = torch.nn.functional.embedding(self._ids[:b, None], self.embed)
        for lay, kv in zip(self.layers, self.kv, strict=True):
            q, k, v = self._run_qkv(self._qkv_fn, x, lay, cos, sin)
            kv[:, :b].index_copy_(3, slot, torch.stack((k, v)))
            # GQA without repeating K/V: the query heads of one KV head become its query rows.
            qg = q.reshape(b, self.n_kv, self.group, self.head_dim)
            keys, values = kv[0, :b, :, :length], kv[1, :b, :, :length]
            if self._attn_fn is not None:
                out = self._attn_fn(qg, keys, values, key_mask, self.scale)
            else:
                out = sdpa(qg, keys, values, attn_mask=key_mask, scale=self.scale)
            x = self._post_fn(x, out.reshape(b, 1, -1), *_post_args(lay))
        h = _rms_norm(x, self.final_norm.weight, self.final_norm.eps)
        logits: torch.Tensor = torch.nn.functional.linear(h[:, 0], self.lm_head)
        return logits

    def _advance(self, b: int, token: torch.Tensor, step: bool) -> None:
        """Make ``token`` (after end-of-sequence padding) the next one to feed.

        ``step`` is True after a decode step (the fed token took its cache slot, so slot and
        positions move on) and False after the prefill (the slot is already the next free one).
        ``_history[:, j]`` is the token that goes into cache slot ``j``.
        """
        import torch

        if step:
            self._pos[:b] += 1
            self._slot += 1
        token = torch.where(self._finished[:b], self._pad, token)
        self._history[:b].index_copy_(1, self._slot, token[:, None])
        self._finished[:b] |= (token[:, None] == self._eos[None, :]).any(-1)
        self._ids[:b].copy_(token)

    def _choose(
        self,
        logits: torch.Tensor,
        b: int,
        sampling: _Sampling,
        *,
        step: bool,
    ) -> None:
        import torch

        if sampling.temperature <= 0.0:
            token = logits.argmax(-1)
        else:
            scores = logits.float() / sampling.temperature
            neg = float("-inf")
            if 0 < sampling.top_k < scores.shape[-1]:
                kth = torch.topk(scores, sampling.top_k, dim=-1).values[:, -1:]
                scores = scores.masked_fill(scores < kth, neg)
            if sampling.top_p < 1.0:
                # HF's order: ascending sort, drop the low tail whose mass is <= 1 - top_p,
                # always keep the most likely token.
                ordered, index = torch.sort(scores, dim=-1)
                tail = ordered.softmax(dim=-1).cumsum(dim=-1) <= 1.0 - sampling.top_p
                tail[:, -1] = False
                scores = scores.scatter(1, index, ordered.masked_fill(tail, neg))
            probs = torch.softmax(scores, dim=-1)
            token = torch.multinomial(probs, 1, generator=sampling.generator)[:, 0]
        self._advance(b, token, step)

    def _capture(self, b: int, length: int, greedy: bool) -> _Graph:
        """Capture one decode step for batch ``b`` attending to ``length`` cache slots."""
        import torch

        log.info("capturing decode graph: batch %d, cache length %d", b, length)
        # Warm up (compiles, loads kernels) on a side stream. The step only rewrites the cache
        # slot and mask entry that the real step will write with the same values.
        stream = torch.cuda.Stream(device=self.device)  # type: ignore[no-untyped-call]
        stream.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(stream):
            self._decode_logits(b, length)
        torch.cuda.current_stream(self.device).wait_stream(stream)
        graph = torch.cuda.CUDAGraph()
        if self._pool is None:
            self._pool = torch.cuda.graph_pool_handle()
        with torch.cuda.graph(graph, pool=self._pool):
            logits = self._decode_logits(b, length)
            if greedy:
                self._advance(b, logits.argmax(-1), True)
        captured = _Graph(graph, logits)
        self._graphs[(b, length, greedy)] = captured
        return captured


# --------------------------------------------------------------------------------------------
# The CPU path: the same static cache and decode loop, with weight-only quantised products.

#: How :class:`CpuDecoder` stores the matrices of its decode step: ``auto`` (4-bit where that is
#: exact, as in a Q4 GGUF model, else bfloat16), ``bfloat16`` or ``float32`` (the model's own).
CPU_WEIGHTS = ("auto", "bfloat16", "float32")
#: ``config.model_type`` values :class:`CpuDecoder` supports (dense models only).
CPU_MODEL_TYPES = frozenset({"hunyuan_v1_dense", "llama"})
_Q4_GROUP = 32


def _cpu_unsupported_reason(model: Any, max_len: int | None = None) -> str | None:
    reason = _unsupported_reason(model, max_len)
    if reason:
        return reason
    model_type = model.config.model_type
    if model_type not in CPU_MODEL_TYPES:
        return f"model type {model_type!r} is not one of {sorted(CPU_MODEL_TYPES)} on the CPU"
    return None


def cpu_supports(model: Any) -> bool:
    """True when ``model`` (a Hugging Face causal LM) can be decoded by :class:`CpuDecoder`."""
    return _cpu_unsupported_reason(model) is None


def _int4_pack(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor] | None:
    """``weight`` ``[N, K]`` as 4-bit groups of 32 along K, when that representation is exact.

    Each group is stored as ``low + q * step`` with ``q`` in 0..15 and ``step = (max - low) / 15``:
    the Q4_1 format of a GGUF file, so the weights of a Q4_1 model (SmolLM2 as pulled) come
    back as they are, up to float rounding of ``step``. A matrix whose groups do not lie on such
    a grid (a full-precision model) gives None: 4-bit rounding would change it. PyTorch's kernel
    (``aten._weight_int4pack_mm_for_cpu``) computes ``(q - 8) * scale + zero`` with ``scale`` and
    ``zero`` in bfloat16, and needs N divisible by 16.
    """
    import torch

    n, k = weight.shape
    if k % _Q4_GROUP or n % 16 or not hasattr(torch.ops.aten, "_weight_int4pack_mm_for_cpu"):
        return None
    groups = weight.detach().float().reshape(n, k // _Q4_GROUP, _Q4_GROUP)
    low = groups.amin(-1, keepdim=True)
    step = (groups.amax(-1, keepdim=True) - low) / 15
    q = torch.round((groups - low) / torch.where(step > 0, step, 1.0)).clamp_(0, 15)
    # Exact up to float32 rounding of the step: a few ulps of the group's largest value.
    error = (q * step + low - groups).abs_()
    if not bool((error <= 1e-5 * groups.abs().amax(-1, keepdim=True) + 1e-12).all()):
        return None
    packed = torch.ops.aten._convert_weight_to_int4pack_for_cpu(q.to(torch.int32).reshape(n, k), 1)
    zero = low + 8 * step
    scales = torch.stack([step[..., 0].t(), zero[..., 0].t()], dim=-1).contiguous()
    return packed, scales.to(torch.bfloat16)


class _CpuLinear:
    """The products of one or more ``nn.Linear`` modules side by side, for float32 ``x``.

    Kinds: ``int4`` (see :func:`_int4_pack`), ``bfloat16`` (a bfloat16 copy) — both take the
    activations in bfloat16, accumulate in float32 and give bfloat16, turned back into float32
    here — ``float32`` (the modules' own weights, one product each as the module computes it,
    nothing copied) and ``float32t`` (a transposed float32 copy: for one row of activations
    MKL's product against a ``[K, N]`` matrix streams it twice as fast as against ``[N, K]``;
    used for the output head). ``auto`` picks the most compact kind that holds the weights
    exactly — ``int4``, else ``bfloat16`` (a model published in bfloat16) — else ``fallback``.
    :attr:`exact` says whether the stored weights are the model's.
    """

    def __init__(self, modules: Sequence[Any], kind: str, fallback: str = "bfloat16") -> None:
        import torch

        weights = [m.weight.detach() for m in modules]
        biases = [None if m.bias is None else m.bias.detach() for m in modules]
        self.out_features = sum(int(w.shape[0]) for w in weights)
        self.scales: torch.Tensor | None = None
        self.bias: torch.Tensor | None = None
        self.pairs = list(zip(weights, biases, strict=True))  # for the float32 kind
        if any(b is not None for b in biases):
            self.bias = torch.cat(
                [torch.zeros_like(w[:, 0]) if b is None else b for w, b in self.pairs]
            )
        self.kind = kind
        self.exact = True
        self.parts: list[torch.Tensor] = weights
        if kind == "float32":
            return
        stacked = torch.cat(weights, dim=0) if len(weights) > 1 else weights[0]
        parts = weights
        if kind == "auto":
            int4 = _int4_pack(stacked)
            if int4 is not None:
                kind, (packed, self.scales) = "int4", int4
                parts = [packed]
            elif bool((stacked.to(torch.bfloat16).float() == stacked).all()):
                kind = "bfloat16"
            else:
                kind = fallback
        self.kind = kind
        if kind == "bfloat16":
            parts = [stacked.to(torch.bfloat16)]
            self.exact = bool((parts[0].float() == stacked).all())
        elif kind == "float32t":
            parts = [stacked.t().contiguous()]
        elif kind != "int4":
            raise InputError(f"unknown weight kind {kind!r}")
        self.parts = parts

    def nbytes(self) -> int:
        """Bytes of weights (and scales) one product reads."""
        tensors = [*self.parts, *([self.scales] if self.scales is not None else [])]
        return sum(t.numel() * t.element_size() for t in tensors)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        import torch

        functional = torch.nn.functional
        out: torch.Tensor
        if self.kind == "float32":
            outs = [functional.linear(x, w, b) for w, b in self.pairs]
            return outs[0] if len(outs) == 1 else torch.cat(outs, dim=-1)
        if self.kind == "float32t":
            out = torch.matmul(x, self.parts[0])
        elif self.kind == "bfloat16":
            out = functional.linear(x.to(torch.bfloat16), self.parts[0]).float()
        else:
            flat = x.reshape(-1, x.shape[-1]).to(torch.bfloat16)
            y = torch.ops.aten._weight_int4pack_mm_for_cpu(
                flat, self.parts[0], _Q4_GROUP, self.scales
            )
            out = y.float().reshape(*x.shape[:-1], self.out_features)
        if self.bias is not None:
            out = out + self.bias
        return out


@contextlib.contextmanager
def _num_threads(threads: int | None) -> Iterator[None]:
    """PyTorch's intra-op threads set to ``threads`` (None: unchanged) for the block."""
    import torch

    before = torch.get_num_threads()
    if threads is None or threads == before:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass(slots=True)
class _CpuLayer:
    """One decoder layer for :class:`CpuDecoder`: its products (Q|K|V, output, gate|up, down)
    for the decode steps and for the prompt, and its float32 norms."""

    ln1: _Norm
    q_norm: _Norm | None
    k_norm: _Norm | None
    ln2: _Norm
    qkv: _CpuLinear
    o: _CpuLinear
    gate_up: _CpuLinear
    down: _CpuLinear
    prompt: tuple[_CpuLinear, _CpuLinear, _CpuLinear, _CpuLinear]


class CpuDecoder(CudaGraphDecoder):
    """Decoding on the CPU: a static KV cache and weight-only quantised matrix products.

    At batch 1 a decode step reads every weight once and does little arithmetic with it, so
    its time is the bytes of weights it streams from memory plus the overhead of each eager
    PyTorch operation. ``model.generate()`` in float32 reads 540 MB per step for SmolLM2-135M.
    Here, with ``weights="auto"``, each matrix is stored in the most compact form that holds it
    exactly: 4 bits when its groups of 32 weights lie on a 4-bit grid (every layer matrix of a
    Q4_1 GGUF model such as the pulled SmolLM2), else bfloat16 when its values are bfloat16
    numbers (a model published in bfloat16). Layer matrices that are neither are rounded to
    bfloat16; the output head never is (it stays float32, as a transposed copy, which MKL
    streams twice as fast for one row; SmolLM2's head is Q8_0 in the GGUF file). For SmolLM2
    that is 180 MB read per step instead of 538, 113 MB of it the head. ``"bfloat16"`` stores
    every matrix in bfloat16; ``"float32"`` keeps the model's own matrices (nothing copied; the
    greedy tokens are then those of ``generate()``). The 4-bit and bfloat16 products take their
    input rounded to bfloat16 (PyTorch's CPU kernels want it so; llama.cpp, for comparison,
    rounds it to 8-bit integers for a Q4_1 model), which is where the ``auto`` tokens can part
    from ``generate()``'s, at near ties. :meth:`weight_kinds` says what was chosen.

    A prompt is many tokens per weight read, so it is bound by arithmetic, not memory, and
    4 bits do not speed it up. With ``prompt_weights="float32"`` it runs through the model's own
    weights, which makes the first token and the cached keys and values those of
    ``generate()``; with ``"bfloat16"`` through bfloat16 copies (the decode step's own matrices
    when they are bfloat16), whose products take half the time on a CPU with AVX512-BF16
    (SmolLM2, 300 tokens, one thread: 0.50 s against 0.89 s; 212 MB of copies). The cache
    holds float32 keys and values either way. The decode steps run
    with ``threads`` intra-op threads and the prompt with ``prompt_threads`` (None: PyTorch's
    setting). A decode step at batch 1 is hundreds of small operations that one core's memory
    bandwidth nearly saturates, so the default is 1. More threads only help while every one of
    them has a core to itself: each operation ends at an OpenMP barrier, and on a 2-core
    machine with anything else running (measured: two niced background jobs) a 300-token
    prompt took 4-8 s on 2 threads against 0.9 s on 1. Sampling, end-of-sequence handling,
    left padding and the ``generate()`` interface are those of :class:`CudaGraphDecoder`;
    attention in a decode step covers the valid cache slots rounded up to 8.
    """

    def __init__(
        self,
        model: Any,
        *,
        max_batch: int = 1,
        max_len: int = 2048,
        weights: str = "auto",
        threads: int | None = 1,
        prompt_threads: int | None = None,
        prompt_weights: str = "float32",
    ) -> None:
        import torch

        if weights not in CPU_WEIGHTS:
            raise InputError(f"weights must be one of {', '.join(CPU_WEIGHTS)}, not {weights!r}")
        if prompt_weights not in ("float32", "bfloat16"):
            raise InputError(f"prompt_weights must be float32 or bfloat16, not {prompt_weights!r}")
        if any(n is not None and n < 1 for n in (threads, prompt_threads)):
            raise InputError("threads must be at least 1 (or None for PyTorch's setting)")
        model = merged_lora(model)
        reason = _cpu_unsupported_reason(model, max_len)
        if reason:
            raise InputError(f"CPU fast decoding cannot run this model: {reason}; use generate()")
        embed = model.get_input_embeddings().weight
        if embed.device.type != "cpu" or embed.dtype != torch.float32:
            raise InputError(
                f"CpuDecoder needs a float32 model on the CPU, not {embed.dtype} on {embed.device}"
            )
        self.weights = weights
        self.threads = threads
        self.prompt_threads = prompt_threads
        self.prompt_weights = prompt_weights
        super().__init__(
            model,
            max_batch=max_batch,
            max_len=max_len,
            bucket=8,
            use_cuda_graph=False,
            compile=False,
            attention="sdpa",
        )
        with torch.no_grad():
            # The head is never rounded: 4-bit or bfloat16 only where that is exact.
            self.head = _CpuLinear([model.get_output_embeddings()], weights, "float32t")

    def _build_layers(self, model: Any) -> list[Any]:
        return [self._cpu_layer(layer) for layer in model.model.layers]

    def _cpu_layer(self, layer: Any) -> _CpuLayer:
        attn, mlp = layer.self_attn, layer.mlp
        groups = (
            [attn.q_proj, attn.k_proj, attn.v_proj],
            [attn.o_proj],
            [mlp.gate_proj, mlp.up_proj],
            [mlp.down_proj],
        )
        qkv, o, gate_up, down = (_CpuLinear(g, self.weights) for g in groups)
        # The prompt's products: the model's float32 weights, or bfloat16 (oneDNN's bfloat16
        # products are about twice as fast as float32 ones for a prompt's many rows, and
        # PyTorch's 4-bit kernel is no faster than float32 there): copies unless the decode
        # step's matrices are bfloat16 already.
        kind = "float32" if self.weights == "float32" else self.prompt_weights
        prompt = [
            lin if lin.kind == kind else _CpuLinear(g, kind)
            for lin, g in zip((qkv, o, gate_up, down), groups, strict=True)
        ]
        q_norm = k_norm = None
        if self.model_type.startswith("hunyuan"):
            q_norm, k_norm = _norm_of(attn.query_layernorm), _norm_of(attn.key_layernorm)
        return _CpuLayer(
            ln1=_norm_of(layer.input_layernorm),
            q_norm=q_norm,
            k_norm=k_norm,
            ln2=_norm_of(layer.post_attention_layernorm),
            qkv=qkv,
            o=o,
            gate_up=gate_up,
            down=down,
            prompt=(prompt[0], prompt[1], prompt[2], prompt[3]),
        )

    def weight_kinds(self) -> dict[str, int]:
        """How many of the decode step's products use each kind of weights: ``int4``,
        ``bfloat16``, ``float32``, ``float32t``, with `` (rounded)`` where the stored weights
        are not exactly the model's."""
        kinds: dict[str, int] = {}
        for lin in self._linears():
            name = lin.kind if lin.exact else f"{lin.kind} (rounded)"
            kinds[name] = kinds.get(name, 0) + 1
        return kinds

    def weight_bytes_per_step(self) -> int:
        """Bytes of weights one decode step reads (matrices, scales and the output head)."""
        return sum(lin.nbytes() for lin in self._linears())

    def extra_bytes(self) -> int:
        """Bytes the decoder holds besides the model's own weights: its copies of matrices
        (4-bit, bfloat16, the transposed head) and the KV cache."""
        copies: dict[int, _CpuLinear] = {
            id(lin): lin
            for lay in self.layers
            for lin in (lay.qkv, lay.o, lay.gate_up, lay.down, *lay.prompt)
            if lin.kind != "float32"
        }
        if self.head.kind != "float32":
            copies[id(self.head)] = self.head
        cache = sum(int(kv.numel()) * int(kv.element_size()) for kv in self.kv)
        return cache + sum(lin.nbytes() for lin in copies.values())

    def _linears(self) -> list[_CpuLinear]:
        return [self.head] + [
            lin for lay in self.layers for lin in (lay.qkv, lay.o, lay.gate_up, lay.down)
        ]

    def forced_logits(self, input_ids: torch.Tensor, continuation: torch.Tensor) -> torch.Tensor:
        """Logits ``[B, n, vocab]`` after the prompt and each prefix of ``continuation`` ``[B, n]``.

        Teacher forcing through the decode steps: position ``j`` holds the logits the decoder
        gives for ``continuation[:, j]`` once ``continuation[:, :j]`` has been fed, whatever it
        would have chosen itself. That compares it with a reference along the reference's own
        tokens (greedy outputs diverge for good after one near-tie).
        """
        import torch

        n = int(continuation.shape[1]) if continuation.dim() == 2 else 0
        if n < 1 or continuation.shape[0] != input_ids.shape[0]:
            raise InputError("continuation must be a [batch, n >= 1] tensor matching input_ids")
        ids, mask = self._check(input_ids, None, n, 0.0)
        forced = continuation.to(self.device)
        b, t = ids.shape
        with torch.no_grad():
            out = [self._prefill(ids, mask)]
            with _num_threads(self.threads):
                for j in range(n - 1):
                    self._ids[:b].copy_(forced[:, j])
                    out.append(self._decode_logits(b, self._bucket_for(t + j + 1)).clone())
                    self._pos[:b] += 1
                    self._slot += 1
        return torch.stack(out, dim=1)

    def _step(self, b: int, length: int, sampling: _Sampling) -> None:
        with _num_threads(self.threads):
            super()._step(b, length, sampling)

    def _prefill(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        with _num_threads(self.prompt_threads):
            return self._prefill_layers(ids, mask)

    def _prefill_layers(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The prompt through the layers' prompt products; fills the cache, returns logits."""
        import torch

        functional = torch.nn.functional
        b, t = ids.shape
        pos, attn_mask = _prompt_positions(mask)
        cos, sin = self.cos[pos].unsqueeze(1), self.sin[pos].unsqueeze(1)
        x = functional.embedding(ids, self.embed)
        n_q, n_kv = self.n_heads * self.head_dim, self.n_kv * self.head_dim
        for lay, kv in zip(self.layers, self.kv, strict=True):
            qkv, o, gate_up, down = lay.prompt
            h = _rms_norm(x, lay.ln1.weight, lay.ln1.eps)
            q, k, v = torch.split(qkv(h), [n_q, n_kv, n_kv], dim=-1)
            q = q.reshape(b, t, self.n_heads, self.head_dim).transpose(1, 2)
            k = k.reshape(b, t, self.n_kv, self.head_dim).transpose(1, 2)
            v = v.reshape(b, t, self.n_kv, self.head_dim).transpose(1, 2)
            q = (q * cos) + (_rotate_half(q) * sin)
            k = (k * cos) + (_rotate_half(k) * sin)
            if lay.q_norm is not None and lay.k_norm is not None:
                q = _rms_norm(q, lay.q_norm.weight, lay.q_norm.eps)
                k = _rms_norm(k, lay.k_norm.weight, lay.k_norm.eps)
            kv[0, :b, :, :t] = k
            kv[1, :b, :, :t] = v
            k_rep = k.repeat_interleave(self.group, dim=1)
            v_rep = v.repeat_interleave(self.group, dim=1)
            out = functional.scaled_dot_product_attention(
                q, k_rep, v_rep, attn_mask=attn_mask, is_causal=attn_mask is None, scale=self.scale
            )
            x = x + o(out.transpose(1, 2).reshape(b, t, -1))
            h = _rms_norm(x, lay.ln2.weight, lay.ln2.eps)
            gate, up = gate_up(h).chunk(2, dim=-1)
            x = x + down(functional.silu(gate) * up)
        h = _rms_norm(x[:, -1], self.final_norm.weight, self.final_norm.eps)
        logits: torch.Tensor = functional.linear(h, self.lm_head)
        self._start_decoding(mask)
        return logits

    def _decode_logits(self, b: int, length: int) -> torch.Tensor:
        """One decode step for the tokens in ``_ids[:b]``: writes the cache, returns logits."""
        import torch

        functional = torch.nn.functional
        slot = self._slot
        self._key_mask[:b].index_fill_(1, slot, 0.0)
        key_mask = self._key_mask[:b, None, None, :length]
        pos = self._pos[:b]
        cos, sin = self.cos[pos][:, None, None], self.sin[pos][:, None, None]
        x = functional.embedding(self._ids[:b], self.embed)  # [B, hidden]
        n_q, n_kv, dim = self.n_heads * self.head_dim, self.n_kv * self.head_dim, self.head_dim
        for lay, kv in zip(self.layers, self.kv, strict=True):
            h = _rms_norm(x, lay.ln1.weight, lay.ln1.eps)
            q, k, v = torch.split(lay.qkv(h), [n_q, n_kv, n_kv], dim=-1)
            q = q.view(b, self.n_kv, self.group, dim)
            k = k.view(b, self.n_kv, 1, dim)
            q = (q * cos) + (_rotate_half(q) * sin)
            k = (k * cos) + (_rotate_half(k) * sin)
            if lay.q_norm is not None and lay.k_norm is not None:
                q = _rms_norm(q, lay.q_norm.weight, lay.q_norm.eps)
                k = _rms_norm(k, lay.k_norm.weight, lay.k_norm.eps)
            kv[:, :b].index_copy_(3, slot, torch.stack((k, v.view(b, self.n_kv, 1, dim))))
            keys, values = kv[0, :b, :, :length], kv[1, :b, :, :length]
            # GQA without repeating K/V: the query heads of one KV head are its query rows.
            out = functional.scaled_dot_product_attention(
                q, keys, values, attn_mask=key_mask, scale=self.scale
            )  # [B, KV, group, D]
            x = x + lay.o(out.reshape(b, n_q))
            h = _rms_norm(x, lay.ln2.weight, lay.ln2.eps)
            gate, up = lay.gate_up(h).chunk(2, dim=-1)
            x = x + lay.down(functional.silu(gate) * up)
        h = _rms_norm(x, self.final_norm.weight, self.final_norm.eps)
        return self.head(h)
