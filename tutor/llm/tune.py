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

Every target passes the guard (:func:`tutor.llm.guard.check_output` with its plan) before
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

#: Seconds for one training step (batch 16, about 700 tokens a pair) on a 2-core CPU: about
#: 9 TFLOP (6 x 135M parameters x 11k tokens) at ~100 GFLOP/s. What the "no GPU" message
#: quotes; a smoke run of 3 steps of batch 2 took 24 minutes on the project's loaded 2-core
#: machine (BENCHMARKS.md).
CPU_SECONDS_PER_STEP = 90.0

#: The school grade OATutor's algebra courses are written for (their reading level bound).
OATUTOR_GRADE = 9

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
    max_length: int = 1024
    #: Items drawn per generator family (each gives several texts).
    items_per_family: int = 6
    #: OATutor hints kept at most.
    oatutor_hints: int = 1500
    #: Share of pairs kept aside to measure the dev loss (same families, other items).
    dev_share: float = 0.03
    #: Stop after this many optimiser steps (None: ``epochs`` over the data). The shipped
    #: adapter: 300 steps of 16 pairs, under a third of an epoch; a first run (prompts with
    #: the data block) had flattened by then (loss 0.03 at step 300, 0.024 at 450).
    max_steps: int | None = 300
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


@dataclass(frozen=True)
class _Wrong:
    """A diagnosis of a wrong answer (the shape :func:`tutor.llm.plan.build_plan` reads)."""

    status: str
    misconception: str | None


def _wrong_answers(item: Any) -> list[tuple[str, _Wrong]]:
    """Up to two wrong answers to ``item`` as the engine diagnoses them, drawn as the voice
    benchmark draws them (:func:`tutor.llm.plan.sample_wrong_answers`): one a misconception's
    buggy procedure gives, one near miss no rule explains."""
    from tutor.llm.plan import sample_wrong_answers

    with_mc, plain = sample_wrong_answers(item)
    found: list[tuple[str, _Wrong]] = []
    if with_mc is not None:
        found.append((with_mc[0], _Wrong("incorrect", with_mc[1])))
    if plain is not None:
        found.append((plain, _Wrong("incorrect", None)))
    return found


def item_requests(item: Any, rng: random.Random) -> list[tuple[Any, str | None, Any]]:
    """The texts one item gives for training, per language: feedback on each wrong answer
    (with and without a misconception), hints 1-3 on a drawn step, the worked explanation
    (after a wrong answer when there is one) and the "why" of a right answer; each in a drawn
    style. ``(options, student answer, diagnosis)`` triples for :func:`build_plan`."""
    from tutor.llm.options import STYLES, ExplainOptions

    wrong = _wrong_answers(item)
    step = rng.randrange(len(item.steps))
    out: list[tuple[Any, str | None, Any]] = []
    for language in ("en", "zh"):

        def opts(kind: str, level: int = 1, index: int = 0, language: str = language) -> Any:
            return ExplainOptions(
                kind=kind,  # type: ignore[arg-type]
                hint_index=index,
                hint_level=level,
                style=rng.choice(STYLES),
                language=language,  # type: ignore[arg-type]
            )

        for answer, diagnosis in wrong:
            out.append((opts("feedback"), answer, diagnosis))
        for level in (1, 2, 3):
            out.append((opts("hint", level, step), None, None))
        after = rng.choice(wrong) if wrong else (None, None)
        out.append((opts("explanation"), after[0], after[1]))
        out.append((opts("why"), None, None))
    return out


def training_families() -> list[str]:
    """Every generator family except the held-out ones, sorted."""
    from tutor.content.items import ensure_generators_loaded
    from tutor.content.registry import GENERATORS
    from tutor.llm.plan import HELD_OUT_FAMILIES

    ensure_generators_loaded()
    return sorted(name for name in GENERATORS if name not in set(HELD_OUT_FAMILIES))


def model_prompt(text_plan: Any) -> list[Message]:
    """What a real model is shown for a plan: :func:`tutor.llm.plan.plan_prompt` without the
    ``<tutor-data>`` block (the transformers backend does not read it: ``reads_data_block``),
    exactly as :func:`tutor.llm.explain.run_guarded` sends it."""
    from tutor.llm.plan import plan_prompt
    from tutor.llm.prompts import without_payload

    return without_payload(plan_prompt(text_plan))


def family_pairs(family: str, config: TuneConfig) -> list[TunePair]:
    """The pairs of one generator family (see :func:`generator_pairs`). Seeded by the family's
    name and ``config.seed`` alone, so the pairs do not depend on which other families are
    built, in which order, or in how many processes."""
    from tutor.content.items import ensure_generators_loaded, generate
    from tutor.content.registry import GENERATORS
    from tutor.llm import plan as planning
    from tutor.llm.guard import check_output

    if family in set(planning.HELD_OUT_FAMILIES):
        raise InputError(f"{family} is a held-out family: it is never trained on")
    ensure_generators_loaded()
    rng = random.Random(f"{config.seed}:{family}")
    levels = GENERATORS[family].levels
    pairs: list[TunePair] = []
    for n in range(config.items_per_family):
        item = generate(family, levels[n % len(levels)], 10_000 * config.seed + n)
        for options, answer, diagnosis in item_requests(item, rng):
            text_plan = planning.build_plan(item, answer, diagnosis, options)
            ref = planning.plan_reference(item, text_plan)
            variants = list(range(1, planning.VARIANTS))
            rng.shuffle(variants)
            for variant in [*variants, 0]:
                target = planning.render_template(text_plan, variant).strip()
                if target and not check_output(target, ref, plan=text_plan):
                    pairs.append(
                        TunePair(
                            messages=tuple(model_prompt(text_plan)),
                            target=target,
                            source=f"generator:{family}:{text_plan.kind}",
                            language=text_plan.language,
                        )
                    )
                    break
    return pairs


def generator_pairs(
    config: TuneConfig, families: Sequence[str] | None = None, *, workers: int = 1
) -> list[TunePair]:
    """Pairs from the project's generators: ``items_per_family`` items of every family
    except the held-out ones (see :func:`item_requests` for the texts of an item), in family
    order, built in ``workers`` processes.

    The target is a template phrasing other than the draft the prompt shows (variant 0), so
    the model learns to reword rather than copy, kept only when the guard accepts it for its
    plan; when neither other phrasing passes, the draft itself is the target.
    """
    names = list(families) if families is not None else training_families()
    if workers <= 1:
        return [pair for family in names for pair in family_pairs(family, config)]
    import concurrent.futures
    import functools

    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        built = pool.map(functools.partial(family_pairs, config=config), names)
        return [pair for family in built for pair in family]


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


@dataclass(frozen=True)
class OATutorHint:
    """A human-written first hint of an OATutor step, in plain text."""

    problem_id: str
    problem: str
    step: str
    answer: str
    hint: str


def oatutor_hints(folder: Path, limit: int, seed: int) -> list[OATutorHint]:
    """Up to ``limit`` human-written hints from OATutor's ``problems.jsonl``: the first hint
    of a step (the nudge), plain text only (spans of simple arithmetic are unwrapped; hints
    with other LaTeX, links or figures are skipped), in a seeded order."""
    from tutor.content.oatutor import to_plain_answer

    path = Path(folder) / "problems.jsonl"
    if not path.is_file():
        raise InputError(
            f"no OATutor problems at {path}: pass --oatutor DIR (the folder with problems.jsonl, "
            "e.g. shared/data/oatutor-content) or --oatutor-hints 0"
        )
    found: list[OATutorHint] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            problem = _plain_math(f"{record.get('title', '')} {record.get('body', '')}".strip())
            for step in record.get("steps", []):
                hints = [h for h in step.get("tutoring") or [] if h.get("type") == "hint"]
                answers = step.get("stepAnswer") or []
                if not hints or not answers or problem is None:
                    continue
                text = _plain_math(str(hints[0].get("text", "")).strip())
                body = _plain_math(
                    f"{step.get('stepTitle', '')} {step.get('stepBody', '')}".strip()
                )
                if not text or body is None or text in seen:
                    continue
                if not 25 <= len(text) <= 240 or re.search(r"https?:|\.gif|\\|\{|\}", text):
                    continue
                if re.search(r"figure|\.gif|\\n", f"{problem} {body}", re.IGNORECASE):
                    continue  # a figure the student would not see, or layout codes
                seen.add(text)
                answer = to_plain_answer(str(answers[0]))
                found.append(OATutorHint(str(record.get("id", "")), problem, body, answer, text))
    random.Random(seed).shuffle(found)
    return found[:limit]


def oatutor_plan(hint: OATutorHint, style: str) -> tuple[Any, Any]:
    """``(plan, guard reference)`` of a level-1 hint about an OATutor step whose content is
    the human hint: the engine decided what to say (the OATutor author did), the model
    learns to say it as that author did instead of in the template's frame."""
    from tutor.content.answers import AnswerPolicy
    from tutor.llm import plan as planning
    from tutor.llm.guard import Reference

    ref = Reference(
        prompt=hint.problem,
        answer=hint.answer,
        claims=(),
        policy=AnswerPolicy(),
        step_texts=(hint.step,),
    )
    numbers = tuple(dict.fromkeys(re.findall(r"\d+(?:\.\d+)?", f"{hint.problem} {hint.step}")))
    text_plan = planning.TextPlan(
        kind="hint",
        hint_level=1,
        hint_index=0,
        language="en",
        style=style,  # type: ignore[arg-type]
        grade=OATUTOR_GRADE,
        item_id=f"oatutor:{hint.problem_id}",
        prompt=hint.problem,
        student_answer=None,
        misconception_id=None,
        misconception=None,
        misconception_fix=None,
        steps=(hint.step,),
        claims=(),
        focus=hint.hint,
        numbers=numbers,
        answer=hint.answer,
        may_state_answer=False,
        max_chars=320,
        max_reading_grade=0.0,
        max_sentence_chars=0,
        key_terms=planning._key_terms((hint.step, hint.hint), "en"),
    )
    return planning._bounded(text_plan), ref


def oatutor_pairs(folder: Path, config: TuneConfig) -> list[TunePair]:
    """Pairs for the hint style from OATutor's human-written first hints (English), each
    planned by :func:`oatutor_plan` and kept only when the guard accepts the human hint for
    its plan (a hint that gives the answer away, say, is dropped)."""
    from tutor.llm.guard import check_output

    rng = random.Random(config.seed + 1)
    pairs: list[TunePair] = []
    for hint in oatutor_hints(folder, config.oatutor_hints * 4, config.seed):
        style = rng.choice(("formal", "casual", "friendly"))
        try:
            text_plan, ref = oatutor_plan(hint, style)
        except (InputError, ValueError):
            continue
        if check_output(hint.hint, ref, plan=text_plan):
            continue
        pairs.append(
            TunePair(
                messages=tuple(model_prompt(text_plan)),
                target=hint.hint,
                source=f"oatutor:{hint.problem_id}",
                language="en",
            )
        )
        if len(pairs) >= config.oatutor_hints:
            break
    return pairs


def write_pairs(path: Path, pairs: Iterable[TunePair]) -> int:
    """Write pairs as gzipped JSON lines (``--write-pairs``); how many were written. The file
    lets a machine without the data sets (a GPU box) train on exactly these pairs."""
    import gzip

    count = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        for pair in pairs:
            handle.write(json.dumps(pair.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def read_pairs(path: Path) -> list[TunePair]:
    """The pairs :func:`write_pairs` wrote; :class:`InputError` naming the line when one is
    not a pair."""
    import gzip

    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"no pairs file at {path}: `tutor model tune --write-pairs FILE` makes one"
        )
    pairs: list[TunePair] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                data = json.loads(line)
                messages = tuple(Message(m["role"], m["content"]) for m in data["messages"])
                pairs.append(TunePair(messages, data["target"], data["source"], data["language"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{number} is not a training pair ({exc})") from None
    return pairs


def build_pairs(config: TuneConfig, oatutor: Path | None, *, workers: int = 1) -> list[TunePair]:
    """Every training pair: the generators' (:func:`generator_pairs`, in ``workers``
    processes), then OATutor's hints (:func:`oatutor_pairs`) when ``oatutor`` is given and
    ``config.oatutor_hints`` > 0."""
    pairs = generator_pairs(config, workers=workers)
    if oatutor is not None and config.oatutor_hints > 0:
        pairs += oatutor_pairs(oatutor, config)
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


def _target_loss(torch: Any, model: Any, ids: Any, labels: Any, mask: Any) -> tuple[Any, int]:
    """Summed cross-entropy over the reply tokens, and how many there are.

    The output head runs only on the positions that predict a reply token: a prompt is most
    of each sequence, and full-vocabulary logits for it (49,152 per position for SmolLM2)
    would take most of the memory of a step for nothing.
    """
    inner = model.get_base_model()
    hidden = inner.model(input_ids=ids, attention_mask=mask).last_hidden_state
    target = labels[:, 1:]
    keep = target != -100
    logits = inner.lm_head(hidden[:, :-1][keep]).float()
    loss = torch.nn.functional.cross_entropy(logits, target[keep], reduction="sum")
    return loss, int(keep.sum())


def _mean_loss(torch: Any, model: Any, examples: Sequence[Any], pad: int, device: str) -> float:
    """Token-weighted mean loss over ``examples`` (no dropout, no gradients)."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad(), _autocast(torch, device):
        for start in range(0, len(examples), 8):
            ids, labels, mask = _collate(torch, examples[start : start + 8], pad)
            loss, n = _target_loss(torch, model, ids.to(device), labels.to(device), mask.to(device))
            total += float(loss)
            count += n
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
    dev = [
        e for e in (encode_pair(tokenizer, p) for p in dev_pairs) if len(e[0]) <= config.max_length
    ]
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
                summed, n = _target_loss(
                    torch, model, ids.to(device), labels.to(device), mask.to(device)
                )
                loss = summed / max(n, 1)  # mean over the batch's reply tokens
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            scheduler.step()
            optimiser.zero_grad(set_to_none=True)
            losses.append(float(loss.detach()))
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
    # PEFT records the base model's path on this machine; record what it is instead (the
    # adapter is merged into whatever model the backend loads, never fetched by that name).
    config_path = out_dir / "adapter_config.json"
    adapter_config = json.loads(config_path.read_text(encoding="utf-8"))
    adapter_config["base_model_name_or_path"] = f"kptutor:{_base_record(base).get('model', 'base')}"
    config_path.write_text(json.dumps(adapter_config, indent=2, sort_keys=True) + "\n", "utf-8")
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
  {_round(result.dev_loss_before)} -> {_round(result.dev_loss_after)}. Every setting and the
  loss curve are in training.json.
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
    oatutor: Path | None = None,
    pairs: Sequence[TunePair] | None = None,
    device: str = "auto",
    workers: int = 1,
    allow_cpu: bool = False,
    progress: TuneProgress | None = None,
) -> TuneResult:
    """Build the pairs (in ``workers`` processes; or take ``pairs``, e.g. from
    :func:`read_pairs`) and train (see the module docstring). Refuses to train on a machine
    without a CUDA GPU unless ``allow_cpu`` (the CLI sets it when ``--max-steps`` asks for a
    short run)."""
    torch, _, _ = _imports()
    say = progress or (lambda message: log.info("%s", message))
    if device not in ("auto", "cpu", "cuda"):
        raise InputError(f"the device must be auto, cpu or cuda, not {device!r}")
    use = ("cuda" if torch.cuda.is_available() else "cpu") if device == "auto" else device
    if pairs is None:
        say("building training pairs from the generators and OATutor's hints")
        pairs = build_pairs(config, oatutor, workers=workers)
    if use == "cpu" and not allow_cpu:
        steps = config.max_steps or math.ceil(len(pairs) / config.batch_size) * config.epochs
        hours = steps * CPU_SECONDS_PER_STEP / 3600
        raise InputError(
            f"no CUDA GPU: the full run is {steps} steps, about {hours:.0f} hours on a CPU. "
            "Run it on a machine with a GPU, or pass --max-steps N for a short CPU run "
            "(a smoke test, not the shipped adapter)"
        )
    return train(base, pairs, out_dir, config=config, device=use, progress=say)
