from tests.risk.conftest import decision, plan  # noqa: F401  (the risk plan fixtures)
