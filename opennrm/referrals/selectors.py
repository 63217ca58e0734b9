"""Reads of referrals, always scoped to the actor.

The shared-field boundary is decided here, at read time: the receiving organization sees the
shared values only while the referral is open to it and the consent that covered it is in force.
The moment the person withdraws that consent at the sending organization, every channel that
reads through ``referral_shares`` (page, API, export) stops showing them, before any clean-up ran.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization, OrganizationType
from opennrm.accounts.permissions import Actor
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_read
from opennrm.cases.choices import ConsentPurpose, ServiceType
from opennrm.cases.models import Case, Consent
from opennrm.cases.selectors import case_visible
from opennrm.errors import NotFound, PermissionDenied

from .choices import (
    IDENTIFYING_SHARED_FIELDS,
    RECEIVER_SEES_SHARES,
    ReferralKind,
    ReferralStatus,
    SharedField,
)
from .models import RecordedReferral, Referral

LIST_PAGE_SIZE = 50


def referral_visible(*, actor: Actor) -> QuerySet[Referral]:
    """Every referral the actor may see: those received by the organization, and those sent
    from the cases the actor may see. The one place where referral visibility is decided.

    Service providers and law-enforcement liaisons (no ``cases.view``) see only what is
    addressed to their organization.
    """
    actor.require(perms.REFERRALS_VIEW)
    organization = actor.organization
    received = Q(to_organization=organization)
    if not actor.can(perms.CASES_VIEW):
        return Referral.objects.filter(received)
    if actor.can(perms.CASES_VIEW_ALL):
        sent = Q(from_organization=organization)
    else:
        cases = case_visible(actor=actor).order_by().values("pk")
        sent = Q(from_organization=organization, from_case__in=cases)
    return Referral.objects.filter(received | sent)


def _for_list(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """What a list row shows: number, organizations, kind, status, dates; no encrypted field."""
    return referrals.select_related("from_organization", "to_organization", "from_case").defer(
        "shared_values",
        "note",
        "override_reason",
        "decline_reason",
        "outcome",
        "from_case__closure_reason",
    )


def referral_inbox(*, actor: Actor) -> QuerySet[Referral]:
    """Referrals received by the actor's organization, newest first."""
    return _for_list(referral_visible(actor=actor).filter(to_organization=actor.organization))


def referral_outbox(*, actor: Actor) -> QuerySet[Referral]:
    """Referrals sent from the cases the actor may see, newest first."""
    return _for_list(referral_visible(actor=actor).filter(from_organization=actor.organization))


def referral_attention(*, actor: Actor) -> QuerySet[Referral]:
    """For a supervisor: referrals overdue in either direction, and those sent without consent."""
    actor.require(perms.CASES_VIEW_ALL)
    overdue = Q(status=ReferralStatus.PENDING, deadline__lt=timezone.now())
    overridden = Q(from_organization=actor.organization, overridden_by__isnull=False)
    return _for_list(referral_visible(actor=actor).filter(overdue | overridden))


def referral_get(*, actor: Actor, referral_id: UUID | str, audit: bool = True) -> Referral:
    """One visible referral; the same NotFound for "does not exist" and "not yours". The read
    is audited (the page and the API show the shared values)."""
    try:
        referral = (
            referral_visible(actor=actor)
            .select_related(
                "from_organization",
                "to_organization",
                "from_case",
                "to_case",
                "consent",
                "sent_by",
                "answered_by",
                "completed_by",
                "withdrawn_by",
                "overridden_by",
            )
            .get(uuid=referral_id)
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such referral.") from None
    if audit:
        audit_read(actor=actor, obj=referral)
    return referral


def is_sender(actor: Actor, referral: Referral) -> bool:
    """True when the actor works at the sending organization (and so may see its case)."""
    return referral.from_organization_id == getattr(actor.organization, "pk", None)


def consent_withdrawn_on(referral: Referral) -> date | None:
    """The day the consent covering the referral was withdrawn; None while it is in force."""
    consent = referral.consent
    return consent.withdrawn_on if consent is not None else None


@dataclass
class Shares:
    """What the actor may read of a referral's shared fields, and why not when they may not."""

    fields: list[str]  # the catalogue keys shared, in catalogue order
    values: dict[str, Any]  # only those the actor may read
    available: bool
    consent_withdrawn_on: date | None = None
    closed: bool = False  # withdrawn by the sender or declined: no longer the receiver's
    hidden_identifying: list[str] = field(default_factory=list)


def referral_shares(*, actor: Actor, referral: Referral) -> Shares:
    """The shared fields as the actor may read them, checked now.

    The sender sees what it shared (its own data). The receiver sees the snapshot only while
    the referral is pending, accepted or completed and its consent is still in force; names,
    documents and contacts only with the right to see identifying data.
    """
    order = list(SharedField.values)
    fields = sorted(referral.shared_fields, key=order.index)
    withdrawn_on = consent_withdrawn_on(referral)
    if is_sender(actor, referral):
        values = referral.shared_values
        return Shares(fields, values, True, withdrawn_on)
    closed = referral.status not in RECEIVER_SEES_SHARES
    if withdrawn_on is not None or referral.shares_revoked_at is not None or closed:
        return Shares(fields, {}, False, withdrawn_on, closed=closed)
    values = dict(referral.shared_values)
    hidden = []
    if not actor.can(perms.IDENTIFYING_DATA_VIEW):
        hidden = [name for name in fields if name in IDENTIFYING_SHARED_FIELDS]
        for name in hidden:
            values.pop(name, None)
    return Shares(fields, values, True, None, hidden_identifying=hidden)


def referral_note_visible(*, actor: Actor, referral: Referral) -> bool:
    """The note to the receiver is shared content too: hidden from the receiver when the
    shared fields are."""
    return is_sender(actor, referral) or referral_shares(actor=actor, referral=referral).available


def referral_history(*, actor: Actor, referral: Referral) -> QuerySet[AuditEvent]:
    """The referral's own audit events, newest first: who did what and when, never values.
    Events of the sender's case stay with the sender."""
    referral_get(actor=actor, referral_id=referral.uuid, audit=False)
    return (
        AuditEvent.objects.filter(object_id=referral.uuid)
        .exclude(action="read")
        .select_related("actor", "organization")
        .order_by("-id")
    )


def case_referrals(*, actor: Actor, case: Case) -> QuerySet[Referral]:
    """The referrals sent from a case the actor sees, and the one that brought it in."""
    visible = referral_visible(actor=actor)
    return _for_list(visible.filter(Q(from_case=case) | Q(to_case=case)))


def _recorded_visible(actor: Actor, case: Case) -> QuerySet[RecordedReferral]:
    """The recorded referrals of ``case`` if the actor sees it, removed ones left out; the
    worker and details are not even read for a member who may not see identifying data."""
    if not case_visible(actor=actor).filter(pk=case.pk).exists():
        raise NotFound(_("No such case."))
    referrals = RecordedReferral.objects.filter(case=case, removed_at__isnull=True)
    if not actor.can(perms.IDENTIFYING_DATA_VIEW):
        referrals = referrals.defer("details", "worker")
    return referrals


def recorded_referral_list(*, actor: Actor, case: Case) -> QuerySet[RecordedReferral]:
    """Referrals of a visible case recorded from the organization's own files (not sent through
    OpenNRM), by date, the undated last."""
    return _recorded_visible(actor, case).order_by(
        F("referred_on").asc(nulls_last=True), "recorded_at", "id"
    )


def recorded_referral_get(*, actor: Actor, case: Case, referral_id: UUID | str) -> RecordedReferral:
    """One recorded referral of a visible case, not removed; NotFound for any other."""
    try:
        return _recorded_visible(actor, case).get(uuid=referral_id)
    except (RecordedReferral.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Not found.")) from None


def consent_referrals(*, actor: Actor, consent: Consent) -> list[Referral]:
    """The referrals a withdrawal of ``consent`` would reach directly (pending ones are withdrawn,
    accepted ones lose what they received), for the confirmation of the withdrawal."""
    return list(
        _for_list(
            referral_visible(actor=actor).filter(
                consent=consent,
                from_organization=actor.organization,
                shares_revoked_at__isnull=True,
                status__in=RECEIVER_SEES_SHARES,
            )
        ).order_by("sent_at", "id")
    )


# --- Choosing where to refer: organizations and the consent on record.


def covering_consent(*, case: Case, organization: Organization) -> Consent | None:
    """The case's referral consent in force for ``organization``: named, else by its type."""
    consents = case.consents.filter(purpose=ConsentPurpose.REFERRAL, withdrawn_on__isnull=True)
    named = consents.filter(recipient_organization=organization).order_by("recorded_at").first()
    if named is not None:
        return named
    return consents.filter(recipient_type=organization.org_type).order_by("recorded_at").first()


def referral_consents(*, actor: Actor, case: Case) -> list[Consent]:
    """The case's referral consents in force, for the referral form (the case is visible)."""
    if not (actor.can(perms.REFERRALS_SEND) or actor.can(perms.CASES_TRANSFER)):
        raise PermissionDenied("You do not have permission to do this.")
    return list(
        case.consents.filter(purpose=ConsentPurpose.REFERRAL, withdrawn_on__isnull=True)
        .select_related("recipient_organization")
        .order_by("recorded_at")
    )


def referral_recipients(*, actor: Actor, kind: str) -> QuerySet[Organization]:
    """The active organizations a case may be referred to: any but one's own, in any country;
    only law enforcement for an anonymous notification."""
    organizations = Organization.objects.filter(is_active=True).exclude(
        pk=actor.active_organization.pk
    )
    if kind == ReferralKind.ANONYMOUS:
        organizations = organizations.filter(org_type=OrganizationType.LAW_ENFORCEMENT)
    return organizations.order_by("country", "name")


def referral_recipient_get(*, actor: Actor, organization_id: UUID | str, kind: str) -> Organization:
    try:
        return referral_recipients(actor=actor, kind=kind).get(uuid=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such organization.") from None


# --- Figures: counts and durations only.


@dataclass
class Figures:
    """Counts of referrals in one direction, overall or for one organization or service."""

    label: str = ""
    total: int = 0
    pending: int = 0
    accepted: int = 0  # accepted or completed
    declined: int = 0
    withdrawn: int = 0
    overdue: int = 0
    response_times: list[timedelta] = field(default_factory=list, repr=False)

    @property
    def acceptance_rate(self) -> float | None:
        answered = self.accepted + self.declined
        return self.accepted / answered if answered else None

    @property
    def median_response(self) -> timedelta | None:
        if not self.response_times:
            return None
        seconds = statistics.median(t.total_seconds() for t in self.response_times)
        return timedelta(seconds=round(seconds))

    def add(self, row: dict[str, Any], now: Any) -> None:
        self.total += 1
        status = row["status"]
        if status == ReferralStatus.PENDING:
            self.pending += 1
            if row["deadline"] < now:
                self.overdue += 1
        elif status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
            self.accepted += 1
        elif status == ReferralStatus.DECLINED:
            self.declined += 1
        else:
            self.withdrawn += 1
        answered_at = row["accepted_at"] or row["declined_at"]
        if answered_at is not None:
            self.response_times.append(answered_at - row["sent_at"])


@dataclass
class Direction:
    totals: Figures
    by_organization: list[Figures]
    by_service: list[Figures]


@dataclass
class ReferralStats:
    sent: Direction
    received: Direction


def _direction(
    rows: list[dict[str, Any]], partner: str, service_labels: dict[str, str]
) -> Direction:
    now = timezone.now()
    totals = Figures()
    by_org: dict[str, Figures] = defaultdict(Figures)
    by_service: dict[str, Figures] = defaultdict(Figures)
    for row in rows:
        totals.add(row, now)
        org = by_org[row[partner]]
        org.label = row[partner]
        org.add(row, now)
        for service in row["services_requested"] or [""]:
            figures = by_service[service]
            figures.label = service_labels.get(service, service) if service else ""
            figures.add(row, now)
    return Direction(
        totals=totals,
        by_organization=sorted(by_org.values(), key=lambda f: (-f.total, f.label)),
        by_service=sorted(by_service.values(), key=lambda f: (-f.total, f.label)),
    )


def referral_stats(*, actor: Actor) -> ReferralStats:
    """Referrals sent and received by the actor's organization: by partner organization and by
    service requested, with acceptance rate, median response time and overdue count. Counts
    only: no case, no person, no shared field is read."""
    actor.require(perms.REFERRALS_STATS_VIEW)
    organization = actor.organization
    columns = ("status", "deadline", "sent_at", "accepted_at", "declined_at", "services_requested")
    sent = list(
        Referral.objects.filter(from_organization=organization).values(
            *columns, partner=F("to_organization__name")
        )
    )
    received = list(
        Referral.objects.filter(to_organization=organization).values(
            *columns, partner=F("from_organization__name")
        )
    )
    labels = {value: str(label) for value, label in ServiceType.choices}
    return ReferralStats(
        sent=_direction(sent, "partner", labels), received=_direction(received, "partner", labels)
    )


def overdue_count(*, actor: Actor) -> int:
    """Overdue referrals the actor sees (both directions), for the navigation and the inbox."""
    return (
        referral_visible(actor=actor)
        .filter(status=ReferralStatus.PENDING, deadline__lt=timezone.now())
        .count()
    )


# --- What is waiting: the worklist composes these (opennrm/worklist).


def referral_awaiting_answer(*, actor: Actor) -> QuerySet[Referral]:
    """Referrals addressed to the actor's organization that wait for its answer, the nearest
    deadline first; transfers only for those who may answer a transfer."""
    actor.require(perms.REFERRALS_RESPOND)
    waiting = referral_inbox(actor=actor).filter(status=ReferralStatus.PENDING)
    if not actor.can(perms.CASES_TRANSFER):
        waiting = waiting.exclude(kind=ReferralKind.TRANSFER)
    return waiting.order_by("deadline", "id")


def referral_awaiting_partner(*, actor: Actor) -> QuerySet[Referral]:
    """Referrals sent from the cases the actor sees that still wait for the partner's answer,
    the nearest deadline first."""
    actor.require(perms.REFERRALS_SEND)
    waiting = referral_outbox(actor=actor).filter(status=ReferralStatus.PENDING)
    return waiting.order_by("deadline", "id")


def _overdue_sent(actor: Actor) -> QuerySet[Referral]:
    actor.require(perms.REFERRALS_VIEW)
    return Referral.objects.filter(
        from_organization=actor.organization,
        status=ReferralStatus.PENDING,
        deadline__lt=timezone.now(),
    )


def referral_overdue_of_case(*, actor: Actor) -> Subquery:
    """For a list of visible cases: the id of the case's oldest referral whose answer is
    overdue (sent by the actor's organization), None when there is none."""
    overdue = _overdue_sent(actor).filter(from_case=OuterRef("pk")).order_by("deadline", "id")
    return Subquery(overdue.values("uuid")[:1])


def referral_overdue_cases(*, actor: Actor) -> QuerySet[Any]:
    """The ids of the organization's cases with a referral whose answer is overdue (for
    ``cases.selectors.case_attention``, which keeps the visible ones)."""
    return _overdue_sent(actor).order_by().values("from_case_id")
