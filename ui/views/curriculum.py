"""Curriculum (teachers and visitors): search the knowledge points, filter by grade and
domain, and see one point's prerequisites and dependents as a graph, an item per level
with its worked steps, its misconceptions, its CCSS alignment and the OATutor problems
mapped to it (with the attributions their licences require)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import streamlit as st

from tutor.errors import TutorError
from ui import graphs, state, widgets
from ui.state import t

if TYPE_CHECKING:
    from tutor.domain import KnowledgePoint
    from tutor.graph import GraphStore

CCSS_NOTICE = (
    "Common Core State Standards © Copyright 2010. National Governors Association Center for "
    "Best Practices and Council of Chief State School Officers. All rights reserved."
)
#: The neighbourhood drawing shows this many hops each way.
DEPTH = 2
#: Items shown for a point: one per level, seed fixed so the page is the same every visit.
ITEM_SEED = 1


def matching(points: list[KnowledgePoint], query: str) -> list[KnowledgePoint]:
    """The points whose id, English or Chinese name or description contains ``query``."""
    q = query.strip().casefold()
    if not q:
        return points
    return [
        kp
        for kp in points
        if any(
            q in field.casefold()
            for field in (kp.id, kp.name, kp.name_zh, kp.description, kp.description_zh)
        )
    ]


def neighbourhood(store: GraphStore, kp_id: str) -> str:
    """DOT of a point, its prerequisites and its dependents (``DEPTH`` hops each way)."""
    pre = store.prerequisites(kp_id, DEPTH)
    dep = store.dependents(kp_id, DEPTH)
    kps = [*pre, kp_id, *dep]
    direct = store.direct_prerequisites(kps)
    edges = [(p, k) for k, ps in direct.items() for p in ps]
    labels = {kp: state.kp_name(kp) for kp in kps}
    return graphs.neighbourhood_graph(kp_id, labels, edges, pre, dep)


def _items(kp_id: str) -> None:
    from tutor.content.items import generate, generators_for_kp

    gens = generators_for_kp(kp_id)
    if not gens:
        st.caption(t("no_items"))
        return
    levels = sorted({level for gen in gens for level in gen.levels})
    for level in levels:
        gen = next(g for g in gens if level in g.levels)
        item = generate(gen.name, level, ITEM_SEED)
        prompt = item.prompt_zh if state.zh() and item.prompt_zh else item.prompt
        with st.expander(t("item_level", level=level, prompt=prompt)):
            st.caption(t("item_caption", item_id=item.item_id, level=level))
            for number, step in enumerate(item.steps, 1):
                text = step.text_zh if state.zh() and step.text_zh else step.text
                st.markdown(f"{number}. {text}  \n`{step.claim}`")
            st.markdown(t("item_answer", answer=item.answer))


def _misconceptions(store: GraphStore, kp_id: str) -> None:
    found = store.misconceptions(kp_id)
    if not found:
        st.caption(t("no_misconceptions_kp"))
    for mc in found:
        description = (mc.description_zh or mc.description) if state.zh() else mc.description
        st.markdown(f"- {description} (`{mc.id}`)")


def _standards(store: GraphStore, kp: KnowledgePoint) -> None:
    if not kp.standards:
        st.caption(t("no_standards"))
        return
    for standard_id in kp.standards:
        try:
            standard = store.get_standard(standard_id)
        except TutorError:
            st.markdown(f"- **{standard_id}**")
            continue
        st.markdown(f"- **{standard.id}** — {standard.description}")
    st.caption(CCSS_NOTICE)


def _problems(store: GraphStore, kp_id: str) -> None:
    problems = store.problems(kp_id=kp_id, limit=5)
    if not problems:
        st.caption(t("no_problems"))
        return
    for problem in problems:
        data = json.loads(problem.data)
        with st.expander(problem.title):
            st.markdown(data.get("body", ""))
            for number, step in enumerate(data.get("steps", []), 1):
                st.markdown(
                    f"**{t('step_n', n=number)}** {step.get('title', '')} {step.get('body', '')}"
                )
            st.caption(data.get("attribution", ""))


def render() -> None:
    """Explore the stored curriculum."""
    st.title(t("page_curriculum"))
    store = state.engine().store
    if store.curriculum_info() is None:
        st.warning(t("no_curriculum"))
        return
    all_points = store.list_nodes()
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
    domain = c3.selectbox(
        t("domain"),
        [None, *domains],
        format_func=lambda d: every if d is None else d,
        key="cur_domain",
    )
    points = [
        kp
        for kp in matching(all_points, query)
        if (grade is None or kp.grade == grade) and (domain is None or kp.domain == domain)
    ]
    counts = store.content_counts()
    st.caption(t("points_found", n=len(points), total=len(all_points), problems=counts.problems))
    if not points:
        st.info(t("nothing_found"))
        return
    labels = {kp.id: widgets.kp_label(kp) for kp in points}
    kp_id: str = st.selectbox(
        t("knowledge_point"), list(labels), format_func=labels.__getitem__, key="cur_kp"
    )
    kp = store.get_node(kp_id)
    st.header(state.kp_name(kp.id))
    description = kp.description_zh if state.zh() and kp.description_zh else kp.description
    if description:
        st.markdown(description)
    st.caption(t("kp_meta", id=kp.id, grade=kp.grade or "?", domain=kp.domain or "?"))
    st.subheader(t("prereqs_and_dependents"))
    st.caption(t("neighbourhood_legend"))
    st.graphviz_chart(neighbourhood(store, kp.id))
    tabs = st.tabs([t("tab_items"), t("tab_misconceptions"), t("tab_standards"), t("tab_problems")])
    with tabs[0]:
        _items(kp.id)
    with tabs[1]:
        _misconceptions(store, kp.id)
    with tabs[2]:
        _standards(store, kp)
    with tabs[3]:
        _problems(store, kp.id)


def _grade_key(grade: str) -> tuple[int, str]:
    return (int(grade), grade) if grade.isdigit() else (-1, grade)


render()
