"""Small text helpers shared by forms, models and services."""

from __future__ import annotations

BULLETS = " -•\t"


def lines_of(text: str) -> list[str]:
    """One item a line, with list bullets and blank lines dropped."""
    return [line.strip(BULLETS) for line in (text or "").splitlines() if line.strip(BULLETS)]
