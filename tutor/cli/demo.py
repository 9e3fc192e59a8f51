"""The ``tutor demo`` commands (being written)."""
