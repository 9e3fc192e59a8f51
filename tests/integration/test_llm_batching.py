"""Concurrent requests share one batched decode (issue 17), on a real tiny checkpoint.

:class:`tutor.llm.serving.BatchingModel` over the transformers backend: requests made at the
same moment from several threads — as the app's :class:`~tutor.llm.serving.VoiceServer`
workers make them — reach the model as one ``generate_batch`` call, and each caller gets its
own reply (the same text as asking alone, greedy). On CUDA that call is one batched decode;
on this CPU the backend decodes the batch's prompts in turn, so only the gathering is shown.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.test_llm_transformers import build_tiny_checkpoint
from tutor.errors import InputError
from tutor.llm import Message, complete
from tutor.llm.backends import transformers_backend
from tutor.llm.backends.openai_backend import OpenAIModel
from tutor.llm.backends.transformers_backend import BATCH_MAX, TransformersModel
from tutor.llm.serving import BatchingModel, VoiceServer, concurrency
from tutor.service import app_model, voice_server, warm_model
from tutor.settings import Settings


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> TransformersModel:
    folder = build_tiny_checkpoint(tmp_path_factory.mktemp("batch"), "dense")
    return TransformersModel(str(folder), device="cpu")


def _asks(n: int) -> list[list[Message]]:
    return [[Message("user", f"What is {k} plus {k + 2}?")] for k in range(n)]


def test_concurrent_requests_are_decoded_in_one_batch(tiny: TransformersModel) -> None:
    alone = [complete(tiny, ask, temperature=0.0, max_new_tokens=6) for ask in _asks(6)]
    # A window long enough that six threads started together all join the first batch.
    batching = BatchingModel(tiny, window_s=1.0)
    replies: dict[int, str] = {}
    barrier = threading.Barrier(6)

    def ask(k: int) -> None:
        barrier.wait()
        replies[k] = complete(batching, _asks(6)[k], temperature=0.0, max_new_tokens=6)

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(batching.batch_sizes) == [6]
    assert [replies[k] for k in range(6)] == alone


def test_the_voice_server_runs_as_many_wordings_as_the_model_takes(
    tiny: TransformersModel,
) -> None:
    # On a CPU one decode at a time is fastest; a model server batches concurrent requests.
    assert tiny.max_concurrency == 1 and concurrency(tiny) == 1
    assert tiny.warm_up() == 0.0  # nothing to capture: the CPU path has no batched decoder
    remote = OpenAIModel("http://127.0.0.1:9/v1")
    assert concurrency(remote) == remote.max_concurrency == 32
    assert BATCH_MAX == 32
    for model, workers in ((tiny, 1), (remote, 32)):
        server: VoiceServer = voice_server(workers=1, max_pending=8, per_student=2, model=model)
        try:
            assert len(server._threads) == workers
        finally:
            server.close()


def test_the_app_model_on_a_cpu_is_not_warmed_and_stays_unloaded(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # A fresh folder, so no earlier test has loaded these weights into the process cache.
    folder = build_tiny_checkpoint(tmp_path_factory.mktemp("cold"), "dense")
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"), llm=f"transformers:{folder}", llm_device="cpu"
    )
    cached = set(transformers_backend._CACHE)
    model = app_model(settings)
    assert isinstance(model, TransformersModel) and model.device == "cpu"
    assert warm_model(model) is None
    assert not any(t.name == "model-warm-up" for t in threading.enumerate())
    # Nothing was loaded at start: the weights load at the first wording, as before.
    assert set(transformers_backend._CACHE) == cached
    assert complete(model, _asks(1)[0], temperature=0.0, max_new_tokens=2) is not None
    assert set(transformers_backend._CACHE) != cached


class _FakeDecoder:
    """A fake of the CUDA batched decoder (``fast_decode``), which needs a GPU: it yields the
    same ordinary token for every row for up to 100 steps, except that row 1 ends at step 2,
    and counts the steps it was asked for."""

    max_len = 4096

    def __init__(self, token: int, eos: int) -> None:
        self.token, self.eos, self.steps = token, eos, 0

    def generate(self, ids: Any, mask: Any, **kwargs: Any) -> Iterator[Any]:
        import torch

        for step in range(100):
            self.steps += 1
            row = [self.token] * int(ids.shape[0])
            if step >= 1:
                row[1] = self.eos
            yield torch.tensor(row)


def test_a_batched_decode_stops_each_row_at_its_own_limit(tiny: TransformersModel) -> None:
    # The row logic of the CUDA batch path, over the real tokenizer: limits 3, 8 and 5 in one
    # batch (padded to 4 rows); row 1 ends itself after one token, well before its 8; the decode
    # stops when every real row is done (after 5 steps: row 2's limit), not at the decoder's 100.
    loaded = tiny.load()
    token = int(loaded.tokenizer("a", add_special_tokens=False)["input_ids"][0])
    decoder = _FakeDecoder(token, loaded.eos_token_ids[0])
    texts = tiny._decode_batch(loaded, decoder, _asks(3), 0.3, [3, 8, 5])
    words = [loaded.tokenizer.decode([token] * n, skip_special_tokens=True) for n in (3, 1, 5)]
    assert texts == words
    assert decoder.steps == 5
    with pytest.raises(InputError, match="one limit, or one per prompt"):
        tiny.generate_batch(_asks(2), max_new_tokens=[4])
    # On this CPU, per-prompt limits go prompt by prompt, each with its own limit.
    one, two = tiny.generate_batch(_asks(2), temperature=0.0, max_new_tokens=[2, 6])
    assert one == complete(tiny, _asks(2)[0], temperature=0.0, max_new_tokens=2)
    assert two == complete(tiny, _asks(2)[1], temperature=0.0, max_new_tokens=6)
