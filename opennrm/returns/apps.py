from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "opennrm.returns"
    label = "returns"
