"""Reads of signals, always scoped to the actor's organization.

Lists never load the caller's phone or the notes (both stay encrypted, unread): a row shows what
kind of contact it was and, through the phone's blind-index token, whether the caller is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today, organization_zone
from opennrm.audit.services import audit_read
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_name_matches, case_visible
from opennrm.errors import NotFound

from .models import Channel, Outcome, Reason, Signal


class KnownCallerCounts(TypedDict):
    """What ``_with_known_caller`` adds to each signal of a list."""

    earlier_signals: int
    known_cases: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    SignalWithHint = WithAnnotations[Signal, KnownCallerCounts]

QUEUE_SECTION_SIZE = 50
RECENT_PAGE_SIZE = 25
# Never decrypted for a list: the caller's phone and name, the notes, how to reach them safely.
PRIVATE_FIELDS = ("phone", "caller_name", "notes", "safe_contact")


def signal_visible(*, actor: Actor) -> QuerySet[Signal]:
    """Every signal the actor may see: those of the active organization, never another's.

    The one place where signal visibility is decided.
    """
    actor.require(perms.SIGNALS_VIEW)
    return Signal.objects.filter(organization=actor.organization)


def _count(queryset: QuerySet) -> Coalesce:
    """The number of rows of a correlated subquery, 0 when there are none."""
    counted = (
        queryset.order_by()
        .values("organization_id")
        .annotate(n=Count("pk", distinct=True))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _earlier_same_phone() -> QuerySet[Signal]:
    """Signals of the same organization and phone token received before the outer one."""
    return (
        Signal.objects.filter(
            organization_id=OuterRef("organization_id"), phone_token=OuterRef("phone_token")
        )
        .exclude(phone_token="")
        .filter(
            Q(received_at__lt=OuterRef("received_at"))
            | Q(received_at=OuterRef("received_at"), pk__lt=OuterRef("pk"))
        )
    )


def _cases_of_phone(actor: Actor) -> QuerySet[Case] | None:
    """Cases the actor may see whose person has the outer signal's phone; None without the right."""
    if not actor.can(perms.CASES_VIEW):
        return None
    return case_visible(actor=actor).filter(
        person__phone_tokens__organization=actor.organization,
        person__phone_tokens__token=OuterRef("phone_token"),
    )


def _with_known_caller(signals: QuerySet[Signal], actor: Actor) -> QuerySet[Signal]:
    """Annotate ``earlier_signals`` and ``known_cases``: the known-caller hint, in one query."""
    cases = _cases_of_phone(actor)
    return signals.annotate(
        earlier_signals=_count(_earlier_same_phone()),
        known_cases=_count(cases) if cases is not None else Value(0),
    )


def _for_list(signals: QuerySet[Signal], actor: Actor) -> QuerySet[Signal]:
    return (
        _with_known_caller(signals, actor).select_related("operator", "case").defer(*PRIVATE_FIELDS)
    )


@dataclass
class SignalFilters:
    channel: str = ""
    reason: str = ""
    outcome: str = ""  # "open" for the unanswered ones
    received_from: date | None = None
    received_to: date | None = None


def _day_start(day: date, actor: Actor) -> datetime:
    """The first moment of ``day`` where the actor's organization is."""
    return datetime.combine(day, time.min, tzinfo=organization_zone(actor.organization))


def signal_list(*, actor: Actor, filters: SignalFilters | None = None) -> QuerySet[Signal]:
    """Visible signals, filtered, newest first, with the known-caller hint and no content."""
    f = filters or SignalFilters()
    signals = signal_visible(actor=actor)
    if f.channel:
        signals = signals.filter(channel=f.channel)
    if f.reason:
        signals = signals.filter(reason=f.reason)
    if f.outcome == "open":
        signals = signals.filter(outcome="")
    elif f.outcome:
        signals = signals.filter(outcome=f.outcome)
    if f.received_from:
        signals = signals.filter(received_at__gte=_day_start(f.received_from, actor))
    if f.received_to:
        signals = signals.filter(
            received_at__lt=_day_start(f.received_to + timedelta(days=1), actor)
        )
    return _for_list(signals, actor).order_by("-received_at", "-id")


@dataclass
class SignalQueue:
    """What an operator works through: unanswered signals, follow-ups due, the latest."""

    unanswered: list[Signal]
    follow_ups_due: list[Signal]
    recent: list[Signal]
    recent_has_next: bool
    today: date


def signal_queue(*, actor: Actor, page: int = 1) -> SignalQueue:
    """The hotline's queue: oldest unanswered first, follow-ups by due date, then the latest.

    Three queries, however many signals there are.
    """
    signals = _for_list(signal_visible(actor=actor), actor)
    today = local_today(actor.organization)
    unanswered = signals.filter(outcome="").order_by("received_at", "id")
    due = signals.filter(
        follow_up_on__isnull=False,
        follow_up_on__lte=today,
        followed_up_on__isnull=True,
        closed_on__isnull=True,
    ).order_by("follow_up_on", "received_at", "id")
    start = (max(page, 1) - 1) * RECENT_PAGE_SIZE
    recent = list(signals.order_by("-received_at", "-id")[start : start + RECENT_PAGE_SIZE + 1])
    return SignalQueue(
        unanswered=list(unanswered[:QUEUE_SECTION_SIZE]),
        follow_ups_due=list(due[:QUEUE_SECTION_SIZE]),
        recent=recent[:RECENT_PAGE_SIZE],
        recent_has_next=len(recent) > RECENT_PAGE_SIZE,
        today=today,
    )


def signal_follow_ups_due(*, actor: Actor, today: date | None = None) -> QuerySet[Signal]:
    """Follow-ups due by ``today`` of the signals the actor took (of the whole hotline, for a
    supervisor), the earliest first, without phone or notes."""
    actor.require(perms.SIGNALS_RECORD)
    today = today or local_today(actor.organization)
    due = signal_visible(actor=actor).filter(
        follow_up_on__isnull=False, follow_up_on__lte=today, followed_up_on__isnull=True
    )
    if not actor.can(perms.CASES_VIEW_ALL):
        due = due.filter(operator=actor.user)
    return (
        due.select_related("operator")
        .defer(*PRIVATE_FIELDS)
        .order_by("follow_up_on", "received_at", "id")
    )


def signal_get(*, actor: Actor, signal_id: UUID | str, audit: bool = True) -> Signal:
    """One visible signal, with its phone and notes; the same NotFound for "absent" and "not
    yours". Audited read."""
    try:
        signal = signal_visible(actor=actor).select_related("operator", "case").get(uuid=signal_id)
    except (Signal.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such signal.") from None
    if audit:
        audit_read(actor=actor, obj=signal)
    return signal


# A case is offered as "same name" from this score (``matching.names.compare_name``): the same
# words in another script or spelling (0.92 and more), not a name sharing one word of two.
KNOWN_NAME_THRESHOLD = 0.85


@dataclass
class KnownCaller:
    """Earlier signals from the same phone, cases of persons with that phone, and cases of
    persons whose name matches the caller's name (any script or spelling)."""

    signals: list[Signal] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    name_cases: list[Case] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.signals or self.cases or self.name_cases)

    @property
    def hints(self) -> list[tuple[Case, bool, bool]]:
        """Each case once, with (same phone, same name): the phone's first, then the name's."""
        by_phone = {case.pk for case in self.cases}
        by_name = {case.pk for case in self.name_cases}
        ordered = [*self.cases, *(c for c in self.name_cases if c.pk not in by_phone)]
        return [(case, case.pk in by_phone, case.pk in by_name) for case in ordered]


def known_caller(*, actor: Actor, signal: Signal) -> KnownCaller:
    """Whether the signal's caller was seen before: earlier signals and cases by the phone's
    blind-index token, and cases whose person's name matches the caller's name (found through
    the name keys, scored in memory; never by a name in a query)."""
    cases: list[Case] = []
    name_cases: list[Case] = []
    earlier: list[Signal] = []
    if signal.phone_token:
        earlier = list(
            signal_visible(actor=actor)
            .filter(phone_token=signal.phone_token)
            .filter(
                Q(received_at__lt=signal.received_at)
                | Q(received_at=signal.received_at, pk__lt=signal.pk)
            )
            .defer(*PRIVATE_FIELDS)
            .order_by("-received_at", "-id")
        )
        if actor.can(perms.CASES_VIEW):
            cases = list(
                case_visible(actor=actor)
                .filter(
                    person__phone_tokens__organization=actor.organization,
                    person__phone_tokens__token=signal.phone_token,
                )
                .only("uuid", "number", "status", "opened_on")
                .order_by("-opened_on", "-id")
            )
    if signal.caller_name and actor.can(perms.CASES_VIEW) and actor.can(perms.PERSONS_MATCH):
        matches = case_name_matches(
            actor=actor, name=signal.caller_name, threshold=KNOWN_NAME_THRESHOLD
        )
        name_cases = [case for case, _hit in matches]
    return KnownCaller(signals=earlier, cases=cases, name_cases=name_cases)


# --- The dashboard: counts only, never content.

DIMENSIONS = ("reason", "channel", "language")
DAYS = 14
WEEKS = 12


@dataclass
class Bucket:
    """Signals received in one day or week: how many, how many became cases or were handed on
    and closed, and by kind."""

    start: date
    total: int = 0
    cases: int = 0
    handed_on: int = 0
    by: dict[str, dict[str, int]] = field(
        default_factory=lambda: {dimension: {} for dimension in DIMENSIONS}
    )

    def add(self, dimension: str, value: str, n: int, cases: int, handed_on: int = 0) -> None:
        counts = self.by[dimension]
        counts[value] = counts.get(value, 0) + n
        if dimension == DIMENSIONS[0]:  # every signal has one reason: count totals once
            self.total += n
            self.cases += cases
            self.handed_on += handed_on

    @property
    def case_share(self) -> float:
        return self.cases / self.total if self.total else 0.0


@dataclass
class SignalStats:
    days: list[Bucket]  # the last 14 days, newest first
    weeks: list[Bucket]  # the last 12 weeks (Monday to Sunday), newest first
    totals: Bucket  # the 12 weeks together
    overdue_follow_ups: int
    languages: list[str]  # the languages that occur, most frequent first ("" = not known)
    today: date

    def values(self, dimension: str) -> list[str]:
        if dimension == "reason":
            return list(Reason.values)
        if dimension == "channel":
            return list(Channel.values)
        return self.languages


def signal_stats(*, actor: Actor, today: date | None = None) -> SignalStats:
    """Signals per day (14 days) and week (12 weeks) by reason, channel and language; the share
    turned into cases; overdue follow-ups. Four queries: counts, never a decrypted field."""
    actor.require(perms.HOTLINE_STATS_VIEW)
    signals = Signal.objects.filter(organization=actor.organization)
    today = today or local_today(actor.organization)
    this_week = today - timedelta(days=today.weekday())
    first_week = this_week - timedelta(weeks=WEEKS - 1)
    first_day = today - timedelta(days=DAYS - 1)
    window = signals.filter(
        received_at__gte=_day_start(min(first_week, first_day), actor),
        received_at__lt=_day_start(today + timedelta(days=1), actor),
    ).annotate(day=TruncDate("received_at", tzinfo=organization_zone(actor.organization)))
    days = {
        first_day + timedelta(days=i): Bucket(first_day + timedelta(days=i)) for i in range(DAYS)
    }
    weeks = {
        first_week + timedelta(weeks=i): Bucket(first_week + timedelta(weeks=i))
        for i in range(WEEKS)
    }
    totals = Bucket(first_week)
    for dimension in DIMENSIONS:
        rows = (
            window.order_by()
            .values("day", dimension)
            .annotate(
                n=Count("id"),
                cases=Count("case"),
                handed_on=Count("id", filter=Q(outcome=Outcome.HANDED_ON)),
            )
        )
        for row in rows:
            day, value = row["day"], row[dimension]
            counts = (row["n"], row["cases"], row["handed_on"])
            if day in days:
                days[day].add(dimension, value, *counts)
            week = weeks.get(day - timedelta(days=day.weekday()))
            if week is not None:
                week.add(dimension, value, *counts)
                totals.add(dimension, value, *counts)
    languages = sorted(totals.by["language"], key=lambda code: (-totals.by["language"][code], code))
    overdue = signals.filter(
        follow_up_on__lt=today, followed_up_on__isnull=True, closed_on__isnull=True
    ).count()
    return SignalStats(
        days=sorted(days.values(), key=lambda b: b.start, reverse=True),
        weeks=sorted(weeks.values(), key=lambda b: b.start, reverse=True),
        totals=totals,
        overdue_follow_ups=overdue,
        languages=languages,
        today=today,
    )
