"""Simulated students and policy evaluation (``tutor simulate``)."""
