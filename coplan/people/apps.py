from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "coplan.people"
    label = "people"
    verbose_name = "People supported"

    def ready(self) -> None:
        # What this stage adds to other stages' pages (coplan/lib/contributions).
        from coplan.people import contributions  # noqa: F401
