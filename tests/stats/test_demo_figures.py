"""The report's figures (../shared/reference/scenario.md) come out exactly, each by a query of
the stats layer over the demo: IOM Almaty assisted 49 people in 2005, 38 of them women, 16 from
Uzbekistan; the Tajik NGO's cases rose from 41 in 2004 to 93 in 2005, 90 of them women
exploited sexually."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import translation

from opennrm.accounts.models import Organization
from opennrm.stats import queries
from opennrm.stats.dashboard import compare
from opennrm.stats.queries import Scope
from opennrm.stats.tables import Table


def _year(organization: Organization, year: int) -> Scope:
    return Scope.of_organization(organization, date(year, 1, 1), date(year, 12, 31))


def _cell(table: Table, label: str, column: int = 0) -> int | None:
    (row,) = [row for row in table.rows if row.label == label]
    return row.values[column]


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def test_iom_almaty_2005(demo) -> None:
    scope = _year(Organization.objects.get(name="IOM Kazakhstan, Almaty office"), 2005)
    with translation.override("en"):
        assert _cell(queries.headline(scope), "People assisted") == 49
        assert _cell(queries.people_by_sex(scope), "Female") == 38
        assert _cell(queries.people_by_citizenship(scope), "Uzbekistan") == 16


def test_tajikistan_41_in_2004_and_93_in_2005(demo) -> None:
    (tajik,) = Organization.objects.filter(country="TJ")
    with translation.override("en"):
        assert _cell(queries.headline(_year(tajik, 2004)), "Cases opened") == 41
        scope = _year(tajik, 2005)
        assert _cell(queries.headline(scope), "Cases opened") == 93
        exploitation = queries.cases_by_exploitation_type(scope)
        assert exploitation.columns[1] == "Women"
        assert _cell(exploitation, "Sexual exploitation", column=1) == 90
        (cases,) = [c for c in compare(scope) if c.key == "cases"]
    assert (cases.current, cases.previous) == (93, 41)
    assert cases.sentence == "93 cases opened in 2005, up from 41 in 2004."
