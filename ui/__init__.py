"""The kptutor Streamlit app: a thin router (``app.py``) and one file per page (``views/``).

Pages talk to :mod:`tutor.engine` only (user data through the signed-in user's facade,
``tutor.access.School.as_user(token)``); every string a person reads comes from :mod:`ui.i18n`.
"""
