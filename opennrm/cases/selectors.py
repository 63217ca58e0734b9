"""Reads of cases and persons, always scoped to the actor."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from functools import cmp_to_key
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case as DbCase
from django.db.models import (
    CharField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization, User
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_read, audit_read_many
from opennrm.errors import NotFound
from opennrm.matching.names import compare_name
from opennrm.people.models import Person, other_names
from opennrm.people.search import CANDIDATES, persons_by_name
from opennrm.validation import text_problem

from .choices import CLOSED_STATUSES, EVENT_TYPE_ORDER, DatePrecision, DecisionState
from .fields import has
from .models import (
    Case,
    Consent,
    HistoricEvent,
    IdentificationDecision,
    Note,
    Service,
    SupportPlan,
)


def case_visible(*, actor: Actor) -> QuerySet[Case]:
    """Every case the actor may see: all of the organization's for a supervisor, else their own.

    The one place where case visibility is decided.
    """
    actor.require(perms.CASES_VIEW)
    cases = Case.objects.filter(organization=actor.organization)
    if actor.can(perms.CASES_VIEW_ALL):
        return cases
    # Her own by the owner index, the teams' by a list of their keys. (SQLite once got the
    # owned keys and the teams' as one list, faster without planner statistics; with them
    # (docs/deploy.md), the list built on every call cost 55 ms of a case worker's name search
    # at 1,000,000 cases, and her case list page tripled: bench/matching_latency.py.)
    on_team = Case.team.through.objects.filter(user_id=actor.user.pk).order_by().values("case_id")
    return cases.filter(Q(owner=actor.user) | Q(pk__in=on_team))


def case_visible_persons(*, actor: Actor) -> QuerySet[Any] | None:
    """The persons of the cases the actor may see, as ``case_visible`` decides, as a subquery of
    ``person_id``; None for a role that sees every case of the organization.

    Read from the owner and team indexes: a case worker's fifteen thousand cases at 1,000,000,
    where filtering ``case_visible`` reads the organization's every case on PostgreSQL (a quarter
    of a million) before a name search can keep the candidates among them.
    """
    actor.require(perms.CASES_VIEW)
    if actor.can(perms.CASES_VIEW_ALL):
        return None
    cases = Case.objects.filter(organization=actor.organization).order_by()
    on_team = Case.team.through.objects.filter(user_id=actor.user.pk).order_by().values("case_id")
    owned = cases.filter(owner=actor.user).values("person_id")
    # UNION ALL: the caller tests membership, so a person twice costs less than sorting them out.
    return owned.union(cases.filter(pk__in=on_team).values("person_id"), all=True)


def case_visible_of(*, actor: Actor, case: str = "case") -> Exists:
    """Whether the row's case (``case``: the path from the row to its case) is one the actor may
    see, as ``case_visible`` decides: a correlated EXISTS, for rows of other tables. It reads the
    case of each row asked about, where ``case__in=case_visible(...)`` lists every visible case
    first: 243,000 of them for a supervisor at 1,000,000 cases, on every page's navigation."""
    return Exists(case_visible(actor=actor).filter(pk=OuterRef(case)))


@dataclass
class CaseFilters:
    status: str = ""
    owner: str = ""  # user UUID
    exploitation_type: str = ""
    citizenship: str = ""
    gender: str = ""
    opened_from: date | None = None
    opened_to: date | None = None
    q: str = ""  # case number, or a name in any script and spelling (best match first)
    trafficking_status: str = ""
    decision_pending: bool = False  # an identification decision awaits review


def case_list(*, actor: Actor, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """Visible cases, filtered, newest first, with what a list row shows."""
    f = filters or CaseFilters()
    cases = case_visible(actor=actor)
    if f.status:
        cases = cases.filter(status=f.status)
    if f.owner:
        cases = cases.filter(owner__uuid=f.owner)
    if f.exploitation_type:
        cases = cases.filter(has("exploitation_types", f.exploitation_type))
    if f.citizenship:
        cases = cases.filter(person__citizenship=f.citizenship.upper())
    if f.gender:
        cases = cases.filter(person__gender=f.gender)
    if f.opened_from:
        cases = cases.filter(opened_on__gte=f.opened_from)
    if f.opened_to:
        cases = cases.filter(opened_on__lte=f.opened_to)
    if f.trafficking_status:
        cases = cases.filter(trafficking_status=f.trafficking_status)
    if f.decision_pending:
        pending = IdentificationDecision.objects.filter(state=DecisionState.PROPOSED)
        cases = cases.filter(pk__in=pending.values("case_id"))
    if f.q.strip() and text_problem(f.q):
        # No name or number holds a control character or broken text (the kit refuses them);
        # a lone surrogate could not even be hashed into a search token.
        cases = cases.none()
    elif f.q.strip():
        within = (
            case_visible_persons(actor=actor)
            if f == CaseFilters(q=f.q)
            else cases.order_by().values("person_id")
        )
        cases, hits = _named_or_numbered(actor=actor, cases=cases, q=f.q.strip(), within=within)
        return _by_score(cases.select_related("person", "owner").only(*LIST_ROW_FIELDS), hits)
    return (
        cases.select_related("person", "owner").only(*LIST_ROW_FIELDS).order_by("-opened_on", "-id")
    )


# What a list row shows, on the page and in the API (``CaseListItemOut``): no name, so the
# person's identifying fields stay encrypted and unread, and no other column is read and
# converted (a third of a page's time at 100,000 persons when every column was).
LIST_ROW_FIELDS = (
    "uuid",
    "number",
    "status",
    "opened_on",
    "closed_on",
    "trafficking_status",
    "exploitation_types",
    "person__uuid",
    "person__gender",
    "person__age_band",
    "person__is_minor",
    "person__citizenship",
    "owner__uuid",
    "owner__full_name",
    "owner__email",
)


# The parts of a person's name a list page shows to those who read identifying data.
NAME_FIELDS = ("family_name", "given_name", "patronymic")
# A list counts its rows up to this many, then says "1,000+" (decision 0016).
TOTAL_CAP = 1000


@dataclass(frozen=True)
class Total:
    """How many rows a list holds, counted up to a cap: ``capped`` when there are more."""

    count: int
    capped: bool


def case_list_total(*, cases: QuerySet[Case], cap: int | None = None) -> Total:
    """The number of rows of ``cases`` (a ``case_list``, so visible rows only), counted up to
    ``cap`` (``TOTAL_CAP``): one COUNT over at most ``cap + 1`` rows, whatever the size of the
    organization."""
    cap = cap or TOTAL_CAP
    counted = cases.order_by().values("pk")[: cap + 1].count()
    return Total(count=min(counted, cap), capped=counted > cap)


def case_person_names(*, actor: Actor, cases: list[Case]) -> dict[int, str]:
    """The names of the persons of ``cases`` (the rows of one list page), for a role that reads
    identifying data; empty for any other. Decrypts those rows only, in one query, and records
    one read event naming the cases read."""
    if not cases or not actor.can(perms.IDENTIFYING_DATA_VIEW):
        return {}
    visible = case_visible(actor=actor).filter(pk__in=[case.pk for case in cases])
    rows = visible.values_list(
        "pk", "uuid", "person__family_name", "person__given_name", "person__patronymic"
    )
    names: dict[int, str] = {}
    read: list[UUID] = []
    for pk, uuid, family, given, patronymic in rows:
        read.append(uuid)
        names[pk] = " ".join(part for part in (family, given, patronymic) if part)
    if read:
        order = {case.uuid: index for index, case in enumerate(cases)}
        read.sort(key=lambda uuid: order.get(uuid, 0))
        audit_read_many(
            actor=actor, object_type=Case._meta.label_lower, object_ids=read, fields=NAME_FIELDS
        )
    return names


# A name search keeps the persons whose names score at least this against the searched text
# (``matching.names.compare_name``): 1 for the same words, 0.97 for the same folded spelling in
# another script ("Yusupova" and "Юсупова"), 0.92 and more for the same sound, 0.8 for the same
# stem with another ending (Karimov, Karimova). A searched word found nowhere in the person's names
# pulls the score down: "Zhanar Yusupova" keeps Юсупова Дильноза (0.68, below Юсупова Жанар at
# 0.97), while names sharing no word score under 0.45 ("Каримова" for Бекова, "Petrova" for
# Каримова) and are left out.
NAME_MATCH_THRESHOLD = 0.65
# Persons decrypted and scored per name search at most: the best by shared key weight.
NAME_CANDIDATES = CANDIDATES
# Why a name matched, shown on a list row: the strongest reason among the name's parts.
_MATCH_REASONS = ("transliterated", "spelling", "sound", "ending", "similar")


@dataclass(frozen=True)
class NameHit:
    """A case found by name: its score and why (``_MATCH_REASONS``; "" for the same words)."""

    score: float
    reason: str


def _named_or_numbered(
    *, actor: Actor, cases: QuerySet[Case], q: str, within: QuerySet[Any] | None
) -> tuple[QuerySet[Case], dict[int, NameHit]]:
    """The cases of ``cases`` whose person's name matches ``q`` in any script or spelling, or
    whose number is ``q``; with each case's score and reason (the number scores 1)."""
    hits = _name_hits(
        actor=actor, cases=cases, name=q, within=within, threshold=NAME_MATCH_THRESHOLD
    )
    numbered = cases.filter(number=q.upper()).order_by().values_list("pk", flat=True)
    for case_pk in numbered:
        hits[case_pk] = NameHit(score=1.0, reason="")
    return Case.objects.filter(pk__in=list(hits)), hits


def _name_hits(
    *,
    actor: Actor,
    cases: QuerySet[Case],
    name: str,
    within: QuerySet[Any] | None,
    threshold: float,
) -> dict[int, NameHit]:
    """The cases of ``cases`` whose person's name scores at least ``threshold`` against ``name``.

    The persons sharing name keys with ``name`` come from their blind indexes
    (``people.search.persons_by_name``: at most ``NAME_CANDIDATES``, best first, of the actor's
    organization, and among the persons of ``within`` (a ``person_id`` subquery) when given, so
    a case worker or a filtered search still finds its own among a common name's thousands). The
    visible ones among
    them are decrypted in memory only and scored with ``compare_name``. Nothing of the name
    reaches a query: keys and primary keys only.
    """
    candidates = persons_by_name(
        name, organization_ids=[actor.active_organization.pk], within=within, limit=NAME_CANDIDATES
    )
    hits: dict[int, NameHit] = {}
    if not candidates:
        return hits
    # Their cases by the person index, then the visible ones among those by primary key: put
    # as one query, both databases walk every case of the organization testing each person.
    of_persons = dict(
        Case.objects.filter(person_id__in=[pk for pk, _weight in candidates]).values_list(
            "pk", "person_id"
        )
    )
    persons: dict[int, list[int]] = {}
    for case_pk in cases.filter(pk__in=list(of_persons)).order_by().values_list("pk", flat=True):
        persons.setdefault(of_persons[case_pk], []).append(case_pk)
    names = Person.objects.filter(pk__in=list(persons)).values_list(
        "pk", "given_name", "family_name", "patronymic", "names"
    )
    for person_pk, given, family, patronymic, others in names:
        match = compare_name(
            name,
            given=given or "",
            family=family or "",
            patronymic=patronymic or "",
            others=other_names(others),
        )
        if match.score >= threshold:
            how = set(match.parts.values())
            reason = next((r for r in _MATCH_REASONS if r in how), "")
            for case_pk in persons[person_pk]:
                hits[case_pk] = NameHit(score=round(match.score, 3), reason=reason)
    return hits


def case_name_matches(
    *, actor: Actor, name: str, threshold: float = NAME_MATCH_THRESHOLD
) -> list[tuple[Case, NameHit]]:
    """Visible cases whose person's name matches ``name`` in any script or spelling from
    ``threshold``, best first (then newest first), with what a hint shows (number, status)."""
    if not name.strip() or text_problem(name):
        return []
    hits = _name_hits(
        actor=actor,
        cases=case_visible(actor=actor),
        name=name.strip(),
        within=case_visible_persons(actor=actor),
        threshold=threshold,
    )
    found = list(
        Case.objects.filter(pk__in=list(hits)).only("uuid", "number", "status", "opened_on")
    )
    found.sort(key=lambda c: (-hits[c.pk].score, -c.opened_on.toordinal(), -c.pk))
    return [(case, hits[case.pk]) for case in found]


def _by_score(cases: QuerySet[Case], hits: dict[int, NameHit]) -> QuerySet[Case]:
    """``cases`` best match first (then newest first), each with its ``name_match`` reason.

    One ``When`` per distinct score and per reason, each over the keys that have it: a branch
    per case (up to ``NAME_CANDIDATES``) would cost more to build than the search to run.
    """
    if not hits:
        return cases.order_by("-opened_on", "-id")
    by_score: dict[float, list[int]] = {}
    by_reason: dict[str, list[int]] = {}
    for pk, hit in hits.items():
        by_score.setdefault(hit.score, []).append(pk)
        if hit.reason:
            by_reason.setdefault(hit.reason, []).append(pk)
    score = DbCase(
        *(When(pk__in=pks, then=Value(value)) for value, pks in by_score.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    reason: Any = Value("", output_field=CharField())
    if by_reason:
        reason = DbCase(
            *(When(pk__in=pks, then=Value(why)) for why, pks in by_reason.items()),
            default=Value(""),
            output_field=CharField(),
        )
    return (
        cases.alias(name_score=score)
        .annotate(name_match=reason)
        .order_by(F("name_score").desc(), "-opened_on", "-id")
    )


def case_get(*, actor: Actor, case_id: UUID | str, audit: bool = True) -> Case:
    """One visible case; the same NotFound for "does not exist" and "not yours". Audited read."""
    try:
        case = (
            case_visible(actor=actor)
            .select_related("person", "owner", "organization", "status_decision")
            .get(uuid=case_id)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such case.") from None
    if audit:
        audit_read(actor=actor, obj=case)
    return case


def case_history(*, actor: Actor, case: Case) -> QuerySet[AuditEvent]:
    """The audit events of a visible case and its parts, newest first."""
    case_get(actor=actor, case_id=case.uuid, audit=False)
    ids = [case.uuid, case.person.uuid]
    for related in (
        case.decisions,
        case.services,
        case.consents,
        case.notes,
        case.plans,
        case.events,
        case.attachments,
        case.screenings,
        case.signals,
        case.perpetrators,
        case.perpetrator_shares,
        case.assessments,
        case.accounts,
    ):
        ids.extend(related.values_list("uuid", flat=True))
    returned = Case.objects.filter(pk=case.pk, return_record__isnull=False)
    for parts in returned.values_list("return_record__uuid", "return_record__follow_ups__uuid"):
        ids.extend(uuid for uuid in parts if uuid)
    return (
        AuditEvent.objects.filter(object_id__in=ids)
        .exclude(action="read")
        .select_related("actor", "organization")
        .order_by("-id")
    )


def partner_get(*, actor: Actor, organization_id: UUID | str) -> Organization:
    """An active organization a case may name: a service's provider or a consent's recipient."""
    actor.require(perms.CASES_UPDATE)
    try:
        return Organization.objects.get(uuid=organization_id, is_active=True)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such organization.") from None


def partner_list(*, actor: Actor) -> QuerySet[Organization]:
    """The active organizations a case may name (provider, consent recipient), by name."""
    actor.require(perms.CASES_UPDATE)
    return Organization.objects.filter(is_active=True).order_by("name")


def case_owner_list(*, actor: Actor) -> QuerySet[User]:
    """The members of the actor's organization whose role can hold cases, for the owner filter."""
    actor.require(perms.CASES_VIEW)
    roles = [
        role for role, granted in perms.ROLE_PERMISSIONS.items() if perms.CASES_VIEW in granted
    ]
    return (
        User.objects.filter(
            memberships__organization=actor.organization, memberships__role__in=roles
        )
        .distinct()
        .order_by("email")
    )


def case_holders(*, organization: Organization) -> QuerySet[User]:
    """Who may own or be on the team of a case of ``organization``: its active members whose
    role may work cases (``cases.view`` in the permission table), active users. The one rule."""
    roles = [
        role for role, granted in perms.ROLE_PERMISSIONS.items() if perms.CASES_VIEW in granted
    ]
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization=organization,
            memberships__is_active=True,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("email")
    )


def case_assignable_list(*, actor: Actor) -> QuerySet[User]:
    """The users a supervisor may make owner or team of a case: ``case_holders`` of the
    actor's organization. A user of another organization is not among them."""
    actor.require(perms.CASES_VIEW_ALL)
    return case_holders(organization=actor.active_organization)


# --- The parts of a case. Each takes a case read through ``case_get`` (the audited read) and
# checks again that the actor may see it: a part is never reached around its case.


def _require_visible(actor: Actor, case: Case) -> None:
    if not case_visible(actor=actor).filter(pk=case.pk).exists():
        raise NotFound("No such case.")


def _part_get(parts: QuerySet[Any], part_id: UUID | str) -> Any:
    try:
        return parts.get(uuid=part_id)
    except (parts.model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Not found.")) from None


def case_decision_list(*, actor: Actor, case: Case) -> QuerySet[IdentificationDecision]:
    """The identification decisions of a visible case, oldest first."""
    _require_visible(actor, case)
    return case.decisions.select_related(
        "proposed_by", "reviewed_by", "reconsiders", "superseded_by"
    )


def case_decision_get(
    *, actor: Actor, case: Case, decision_id: UUID | str
) -> IdentificationDecision:
    """One decision of a visible case, for a review; NotFound for any other."""
    _require_visible(actor, case)
    return _part_get(case.decisions.select_related("case"), decision_id)


@dataclass(frozen=True)
class IdentificationDeadlines:
    """A case's identification deadlines, in the organization's local days."""

    due_on: date | None
    reflection_ends_on: date | None
    today: date

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.today

    @property
    def in_reflection(self) -> bool:
        return self.reflection_ends_on is not None and self.today < self.reflection_ends_on


def identification_deadlines(*, actor: Actor, case: Case) -> IdentificationDeadlines:
    """The deadlines of a visible case as its organization's today sees them (no query: they
    are the case's own fields)."""
    _require_visible(actor, case)
    return IdentificationDeadlines(
        due_on=case.identification_due_on,
        reflection_ends_on=case.reflection_ends_on,
        today=local_today(case.organization),
    )


def identification_overdue(*, actor: Actor) -> QuerySet[Case]:
    """The actor's visible open cases whose identification decision is overdue in the
    organization's local day, oldest deadline first: one query for any number of cases, each
    row carrying its ``identification_due_on`` and ``reflection_ends_on``."""
    return (
        case_visible(actor=actor)
        .filter(identification_due_on__lt=local_today(actor.organization))
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("identification_due_on", "id")
    )


def case_plan_list(*, actor: Actor, case: Case) -> QuerySet[SupportPlan]:
    """The support plans of a visible case, in the order they were made."""
    _require_visible(actor, case)
    return case.plans.order_by("id")


def case_plan_get(*, actor: Actor, case: Case, plan_id: UUID | str) -> SupportPlan:
    """One support plan of a visible case; NotFound for any other."""
    _require_visible(actor, case)
    return _part_get(case.plans.all(), plan_id)


def case_service_list(*, actor: Actor, case: Case) -> QuerySet[Service]:
    """The services of a visible case with their provider and plan (one query for the list)."""
    _require_visible(actor, case)
    return case.services.select_related("provider", "plan").order_by("id")


def case_consent_list(*, actor: Actor, case: Case) -> QuerySet[Consent]:
    """What the person of a visible case agreed to, withdrawn consents included."""
    _require_visible(actor, case)
    return case.consents.select_related("recipient_organization", "recorded_by")


def case_consent_get(*, actor: Actor, case: Case, consent_id: UUID | str) -> Consent:
    """One consent of a visible case, for a withdrawal; NotFound for any other."""
    _require_visible(actor, case)
    return _part_get(case.consents.select_related("case"), consent_id)


def case_note_list(*, actor: Actor, case: Case) -> QuerySet[Note]:
    """The notes of a visible case, newest first, with their authors."""
    _require_visible(actor, case)
    return case.notes.select_related("author").order_by("-created_at", "-id")


def _period(event: HistoricEvent) -> tuple[date, date] | None:
    """The first and last day an event may have happened on, as far as its date is known."""
    first = event.occurred_on
    if first is None:
        return None
    if event.date_precision == DatePrecision.YEAR:
        return first, date(first.year, 12, 31)
    if event.date_precision == DatePrecision.MONTH:
        return first, date(first.year, first.month, monthrange(first.year, first.month)[1])
    return first, first


def _route_order(a: HistoricEvent, b: HistoricEvent) -> int:
    """Stops in date order; where one date may fall within the other ("March 2005" and 2 March
    2005), or on one day, recruitment before transit before exploitation; undated stops last."""
    pa, pb = _period(a), _period(b)
    if pa is None or pb is None:
        if pa is not pb:
            return -1 if pb is None else 1
    elif pa[1] < pb[0]:
        return -1
    elif pb[1] < pa[0]:
        return 1
    rank = _stage(a) - _stage(b)
    if rank:
        return rank
    return (pa[0] > pb[0]) - (pa[0] < pb[0]) if pa and pb else (a.pk > b.pk) - (a.pk < b.pk)


def _stage(event: HistoricEvent) -> int:
    kinds = list(EVENT_TYPE_ORDER)
    return kinds.index(event.event_type) if event.event_type in kinds else len(kinds)


def case_event_list(*, actor: Actor, case: Case) -> list[HistoricEvent]:
    """The route of a visible case: its recruitment, transit and exploitation events (removed
    ones left out) in route order (``_route_order``). A route is a few stops: sorted here."""
    _require_visible(actor, case)
    events = case.events.filter(removed_at__isnull=True).order_by("occurred_on", "id")
    return sorted(events, key=cmp_to_key(_route_order))


def case_event_get(*, actor: Actor, case: Case, event_id: UUID | str) -> HistoricEvent:
    """One stop of the route of a visible case, for a change; NotFound for any other."""
    _require_visible(actor, case)
    return _part_get(case.events.filter(removed_at__isnull=True).select_related("case"), event_id)


def case_attachment_list(*, actor: Actor, case: Case) -> QuerySet[Any]:
    """The attachments of a visible case (metadata only), newest first."""
    _require_visible(actor, case)
    return case.attachments.order_by("-uploaded_at", "-id")


# --- What is waiting: the worklist composes these (opennrm/worklist).


def decision_due(*, today: date) -> Q:
    """Cases whose identification decision is due by ``today`` (the case's deadline, set by
    ``services`` from the organization's periods): the one rule the worklist and its counts use.
    """
    return Q(identification_due_on__isnull=False, identification_due_on__lte=today)


def case_attention(
    *,
    actor: Actor,
    today: date,
    more: dict[str, Subquery] | None = None,
    more_cases: list[QuerySet[Any]] | None = None,
) -> QuerySet[Case]:
    """The actor's open cases (the organization's, for a supervisor) with something overdue,
    oldest first, in one query: annotated ``decision_due_on`` (an identification decision due)
    and ``plan_end_passed_on`` (a support plan's planned end passed, the plan not ended), plus
    each of ``more`` (another app's subquery on the case: None when nothing of its kind is due),
    whose cases ``more_cases`` lists (querysets of case ids).

    The candidates are found first from the few overdue things, then annotated: the case table
    is never walked case by case (a supervisor sees every case of the organization).
    """
    decisions = decision_due(today=today)
    plans = SupportPlan.objects.filter(ended_on__isnull=True, planned_end_on__lt=today)
    annotations: dict[str, Any] = {
        "decision_due_on": DbCase(When(decisions, then=F("identification_due_on")), default=None),
        "plan_end_passed_on": Subquery(
            plans.filter(case=OuterRef("pk"))
            .order_by("planned_end_on")
            .values("planned_end_on")[:1]
        ),
        **(more or {}),
    }
    candidates = decisions | Q(pk__in=plans.values("case_id"))
    for case_ids in more_cases or []:
        candidates |= Q(pk__in=case_ids)
    due = Q()
    for name in annotations:
        due |= Q(**{f"{name}__isnull": False})
    return (
        case_visible(actor=actor)
        .filter(candidates)
        .exclude(status__in=CLOSED_STATUSES)
        .annotate(**annotations)
        .filter(due)
        .select_related("owner")
        .defer("closure_reason")
        .order_by("opened_on", "id")
    )


def decisions_awaiting_review(*, actor: Actor) -> QuerySet[IdentificationDecision]:
    """Proposed decisions of the cases the actor sees that the actor may review: never their own
    proposals (four eyes, ``services.identification_review``). Oldest first, grounds unread."""
    actor.require(perms.IDENTIFICATION_APPROVE)
    return (
        IdentificationDecision.objects.filter(
            case_visible_of(actor=actor),
            state=DecisionState.PROPOSED,
        )
        .exclude(proposed_by=actor.user)
        .select_related("case", "proposed_by")
        .defer("grounds", "case__closure_reason")
        .order_by("proposed_at", "id")
    )
