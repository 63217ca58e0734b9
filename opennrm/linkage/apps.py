from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """The same person across records: the duplicate check at intake, hints across
    organizations, merging persons, and batch linkage (decision 0021)."""

    name = "opennrm.linkage"
    label = "linkage"
