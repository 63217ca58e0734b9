"""The returns API, /api/v1/returns: voluntary return of a visible case (documents, travel,
reception at arrival) and the reintegration follow-ups at 3, 6 and 12 months.

The document number, who received the person and the notes are given only by the single-object
reads (audited), and the document number only to those who may see identifying data; the list of
follow-ups due carries none of them.

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations of
paginated operations through its decorator, where string annotations cannot be resolved.
"""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.api import common
from opennrm.api.common import ERRORS, In, OneOf, Params, UuidOut
from opennrm.api.pagination import Page
from opennrm.cases.selectors import case_get
from opennrm.errors import NotFound
from opennrm.returns import selectors, services
from opennrm.returns.models import (
    DocumentType,
    FollowUpOutcome,
    ReintegrationFollowUp,
    ReturnRecord,
)

router = Router(tags=["returns"])


class ReturnIn(In):
    destination_country: str
    destination_city: str = ""
    route: str = ""
    document_type: Annotated[str, OneOf(DocumentType, blank=True)] = ""
    document_number: str = ""
    travel_date: date | None = None
    receiving_organization_id: UUID | None = None


class ReturnPatch(In):
    version: int
    destination_country: str | None = None
    destination_city: str | None = None
    route: str | None = None
    document_type: Annotated[str, OneOf(DocumentType, blank=True)] | None = None
    document_number: str | None = None
    travel_date: date | None = None
    receiving_organization_id: UUID | None = None


class ArrivalIn(In):
    version: int
    arrived_on: date
    received_by: str = ""
    arrival_notes: str = ""


class FollowUpIn(In):
    version: int
    done_on: date
    outcome: Annotated[str, OneOf(FollowUpOutcome)]
    notes: str = ""


class DueFilters(Params):
    within_days: int = Field(selectors.DUE_WITHIN_DAYS, ge=0, le=366)


class FollowUpOut(Schema):
    id: UUID
    version: int
    months: int
    due_on: date
    done_on: date | None
    outcome: Annotated[str, OneOf(FollowUpOutcome, blank=True)]
    notes: str


class FollowUpDueOut(UuidOut):
    """A follow-up due: the milestone, the case and the destination; no notes, no names. Of a
    return received from another organization (``received``), no case: the sender's is not
    the caller's."""

    version: int
    months: int
    due_on: date
    case_id: UUID | None
    case_number: str | None
    return_id: UUID
    received: bool
    destination_country: str
    arrived_on: date | None

    @staticmethod
    def resolve_case_id(obj: ReintegrationFollowUp) -> UUID | None:
        return None if getattr(obj, "received", False) else obj.return_record.case.uuid

    @staticmethod
    def resolve_case_number(obj: ReintegrationFollowUp) -> str | None:
        return None if getattr(obj, "received", False) else obj.return_record.case.number

    @staticmethod
    def resolve_received(obj: ReintegrationFollowUp) -> bool:
        return bool(getattr(obj, "received", False))

    @staticmethod
    def resolve_return_id(obj: ReintegrationFollowUp) -> UUID:
        return obj.return_record.uuid

    @staticmethod
    def resolve_destination_country(obj: ReintegrationFollowUp) -> str:
        return obj.return_record.destination_country

    @staticmethod
    def resolve_arrived_on(obj: ReintegrationFollowUp) -> date | None:
        return obj.return_record.arrived_on


class ReceivedReturnOut(UuidOut):
    """A return the caller's organization receives: who sends, the travel, the arrival and the
    next open follow-up; no case, no name, no document."""

    sending_organization_id: UUID
    sending_organization_name: str
    travel_date: date | None
    destination_country: str
    destination_city: str
    route: str
    arrived_on: date | None
    next_follow_up_due_on: date | None

    @staticmethod
    def resolve_sending_organization_id(obj: ReturnRecord) -> UUID:
        return obj.organization.uuid

    @staticmethod
    def resolve_sending_organization_name(obj: ReturnRecord) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_next_follow_up_due_on(obj: ReturnRecord) -> date | None:
        return getattr(obj, "next_due_on", None)


class ReturnOut(Schema):
    id: UUID
    version: int
    case_id: UUID | None  # null to the receiving organization: the sender's case is not its own
    sending_organization_id: UUID
    receiving_case_id: UUID | None  # the receiver's own case, opened by a referral of this one
    document_type: Annotated[str, OneOf(DocumentType, blank=True)]
    document_number: str | None  # null to those who may not see identifying data
    travel_date: date | None
    destination_country: str
    destination_city: str
    route: str
    receiving_organization_id: UUID | None
    arrived_on: date | None
    received_by: str
    arrival_notes: str
    follow_ups: list[FollowUpOut]
    created_at: datetime
    updated_at: datetime


def _follow_up_out(f: ReintegrationFollowUp) -> FollowUpOut:
    return FollowUpOut(
        id=f.uuid,
        version=f.version,
        months=f.months,
        due_on=f.due_on,
        done_on=f.done_on,
        outcome=f.outcome,
        notes=f.notes,
    )


def _return_out(actor: Actor, record: ReturnRecord) -> ReturnOut:
    receiving = record.receiving_organization
    receiver = selectors.is_receiver(actor, record)
    own_case = selectors.receiving_case(actor=actor, record=record) if receiver else None
    return ReturnOut(
        id=record.uuid,
        version=record.version,
        case_id=None if receiver else record.case.uuid,
        sending_organization_id=record.organization.uuid,
        receiving_case_id=own_case.uuid if own_case else None,
        document_type=record.document_type,
        document_number=(
            record.document_number
            if actor.can(perms.IDENTIFYING_DATA_VIEW) and not receiver
            else None
        ),
        travel_date=record.travel_date,
        destination_country=record.destination_country,
        destination_city=record.destination_city,
        route=record.route,
        receiving_organization_id=receiving.uuid if receiving else None,
        arrived_on=record.arrived_on,
        received_by=record.received_by,
        arrival_notes=record.arrival_notes,
        follow_ups=[
            _follow_up_out(f) for f in selectors.follow_up_list(actor=actor, record=record)
        ],
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _fields(payload: dict) -> dict:
    if "receiving_organization_id" in payload:
        payload["receiving_organization"] = payload.pop("receiving_organization_id")
    return payload


@router.get("/follow-ups", response={200: list[FollowUpDueOut], **ERRORS})
@paginate(Page)
def follow_ups_due(
    request: HttpRequest, filters: Query[DueFilters]
) -> QuerySet[ReintegrationFollowUp]:
    """Open follow-ups of visible cases, overdue or due within ``within_days`` (14), by date."""
    return selectors.follow_ups_due_queryset(
        actor=common.actor(request, require=perms.RETURNS_MANAGE), within_days=filters.within_days
    )


@router.post("/follow-ups/{follow_up_id}", response={200: FollowUpOut, **ERRORS})
def follow_up_record(request: HttpRequest, follow_up_id: UUID, payload: FollowUpIn) -> FollowUpOut:
    """Record a follow-up as done, with its outcome; ``version`` as read (409 otherwise). Refused
    (422 on ``done_on``) before its window opens, 14 days before it is due."""
    actor = common.actor(request, require=perms.RETURNS_MANAGE)
    follow_up = selectors.follow_up_get(actor=actor, follow_up_id=follow_up_id)
    follow_up = services.follow_up_record(actor=actor, follow_up=follow_up, **payload.dict())
    return _follow_up_out(follow_up)


@router.get("/received", response={200: list[ReceivedReturnOut], **ERRORS})
@paginate(Page)
def returns_received(request: HttpRequest) -> QuerySet[ReturnRecord]:
    """Returns another organization organizes and the caller's organization receives, latest
    travel first: it records the arrival and the follow-ups (``/{id}/arrival``,
    ``/follow-ups/{id}``)."""
    return selectors.return_received_list(actor=common.actor(request, require=perms.RETURNS_MANAGE))


@router.get("/cases/{case_id}", response={200: ReturnOut, **ERRORS})
def return_of_case(request: HttpRequest, case_id: UUID) -> ReturnOut:
    """The return of a visible case (404 when none is recorded). An audited read."""
    actor = common.actor(request, require=perms.RETURNS_MANAGE)
    case = case_get(actor=actor, case_id=case_id, audit=False)
    record = selectors.return_for_case(actor=actor, case=case)
    if record is None:
        raise NotFound("No return is recorded for this case.")
    return _return_out(actor, record)


@router.post("/cases/{case_id}", response={201: ReturnOut, **ERRORS})
def return_create(request: HttpRequest, case_id: UUID, payload: ReturnIn) -> Status:
    """Record the voluntary return of a visible case's person (one per case)."""
    actor = common.actor(request, require=perms.RETURNS_MANAGE)
    case = case_get(actor=actor, case_id=case_id, audit=False)
    record = services.return_create(actor=actor, case=case, **_fields(payload.dict()))
    return Status(201, _return_out(actor, record))


@router.get("/{return_id}", response={200: ReturnOut, **ERRORS})
def return_get(request: HttpRequest, return_id: UUID) -> ReturnOut:
    """One return, by its id: the sender's, or one the caller's organization receives (then
    without the sender's case and the travel document). An audited read."""
    actor = common.actor(request, require=perms.RETURNS_MANAGE)
    return _return_out(actor, selectors.return_get(actor=actor, return_id=return_id))


@router.patch("/{return_id}", response={200: ReturnOut, **ERRORS})
def return_update(request: HttpRequest, return_id: UUID, payload: ReturnPatch) -> ReturnOut:
    """Change documents, travel or destination; ``version`` as read (409 otherwise). The sending
    organization's only: 403 to the receiver."""
    actor = common.actor(request, require=perms.RETURNS_MANAGE)
    record = selectors.return_get(actor=actor, return_id=return_id, audit=False)
    changes = _fields(payload.dict(exclude_unset=True))
    version = changes.pop("version")
    record = services.return_update(actor=actor, record=record, version=version, **changes)
    return _return_out(actor, record)


@router.post("/{return_id}/arrival", response={200: ReturnOut, **ERRORS})
def return_arrival(request: HttpRequest, return_id: UUID, payload: ArrivalIn) -> ReturnOut:
    """Record the reception at arrival; follow-ups at 3, 6 and 12 months are scheduled. By the
    sending or the receiving organization."""
    actor = common.actor(request, require=perms.RETURNS_MANAGE)
    record = selectors.return_get(actor=actor, return_id=return_id, audit=False)
    record = services.return_record_arrival(actor=actor, record=record, **payload.dict())
    return _return_out(actor, record)
