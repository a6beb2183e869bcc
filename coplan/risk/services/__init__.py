"""Writes for positive risk-taking: plans and progression (plans), records on shift (practice)."""
