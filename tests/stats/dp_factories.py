"""People of organization A's cases for the release tests, through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from opennrm.cases import services
from opennrm.cases.choices import ConsentPurpose
from opennrm.cases.models import Case
from opennrm.stats import dp
from opennrm.stats.models_dp import Release
from tests.cases.factories import REASON


def open_case(
    world,
    *,
    org: str = "a",
    gender: str = "Feminine",
    citizenship: str = "UZ",
    opened_on: date = date(2025, 3, 1),
    statistics: bool = True,
    withdrawn: bool = False,
) -> Case:
    actor = world.actor(getattr(world, org)["case_worker"])
    case = services.case_open(
        actor=actor,
        person={
            "given_name": "Test",
            "family_name": "Person",
            "birth_year": 1990,
            "gender": gender,
            "citizenship": citizenship,
        },
        opened_on=opened_on,
    )
    if statistics:
        consent = services.consent_record(
            actor=actor,
            case=case,
            purpose=ConsentPurpose.STATISTICS,
            method="verbal",
            given_on=opened_on,
        )
        if withdrawn:
            services.consent_withdraw(actor=actor, consent=consent, reason=REASON)
    return case


def a_release(world, org: str = "a") -> Release:
    """A release of A's (or B's) people by year and sex, epsilon 0.5."""

    def make() -> Release:
        analyst = world.actor(getattr(world, org)["data_analyst"])
        return dp.release_create(
            actor=analyst, dataset="cases", tables=["year_sex"], epsilon=Decimal("0.5")
        )

    return world.once(f"release_{org}", make)
