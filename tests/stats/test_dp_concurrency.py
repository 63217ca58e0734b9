"""Two releases at the same moment, each asking for the last of the budget: the budget row is
locked, so one waits for the other and is refused. Needs a database that locks rows
(PostgreSQL, as in production and CI); SQLite locks the whole file and is skipped."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from opennrm.errors import ValidationFailed
from opennrm.stats import dp
from opennrm.stats.models_dp import PrivacyBudget, Release


@pytest.mark.django_db(transaction=True)
def test_two_releases_at_once_cannot_both_spend_the_last_of_the_budget(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    actor = world.actor(world.a["data_analyst"])
    dp.release_create(actor=actor, dataset="cases", tables=["year_sex"], epsilon="2.5")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def release() -> None:
        from django.db import connection as own

        try:
            start.wait()
            dp.release_create(actor=actor, dataset="cases", tables=["year_sex"], epsilon="0.5")
            outcomes.append("made")
        except ValidationFailed as refused:
            outcomes.append(refused.errors["epsilon"][0])
        finally:
            own.close()

    threads = [threading.Thread(target=release) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [
        "This release needs epsilon 0.5, but the privacy budget of this data set has 0 left "
        "(3 of 3 spent).",
        "made",
    ]
    budget = PrivacyBudget.objects.get(organization=world.org_a, dataset="cases")
    assert budget.spent_epsilon == Decimal(3)
    assert Release.objects.filter(budget=budget).count() == 2
