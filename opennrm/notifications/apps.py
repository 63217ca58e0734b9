from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "opennrm.notifications"
    label = "notifications"
