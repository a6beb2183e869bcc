from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "coplan.access"
    label = "access"

    def ready(self) -> None:
        # Marks an inspector's or commissioner's session at sign-in (user_logged_in).
        from coplan.access import middleware  # noqa: F401
        # What this stage adds to earlier stages' pages (coplan/lib/contributions).
        from coplan.access import contributions  # noqa: F401
