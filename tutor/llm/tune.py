"""Teach the small local model the tutor's voice: LoRA fine-tuning (issue 15, part 4).

The engine plans every text a student sees (:mod:`tutor.llm.plan`); the model only rewords the
plan. A 135M-parameter model does that badly out of the box (it echoes the prompt, loops, or
answers in the wrong script), so ``tutor model tune`` fits a LoRA adapter (Hu et al. 2021,
through Hugging Face PEFT) on pairs ``plan_prompt(plan) → text``:

* **the project's generators**: items of every generator family except
  :data:`tutor.llm.plan.HELD_OUT_FAMILIES` (those are what the voice benchmark reports on), in
  English and Chinese, every style, every kind of text (feedback after a wrong answer with and
  without a diagnosed misconception, hints 1–3, the worked explanation, the short "why" after a
  right answer). The target is one of :func:`tutor.llm.plan.render_template`'s phrasings, so the
  model learns several ways to say the same verified content;
* **OATutor's human-written hints** (CC BY 4.0, OATutor project and OpenStax; see the adapter's
  README): English level-1 hints whose text is plain (no LaTeX), to teach the register of a
  real tutor's nudge.

Every target passes the guard (:func:`tutor.llm.plan.check_plan_text`) for its own plan before
it is kept: the model is never taught a text the guard would reject.

Training (:func:`train`) is ordinary causal-LM fine-tuning with the loss on the target tokens
only (the prompt is masked), AdamW with linear warm-up and cosine decay, seeded
(:class:`TuneConfig`), bfloat16 autocast on CUDA. The adapter (``adapter_config.json``,
``adapter_model.safetensors`` in float16, a README model card and ``training.json`` with every
setting and the loss curve) is written to the output folder. The transformers backend merges it
into the base weights when it loads the model (:func:`tutor.llm.weights.merge_adapter`).

torch, transformers and peft are imported inside the functions that need them: importing this
module stays cheap and torch-free.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tutor.errors import InputError, MissingDependency
from tutor.llm.base import Message

log = logging.getLogger(__name__)

#: ``progress(message)``: how :func:`tune` reports each stage.
TuneProgress = Callable[[str], None]

#: The modules of a Llama-style layer that get a LoRA update: all seven projections.
TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")

#: The seconds one training step took on an H100 and on this project's 2-core CPU machine
#: (SmolLM2-135M, batch 16, measured with ``tutor model tune``; BENCHMARKS.md): what the
#: "no GPU" message quotes.
CPU_SECONDS_PER_STEP = 30.0

OATUTOR_ATTRIBUTION = (
    "OATutor content (CAHLR/OATutor-Content, CC BY 4.0): hints written by the OATutor team "
    "(Computational Approaches to Human Learning Research lab, UC Berkeley) for problems from "
    "OpenStax textbooks (CC BY 4.0)"
)


@dataclass(frozen=True)
class TuneConfig:
    """Every setting of a training run; the defaults made the shipped adapter.

    Settings were chosen on the training data only (the loss of a dev split of trained
    families); the held-out families are never seen here.
    """

    seed: int = 0
    #: LoRA rank and scale (``alpha / rank``), dropout on the LoRA input.
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    learning_rate: float = 2e-4
    batch_size: int = 16
    epochs: int = 2
    warmup_steps: int = 30
    weight_decay: float = 0.0
    #: Pairs longer than this (prompt + target, in tokens) are dropped, not cut.
    max_length: int = 768
    #: Items drawn per generator family (each gives several texts).
    items_per_family: int = 6
    #: OATutor hints kept at most.
    oatutor_hints: int = 1500
    #: Share of pairs kept aside to measure the dev loss (same families, other items).
    dev_share: float = 0.03
    #: Stop after this many optimiser steps (None: ``epochs`` over the data).
    max_steps: int | None = None
    target_modules: tuple[str, ...] = TARGET_MODULES

    def __post_init__(self) -> None:
        if self.rank < 1 or self.alpha < 1 or self.batch_size < 1 or self.epochs < 1:
            raise InputError("rank, alpha, batch size and epochs must be at least 1")
        if self.max_steps is not None and self.max_steps < 1:
            raise InputError(f"--max-steps must be at least 1, not {self.max_steps}")
        if not 0.0 <= self.dropout < 1.0 or not 0.0 <= self.dev_share < 0.5:
            raise InputError("dropout must be in [0, 1) and the dev share in [0, 0.5)")
        if self.learning_rate <= 0:
            raise InputError(f"the learning rate must be positive, not {self.learning_rate}")


@dataclass(frozen=True)
class TunePair:
    """One training example: the chat messages the model sees and the text it should write."""

    messages: tuple[Message, ...]
    target: str
    #: Where it came from: ``generator:<family>:<kind>`` or ``oatutor:<problem id>``.
    source: str
    language: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "messages": [{"role": m.role, "content": m.content} for m in self.messages],
            "target": self.target,
            "source": self.source,
            "language": self.language,
        }


@dataclass
class TuneResult:
    """What :func:`train` did: settings, data, the loss curve, where the adapter went."""

    out_dir: Path
    config: TuneConfig
    device: str
    steps: int
    seconds: float
    pairs: dict[str, int]
    #: Mean training loss of each optimiser step, in order.
    losses: list[float] = field(default_factory=list)
    dev_loss_before: float | None = None
    dev_loss_after: float | None = None
    adapter_bytes: int = 0
    versions: dict[str, str] = field(default_factory=dict)
    data_sha256: str = ""
    base: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``tutor model tune --json`` shape (also written as ``training.json``)."""
        return {
            "out": str(self.out_dir),
            "config": asdict(self.config),
            "device": self.device,
            "steps": self.steps,
            "seconds": round(self.seconds, 1),
            "pairs": self.pairs,
            "losses": [round(x, 4) for x in self.losses],
            "dev_loss_before": _round(self.dev_loss_before),
            "dev_loss_after": _round(self.dev_loss_after),
            "adapter_bytes": self.adapter_bytes,
            "versions": self.versions,
            "data_sha256": self.data_sha256,
            "base": self.base,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# --------------------------------------------------------------------------------------------
# Training data


def generator_pairs(config: TuneConfig) -> list[TunePair]:
    """Pairs from the project's generators: every family except the held-out ones.

    See :func:`tutor.llm.plan.training_plans` for which plans an item gives; each plan's
    target is a template phrasing picked by the seeded generator, kept only when the guard
    accepts it for that plan.
    """
    from tutor.llm import plan as planning

    rng = random.Random(config.seed)
    pairs: list[TunePair] = []
    for family_plan in planning.training_plans(
        items_per_family=config.items_per_family, seed=config.seed
    ):
        family, text_plan = family_plan
        variants = list(range(planning.TEMPLATE_VARIANTS))
        rng.shuffle(variants)
        for variant in variants:
            target = planning.render_template(text_plan, variant).strip()
            if target and not planning.check_plan_text(target, text_plan):
                pairs.append(
                    TunePair(
                        messages=tuple(planning.plan_prompt(text_plan)),
                        target=target,
                        source=f"generator:{family}:{text_plan.kind}",
                        language=text_plan.language,
                    )
                )
                break
    return pairs


_MATH = re.compile(r"\$\$(.*?)\$\$", re.DOTALL)
_SIMPLE_MATH = re.compile(r"^[\w\s.,+\-*/=()<>:%]*$")


def _plain_math(text: str) -> str | None:
    """``text`` with ``$$…$$`` spans that are plain arithmetic unwrapped; None when a span
    holds LaTeX (a child would see backslashes)."""

    def unwrap(found: re.Match[str]) -> str:
        return found.group(1).strip()

    if any(not _SIMPLE_MATH.match(m.group(1)) for m in _MATH.finditer(text)):
        return None
    return _MATH.sub(unwrap, text)


def oatutor_hints(folder: Path, limit: int, seed: int) -> list[tuple[str, str, str, str]]:
    """Up to ``limit`` human-written hints from OATutor's ``problems.jsonl``:
    ``(problem id, problem text, step text, hint)``, plain text only (spans of simple
    arithmetic are unwrapped; hints with other LaTeX, links or figures are skipped), the
    first hint of a step (the nudge), in a seeded order."""
    path = Path(folder) / "problems.jsonl"
    if not path.is_file():
        raise InputError(
            f"no OATutor problems at {path}: pass --oatutor DIR (the folder with problems.jsonl, "
            "e.g. shared/data/oatutor-content) or --oatutor-hints 0"
        )
    found: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            problem = _plain_math(f"{record.get('title', '')} {record.get('body', '')}".strip())
            for step in record.get("steps", []):
                hints = [h for h in step.get("tutoring") or [] if h.get("type") == "hint"]
                if not hints or problem is None:
                    continue
                text = _plain_math(str(hints[0].get("text", "")).strip())
                body = _plain_math(
                    f"{step.get('stepTitle', '')} {step.get('stepBody', '')}".strip()
                )
                if not text or body is None or text in seen:
                    continue
                if not 25 <= len(text) <= 240 or re.search(r"https?:|\.gif|\\|\{|\}", text):
                    continue
                seen.add(text)
                found.append((str(record.get("id", "")), problem, body, text))
    random.Random(seed).shuffle(found)
    return found[:limit]


def oatutor_pairs(folder: Path, config: TuneConfig) -> list[TunePair]:
    """Pairs for the hint style from OATutor's human-written first hints (English), each
    planned as a level-1 hint about the OATutor step (:func:`tutor.llm.plan.oatutor_plan`)
    and kept only when the guard accepts the human hint for that plan."""
    from tutor.llm import plan as planning

    rng = random.Random(config.seed + 1)
    pairs: list[TunePair] = []
    for problem_id, problem, step, hint in oatutor_hints(
        folder, config.oatutor_hints * 3, config.seed
    ):
        style = rng.choice(("formal", "casual", "friendly"))
        text_plan = planning.oatutor_plan(problem, step, hint, style=style)
        if text_plan is None or planning.check_plan_text(hint, text_plan):
            continue
        pairs.append(
            TunePair(
                messages=tuple(planning.plan_prompt(text_plan)),
                target=hint,
                source=f"oatutor:{problem_id}",
                language="en",
            )
        )
        if len(pairs) >= config.oatutor_hints:
            break
    return pairs


def data_fingerprint(pairs: Iterable[TunePair]) -> str:
    """sha256 of the pairs in order: two runs with the same data give the same value."""
    digest = hashlib.sha256()
    for pair in pairs:
        digest.update(json.dumps(pair.to_json(), ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def split_dev(pairs: Sequence[TunePair], share: float, seed: int) -> tuple[list, list]:  # type: ignore[type-arg]
    """``(train, dev)``: a seeded ``share`` of the pairs for the dev loss."""
    order = list(range(len(pairs)))
    random.Random(seed + 2).shuffle(order)
    n_dev = int(len(pairs) * share)
    dev = {i for i in order[:n_dev]}
    return [p for i, p in enumerate(pairs) if i not in dev], [pairs[i] for i in sorted(dev)]


# --------------------------------------------------------------------------------------------
# Training


def _imports() -> tuple[Any, Any, Any]:
    try:
        import peft
        import torch
        import transformers
    except ImportError as exc:
        raise MissingDependency(
            f"`tutor model tune` needs torch, transformers and peft ({exc.name} is missing): "
            "`pip install 'kptutor[llm]'` installs them"
        ) from exc
    return torch, transformers, peft


def encode_pair(tokenizer: Any, pair: TunePair) -> tuple[list[int], list[int]]:
    """``(input ids, labels)`` of a pair in the model's chat template: the labels are -100
    (ignored) over the prompt and the token ids over the reply, its end-of-turn included."""
    chat = [{"role": m.role, "content": m.content} for m in pair.messages]
    prompt = tokenizer.apply_chat_template(chat, add_generation_prompt=True, tokenize=True)
    full = tokenizer.apply_chat_template(
        [*chat, {"role": "assistant", "content": pair.target}], tokenize=True
    )
    prompt_ids = list(_ids(prompt))
    full_ids = list(_ids(full))
    if full_ids[: len(prompt_ids)] != prompt_ids:
        raise InputError("the chat template does not extend the prompt with the reply")
    labels = [-100] * len(prompt_ids) + full_ids[len(prompt_ids) :]
    return full_ids, labels


def _ids(encoded: Any) -> list[int]:
    # apply_chat_template returns a list, or a BatchEncoding in newer transformers
    if isinstance(encoded, dict) or hasattr(encoded, "keys"):
        encoded = encoded["input_ids"]
    return [int(t) for t in encoded]


def _batches(
    examples: Sequence[tuple[list[int], list[int]]], size: int, rng: random.Random
) -> list[list[int]]:
    """Index batches for one epoch: shuffled, then grouped by length within windows of 50
    batches (less padding, still random order of batches)."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    window = size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: len(examples[i][0]))
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches


def _collate(torch: Any, examples: Sequence[tuple[list[int], list[int]]], pad: int) -> Any:
    width = max(len(ids) for ids, _ in examples)
    ids = torch.full((len(examples), width), pad, dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, (tokens, targets) in enumerate(examples):
        ids[row, : len(tokens)] = torch.tensor(tokens)
        labels[row, : len(targets)] = torch.tensor(targets)
        mask[row, : len(tokens)] = 1
    return ids, labels, mask


def _mean_loss(torch: Any, model: Any, examples: Sequence[Any], pad: int, device: str) -> float:
    """Token-weighted mean loss over ``examples`` (no dropout, no gradients)."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad(), _autocast(torch, device):
        for start in range(0, len(examples), 16):
            ids, labels, mask = _collate(torch, examples[start : start + 16], pad)
            out = model(input_ids=ids.to(device), attention_mask=mask.to(device))
            logits = out.logits[:, :-1].float()
            target = labels[:, 1:].to(device)
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), target.reshape(-1), reduction="sum"
            )
            total += float(loss)
            count += int((target != -100).sum())
    model.train()
    return total / max(count, 1)


def _autocast(torch: Any, device: str) -> Any:
    if device == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    import contextlib

    return contextlib.nullcontext()


def train(
    base: Path,
    pairs: Sequence[TunePair],
    out_dir: Path,
    *,
    config: TuneConfig,
    device: str = "auto",
    progress: TuneProgress | None = None,
    readme: str | None = None,
) -> TuneResult:
    """Fit a LoRA adapter on ``pairs`` to the model in folder ``base``; write it to ``out_dir``.

    Deterministic for a seed on a given device and library versions (the order of data and
    the LoRA initialisation are seeded; CUDA kernels may still differ in the last bits).
    """
    torch, transformers, peft = _imports()
    say = progress or (lambda message: log.info("%s", message))
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda, but PyTorch sees no CUDA GPU: use auto or cpu")
    if not pairs:
        raise InputError("no training pairs: nothing to learn from")
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    started = time.perf_counter()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        str(base), dtype=torch.float32, local_files_only=True
    )
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    lora = peft.LoraConfig(
        r=config.rank,
        lora_alpha=config.alpha,
        lora_dropout=config.dropout,
        target_modules=list(config.target_modules),
        bias="none",
        task_type="CAUSAL_LM",
    )
    model = peft.get_peft_model(model, lora)
    model.to(device)
    model.train()

    train_pairs, dev_pairs = split_dev(pairs, config.dev_share, config.seed)
    encoded = [encode_pair(tokenizer, p) for p in train_pairs]
    examples = [e for e in encoded if len(e[0]) <= config.max_length]
    dev = [e for e in (encode_pair(tokenizer, p) for p in dev_pairs) if len(e[0]) <= config.max_length]
    if len(examples) < len(encoded):
        say(f"dropped {len(encoded) - len(examples)} pairs longer than {config.max_length} tokens")
    if not examples:
        raise InputError(f"every pair is longer than {config.max_length} tokens")
    rng = random.Random(config.seed)
    per_epoch = math.ceil(len(examples) / config.batch_size)
    total = config.max_steps or per_epoch * config.epochs
    total = min(total, per_epoch * config.epochs) if config.max_steps is None else total
    say(
        f"training a rank-{config.rank} LoRA on {len(examples)} pairs "
        f"({len(dev)} dev) for {total} steps on {device}"
    )
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(
        trainable, lr=config.learning_rate, weight_decay=config.weight_decay
    )

    def schedule(step: int) -> float:
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        done = (step - config.warmup_steps) / max(1, total - config.warmup_steps)
        return 0.5 * (1.0 + math.cos(math.pi * min(1.0, done)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, schedule)
    dev_before = _mean_loss(torch, model, dev, pad, device) if dev else None
    losses: list[float] = []
    step = 0
    while step < total:
        for batch in _batches(examples, config.batch_size, rng):
            if step >= total:
                break
            ids, labels, mask = _collate(torch, [examples[i] for i in batch], pad)
            with _autocast(torch, device):
                out = model(
                    input_ids=ids.to(device),
                    attention_mask=mask.to(device),
                    labels=labels.to(device),
                )
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            scheduler.step()
            optimiser.zero_grad(set_to_none=True)
            losses.append(float(out.loss.detach()))
            step += 1
            if step % 25 == 0 or step == total:
                recent = losses[-25:]
                say(f"step {step}/{total}: loss {sum(recent) / len(recent):.3f}")
    dev_after = _mean_loss(torch, model, dev, pad, device) if dev else None

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # float16 halves the file; LoRA factors are small numbers well inside float16's range.
    model = model.to("cpu")
    for name, param in model.named_parameters():
        if "lora_" in name:
            param.data = param.data.to(torch.float16)
    model.save_pretrained(str(out_dir))
    counts = Counter(p.source.split(":")[0] + ":" + p.language for p in pairs)
    result = TuneResult(
        out_dir=out_dir,
        config=config,
        device=device if device == "cpu" else torch.cuda.get_device_name(),
        steps=step,
        seconds=time.perf_counter() - started,
        pairs={**dict(sorted(counts.items())), "train": len(examples), "dev": len(dev)},
        losses=losses,
        dev_loss_before=dev_before,
        dev_loss_after=dev_after,
        adapter_bytes=(out_dir / "adapter_model.safetensors").stat().st_size,
        versions={
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "peft": peft.__version__,
        },
        data_sha256=data_fingerprint(pairs),
        base=_base_record(base),
    )
    (out_dir / "training.json").write_text(
        json.dumps(result.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "README.md").write_text(readme or model_card(result), encoding="utf-8")
    say(f"saved the adapter ({result.adapter_bytes / 1e6:.1f} MB) to {out_dir}")
    return result


def _base_record(base: Path) -> dict[str, Any]:
    from tutor.llm.weights import SOURCE_FILE, read_source

    if (Path(base) / SOURCE_FILE).is_file():
        return read_source(Path(base))
    return {"path": str(base)}


def model_card(result: TuneResult) -> str:
    """The adapter's README: what it is, how it was made, the data and its licences."""
    c = result.config
    base = result.base.get("attribution", result.base.get("path", "the base model"))
    return f"""# kptutor voice adapter (LoRA)

A LoRA adapter (rank {c.rank}, alpha {c.alpha}, on {", ".join(c.target_modules)}) for
SmolLM2-135M-Instruct that teaches it to reword kptutor's text plans (feedback, hints 1-3,
worked explanations, "why") for a child, in English and Chinese. The engine decides, the model
words: every text it writes is still checked by the guard before a student sees it.

- Base model: {base}
- Adapter file: adapter_model.safetensors, {result.adapter_bytes / 1e6:.1f} MB (float16)
- Trained: {result.steps} steps, batch {c.batch_size}, learning rate {c.learning_rate},
  seed {c.seed}, on {result.device} in {result.seconds:.0f} s; dev loss
  {result.dev_loss_before} -> {result.dev_loss_after}. Every setting and the loss curve are in
  training.json.
- Reproduce: `tutor model tune smollm2 --seed {c.seed} --out DIR` (a CUDA GPU; see README.md).

## Training data and attribution
- kptutor's own item generators (Apache-2.0): plan -> template phrasings of the verified
  steps, for every generator family except the held-out families of the voice benchmark.
- {OATUTOR_ATTRIBUTION}. Licence: https://creativecommons.org/licenses/by/4.0/ . The hints
  were used as training targets as they are (plain-text hints only, simple math unwrapped from
  `$$`); no OATutor text is stored in this adapter's files.

Pairs: {json.dumps(result.pairs)}; data sha256 {result.data_sha256}.
"""


def tune(
    base: Path,
    out_dir: Path,
    *,
    config: TuneConfig,
    oatutor: Path | None,
    device: str = "auto",
    progress: TuneProgress | None = None,
) -> TuneResult:
    """Build the pairs and train (see the module docstring). Refuses a full run on a machine
    without a CUDA GPU unless ``config.max_steps`` asks for a short one."""
    torch, _, _ = _imports()
    say = progress or (lambda message: log.info("%s", message))
    use = "cuda" if device == "auto" and torch.cuda.is_available() else device
    use = "cpu" if use == "auto" else use
    say("building training pairs from the generators")
    pairs = generator_pairs(config)
    if oatutor is not None and config.oatutor_hints > 0:
        say("adding OATutor's human-written hints")
        pairs += oatutor_pairs(oatutor, config)
    if use == "cpu" and config.max_steps is None:
        steps = math.ceil(len(pairs) / config.batch_size) * config.epochs
        hours = steps * CPU_SECONDS_PER_STEP / 3600
        raise InputError(
            f"no CUDA GPU: the full run is {steps} steps, about {hours:.0f} hours on a CPU. "
            "Run it on a machine with a GPU, or pass --max-steps N for a short CPU run "
            "(a smoke test, not the shipped adapter)"
        )
    return train(base, pairs, out_dir, config=config, device=use, progress=say)
