from django.apps import AppConfig


class PicturesConfig(AppConfig):
    """Pictures for plans and easy read: the OpenMoji pictograms, the provider's own image
    library, and each person's own photos; one reference format and one `picture` tag."""

    name = "coplan.pictures"
    label = "pictures"

    def ready(self) -> None:
        # What this app adds to earlier pages (coplan/lib/contributions).
        from coplan.pictures import contributions  # noqa: F401
