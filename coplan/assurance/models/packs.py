"""Evidence packs and named inspector access."""

__all__: list[str] = []
