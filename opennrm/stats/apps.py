from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Every count the product shows or publishes (decision 0022): one query layer over the
    domain apps, disclosure control, differential privacy, reference data sets, reports."""

    name = "opennrm.stats"
    label = "stats"

    def ready(self) -> None:
        from opennrm.audit.actions import actions_register

        from . import (
            audit_charts,
            audit_ctdc,
            audit_dp,
            audit_report,
            audit_sharing,
            cache,  # noqa: F401  (connects the cache's invalidation to the writes)
            rollup,
        )

        rollup.connect()

        actions_register(
            *audit_charts.ACTIONS,
            *audit_ctdc.ACTIONS,
            *audit_dp.ACTIONS,
            *audit_report.ACTIONS,
            *audit_sharing.ACTIONS,
        )
