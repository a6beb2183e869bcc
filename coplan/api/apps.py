from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "coplan.api"
    label = "api"
    verbose_name = "JSON API"
