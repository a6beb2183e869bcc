from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "coplan.demo"
    label = "demo"
