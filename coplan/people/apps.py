from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "coplan.people"
    label = "people"
    verbose_name = "People supported"
