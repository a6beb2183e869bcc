from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "coplan.delivery"
    label = "delivery"

    def ready(self) -> None:
        # What this stage adds to other pages (coplan/lib/contributions).
        from coplan.delivery import contributions  # noqa: F401
