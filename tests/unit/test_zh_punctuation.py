"""The Chinese catalog writes Chinese punctuation and names the curriculum's domains in
Chinese (issue 18: "5 年级 · fractions", ASCII commas in Chinese lists)."""

from __future__ import annotations

import re

import pytest

from tests.zh_leaks import domain_words, leaks, punctuation_leaks
from tutor.content.curricula import default_curriculum
from tutor.i18n import CATALOGS, domain_name, render

ZH = CATALOGS["zh-Hans"]
#: Placeholders and inline code stay as they are (file columns, commands).
_NOT_PROSE = re.compile(r"\{[^{}]*\}|`[^`]*`")


def test_the_checker_finds_each_kind_of_leak() -> None:
    assert leaks("5 年级 · fractions")
    assert leaks("5 年级 · Fractions")
    assert leaks("分数\nfractions\n小数")
    assert not leaks("Add and subtract fractions with unlike denominators")
    assert leaks("认识分数, 小数和百分数")
    assert leaks("写出解题过程(可不填)")
    assert leaks("还没掌握: 通分")
    assert leaks("Not quite. Let's look at it together.")
    assert not leaks("计算：9 + 9 = ?  写成 (x, y) 的样子，比如 (2, -1)。")
    assert not leaks("fractions.add_unlike · 5 年级 · 分数")


@pytest.mark.parametrize("code", sorted(ZH.messages))
def test_no_ascii_punctuation_in_chinese_text(code: str) -> None:
    prose = _NOT_PROSE.sub("", ZH.messages[code])
    assert not punctuation_leaks(prose), f"{code}: {ZH.messages[code]!r}"


def test_every_domain_has_a_chinese_and_an_english_name() -> None:
    domains = {kp.domain for kp in default_curriculum().knowledge_points if kp.domain}
    assert domains
    for domain in domains:
        zh, en = domain_name(domain, "zh-Hans"), domain_name(domain, "en")
        assert re.search("[\u4e00-\u9fff]", zh) and not re.search("[A-Za-z]", zh), (domain, zh)
        assert en != domain and en[0].isupper(), (domain, en)
    assert set(domain_words().values()) == domains


def test_a_domain_the_catalog_does_not_know_is_shown_by_its_id() -> None:
    assert domain_name("my_own_domain", "zh-Hans") == "my_own_domain"


def test_the_point_caption_and_the_map_title_name_the_domain_in_chinese() -> None:
    caption = render(
        "ui.kp_meta",
        {"id": "fractions.add_unlike", "grade": "5", "domain": domain_name("fractions", "zh-Hans")},
        "zh-Hans",
    )
    assert not leaks(caption), caption
    from tutor.designer import DomainMap, figure

    title = figure(DomainMap("fractions", (), (), ()), "zh-Hans").layout.title.text
    assert "分数" in title and not leaks(title), title


@pytest.mark.parametrize(("lang", "joined"), [("en", "a, b, c"), ("zh-Hans", "a、b、c")])
def test_a_list_is_joined_as_the_language_writes_it(lang: str, joined: str) -> None:
    assert render("ui.list", {"items": ["a", "b", "c"]}, lang) == joined


def test_a_list_placeholder_without_a_format_is_joined_in_the_language() -> None:
    """``{names}`` given a list: "、" in Chinese, as ``{names:list}`` would."""
    from tutor.i18n.catalog import Catalog, fill

    zh = Catalog("zh-Hans", {"x": "先学{names}。"}, CATALOGS["zh-Hans"].formats)
    assert fill("x", {"names": ["通分", "约分"]}, zh, CATALOGS["en"]) == "先学通分、约分。"


def test_the_pages_join_lists_in_the_language() -> None:
    """No page joins the text it shows with an ASCII comma: lists go through ``t("list")``
    ("通分, 约分" on a Chinese page was the leak)."""
    from pathlib import Path

    views = Path(__file__).resolve().parents[2] / "ui" / "views"
    joins = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(views.glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""["'], ["']\.join\(""", line)
    ]
    assert not joins, joins
