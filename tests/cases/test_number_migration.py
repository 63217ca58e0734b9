"""The migration that makes one number sequence keeps every organization's counts: a database
with case and referral sequences continues both where they were."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from opennrm.accounts.models import Organization

BEFORE = [("cases", "0003_attachment"), ("referrals", "0001_initial")]
AFTER = [("cases", "0004_number_sequence"), ("referrals", "0002_number_sequence_moved")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


@pytest.mark.django_db(transaction=True)
def test_case_and_referral_counts_move_into_the_one_sequence():
    try:
        old = _migrate(BEFORE)
        # Accounts stay at their newest migration: the organization is made with today's model.
        organization = Organization.objects.create(name="Shelter S", org_type="NGO", country="KZ")
        old.get_model("cases", "CaseNumberSequence").objects.create(
            organization_id=organization.pk, year=2026, last=41
        )
        old.get_model("referrals", "ReferralNumberSequence").objects.create(
            organization_id=organization.pk, year=2026, last=7
        )

        new = _migrate(AFTER)
        sequences = new.get_model("cases", "NumberSequence").objects
        assert sorted(sequences.values_list("kind", "year", "last")) == [
            ("case", 2026, 41),
            ("referral", 2026, 7),
        ]

        # And back: the referral counts return to their own table.
        old = _migrate(BEFORE)
        referral_sequences = old.get_model("referrals", "ReferralNumberSequence").objects
        case_sequences = old.get_model("cases", "CaseNumberSequence").objects
        assert list(referral_sequences.values_list("year", "last")) == [(2026, 7)]
        assert list(case_sequences.values_list("year", "last")) == [(2026, 41)]
    finally:
        _migrate(None)
