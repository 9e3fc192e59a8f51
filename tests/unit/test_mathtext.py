"""tutor.mathtext: plain maths text → Markdown with LaTeX spans (KaTeX typesets
them in the app). The browser test (tests/e2e/test_maths.py) checks KaTeX draws every
item's spans without an error; here: what becomes maths, what stays text, and that the
text around it shows as written."""

from __future__ import annotations

import re
from functools import cache

import pytest

from tutor.content.items import GENERATORS, ensure_generators_loaded, generate
from tutor.mathtext import code_span, escape_markdown, segments, to_latex, to_markdown


@pytest.mark.parametrize(
    ("plain", "markdown"),
    [
        # The examples
        ("Work out 2/12 + 6/12.", r"Work out $\frac{2}{12} + \frac{6}{12}$."),
        ("x^6 · x^7 = x^(6 + 7)", r"$x^{6} \cdot x^{7} = x^{6 + 7}$"),
        ("1 000 is 10³.", r"1 000 is $10^{3}$."),
        # blanks, Chinese around maths, a question mark as the unknown
        (
            "What number goes in the box? 63 + □ = 94",
            r"What number goes in the box? $63 + \boxed{\phantom{0}} = 94$",
        ),
        ("计算：52 + 7 = ?", "计算：$52 + 7 = {?}$"),
        ("把带分数 1 5/6 化成假分数。", r"把带分数 $1 \frac{5}{6}$ 化成假分数。"),
        ("在Rt△ABC中，∠C = 90°", r"在Rt$\triangle ABC$中，$\angle C = 90^{\circ}$"),
        # money is text: its "$" escaped, never a maths delimiter
        ("A kite for $11.40 and a book for $8.10.", r"A kite for \$11.40 and a book for \$8.10."),
        # words end a run; brackets with words in them stay text
        ("tens: 2 + 2 + 1 (carried) = 5", "tens: $2 + 2 + 1$ (carried) = 5"),
        ("十位：2 + 2 + 1（进位）= 5", "十位：$2 + 2 + 1$（进位）= 5"),
        ("at 60 km/h for 1 kg", "at 60 km/h for 1 kg"),
        ("13 ones make 1 ten and 3 ones.", "13 ones make 1 ten and 3 ones."),
        ("Write a number: the n-th term, 4:05 p.m.", "Write a number: the n-th term, 4:05 p.m."),
        ("Is a > b?", r"Is $a \gt b$?"),
        # powers, roots, π, absolute values, mixed numbers, thousands
        ("A = πr² = π × 19² = 361π.", r"$A = \pi r^{2} = \pi \times 19^{2} = 361 \pi$."),
        ("so √25 = 5 and ∛125 = 5", r"so $\sqrt{25} = 5$ and $\sqrt[3]{125} = 5$"),
        ("Work out |42 − 20|.", r"Work out $\lvert 42 - 20\rvert$."),
        ("|-5| is 5", r"$\lvert - 5\rvert$ is 5"),
        ("Work out 5 2/5 + 1 2/5.", r"Work out $5 \frac{2}{5} + 1 \frac{2}{5}$."),
        ("Check: 165 × 34 = 5,610.", r"Check: $165 \times 34 = 5{,}610$."),
        ("Work out 16^(3/4).", "Work out $16^{3 / 4}$."),
        ("4.65 × 10^(-6)", r"$4.65 \times 10^{- 6}$"),
        ("(n - 14)/8", r"$\frac{n - 14}{8}$"),
        ("So (4x - 3)(4x + 2) = 16x^2", r"So $(4 x - 3) (4 x + 2) = 16 x^{2}$"),
        (
            "Which of 1/6, 1/15, 1/11 is the smallest?",
            "Which of $\\frac{1}{6}$, $\\frac{1}{15}$, $\\frac{1}{11}$ is the smallest?",
        ),
        # Markdown in the words shows as written
        ("Use *2* and _x_ [here](http://e.vil)", r"Use \*2\* and \_x\_ \[here\](http://e.vil)"),
    ],
)
def test_plain_maths_becomes_latex_and_the_rest_stays_text(plain: str, markdown: str) -> None:
    assert to_markdown(plain) == markdown


def test_lines_are_kept_and_each_is_converted() -> None:
    assert (
        to_markdown("Step: 1/2 + 1/2 = 1\nSo 1.") == r"Step: $\frac{1}{2} + \frac{1}{2} = 1$  "
        "\nSo 1."
    )


def test_the_accessible_form_labels_each_span_with_its_plain_text() -> None:
    made = to_markdown("Work out 2/12 + 6/12 < 1 now", accessible=True)
    assert made == (
        'Work out <span role="img" aria-label="2/12 + 6/12 &lt; 1">'
        r"$\frac{2}{12} + \frac{6}{12} \lt 1$</span> now"
    )


def test_punctuation_after_a_formula_stays_on_its_line() -> None:
    made = to_markdown("What goes in the □? 是□。", accessible=True)
    box = r'<span role="img" aria-label="□">$\boxed{\phantom{0}}$</span>'
    assert made == (
        f'What goes in the <span style="white-space: nowrap">{box}?</span> '
        f'是<span style="white-space: nowrap">{box}。</span>'
    )


def test_the_students_answer_quoted_in_a_text_is_shown_as_typed() -> None:
    said = "You wrote 3/8, but 2/12 + 7/12 = 9/12, not 13/8 or 3/80.\n3/8 is too big."
    made = to_markdown(said, literal="3/8")
    assert made == (
        r"You wrote `3/8`, but $\frac{2}{12} + \frac{7}{12} = \frac{9}{12}$, not "
        r"$\frac{13}{8}$ or $\frac{3}{80}$."
        "  \n`3/8` is too big."
    )
    # A whole number looks the same typeset or not: nothing to keep apart.
    assert to_markdown("You wrote 12: 5 + 7 = 12.", literal="12") == "You wrote 12: $5 + 7 = 12$."


def test_text_cannot_bring_its_own_html_or_maths() -> None:
    made = to_markdown('<img src=x onerror="alert(1)"> costs $5 & $6', accessible=True)
    assert not re.search(r"(?<!\\)<img", made) and "\\<img" in made
    assert "\\$5" in made and "\\&" in made


def test_a_code_span_shows_what_was_typed() -> None:
    assert code_span("Li Wei 李伟") == "Li Wei 李伟"
    assert code_span("$\\frac12$") == "`$\\frac12$`"
    assert code_span("a`b") == "``a`b``"


def test_escape_markdown_escapes_what_markdown_would_read() -> None:
    assert escape_markdown("a*b_c$d<e>&f") == r"a\*b\_c\$d\<e\>\&f"


def test_to_latex_of_one_run() -> None:
    assert to_latex("2/12 + 6/12") == r"\frac{2}{12} + \frac{6}{12}"
    assert to_latex("3/4 + 1/6 = 11/12") == r"\frac{3}{4} + \frac{1}{6} = \frac{11}{12}"


@cache
def _all_item_texts() -> tuple[str, ...]:
    """Every prompt and worked step (en and zh) of every generator at every level (two
    seeds): the texts the app shows."""
    ensure_generators_loaded()
    texts: list[str] = []
    for name, gen in sorted(GENERATORS.items()):
        for level in gen.levels:
            for seed in (1, 2):
                item = generate(name, level, seed)
                texts += [item.prompt, item.prompt_zh]
                for step in item.steps:
                    texts += [step.text, step.text_zh]
    return tuple(t for t in texts if t)


def _balanced(latex: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0 and latex.count(r"\left") == latex.count(r"\right")


def test_every_item_text_converts_losslessly() -> None:
    """The plain pieces give back the text exactly (nothing lost or reordered), every
    LaTeX span is balanced and holds no "$", and most items have some maths typeset."""
    texts = _all_item_texts()
    assert len(texts) > 3000
    with_maths = 0
    for text in texts:
        for line in text.splitlines():
            parts = segments(line)
            assert "".join(p.plain for p in parts) == line
            maths = [p for p in parts if p.kind == "math"]
            with_maths += bool(maths)
            for part in maths:
                assert part.latex and "$" not in part.latex, (line, part)
                assert _balanced(part.latex), (line, part)
                assert not part.plain.strip().isdigit(), (line, part)  # a lone number is text
    assert with_maths > len(texts) * 0.6
