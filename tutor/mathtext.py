"""Plain maths text → Markdown with LaTeX spans, for KaTeX to typeset.

Items, worked steps, hints and explanations are written in plain text ("2/12 + 6/12",
"x^6 · x^7 = x^(6 + 7)", "10³", "63 + □ = 94", "计算：1/10 ÷ 5"). :func:`to_markdown` finds
the maths runs in such a text and writes each as a ``$…$`` span of LaTeX (Streamlit's
Markdown hands those to KaTeX); everything else is escaped so that it shows exactly as
written (a "$" of money, "*" and "_" stay characters). :func:`to_markdown` with
``accessible=True`` wraps each span in ``<span role="img" aria-label="2/12 + 6/12">`` so a
screen reader says the plain form (the page must allow that HTML).

Why not sympy's ``latex()``: the items carry their maths as text, and the only sympy form
there is (the safe answer parser's) is evaluated — ``2/12 + 6/12`` parses to ``2/3`` — so
printing it would show the answer instead of the question. The converter therefore keeps
the text's own terms and order and only changes how they are drawn.

A run is maths when it holds an operator, a fraction, a power, a root, π, a blank □, a
degree sign or an absolute value; a lone number or letter ("13 ones", "a number") stays
text, words end a run ("60 km/h": the "/" of a unit is not a fraction), and brackets must
balance inside a run ("1 (carried)" keeps its words). Pure functions, no Streamlit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Segment", "code_span", "escape_markdown", "segments", "to_latex", "to_markdown"]

# -- tokens ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<num>\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?)
  | (?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)
  | (?P<word>[A-Za-z]+)
  | (?P<space>[ \t]+)
  | (?P<dots>…|\.\.\.)
  | (?P<op>[+\-−×÷·*=<>≤≥≈≠±→/^%])
  | (?P<open>[(\[])
  | (?P<close>[)\]])
  | (?P<bar>\|)
  | (?P<comma>,)
  | (?P<colon>:)
  | (?P<query>\?)
  | (?P<sym>[√∛π□°∠△])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_FUNCTIONS = {"sin", "cos", "tan"}
#: English words of one letter: maths only when an operator is right next to them.
_ONE_LETTER_WORDS = {"a", "A", "I"}
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

_OPS_LATEX = {
    "+": "+",
    "-": "-",
    "−": "-",
    "×": r"\times",
    "÷": r"\div",
    "·": r"\cdot",
    "*": r"\times",
    "=": "=",
    "<": r"\lt",
    ">": r"\gt",
    "≤": r"\le",
    "≥": r"\ge",
    "≈": r"\approx",
    "≠": r"\ne",
    "±": r"\pm",
    "→": r"\to",
    ":": ":",
    "/": "/",
}
_RELATIONS = {"=", "<", ">", "≤", "≥", "≈", "≠"}
_SIGNS = {"-", "−", "+", "±"}
#: Operators that may not end a run ("3-" of "3-th", "sin A =" before a word).
_BINARY = set(_OPS_LATEX)
#: A blank to fill in, drawn as an empty box the size of a digit.
_BLANK = r"\boxed{\phantom{0}}"


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def _tokens(line: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for match in _TOKEN.finditer(line):
        kind = match.lastgroup or "other"
        text = match.group()
        if kind == "word":
            kind = _word_kind(line, match.start(), match.end(), text)
        elif kind == "colon":
            # A ratio "3 : 4" (spaced) is maths; "Tens: 30" and "4:05 p.m." are not.
            spaced = (
                line[match.start() - 1 : match.start()] == " "
                and line[match.end() : match.end() + 1] == " "
            )
            kind = "op" if spaced else "other"
        toks.append(_Tok(kind, text))
    return toks


def _word_kind(line: str, start: int, end: int, text: str) -> str:
    """``letter`` (a variable), ``func`` (sin), or ``word`` (text)."""
    before, after = line[max(0, start - 2) : start], line[end : end + 2]
    hyphenated = (len(before) == 2 and before[1] == "-" and before[0].isalpha()) or (
        len(after) == 2 and after[0] == "-" and after[1].isalpha()
    )
    if hyphenated:  # "n-th", "x-axis": part of a word
        return "word"
    if text in _FUNCTIONS:
        return "func"
    if len(text) == 1:
        return "letter"
    if text.isupper() and len(text) <= 3 and line[start - 1 : start] in ("∠", "△"):
        return "letter"  # the points of ∠ABC, △ABC
    return "word"


def _is_operand_start(tok: _Tok) -> bool:
    return tok.kind in ("num", "letter", "func", "open", "bar", "dots") or (
        tok.kind == "sym" and tok.text != "°"
    )


def _is_operand_end(tok: _Tok) -> bool:
    return (
        tok.kind in ("num", "letter", "close", "bar", "sup", "dots", "query")
        or (tok.kind == "sym" and tok.text in ("π", "□", "°"))
        or (tok.kind == "op" and tok.text == "%")
    )


# -- finding the runs --------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of a line: text to show as written, or maths (its plain form and LaTeX)."""

    kind: Literal["text", "math"]
    plain: str
    latex: str = ""


_MATHS_KINDS = {"num", "sup", "letter", "func", "space", "dots", "op", "open", "close", "bar"}


def _candidate_runs(toks: list[_Tok]) -> list[tuple[int, int]]:
    """Maximal stretches of maths tokens (commas count inside brackets), as [start, end)."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    depth = 0
    for i, tok in enumerate(toks):
        mathsy = tok.kind in _MATHS_KINDS or (tok.kind == "sym")
        if tok.kind == "comma":
            mathsy = depth > 0
        if tok.kind == "query":
            prev = _previous(toks, i, start if start is not None else i)
            mathsy = prev is not None and prev.kind == "op" and prev.text in _RELATIONS
        if mathsy:
            if start is None:
                start, depth = i, 0
            depth += tok.kind == "open"
            depth -= tok.kind == "close"
        elif start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(toks)))
    return runs


def _previous(toks: list[_Tok], i: int, floor: int) -> _Tok | None:
    for j in range(i - 1, floor - 1, -1):
        if toks[j].kind != "space":
            return toks[j]
    return None


def _trim(toks: list[_Tok], start: int, end: int) -> tuple[int, int]:
    """Drop what cannot begin or end a maths run: spaces, a dangling operator."""
    while start < end and not _can_start(toks, start, end):
        start += 1
    while end > start and not _can_end(toks[end - 1]):
        end -= 1
    return start, end


def _can_start(toks: list[_Tok], i: int, end: int) -> bool:
    tok = toks[i]
    if tok.kind in ("space", "close", "sup") or tok.text == "°":
        return False
    if tok.kind == "op":  # only a sign before its operand ("-5")
        return tok.text in _SIGNS and i + 1 < end and _is_operand_start(toks[i + 1])
    return True


def _can_end(tok: _Tok) -> bool:
    if tok.kind in ("space", "open", "func") or tok.text in ("√", "∛", "∠", "△"):
        return False
    return not (tok.kind == "op" and tok.text in _BINARY and tok.text != "%")


def _balanced_pieces(toks: list[_Tok], start: int, end: int) -> list[tuple[int, int]]:
    """Split a run at brackets that have no partner inside it (they stay text)."""
    stack: list[int] = []
    unmatched: set[int] = set()
    bars: list[int] = []
    for i in range(start, end):
        kind = toks[i].kind
        if kind == "open":
            stack.append(i)
        elif kind == "close":
            if stack and toks[stack[-1]].text + toks[i].text in ("()", "[]"):
                stack.pop()
            else:
                unmatched.add(i)
        elif kind == "bar":
            bars.append(i)
    unmatched.update(stack)
    if len(bars) % 2:
        unmatched.add(bars[-1])
    if not unmatched:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    left = start
    for cut in sorted(unmatched):
        pieces.append((left, cut))
        left = cut + 1
    pieces.append((left, end))
    return [p for p in pieces if p[0] < p[1]]


def _split_juxtaposed(toks: list[_Tok], start: int, end: int) -> list[tuple[int, int]]:
    """Split where two operands stand apart with only a space between ("3 ones",
    "1000 g", "a 3"): writing side by side is not maths, except a mixed number
    ("4 5/6") and a function's argument ("sin A")."""
    pieces: list[tuple[int, int]] = []
    left = start
    depth = 0
    i = start
    while i < end:
        tok = toks[i]
        depth += tok.kind == "open"
        depth -= tok.kind == "close"
        if tok.kind == "space" and depth == 0 and left < i < end - 1:
            before, after = toks[i - 1], toks[i + 1]
            if _is_operand_end(before) and _is_operand_start(after) and not _joins(toks, i, end):
                pieces.append((left, i))
                left = i + 1
        i += 1
    pieces.append((left, end))
    return pieces


def _joins(toks: list[_Tok], space: int, end: int) -> bool:
    before, after = toks[space - 1], toks[space + 1]
    if before.kind == "func":
        return True
    mixed = (
        before.kind == "num"
        and space + 3 < end
        and after.kind == "num"
        and toks[space + 2].text == "/"
        and toks[space + 3].kind == "num"
    )
    return mixed and (space < 2 or toks[space - 2].text != "/")


def _is_maths(toks: list[_Tok]) -> bool:
    """Whether a trimmed run is worth typesetting: it has something a plain number or
    word does not (an operator, a power, a root, a fraction, π, a blank, …)."""
    words = [t for t in toks if t.kind != "space"]
    if not words:
        return False
    if any(t.kind in ("sup", "func", "bar", "sym") for t in words):
        return any(t.kind != "sup" for t in words) and words[0].kind != "sup"
    # An operator makes it maths ("a × 10" too: "a" next to an operator is a variable).
    return any(t.kind == "op" for t in words)


def segments(line: str) -> list[Segment]:
    """One line of plain text as text and maths segments, in order (their plain forms
    joined give the line back)."""
    toks = _tokens(line)
    spans: list[tuple[int, int]] = []
    for start, end in _candidate_runs(toks):
        for piece in _balanced_pieces(toks, start, end):
            for sub in _split_juxtaposed(toks, *piece):
                for bal in _balanced_pieces(toks, *_trim(toks, *sub)):
                    s, e = _trim(toks, *bal)
                    run = toks[s:e]
                    if run and _is_maths(run) and not _lone_article(run):
                        spans.append((s, e))
    out: list[Segment] = []
    at = 0
    for s, e in spans:
        if at < s:
            out.append(Segment("text", "".join(t.text for t in toks[at:s])))
        plain = "".join(t.text for t in toks[s:e])
        out.append(Segment("math", plain, to_latex(plain)))
        at = e
    if at < len(toks):
        out.append(Segment("text", "".join(t.text for t in toks[at:])))
    return out


def _lone_article(run: list[_Tok]) -> bool:
    """ "a" or "I" with no operator next to it ("a − sign" never comes; "Is a > b" does)."""
    words = [t for t in run if t.kind != "space"]
    return len(words) == 1 and words[0].text in _ONE_LETTER_WORDS


# -- LaTeX -------------------------------------------------------------------------------


def _brackets(opening: str, body: str, closing: str) -> str:
    # Brackets grow only around something tall (a fraction); "h(-3)" keeps plain ones.
    if r"\frac" in body:
        return rf"\left{opening}{body}\right{closing}"
    return f"{opening}{body}{closing}"


class _Writer:
    """Writes one maths run (balanced, trimmed) as LaTeX, keeping its terms and order."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = [t for t in toks if t.kind != "space"]
        self.i = 0
        self.in_exponent = 0
        # Indices (in the space-free list) of tokens written right after the one before:
        # "2x" is a product, "2 x" two things.
        self.touching: set[int] = set()
        k, spaced = -1, False
        for tok in toks:
            if tok.kind == "space":
                spaced = True
                continue
            k += 1
            if k > 0 and not spaced:
                self.touching.add(k)
            spaced = False

    def peek(self, ahead: int = 0) -> _Tok | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def sequence(self, closing: str | None = None) -> str:
        """Terms and operators up to ``closing`` (or the end)."""
        parts: list[str] = []
        while (tok := self.peek()) is not None:
            if closing is not None and tok.text == closing:
                break
            if tok.kind == "close" and closing is None:
                self.i += 1  # cannot happen in a balanced run; kept as written
                parts.append(tok.text)
                continue
            if tok.kind == "op" and tok.text != "%":
                self.i += 1
                parts.append(_OPS_LATEX[tok.text])
            elif tok.kind == "comma":
                self.i += 1
                parts.append(",")
            elif tok.kind == "sym" and tok.text == "°":
                self.i += 1
                parts.append(r"^{\circ}")
            else:
                parts.append(self.fraction())
        return " ".join(parts)

    def fraction(self) -> str:
        """An operand, or ``a/b`` of two simple operands as ``\\frac{a}{b}``."""
        start = self.i
        first, inner_first, simple_first = self.operand()
        slash = self.peek()
        if (
            slash is not None
            and slash.text == "/"
            and not self.in_exponent  # "16^(3/4)": a slash reads better up there
            and simple_first
            and (start == 0 or self.toks[start - 1].text != "/")
        ):
            save = self.i
            self.i += 1
            nxt = self.peek()
            if nxt is not None and _is_operand_start(nxt) and nxt.kind != "func":
                _, inner_second, simple_second = self.operand()
                after = self.peek()
                if simple_second and not (after is not None and after.text in ("/", "^")):
                    return rf"\frac{{{inner_first}}}{{{inner_second}}}"
            self.i = save
        return first

    def operand(self) -> tuple[str, str, bool]:
        """One operand with its powers, degrees and percent signs: its LaTeX, its LaTeX
        without outer brackets (for a fraction or a power), and whether it is simple
        enough to stand over a fraction bar."""
        tok = self.peek()
        if tok is None:
            return "", "", False
        self.i += 1
        simple = True
        if tok.kind == "num":
            latex = inner = tok.text.replace(",", "{,}")
            # "2x", "3x^2", "2πr": a coefficient and its letters
            while (
                (nxt := self.peek()) is not None
                and (nxt.kind == "letter" or nxt.text == "π")
                and self._adjacent()
            ):
                self.i += 1
                latex += " " + self._atom(nxt)
            inner = latex
        elif tok.kind == "open":
            closing = ")" if tok.text == "(" else "]"
            body = self.sequence(closing)
            self.i += 1  # the closing bracket
            latex = _brackets(tok.text, body, closing)
            inner = body
        elif tok.kind == "bar":
            body = self.sequence("|")
            self.i += 1
            # \lvert/\rvert open and close (a plain "|" is neither): "|-5|" gets a
            # sign's spacing, not a subtraction's.
            latex = inner = rf"\left|{body}\right|" if r"\frac" in body else rf"\lvert {body}\rvert"
        elif tok.kind == "func":
            latex = inner = "\\" + tok.text
            simple = False
        elif tok.kind == "sym" and tok.text in ("√", "∛"):
            _, arg, _ = self.operand_no_power()
            root = r"\sqrt[3]" if tok.text == "∛" else r"\sqrt"
            latex = inner = rf"{root}{{{arg}}}"
        elif tok.kind == "sym" and tok.text in ("∠", "△"):
            latex = inner = r"\angle" if tok.text == "∠" else r"\triangle"
            simple = False
        elif tok.kind == "op" and tok.text in _SIGNS:  # a sign before an operand
            rest, _, _ = self.operand()
            latex = inner = _OPS_LATEX[tok.text] + rest
            simple = False
        else:
            latex = inner = self._atom(tok)
        # powers, superscripts, degrees, percent
        while (nxt := self.peek()) is not None:
            if nxt.kind == "sup":
                self.i += 1
                latex = inner = f"{latex}^{{{nxt.text.translate(_SUPERSCRIPT)}}}"
                simple = False
            elif nxt.text == "^" and self.peek(1) is not None:
                self.i += 1
                sign = ""
                if (s := self.peek()) is not None and s.text in ("-", "−"):
                    self.i += 1
                    sign = "-"
                _, exponent, _ = self.operand_no_power()
                latex = inner = f"{latex}^{{{sign}{exponent}}}"
                simple = False
            elif nxt.text == "%":
                self.i += 1
                latex = inner = latex + r"\%"
                simple = False
            elif nxt.text == "°":
                self.i += 1
                latex = inner = latex + r"^{\circ}"
                simple = False
            elif nxt.kind in ("letter", "sym") and nxt.text != "°" and self._adjacent():
                # "πr", "x y" written together: a product
                if nxt.kind == "sym" and nxt.text in ("∠", "△", "√", "∛"):
                    break
                self.i += 1
                latex = inner = f"{latex} {self._atom(nxt)}"
                simple = False
            else:
                break
        return latex, inner, simple

    def operand_no_power(self) -> tuple[str, str, bool]:
        """The operand of a root or an exponent: one number, letter or bracket (its own
        powers belong to the whole)."""
        tok = self.peek()
        if tok is None:
            return "", "", False
        if tok.kind == "open":
            self.i += 1
            closing = ")" if tok.text == "(" else "]"
            self.in_exponent += 1
            body = self.sequence(closing)
            self.in_exponent -= 1
            self.i += 1
            return _brackets(tok.text, body, closing), body, True
        self.i += 1
        text = tok.text.replace(",", "{,}") if tok.kind == "num" else self._atom(tok)
        return text, text, True

    def _adjacent(self) -> bool:
        return self.i in self.touching

    def _atom(self, tok: _Tok) -> str:
        if tok.kind == "sym":
            return {"π": r"\pi", "□": _BLANK, "°": r"^{\circ}"}.get(tok.text, tok.text)
        if tok.kind == "dots":
            return r"\dots"
        if tok.kind == "query":
            return "{?}"  # an ordinary symbol: "= ?" spaced as "= 5" would be
        return tok.text


def to_latex(run: str) -> str:
    """One maths run in plain text as LaTeX (no ``$``): "2/12 + 6/12" →
    ``\\frac{2}{12} + \\frac{6}{12}``; "x^(6 + 7)" → ``x^{6 + 7}``; "10³" → ``10^{3}``;
    "63 + □ = 94" → a box for the blank."""
    return _Writer(_tokens(run)).sequence()


# -- Markdown ----------------------------------------------------------------------------

#: Characters Markdown (and Streamlit's extras) would read as formatting: "$12" as maths,
#: "*" as emphasis, "<" as HTML, "&" as an entity.
_MARKDOWN = re.compile(r"([\\`*_$#<>\[\]|~&])")


def escape_markdown(text: str) -> str:
    """Text shown as written in Markdown: its formatting characters escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def _attribute(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


#: Punctuation that must stay on the line of the formula before it ("… the □?").
_CLINGING = re.compile(r"^[.,;:!?)\]。，；：！？、）」”]+")


def to_markdown(text: str, *, accessible: bool = False, literal: str | None = None) -> str:
    """Plain text (maths included) as Markdown: each maths run as ``$LaTeX$`` (KaTeX draws
    it), the rest escaped so it shows as written; each line break kept (a worked solution
    is one step per line).

    With ``accessible=True`` each maths span is wrapped in
    ``<span role="img" aria-label="plain form">``: a screen reader says "2/12 + 6/12"
    rather than KaTeX's pieces (and a full stop after a formula stays on its line). That
    is HTML: show it with ``unsafe_allow_html=True`` (every character of the text itself
    is escaped, so the text cannot add HTML of its own). Without it (widget labels, which
    take no HTML) KaTeX's own MathML is what a screen reader gets.

    ``literal`` is what the student typed, when the text quotes it ("You wrote 3/8"):
    there it is shown as typed (:func:`code_span`), never typeset.
    """
    lines = []
    for line in re.split(r"\r\n|\n|\r", text):
        parts: list[str] = []
        pieces = _split_literal(line, literal)
        for n, piece in enumerate(pieces):
            if n % 2:  # the student's own text
                parts.append(code_span(piece))
                continue
            segs = segments(piece)
            for k, seg in enumerate(segs):
                if seg.kind == "text":
                    parts.append(escape_markdown(seg.plain))
                elif not accessible:
                    parts.append(f"${seg.latex}$")
                else:
                    label = _attribute(seg.plain)
                    span = f'<span role="img" aria-label="{label}">${seg.latex}$</span>'
                    after = segs[k + 1] if k + 1 < len(segs) else None
                    cling = _CLINGING.match(after.plain) if after is not None else None
                    if after is not None and cling is not None:
                        span = (
                            f'<span style="white-space: nowrap">{span}'
                            f"{escape_markdown(cling.group())}</span>"
                        )
                        segs[k + 1] = Segment("text", after.plain[cling.end() :])
                    parts.append(span)
        lines.append("".join(parts))
    return "  \n".join(lines)


def _split_literal(line: str, literal: str | None) -> list[str]:
    """``line`` split around whole occurrences of ``literal`` (odd places are the literal
    itself); only when typesetting could change how it looks (it has punctuation)."""
    if not literal or not _ASCII_PUNCTUATION.search(literal):
        return [line]
    found = re.compile(rf"(?<![\w./]){re.escape(literal)}(?![\w/]|\.\d)")
    pieces: list[str] = []
    at = 0
    for match in found.finditer(line):
        pieces += [line[at : match.start()], match.group()]
        at = match.end()
    return [*pieces, line[at:]]


#: Markdown's syntax characters are all ASCII punctuation.
_ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def code_span(text: str) -> str:
    """What a person typed, made safe to put into Markdown: shown as the very characters
    typed — no link (``[win](http://e.vil)``, a bare ``http://…``), no maths
    (``$\\frac12$``), no emphasis, no HTML, no colour directive (``:red[…]``).

    The text becomes an inline code span, fenced with more backticks than it holds: inside
    one, Markdown interprets nothing (backslash escapes would not do: Streamlit links a bare
    URL even when its characters are escaped); text with no ASCII punctuation at all, which
    no Markdown construct can come from, stays as it is. Line breaks become spaces.
    """
    one_line = " ".join(str(text).splitlines())
    if not _ASCII_PUNCTUATION.search(one_line):
        # Every Markdown construct needs ASCII punctuation: "Li Wei 李伟" can stay as it is.
        return one_line
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    # A span that starts or ends with a backtick (or is blank) needs a space inside the
    # fence; CommonMark strips exactly that one space again.
    pad = " " if one_line[:1] == "`" or one_line[-1:] == "`" or not one_line.strip() else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"
