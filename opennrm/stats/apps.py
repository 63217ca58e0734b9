from importlib import import_module

from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Every count the product shows or publishes (decision 0022): one query layer over the
    domain apps, disclosure control, differential privacy, reference data sets, reports."""

    name = "opennrm.stats"
    label = "stats"

    # The audit modules of the parts, one line each (their ACTIONS are registered in ready).
    AUDIT_MODULES = ("audit_ctdc",)

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        for module in self.AUDIT_MODULES:
            actions_register(*import_module(f"{self.name}.{module}").ACTIONS)
