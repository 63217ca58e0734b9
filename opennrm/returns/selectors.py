"""Reads of returns and reintegration follow-ups, only to those who manage returns
(``returns.manage``): the returns of the cases the actor may see, and the returns the actor's
organization receives (decision 0018): the travel, the arrival and the follow-ups, nothing else
of the sending organization's case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import BooleanField, ExpressionWrapper, Min, OuterRef, Q, QuerySet, Subquery

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_read
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_visible, case_visible_of
from opennrm.errors import NotFound

from .models import ReintegrationFollowUp, ReturnRecord

DUE_WITHIN_DAYS = 14
# Never decrypted for a list.
PRIVATE_FIELDS = ("document_number", "received_by", "arrival_notes")


def return_visible(*, actor: Actor) -> QuerySet[ReturnRecord]:
    """Returns of the cases the actor may see (the sending side): the ones the actor may change."""
    actor.require(perms.RETURNS_MANAGE)
    return ReturnRecord.objects.filter(
        case_visible_of(actor=actor), organization=actor.organization
    )


def return_received(*, actor: Actor) -> QuerySet[ReturnRecord]:
    """Returns whose receiving organization is the actor's: every return worker there sees them,
    as every member who answers referrals sees the referrals received."""
    actor.require(perms.RETURNS_MANAGE)
    return ReturnRecord.objects.filter(receiving_organization=actor.organization)


def return_accessible(*, actor: Actor) -> QuerySet[ReturnRecord]:
    """Returns the actor sees: those of its visible cases, and those its organization receives.
    The one place where return visibility is decided."""
    actor.require(perms.RETURNS_MANAGE)
    sent = Q(case_visible_of(actor=actor), organization=actor.organization)
    return ReturnRecord.objects.filter(sent | Q(receiving_organization=actor.organization))


def is_receiver(actor: Actor, record: ReturnRecord) -> bool:
    """True when the actor's organization receives the return and did not send it: it sees the
    travel, the arrival and the follow-ups, not the sender's case or the travel document."""
    own = getattr(actor.organization, "pk", None)
    return record.receiving_organization_id == own and record.organization_id != own


def return_received_list(*, actor: Actor) -> QuerySet[ReturnRecord]:
    """The returns the organization receives, latest travel first, with the next open follow-up's
    due date; nothing encrypted is read."""
    return (
        return_received(actor=actor)
        .exclude(organization=actor.organization)
        .select_related("organization")
        .defer(*PRIVATE_FIELDS)
        .annotate(next_due_on=Min("follow_ups__due_on", filter=Q(follow_ups__done_on__isnull=True)))
        .order_by("-travel_date", "-id")
    )


def return_for_received_case(
    *, actor: Actor, case: Case, audit: bool = True
) -> ReturnRecord | None:
    """The return received by the actor's organization whose case was referred into ``case``
    (a case of the actor's organization it may see), or None."""
    if not case_visible(actor=actor).filter(pk=case.pk).exists():
        return None
    # The link between the two cases is the referral that opened ``case`` (referrals'
    # ``Referral.to_case``): read by its relation name, without importing referrals (0018).
    record = (
        return_received(actor=actor)
        .exclude(organization=actor.organization)
        .filter(case__referrals_out__to_case=case)
        .select_related("organization", "receiving_organization")
        .first()
    )
    if record is not None and audit:
        audit_read(actor=actor, obj=record)
    return record


def receiving_case(*, actor: Actor, record: ReturnRecord) -> Case | None:
    """The receiver's own case that a referral of the returning case opened, if the actor may
    see it: the only case the receiver's return page links to."""
    return (
        case_visible(actor=actor)
        .filter(referral_in__from_case_id=record.case_id)
        .only("uuid", "number")
        .first()
    )


def return_for_case(*, actor: Actor, case: Case, audit: bool = True) -> ReturnRecord | None:
    """The return of a visible case, or None when none is recorded. An audited read."""
    record = (
        return_visible(actor=actor)
        .select_related("receiving_organization", "case")
        .filter(case=case)
        .first()
    )
    if record is not None and audit:
        audit_read(actor=actor, obj=record)
    return record


def return_get(*, actor: Actor, return_id: UUID | str, audit: bool = True) -> ReturnRecord:
    """One visible return; the same NotFound for "absent" and "not yours". An audited read."""
    try:
        record = (
            return_accessible(actor=actor)
            .select_related("receiving_organization", "organization", "case")
            .get(uuid=return_id)
        )
    except (ReturnRecord.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such return.") from None
    if audit:
        audit_read(actor=actor, obj=record)
    return record


def follow_up_visible(*, actor: Actor) -> QuerySet[ReintegrationFollowUp]:
    """Follow-ups of the returns the actor sees, sent or received; ``received`` says which."""
    return ReintegrationFollowUp.objects.filter(
        return_record__in=return_accessible(actor=actor).values("pk")
    ).annotate(
        received=ExpressionWrapper(
            ~Q(return_record__organization=actor.organization), output_field=BooleanField()
        )
    )


def follow_up_list(*, actor: Actor, record: ReturnRecord) -> list[ReintegrationFollowUp]:
    """The follow-ups of one visible return, by due date."""
    return list(follow_up_visible(actor=actor).filter(return_record=record).order_by("months"))


def follow_up_get(*, actor: Actor, follow_up_id: UUID | str) -> ReintegrationFollowUp:
    """One visible follow-up; NotFound for another organization's or an invisible case's."""
    try:
        return (
            follow_up_visible(actor=actor)
            .select_related("return_record", "return_record__case")
            .get(uuid=follow_up_id)
        )
    except (ReintegrationFollowUp.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such follow-up.") from None


@dataclass
class DueFollowUps:
    overdue: list[ReintegrationFollowUp]
    upcoming: list[ReintegrationFollowUp]  # due within DUE_WITHIN_DAYS days
    today: date


def follow_ups_due_queryset(
    *, actor: Actor, today: date | None = None, within_days: int = DUE_WITHIN_DAYS
) -> QuerySet[ReintegrationFollowUp]:
    """Open follow-ups due by ``today + within_days`` (the overdue ones first), without notes."""
    today = today or local_today(actor.organization)
    return (
        follow_up_visible(actor=actor)
        .filter(done_on__isnull=True, due_on__lte=today + timedelta(days=within_days))
        .select_related("return_record", "return_record__case", "return_record__organization")
        .defer("notes", *(f"return_record__{name}" for name in PRIVATE_FIELDS))
        .order_by("due_on", "id")
    )


def follow_ups_due(*, actor: Actor, today: date | None = None, limit: int = 200) -> DueFollowUps:
    """What the organization's return workers must do soon: overdue and due within 14 days."""
    today = today or local_today(actor.organization)
    rows = list(follow_ups_due_queryset(actor=actor, today=today)[:limit])
    return DueFollowUps(
        overdue=[f for f in rows if f.due_on < today],
        upcoming=[f for f in rows if f.due_on >= today],
        today=today,
    )


# --- What is waiting: the worklist composes these (opennrm/worklist).


def returns_due(
    *, actor: Actor, today: date, within_days: int = DUE_WITHIN_DAYS
) -> QuerySet[ReturnRecord]:
    """Returns whose travel date is within ``within_days`` (or passed) and whose arrival is not
    recorded yet, the earliest first, without their private fields."""
    return (
        return_visible(actor=actor)
        .filter(
            arrived_on__isnull=True,
            travel_date__isnull=False,
            travel_date__lte=today + timedelta(days=within_days),
        )
        .select_related("case", "receiving_organization")
        .defer(*PRIVATE_FIELDS, "case__closure_reason")
        .order_by("travel_date", "id")
    )


def _open_due(actor: Actor, today: date) -> QuerySet[ReintegrationFollowUp]:
    actor.require(perms.RETURNS_MANAGE)
    return ReintegrationFollowUp.objects.filter(
        organization=actor.organization, done_on__isnull=True, due_on__lte=today
    )


def follow_up_due_of_case(*, actor: Actor, today: date) -> Subquery:
    """For a list of visible cases: the due date of the case's earliest open reintegration
    follow-up due by ``today``, None when there is none."""
    due = _open_due(actor, today).filter(return_record__case=OuterRef("pk"))
    return Subquery(due.order_by("due_on", "id").values("due_on")[:1])


def follow_up_due_cases(*, actor: Actor, today: date) -> QuerySet[Any]:
    """The ids of the organization's cases with an open follow-up due by ``today`` (for
    ``cases.selectors.case_attention``, which keeps the visible ones)."""
    return _open_due(actor, today).order_by().values("return_record__case_id")
