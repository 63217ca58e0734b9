"""The hotline API, /api/v1/signals: thin over ``opennrm.hotline`` selectors and services.

List items never carry the caller's phone or the notes: a list says what kind of contact each
was and whether the caller is known (counts found through the phone's blind-index token). The
phone comes only from ``GET /signals/{id}``, and only to those who may see identifying data.

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations of
paginated operations through its decorator, where string annotations cannot be resolved.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from opennrm.accounts import permissions as perms
from opennrm.api import common
from opennrm.api.cases.schemas import CaseFieldsIn, PersonIn
from opennrm.api.common import ERRORS, In, OneOf, Params, UuidOut
from opennrm.api.pagination import Page
from opennrm.api.schemas import LOCAL_DATETIME_DESCRIPTION
from opennrm.errors import ValidationFailed
from opennrm.hotline import selectors, services
from opennrm.hotline.models import CallerType, Channel, Outcome, Reason, Signal

if TYPE_CHECKING:
    from opennrm.hotline.selectors import SignalWithHint

router = Router(tags=["hotline"])


# --- Input schemas. Unknown fields are refused; picklists are their model's choices (an enum
# in OpenAPI), so a value outside them is a 422 naming the field.


class SignalIn(In):
    caller_type: Annotated[str, OneOf(CallerType)]
    reason: Annotated[str, OneOf(Reason)]
    channel: Annotated[str, OneOf(Channel)] = Channel.CALL.value
    received_at: datetime | None = Field(None, description=LOCAL_DATETIME_DESCRIPTION)
    language: str = ""
    outcome: Annotated[str, OneOf(Outcome, blank=True)] = ""
    follow_up_on: date | None = None
    notes: str = ""
    phone: str = ""
    caller_name: str = Field("", description="As the caller gave it, in any script.")


class SignalPatch(In):
    version: int
    caller_type: Annotated[str, OneOf(CallerType)] | None = None
    reason: Annotated[str, OneOf(Reason)] | None = None
    channel: Annotated[str, OneOf(Channel)] | None = None
    received_at: datetime | None = Field(None, description=LOCAL_DATETIME_DESCRIPTION)
    language: str | None = None
    outcome: Annotated[str, OneOf(Outcome, blank=True)] | None = None
    follow_up_on: date | None = None
    followed_up_on: date | None = None
    notes: str | None = None
    phone: str | None = None
    caller_name: str | None = None


class SignalHandOnIn(In):
    version: int


class SignalCaseIn(CaseFieldsIn):
    """The person and (optionally) what is known of the exploitation, as ``POST /cases``."""

    version: int
    person: PersonIn
    opened_on: date | None = None


class SignalListFilters(Params):
    channel: Channel | None = None
    reason: Reason | None = None
    outcome: str = ""  # a value of Outcome, or "open" for the unanswered
    received_from: date | None = None
    received_to: date | None = None


# --- Output schemas.


class KnownCallerCounts(Schema):
    earlier_signals: int
    cases: int


class SignalListItemOut(UuidOut):
    """What a list shows: the kind of contact, never the phone or the notes."""

    version: int
    received_at: datetime
    channel: Annotated[str, OneOf(Channel)]
    language: str
    caller_type: Annotated[str, OneOf(CallerType)]
    reason: Annotated[str, OneOf(Reason)]
    outcome: Annotated[str, OneOf(Outcome, blank=True)]
    follow_up_on: date | None
    followed_up_on: date | None
    closed_on: date | None
    operator_id: UUID | None
    case_id: UUID | None
    has_phone: bool
    known_caller: KnownCallerCounts

    @staticmethod
    def resolve_operator_id(obj: Signal) -> UUID | None:
        return obj.operator.uuid if obj.operator is not None else None

    @staticmethod
    def resolve_case_id(obj: Signal) -> UUID | None:
        return obj.case.uuid if obj.case is not None else None

    @staticmethod
    def resolve_has_phone(obj: Signal) -> bool:
        return bool(obj.phone_token)

    @staticmethod
    def resolve_known_caller(obj: "SignalWithHint") -> dict[str, int]:
        return {"earlier_signals": obj.earlier_signals, "cases": obj.known_cases}


class KnownCallerOut(Schema):
    earlier_signal_ids: list[UUID]
    case_ids: list[UUID] = Field(description="Cases of persons with the caller's phone.")
    name_case_ids: list[UUID] = Field(
        description="Cases of persons whose name matches the caller's name (any script or "
        "spelling), best match first."
    )


class SignalOut(Schema):
    id: UUID
    version: int
    received_at: datetime
    channel: Annotated[str, OneOf(Channel)]
    language: str
    caller_type: Annotated[str, OneOf(CallerType)]
    reason: Annotated[str, OneOf(Reason)]
    outcome: Annotated[str, OneOf(Outcome, blank=True)]
    follow_up_on: date | None
    followed_up_on: date | None
    closed_on: date | None = Field(description="Handed on and closed (the organization's day).")
    cleared_at: datetime | None = Field(
        description="When the phone, the notes and the person's identifying data were cleared."
    )
    operator_id: UUID | None
    case_id: UUID | None
    notes: str
    phone: str | None  # null to those who may not see identifying data
    caller_name: str | None  # null to those who may not see identifying data
    safe_contact: str | None = Field(
        description="How to reach a web tip's sender safely, as they wrote it; null to those who "
        "may not see identifying data."
    )
    country: str = Field(description="Where it happened or where the sender is (ISO 3166-1).")
    known_caller: KnownCallerOut
    created_at: datetime
    updated_at: datetime


class BucketOut(Schema):
    start: date
    total: int
    cases: int
    handed_on: int
    by_reason: dict[str, int]
    by_channel: dict[str, int]
    by_language: dict[str, int]


class SignalStatsOut(Schema):
    """Counts only: per day (14 days) and per week (12 weeks, Monday first), newest first."""

    days: list[BucketOut]
    weeks: list[BucketOut]
    totals: BucketOut
    case_share: float
    overdue_follow_ups: int


def _signal_out(request: HttpRequest, signal: Signal) -> SignalOut:
    actor = common.actor(request)
    known = selectors.known_caller(actor=actor, signal=signal)
    return SignalOut(
        id=signal.uuid,
        version=signal.version,
        received_at=signal.received_at,
        channel=signal.channel,
        language=signal.language,
        caller_type=signal.caller_type,
        reason=signal.reason,
        outcome=signal.outcome,
        follow_up_on=signal.follow_up_on,
        followed_up_on=signal.followed_up_on,
        closed_on=signal.closed_on,
        cleared_at=signal.cleared_at,
        operator_id=signal.operator.uuid if signal.operator is not None else None,
        case_id=signal.case.uuid if signal.case is not None else None,
        notes=signal.notes,
        phone=signal.phone if actor.can(perms.IDENTIFYING_DATA_VIEW) else None,
        caller_name=signal.caller_name if actor.can(perms.IDENTIFYING_DATA_VIEW) else None,
        safe_contact=signal.safe_contact if actor.can(perms.IDENTIFYING_DATA_VIEW) else None,
        country=signal.country,
        known_caller=KnownCallerOut(
            earlier_signal_ids=[s.uuid for s in known.signals],
            case_ids=[c.uuid for c in known.cases],
            name_case_ids=[c.uuid for c in known.name_cases],
        ),
        created_at=signal.created_at,
        updated_at=signal.updated_at,
    )


def _bucket_out(bucket: selectors.Bucket) -> BucketOut:
    return BucketOut(
        start=bucket.start,
        total=bucket.total,
        cases=bucket.cases,
        handed_on=bucket.handed_on,
        by_reason=bucket.by["reason"],
        by_channel=bucket.by["channel"],
        by_language=bucket.by["language"],
    )


def _for_write(request: HttpRequest, signal_id: UUID) -> Signal:
    """The visible signal, not audited as a read: the service audits the write itself."""
    return selectors.signal_get(actor=common.actor(request), signal_id=signal_id, audit=False)


# --- Operations.


@router.get("", response={200: list[SignalListItemOut], **ERRORS})
@paginate(Page)
def signal_list(request: HttpRequest, filters: Query[SignalListFilters]) -> QuerySet[Signal]:
    """The organization's signals, newest first, with the known-caller counts; no content."""
    if filters.outcome and filters.outcome != "open" and filters.outcome not in Outcome.values:
        raise ValidationFailed(
            "The request is invalid",
            errors={"outcome": ["Give a value of Outcome, or “open” for the unanswered."]},
        )
    return selectors.signal_list(
        actor=common.actor(request),
        filters=selectors.SignalFilters(
            channel=filters.channel or "",
            reason=filters.reason or "",
            outcome=filters.outcome,
            received_from=filters.received_from,
            received_to=filters.received_to,
        ),
    )


@router.post("", response={201: SignalOut, **ERRORS})
def signal_record(request: HttpRequest, payload: SignalIn) -> Status:
    """Log a contact taken by the caller of the API (the operator)."""
    signal = services.signal_record(actor=common.actor(request), **payload.dict())
    return Status(201, _signal_out(request, signal))


@router.get("/stats", response={200: SignalStatsOut, **ERRORS})
def signal_stats(request: HttpRequest) -> SignalStatsOut:
    """Counts of the organization's signals by reason, channel and language; no content."""
    stats = selectors.signal_stats(actor=common.actor(request))
    return SignalStatsOut(
        days=[_bucket_out(b) for b in stats.days],
        weeks=[_bucket_out(b) for b in stats.weeks],
        totals=_bucket_out(stats.totals),
        case_share=round(stats.totals.case_share, 4),
        overdue_follow_ups=stats.overdue_follow_ups,
    )


@router.get("/{signal_id}", response={200: SignalOut, **ERRORS})
def signal_get(request: HttpRequest, signal_id: UUID) -> SignalOut:
    """One signal, with its notes and (to those who may see it) the phone. An audited read."""
    return _signal_out(
        request, selectors.signal_get(actor=common.actor(request), signal_id=signal_id)
    )


@router.patch("/{signal_id}", response={200: SignalOut, **ERRORS})
def signal_update(request: HttpRequest, signal_id: UUID, payload: SignalPatch) -> SignalOut:
    """Change a signal; ``version`` must be the one read (409 otherwise)."""
    signal = _for_write(request, signal_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    signal = services.signal_update(
        actor=common.actor(request), signal=signal, version=version, **changes
    )
    return _signal_out(request, signal)


@router.post("/{signal_id}/take", response={200: SignalOut, **ERRORS})
def signal_take(request: HttpRequest, signal_id: UUID) -> SignalOut:
    """Take an unanswered web tip (409 when someone already took it)."""
    signal = services.signal_take(
        actor=common.actor(request), signal=_for_write(request, signal_id)
    )
    return _signal_out(request, signal)


@router.post("/{signal_id}/hand-on", response={200: SignalOut, **ERRORS})
def signal_hand_on(request: HttpRequest, signal_id: UUID, payload: SignalHandOnIn) -> SignalOut:
    """Hand the contact on and close the hotline's copy (outcome ``handed_on``; its case, if any,
    ``ClosedReferred``). Phone, notes and the person's identifying data are cleared after the
    retention; the counts stay."""
    signal = services.signal_hand_on(
        actor=common.actor(request), signal=_for_write(request, signal_id), version=payload.version
    )
    return _signal_out(request, signal)


@router.post("/{signal_id}/open-case", response={201: SignalOut, **ERRORS})
def signal_open_case(request: HttpRequest, signal_id: UUID, payload: SignalCaseIn) -> Status:
    """Record the person and open their case from the signal; the signal links to it."""
    signal = _for_write(request, signal_id)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    person = fields.pop("person")
    signal = services.signal_open_case(
        actor=common.actor(request), signal=signal, version=version, person=person, **fields
    )
    return Status(201, _signal_out(request, signal))
