"""The fast decoding path (tutor.llm.fast_decode) against the Hugging Face reference, on the CPU.

Tiny random models of the real architectures in float32: the static-cache decode step must give
the logits of the HF forward pass, and greedy decoding the very tokens of ``model.generate()``.
CUDA graphs and torch.compile need a GPU; here the same step runs eagerly (the GPU run is
``benchmarks/llm_speed.py --device cuda``, which compares the tokens again).
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
import transformers

from tests.tiny_llm import VOCAB, _dense, _fast, _llama, _moe, _prompts, _ready, _reference
from tutor.errors import InputError
from tutor.llm.fast_decode import CudaGraphDecoder, supports


@pytest.fixture(scope="module")
def models() -> dict[str, Any]:
    torch.manual_seed(1)
    return {"dense": _ready(_dense()), "moe": _ready(_moe()), "llama": _ready(_llama())}


@pytest.mark.parametrize("kind", ["dense", "moe", "llama"])
def test_greedy_tokens_equal_generate(models: dict[str, Any], kind: str) -> None:
    model = models[kind]
    assert supports(model)
    decoder = CudaGraphDecoder(model, max_batch=4, max_len=64, bucket=16)
    # Unequal, left-padded prompts; 20 new tokens cross a bucket boundary (16 -> 32 -> 48).
    ids, mask = _prompts([11, 5, 17], seed=3)
    fast = _fast(decoder, ids, mask, 20)
    ref = _reference(model, ids, mask, 20)
    assert fast.shape == ref.shape == (3, 20)
    assert torch.equal(fast, ref)
    # The decoder is reusable: a second, smaller batch gives its own reference tokens.
    ids2, mask2 = _prompts([9], seed=4)
    assert torch.equal(_fast(decoder, ids2, mask2, 8), _reference(model, ids2, mask2, 8))


def test_fused_attention_gives_the_same_tokens(models: dict[str, Any]) -> None:
    # The GPU default: attention as matmul-softmax-matmul (compiled there, eager here).
    model = models["dense"]
    decoder = CudaGraphDecoder(model, max_batch=3, max_len=48, bucket=16, attention="fused")
    ids, mask = _prompts([13, 4, 8], seed=10)
    assert torch.equal(_fast(decoder, ids, mask, 16), _reference(model, ids, mask, 16))


def test_decode_step_logits_equal_hf_forward(models: dict[str, Any]) -> None:
    model = models["dense"]
    decoder = CudaGraphDecoder(model, max_batch=2, max_len=32, bucket=8)
    ids, mask = _prompts([6, 9], seed=5)
    tokens = _fast(decoder, ids, mask, 3)
    # After three tokens the cache holds prompt + 2 fed tokens; one more step's logits must
    # equal the full HF forward over prompt + 3 tokens at the last position.
    full = torch.cat([ids, tokens], dim=1)
    full_mask = torch.cat([mask, torch.ones_like(tokens)], dim=1)
    with torch.inference_mode():
        logits = decoder._decode_logits(2, decoder._bucket_for(full.shape[1]))
        ref = model(input_ids=full, attention_mask=full_mask).logits[:, -1]
    assert torch.allclose(logits, ref, atol=1e-5, rtol=1e-5)
    assert not torch.allclose(logits[0], logits[1])  # the two rows really differ


def test_eos_pads_finished_sequences_and_stops(models: dict[str, Any]) -> None:
    model = models["dense"]
    decoder = CudaGraphDecoder(model, max_batch=2, max_len=64, bucket=16)
    ids, mask = _prompts([7, 12], seed=6)
    free = _fast(decoder, ids, mask, 12)
    eos = int(free[0, 3])  # a token the first sequence emits at step 3
    fast = _fast(decoder, ids, mask, 12, eos_token_id=eos, pad_token_id=1)
    ref = _reference(model, ids, mask, 12, eos_token_id=eos, pad_token_id=1)
    assert torch.equal(fast, ref)
    assert (fast[0, 4:] == 1).all()


def test_sampling_is_seeded_and_in_vocabulary(models: dict[str, Any]) -> None:
    decoder = CudaGraphDecoder(models["llama"], max_batch=2, max_len=32, bucket=8)
    ids, mask = _prompts([5, 5], seed=7)
    runs = [
        _fast(decoder, ids, mask, 10, temperature=1.0, generator=torch.Generator().manual_seed(9))
        for _ in range(2)
    ]
    assert torch.equal(runs[0], runs[1])
    assert ((runs[0] >= 0) & (runs[0] < VOCAB)).all()
    greedy = _fast(decoder, ids, mask, 10)
    assert not torch.equal(runs[0], greedy)
    # top_k=1 leaves only the most likely token: sampling becomes greedy decoding.
    top1 = _fast(decoder, ids, mask, 10, temperature=1.0, top_k=1)
    assert torch.equal(top1, greedy)
    # A tiny top_p keeps only the most likely token too.
    assert torch.equal(_fast(decoder, ids, mask, 10, temperature=0.7, top_p=1e-6), greedy)


def test_bad_input_is_refused(models: dict[str, Any]) -> None:
    decoder = CudaGraphDecoder(models["dense"], max_batch=2, max_len=16, bucket=8)
    ids, mask = _prompts([4, 6], seed=8)
    with pytest.raises(InputError, match="left"):
        next(decoder.generate(ids.flip(1), mask.flip(1), max_new_tokens=2))
    with pytest.raises(InputError, match="max_len"):
        next(decoder.generate(ids, mask, max_new_tokens=20))
    with pytest.raises(InputError, match="max_batch"):
        next(decoder.generate(ids.repeat(2, 1), mask.repeat(2, 1), max_new_tokens=2))
    with pytest.raises(InputError, match="CUDA"):
        CudaGraphDecoder(models["dense"], use_cuda_graph=True)


def test_unsupported_architecture_is_named() -> None:
    config = transformers.GPT2Config(n_layer=1, n_head=2, n_embd=16, vocab_size=VOCAB)
    model = transformers.GPT2LMHeadModel(config)
    assert not supports(model)
    with pytest.raises(InputError, match="gpt2"):
        CudaGraphDecoder(model)
