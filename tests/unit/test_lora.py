"""LoRA adapters: merging into the weights, both decoders, the backend, and the training loop.

The model is a tiny random Llama (tests/tiny_llm.py) with a random LoRA update (PEFT's
``init_lora_weights=False`` draws B as well as A, so the adapter changes the logits by a lot);
merged weights must give the PeftModel's logits and tokens.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import torch

peft = pytest.importorskip("peft")

from tests.tiny_llm import _fast, _llama, _prompts, _ready, chat_checkpoint  # noqa: E402
from tutor.errors import InputError  # noqa: E402
from tutor.llm.backends.transformers_backend import TransformersModel, adapter_for  # noqa: E402
from tutor.llm.base import Message, complete  # noqa: E402
from tutor.llm.fast_decode import CpuDecoder, CudaGraphDecoder  # noqa: E402
from tutor.llm.tune import TuneConfig, TunePair, encode_pair, train  # noqa: E402
from tutor.llm.weights import check_adapter, merge_adapter  # noqa: E402
from tutor.settings import Settings  # noqa: E402

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def _random_lora(model: Any, seed: int = 1) -> Any:
    torch.manual_seed(seed)
    config = peft.LoraConfig(
        r=4, lora_alpha=8, target_modules=TARGETS, init_lora_weights=False, lora_dropout=0.0
    )
    wrapped = peft.get_peft_model(model, config)
    with torch.no_grad():  # large enough that the adapter moves greedy tokens
        for name, p in wrapped.named_parameters():
            if "lora_" in name:
                p.normal_(0.0, 0.3)
    wrapped.eval()
    return wrapped


@pytest.fixture(scope="module")
def adapter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Path]:
    """``(base, peft model, adapter folder)``: a copy of the base kept aside before wrapping."""
    base = _ready(_llama())
    spare = copy.deepcopy(base)
    wrapped = _random_lora(base)
    folder = tmp_path_factory.mktemp("adapter")
    wrapped.save_pretrained(folder)
    return spare, wrapped, folder


def _logits(model: Any, ids: Any, mask: Any) -> Any:
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=mask).logits


def test_merged_logits_equal_the_peft_models(adapter: tuple[Any, Any, Path]) -> None:
    base, wrapped, folder = adapter
    ids, mask = _prompts([7, 12, 5], seed=3)
    before = _logits(base, ids, mask)
    merged = merge_adapter(copy.deepcopy(base), folder)
    assert not hasattr(merged, "peft_config")  # a plain transformers model again
    after = _logits(merged, ids, mask)
    torch.testing.assert_close(after, _logits(wrapped, ids, mask), rtol=1e-4, atol=1e-4)
    # The adapter matters: the merge did not silently drop it.
    assert (after - before)[mask.bool()].abs().max() > 1.0


def test_both_decoders_merge_a_peft_model_and_give_its_tokens(
    adapter: tuple[Any, Any, Path],
) -> None:
    base, _, folder = adapter
    ids, mask = _prompts([9, 4], seed=5)
    reference = peft.PeftModel.from_pretrained(copy.deepcopy(base), str(folder)).eval()
    with torch.no_grad():
        expected = reference.generate(
            input_ids=ids, attention_mask=mask, max_new_tokens=8, do_sample=False
        )[:, ids.shape[1] :]
    # The CUDA decoder's own code runs eagerly on the CPU (no graphs): merged before it builds.
    cuda_style = CudaGraphDecoder(
        peft.PeftModel.from_pretrained(copy.deepcopy(base), str(folder)).eval(),
        max_batch=2,
        max_len=32,
        bucket=8,
    )
    assert torch.equal(_fast(cuda_style, ids, mask, 8), expected)
    cpu = CpuDecoder(
        peft.PeftModel.from_pretrained(copy.deepcopy(base), str(folder)).eval(),
        max_batch=2,
        max_len=32,
        weights="float32",
    )
    assert torch.equal(_fast(cpu, ids, mask, 8), expected)
    plain = CpuDecoder(copy.deepcopy(base), max_batch=2, max_len=32, weights="float32")
    assert not torch.equal(_fast(plain, ids, mask, 8), expected)  # the adapter changes tokens


def test_adapter_folders_are_checked(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no adapter folder"):
        check_adapter(tmp_path / "missing")
    (tmp_path / "adapter_config.json").write_text("{}")
    with pytest.raises(InputError, match=r"adapter_model\.safetensors missing"):
        check_adapter(tmp_path)


def test_which_adapter_a_model_gets(tmp_path: Path) -> None:
    # A model that was not pulled gets no shipped adapter; a setting names one or none.
    assert adapter_for(str(tmp_path), None) is None
    assert adapter_for(str(tmp_path), "none") is None
    assert adapter_for(str(tmp_path), str(tmp_path / "a")) == tmp_path / "a"
    assert Settings.from_env({"TUTOR_LLM_ADAPTER": "none"}).llm_adapter == "none"


@pytest.fixture(scope="module")
def chat_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(chat_checkpoint(tmp_path_factory.mktemp("chat")))


def _pairs() -> list[TunePair]:
    sys = Message("system", "Reword the plan for a child.")
    return [
        TunePair((sys, Message("user", f"Add {a} and {b}.")), f"{a} + {b} = {a + b}.", "t", "en")
        for a in range(1, 9)
        for b in range(1, 5)
    ]


def test_encode_pair_trains_on_the_reply_only(chat_model: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(chat_model))
    pair = _pairs()[0]
    ids, labels = encode_pair(tokenizer, pair)
    n_prompt = sum(1 for x in labels if x == -100)
    assert len(ids) == len(labels) and 0 < n_prompt < len(ids)
    reply = tokenizer.decode(ids[n_prompt:])
    assert reply.startswith(pair.target) and tokenizer.eos_token in reply


def test_a_short_cpu_run_writes_an_adapter_the_backend_loads(
    chat_model: Path, tmp_path: Path
) -> None:
    out = tmp_path / "adapter"
    config = TuneConfig(
        seed=0,
        rank=4,
        alpha=8,
        batch_size=4,
        max_steps=6,
        warmup_steps=2,
        learning_rate=3e-3,
        dev_share=0.1,
    )
    result = train(chat_model, _pairs(), out, config=config, device="cpu")
    assert result.steps == 6 and len(result.losses) == 6
    assert all(loss == loss and loss > 0 for loss in result.losses)  # finite, positive
    record = json.loads((out / "training.json").read_text())
    assert record["config"]["seed"] == 0 and record["steps"] == 6
    assert "OATutor" in (out / "README.md").read_text()
    assert result.dev_loss_after is not None and result.dev_loss_before is not None
    assert result.dev_loss_after < result.dev_loss_before  # it learned something

    ask = [Message("user", "Add 2 and 3.")]
    tuned = TransformersModel(str(chat_model), device="cpu", cpu_decode="float32", adapter=out)
    plain = TransformersModel(str(chat_model), device="cpu", cpu_decode="float32")
    assert tuned.name.endswith("+adapter")
    tuned_logits = _logits(tuned.load().model, torch.tensor([[3, 4, 5, 6]]), None)
    plain_logits = _logits(plain.load().model, torch.tensor([[3, 4, 5, 6]]), None)
    assert not torch.allclose(tuned_logits, plain_logits)
    assert isinstance(complete(tuned, ask, temperature=0.0, max_new_tokens=6), str)
