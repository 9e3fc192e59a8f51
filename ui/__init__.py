"""The kptutor Streamlit app: a thin router (``app.py``) and one file per page (``views/``).

Pages talk to the tutor through :mod:`tutor.service` only: user data through the signed-in
user's role facade (:mod:`tutor.access`), the curriculum through the read-only catalog
(``state.catalog()``); every string a person reads comes from :mod:`ui.i18n`. The layer
test (``tests/unit/test_layers.py``) keeps it so.
"""
