"""The kptutor Streamlit app (placeholder page until the app issue lands).

Run with ``make app``. Pages call :mod:`tutor` only; the store is created once per
server process with ``st.cache_resource``.
"""

from __future__ import annotations

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
    st.info("The student and teacher pages are being built; this page shows the loaded graph.")


main()
