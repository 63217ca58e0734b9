"""The referrals API, /api/v1/referrals: thin over ``opennrm.referrals`` selectors and services.

A list item carries no shared value. ``GET /referrals/{id}`` carries the shared fields as
``referral_shares`` allows at the moment of the request: the receiving organization gets them
only while the referral is open to it and the person's consent is in force, and names, documents
and contacts only with the right to see identifying data. There is no other export of a
referral yet: this JSON is its export.

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations of
paginated operations through its decorator, where string annotations cannot be resolved.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from opennrm.api import common
from opennrm.api.common import ERRORS, In, OneOf, Params
from opennrm.api.pagination import Page
from opennrm.audit.models import AuditEvent
from opennrm.cases import selectors as case_selectors
from opennrm.cases.choices import ServiceType
from opennrm.errors import NotFound, ValidationFailed
from opennrm.referrals import deliveries, selectors, services
from opennrm.referrals.choices import ReferralKind, ReferralReason, ReferralStatus, Urgency
from opennrm.referrals.models import Referral, ServiceDelivery

router = Router(tags=["referrals"])


class ReferralIn(In):
    case_id: UUID
    to_organization_id: UUID
    kind: Annotated[str, OneOf(ReferralKind)] = "referral"
    reason: Annotated[str, OneOf(ReferralReason)]
    services_requested: list[Annotated[str, OneOf(ServiceType)]] = []
    urgency: Annotated[str, OneOf(Urgency)] = "normal"
    shared_fields: list[str] | None = None  # the minimum when left out
    note: str = ""
    override_reason: str = ""


class DeclineIn(In):
    reason: str


class ReferralCompleteIn(In):
    outcome: str


class ListFilters(Params):
    box: Literal["inbox", "outbox", "attention"] = "inbox"


class _ReferralFields(Schema):
    """What a list shows: who, what was asked, where it stands; no shared value."""

    id: UUID
    number: str
    kind: Annotated[str, OneOf(ReferralKind)]
    status: Annotated[str, OneOf(ReferralStatus)]
    urgency: Annotated[str, OneOf(Urgency)]
    reason: Annotated[str, OneOf(ReferralReason)]
    services_requested: list[Annotated[str, OneOf(ServiceType)]]
    from_organization_id: UUID
    from_organization_name: str
    to_organization_id: UUID
    to_organization_name: str
    to_organization_country: str
    sent_at: datetime
    deadline: datetime
    overdue: bool
    without_consent: bool
    accepted_at: datetime | None
    declined_at: datetime | None
    completed_at: datetime | None
    withdrawn_at: datetime | None


class ReferralListItemOut(_ReferralFields):
    @staticmethod
    def resolve_id(obj: Referral) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_from_organization_id(obj: Referral) -> UUID:
        return obj.from_organization.uuid

    @staticmethod
    def resolve_from_organization_name(obj: Referral) -> str:
        return obj.from_organization.name

    @staticmethod
    def resolve_to_organization_id(obj: Referral) -> UUID:
        return obj.to_organization.uuid

    @staticmethod
    def resolve_to_organization_name(obj: Referral) -> str:
        return obj.to_organization.name

    @staticmethod
    def resolve_to_organization_country(obj: Referral) -> str:
        return obj.to_organization.country

    @staticmethod
    def resolve_overdue(obj: Referral) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_without_consent(obj: Referral) -> bool:
        return obj.overridden_by_id is not None


class SharesOut(Schema):
    """``values`` holds only what the caller may read now; ``withheld`` says why, if not."""

    available: bool
    withheld: str | None  # "consent_withdrawn" or "closed"
    consent_withdrawn_on: date | None
    fields: list[str]
    values: dict[str, Any]
    not_shown: list[str]  # shared, but identifying data is not the caller's to see


class ReferralOut(_ReferralFields):
    from_case_id: UUID | None  # the sender's only
    to_case_id: UUID | None  # the receiver's only
    consent_id: UUID | None  # the sender's only
    override_reason: str | None  # the sender's only
    note: str | None  # null when the shared fields are withheld
    decline_reason: str
    outcome: str
    shared: SharesOut


class ReferralHistoryEventOut(Schema):
    id: UUID
    occurred_at: datetime
    action: str
    fields: list[str]
    organization_name: str | None
    actor_id: UUID | None  # named only within the caller's own organization


class FiguresOut(Schema):
    label: str
    total: int
    pending: int
    accepted: int
    declined: int
    withdrawn: int
    overdue: int
    acceptance_rate: float | None
    median_response_seconds: int | None


class DirectionOut(Schema):
    totals: FiguresOut
    by_organization: list[FiguresOut]
    by_service: list[FiguresOut]


class ReferralStatsOut(Schema):
    sent: DirectionOut
    received: DirectionOut


def _referral_out(request: HttpRequest, referral: Referral) -> ReferralOut:
    actor = common.actor(request)
    sender = selectors.is_sender(actor, referral)
    shares = selectors.referral_shares(actor=actor, referral=referral)
    withheld = None
    if not shares.available:
        withheld = "consent_withdrawn" if shares.consent_withdrawn_on else "closed"
    item = ReferralListItemOut.from_orm(referral).dict()
    return ReferralOut(
        **item,
        from_case_id=referral.from_case.uuid if sender else None,
        to_case_id=referral.to_case.uuid if (not sender and referral.to_case) else None,
        consent_id=referral.consent.uuid if (sender and referral.consent) else None,
        override_reason=referral.override_reason if sender else None,
        note=referral.note
        if selectors.referral_note_visible(actor=actor, referral=referral)
        else None,
        decline_reason=referral.decline_reason,
        outcome=referral.outcome,
        shared=SharesOut(
            available=shares.available,
            withheld=withheld,
            consent_withdrawn_on=shares.consent_withdrawn_on,
            fields=shares.fields,
            values=shares.values,
            not_shown=shares.hidden_identifying,
        ),
    )


def _figures_out(figures: selectors.Figures) -> FiguresOut:
    median = figures.median_response
    return FiguresOut(
        label=figures.label,
        total=figures.total,
        pending=figures.pending,
        accepted=figures.accepted,
        declined=figures.declined,
        withdrawn=figures.withdrawn,
        overdue=figures.overdue,
        acceptance_rate=round(figures.acceptance_rate, 4)
        if figures.acceptance_rate is not None
        else None,
        median_response_seconds=int(median.total_seconds()) if median is not None else None,
    )


def _direction_out(direction: selectors.Direction) -> DirectionOut:
    return DirectionOut(
        totals=_figures_out(direction.totals),
        by_organization=[_figures_out(f) for f in direction.by_organization],
        by_service=[_figures_out(f) for f in direction.by_service],
    )


def _for_write(request: HttpRequest, referral_id: UUID) -> Referral:
    """The visible referral, not audited as a read: the service audits the write itself."""
    return selectors.referral_get(actor=common.actor(request), referral_id=referral_id, audit=False)


def _renamed(exc: ValidationFailed) -> ValidationFailed:
    """Name the fields as the client sent them."""
    names = {"to_organization": "to_organization_id", "case": "case_id"}
    exc.errors = {names.get(k, k): v for k, v in exc.errors.items()}
    return exc


# --- Operations.


@router.get("", response={200: list[ReferralListItemOut], **ERRORS})
@paginate(Page)
def referral_list(request: HttpRequest, filters: Query[ListFilters]) -> QuerySet[Referral]:
    """Received (``box=inbox``), sent from the caller's visible cases (``outbox``), or, for a
    supervisor, overdue either way and sent without consent (``attention``). Newest first."""
    actor = common.actor(request)
    if filters.box == "outbox":
        return selectors.referral_outbox(actor=actor)
    if filters.box == "attention":
        return selectors.referral_attention(actor=actor)
    return selectors.referral_inbox(actor=actor)


@router.post("", response={201: ReferralOut, **ERRORS})
def referral_send(request: HttpRequest, payload: ReferralIn) -> Status:
    """Refer a visible case; 422 naming ``consent`` when no consent covers the organization
    (a supervisor may send anyway with ``override_reason``)."""
    actor = common.actor(request)
    try:
        case = case_selectors.case_get(actor=actor, case_id=payload.case_id, audit=False)
    except NotFound:
        raise ValidationFailed(
            "Please correct the errors below.", errors={"case_id": ["No such case."]}
        ) from None
    try:
        organization = selectors.referral_recipient_get(
            actor=actor, organization_id=payload.to_organization_id, kind=payload.kind
        )
    except NotFound:
        raise ValidationFailed(
            "Please correct the errors below.",
            errors={"to_organization_id": ["No such organization, or not one to send this to."]},
        ) from None
    data = payload.dict(exclude={"case_id", "to_organization_id"})
    try:
        referral = services.referral_send(
            actor=actor, case=case, to_organization=organization, **data
        )
    except ValidationFailed as exc:
        raise _renamed(exc) from None
    return Status(201, _referral_out(request, referral))


@router.get("/stats", response={200: ReferralStatsOut, **ERRORS})
def referral_stats(request: HttpRequest) -> ReferralStatsOut:
    """Counts of the organization's referrals sent and received; no content."""
    stats = selectors.referral_stats(actor=common.actor(request))
    return ReferralStatsOut(
        sent=_direction_out(stats.sent), received=_direction_out(stats.received)
    )


@router.get("/{referral_id}", response={200: ReferralOut, **ERRORS})
def referral_get(request: HttpRequest, referral_id: UUID) -> ReferralOut:
    """One referral with its shared fields as the caller may read them now. An audited read."""
    referral = selectors.referral_get(actor=common.actor(request), referral_id=referral_id)
    return _referral_out(request, referral)


@router.get("/{referral_id}/history", response={200: list[ReferralHistoryEventOut], **ERRORS})
def referral_history(request: HttpRequest, referral_id: UUID) -> list[ReferralHistoryEventOut]:
    """The referral's steps, newest first: names of fields, never values."""
    actor = common.actor(request)
    referral = _for_write(request, referral_id)
    own = actor.active_organization.pk
    events: QuerySet[AuditEvent] = selectors.referral_history(actor=actor, referral=referral)
    return [
        ReferralHistoryEventOut(
            id=event.uuid,
            occurred_at=event.occurred_at,
            action=event.action,
            fields=event.fields,
            organization_name=event.organization.name if event.organization else None,
            actor_id=event.actor.uuid if event.actor and event.organization_id == own else None,
        )
        for event in events[:500]
    ]


@router.post("/{referral_id}/accept", response={200: ReferralOut, **ERRORS})
def referral_accept(request: HttpRequest, referral_id: UUID) -> ReferralOut:
    """Accept a received referral; a case worker's acceptance opens the receiver's own case."""
    referral = services.referral_accept(
        actor=common.actor(request), referral=_for_write(request, referral_id)
    )
    return _referral_out(request, referral)


@router.post("/{referral_id}/decline", response={200: ReferralOut, **ERRORS})
def referral_decline(request: HttpRequest, referral_id: UUID, payload: DeclineIn) -> ReferralOut:
    referral = services.referral_decline(
        actor=common.actor(request),
        referral=_for_write(request, referral_id),
        reason=payload.reason,
    )
    return _referral_out(request, referral)


@router.post("/{referral_id}/complete", response={200: ReferralOut, **ERRORS})
def referral_complete(
    request: HttpRequest, referral_id: UUID, payload: ReferralCompleteIn
) -> ReferralOut:
    referral = services.referral_complete(
        actor=common.actor(request),
        referral=_for_write(request, referral_id),
        outcome=payload.outcome,
    )
    return _referral_out(request, referral)


@router.post("/{referral_id}/withdraw", response={200: ReferralOut, **ERRORS})
def referral_withdraw(request: HttpRequest, referral_id: UUID) -> ReferralOut:
    """The sender takes back a referral still awaiting an answer."""
    referral = services.referral_withdraw(
        actor=common.actor(request), referral=_for_write(request, referral_id)
    )
    return _referral_out(request, referral)


# --- Services delivered by the receiving organization (decision 0018).


class ServiceDeliveryIn(In):
    service_type: Annotated[str, OneOf(ServiceType)]
    delivered_on: date
    outcome: str
    next_appointment_on: date | None = None
    completed: bool = False  # the provider says the service is complete: the referral completes


class ServiceDeliveryOut(Schema):
    id: UUID
    referral_id: UUID
    service_type: Annotated[str, OneOf(ServiceType)]
    delivered_on: date
    outcome: str
    next_appointment_on: date | None
    completes_referral: bool
    provider_id: UUID
    provider_name: str
    recorded_at: datetime


def _service_out(referral: Referral, record: ServiceDelivery) -> ServiceDeliveryOut:
    return ServiceDeliveryOut(
        id=record.uuid,
        referral_id=referral.uuid,
        service_type=record.service_type,
        delivered_on=record.delivered_on,
        outcome=record.outcome,
        next_appointment_on=record.next_appointment_on,
        completes_referral=record.completes_referral,
        provider_id=record.organization.uuid,
        provider_name=record.organization.name,
        recorded_at=record.recorded_at,
    )


@router.get("/{referral_id}/services", response={200: list[ServiceDeliveryOut], **ERRORS})
def referral_services(request: HttpRequest, referral_id: UUID) -> list[ServiceDeliveryOut]:
    """The services the receiving organization delivered on the referral, by date; the sender
    reads them as its case's services."""
    actor = common.actor(request)
    referral = selectors.referral_get(actor=actor, referral_id=referral_id, audit=False)
    records = deliveries.referral_services(actor=actor, referral=referral)
    return [_service_out(referral, r) for r in records]


@router.post("/{referral_id}/services", response={201: ServiceDeliveryOut, **ERRORS})
def referral_service_record(
    request: HttpRequest, referral_id: UUID, payload: ServiceDeliveryIn
) -> Status:
    """The receiving organization records a service it delivered; ``completed`` completes the
    referral. Never the sender (404)."""
    actor = common.actor(request)
    referral = _for_write(request, referral_id)
    if selectors.is_sender(actor, referral):
        raise NotFound("No such referral.")
    record = deliveries.referral_service_record(actor=actor, referral=referral, **payload.dict())
    return Status(201, _service_out(referral, record))
