"""How long the answer checker takes on hostile and heavy input.

A student can type anything; the checker must answer before the app feels stuck. Three
corpora, all seeded:

* ``any text`` — ``parse_answer`` on random strings from all of Unicode (up to 60 characters);
* ``answer tokens`` — ``check_answer`` of strings built from answer pieces (digits, powers,
  roots, relations, full-width forms) against four expected answers;
* ``heavy`` — ``check_answer`` of the inputs whose naive evaluation would expand huge powers
  (:data:`tests.answer_corpus.HEAVY`) against the same four answers, ``--repeats`` times,
  each call with sympy's cache emptied first (the worst case: nothing computed before).

Each timing is one call (one parse, or one check against one expected answer), wall clock.
Bar (ours, the app's budget for one answer): every call under 1 s.

Run: ``python benchmarks/answer_speed.py [--texts 5000] [--tokens 2000] [--seed 0]
[--write BENCHMARKS.md]``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from _report import write_section
from sympy.core.cache import clear_cache

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared corpus lives in tests/answer_corpus.py

from tests import answer_corpus as corpus  # noqa: E402
from tutor.content.answers import UnreadableAnswer, check_answer, parse_answer  # noqa: E402

HEADING = "## Answer checking on hostile input (`benchmarks/answer_speed.py`)"
BAR_S = 1.0


def _parse(text: str) -> Callable[[], object]:
    def call() -> None:
        with contextlib.suppress(UnreadableAnswer):
            parse_answer(text)

    return call


def _check(text: str, expected: str) -> Callable[[], object]:
    return lambda: check_answer(text, expected)


def _time_calls(calls: Iterable[Callable[[], object]], *, cold: bool = False) -> np.ndarray:
    """Wall-clock seconds of each call; ``cold`` empties sympy's cache before each (untimed)."""
    seconds = []
    for call in calls:
        if cold:
            clear_cache()
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return np.asarray(seconds)


def _checks(texts: list[str]) -> list[Callable[[], object]]:
    return [_check(text, expected) for text in texts for expected in corpus.EXPECTED]


def _row(name: str, what: str, seconds: np.ndarray) -> str:
    ms = seconds * 1000
    worst = float(ms.max())
    verdict = "met" if worst < BAR_S * 1000 else "NOT met"
    return (
        f"| {name} | {what} | {len(ms):,} | {np.percentile(ms, 50):.2f} | "
        f"{np.percentile(ms, 99):.2f} | {worst:.1f} | {verdict} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=5000, help="random Unicode strings")
    parser.add_argument("--tokens", type=int, default=2000, help="strings of answer pieces")
    parser.add_argument("--repeats", type=int, default=20, help="passes over the heavy inputs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", type=Path, help="replace this section of BENCHMARKS.md")
    args = parser.parse_args(argv)
    for flag in ("texts", "tokens", "repeats"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag} must be at least 1 (each corpus needs calls to time)")
    if args.write and not args.write.parent.is_dir():
        parser.error(f"--write: folder {args.write.parent} does not exist")

    rng = random.Random(args.seed)
    texts = corpus.any_text(rng, args.texts)
    tokens = corpus.token_answers(rng, args.tokens)
    # One warm-up call loads sympy's caches, as the app's first answer does.
    check_answer("2x+3", "2*x + 3")

    began = time.perf_counter()
    rows = [
        _row("any text", "parse", _time_calls(_parse(t) for t in texts)),
        _row("answer tokens", "check (each of 4 answers)", _time_calls(_checks(tokens))),
        _row(
            "heavy",
            "check (each of 4 answers)",
            _time_calls(_checks(list(corpus.HEAVY) * args.repeats), cold=True),
        ),
    ]
    total = time.perf_counter() - began

    body = "\n".join(
        [
            f"Seed {args.seed}; measured {time.strftime('%Y-%m-%d')} on {platform.machine()} "
            f"({os.cpu_count()} CPU cores), Python {platform.python_version()}, {total:.0f} s in "
            f"all. Each timing is one call, wall clock; bar: every call under {BAR_S:g} s. "
            "Reproduce: `python benchmarks/answer_speed.py --write BENCHMARKS.md`.",
            "",
            "| corpus | call | calls | p50 (ms) | p99 (ms) | max (ms) | every call < 1 s |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Random Unicode is mostly refused at the first letter or sign that an answer "
            "cannot use, "
            "hence the tiny times of the first row; the heavy inputs run with sympy's cache "
            "emptied before each call. "
            "The unit tests (`tests/unit/test_answers.py`) check what the checker says on these "
            "corpora (no crash, a definite verdict, the too-big refusal); only this script times "
            "it, since a wall-clock bar inside a unit test fails at random on a busy CI machine.",
        ]
    )
    print(body)
    if args.write:
        write_section(args.write, body, "answer_speed", HEADING)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
