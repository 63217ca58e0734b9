"""The one query layer for counts (decision 0022): every figure of the product is a `Table` made
here, from a `Scope`, by aggregate queries in the database (``values().annotate(Count)``,
``TruncMonth``, conditional counts), never by reading rows one by one into Python.

Only plain, statistical fields are read (sex, citizenship, exploitation, countries, dates,
statuses): an encrypted field cannot be grouped, and a count never needs one. The caller decides
who may see what: these functions take a `Scope`, not an actor; the pages build the scope from
the actor (`opennrm/stats/dashboard.py`), after the permission check.

Periods are the organization's local dates (decision 0011). Dates stored as dates (a case's
opening, a decision, a delivery) are already local; date-times (a contact, a referral) are cut
into days and months in the scope's time zone.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db.models import (
    BigIntegerField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from opennrm.accounts.models import Organization, User
from opennrm.cases.choices import (
    CLOSED_STATUSES,
    ConsentPurpose,
    DecisionState,
    ExploitationType,
    IdentificationStage,
    ServiceStatus,
    ServiceType,
    TraffickingStatus,
)
from opennrm.cases.models import Case, Consent, IdentificationDecision, Service
from opennrm.hotline.models import Channel, Outcome, Reason, Signal
from opennrm.linkage.models_batch import PersonCluster
from opennrm.locales import country_name, language_name
from opennrm.people.models import Gender
from opennrm.referrals.choices import ReferralStatus
from opennrm.referrals.models import Referral, ServiceDelivery
from opennrm.returns.models import (
    FOLLOW_UP_MONTHS,
    FollowUpOutcome,
    ReintegrationFollowUp,
    ReturnRecord,
)

from . import rollup
from .rollup import AGE_BANDS, MEASURES, UNKNOWN
from .tables import Row, Table

# The decision states that were in force: approved or recorded, and those replaced since.
DECISIONS_MADE = (DecisionState.APPROVED, DecisionState.RECORDED, DecisionState.SUPERSEDED)
# Services given, not only planned or called off.
SERVICES_GIVEN = (ServiceStatus.IN_PROGRESS, ServiceStatus.COMPLETED)
ACCEPTED = (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)


class ScopeError(ValueError):
    """A table asked of a scope it may not be made for (a worker's caseload leaving the
    organization)."""


@dataclass(frozen=True)
class Scope:
    """What a table counts: the organizations, the period (local dates, both days included), and
    whether only cases whose person consented to statistical use count (what leaves the
    organization: the national view, releases)."""

    organization_ids: tuple[int, ...]
    start: date
    end: date
    statistical_consent_only: bool = False
    time_zone: str = "UTC"  # IANA name: where a date-time's day and month are read
    # The linkage run whose groups join the records of one person kept by several organizations
    # (its PersonCluster rows): people are counted once per group (the national view).
    linkage_run: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ScopeError("The period ends before it starts.")

    @classmethod
    def of_organization(
        cls, organization: Organization, start: date, end: date, **kwargs: Any
    ) -> Scope:
        return cls(
            organization_ids=(organization.pk,),
            start=start,
            end=end,
            time_zone=organization.time_zone,
            **kwargs,
        )

    @property
    def zone(self) -> tzinfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_own_organization(self) -> bool:
        """One organization, every case: the organization's own dashboard."""
        return len(self.organization_ids) == 1 and not self.statistical_consent_only

    def moment_range(self) -> tuple[datetime, datetime]:
        """The period as aware date-times: from the first day's local midnight, to (not
        including) the midnight after the last day."""
        zone = self.zone
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )

    def previous(self) -> Scope:
        """The period before, to compare with: the same dates a year earlier for a period within
        one year that starts on 1 January (a year, the year so far); else the days just before."""
        if self.start == date(self.start.year, 1, 1) and self.end.year == self.start.year:
            return replace(self, start=_year_earlier(self.start), end=_year_earlier(self.end))
        return replace(
            self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1)
        )

    def label(self) -> str:
        """The period in words: "2005", or "1 March 2005 – 30 June 2005"."""
        if _is_calendar_year(self.start, self.end):
            return str(self.start.year)
        return "{} – {}".format(
            formats.date_format(self.start, "DATE_FORMAT"),
            formats.date_format(self.end, "DATE_FORMAT"),
        )


def _year_earlier(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _is_calendar_year(start: date, end: date) -> bool:
    return start == date(start.year, 1, 1) and end == date(start.year, 12, 31)


# --- Querysets of the scope: every table starts from one of these.


def _consented(case_path: str) -> Exists:
    """An active consent to anonymous statistics on the case at ``case_path``."""
    return Exists(
        Consent.objects.filter(
            case=OuterRef(case_path),
            purpose=ConsentPurpose.STATISTICS,
            withdrawn_on__isnull=True,
        )
    )


def _with_consent(queryset: QuerySet[Any], scope: Scope, case_path: str) -> QuerySet[Any]:
    if scope.statistical_consent_only:
        return queryset.filter(_consented(case_path))
    return queryset


def cases_opened(scope: Scope) -> QuerySet[Case]:
    """The scope's cases opened in the period: who was assisted then."""
    cases = Case.objects.filter(
        organization_id__in=scope.organization_ids,
        opened_on__gte=scope.start,
        opened_on__lte=scope.end,
    )
    return _with_consent(cases, scope, "pk").order_by()


def people_key(scope: Scope) -> Any:
    """What a person counts under: with a linkage run, the group of records of one person (the
    lowest person id of the group); a person in no group, and every person without a run, is
    its own."""
    if scope.linkage_run is None:
        return F("person_id")
    group = PersonCluster.objects.filter(run_id=scope.linkage_run, person_id=OuterRef("person_id"))
    return Coalesce(
        Subquery(group.values("cluster")[:1]), F("person_id"), output_field=BigIntegerField()
    )


def _cases_closed(scope: Scope) -> QuerySet[Case]:
    cases = Case.objects.filter(
        organization_id__in=scope.organization_ids,
        status__in=CLOSED_STATUSES,
        closed_on__gte=scope.start,
        closed_on__lte=scope.end,
    )
    return _with_consent(cases, scope, "pk").order_by()


def _signals(scope: Scope) -> QuerySet[Signal]:
    since, until = scope.moment_range()
    signals = Signal.objects.filter(
        organization_id__in=scope.organization_ids, received_at__gte=since, received_at__lt=until
    )
    if scope.statistical_consent_only:
        # A contact is no one's case; one that became a case counts under that case's consent.
        signals = signals.filter(Q(case__isnull=True) | _consented("case_id"))
    return signals.order_by()


def _referrals(scope: Scope, direction: str) -> QuerySet[Referral]:
    since, until = scope.moment_range()
    if direction == "sent":
        found = Referral.objects.filter(from_organization_id__in=scope.organization_ids)
        case_path = "from_case_id"
    else:
        found = Referral.objects.filter(to_organization_id__in=scope.organization_ids)
        case_path = "to_case_id"
    found = found.filter(sent_at__gte=since, sent_at__lt=until)
    return _with_consent(found, scope, case_path).order_by()


# --- Shaping rows.


def _months(start: date, end: date) -> list[date]:
    months, month = [], date(start.year, start.month, 1)
    while month <= end:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def full_months(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The whole months of the period (the first days of the first and the last), and the days
    outside them (before the first, after the last), as (from, to) periods."""
    first = start if start.day == 1 else _months(start, start + timedelta(days=31))[1]
    after = end + timedelta(days=1)
    beyond = date(after.year, after.month, 1)  # the month the day after the period is in
    if first >= beyond:
        return None, [(start, end)]
    last = _months(first, beyond - timedelta(days=1))[-1]
    days = []
    if start < first:
        days.append((start, first - timedelta(days=1)))
    if beyond <= end:
        days.append((beyond, end))
    return (first, last), days


def counted(
    scope: Scope, measure: str, *, by_month: bool = False, by_organization: bool = False
) -> Counter[tuple[Any, ...]]:
    """Cases of the scope by the category key of ``measure`` (``rollup.MEASURES``), keyed by
    (month if ``by_month``, organization id if ``by_organization``, key): opened in the period,
    or for "closed" closed in it. The whole months from the counts kept ahead of time, the days
    of a month cut by the period from the cases themselves."""
    months, days = full_months(scope.start, scope.end)
    out: Counter[tuple[Any, ...]] = Counter()
    if months is not None:
        out.update(
            rollup.kept(
                organization_ids=scope.organization_ids,
                first=months[0],
                last=months[1],
                measure=measure,
                consented_only=scope.statistical_consent_only,
                by_month=by_month,
                by_organization=by_organization,
            )
        )
    for start, end in days:
        part = replace(scope, start=start, end=end)
        out.update(_counted_live(part, measure, by_month=by_month, by_organization=by_organization))
    return out


def _counted_live(
    scope: Scope, measure: str, *, by_month: bool, by_organization: bool
) -> Counter[tuple[Any, ...]]:
    """`counted` from the cases themselves, grouped in the database by the measure's fields."""
    cases = _cases_closed(scope) if measure == "closed" else cases_opened(scope)
    fields = MEASURES[measure]
    day = "closed_on" if measure == "closed" else "opened_on"
    group = [*([day] if by_month else []), *(["organization_id"] if by_organization else [])]
    group += fields
    out: Counter[tuple[Any, ...]] = Counter()
    if not group:
        total = cases.count()
        if total:
            out[("",)] = total
        return out
    rows = cases.values(*group).annotate(n=Count("id")).values_list(*group, "n")
    for *values, n in rows:  # one row per combination, never per case
        parts: list[Any] = []
        if by_month:
            found = _as_date(values.pop(0))
            parts.append(date(found.year, found.month, 1) if found else None)
        if by_organization:
            parts.append(values.pop(0))
        key = rollup.key_of(measure, tuple(values))
        if key is not None:
            out[(*parts, key)] += n
    return out


def by_key(scope: Scope, measure: str) -> dict[str, int]:
    """`counted` by category key alone."""
    return {key: n for (key,), n in counted(scope, measure).items() if n}


def people_counts(scope: Scope, measure: str) -> dict[str, int]:
    """People of the scope's cases opened in the period by the category key of ``measure``
    ("opened": all of them, under ""): each person, or group of records of one person, once per
    key. The count of cases, less the cases of the persons with another case
    (``rollup.SharedPerson``) or grouped by the linkage run, plus those persons counted once: the
    only cases read one by one are theirs."""
    counts = by_key(scope, measure)
    for key, (cases, people) in _shared(scope, measure).items():
        counts[key] = counts.get(key, 0) - cases + len(people)
    return {key: n for key, n in counts.items() if n}


def _shared(scope: Scope, measure: str) -> dict[str, tuple[int, set[Any]]]:
    """Per key: the cases of the scope whose person may count with another case, and the people
    they are."""
    rows = _shared_rows(scope, MEASURES[measure])
    out: dict[str, tuple[int, set[Any]]] = {}
    for _person, person_key, *values in rows.values():
        key = rollup.key_of(measure, tuple(values))
        if key is None:
            continue
        cases, people = out.get(key, (0, set()))
        people.add(person_key)
        out[key] = (cases + 1, people)
    return out


SHARED_CHUNK = 1000  # persons per query of their cases: each found through the person index


def _shared_rows(scope: Scope, fields: tuple[str, ...]) -> dict[int, tuple[Any, ...]]:
    """(person, person key, *fields) of the scope's cases opened in the period whose person has
    another case or is in a group of the linkage run: by case id. The persons are read first
    (a few), then their cases by the person index, so no query walks the scope's cases."""
    from .models_rollup import SharedPerson

    persons = set(SharedPerson.objects.values_list("person_id", flat=True))
    if scope.linkage_run is not None:
        persons.update(
            PersonCluster.objects.filter(run_id=scope.linkage_run).values_list(
                "person_id", flat=True
            )
        )
    cases = cases_opened(scope).annotate(person_key=people_key(scope))
    ordered = sorted(persons)
    out: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(ordered), SHARED_CHUNK):
        found = cases.filter(person_id__in=ordered[i : i + SHARED_CHUNK]).values_list(
            "pk", "person_id", "person_key", *fields
        )
        for pk, *row in found:
            out[pk] = tuple(row)
    return out


def linked_records(scope: Scope) -> int:
    """How many of the scope's person records are counted together with another (the persons
    less the people): only the persons of several cases or of a group can be."""
    rows = _shared_rows(scope, ()).values()
    return len({row[0] for row in rows}) - len({row[1] for row in rows})


def _month_label(month: date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _not_recorded() -> str:
    return pgettext("statistics", "Not recorded")


def _rows_by(
    counts: dict[Any, int], order: Iterable[tuple[Any, str]], *, keep_zero: bool = True
) -> tuple[Row, ...]:
    """One row per (value, label) of ``order``, then any value counted but not in it."""
    rows, seen = [], set()
    for value, label in order:
        seen.add(value)
        n = counts.get(value, 0)
        if n or keep_zero:
            rows.append(Row(label, (n,)))
    for value, n in counts.items():
        if value not in seen and n:
            rows.append(Row(str(value), (n,)))
    return tuple(rows)


def _by_count(counts: dict[Any, int], label: Any) -> tuple[Row, ...]:
    """Rows most frequent first, then by label; the empty value last as "not recorded"."""
    named = sorted(
        ((label(value), n) for value, n in counts.items() if value and n),
        key=lambda item: (-item[1], item[0]),
    )
    rows = [Row(name, (n,)) for name, n in named]
    blank = (counts.get("") or 0) + (counts.get(None) or 0)
    if blank:
        rows.append(Row(_not_recorded(), (blank,)))
    return tuple(rows)


def _choices(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in choices]


# --- The headline figures, for the period comparison.


def headline(scope: Scope) -> Table:
    """Cases opened, people assisted, cases closed, contacts, referrals sent and received."""
    rows = (
        Row(_("Cases opened"), (by_key(scope, "opened").get("", 0),)),
        Row(_("People assisted"), (people_counts(scope, "opened").get("", 0),)),
        Row(_("Cases closed"), (by_key(scope, "closed").get("", 0),)),
        Row(_("Hotline contacts"), (_signals(scope).count(),)),
        Row(_("Referrals sent"), (_referrals(scope, "sent").count(),)),
        Row(_("Referrals received"), (_referrals(scope, "received").count(),)),
    )
    return Table(
        key="headline",
        title=_("Key figures"),
        row_heading=_("Figure"),
        columns=(scope.label(),),
        rows=rows,
    )


# --- Cases.


def _per_month(scope: Scope, measure: str) -> dict[date, int]:
    """Cases per month: opened, or closed ("closed")."""
    months: dict[date, int] = {}
    for (month, _key), n in counted(scope, measure, by_month=True).items():
        if month is not None and n:
            months[month] = months.get(month, 0) + n
    return months


def cases_by_month(scope: Scope) -> Table:
    """Cases opened and closed per month of the period."""
    opened = _per_month(scope, "opened")
    closed = _per_month(scope, "closed")
    return Table(
        key="cases-by-month",
        title=_("Cases opened and closed, by month"),
        row_heading=_("Month"),
        columns=(_("Opened"), _("Closed")),
        rows=tuple(
            Row(_month_label(month), (opened.get(month, 0), closed.get(month, 0)))
            for month in _months(scope.start, scope.end)
        ),
    )


def cases_by_exploitation_type(scope: Scope) -> Table:
    """Cases opened in the period by type of exploitation, in all and by the person's sex; a case
    of two types counts in both, so the rows may add up to more than the cases. One grouped
    query by the recorded combination of types and the sex (a few dozen rows), split into types
    here: not a conditional count per type and sex of every case (40 ``LIKE`` per case were
    0.8 s of the national view's 4.5 s at 100,000 cases, bench/stats.py)."""
    sexes = ("all", "women", "men", "other")
    kinds = [*ExploitationType.values, ""]  # "": none recorded
    counts = {(kind, sex): 0 for kind in kinds for sex in sexes}
    grouped = [
        (*rollup.decode("exploitation", key), n) for key, n in by_key(scope, "exploitation").items()
    ]
    for recorded, gender, n in grouped:  # one row per combination, never per case
        types = set(recorded or []) or {""}
        sex = (
            "women"
            if gender == Gender.FEMININE
            else "men"
            if gender == Gender.MASCULINE
            else "other"
        )
        for kind in types & set(kinds):
            counts[(kind, "all")] += n
            counts[(kind, sex)] += n
    labels = [str(label) for _value, label in ExploitationType.choices] + [_not_recorded()]
    rows = tuple(
        Row(label, tuple(counts[(kind, sex)] for sex in sexes))
        for kind, label in zip(kinds, labels, strict=True)
        if counts[(kind, "all")]
    )
    return Table(
        key="cases-by-exploitation",
        title=_("Cases by type of exploitation"),
        row_heading=_("Type of exploitation"),
        columns=(_("Cases"), _("Women"), _("Men"), _("Other or not known")),
        rows=rows,
        notes=(_("A case of more than one type of exploitation counts in each."),),
    )


def people_by_sex(scope: Scope) -> Table:
    """People assisted in the period (cases opened) by sex."""
    counts = people_counts(scope, "sex")
    return Table(
        key="people-by-sex",
        title=_("People assisted, by sex"),
        row_heading=_("Sex"),
        columns=(_("People"),),
        rows=_rows_by(counts, _choices(Gender.choices), keep_zero=False),
    )


def people_by_age_band(scope: Scope) -> Table:
    """People assisted in the period by CTDC's age bands, from the age when trafficked (a plain
    field; the birth date is encrypted and never read)."""
    counts = people_counts(scope, "age")
    order = [(label, label) for label, _low, _high in AGE_BANDS]
    order.append((UNKNOWN, _("Unknown")))
    return Table(
        key="people-by-age",
        title=_("People assisted, by age when trafficked"),
        row_heading=_("Age"),
        columns=(_("People"),),
        rows=_rows_by(counts, order),
        notes=(_("Age bands of the CTDC global data set."),),
    )


def people_by_citizenship(scope: Scope) -> Table:
    """People assisted in the period by citizenship."""
    counts = people_counts(scope, "citizenship")
    return Table(
        key="people-by-citizenship",
        title=_("People assisted, by citizenship"),
        row_heading=_("Citizenship"),
        columns=(_("People"),),
        rows=_by_count(counts, country_name),
    )


def cases_by_country_of_exploitation(scope: Scope) -> Table:
    """Cases opened in the period by country of exploitation."""
    counts = by_key(scope, "country")
    return Table(
        key="cases-by-country-of-exploitation",
        title=_("Cases by country of exploitation"),
        row_heading=_("Country of exploitation"),
        columns=(_("Cases"),),
        rows=_by_count(counts, country_name),
    )


def routes(scope: Scope) -> Table:
    """Routes of the cases opened in the period: country of origin → transit countries →
    country of exploitation, as recorded on the case (one grouped query)."""
    counts: dict[str, int] = {}
    for key, n in by_key(scope, "route").items():  # one per distinct route, never per case
        origin, transit, exploitation = rollup.decode("route", key)
        stops = [
            country_name(origin) or "?",
            *(country_name(code) for code in transit),
            country_name(exploitation) or "?",
        ]
        label = " → ".join(stops)
        counts[label] = counts.get(label, 0) + n
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return Table(
        key="routes",
        title=_("Routes: origin → transit → exploitation"),
        row_heading=_("Route"),
        columns=(_("Cases"),),
        rows=tuple(Row(label, (n,)) for label, n in rows),
    )


# --- Identification.


def _decisions(scope: Scope) -> QuerySet[IdentificationDecision]:
    decisions = IdentificationDecision.objects.filter(
        case__organization_id__in=scope.organization_ids,
        state__in=DECISIONS_MADE,
        decided_on__gte=scope.start,
        decided_on__lte=scope.end,
    )
    return _with_consent(decisions, scope, "case_id").order_by()


def identification_decisions(scope: Scope) -> Table:
    """Identification decisions taken in the period, by outcome (rows) and stage (columns)."""
    counts = {
        (row["outcome"], row["stage"]): row["n"]
        for row in _decisions(scope).values("outcome", "stage").annotate(n=Count("id"))
    }
    stages = IdentificationStage.values
    return Table(
        key="identification-decisions",
        title=_("Identification decisions, by outcome"),
        row_heading=_("Outcome"),
        columns=tuple(str(label) for _value, label in IdentificationStage.choices),
        rows=tuple(
            Row(str(label), tuple(counts.get((outcome, stage), 0) for stage in stages))
            for outcome, label in TraffickingStatus.choices
        ),
    )


def _median(queryset: QuerySet[Any], expression: Any) -> timedelta | None:
    """The median of ``expression`` over ``queryset``, in the database: a count, then the
    middle one or two values in order (portable to SQLite and PostgreSQL)."""
    ordered = queryset.annotate(measure=expression).order_by("measure")
    n = ordered.count()
    if not n:
        return None
    middle = list(ordered.values_list("measure", flat=True)[(n - 1) // 2 : n // 2 + 1])
    return sum(middle, timedelta()) / len(middle)


def _days(value: timedelta | None) -> int | None:
    return None if value is None else round(value.total_seconds() / 86400)


def time_to_decision(scope: Scope) -> Table:
    """Decisions taken in the period by stage, with the median days from the case's opening;
    only the stages with decisions (None would read as a suppressed cell)."""
    waited = ExpressionWrapper(F("decided_on") - F("case__opened_on"), output_field=DurationField())
    decisions = _decisions(scope)
    rows = []
    for stage, label in IdentificationStage.choices:
        of_stage = decisions.filter(stage=stage)
        median = _days(_median(of_stage, waited))
        if median is not None:  # a stage without decisions has no median: no row
            rows.append(Row(str(label), (of_stage.count(), median)))
    return Table(
        key="time-to-decision",
        title=_("Time to an identification decision"),
        row_heading=_("Stage"),
        columns=(_("Decisions"), _("Median days from the opening of the case")),
        rows=tuple(rows),
    )


# --- Services.


def services_by_type(scope: Scope) -> Table:
    """Services given in the period by type: to the scope's own cases (started in the period),
    and on referrals received (delivered in the period)."""
    own = _with_consent(
        Service.objects.filter(
            case__organization_id__in=scope.organization_ids,
            status__in=SERVICES_GIVEN,
            started_on__gte=scope.start,
            started_on__lte=scope.end,
        ),
        scope,
        "case_id",
    )
    delivered = _with_consent(
        ServiceDelivery.objects.filter(
            organization_id__in=scope.organization_ids,
            delivered_on__gte=scope.start,
            delivered_on__lte=scope.end,
        ),
        scope,
        "referral__to_case_id",
    )
    own_counts = dict(
        own.order_by()
        .values("service_type")
        .annotate(n=Count("id"))
        .values_list("service_type", "n")
    )
    delivered_counts = dict(
        delivered.order_by()
        .values("service_type")
        .annotate(n=Count("id"))
        .values_list("service_type", "n")
    )
    rows = tuple(
        Row(str(label), (own_counts.get(value, 0), delivered_counts.get(value, 0)))
        for value, label in ServiceType.choices
        if own_counts.get(value) or delivered_counts.get(value)
    )
    return Table(
        key="services-by-type",
        title=_("Services given, by type"),
        row_heading=_("Service"),
        columns=(_("To our cases"), _("On referrals received")),
        rows=rows,
    )


# --- Referrals.


def _response() -> ExpressionWrapper:
    return ExpressionWrapper(
        Coalesce("accepted_at", "declined_at") - F("sent_at"), output_field=DurationField()
    )


def _referral_counts(referrals: QuerySet[Referral], now: datetime) -> dict[str, Any]:
    return {
        "total": Count("id"),
        "pending": Count("id", filter=Q(status=ReferralStatus.PENDING)),
        "accepted": Count("id", filter=Q(status__in=ACCEPTED)),
        "declined": Count("id", filter=Q(status=ReferralStatus.DECLINED)),
        "withdrawn": Count("id", filter=Q(status=ReferralStatus.WITHDRAWN)),
        "overdue": Count("id", filter=Q(status=ReferralStatus.PENDING, deadline__lt=now)),
    }


REFERRAL_COLUMNS = ("total", "pending", "accepted", "declined", "withdrawn", "overdue")


def _referral_headings() -> tuple[str, ...]:
    return (
        _("Total"),
        _("Awaiting"),
        _("Accepted"),
        _("Declined"),
        _("Withdrawn"),
        _("Overdue"),
    )


def referrals(scope: Scope, *, now: datetime | None = None) -> Table:
    """Referrals sent and received in the period, by what became of them."""
    now = now or datetime.now(tz=zoneinfo.ZoneInfo("UTC"))
    rows = []
    for direction, label in (("sent", _("Sent")), ("received", _("Received"))):
        found = _referrals(scope, direction)
        counts = found.aggregate(**_referral_counts(found, now))
        rows.append(Row(label, tuple(counts[key] for key in REFERRAL_COLUMNS)))
    return Table(
        key="referrals",
        title=_("Referrals sent and received"),
        row_heading=_("Direction"),
        columns=_referral_headings(),
        rows=tuple(rows),
    )


def referral_answers(scope: Scope) -> Table:
    """The answers to the referrals of the period, sent and received: how many were answered,
    the per cent accepted, the median hours to the answer. A direction without an answer has
    no row (a rate or median of nothing is no figure)."""
    rows = []
    for direction, label in (("sent", _("Sent")), ("received", _("Received"))):
        answered = _referrals(scope, direction).filter(
            Q(accepted_at__isnull=False) | Q(declined_at__isnull=False)
        )
        counts = answered.aggregate(
            n=Count("id"), accepted=Count("id", filter=Q(accepted_at__isnull=False))
        )
        median = _median(answered, _response())
        if median is None:
            continue
        rows.append(
            Row(
                label,
                (
                    counts["n"],
                    round(100 * counts["accepted"] / counts["n"]),
                    round(median.total_seconds() / 3600),
                ),
            )
        )
    return Table(
        key="referral-answers",
        title=_("Answers to referrals"),
        row_heading=_("Direction"),
        columns=(
            _("Answered"),
            _("Accepted, per cent of answered"),
            _("Median hours to an answer"),
        ),
        rows=tuple(rows),
    )


def referrals_by_partner(scope: Scope, direction: str, *, now: datetime | None = None) -> Table:
    """Referrals sent to (or received from) each organization: by what became of them. Partner
    organizations are organizations, never persons; this table is for the own dashboard."""
    now = now or datetime.now(tz=zoneinfo.ZoneInfo("UTC"))
    found = _referrals(scope, direction)
    partner = "to_organization__name" if direction == "sent" else "from_organization__name"
    grouped = found.values(partner).annotate(**_referral_counts(found, now))
    rows = sorted(
        (Row(group[partner], tuple(group[key] for key in REFERRAL_COLUMNS)) for group in grouped),
        key=lambda row: (-(row.values[0] or 0), row.label),
    )
    if direction == "sent":
        key, title, heading = "referrals-sent", _("Sent, by receiving organization"), _("To")
    else:
        key, title, heading = (
            "referrals-received",
            _("Received, by sending organization"),
            _("From"),
        )
    return Table(
        key=key,
        title=title,
        row_heading=heading,
        columns=_referral_headings(),
        rows=tuple(rows),
    )


def referrals_by_service(scope: Scope, direction: str, *, now: datetime | None = None) -> Table:
    """Referrals by service requested (a referral asking for two services counts in both)."""
    now = now or datetime.now(tz=zoneinfo.ZoneInfo("UTC"))
    found = _referrals(scope, direction)
    aggregates: dict[str, Any] = {}
    for i, value in enumerate(ServiceType.values):
        asked = Q(services_requested__contains=f";{value};")
        for key in REFERRAL_COLUMNS:
            condition = _referral_counts(found, now)[key].filter
            both = asked & condition if condition is not None else asked
            aggregates[f"{key}_{i}"] = Count("id", filter=both)
    counts = found.aggregate(**aggregates)
    rows = tuple(
        Row(str(label), tuple(counts[f"{key}_{i}"] for key in REFERRAL_COLUMNS))
        for i, (_value, label) in enumerate(ServiceType.choices)
        if counts[f"total_{i}"]
    )
    title = (
        _("Sent, by service requested")
        if direction == "sent"
        else _("Received, by service requested")
    )
    return Table(
        key=f"referrals-{direction}-by-service",
        title=title,
        row_heading=_("Service"),
        columns=_referral_headings(),
        rows=rows,
        notes=(_("A referral asking for more than one service counts in each."),),
    )


# --- Returns.


def returns_by_destination(scope: Scope) -> Table:
    """Voluntary returns that travelled in the period, by destination country."""
    found = _with_consent(
        ReturnRecord.objects.filter(
            organization_id__in=scope.organization_ids,
            travel_date__gte=scope.start,
            travel_date__lte=scope.end,
        ),
        scope,
        "case_id",
    )
    counts = dict(
        found.order_by()
        .values("destination_country")
        .annotate(n=Count("id"))
        .values_list("destination_country", "n")
    )
    return Table(
        key="returns",
        title=_("Returns, by destination country"),
        row_heading=_("Country"),
        columns=(_("Returns"),),
        rows=_by_count(counts, country_name),
    )


def follow_ups_done(scope: Scope) -> Table:
    """Reintegration follow-ups done in the period, by milestone (rows) and outcome."""
    found = _with_consent(
        ReintegrationFollowUp.objects.filter(
            organization_id__in=scope.organization_ids,
            done_on__gte=scope.start,
            done_on__lte=scope.end,
        ),
        scope,
        "return_record__case_id",
    )
    counts = {
        (row["months"], row["outcome"]): row["n"]
        for row in found.order_by().values("months", "outcome").annotate(n=Count("id"))
    }
    outcomes = FollowUpOutcome.values
    return Table(
        key="follow-ups",
        title=_("Reintegration follow-ups done"),
        row_heading=_("Follow-up"),
        columns=(_("Done"), *(str(label) for _value, label in FollowUpOutcome.choices)),
        rows=tuple(
            Row(
                ngettext(
                    "%(months)s month after arrival", "%(months)s months after arrival", months
                )
                % {"months": months},
                (
                    sum(counts.get((months, o), 0) for o in outcomes),
                    *(counts.get((months, o), 0) for o in outcomes),
                ),
            )
            for months in FOLLOW_UP_MONTHS
        ),
    )


# --- Workers: the own organization only.


def caseload_per_worker(scope: Scope) -> Table:
    """Cases open at the end of the period per case owner, and opened in it. Names workers, so
    it is made for the organization's own dashboard only, never for what leaves it."""
    if not scope.is_own_organization:
        raise ScopeError("A caseload per worker never leaves the organization.")
    open_at_end = Q(opened_on__lte=scope.end) & (
        Q(closed_on__isnull=True) & ~Q(status__in=CLOSED_STATUSES) | Q(closed_on__gt=scope.end)
    )
    opened = Q(opened_on__gte=scope.start, opened_on__lte=scope.end)
    grouped = list(
        Case.objects.filter(organization_id__in=scope.organization_ids)
        .filter(open_at_end | opened)
        .order_by()
        .values("owner")
        .annotate(open=Count("id", filter=open_at_end), opened=Count("id", filter=opened))
    )
    # The owners' names are encrypted: read for the few owners found, in one query.
    names = {
        user.pk: user.full_name or user.email
        for user in User.objects.filter(pk__in=[group["owner"] for group in grouped])
    }
    rows = sorted(
        (Row(names.get(g["owner"], "?"), (g["open"], g["opened"])) for g in grouped),
        key=lambda row: (-(row.values[0] or 0), row.label),
    )
    return Table(
        key="caseload",
        title=_("Caseload per worker"),
        row_heading=_("Worker"),
        columns=(_("Open at the end of the period"), _("Opened in the period")),
        rows=tuple(rows),
        notes=(_("Shown to the organization only; never part of what leaves it."),),
    )


# --- Hotline contacts.


def signals_by_reason_and_channel(scope: Scope) -> Table:
    """Hotline contacts received in the period by reason (rows) and channel (columns)."""
    counts = {
        (row["reason"], row["channel"]): row["n"]
        for row in _signals(scope).values("reason", "channel").annotate(n=Count("id"))
    }
    channels = Channel.values
    return Table(
        key="contacts-by-reason-and-channel",
        title=_("Hotline contacts, by reason and channel"),
        row_heading=_("Reason"),
        columns=tuple(str(label) for _value, label in Channel.choices),
        rows=tuple(
            Row(str(label), tuple(counts.get((reason, c), 0) for c in channels))
            for reason, label in Reason.choices
        ),
    )


SIGNAL_DIMENSIONS = ("reason", "channel", "language")


def _dimension_order(scope: Scope, dimension: str, counts: Iterable[str]) -> list[tuple[str, str]]:
    if dimension == "reason":
        return _choices(Reason.choices)
    if dimension == "channel":
        return _choices(Channel.choices)
    return [(code, language_name(code) if code else _("Not known")) for code in counts]


def signals_by(scope: Scope, dimension: str) -> Table:
    """Hotline contacts of the period by one dimension: reason, channel or language; with
    how many became cases and how many were handed on and closed."""
    if dimension not in SIGNAL_DIMENSIONS:
        raise ScopeError(f"No such dimension: {dimension}")
    grouped = {
        row[dimension]: row
        for row in _signals(scope)
        .values(dimension)
        .annotate(
            n=Count("id"),
            cases=Count("case"),
            handed_on=Count("id", filter=Q(outcome=Outcome.HANDED_ON)),
        )
    }
    if dimension == "language":
        values = sorted(grouped, key=lambda code: (-grouped[code]["n"], code))
    else:
        values = list(grouped)
    order = _dimension_order(scope, dimension, values)
    empty = {"n": 0, "cases": 0, "handed_on": 0}
    return Table(
        key=f"contacts-by-{dimension}",
        title={
            "reason": _("Hotline contacts, by reason"),
            "channel": _("Hotline contacts, by channel"),
            "language": _("Hotline contacts, by language"),
        }[dimension],
        row_heading={"reason": _("Reason"), "channel": _("Channel"), "language": _("Language")}[
            dimension
        ],
        columns=(_("Contacts"), _("Turned into cases"), _("Handed on and closed")),
        rows=tuple(
            Row(label, tuple(grouped.get(value, empty)[k] for k in ("n", "cases", "handed_on")))
            for value, label in order
        ),
    )


def signals_per_period(scope: Scope, dimension: str, period: str) -> Table:
    """Hotline contacts per day or per week (Monday to Sunday) of the period, newest first, one
    column per value of ``dimension`` and a total."""
    if dimension not in SIGNAL_DIMENSIONS or period not in ("day", "week"):
        raise ScopeError(f"No such breakdown: {dimension} per {period}")
    grouped = (
        _signals(scope)
        .annotate(day=TruncDate("received_at", tzinfo=scope.zone))
        .values("day", dimension)
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[date, str], int] = {}
    for group in grouped:  # one row per day and value, never per contact
        day = group["day"]
        start = day - timedelta(days=day.weekday()) if period == "week" else day
        key = (start, group[dimension])
        counts[key] = counts.get(key, 0) + group["n"]
    values = [value for _d, value in counts]
    if dimension == "language":
        totals: dict[str, int] = {}
        for (_d, value), n in counts.items():
            totals[value] = totals.get(value, 0) + n
        values = sorted(totals, key=lambda code: (-totals[code], code))
    order = _dimension_order(scope, dimension, dict.fromkeys(values))
    first = scope.start - timedelta(days=scope.start.weekday()) if period == "week" else scope.start
    step = timedelta(weeks=1) if period == "week" else timedelta(days=1)
    starts = []
    while first <= scope.end:
        starts.append(first)
        first += step
    rows = []
    for start in reversed(starts):
        cells = tuple(counts.get((start, value), 0) for value, _label in order)
        day = formats.date_format(start, "DATE_FORMAT")
        label = _("week of %(date)s") % {"date": day} if period == "week" else day
        rows.append(Row(label, (sum(cells), *cells)))
    return Table(
        key=f"contacts-per-{period}-by-{dimension}",
        title=_("Hotline contacts per day") if period == "day" else _("Hotline contacts per week"),
        row_heading=_("Day") if period == "day" else _("Week"),
        columns=(_("Total"), *(label for _value, label in order)),
        rows=tuple(rows),
    )


def signal_follow_ups_overdue(organization_ids: Iterable[int], today: date) -> int:
    """Contacts whose follow-up date has passed without a follow-up (and not handed on)."""
    return (
        Signal.objects.filter(
            organization_id__in=list(organization_ids),
            follow_up_on__lt=today,
            followed_up_on__isnull=True,
            closed_on__isnull=True,
        )
        .order_by()
        .count()
    )
