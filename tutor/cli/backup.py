"""The ``tutor backup`` commands (being written)."""
