from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "opennrm.portal"
    label = "portal"
