"""Reads of returns and reintegration follow-ups: only for cases the actor may see, and only to
those who manage returns (``returns.manage``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import OuterRef, QuerySet, Subquery

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_read
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_visible
from opennrm.errors import NotFound

from .models import ReintegrationFollowUp, ReturnRecord

DUE_WITHIN_DAYS = 14
# Never decrypted for a list.
PRIVATE_FIELDS = ("document_number", "received_by", "arrival_notes")


def return_visible(*, actor: Actor) -> QuerySet[ReturnRecord]:
    """Returns of the cases the actor may see. The one place where return visibility is decided."""
    actor.require(perms.RETURNS_MANAGE)
    return ReturnRecord.objects.filter(
        organization=actor.organization, case__in=case_visible(actor=actor)
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
            return_visible(actor=actor)
            .select_related("receiving_organization", "case")
            .get(uuid=return_id)
        )
    except (ReturnRecord.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such return.") from None
    if audit:
        audit_read(actor=actor, obj=record)
    return record


def follow_up_visible(*, actor: Actor) -> QuerySet[ReintegrationFollowUp]:
    """Follow-ups of the returns the actor may see."""
    return ReintegrationFollowUp.objects.filter(
        organization=actor.organization, return_record__in=return_visible(actor=actor)
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
        .select_related("return_record", "return_record__case")
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
