"""The migration that makes one number sequence keeps every organization's counts: a database
with case and referral sequences continues both where they were."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0003_attachment"), ("referrals", "0001_initial")]
AFTER = [("cases", "0004_number_sequence"), ("referrals", "0002_number_sequence_moved")]


@pytest.mark.django_db(transaction=True)
def test_case_and_referral_counts_move_into_the_one_sequence():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    organization = old.get_model("accounts", "Organization").objects.create(
        name="Shelter S", org_type="NGO", country="KZ"
    )
    old.get_model("cases", "CaseNumberSequence").objects.create(
        organization=organization, year=2026, last=41
    )
    old.get_model("referrals", "ReferralNumberSequence").objects.create(
        organization=organization, year=2026, last=7
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("cases", "NumberSequence").objects.values_list("kind", "year", "last")
    assert sorted(rows) == [("case", 2026, 41), ("referral", 2026, 7)]

    # And back: the referral counts return to their own table.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    assert list(
        old.get_model("referrals", "ReferralNumberSequence").objects.values_list("year", "last")
    ) == [(2026, 7)]
    assert list(
        old.get_model("cases", "CaseNumberSequence").objects.values_list("year", "last")
    ) == [(2026, 41)]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
