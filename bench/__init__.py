"""Benchmarks for the targets in DESIGN.md, run with `make bench` (`python -m bench`)."""
