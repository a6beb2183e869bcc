from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "coplan.reviews"
    label = "reviews"
