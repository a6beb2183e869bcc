from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "coplan.access"
    label = "access"

    def ready(self) -> None:
        # What this stage adds to earlier stages' pages (coplan/lib/contributions).
        from coplan.access import contributions  # noqa: F401
