from django.apps import AppConfig


class LinkageConfig(AppConfig):
    """The same person across records: the duplicate check at intake, hints across
    organizations, merging persons, and batch linkage (decision 0021)."""

    name = "opennrm.linkage"
    label = "linkage"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from . import audit_batch, audit_intake, audit_merge

        actions_register(*audit_batch.ACTIONS, *audit_intake.ACTIONS, *audit_merge.ACTIONS)
