from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "coplan.support"
    label = "support"

    def ready(self) -> None:
        # What this stage adds to earlier stages' pages (coplan/lib/contributions).
        from coplan.support import contributions, selectors  # noqa: F401
