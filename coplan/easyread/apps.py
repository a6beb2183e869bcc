from django.apps import AppConfig


class EasyreadConfig(AppConfig):
    """The person's own version of their plan: easy read with pictures, the plain-language
    checker, audio and large-print variants."""

    name = "coplan.easyread"
    label = "easyread"

    def ready(self) -> None:
        # What this stage adds to earlier stages' pages (coplan/lib/contributions).
        from coplan.easyread import contributions  # noqa: F401
