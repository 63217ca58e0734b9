"""The migration that adds partial dates keeps the events recorded before it valid: a dated event
is known to the day, an undated one stays unknown (the database's check holds for both)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.cases.factories import open_diana

# The lead renumbers migrations at merge: these are the names on this branch.
BEFORE = [("cases", "0006_consent_withdrawal_reason")]
AFTER = [("cases", "0007_route_dates")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


@pytest.mark.django_db(transaction=True)
def test_events_recorded_before_partial_dates_are_known_to_the_day(world):
    case = open_diana(world.a["case_worker"])
    try:
        old = _migrate(BEFORE)
        events = old.get_model("cases", "HistoricEvent").objects
        events.create(case_id=case.pk, event_type="Transit", occurred_on=date(2005, 3, 1))
        events.create(case_id=case.pk, event_type="Exploitation", occurred_on=None)
        new = _migrate(AFTER)
        rows = new.get_model("cases", "HistoricEvent").objects.order_by("id")
        assert list(rows.values_list("occurred_on", "date_precision", "removed_at")) == [
            (date(2005, 3, 1), "day", None),
            (None, "", None),
        ]
    finally:
        _migrate(None)
