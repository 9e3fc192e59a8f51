"""The curriculum page (issue 18): the Misconceptions tab lists what the checker names on a
point's items, the OATutor tab says how to import problems into a store with none, and the
Chinese page names domains in Chinese."""

from __future__ import annotations

import pytest

from tests.unit.test_app import (  # noqa: F401 (fixtures)
    PASSWORDS,
    shown,
    sign_in,
    start,
    store_url,
    world,
)
from tests.zh_leaks import leaks
from tutor.content.misconceptions import get_misconception
from tutor.graph import open_store
from tutor.settings import Settings
from ui.i18n import text

KP = "fractions.add_unlike"


def _open_point(lang: str, kp_id: str = KP) -> object:
    at = sign_in(start(lang), "t1", PASSWORDS["t1"], lang)
    at.switch_page("views/curriculum.py").run()
    at.text_input(key="curriculum_search").input(kp_id).run()
    box = at.selectbox(key="cur_kp")
    box.select_index(next(i for i, o in enumerate(box.options) if kp_id in o))
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_misconceptions_named_on_a_points_items_are_listed(
    store_url: str,  # noqa: F811
    lang: str,
) -> None:
    """Adding across is named on "add unlike fractions" items (it signals gaps in the
    points below): the tab lists it, with those gaps, and never says there is none."""
    at = _open_point(lang)
    page = shown(at)
    across = get_misconception("mc.frac_add_across")
    description = across.description_zh if lang != "en" else across.description
    assert text(lang, "mc_named_here") in page
    assert description in page
    assert text(lang, "no_misconceptions_kp") not in page


def test_the_oatutor_tab_says_how_to_import_into_a_store_with_none(
    store_url: str,  # noqa: F811
) -> None:
    store = open_store(store_url, Settings.from_env())
    store.load_problems("oatutor", [])  # re-importing replaces: now there are none
    store.close()
    at = _open_point("en", "equations.two_step")
    assert text("en", "no_problems_imported") in [i.value for i in at.info]
    assert "tutor content import oatutor" in text("en", "no_problems_imported")


def test_the_oatutor_tab_attributes_the_problems(
    store_url: str,  # noqa: F811
) -> None:
    at = _open_point("en", "equations.two_step")
    page = shown(at)
    assert text("en", "problems_attribution") in page and "OpenStax" in page


def test_the_chinese_page_names_domains_in_chinese(
    store_url: str,  # noqa: F811
) -> None:
    at = _open_point("zh-Hans")
    assert "分数" in at.selectbox(key="cur_domain").options
    page = shown(at)
    assert text("zh-Hans", "kp_meta", id=KP, grade="5", domain="分数") in page
    assert text("zh-Hans", "quoted_in_english") in page  # the CCSS text is English
    assert not leaks(page), leaks(page)
