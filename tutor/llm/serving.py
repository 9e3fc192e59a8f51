"""Class-scale serving of the model's wording (issue 15, part 6).

A class of 30 pressing "Explain" at once must not wait in line for its first words. So:

* **The template answers at once.** :meth:`VoiceServer.submit` returns a :class:`Ticket`
  holding the plan's template text (the caller made it; it needs no model) before any model
  work starts. A page shows ``ticket.text`` at once and never waits on the model: it polls
  ``ticket.state`` (or :meth:`Ticket.wait` with a short timeout) and swaps in the model's
  wording when it is ``done``.
* **Model generations are queued fairly.** :class:`FairQueue` keeps one line per student and
  serves the lines round-robin, so a student with five requests cannot push the other 29
  back. It is bounded: at most ``per_student`` waiting requests per student (a newer one
  *supersedes* the oldest, which the student has moved past) and ``max_pending`` in all;
  beyond that a request is *refused* at once (``state == "refused"``, reason ``busy``) and the
  student keeps the template, which is a complete text on its own.
* **Batched on CUDA.** ``workers`` requests run at the same time (1 on a CPU, where one decode
  at a time is fastest; the CUDA decoder's batch size on a GPU). :class:`BatchingModel` wraps
  a model with a ``generate_batch`` method: concurrent ``generate`` calls from the workers
  that arrive together (the first waits while more keep coming) are decoded as one batch, so
  30 students cost one batched decode, not 30 decodes in a row.

A job is any ``make() -> str | None`` (the guarded wording of a plan: ``None`` or an exception
means the model's text was not usable and the template stands). Nothing here imports torch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from tutor.errors import InputError
from tutor.llm.base import LanguageModel, Message

log = logging.getLogger(__name__)

TicketState = Literal["queued", "running", "done", "failed", "refused", "superseded"]
#: States after which a ticket never changes again.
FINAL_STATES: frozenset[str] = frozenset({"done", "failed", "refused", "superseded"})


@dataclass(eq=False)
class Ticket:
    """One student's request for the model's wording of a text whose template is already
    shown. Read :attr:`text` at any time: the model's wording once it is ``done``, else the
    template."""

    student: str
    template: str
    state: TicketState = "queued"
    #: The model's accepted wording (None until ``done``, and for every other end state).
    model_text: str | None = None
    #: Why the template stands: ``busy`` (queue full), ``superseded``, ``no_text`` (the job
    #: gave none, e.g. the guard rejected every try), or the job's error.
    reason: str | None = None
    #: When it was submitted, started and finished (``time.monotonic()``).
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    _event: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def text(self) -> str:
        """What the student should see now: the model's wording when done, else the template."""
        return self.model_text if self.state == "done" and self.model_text else self.template

    @property
    def final(self) -> bool:
        """True once the ticket will not change again."""
        return self.state in FINAL_STATES

    def wait(self, timeout: float | None = None) -> bool:
        """Block up to ``timeout`` seconds for a final state; True when it is final."""
        return self._event.wait(timeout)

    def _finish(
        self, state: TicketState, text: str | None = None, reason: str | None = None
    ) -> None:
        self.state, self.model_text, self.reason = state, text, reason
        self.finished = time.monotonic()
        self._event.set()


@dataclass(eq=False)
class _Job:
    ticket: Ticket
    make: Callable[[], str | None]


class FairQueue:
    """Waiting jobs, one line per student, served round-robin; bounded (see the module doc).

    Thread-safe. :meth:`put` never blocks: it queues, supersedes or refuses at once.
    """

    def __init__(self, *, max_pending: int = 64, per_student: int = 2) -> None:
        if max_pending < 1 or per_student < 1:
            raise InputError("max_pending and per_student must be at least 1")
        self.max_pending = max_pending
        self.per_student = per_student
        # Students in round-robin order: the next one served is first; served ones go last.
        self._lines: OrderedDict[str, deque[_Job]] = OrderedDict()
        self._pending = 0
        self._cond = threading.Condition()
        self._closed = False

    def __len__(self) -> int:
        with self._cond:
            return self._pending

    def put(self, job: _Job) -> bool:
        """Queue ``job``; False (and the ticket ``refused``, reason ``busy``) when full."""
        with self._cond:
            line = self._lines.get(job.ticket.student)
            if line is not None and len(line) >= self.per_student:
                old = line.popleft()
                self._pending -= 1
                old.ticket._finish("superseded", reason="superseded")
            if self._closed or self._pending >= self.max_pending:
                job.ticket._finish("refused", reason="busy")
                return False
            if line is None:
                line = self._lines[job.ticket.student] = deque()
            line.append(job)
            self._pending += 1
            self._cond.notify()
            return True

    def get(self, timeout: float | None = None) -> _Job | None:
        """The next job round-robin (the oldest of the student served longest ago), or None
        after ``timeout`` seconds with nothing waiting, or once closed."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._pending > 0 or self._closed, timeout):
                return None
            if self._pending == 0:
                return None
            student, line = next(iter(self._lines.items()))
            job = line.popleft()
            self._pending -= 1
            # This student goes to the back of the round; an empty line is dropped.
            del self._lines[student]
            if line:
                self._lines[student] = line
            return job

    def close(self) -> list[_Job]:
        """Stop taking jobs; wake every waiting worker; the jobs that were still waiting."""
        with self._cond:
            self._closed = True
            left = [job for line in self._lines.values() for job in line]
            self._lines.clear()
            self._pending = 0
            self._cond.notify_all()
            return left


class VoiceServer:
    """Runs model wordings for many students: template at once, model fairly, never blocking.

    ``workers`` threads take jobs from a :class:`FairQueue` (see the module docstring). Use
    one server per process (the app keeps one in its resource cache) and :meth:`close` it on
    shutdown.
    """

    def __init__(self, *, workers: int = 1, max_pending: int = 64, per_student: int = 2) -> None:
        if workers < 1:
            raise InputError(f"workers must be at least 1, not {workers}")
        self.queue = FairQueue(max_pending=max_pending, per_student=per_student)
        self._threads = [
            threading.Thread(target=self._work, name=f"kptutor-voice-{i}", daemon=True)
            for i in range(workers)
        ]
        self._stop = threading.Event()
        for thread in self._threads:
            thread.start()

    def submit(self, student: str, template: str, make: Callable[[], str | None]) -> Ticket:
        """A ticket showing ``template`` now; ``make()`` (the model's guarded wording) runs
        when the student's turn comes. Never blocks; a full queue refuses (template stays)."""
        if not template.strip():
            raise InputError("a request needs its template text: it is what the student sees first")
        ticket = Ticket(student=student, template=template)
        self.queue.put(_Job(ticket, make))
        return ticket

    def _work(self) -> None:
        while not self._stop.is_set():
            job = self.queue.get(timeout=0.2)
            if job is None:
                continue
            ticket = job.ticket
            ticket.state = "running"
            ticket.started = time.monotonic()
            try:
                text = job.make()
            except Exception as exc:  # a failed wording leaves the template; never a crash
                log.warning("model wording for %s failed: %s", ticket.student, exc)
                ticket._finish("failed", reason=f"{type(exc).__name__}: {exc}")
                continue
            if text and text.strip():
                ticket._finish("done", text=text)
            else:
                ticket._finish("failed", reason="no_text")

    def close(self, timeout: float = 5.0) -> None:
        """Stop the workers; requests still waiting end ``refused`` (the template stands)."""
        self._stop.set()
        for job in self.queue.close():
            job.ticket._finish("refused", reason="closed")
        for thread in self._threads:
            thread.join(timeout)


class BatchModel(Protocol):
    """A model that can also decode several prompts as one batch."""

    @property
    def name(self) -> str: ...

    def generate_batch(
        self,
        prompts: Sequence[Sequence[Message]],
        *,
        temperature: float = 0.3,
        max_new_tokens: int | Sequence[int] = 256,
    ) -> list[str]:
        """Replies to ``prompts``; ``max_new_tokens`` is one limit for all or one per prompt."""
        ...


@dataclass(eq=False)
class _Pending:
    messages: Sequence[Message]
    max_new_tokens: int
    done: threading.Event = field(default_factory=threading.Event)
    text: str = ""
    error: BaseException | None = None


_TIMELINE = 4096


class BatchingModel:
    """A :class:`~tutor.llm.base.LanguageModel` that decodes concurrent calls together.

    Calls with the same temperature are gathered into ``generate_batch`` calls of at most
    ``max_batch`` prompts, each with its own token limit (on CUDA the fast decoder runs a batch
    of 32 in about the time of one; a hint's 120 tokens and an explanation's 320 go in one
    batch, since batches split by limit decoded one after another — a class asking for four
    kinds of text waited for four decodes). One batch decodes at a time, and a batch is taken
    only when the decoder is free: calls that arrive while a batch decodes wait together and go
    as the next batch (a class's requests trickle in as each page builds its prompt; taking a
    batch a fixed time after the first call instead cut them into many small batches decoded
    one after another).
    The first call into an idle model waits for company: at most ``window_s``, and with
    ``quiet_s`` > 0 only while calls keep coming (it stops once ``quiet_s`` passes with no new
    call). A class's 30 requests reach the model over ~0.25 s (each worker builds its prompt
    first); the old rule (wait 10 ms) decoded the first few alone while the rest queued behind
    them. The defaults, 30 ms quiet and 250 ms at most, were chosen on one seed of
    ``benchmarks/llm_serve.py`` on an H100 and checked on two others (BENCHMARKS.md); a student
    asking alone waits 30 ms. The reply comes as one piece, whole: the guard reads whole texts
    before anything is shown anyway.
    """

    def __init__(
        self,
        model: BatchModel,
        *,
        max_batch: int = 32,
        window_s: float = 0.25,
        quiet_s: float = 0.03,
    ) -> None:
        if max_batch < 1:
            raise InputError(f"max_batch must be at least 1, not {max_batch}")
        if window_s < 0 or quiet_s < 0:
            raise InputError("window_s and quiet_s are seconds: 0 or more")
        self.inner = model
        self.max_batch = max_batch
        self.window_s = window_s
        self.quiet_s = quiet_s
        self._last_call = 0.0
        self._lock = threading.Lock()
        # Held while a batch decodes; whoever holds it takes the next batch.
        self._decoding = threading.Lock()
        self._waiting: dict[float, list[_Pending]] = {}
        # For tests and benchmarks, the latest few thousand (a server runs for days): how many
        # prompts each ``generate_batch`` call decoded, when each call came and when each batch
        # started and ended (``perf_counter`` seconds).
        self.batch_sizes: deque[int] = deque(maxlen=_TIMELINE)
        self.calls_at: deque[float] = deque(maxlen=_TIMELINE)
        self.batches_at: deque[tuple[float, float]] = deque(maxlen=_TIMELINE)

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self.inner.name

    def generate(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.3,
        max_new_tokens: int = 256,
    ) -> Iterator[str]:
        """The reply to ``messages``, decoded in a batch with concurrent calls."""
        mine = _Pending(messages, max_new_tokens)
        key = temperature
        with self._lock:
            group = self._waiting.setdefault(key, [])
            group.append(mine)
            leader = len(group) == 1
            full = len(group) >= self.max_batch
            self._last_call = time.perf_counter()
            self.calls_at.append(self._last_call)
        if leader and not full and not self._decoding.locked():
            # An idle model: the first caller waits a moment for company.
            deadline = time.perf_counter() + self.window_s
            while not mine.done.is_set() and len(group) < self.max_batch:
                now = time.perf_counter()
                if now >= deadline or (self.quiet_s and now - self._last_call >= self.quiet_s):
                    break
                time.sleep(min(0.002, self.window_s))
        if leader or full:
            # Decode batches until this call's own reply is made (a batch another caller
            # took may already have made it).
            while not mine.done.is_set():
                self._run(key)
        mine.done.wait()
        if mine.error is not None:
            raise mine.error
        yield mine.text

    def _run(self, key: float) -> None:
        with self._decoding:
            with self._lock:
                group = self._waiting.get(key, [])
                batch, rest = group[: self.max_batch], group[self.max_batch :]
                if rest:
                    self._waiting[key] = rest
                else:
                    self._waiting.pop(key, None)
            if not batch:
                return
            self.batch_sizes.append(len(batch))
            started = time.perf_counter()
            try:
                texts = self.inner.generate_batch(
                    [p.messages for p in batch],
                    temperature=key,
                    max_new_tokens=[p.max_new_tokens for p in batch],
                )
                for pending, text in zip(batch, texts, strict=True):
                    pending.text = text
            except BaseException as exc:
                for pending in batch:
                    pending.error = exc
            finally:
                self.batches_at.append((started, time.perf_counter()))
                for pending in batch:
                    pending.done.set()
        if rest:
            # Calls left over from a full batch have a leader among them only by chance:
            # decode them now rather than leave them waiting.
            self._run(key)


def as_language_model(model: Any) -> LanguageModel:
    """``model`` wrapped in :class:`BatchingModel` when it can decode batches, else as it is."""
    if callable(getattr(model, "generate_batch", None)):
        return BatchingModel(model)
    result: LanguageModel = model
    return result


def concurrency(model: Any) -> int:
    """How many wordings to run at once for ``model``: its ``max_concurrency`` (a model that
    batches concurrent calls — the transformers backend on CUDA, a server behind the openai
    backend — says how many it takes), else 1 (one decode at a time is fastest on a CPU)."""
    value = getattr(model, "max_concurrency", 1)
    return value if isinstance(value, int) and value >= 1 else 1


class TransformersServer:
    """``transformers serve`` (transformers' own OpenAI-compatible server) in a subprocess on
    127.0.0.1, for tests and benchmarks: started by :meth:`start`, ready when ``/health``
    answers, stopped by :meth:`stop` (or as a context manager). ``url`` is its ``…/v1``.

    It needs transformers' serving extras (fastapi, uvicorn, openai, pydantic: the ``dev``
    extra has them); without them the server exits at start and :meth:`start` raises with the
    end of its log.
    """

    def __init__(
        self,
        model: str,
        *,
        port: int | None = None,
        device: str = "cpu",
        extra_args: Sequence[str] = (),
        log_path: str | None = None,
        startup_s: float = 180.0,
    ) -> None:
        self.model = model
        self.port = port or _free_port()
        self.device = device
        self.extra_args = list(extra_args)
        self.log_path = log_path
        self.startup_s = startup_s
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.process: Any = None

    def command(self) -> list[str]:
        """The command line that starts the server."""
        import sys

        return [
            sys.executable,
            "-c",
            "from transformers.cli.transformers import main; main()",
            "serve",
            self.model,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--device",
            self.device,
            *self.extra_args,
        ]

    def start(self) -> TransformersServer:
        """Start the server and wait until it answers ``/health`` (raises ``TutorError`` with
        the end of its log when it exits or does not come up in ``startup_s`` seconds)."""
        import os
        import subprocess
        import tempfile
        import urllib.error
        import urllib.request

        from tutor.errors import TutorError

        if self.log_path is None:
            with tempfile.NamedTemporaryFile(
                prefix="kptutor-serve-", suffix=".log", delete=False
            ) as made:
                self.log_path = made.name
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        with open(self.log_path, "wb") as log_file:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                self.command(), stdout=log_file, stderr=subprocess.STDOUT, env=env
            )
        health = self.url.removesuffix("/v1") + "/health"
        deadline = time.monotonic() + self.startup_s
        while True:
            if self.process.poll() is not None:
                raise TutorError(f"`transformers serve` exited at start:\n{self._log_tail()}")
            try:
                with urllib.request.urlopen(health, timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise TutorError(
                    f"`transformers serve` did not come up in {self.startup_s:g} s:\n"
                    f"{self._log_tail()}"
                )
            time.sleep(0.5)

    def _log_tail(self, chars: int = 3000) -> str:
        try:
            with open(str(self.log_path), encoding="utf-8", errors="replace") as log_file:
                return log_file.read()[-chars:]
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the server (terminate, then kill if it does not exit in ``timeout`` s)."""
        import subprocess

        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> TransformersServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
