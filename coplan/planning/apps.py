from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "coplan.planning"
    label = "planning"
