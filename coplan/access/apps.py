from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "coplan.access"
    label = "access"

    def ready(self) -> None:
        # What this stage adds to earlier stages' pages (coplan/lib/contributions), and the
        # sign-in hook that marks an inspector's or commissioner's session (user_logged_in).
        from coplan.access import contributions, middleware  # noqa: F401
