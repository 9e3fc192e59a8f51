"""Answers that stress the answer checker, shared by its tests and its speed benchmark.

``tests/unit/test_answers.py`` checks what the checker *says* about these (never a crash,
a definite verdict, the "too big" refusal where a power would explode);
``benchmarks/answer_speed.py`` measures how long it takes to say it. Timing lives only in the
benchmark: a wall-clock bar inside a unit test fails at random on a shared CI machine.
"""

from __future__ import annotations

import random

#: Pieces of answers; strings built from them reach deep into the parser and comparisons.
TOKENS: tuple[str, ...] = (
    *"xyab0123456789+-*/^()=<>%,.: ",
    "17",
    "1/2",
    "0.5",
    "1 1/2",
    "99",
    "x^2",
    "(x+1)",
    "9^9",
    "√",
    "π",
    ">=",
    "−",
    "，",
    "２",
)

#: The expected answers each stress input is checked against.
EXPECTED: tuple[str, ...] = ("x = 4", "x > 3", "2*x + 3", "(a+b+n+x+y)^100")

#: Inputs whose naive evaluation would expand huge polynomials or numbers, each with the
#: verdict the checker must give against every answer of :data:`EXPECTED`, in order.
HEAVY: dict[str, tuple[str, str, str, str]] = {
    # the same unexpanded power as the last expected answer: equal without expanding
    "(a+b+n+x+y)^100": ("incorrect", "incorrect", "incorrect", "correct"),
    "(a+b+n+x+y)^100*(a+b+n+x+y)^100*(a+b+n+x+y)^100 = 0": ("incorrect",) * 4,
    # (x+1)^100 = (x+2)^100 has the single real solution x = -3/2
    "(x+1)^100 = (x+2)^100": ("incorrect",) * 4,
    "(99^100)^(1/12)": ("incorrect",) * 4,
    "√" + "7" * 190: ("incorrect",) * 4,
    "99999999999^100": ("incorrect",) * 4,
    "-" * 150 + "3": ("incorrect",) * 4,
    # 2^(2^(2^(2^(2^(2^2))))) has about 10^19728 digits: refused, never computed
    "2^2^2^2^2^2^2": ("unreadable",) * 4,
}


def token_answers(rng: random.Random, count: int, max_tokens: int = 25) -> list[str]:
    """``count`` strings of up to ``max_tokens`` pieces drawn from :data:`TOKENS`."""
    return ["".join(rng.choices(TOKENS, k=rng.randint(0, max_tokens))) for _ in range(count)]


def any_text(rng: random.Random, count: int, max_chars: int = 60) -> list[str]:
    """``count`` strings of up to ``max_chars`` characters from all of Unicode.

    Half the characters are printable ASCII (so digits and operators meet), the rest any
    code point outside the surrogates, as a student's paste or a broken keyboard might give.
    """
    texts = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(0, max_chars)):
            if rng.random() < 0.5:
                chars.append(chr(rng.randint(0x20, 0x7E)))
            else:
                code = rng.randint(0, 0x10FFFF)
                chars.append(chr(code if not 0xD800 <= code <= 0xDFFF else 0xFFFD))
        texts.append("".join(chars))
    return texts
