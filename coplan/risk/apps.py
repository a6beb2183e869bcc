from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "coplan.risk"
    label = "risk"

    def ready(self) -> None:
        # What this stage adds to earlier stages' pages (coplan/lib/contributions).
        from coplan.risk import contributions  # noqa: F401
