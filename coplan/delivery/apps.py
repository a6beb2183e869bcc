from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "coplan.delivery"
    label = "delivery"
