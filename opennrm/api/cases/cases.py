"""Cases: lists, search by name (POST), open, read, change, status, history, assignment."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Status
from ninja.pagination import paginate

from opennrm.api import common
from opennrm.api.common import ERRORS
from opennrm.api.pagination import Page
from opennrm.audit.models import AuditEvent
from opennrm.cases import selectors, services
from opennrm.cases.models import (
    Case,
)
from opennrm.errors import ValidationFailed

from .helpers import case_for_write
from .router import router
from .schemas import (
    AssignIn,
    CaseHistoryEventOut,
    CaseListFilters,
    CaseListItemOut,
    CaseOpenIn,
    CaseOut,
    CasePatch,
    CaseSearchIn,
    StatusChangeIn,
)


@router.get("", response={200: list[CaseListItemOut], **ERRORS})
@paginate(Page)
def case_list(request: HttpRequest, filters: Query[CaseListFilters]) -> QuerySet[Case]:
    """The visible cases, newest first, filtered by statistical fields only.

    Search by name is ``POST /cases/search``: names never go in a query string, and a ``q``
    here is refused rather than silently ignored.
    """
    if "q" in request.GET:
        raise ValidationFailed(
            "Search by name with POST /cases/search.",
            errors={"q": ["Names never go in a URL: search with POST /cases/search."]},
        )
    return selectors.case_list(
        actor=common.actor(request),
        filters=selectors.CaseFilters(
            status=filters.status or "",
            owner=str(filters.owner) if filters.owner else "",
            exploitation_type=filters.exploitation_type or "",
            citizenship=filters.citizenship,
            gender=filters.gender or "",
            opened_from=filters.opened_from,
            opened_to=filters.opened_to,
        ),
    )


@router.post("/search", response={200: list[CaseListItemOut], **ERRORS})
@paginate(Page)
def case_search(request: HttpRequest, payload: CaseSearchIn) -> QuerySet[Case]:
    """Visible cases whose person bears the name (any script) or whose number is ``q``.

    A POST with the name in the body, because a query string is written to access logs, proxy
    logs, browser history and ``Referer`` headers, and a person's name must never be.
    """
    return selectors.case_list(
        actor=common.actor(request), filters=selectors.CaseFilters(q=payload.q)
    )


@router.post("", response={201: CaseOut, **ERRORS})
def case_open(request: HttpRequest, payload: CaseOpenIn) -> Status:
    """Record a person and open their case, owned by the caller."""
    fields = payload.dict(exclude_unset=True)
    person = fields.pop("person")
    case = services.case_open(actor=common.actor(request), person=person, **fields)
    return Status(201, case)


@router.get("/{case_id}", response={200: CaseOut, **ERRORS})
def case_get(request: HttpRequest, case_id: UUID) -> Case:
    """One visible case (an audited read): statistical fields and the person's UUID, no names."""
    return selectors.case_get(actor=common.actor(request), case_id=case_id)


@router.patch("/{case_id}", response={200: CaseOut, **ERRORS})
def case_update(request: HttpRequest, case_id: UUID, payload: CasePatch) -> Case:
    """Change exploitation and route details; ``version`` must be the one read (409 otherwise)."""
    case = case_for_write(request, case_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.case_update(actor=common.actor(request), case=case, version=version, **changes)


@router.post("/{case_id}/status", response={200: CaseOut, **ERRORS})
def case_change_status(request: HttpRequest, case_id: UUID, payload: StatusChangeIn) -> Case:
    """Move the case to another status; closing and reopening are for supervisors."""
    case = case_for_write(request, case_id)
    return services.case_change_status(
        actor=common.actor(request), case=case, status=payload.status, reason=payload.reason
    )


@router.get("/{case_id}/history", response={200: list[CaseHistoryEventOut], **ERRORS})
@paginate(Page)
def case_history(request: HttpRequest, case_id: UUID) -> QuerySet[AuditEvent]:
    """The changes to the case and its parts, newest first."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return selectors.case_history(actor=actor, case=case)


@router.post("/{case_id}/assign", response={200: CaseOut, **ERRORS})
def case_assign(request: HttpRequest, case_id: UUID, payload: AssignIn) -> Case:
    """Set the owner and team (supervisor); users are named by their UUIDs."""
    case = case_for_write(request, case_id)
    wanted = [payload.owner_id, *payload.team_ids]
    # Only the organization's members: another organization's user answers like an unknown one.
    members = selectors.case_assignable_list(actor=common.actor(request)).filter(uuid__in=wanted)
    users = {u.uuid: u for u in members}
    errors = {}
    if payload.owner_id not in users:
        errors["owner_id"] = ["No such user."]
    for i, user_id in enumerate(payload.team_ids):
        if user_id not in users:
            errors[f"team_ids[{i}]"] = ["No such user."]
    if errors:
        raise ValidationFailed("Please correct the errors below.", errors=errors)
    try:
        return services.case_assign(
            actor=common.actor(request),
            case=case,
            owner=users[payload.owner_id],
            team=[users[u] for u in payload.team_ids],
        )
    except ValidationFailed as exc:  # name the fields as the client sent them
        exc.errors = {
            k.replace("team[", "team_ids[").replace("owner", "owner_id"): v
            for k, v in exc.errors.items()
        }
        raise
