"""Class-scale model serving: first-words latency for 30 students asking at once (issue 17).

Every student asks for texts (a hint, feedback, an explanation, a why, in turn, about items of
different generator families) at the same moment, each through the tutor's own path:
:func:`tutor.llm.explain.explain` (plan, prompt, model, guard, up to 3 tries) with the model
behind one of two routes:

* ``--serve FOLDER`` / ``--url URL``: the **server route**, an OpenAI-compatible server through
  the ``openai`` backend (:class:`~tutor.llm.backends.openai_backend.OpenAIModel`).
  ``--serve`` starts ``transformers serve`` on the folder itself (``--device``, and
  ``--continuous-batching`` for the GPU) and stops it after; ``--url`` uses a running server.
* ``--in-process FOLDER``: the **in-process route** on CUDA, the app's own: each student's
  request is a job on :class:`~tutor.llm.serving.VoiceServer` (as the app queues it), with
  :func:`~tutor.llm.serving.concurrency` workers, the transformers backend batching concurrent
  calls.

*First words* is the time from a student's request to the first piece of the model's text
(for the server route, the first streamed piece of the first try; for the in-process route the
text comes whole, so it is the whole first try). Also reported: the time to the shown text
(after the guard, retries included), how the guard ended, and the batch sizes.

Run: ``python benchmarks/llm_serve.py --serve <pulled smollm2 folder> --students 30
--write BENCHMARKS.md`` (CPU), ``python benchmarks/llm_serve.py --serve FOLDER --device cuda
--continuous-batching --label gpu --write BENCHMARKS.md`` (GPU). The rows of all runs are kept
in ``benchmarks/results/llm_serve.json`` and rendered together.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import write_section

from tutor.content.items import GENERATORS, ensure_generators_loaded, generate
from tutor.llm.base import LanguageModel, Message
from tutor.llm.explain import explain
from tutor.llm.options import ExplainOptions

RESULTS = Path(__file__).resolve().parent / "results" / "llm_serve.json"
GOAL_P95_S = 1.0
KINDS = ("hint", "feedback", "explanation", "why")
log = logging.getLogger("llm_serve")


class FirstWords:
    """A :class:`~tutor.llm.base.LanguageModel` that records, per request, when the first
    piece of text arrived (the request's start is set by :meth:`begin` in the student's
    thread; only the first try of a request is timed)."""

    def __init__(self, inner: LanguageModel) -> None:
        self.inner = inner
        self._local = threading.local()

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self.inner.name

    @property
    def reads_data_block(self) -> bool:
        """As the wrapped model (the prompt is built the same way)."""
        return bool(getattr(self.inner, "reads_data_block", True))

    def begin(self, start: float | None = None) -> None:
        """A new request starts in this thread, now or at ``start`` (``perf_counter``)."""
        self._local.start = time.perf_counter() if start is None else start
        self._local.first = None

    def first_words_s(self) -> float | None:
        """Seconds from :meth:`begin` to the first piece, or None if none came."""
        first: float | None = getattr(self._local, "first", None)
        return first

    def generate(
        self, messages: Sequence[Message], *, temperature: float = 0.3, max_new_tokens: int = 256
    ) -> Iterator[str]:
        """The wrapped model's pieces, timing the first one of the request."""
        for piece in self.inner.generate(
            messages, temperature=temperature, max_new_tokens=max_new_tokens
        ):
            if piece and getattr(self._local, "first", 0) is None:
                self._local.first = time.perf_counter() - self._local.start
            yield piece


def _items(students: int, rounds: int, seed: int) -> list[list[tuple[Any, ExplainOptions]]]:
    """Per student, ``rounds`` (item, options) pairs from different generator families."""
    ensure_generators_loaded()
    families = sorted(GENERATORS)
    plan: list[list[tuple[Any, ExplainOptions]]] = []
    for s in range(students):
        asks = []
        for r in range(rounds):
            family = families[(s * 7 + r * 13) % len(families)]
            item = generate(family, 2, seed + s * 100 + r)
            kind = KINDS[(s + r) % len(KINDS)]
            asks.append((item, ExplainOptions(kind=kind, language="en")))  # type: ignore[arg-type]
        plan.append(asks)
    return plan


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    first = [r["first_words_s"] for r in rows if r["first_words_s"] is not None]
    shown = [r["shown_s"] for r in rows]
    return {
        "requests": len(rows),
        "first_words": len(first),
        "first_words_p50_s": round(_pct(first, 0.5), 3) if first else None,
        "first_words_p95_s": round(_pct(first, 0.95), 3) if first else None,
        "first_words_max_s": round(max(first), 3) if first else None,
        "shown_p50_s": round(_pct(shown, 0.5), 3),
        "shown_p95_s": round(_pct(shown, 0.95), 3),
        "guard": dict(Counter(r["guard"] for r in rows)),
        "errors": sum(1 for r in rows if r.get("error")),
    }


def run_students(
    model: LanguageModel, students: int, rounds: int, seed: int, max_tries: int = 3
) -> dict[str, Any]:
    """``students`` threads, released together, each asking ``rounds`` texts in a row through
    :func:`explain` (server route: the model streams)."""
    timed = FirstWords(model)
    asks = _items(students, rounds, seed)
    rows: list[dict[str, Any]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(students)

    def student(k: int) -> None:
        barrier.wait()
        for item, options in asks[k]:
            timed.begin()
            t0 = time.perf_counter()
            row: dict[str, Any] = {"student": k, "kind": options.kind}
            try:
                shown = explain(item, model=timed, options=options, max_tries=max_tries)
                row["guard"] = shown.guard
            except Exception as exc:  # counted and reported, never hidden
                row["guard"], row["error"] = "error", f"{type(exc).__name__}: {exc}"
            row["shown_s"] = time.perf_counter() - t0
            row["first_words_s"] = timed.first_words_s()
            with lock:
                rows.append(row)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=student, args=(k,)) for k in range(students)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    errors = [r["error"] for r in rows if r.get("error")]
    return {**_summary(rows), "wall_s": round(wall, 2), "error_samples": errors[:3]}


def run_in_process(
    folder: str,
    students: int,
    rounds: int,
    seed: int,
    device: str,
    max_tries: int = 3,
    gather: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The app's in-process route: jobs on a VoiceServer, the transformers backend batching."""
    from tutor.llm.backends.transformers_backend import TransformersModel, adapter_for
    from tutor.llm.explain import explain_template
    from tutor.llm.serving import VoiceServer, concurrency

    model = TransformersModel(folder, device=device, adapter=adapter_for(folder, None))
    model.load()
    workers = concurrency(model)
    asks = _items(students, rounds, seed)
    # Warm-up: on CUDA the decoder compiles and captures its graphs once per batch size (a
    # power of two); a server does this once, before its first class.
    warm = time.perf_counter()
    item, options = asks[0][0]
    explain(item, model=model, options=options, max_tries=1)
    model.warm_up()
    warm_s = time.perf_counter() - warm
    batcher = getattr(model, "_batcher", None)
    if batcher is not None and gather is not None:
        batcher.window_s, batcher.quiet_s = gather
    if batcher is not None:
        batcher.batch_sizes.clear()
        batcher.calls_at.clear()
        batcher.batches_at.clear()
    server = VoiceServer(workers=workers, max_pending=students * rounds * 2, per_student=rounds)
    rows: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    tickets = []
    timed = FirstWords(model)
    first: dict[int, float | None] = {}
    for r in range(rounds):
        for k in range(students):
            item, options = asks[k][r]
            template = explain_template(item, options=options).text
            job = len(tickets)

            def make(
                item: Any = item,
                options: ExplainOptions = options,
                job: int = job,
                asked: float = time.perf_counter(),
            ) -> str | None:
                # First words: from the request (queue wait included) to the first try's
                # text, which this route gives whole.
                timed.begin(asked)
                shown = explain(item, model=timed, options=options, max_tries=max_tries)
                first[job] = timed.first_words_s()
                return None if shown.guard == "fallback" else shown.text

            tickets.append((k, options.kind, server.submit(f"s{k}", template, make)))
    for job, (k, kind, ticket) in enumerate(tickets):
        ticket.wait(600)
        shown = (ticket.finished or time.perf_counter()) - ticket.submitted
        rows.append(
            {
                "student": k,
                "kind": kind,
                "guard": ticket.state,
                "shown_s": shown,
                "first_words_s": first.get(job),
            }
        )
    wall = time.perf_counter() - t0
    server.close()
    batches = list(getattr(batcher, "batch_sizes", []))
    # The timeline, from the first request: when the model was called, and each batch's
    # start and end (seconds).
    calls = [round(c - t0, 3) for c in getattr(batcher, "calls_at", [])]
    spans = [(round(a - t0, 3), round(b - t0, 3)) for a, b in getattr(batcher, "batches_at", [])]
    reasons = Counter(str(t.reason).split(":")[0] for _, _, t in tickets if t.reason)
    return {
        **_summary(rows),
        "reasons": dict(reasons),
        "reason_samples": sorted({str(t.reason) for _, _, t in tickets if t.reason})[:3],
        "wall_s": round(wall, 2),
        "workers": workers,
        "warmup_s": round(warm_s, 1),
        "batch_sizes": batches[:50],
        "gather": {
            "window_s": getattr(batcher, "window_s", None),
            "quiet_s": getattr(batcher, "quiet_s", None),
        },
        "model_called_at_s": calls[:100],
        "batches_at_s": spans[:50],
    }


def _environment(device: str) -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    try:
        import torch
        import transformers

        info["torch"] = torch.__version__
        info["transformers"] = transformers.__version__
        if device.startswith("cuda") and torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_properties(0).name
    except ImportError:
        pass
    try:
        import openai

        info["openai"] = openai.__version__
    except ImportError:
        pass
    if hasattr(os, "getloadavg"):
        info["load_before"] = round(os.getloadavg()[0], 2)
    return info


def render(runs: list[dict[str, Any]]) -> str:
    """All saved runs as one Markdown section."""
    lines = [
        "| run | route | machine | students × texts | first words p50 / p95 (s) "
        "| shown text p50 / p95 (s) | guard | errors | goal p95 ≤ 1 s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        env = run["environment"]
        machine = env.get("gpu") or f"CPU ({env.get('cpus')} cores)"
        p95 = run["first_words_p95_s"]
        goal = "met" if p95 is not None and p95 <= GOAL_P95_S else "NOT met"
        guard = ", ".join(f"{k} {v}" for k, v in sorted(run["guard"].items()))
        lines.append(
            f"| {run['label']} | {run['route']} | {machine} | {run['students']} × {run['rounds']} "
            f"| {run['first_words_p50_s']} / {p95} | {run['shown_p50_s']} / {run['shown_p95_s']} "
            f"| {guard} | {run['errors']} | {goal} |"
        )
    lines.append("")
    for run in runs:
        env = run["environment"]
        extra = ""
        if run.get("batch_sizes"):
            extra = f"; batch sizes {run['batch_sizes'][:12]}, {run['workers']} workers"
        lines.append(
            f"- {run['label']}: {run['date']}, {run['model']}, explain()'s token limits, "
            f"wall {run['wall_s']} s, torch {env.get('torch')}, transformers "
            f"{env.get('transformers')}, openai {env.get('openai')}, load {env.get('load_before')}"
            f"{extra}{'; ' + run['note'] if run.get('note') else ''}. "
            f"Reproduce: `{run['command']}`."
        )
    return "\n".join(lines)


def _save(run: dict[str, Any], path: Path) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    runs = [r for r in runs if r["label"] != run["label"]] + [run]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(runs, indent=1) + "\n")
    return runs


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    route = parser.add_mutually_exclusive_group()
    route.add_argument("--serve", help="start `transformers serve` on this model folder")
    route.add_argument("--url", help="a running OpenAI-compatible server (…/v1)")
    route.add_argument("--in-process", help="the in-process route on this model folder")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--continuous-batching", action="store_true")
    parser.add_argument(
        "--no-adapter", action="store_true", help="serve the base model, not the app's voice"
    )
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=1, help="texts each student asks for")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-tries", type=int, default=3, help="guard tries per text")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds the backend waits for each piece"
    )
    parser.add_argument("--label", default="cpu")
    parser.add_argument(
        "--gather",
        help="in-process: the batcher's WINDOW_S,QUIET_S (how long the first call into an idle "
        "model waits for company; default: the app's)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--write", type=Path, help="write the llm_serve section of this file")
    parser.add_argument("--report", action="store_true", help="only render the saved runs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    heading = "## Class-scale model serving (`benchmarks/llm_serve.py`, issue 17)"
    if args.report:
        runs = json.loads(args.out.read_text()) if args.out.exists() else []
        print(render(runs))
        if args.write:
            write_section(args.write, render(runs), "llm_serve", heading=heading)
        return 0
    if not (args.serve or args.url or args.in_process):
        parser.error("give --serve FOLDER, --url URL or --in-process FOLDER (or --report)")
    env = _environment(args.device)
    result: dict[str, Any]
    if args.in_process:
        gather = None
        if args.gather:
            try:
                window, quiet = (float(x) for x in args.gather.split(","))
            except ValueError:
                parser.error(f"--gather takes WINDOW_S,QUIET_S (two numbers), not {args.gather!r}")
            gather = (window, quiet)
        result = run_in_process(
            args.in_process,
            args.students,
            args.rounds,
            args.seed,
            args.device,
            args.max_tries,
            gather,
        )
        route_name, model_name = "in-process", args.in_process
    else:
        from tutor.llm.backends.openai_backend import OpenAIModel
        from tutor.llm.backends.transformers_backend import merged_copy
        from tutor.llm.serving import TransformersServer

        server = None
        if args.serve:
            import tempfile

            extra = ["--continuous-batching"] if args.continuous_batching else []
            served = args.serve or ""
            if not args.no_adapter:
                served = merged_copy(args.serve, Path(tempfile.mkdtemp(prefix="kptutor-merged-")))
            server = TransformersServer(served, device=args.device, extra_args=extra)
            t0 = time.perf_counter()
            server.start()
            log.info("server up in %.1f s at %s", time.perf_counter() - t0, server.url)
        try:
            url = server.url if server else args.url
            model = OpenAIModel(url, model=served if server else None, timeout_s=args.timeout)
            # One request first, as a teacher's first click would: loads the model in the
            # server (transformers serve loads on first use) and learns its name.
            "".join(model.generate([Message("user", "Hi")], max_new_tokens=4))
            result = run_students(model, args.students, args.rounds, args.seed, args.max_tries)
            model.close()
        finally:
            if server:
                server.stop()
        batching = " (continuous batching)" if args.continuous_batching else ""
        route_name = "transformers serve" + batching
        route_name = route_name if args.serve else "openai server"
        model_name = args.serve or args.url
    run = {
        "label": args.label,
        "route": route_name,
        "model": Path(model_name).name,
        "students": args.students,
        "rounds": args.rounds,
        "date": time.strftime("%Y-%m-%d"),
        "environment": env,
        "command": "python benchmarks/llm_serve.py " + " ".join(argv or sys.argv[1:]),
        **result,
    }
    print(json.dumps(run, indent=1))
    runs = _save(run, args.out)
    if args.write:
        write_section(args.write, render(runs), "llm_serve", heading=heading)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
