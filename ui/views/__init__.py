"""One Streamlit page per file; ``ui/app.py`` registers them with ``st.navigation``."""
