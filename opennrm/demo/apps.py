from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo scenario (``manage.py load_demo``); installed by development and test settings."""

    name = "opennrm.demo"
    label = "demo"
