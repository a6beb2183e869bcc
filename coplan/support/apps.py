from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "coplan.support"
    label = "support"
