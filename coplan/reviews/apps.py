from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "coplan.reviews"
    label = "reviews"

    def ready(self) -> None:
        from coplan.lib.events import care_record_committed
        from coplan.reviews import contributions  # noqa: F401
        from coplan.reviews.receivers import scan_after_record

        care_record_committed.connect(scan_after_record, dispatch_uid="reviews.scan_after_record")
