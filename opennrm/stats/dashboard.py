"""The organization's dashboard: the period asked for, the scope of the actor's organization,
the tables of the query layer, and the period comparison in words ("93 cases opened in 2005,
up from 41 in 2004"). Counts only; the caseload per worker stays inside the organization."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.validation import EARLIEST_RECORD

from . import queries
from .cache import cached
from .queries import Scope
from .tables import Row, Table

# The order of queries.headline's rows.
HEADLINE_KEYS = ("cases", "people", "closed", "contacts", "sent", "received")
# Hotline figures: the last 14 days and the last 12 weeks.
HOTLINE_DAYS = 14
HOTLINE_WEEKS = 12


# --- The period.


class Preset:
    THIS_YEAR = "this_year"
    LAST_YEAR = "last_year"
    YEAR = "year"
    DATES = "dates"


class PeriodForm(forms.Form):
    """The period of the dashboard: this year (so far), last year, a chosen year, or dates."""

    preset = forms.ChoiceField(
        label=gettext_lazy("Period"),
        required=False,
        choices=[
            (Preset.THIS_YEAR, gettext_lazy("This year")),
            (Preset.LAST_YEAR, gettext_lazy("Last year")),
            (Preset.YEAR, gettext_lazy("A year")),
            (Preset.DATES, gettext_lazy("From – to")),
        ],
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False)
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any = None, *, today: date) -> None:
        super().__init__(data)
        self.today = today
        self.fields["year"].widget.attrs.update(min=EARLIEST_RECORD.year, max=today.year)

    def clean(self) -> dict:
        data = super().clean() or {}
        preset = data.get("preset") or Preset.THIS_YEAR
        if preset == Preset.YEAR:
            year = data.get("year")
            if year is None:
                self.add_error("year", _("Choose a year."))
            elif not EARLIEST_RECORD.year <= year <= self.today.year:
                self.add_error(
                    "year",
                    _("Choose a year from %(first)s to %(last)s.")
                    % {"first": EARLIEST_RECORD.year, "last": self.today.year},
                )
        if preset == Preset.DATES:
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", _("Give the first day."))
            elif start < EARLIEST_RECORD:
                self.add_error(
                    "start",
                    _("No record of this system is older than %(date)s.")
                    % {"date": EARLIEST_RECORD.isoformat()},
                )
            if end is None:
                self.add_error("end", _("Give the last day."))
            elif end > self.today:
                self.add_error("end", _("The period cannot end after today."))
            if start and end and end < start:
                self.add_error("end", _("The last day comes before the first."))
        data["preset"] = preset
        return data

    def period(self) -> tuple[date, date]:
        """The chosen period; this year so far when nothing (valid) was chosen."""
        today = self.today
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        data.setdefault("preset", Preset.THIS_YEAR)
        preset = data["preset"]
        if preset == Preset.LAST_YEAR:
            return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
        if preset == Preset.YEAR:
            return date(data["year"], 1, 1), date(data["year"], 12, 31)
        if preset == Preset.DATES:
            return data["start"], data["end"]
        return date(today.year, 1, 1), today


def dashboard_scope(*, actor: Actor, start: date, end: date) -> Scope:
    """The actor's own organization over the period: every case, the caseload included."""
    actor.require(perms.STATS_VIEW)
    return Scope.of_organization(actor.active_organization, start, end)


def organization_today(*, actor: Actor) -> date:
    return local_today(actor.active_organization)


# --- The comparison, in words.


def _figure(key: str, n: int, period: str) -> str:
    values = {"count": n, "period": period}
    if key == "cases":
        return (
            ngettext(
                "%(count)s case opened in %(period)s", "%(count)s cases opened in %(period)s", n
            )
            % values
        )
    if key == "people":
        return (
            ngettext(
                "%(count)s person assisted in %(period)s",
                "%(count)s people assisted in %(period)s",
                n,
            )
            % values
        )
    if key == "closed":
        return (
            ngettext(
                "%(count)s case closed in %(period)s", "%(count)s cases closed in %(period)s", n
            )
            % values
        )
    if key == "contacts":
        return (
            ngettext(
                "%(count)s hotline contact in %(period)s",
                "%(count)s hotline contacts in %(period)s",
                n,
            )
            % values
        )
    if key == "sent":
        return (
            ngettext(
                "%(count)s referral sent in %(period)s", "%(count)s referrals sent in %(period)s", n
            )
            % values
        )
    return (
        ngettext(
            "%(count)s referral received in %(period)s",
            "%(count)s referrals received in %(period)s",
            n,
        )
        % values
    )


def _change(n: int, previous: int, period: str) -> str:
    values = {"count": previous, "period": period}
    if previous == 0 and n == 0:
        return _("none in %(period)s either") % values
    if previous == 0:
        return _("up from none in %(period)s") % values
    if n > previous:
        return (
            ngettext("up from %(count)s in %(period)s", "up from %(count)s in %(period)s", previous)
            % values
        )
    if n < previous:
        return (
            ngettext(
                "down from %(count)s in %(period)s", "down from %(count)s in %(period)s", previous
            )
            % values
        )
    return ngettext("the same as in %(period)s", "the same as in %(period)s", previous) % values


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    current: int
    previous: int
    sentence: str

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def direction(self) -> str:
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"


def compare(scope: Scope) -> list[Comparison]:
    """The headline figures of the period beside those of the period before."""
    previous_scope = scope.previous()
    now, before = cached(queries.headline)(scope), cached(queries.headline)(previous_scope)
    found = []
    for key, row, old in zip(HEADLINE_KEYS, now.rows, before.rows, strict=True):
        n, previous = row.values[0] or 0, old.values[0] or 0
        sentence = _("%(figure)s, %(change)s.") % {
            "figure": _figure(key, n, scope.label()),
            "change": _change(n, previous, previous_scope.label()),
        }
        found.append(Comparison(key, row.label, n, previous, sentence))
    return found


# How each table is drawn (stats/charts.py through stats/_table.html): "" for a table alone
# (medians and rates are no counts to draw as bars).
CHARTS = {
    "cases-by-month": "column",
    "routes": "flow",
    "time-to-decision": "",
    "referrals": "",
    "referral-answers": "",
    "contacts-by-reason-and-channel": "",
}
# Tables never handed out as a file: the caseload names the organization's workers.
NOT_DOWNLOADED = frozenset({"caseload"})


@dataclass(frozen=True)
class Figure:
    table: Table
    chart: str
    downloads: bool


def figure_of(table: Table) -> Figure:
    return Figure(table, CHARTS.get(table.key, "bar"), table.key not in NOT_DOWNLOADED)


@dataclass(frozen=True)
class Section:
    title: str
    tables: list[Table]

    @property
    def figures(self) -> list[Figure]:
        return [figure_of(table) for table in self.tables]


def downloadable(tables: list[Table]) -> list[Table]:
    """The tables a page may hand out as CSV or XLSX."""
    return [table for table in tables if table.key not in NOT_DOWNLOADED]


def period_empty(comparison: list[Comparison], sections: list[Section]) -> bool:
    """Nothing was recorded in the period: no headline figure, no table with a count. The
    caseload is left out: cases opened earlier may still be open."""
    return not any(c.current for c in comparison) and all(
        table.empty for section in sections for table in section.tables if table.key != "caseload"
    )


def dashboard_sections(scope: Scope) -> list[Section]:
    """Every table of the organization's dashboard, in the order the page shows them; each from
    the statistics cache while no counted record changed, except the caseload per worker (it
    holds workers' names, which stay out of any cache)."""

    def count(fn: Callable[[Scope], Table]) -> Table:
        return cached(fn)(scope)

    return [
        Section(
            _("Cases"),
            [
                count(queries.cases_by_month),
                count(queries.cases_by_exploitation_type),
                count(queries.cases_by_country_of_exploitation),
                count(queries.routes),
            ],
        ),
        Section(
            _("People assisted"),
            [
                count(queries.people_by_sex),
                count(queries.people_by_age_band),
                count(queries.people_by_citizenship),
            ],
        ),
        Section(
            _("Identification"),
            [count(queries.identification_decisions), count(queries.time_to_decision)],
        ),
        Section(
            _("Services, referrals and returns"),
            [
                count(queries.services_by_type),
                count(queries.referrals),
                count(queries.referral_answers),
                count(queries.returns_by_destination),
                count(queries.follow_ups_done),
            ],
        ),
        Section(_("Hotline"), [count(queries.signals_by_reason_and_channel)]),
        Section(_("Our workers"), [queries.caseload_per_worker(scope)]),
    ]


# --- The pages moved here from hotline and referrals.


@dataclass(frozen=True)
class HotlineFigures:
    contacts: int
    non_trafficking: int
    cases: int
    handed_on: int
    overdue_follow_ups: int
    summary: list[Table]
    days: Table
    weeks: Table


def hotline_figures(*, actor: Actor, dimension: str) -> HotlineFigures:
    """The hotline's figures: the last 12 weeks by reason, channel and language, per day (14
    days) and per week of the chosen dimension, and the overdue follow-ups. Counts only."""
    actor.require(perms.HOTLINE_STATS_VIEW)
    organization = actor.active_organization
    today = local_today(organization)
    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=HOTLINE_WEEKS - 1)
    weeks = Scope.of_organization(organization, first_week, today)
    days = Scope.of_organization(organization, today - timedelta(days=HOTLINE_DAYS - 1), today)
    by_reason = queries.signals_by(weeks, "reason")
    summary = [
        by_reason,
        queries.signals_by(weeks, "channel"),
        queries.signals_by(weeks, "language"),
    ]
    contacts = sum(row.values[0] or 0 for row in by_reason.rows)
    reasons = dict(zip(queries.Reason.values, by_reason.rows, strict=True))
    return HotlineFigures(
        contacts=contacts,
        non_trafficking=sum(
            reasons[value].values[0] or 0
            for value in (queries.Reason.SAFE_MIGRATION, queries.Reason.JOB_OFFER_CHECK)
        ),
        cases=sum(row.values[1] or 0 for row in by_reason.rows),
        handed_on=sum(row.values[2] or 0 for row in by_reason.rows),
        overdue_follow_ups=queries.signal_follow_ups_overdue([organization.pk], today),
        summary=summary,
        days=queries.signals_per_period(days, dimension, "day"),
        weeks=queries.signals_per_period(weeks, dimension, "week"),
    )


@dataclass(frozen=True)
class Direction:
    """The tiles of one direction: counts, and the answers' rate and median (None: no answer)."""

    total: int
    overdue: int
    accepted_percent: int | None
    median_hours: int | None


@dataclass(frozen=True)
class ReferralFigures:
    sent: Direction
    received: Direction
    overall: Table
    answers: Table
    sent_by_partner: Table
    sent_by_service: Table
    received_by_partner: Table
    received_by_service: Table


def referral_figures(*, actor: Actor) -> ReferralFigures:
    """Referrals sent and received since the first record: by partner organization and by
    service requested, acceptance and median time to an answer. Counts only."""
    actor.require(perms.REFERRALS_STATS_VIEW)
    organization = actor.active_organization
    scope = Scope.of_organization(organization, EARLIEST_RECORD, local_today(organization))
    overall, answers = queries.referrals(scope), queries.referral_answers(scope)
    answered = {row.label: row.values for row in answers.rows}

    def direction(row: Row) -> Direction:
        total, *_rest, overdue = row.values
        answer = answered.get(row.label)
        return Direction(
            total=total or 0,
            overdue=overdue or 0,
            accepted_percent=answer[1] if answer else None,
            median_hours=answer[2] if answer else None,
        )

    sent, received = overall.rows
    return ReferralFigures(
        sent=direction(sent),
        received=direction(received),
        overall=overall,
        answers=answers,
        sent_by_partner=queries.referrals_by_partner(scope, "sent"),
        sent_by_service=queries.referrals_by_service(scope, "sent"),
        received_by_partner=queries.referrals_by_partner(scope, "received"),
        received_by_service=queries.referrals_by_service(scope, "received"),
    )
