"""The duplicate check at intake and contact requests across organizations, in the API:
``POST /persons/matches``, ``POST /linkage/hints/{id}/ask``, ``GET /linkage/requests`` and
``POST /linkage/requests/{id}/answer``. Thin over ``opennrm.linkage.intake``.

A hint carries the other organization's name, the band and the kinds of attributes that
matched, and its own id: nothing of the other organization's record.

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations
through its decorators, where string annotations cannot be resolved.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from opennrm.accounts import permissions as perms
from opennrm.api import common
from opennrm.api.common import ERRORS, In, OneOf, Params
from opennrm.cases.selectors import case_get
from opennrm.linkage import intake
from opennrm.linkage.models_intake import Band, ContactRequestStatus
from opennrm.people.models import Gender

router = Router(tags=["linkage"])


class PersonMatchIn(In):
    """The person being recorded, as far as it is known: the fields a check compares."""

    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    names: list[str] = []
    birth_date: date | None = None
    birth_year: int | None = None
    gender: Annotated[str, OneOf(Gender)] = Gender.UNKNOWN.value
    citizenship: str = ""
    phones: list[str] = []
    exclude_case_id: UUID | None = None  # the case whose person is being edited


class ReasonOut(Schema):
    code: str
    label: str


class OwnMatchOut(Schema):
    case_id: UUID
    case_number: str
    name: str  # empty without the right to see identifying data
    score: float
    band: Annotated[str, OneOf(Band)]
    reasons: list[ReasonOut]


class HintOut(Schema):
    id: UUID
    organization_name: str
    band: Annotated[str, OneOf(Band)]
    kinds: list[str]
    request_status: Annotated[str, OneOf(ContactRequestStatus, blank=True)]


class MatchesOut(Schema):
    checked: bool
    own: list[OwnMatchOut]
    hints: list[HintOut]


@router.post("/persons/matches", response={200: MatchesOut, **ERRORS})
def person_matches(request: HttpRequest, payload: PersonMatchIn) -> MatchesOut:
    """Possible matches of a person before saving: the organization's own (as the caller may
    see them) and hints of other organizations' records."""
    actor = common.actor(request, require=perms.PERSONS_MATCH)
    data = payload.dict()
    exclude_id = data.pop("exclude_case_id")
    exclude = None
    if exclude_id is not None:
        exclude = case_get(actor=actor, case_id=exclude_id, audit=False)
    found = intake.possible_matches(actor=actor, data=data, exclude_case=exclude)
    return MatchesOut(
        checked=found.checked,
        own=[
            OwnMatchOut(
                case_id=m.case_uuid,
                case_number=m.case_number,
                name=m.name,
                score=m.match.score,
                band=m.match.band,
                reasons=[ReasonOut(code=r.code, label=r.label) for r in m.match.reasons],
            )
            for m in found.own
        ],
        hints=[
            HintOut(
                id=h.uuid,
                organization_name=h.organization_name,
                band=h.band,
                kinds=h.kinds,
                request_status=h.request_status,
            )
            for h in found.hints
        ],
    )


class AskIn(In):
    message: str = ""


class RequestOut(Schema):
    id: UUID
    direction: Literal["received", "sent"]
    organization_name: str  # the other side
    status: Annotated[str, OneOf(ContactRequestStatus)]
    created_at: datetime
    answered_at: datetime | None
    message: str  # received only
    case_id: UUID | None  # received only: our matched case, when the caller may see it
    case_number: str


@router.post("/linkage/hints/{hint_id}/ask", response={201: RequestOut, **ERRORS})
def hint_ask(request: HttpRequest, hint_id: UUID, payload: AskIn) -> Status:
    """Ask the organization of a hint to get in touch (one request per hint)."""
    actor = common.actor(request, require=perms.MATCH_HINTS_VIEW)
    sent = intake.contact_request_send(actor=actor, hint_id=hint_id, message=payload.message)
    return Status(
        201,
        RequestOut(
            id=sent.uuid,
            direction="sent",
            organization_name=sent.to_organization.name,
            status=sent.status,
            created_at=sent.created_at,
            answered_at=None,
            message="",
            case_id=None,
            case_number="",
        ),
    )


class RequestFilters(Params):
    box: Literal["received", "sent"] = "received"


@router.get("/linkage/requests", response={200: list[RequestOut], **ERRORS})
def request_list(request: HttpRequest, filters: Query[RequestFilters]) -> list[RequestOut]:
    """Requests to get in touch received by the caller's organization, or sent by it."""
    actor = common.actor(request, require=perms.MATCH_REQUESTS_RESPOND)
    if filters.box == "sent":
        return [
            RequestOut(
                id=r.uuid,
                direction="sent",
                organization_name=r.to_organization.name,
                status=r.status,
                created_at=r.created_at,
                answered_at=r.answered_at,
                message="",
                case_id=None,
                case_number="",
            )
            for r in intake.contact_requests_sent(actor=actor)
        ]
    return [_received(item) for item in intake.contact_requests_received(actor=actor)]


def _received(item: intake.ReceivedRequest) -> RequestOut:
    r = item.request
    return RequestOut(
        id=r.uuid,
        direction="received",
        organization_name=r.from_organization.name,
        status=r.status,
        created_at=r.created_at,
        answered_at=r.answered_at,
        message=r.message,
        case_id=item.case_uuid,
        case_number=item.case_number,
    )


class AnswerIn(In):
    answer: Literal["accept", "decline"]


@router.post("/linkage/requests/{request_id}/answer", response={200: RequestOut, **ERRORS})
def request_answer(request: HttpRequest, request_id: UUID, payload: AnswerIn) -> RequestOut:
    """Answer a request received: "accept" (we will get in touch) or "decline"."""
    actor = common.actor(request, require=perms.MATCH_REQUESTS_RESPOND)
    intake.contact_request_answer(actor=actor, request_id=request_id, answer=payload.answer)
    return _received(intake.contact_request_received_get(actor=actor, request_id=request_id))
