"""Graph drawings as DOT text for ``st.graphviz_chart`` (drawn in the browser: no system
graphviz needed). Pure functions of their arguments, so they are tested without Streamlit.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

#: Mastery at which a point counts as mastered (the learner model's threshold).
MASTERED = 0.95

_NO_DATA = "#e0e0e0"
# Red → amber → green: the reading order people expect for "not yet" → "got it".
_STOPS = ((0.0, (228, 87, 86)), (0.5, (242, 207, 91)), (1.0, (84, 162, 75)))


def mastery_colour(p: float | None) -> str:
    """The fill colour for mastery ``p`` (grey when the student has no evidence yet)."""
    if p is None:
        return _NO_DATA
    p = min(1.0, max(0.0, p))
    for (x0, c0), (x1, c1) in itertools.pairwise(_STOPS):
        if p <= x1:
            w = (p - x0) / (x1 - x0)
            rgb = tuple(round(a + (b - a) * w) for a, b in zip(c0, c1, strict=True))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*_STOPS[-1][1])


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _wrap(label: str, width: int = 18) -> str:
    """Break a long name over lines so nodes stay narrow (Chinese names are short already)."""
    lines: list[str] = []
    line = ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def mastery_graph(
    labels: Mapping[str, str],
    edges: Iterable[tuple[str, str]],
    mastery: Mapping[str, float],
    *,
    focus: str | None = None,
    goal: str | None = None,
) -> str:
    """The student's part of the graph: one node per point in ``labels`` filled by mastery,
    an arrow from each prerequisite to what needs it; ``focus`` (the next point) is drawn
    thick and ``goal`` as a double octagon. Edges naming points outside ``labels`` are
    dropped."""
    out = [
        "digraph mastery {",
        # Top to bottom: a long prerequisite chain grows down the page, not off its side.
        "  rankdir=TB;",
        "  ranksep=0.3;",
        '  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=10];',
    ]
    for kp, label in labels.items():
        p = mastery.get(kp)
        attrs = [f"label={_quote(_wrap(label))}", f"fillcolor={_quote(mastery_colour(p))}"]
        if p is not None:
            attrs.append(f"tooltip={_quote(f'{kp}: {p:.0%}')}")
        if kp == focus:
            attrs.append("penwidth=3")
        if kp == goal:
            attrs.append("shape=doubleoctagon")
        out.append(f"  {_quote(kp)} [{', '.join(attrs)}];")
    for pre, dep in edges:
        if pre in labels and dep in labels:
            out.append(f"  {_quote(pre)} -> {_quote(dep)};")
    out.append("}")
    return "\n".join(out)


def neighbourhood_graph(
    centre: str,
    labels: Mapping[str, str],
    edges: Iterable[tuple[str, str]],
    prerequisites: Iterable[str],
    dependents: Iterable[str],
) -> str:
    """A point with its prerequisites (blue, above) and dependents (orange, below)."""
    pre, dep = set(prerequisites), set(dependents)
    out = [
        "digraph neighbourhood {",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=10];',
    ]
    for kp, label in labels.items():
        colour = "#f58518" if kp == centre else "#9ecae9" if kp in pre else "#ffbf79"
        if kp not in pre and kp not in dep and kp != centre:
            colour = _NO_DATA
        width = ", penwidth=3" if kp == centre else ""
        out.append(
            f"  {_quote(kp)} [label={_quote(_wrap(label))}, fillcolor={_quote(colour)}{width}];"
        )
    for a, b in edges:
        if a in labels and b in labels:
            out.append(f"  {_quote(a)} -> {_quote(b)};")
    out.append("}")
    return "\n".join(out)
