"""The kptutor Streamlit app (placeholder page until the app issue lands).

Run with ``make app``. Pages call :mod:`tutor` only; the store is created once per
server process with ``st.cache_resource``.
"""

from __future__ import annotations

import json

import streamlit as st

from tutor.graph import GraphStore, open_store
from tutor.settings import Settings


@st.cache_resource
def get_store(url: str) -> GraphStore:
    """One store per URL and server process (the embedded SQLite file by default)."""
    return open_store(url, Settings.from_env())


def main() -> None:
    """Render the placeholder page: what is loaded, and the graph's size."""
    st.set_page_config(page_title="kptutor", page_icon="📐")
    st.title("kptutor")
    st.caption("Adaptive K12 maths, driven by a knowledge-point graph.")
    store = get_store(Settings.from_env().resolved_store_url)
    info = store.curriculum_info()
    if info is None:
        st.warning("No curriculum is loaded. Run `tutor graph load default` and reload.")
        return
    stats = store.stats()
    st.subheader(f"Curriculum: {info.name}")
    cols = st.columns(5)
    for col, (label, value) in zip(cols, stats.to_json().items(), strict=True):
        col.metric(label.replace("_", " "), value)
    show_problem_bank(store)
    st.info("The student and teacher pages are being built; this page shows the loaded graph.")


def show_problem_bank(store: GraphStore) -> None:
    """Imported problems (OATutor) with the attribution their licence requires."""
    counts = store.content_counts()
    if not counts.problems:
        return
    st.subheader("Problem bank")
    st.write(
        f"{counts.problems} imported problems, {counts.problems_mapped} of them mapped to "
        "knowledge points."
    )
    for problem in store.problems(limit=3):
        data = json.loads(problem.data)
        with st.expander(f"{problem.title} ({problem.kp or ', '.join(problem.skills)})"):
            st.markdown(data.get("body", ""))
            for number, step in enumerate(data.get("steps", []), 1):
                st.markdown(f"**Step {number}.** {step.get('title', '')} {step.get('body', '')}")
            st.caption(data["attribution"])


main()
