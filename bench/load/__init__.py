"""`python -m bench.load`: the load test (see README, "Load test")."""
