"""The ``tutor model`` commands (being written)."""
