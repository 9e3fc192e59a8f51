"""Class-scale serving (tutor.llm.serving): the template at once, fair queueing, batching.

The model here is a fake (``FakeSlowModel``): it sleeps a fixed time per decode and records the
order it served requests in, so fairness and blocking are checked on the order and the
timestamps, not on a real model's speed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from tutor.errors import InputError
from tutor.llm.base import Message, complete
from tutor.llm.serving import BatchingModel, FairQueue, Ticket, VoiceServer, _Job


class FakeSlowModel:
    """A fake model: each decode (single or batch) takes ``delay`` seconds; it logs what ran."""

    name = "fake:slow"

    def __init__(self, delay: float) -> None:
        self.delay = delay
        #: Decodes wait for this (set: no wait), so a test can hold the model mid-decode.
        self.gate = threading.Event()
        self.gate.set()
        self.served: list[str] = []
        self.batches: list[int] = []
        self.limits: list[list[int]] = []
        self.lock = threading.Lock()
        self.running = 0
        self.most_running = 0

    def word(self, student: str, label: str) -> str:
        with self.lock:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        self.gate.wait(10)
        time.sleep(self.delay)
        with self.lock:
            self.running -= 1
            self.served.append(student)
        return f"model words for {label}"

    def generate_batch(
        self,
        prompts: Sequence[Sequence[Message]],
        *,
        temperature: float = 0.3,
        max_new_tokens: int | Sequence[int] = 256,
    ) -> list[str]:
        with self.lock:
            self.batches.append(len(prompts))
            self.limits.append(
                [max_new_tokens] * len(prompts)
                if isinstance(max_new_tokens, int)
                else list(max_new_tokens)
            )
        time.sleep(self.delay)
        return [f"reply to {p[-1].content}" for p in prompts]


def _job(student: str) -> _Job:
    return _Job(Ticket(student=student, template="t"), lambda: "x")


def test_fair_queue_serves_students_round_robin() -> None:
    queue = FairQueue(max_pending=20, per_student=5)
    # Student a asks four times before b and c ask once each.
    for student in ["a", "a", "a", "a", "b", "c"]:
        assert queue.put(_job(student))
    order = []
    while (job := queue.get(timeout=0)) is not None:
        order.append(job.ticket.student)
    assert order == ["a", "b", "c", "a", "a", "a"]


def test_full_queue_refuses_at_once_and_a_students_oldest_is_superseded() -> None:
    queue = FairQueue(max_pending=3, per_student=2)
    first, second, third = _job("a"), _job("a"), _job("a")
    assert queue.put(first) and queue.put(second)
    assert queue.put(third)  # a third from the same student replaces the oldest
    assert first.ticket.state == "superseded" and first.ticket.final
    assert first.ticket.text == "t"  # the template still stands
    assert queue.put(_job("b"))
    late = _job("c")
    assert not queue.put(late)  # 3 waiting: full
    assert late.ticket.state == "refused" and late.ticket.reason == "busy"
    assert late.ticket.wait(0) and late.ticket.text == "t"
    assert len(queue) == 3


def test_thirty_students_get_the_template_at_once_and_the_model_fairly() -> None:
    model = FakeSlowModel(delay=0.005)
    model.gate.clear()  # the model is stuck on the first request until released
    server = VoiceServer(workers=1, max_pending=64, per_student=2)
    try:
        # One greedy student sends two requests first; then 29 classmates one each.
        tickets: list[Ticket] = []
        for student in ["greedy", "greedy", *[f"s{i:02d}" for i in range(29)]]:
            label = f"{student}-{len(tickets)}"
            tickets.append(
                server.submit(
                    student, f"template {label}", lambda s=student, n=label: model.word(s, n)
                )
            )
        # No head-of-line blocking: with the model stuck, every submit returned and every
        # page has its whole template text to show.
        assert all(t.text.startswith("template ") and not t.final for t in tickets)
        model.gate.set()
        assert all(t.wait(10) for t in tickets)
    finally:
        server.close()
    assert all(t.state == "done" and t.text.startswith("model words") for t in tickets)
    # Round-robin: the greedy student's second request waits until every classmate's first.
    assert model.served[0] == "greedy"
    assert model.served.index("greedy", 1) == len(model.served) - 1
    assert model.most_running == 1  # one decode at a time on a CPU worker


def test_a_failing_or_empty_wording_leaves_the_template() -> None:
    server = VoiceServer(workers=2)

    def broken() -> str:
        raise RuntimeError("decoder crashed")

    try:
        failed = server.submit("a", "the template", broken)
        empty = server.submit("b", "the template", lambda: None)
        assert failed.wait(5) and empty.wait(5)
    finally:
        server.close()
    assert failed.state == "failed" and "decoder crashed" in (failed.reason or "")
    assert empty.state == "failed" and empty.reason == "no_text"
    assert failed.text == empty.text == "the template"


def test_closing_refuses_what_still_waits() -> None:
    model = FakeSlowModel(delay=0.2)
    server = VoiceServer(workers=1)
    running = server.submit("a", "ta", lambda: model.word("a", "a"))
    waiting = server.submit("b", "tb", lambda: model.word("b", "b"))
    time.sleep(0.05)
    server.close()
    assert waiting.state == "refused" and waiting.reason == "closed"
    assert running.wait(2) and running.state == "done"


def test_submit_without_a_template_is_refused() -> None:
    server = VoiceServer()
    try:
        with pytest.raises(InputError, match="template"):
            server.submit("a", "  ", lambda: "x")
    finally:
        server.close()


def test_concurrent_calls_are_decoded_as_one_batch() -> None:
    fake = FakeSlowModel(delay=0.05)
    model = BatchingModel(fake, max_batch=32, window_s=0.2)
    results: dict[int, str] = {}

    def ask(i: int) -> None:
        results[i] = complete(model, [Message("user", f"q{i}")], max_new_tokens=40)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == {i: f"reply to q{i}" for i in range(30)}
    # 30 calls in a few batches, not 30 decodes in a row.
    assert sum(fake.batches) == 30 and len(fake.batches) <= 3


def test_calls_arriving_during_a_decode_go_together_as_the_next_batch() -> None:
    # Requests trickle in (each page builds its prompt first): one decode runs alone, the
    # ten that arrive while it runs wait and go as one batch, not ten small ones.
    fake = FakeSlowModel(delay=0.3)
    model = BatchingModel(fake, max_batch=32, window_s=0.0)
    results: dict[int, str] = {}

    def ask(i: int) -> None:
        results[i] = complete(model, [Message("user", f"q{i}")], max_new_tokens=40)

    first = threading.Thread(target=ask, args=(0,))
    first.start()
    time.sleep(0.05)  # the first decode is running
    late = []
    for i in range(1, 11):
        late.append(threading.Thread(target=ask, args=(i,)))
        late[-1].start()
        time.sleep(0.01)
    for thread in [first, *late]:
        thread.join(5)
    assert results == {i: f"reply to q{i}" for i in range(11)}
    assert fake.batches == [1, 10]


def test_texts_of_different_lengths_share_a_batch_each_with_its_own_limit() -> None:
    # A class asks for hints (120 tokens), feedback (160) and explanations (320) at once: one
    # batch, not one per limit decoded in turn; each prompt keeps its own limit. A different
    # temperature (a guard retry) is a different batch.
    fake = FakeSlowModel(delay=0.05)
    model = BatchingModel(fake, max_batch=32, window_s=0.3)
    limits = {i: (120, 160, 320)[i % 3] for i in range(9)}
    results: dict[int, str] = {}

    def ask(i: int, temperature: float = 0.3) -> None:
        results[i] = complete(
            model, [Message("user", f"q{i}")], temperature=temperature, max_new_tokens=limits[i]
        )

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert fake.batches == [9]
    assert sorted(fake.limits[0]) == sorted(limits.values())
    assert results == {i: f"reply to q{i}" for i in range(9)}

    fake.batches.clear()
    both = [threading.Thread(target=ask, args=(i, t)) for i, t in ((0, 0.3), (1, 0.15))]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join(5)
    assert sorted(fake.batches) == [1, 1]


def test_the_first_call_waits_only_while_a_class_is_still_arriving() -> None:
    # quiet_s: the first call into an idle model waits while calls keep coming, and no longer
    # than quiet_s after the last one (window_s stays the upper bound).
    fake = FakeSlowModel(delay=0.0)
    model = BatchingModel(fake, max_batch=32, window_s=5.0, quiet_s=0.3)
    started = time.perf_counter()
    assert complete(model, [Message("user", "alone")]) == "reply to alone"
    assert time.perf_counter() - started < 2.5  # not the 5 s window
    results: dict[int, str] = {}

    def ask(i: int) -> None:
        results[i] = complete(model, [Message("user", f"q{i}")])

    threads = []
    for i in range(10):  # a class arriving 20 ms apart: all within the quiet gap
        threads.append(threading.Thread(target=ask, args=(i,)))
        threads[-1].start()
        time.sleep(0.02)
    for thread in threads:
        thread.join(10)
    assert results == {i: f"reply to q{i}" for i in range(10)}
    assert list(fake.batches) == [1, 10]
    assert len(model.calls_at) == 11 and len(model.batches_at) == 2
    with pytest.raises(InputError, match="seconds"):
        BatchingModel(fake, quiet_s=-1)


def test_batches_never_exceed_the_limit_and_errors_reach_every_caller() -> None:
    fake = FakeSlowModel(delay=0.01)
    model = BatchingModel(fake, max_batch=4, window_s=0.05)
    out: list[str] = []
    threads = [
        threading.Thread(target=lambda i=i: out.append(complete(model, [Message("user", str(i))])))
        for i in range(10)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(out) == 10 and max(fake.batches) <= 4

    class FakeBrokenModel(FakeSlowModel):
        def generate_batch(self, prompts, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("out of memory")

    broken = BatchingModel(FakeBrokenModel(0.0), window_s=0.0)
    with pytest.raises(RuntimeError, match="out of memory"):
        complete(broken, [Message("user", "x")])


def test_serving_and_tuning_import_without_torch_or_peft() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tutor.llm.serving, tutor.llm.tune, tutor.llm.weights; "
        "print([k for k in sys.modules if k.split('.')[0] in ('torch', 'transformers', 'peft')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


class _FakeCudaModel:
    """A fake model that says it batches on CUDA (max_concurrency 32) and records warm-ups."""

    max_concurrency = 32

    def __init__(self) -> None:
        self.warmed = 0

    def warm_up(self) -> float:
        self.warmed += 1
        return 0.0


class _FakeCpuModel(_FakeCudaModel):
    """The same fake on a CPU: one wording at a time."""

    max_concurrency = 1


def test_warm_model_warms_only_a_model_that_batches_on_cuda() -> None:
    from tutor.llm.template import TemplateModel
    from tutor.service import warm_model

    cuda = _FakeCudaModel()
    thread = warm_model(cuda)
    assert thread is not None and thread.name == "model-warm-up"
    thread.join(timeout=10)
    assert cuda.warmed == 1
    cpu = _FakeCpuModel()
    assert warm_model(cpu) is None and cpu.warmed == 0
    assert warm_model(TemplateModel()) is None  # no warm_up: nothing to capture


def test_a_failed_warm_up_is_logged_and_leaves_the_model_usable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from tutor.service import warm_model

    class Failing(_FakeCudaModel):
        def warm_up(self) -> float:
            raise RuntimeError("CUDA out of memory")

    with caplog.at_level("WARNING", logger="tutor.service"):
        thread = warm_model(Failing())
        assert thread is not None
        thread.join(timeout=10)
    assert "warm-up failed" in caplog.text and "out of memory" in caplog.text
