"""The load generator with several engine processes on ONE store, as ``make serve N=2``
runs the app: each process opens the store and builds its own :class:`Engine`, and drives
its share of the students (a student's tab stays on one process, as the proxy's sticky
cookie keeps it). The same audit as :mod:`tests.reliability.loadgen` then runs over all of
them together: every acknowledged attempt stored once, nothing stored that was not
acknowledged, and the stored mastery equal to the replay of the attempt log.

Latency percentiles are per process (each process times its own calls); the combined
figure given is the worst process's, an upper bound, not a pooled percentile.

    python -m tests.reliability.loadgen_processes --processes 2 --students 200 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from tests.reliability.loadgen import (
    LoadReport,
    _load_avg,
    _server_cpu_s,
    _store,
    audit,
    engine_target,
    prepare_store,
    run_load,
    warm_up,
)
from tutor.engine import Engine
from tutor.settings import Settings


@dataclass
class ProcessesReport:
    """The combined run: the audit over all processes, and each process's own figures."""

    combined: LoadReport
    processes: int
    per_process: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The audit found nothing lost, doubled or inconsistent, and no client erred."""
        return self.combined.ok


def _one_process(
    url: str,
    settings: Settings,
    ids: list[str],
    seconds: float,
    think_s: tuple[float, float],
    seed: int,
    name: str,
    start: Any,
    out: Any,
) -> None:
    """A child process: its own store connection and engine, its share of the students."""
    with _store(url, settings) as store:
        engine = Engine(store)
        engine.path(ids[0])  # warm-up outside the measurement, as load_profile does
        start.wait()  # every process starts driving at the same moment
        report, ledger = run_load(
            engine, ids, seconds=seconds, think_s=think_s, seed=seed, engine_name=name
        )
    out.put((os.getpid(), asdict(report), ledger))


def load_profile_processes(
    url: str,
    settings: Settings,
    *,
    processes: int,
    students: int,
    seconds: float,
    think_s: tuple[float, float] = (0.4, 1.2),
    seed: int = 0,
    name: str = "",
    wipe: Any = None,
) -> ProcessesReport:
    """Prepare the store, run ``processes`` engine processes on it, audit them together."""
    if processes < 1:
        raise ValueError(f"processes must be at least 1, not {processes}")
    if wipe is not None:
        wipe()
    with _store(url, settings) as store:
        ids = prepare_store(store, students)
        warm_up(Engine(store))  # the server's plans, as load_profile does
    shares = [ids[i::processes] for i in range(processes)]
    ctx = mp.get_context("spawn")  # a clean interpreter each, as separate app processes are
    start = ctx.Barrier(processes + 1)
    out = ctx.Queue()
    children = [
        ctx.Process(
            target=_one_process,
            args=(url, settings, share, seconds, think_s, seed + n, name, start, out),
        )
        for n, share in enumerate(shares)
    ]
    for child in children:
        child.start()
    load_before = _load_avg()
    start.wait(timeout=300)
    server_began = _server_cpu_s()
    results = [out.get(timeout=seconds + 300) for _ in children]
    server_ended = _server_cpu_s()
    load_after = _load_avg()
    for child in children:
        child.join(timeout=60)
    combined = LoadReport(f"{name} ×{processes} processes", students, seconds, think_s)
    ledger: dict[str, list[int]] = {}
    per_process = []
    for pid, report, part in results:
        ledger.update(part)
        per_process.append({"pid": pid} | {k: report[k] for k in _FIGURES})
        combined.answers += report["answers"]
        combined.answers_per_s += report["answers_per_s"]
        combined.errors += report["errors"]
        combined.store_retries += report["store_retries"]
        # Process CPU summed over the processes, per answer of all of them.
        combined.cpu_ms_per_answer += report["cpu_ms_per_answer"] * report["answers"]
        for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms"):
            setattr(combined, key, max(getattr(combined, key), report[key]))
    answers = max(combined.answers, 1)
    server_ms = None
    if server_began is not None and server_ended is not None and name == "neo4j":
        # Measured here, over the run of all processes (each child's own figure counts the
        # others' answers' server work too).
        server_ms = 1000 * (server_ended - server_began) / answers
    combined = replace(
        combined,
        load_avg=(load_before, load_after),
        cpu_ms_per_answer=combined.cpu_ms_per_answer / answers,
        server_cpu_ms_per_answer=server_ms,
    )
    with _store(url, settings) as fresh:
        audit(fresh, ledger, combined)
    return ProcessesReport(combined, processes, per_process)


_FIGURES = (
    "students",
    "answers",
    "answers_per_s",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
    "cpu_ms_per_answer",
    "store_retries",
    "peak_transactions",
)


def main(argv: list[str] | None = None) -> int:
    """Run the profile on each engine and print the combined audits as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--engines", default="sqlite,neo4j")
    parser.add_argument("--json", type=Path, help="write the reports here")
    args = parser.parse_args(argv)
    results = []
    for name in args.engines.split(","):
        url, settings, wipe = engine_target(name, fresh=True)
        report = load_profile_processes(
            url,
            settings,
            processes=args.processes,
            students=args.students,
            seconds=args.seconds,
            name=name,
            wipe=wipe,
        )
        results.append(report)
        doc = asdict(report.combined) | {"ok": report.ok, "per_process": report.per_process}
        print(json.dumps(doc, indent=2), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                [asdict(r.combined) | {"ok": r.ok, "per_process": r.per_process} for r in results],
                indent=2,
            )
        )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
