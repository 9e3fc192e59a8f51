"""Graph drawings as DOT text for ``st.graphviz_chart`` (drawn in the browser: no system
graphviz needed). Pure functions of their arguments, so they are tested without Streamlit.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

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
    # A line break stays one: DOT's "\\n" (a centred line).
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _cells(text: str) -> int:
    """How many Latin-letter widths ``text`` takes (a CJK character takes about two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: Chinese punctuation that never starts a line (、）) or never ends one (（).
_NO_START = "、，。：；）》」』！？)"
_NO_END = "（《「『("


def _split_run(word: str, width: int) -> list[str]:
    """A run without spaces (Chinese) in lines of about equal width, at most ``width``
    cells, where Chinese typesetting allows a break (not before 、 or ）, not after （)."""
    lines = max(1, math.ceil(_cells(word) / width))
    target = math.ceil(_cells(word) / lines) + 1  # a wide character is 2: room for one
    pieces: list[str] = []
    piece = ""
    for ch in word:
        if piece and _cells(piece + ch) > target and ch not in _NO_START:
            carry = ""
            while piece and piece[-1] in _NO_END:
                carry, piece = piece[-1] + carry, piece[:-1]
            if piece:
                pieces.append(piece)
            piece = carry
        piece += ch
    pieces.append(piece)
    return pieces


def _wrap(label: str, width: int = 18) -> str:
    """Break a long name over lines so nodes stay narrow: between words, and between
    characters in Chinese (which has no spaces), at ``width`` Latin-letter widths."""
    lines: list[str] = []
    line = ""
    for word in label.split():
        pieces = [word]
        if _cells(word) > width:  # a Chinese name, or one very long word
            pieces = _split_run(word, width)
        for piece in pieces:
            joined = f"{line} {piece}" if line and piece.isascii() else line + piece
            if line and _cells(joined) > width:
                lines.append(line)
                line = piece
            else:
                line = joined
    lines.append(line)
    return "\n".join(lines)


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


#: The path map's font (points): the SVG is drawn at its natural size, so this is what a
#: student reads (the old 10 pt map, shrunk to fit, read as 6–7 px).
PATH_FONT = 16


def see_through_edges(
    shown: Sequence[str], edges: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The arrows between the ``shown`` points of a graph given by all its direct
    ``edges`` (prerequisite, point): a point hidden from the drawing (mastered, or past the
    drawing's limit) is looked through, so every shown point keeps its way toward what
    needs it; an arrow already implied by a longer way among shown points is left out."""
    below: dict[str, list[str]] = {}
    for pre, kp in edges:
        below.setdefault(kp, []).append(pre)
    wanted = set(shown)
    memo: dict[str, set[str]] = {}

    def nearest(kp: str) -> set[str]:
        """The nearest shown prerequisites of ``kp`` (through hidden points)."""
        if kp not in memo:
            memo[kp] = set()  # a (forbidden) cycle ends here
            found: set[str] = set()
            for pre in below.get(kp, ()):
                found |= {pre} if pre in wanted else nearest(pre)
            memo[kp] = found
        return memo[kp]

    direct = {kp: nearest(kp) for kp in shown}
    reach: dict[str, set[str]] = {}

    def ancestors(kp: str) -> set[str]:
        if kp not in reach:
            reach[kp] = set()
            found: set[str] = set()
            for pre in direct.get(kp, ()):
                found |= {pre} | ancestors(pre)
            reach[kp] = found
        return reach[kp]

    out: list[tuple[str, str]] = []
    for kp in shown:
        for pre in sorted(direct[kp]):
            # a → kp is redundant when another shown prerequisite of kp already needs a
            if not any(pre in ancestors(other) for other in direct[kp] if other != pre):
                out.append((pre, kp))
    return out


def path_map(
    labels: Mapping[str, str],
    edges: Iterable[tuple[str, str]],
    mastery: Mapping[str, float],
    *,
    focus: str | None = None,
    goal: str | None = None,
    inside: Iterable[str] = (),
    tips: Mapping[str, str] | None = None,
) -> str:
    """The student's way to the goal, readable at its natural size: ``labels`` in
    learning order (the goal last), filled by mastery (grey: not tried), wrapped names in
    a large font, arrows from each prerequisite toward what needs it (``edges``, already
    see-through: :func:`see_through_edges`); ``focus`` (the next point) thick, the goal a
    double octagon, the ``inside`` points (no exercises of their own, learnt in the practice
    of what needs them) dashed. ``tips`` are the nodes' hover texts."""
    inside = set(inside)
    tips = tips or {}
    out = [
        "digraph path {",
        "  rankdir=TB;",
        "  ranksep=0.35; nodesep=0.25;",
        f'  node [shape=box, style="rounded,filled", fontname="sans-serif", '
        f'fontsize={PATH_FONT}, margin="0.15,0.08"];',
        '  edge [color="#555555", arrowsize=0.8];',
    ]
    for kp, label in labels.items():
        p = mastery.get(kp)
        style = "rounded,filled,dashed" if kp in inside else "rounded,filled"
        attrs = [
            f"label={_quote(_wrap(label, 16))}",
            f"fillcolor={_quote(mastery_colour(p))}",
            f"style={_quote(style)}",
        ]
        if kp in tips:
            attrs.append(f"tooltip={_quote(tips[kp])}")
        if kp == focus:
            attrs.append("penwidth=4")
        if kp == goal:
            attrs.append("shape=doubleoctagon")
        out.append(f"  {_quote(kp)} [{', '.join(attrs)}];")
    for pre, dep in edges:
        if pre in labels and dep in labels:
            out.append(f"  {_quote(pre)} -> {_quote(dep)};")
    out.append("}")
    return "\n".join(out)
