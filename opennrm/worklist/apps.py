from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "opennrm.worklist"
    label = "worklist"
