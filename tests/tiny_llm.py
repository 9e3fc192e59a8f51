"""Tiny random causal LMs and decoding helpers shared by the fast-decoder tests.

Llama, Hunyuan-dense and Hunyuan-MoE models small enough for unit tests, with weights large
enough that greedy tokens are far from ties; left-padded random prompts; and the two ways of
decoding them that the tests compare (a fast decoder's ``generate`` and Hugging Face's).
"""

from __future__ import annotations

from typing import Any

import torch
import transformers

VOCAB = 97

#: The sizes every tiny model shares; each builder adds its architecture's own settings.
SIZES: dict[str, Any] = {
    "vocab_size": VOCAB,
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 256,
}


def _dense() -> Any:
    config = transformers.HunYuanDenseV1Config(
        **SIZES,
        intermediate_size=96,
        head_dim=16,
        tie_word_embeddings=True,
        # The real Hunyuan-0.5B rotary setting (NTK alpha).
        rope_parameters={"rope_type": "dynamic", "alpha": 1000.0, "factor": 1.0, "rope_theta": 1e4},
    )
    return transformers.HunYuanDenseV1ForCausalLM(config)


def _moe() -> Any:
    config = transformers.HunYuanMoEV1Config(
        **SIZES, intermediate_size=48, head_dim=16, num_experts=4, moe_topk=2
    )
    return transformers.HunYuanMoEV1ForCausalLM(config)


def _llama() -> Any:
    config = transformers.LlamaConfig(**SIZES, intermediate_size=96, tie_word_embeddings=True)
    return transformers.LlamaForCausalLM(config)


def _q4_grid(weight: torch.Tensor) -> torch.Tensor:
    """``weight`` rounded as Q4_1 does: per group of 32, ``low + q * (max - low) / 15``."""
    n, k = weight.shape
    groups = weight.reshape(n, k // 32, 32)
    low = groups.amin(-1, keepdim=True)
    step = (groups.amax(-1, keepdim=True) - low) / 15
    return (low + torch.round((groups - low) / step) * step).reshape(n, k)


def _ready(model: Any, q4: bool = False) -> Any:
    # Large weights, so logits are far from ties and a token mismatch is a real difference.
    torch.manual_seed(0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                p.normal_(0.0, 0.2)
                if q4 and "embed" not in name:
                    p.copy_(_q4_grid(p))
    model.eval()
    model.generation_config.eos_token_id = None
    model.generation_config.pad_token_id = 0
    return model


def _prompts(lengths: list[int], seed: int) -> tuple[Any, Any]:
    """Left-padded random prompts of the given lengths (pad id 0, real ids from 3)."""
    g = torch.Generator().manual_seed(seed)
    t = max(lengths)
    ids = torch.zeros(len(lengths), t, dtype=torch.long)
    mask = torch.zeros(len(lengths), t, dtype=torch.long)
    for i, n in enumerate(lengths):
        ids[i, t - n :] = torch.randint(3, VOCAB, (n,), generator=g)
        mask[i, t - n :] = 1
    return ids, mask


def _fast(decoder: Any, ids: Any, mask: Any, n: int, **kw: Any) -> Any:
    steps = list(decoder.generate(ids, mask, max_new_tokens=n, **kw))
    return torch.stack([s.clone() for s in steps], dim=1)


def _reference(model: Any, ids: Any, mask: Any, n: int, **kw: Any) -> Any:
    with torch.no_grad():
        out = model.generate(
            input_ids=ids, attention_mask=mask, max_new_tokens=n, do_sample=False, **kw
        )
    return out[:, ids.shape[1] :]


_CHAT_TEXT = [
    "What is two plus three? Two plus three is five.",
    "Add the tens, then the ones: 24 + 13 = 37.",
    "To add 3/4 and 1/6, use the common denominator 12: 9/12 + 2/12 = 11/12.",
    "分数加法：先通分，再把分子相加。三加二等于五。",
]
_CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def chat_checkpoint(folder: Any, positions: int = 256) -> Any:
    """Save a tiny random Llama chat model to ``folder``: a byte-level BPE tokenizer trained
    offline on a few sentences, a ChatML template, float32 weights, ``positions`` positions.
    Returns ``folder``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<pad>", "<s>", "<unk>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(_CHAT_TEXT * 10, trainer)
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<s>",
        eos_token="<|im_end|>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    tokenizer.chat_template = _CHAT_TEMPLATE
    tokenizer.save_pretrained(folder)
    config = transformers.LlamaConfig(
        **{**SIZES, "vocab_size": len(tokenizer), "max_position_embeddings": positions},
        intermediate_size=96,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    transformers.LlamaForCausalLM(config).save_pretrained(folder)
    return folder
