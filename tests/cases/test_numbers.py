"""One number sequence for cases and referrals: per organization, kind and year, taken under a
row lock in the transaction of the new record."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from opennrm.cases.models import NumberKind, NumberSequence
from opennrm.cases.numbers import number_take
from tests.cases.factories import open_diana
from tests.referrals.factories import diana_consenting, send


def test_cases_and_referrals_take_their_numbers_from_the_one_sequence(world):
    case = diana_consenting(world)  # CCA: the initials of Crisis Centre A
    assert case.number == f"CCA-{case.opened_on.year}-00001"
    referral = send(world, case)
    year = timezone.localdate().year
    assert referral.number == f"CCA-R-{year}-00001"
    second = open_diana(world.a["case_worker"])
    assert second.number == f"CCA-{case.opened_on.year}-00002"
    rows = set(NumberSequence.objects.values_list("organization", "kind", "year", "last"))
    assert rows == {
        (world.org_a.pk, NumberKind.CASE, case.opened_on.year, 2),
        (world.org_a.pk, NumberKind.REFERRAL, year, 1),
    }


def test_each_organization_counts_on_its_own(world):
    with transaction.atomic():
        a = number_take(organization=world.org_a, kind=NumberKind.CASE, year=2026)
        b = number_take(organization=world.org_b, kind=NumberKind.CASE, year=2026)
        a_next_year = number_take(organization=world.org_a, kind=NumberKind.CASE, year=2027)
    assert (a, b, a_next_year) == ("CCA-2026-00001", "HB-2026-00001", "CCA-2027-00001")


def test_a_rolled_back_record_gives_its_number_back(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        number_take(organization=world.org_a, kind=NumberKind.REFERRAL, year=2026)
        raise RuntimeError("the referral failed after taking its number")
    with transaction.atomic():
        again = number_take(organization=world.org_a, kind=NumberKind.REFERRAL, year=2026)
    assert again == "CCA-R-2026-00001"


@pytest.mark.django_db(transaction=True)
def test_a_number_is_taken_only_inside_the_transaction_of_its_record(world):
    with pytest.raises(RuntimeError):
        number_take(organization=world.org_a, kind=NumberKind.CASE, year=2026)
    assert not NumberSequence.objects.exists()
