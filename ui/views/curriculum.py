"""Curriculum (teachers and visitors): search the knowledge points, filter by grade and
domain, and see one point's prerequisites and dependents as a graph, an item per level
with its worked steps, its misconceptions, its CCSS alignment and the OATutor problems
mapped to it (with the attributions their licences require); and the map of a domain laid
out by grade, coloured by item and misconception coverage (also as an offline HTML file)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from tutor.i18n import domain_name
from ui import graphs, state, widgets
from ui.state import t

if TYPE_CHECKING:
    from tutor.domain import KnowledgePoint
    from tutor.service import Catalog

CCSS_NOTICE = (
    "Common Core State Standards © Copyright 2010. National Governors Association Center for "
    "Best Practices and Council of Chief State School Officers. All rights reserved."
)
#: The neighbourhood drawing shows this many hops each way.
DEPTH = 2
#: Items shown for a point: one per level, seed fixed so the page is the same every visit.
ITEM_SEED = 1


def neighbourhood(catalog: Catalog, kp_id: str) -> str:
    """DOT of a point, its prerequisites and its dependents (``DEPTH`` hops each way)."""
    near = catalog.neighbourhood(kp_id, DEPTH)
    labels = {kp: state.kp_name(kp) for kp in near.points}
    return graphs.neighbourhood_graph(
        kp_id, labels, near.edges, near.prerequisites, near.dependents
    )


def _items(catalog: Catalog, kp_id: str) -> None:
    items = catalog.item_previews(kp_id, ITEM_SEED)
    if not items:
        st.caption(t("no_items"))
        return
    for item in items:
        level = item.difficulty
        prompt = item.prompt_zh if state.zh() and item.prompt_zh else item.prompt
        with st.expander(t("item_level", level=level, prompt=widgets.label_text(prompt))):
            widgets.maths(prompt)
            st.caption(t("item_caption", item_id=item.item_id, level=level))
            for number, step in enumerate(item.steps, 1):
                text = step.text_zh if state.zh() and step.text_zh else step.text
                widgets.maths(text, prefix=f"{number}. ", suffix=f"  \n`{step.claim}`")
            st.markdown(t("item_answer", answer=item.answer))


def _misconceptions(catalog: Catalog, kp_id: str) -> None:
    """Two lists: the misconceptions the checker names on this point's items (and the gaps
    they signal), then those named elsewhere that signal a gap in this point."""
    zh = state.zh()
    named = catalog.misconceptions_named_on(kp_id)
    signalling = [mc for mc in catalog.misconceptions(kp_id) if mc.id not in {m.id for m in named}]
    if not named and not signalling:
        st.caption(t("no_misconceptions_kp"))
        return
    if named:
        st.markdown(f"**{t('mc_named_here')}**")
        for mc in named:
            description = (mc.description_zh or mc.description) if zh else mc.description
            gaps = [state.kp_name(kp) for kp in mc.signals]
            st.markdown("- " + t("mc_gap_in", description=description, points=gaps))
    if signalling:
        st.markdown(f"**{t('mc_signal_here')}**")
        for info in signalling:
            description = (info.description_zh or info.description) if zh else info.description
            st.markdown(f"- {description}")


def _standards(catalog: Catalog, kp: KnowledgePoint) -> None:
    if not kp.standards:
        st.caption(t("no_standards"))
        return
    for standard_id in kp.standards:
        try:
            standard = catalog.standard(standard_id)
        except TutorError:
            st.markdown(f"- **{standard_id}**")
            continue
        st.markdown(f"- **{standard.id}** — {standard.description}")
    st.caption(CCSS_NOTICE)
    _quoted_in_english()


def _problems(catalog: Catalog, kp_id: str, imported: int) -> None:
    """The OATutor problems mapped to the point, with their attribution; on a store with
    none imported at all, how to import them."""
    if not imported:
        st.info(t("no_problems_imported"))
        return
    problems = catalog.problems(kp_id, limit=5)
    if not problems:
        st.caption(t("no_problems"))
        return
    st.caption(t("problems_attribution"))
    _quoted_in_english()
    for problem in problems:
        data = json.loads(problem.data)
        with st.expander(problem.title):
            st.markdown(data.get("body", ""))
            for number, step in enumerate(data.get("steps", []), 1):
                st.markdown(
                    f"**{t('step_n', n=number)}** {step.get('title', '')} {step.get('body', '')}"
                )
            st.caption(data.get("attribution", ""))


def _quoted_in_english() -> None:
    """On the Chinese page, say that the standards' and OATutor's texts are their English
    originals (they have no Chinese version), so the English is not taken for a slip."""
    if state.zh():
        st.caption(t("quoted_in_english"))


@st.cache_data(show_spinner=False, max_entries=8)
def _map_html(fingerprint: str, domain: str, language: str) -> str:
    # Keyed by the curriculum's fingerprint: a new load draws a new map.
    return state.designer().domain_map_html(domain, language)


def _domain_map(domains: list[str], chosen: str | None, fingerprint: str) -> None:
    """The interactive map of one domain by grade, coloured by content coverage, and the
    same map as an HTML file that opens offline."""
    with st.expander(t("map_header"), expanded=chosen is not None):
        language = state.lang()  # format_funcs get no session state later
        domain = chosen or st.selectbox(
            t("map_domain"),
            domains,
            format_func=lambda d: domain_name(d, language),
            key="cur_map_domain",
        )
        if domain is None:
            return
        st.caption(t("map_caption"))
        st.plotly_chart(
            state.designer().domain_figure(domain, state.lang()),
            use_container_width=False,
            config={"displaylogo": False},
        )
        st.download_button(
            t("map_download"),
            _map_html(fingerprint, domain, state.lang()),
            file_name=f"map-{domain}-{state.lang()}.html",
            mime="text/html",
            key="cur_map_download",
        )


def render() -> None:
    """Explore the stored curriculum."""
    st.title(t("page_curriculum"))
    catalog = state.catalog()
    if catalog.info() is None:
        st.warning(t("no_curriculum"))
        return
    all_points = catalog.points()
    grades = sorted({kp.grade for kp in all_points if kp.grade}, key=_grade_key)
    domains = sorted({kp.domain for kp in all_points if kp.domain})
    c1, c2, c3 = st.columns([2, 1, 1])
    query = c1.text_input(t("search"), key="curriculum_search")
    every = t("all")  # format_funcs get no session state later: fix the word now
    grade = c2.selectbox(
        t("grade"),
        [None, *grades],
        format_func=lambda g: every if g is None else g,
        key="cur_grade",
    )
    language = state.lang()
    domain = c3.selectbox(
        t("domain"),
        [None, *domains],
        format_func=lambda d: every if d is None else domain_name(d, language),
        key="cur_domain",
    )
    info = catalog.info()
    _domain_map(domains, domain, info.fingerprint if info is not None else "")
    points = catalog.search(query, grade=grade, domain=domain)
    counts = catalog.content_counts()
    st.caption(t("points_found", n=len(points), total=len(all_points), problems=counts.problems))
    if not points:
        st.info(t("nothing_found"))
        return
    labels = {kp.id: widgets.kp_label(kp) for kp in points}
    kp_id: str = st.selectbox(
        t("knowledge_point"), list(labels), format_func=labels.__getitem__, key="cur_kp"
    )
    kp = catalog.point(kp_id)
    st.header(state.kp_name(kp.id))
    description = kp.description_zh if state.zh() and kp.description_zh else kp.description
    if description:
        widgets.maths(description)
    domain_shown = domain_name(kp.domain, language) if kp.domain else "?"
    st.caption(t("kp_meta", id=kp.id, grade=kp.grade or "?", domain=domain_shown))
    st.subheader(t("prereqs_and_dependents"))
    st.caption(t("neighbourhood_legend"))
    st.graphviz_chart(neighbourhood(catalog, kp.id))
    tabs = st.tabs([t("tab_items"), t("tab_misconceptions"), t("tab_standards"), t("tab_problems")])
    with tabs[0]:
        _items(catalog, kp.id)
    with tabs[1]:
        _misconceptions(catalog, kp.id)
    with tabs[2]:
        _standards(catalog, kp)
    with tabs[3]:
        _problems(catalog, kp.id, counts.problems)


def _grade_key(grade: str) -> tuple[int, str]:
    return (int(grade), grade) if grade.isdigit() else (-1, grade)


render()
