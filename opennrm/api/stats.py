"""The statistics API, /api/v1/stats: the tables of the organization's dashboard and of the
national view for a year, as JSON. Counts only (a suppressed cell is null); the national tables
are the coordinator's analyst's alone (404 for everyone else), suppressed as on the page.

No ``from __future__ import annotations`` here: django-ninja reads the annotations.
"""

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Schema

from opennrm.accounts import permissions as perms
from opennrm.api import common
from opennrm.api.common import ERRORS, Params
from opennrm.stats import dashboard, national
from opennrm.stats.tables import Table
from opennrm.validation import EARLIEST_RECORD, Checker

router = Router(tags=["stats"])


class YearIn(Params):
    year: int


class RowOut(Schema):
    label: str
    values: list[int | None]


class TableOut(Schema):
    key: str
    title: str
    row_heading: str
    columns: list[str]
    rows: list[RowOut]
    notes: list[str]


class TablesOut(Schema):
    period: str
    tables: list[TableOut]


def _year(actor_today: date, year: int) -> tuple[date, date]:
    check = Checker()
    check.integer("year", year, low=EARLIEST_RECORD.year, high=actor_today.year, required=True)
    check.raise_if_errors()
    return date(year, 1, 1), min(date(year, 12, 31), actor_today)


def _out(period: str, tables: list[Table]) -> TablesOut:
    return TablesOut(
        period=period,
        tables=[
            TableOut(
                key=t.key,
                title=t.title,
                row_heading=t.row_heading,
                columns=list(t.columns),
                rows=[RowOut(label=r.label, values=list(r.values)) for r in t.rows],
                notes=list(t.notes),
            )
            for t in tables
        ],
    )


@router.get("/organization", response={200: TablesOut, **ERRORS})
def stats_organization(request: HttpRequest, filters: Query[YearIn]) -> TablesOut:
    """The caller's organization's dashboard tables for a year (its own figures, unsuppressed)."""
    actor = common.actor(request, require=perms.STATS_VIEW)
    start, end = _year(dashboard.organization_today(actor=actor), filters.year)
    scope = dashboard.dashboard_scope(actor=actor, start=start, end=end)
    tables = [t for section in dashboard.dashboard_sections(scope) for t in section.tables]
    return _out(scope.label(), tables)


@router.get("/national", response={200: TablesOut, **ERRORS})
def stats_national(request: HttpRequest, filters: Query[YearIn]) -> TablesOut:
    """The national view's tables for a year: sharing organizations, consented cases, linked
    persons once, small cells suppressed. The national coordinator's analyst only."""
    actor = common.actor(request, require=perms.STATS_NATIONAL)
    national.coordinator_of(actor)  # 404 for all but the coordinator's analyst, year unread
    start, end = _year(dashboard.organization_today(actor=actor), filters.year)
    found = national.national_scope(actor=actor, start=start, end=end)
    tables = [t for section in national.national_sections(found) for t in section.tables]
    return _out(found.scope.label(), tables)
