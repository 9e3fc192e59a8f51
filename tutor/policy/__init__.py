"""Next-item selection, learning paths and spaced review (pure functions of state)."""
