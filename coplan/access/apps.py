from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "coplan.access"
    label = "access"
