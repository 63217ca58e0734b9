"""The parts of a case: identification decisions, support plans, services, consents, notes and
historic trafficking events; each read through its selector, each written through its service.
"""

from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status
from ninja.pagination import paginate

from opennrm.api import common
from opennrm.api.common import ERRORS
from opennrm.api.pagination import Page
from opennrm.cases import selectors, services
from opennrm.cases.models import (
    Consent,
    HistoricEvent,
    IdentificationDecision,
    Note,
    Service,
    SupportPlan,
)
from opennrm.errors import NotFound, ValidationFailed

from .helpers import case_for_write, partner
from .router import router
from .schemas import (
    AuthorityDecisionIn,
    ConsentIn,
    ConsentOut,
    ConsentWithdrawIn,
    DecisionOut,
    DecisionProposeIn,
    EventIn,
    EventOut,
    EventPatch,
    NoteIn,
    NoteOut,
    PlanEndIn,
    PlanIn,
    PlanOut,
    ServiceIn,
    ServiceOut,
)


def _decision(request: HttpRequest, case_id: UUID, decision_id: UUID) -> IdentificationDecision:
    case = case_for_write(request, case_id)
    return selectors.case_decision_get(
        actor=common.actor(request), case=case, decision_id=decision_id
    )


@router.get("/{case_id}/decisions", response={200: list[DecisionOut], **ERRORS})
def decision_list(request: HttpRequest, case_id: UUID) -> QuerySet[IdentificationDecision]:
    """The identification decisions of the case, oldest first."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return selectors.case_decision_list(actor=actor, case=case)


@router.post("/{case_id}/decisions", response={201: DecisionOut, **ERRORS})
def decision_propose(request: HttpRequest, case_id: UUID, payload: DecisionProposeIn) -> Status:
    """Propose a presumed-victim or identified-victim decision, for a supervisor to review."""
    actor = common.actor(request)
    case = case_for_write(request, case_id)
    data = payload.dict()
    reconsiders_id = data.pop("reconsiders_id")
    reconsiders = None
    if reconsiders_id is not None:
        try:
            reconsiders = selectors.case_decision_get(
                actor=actor, case=case, decision_id=reconsiders_id
            )
        except NotFound:
            raise ValidationFailed.of(
                {"reconsiders_id": [_("Not a decision of this case.")]}
            ) from None
    decision = services.identification_propose(
        actor=actor, case=case, reconsiders=reconsiders, **data
    )
    return Status(201, decision)


@router.post("/{case_id}/decisions/authority", response={201: DecisionOut, **ERRORS})
def decision_record(request: HttpRequest, case_id: UUID, payload: AuthorityDecisionIn) -> Status:
    """Record the competent authority's decision (where the organization's setting says an
    authority decides): its name, type, reference, date and outcome; in force at once."""
    case = case_for_write(request, case_id)
    decision = services.identification_record(
        actor=common.actor(request), case=case, **payload.dict()
    )
    return Status(201, decision)


@router.post("/{case_id}/decisions/{decision_id}/approve", response={200: DecisionOut, **ERRORS})
def decision_approve(
    request: HttpRequest, case_id: UUID, decision_id: UUID
) -> IdentificationDecision:
    """Approve a proposed decision (supervisor); the case's trafficking status follows it."""
    decision = _decision(request, case_id, decision_id)
    return services.identification_review(
        actor=common.actor(request), decision=decision, approve=True
    )


@router.post("/{case_id}/decisions/{decision_id}/reject", response={200: DecisionOut, **ERRORS})
def decision_reject(
    request: HttpRequest, case_id: UUID, decision_id: UUID
) -> IdentificationDecision:
    """Reject a proposed decision (supervisor)."""
    decision = _decision(request, case_id, decision_id)
    return services.identification_review(
        actor=common.actor(request), decision=decision, approve=False
    )


# --- Services, consent, notes.


@router.get("/{case_id}/services", response={200: list[ServiceOut], **ERRORS})
def service_list(request: HttpRequest, case_id: UUID) -> QuerySet[Service]:
    """The services given in the case."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return selectors.case_service_list(actor=actor, case=case)


@router.post("/{case_id}/services", response={201: ServiceOut, **ERRORS})
def service_add(request: HttpRequest, case_id: UUID, payload: ServiceIn) -> Status:
    """Add a service, given by the case's own organization or by ``provider_id``."""
    case = case_for_write(request, case_id)
    fields = payload.dict()
    provider = partner(request, fields.pop("provider_id"), "provider_id")
    plan_id = fields.pop("plan_id")
    plan = None
    if plan_id is not None:
        try:
            plan = selectors.case_plan_get(actor=common.actor(request), case=case, plan_id=plan_id)
        except NotFound:
            raise ValidationFailed(
                "Please correct the errors below.", errors={"plan_id": ["No such plan."]}
            ) from None
    service = services.service_add(
        actor=common.actor(request), case=case, provider=provider, plan=plan, **fields
    )
    return Status(201, service)


@router.get("/{case_id}/consents", response={200: list[ConsentOut], **ERRORS})
def consent_list(request: HttpRequest, case_id: UUID) -> QuerySet[Consent]:
    """What the person agreed to, withdrawn consents included."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return selectors.case_consent_list(actor=actor, case=case)


@router.post("/{case_id}/consents", response={201: ConsentOut, **ERRORS})
def consent_record(request: HttpRequest, case_id: UUID, payload: ConsentIn) -> Status:
    """Record a consent for one purpose; a referral consent names its recipient."""
    case = case_for_write(request, case_id)
    fields = payload.dict()
    recipient = partner(
        request, fields.pop("recipient_organization_id"), "recipient_organization_id"
    )
    try:
        consent = services.consent_record(
            actor=common.actor(request), case=case, recipient_organization=recipient, **fields
        )
    except ValidationFailed as exc:
        # The service names its argument; this body names the organization by its UUID.
        if "recipient_organization" in exc.errors:
            exc.errors["recipient_organization_id"] = exc.errors.pop("recipient_organization")
        raise
    return Status(201, consent)


@router.post("/{case_id}/consents/{consent_id}/withdraw", response={200: ConsentOut, **ERRORS})
def consent_withdraw(
    request: HttpRequest, case_id: UUID, consent_id: UUID, payload: ConsentWithdrawIn
) -> Consent:
    """Record that the person withdrew a consent, and why (today, unless ``withdrawn_on`` says
    when). What was shared under it is withdrawn at once, down the chain of referrals: each
    receiver's copy loses what it holds only under this consent (decision 0013)."""
    case = case_for_write(request, case_id)
    consent = selectors.case_consent_get(
        actor=common.actor(request), case=case, consent_id=consent_id
    )
    return services.consent_withdraw(
        actor=common.actor(request),
        consent=consent,
        reason=payload.reason,
        withdrawn_on=payload.withdrawn_on,
    )


@router.get("/{case_id}/notes", response={200: list[NoteOut], **ERRORS})
@paginate(Page)
def note_list(request: HttpRequest, case_id: UUID) -> QuerySet[Note]:
    """The case notes, newest first."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return selectors.case_note_list(actor=actor, case=case)


@router.post("/{case_id}/notes", response={201: NoteOut, **ERRORS})
def note_add(request: HttpRequest, case_id: UUID, payload: NoteIn) -> Status:
    """Add a note to the case."""
    case = case_for_write(request, case_id)
    note = services.note_add(actor=common.actor(request), case=case, body=payload.body)
    return Status(201, note)


# --- Support plans and historic trafficking events.


@router.get("/{case_id}/plans", response={200: list[PlanOut], **ERRORS})
def plan_list(request: HttpRequest, case_id: UUID) -> QuerySet[SupportPlan]:
    """The case's support plans (HTCDS ``spl_``)."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return selectors.case_plan_list(actor=actor, case=case)


@router.post("/{case_id}/plans", response={201: PlanOut, **ERRORS})
def plan_create(request: HttpRequest, case_id: UUID, payload: PlanIn) -> Status:
    """Start a support plan; services name it by ``plan_id``."""
    case = case_for_write(request, case_id)
    plan = services.support_plan_create(actor=common.actor(request), case=case, **payload.dict())
    return Status(201, plan)


@router.post("/{case_id}/plans/{plan_id}/end", response={200: PlanOut, **ERRORS})
def plan_end(request: HttpRequest, case_id: UUID, plan_id: UUID, payload: PlanEndIn) -> SupportPlan:
    """End a support plan on ``ended_on`` (today when not given; never in the future)."""
    actor = common.actor(request)
    case = case_for_write(request, case_id)
    plan = selectors.case_plan_get(actor=actor, case=case, plan_id=plan_id)
    return services.support_plan_end(actor=actor, plan=plan, **payload.dict())


@router.get("/{case_id}/events", response={200: list[EventOut], **ERRORS})
def event_list(request: HttpRequest, case_id: UUID) -> list[HistoricEvent]:
    """Recruitment, transit and exploitation events (HTCDS ``hte_``), in route order: by date,
    and where dates overlap (a month and a day in it), recruitment, transit, exploitation."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return selectors.case_event_list(actor=actor, case=case)


@router.post("/{case_id}/events", response={201: EventOut, **ERRORS})
def event_add(request: HttpRequest, case_id: UUID, payload: EventIn) -> Status:
    """Add a stop to the route; the date may be partial (``date_precision``) or unknown."""
    case = case_for_write(request, case_id)
    event = services.historic_event_add(actor=common.actor(request), case=case, **payload.dict())
    return Status(201, event)


def _event(request: HttpRequest, case_id: UUID, event_id: UUID) -> HistoricEvent:
    case = case_for_write(request, case_id)
    return selectors.case_event_get(actor=common.actor(request), case=case, event_id=event_id)


@router.patch("/{case_id}/events/{event_id}", response={200: EventOut, **ERRORS})
def event_update(
    request: HttpRequest, case_id: UUID, event_id: UUID, payload: EventPatch
) -> HistoricEvent:
    """Change a stop of the route: only the fields given."""
    event = _event(request, case_id, event_id)
    return services.historic_event_update(
        actor=common.actor(request), event=event, **payload.dict(exclude_unset=True)
    )


@router.delete("/{case_id}/events/{event_id}", response={204: None, **ERRORS})
def event_remove(request: HttpRequest, case_id: UUID, event_id: UUID) -> Status:
    """Take a stop off the route (kept on record, marked removed)."""
    event = _event(request, case_id, event_id)
    services.historic_event_remove(actor=common.actor(request), event=event)
    return Status(204, None)
