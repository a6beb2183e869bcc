from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "coplan.notifications"
    label = "notifications"
