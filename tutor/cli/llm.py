"""The ``tutor llm`` commands (being written)."""
