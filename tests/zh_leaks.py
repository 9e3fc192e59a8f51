"""What a Chinese page or catalog string must not show (issue 18): ASCII punctuation
between Chinese words ("分数, 小数"), ASCII brackets around Chinese ("(可不填)"), a domain
of the curriculum by its id or English name ("5 年级 · fractions"), or an English sentence
of the app's catalog. Maths keeps its ASCII ("计算：9 + 9 = ?", "写成 (x, y) 的样子"), and
a point's id ("fractions.add_unlike") is an id, not a name: neither is a leak.

Used by the catalog walk (tests/unit/test_zh_punctuation.py) and the browser's walk of
the rendered Chinese pages (tests/e2e/test_a11y.py)."""

from __future__ import annotations

import re
from functools import cache

from tutor.content.curricula import default_curriculum
from tutor.i18n import CATALOGS, domain_name

#: Chinese characters and Chinese (full-width) punctuation.
CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
PUNCTUATION_LEAK = re.compile(
    rf"[{CJK}]\s*[,;:!?]\s*[{CJK}]"  # 分数, 小数 / 年级:五
    rf"|[{CJK}]\.\s*[{CJK}]"  # 句子.下一句
    rf"|[{CJK}][,;:!?](?=\s|$)"  # 还没掌握: (ASCII at the end of a Chinese clause)
    rf"|\(\s*[{CJK}][^()]*\)"  # (可不填)
)


def punctuation_leaks(text: str) -> list[str]:
    """The ASCII punctuation in ``text`` that Chinese should write full-width."""
    return [m.group(0) for m in PUNCTUATION_LEAK.finditer(text)]


@cache
def domain_words() -> dict[str, str]:
    """Each domain of the default curriculum by its id and by its English name."""
    domains = {kp.domain for kp in default_curriculum().knowledge_points if kp.domain}
    words = {d: d for d in domains}
    words.update({domain_name(d, "en"): d for d in domains})
    return words


@cache
def english_ui_sentences() -> tuple[str, ...]:
    """The app's English sentences with no placeholder whose Chinese differs: a Chinese page
    that shows one has an untranslated or hard-coded string."""
    en, zh = CATALOGS["en"].messages, CATALOGS["zh-Hans"].messages
    return tuple(
        template
        for code, template in en.items()
        if code.startswith("ui.")
        and "{" not in template
        and len(template.split()) >= 3
        and zh.get(code) != template
    )


def leaks(text: str) -> list[str]:
    """Everything English or ASCII in a Chinese ``text`` that should not be there."""
    found = [f"ASCII punctuation in {leak!r}" for leak in punctuation_leaks(text)]
    for word, domain in domain_words().items():
        # Where a page names a domain: after "·" in a caption ("5 年级 · fractions") or as
        # a line of its own (a select box's option). English source text that uses the
        # word (a CCSS standard: "Add and subtract fractions…") is quoted, not a name.
        shown_as_name = rf"(?:^|·)[ \t]*{re.escape(word)}[ \t]*(?:·|$)"
        if re.search(shown_as_name, text, re.MULTILINE):
            found.append(f"the domain {domain!r} untranslated ({word!r})")
    found.extend(f"English: {s!r}" for s in english_ui_sentences() if s in text)
    return found
