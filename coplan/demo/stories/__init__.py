"""The demo stories, one module per stage, loaded in order by seed_demo."""
