"""Alignment checks and spot checks."""

__all__: list[str] = []
