"""The cases API, /api/v1/cases: thin over ``opennrm.cases`` selectors and services.

A person is reached only through a visible case, so the person's endpoints sit under the case.
URLs carry UUIDs only; names travel in request bodies, never in a URL or a query string.
``GET /cases/{id}`` and the lists give statistical fields and the person's UUID; the person's
identifying fields come only from ``/cases/{id}/person``.

No ``from __future__ import annotations`` here: django-ninja reads the parameter annotations of
paginated operations through its decorator, where string annotations cannot be resolved.
"""

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import StringConstraints

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.api import common
from opennrm.api.common import ERRORS, In, OneOf, Params
from opennrm.api.pagination import Page
from opennrm.audit.models import AuditEvent
from opennrm.cases import attachments, selectors, services
from opennrm.cases.attachments import Attachment
from opennrm.cases.choices import (
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    DecisionMakingOrganization,
    DecisionState,
    ExploitationType,
    ForcedLabourIndustry,
    HistoricEventType,
    IdentificationStage,
    MethodOfControl,
    PerpetratorRole,
    RecruitmentMethod,
    RecruitmentPlatform,
    RelationshipToTrafficker,
    ServiceStatus,
    ServiceType,
    SexExploitationType,
    SupportPlanType,
    TraffickingStatus,
)
from opennrm.cases.models import (
    Case,
    Consent,
    HistoricEvent,
    IdentificationDecision,
    Note,
    Service,
    SupportPlan,
)
from opennrm.errors import NotFound, PermissionDenied, ValidationFailed
from opennrm.people.models import AgeBand, DocumentType, Education, Gender, MaritalStatus, Person

router = Router(tags=["cases"])


# --- Input schemas. Unknown fields are refused, so a misspelt field is a 422, not a no-op.
# Picklists are their model's choices (an enum in OpenAPI); codes (countries, languages) are
# plain strings, checked by the services with their own messages.


class DocumentIn(In):
    type: Annotated[str, OneOf(DocumentType)]
    number: str
    country: str = ""


class PersonIn(In):
    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    names: list[str] = []
    birth_date: date | None = None
    birth_year: int | None = None
    approximate_age: int | None = None
    documents: list[DocumentIn] = []
    phones: list[str] = []
    address: str = ""
    gender: Annotated[str, OneOf(Gender)] = Gender.UNKNOWN.value
    citizenship: str = ""
    languages: list[str] = []
    marital_status: Annotated[str, OneOf(MaritalStatus, blank=True)] = ""
    education: Annotated[str, OneOf(Education, blank=True)] = ""
    number_of_children: int | None = None


class PersonPatch(PersonIn):
    version: int


class CaseFieldsIn(In):
    # The trafficking status is set by an approved identification decision, never directly.
    exploitation_types: list[Annotated[str, OneOf(ExploitationType)]] = []
    forced_labour_industry: Annotated[str, OneOf(ForcedLabourIndustry, blank=True)] = ""
    sex_exploitation_types: list[Annotated[str, OneOf(SexExploitationType)]] = []
    methods_of_control: list[Annotated[str, OneOf(MethodOfControl)]] = []
    recruitment_methods: list[Annotated[str, OneOf(RecruitmentMethod)]] = []
    recruitment_platforms: list[Annotated[str, OneOf(RecruitmentPlatform)]] = []
    relationship_to_trafficker: Annotated[str, OneOf(RelationshipToTrafficker, blank=True)] = ""
    age_when_trafficked: int | None = None
    perpetrator_roles: list[Annotated[str, OneOf(PerpetratorRole)]] = []
    country_of_origin: str = ""
    transit_countries: list[str] = []
    country_of_exploitation: str = ""
    city_of_exploitation: str = ""
    recruited_on: date | None = None
    exploitation_began_on: date | None = None
    exited_on: date | None = None


class CaseOpenIn(CaseFieldsIn):
    person: PersonIn
    opened_on: date | None = None


class CasePatch(CaseFieldsIn):
    version: int


class CaseListFilters(Params):
    status: CaseStatus | None = None
    owner: UUID | None = None
    exploitation_type: ExploitationType | None = None
    citizenship: str = Field("", max_length=2)
    gender: Gender | None = None
    opened_from: date | None = None
    opened_to: date | None = None


class CaseSearchIn(In):
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class StatusChangeIn(In):
    status: Annotated[str, OneOf(CaseStatus)]
    reason: str = ""


class DecisionProposeIn(In):
    stage: Annotated[str, OneOf(IdentificationStage)]
    grounds: str
    decided_by_type: Annotated[str, OneOf(DecisionMakingOrganization)]
    due_on: date | None = None


class ServiceIn(In):
    service_type: Annotated[str, OneOf(ServiceType)]
    provider_id: UUID | None = None
    plan_id: UUID | None = None
    status: Annotated[str, OneOf(ServiceStatus)] = ServiceStatus.PLANNED.value
    started_on: date | None = None
    ended_on: date | None = None
    destination_country: str = ""


class ConsentIn(In):
    purpose: Annotated[str, OneOf(ConsentPurpose)]
    method: Annotated[str, OneOf(ConsentMethod)]
    given_on: date | None = None
    recipient_organization_id: UUID | None = None
    recipient_type: str = ""
    guardian_name: str = ""


class ConsentWithdrawIn(In):
    withdrawn_on: date | None = None


class NoteIn(In):
    body: str


# --- Output schemas, read from the model instances.


class CasePersonOut(Schema):
    """The person's statistical fields: what a case shows without identifying anyone."""

    id: UUID
    gender: Annotated[str, OneOf(Gender)]
    age_band: Annotated[str, OneOf(AgeBand)]
    is_minor: bool
    citizenship: str

    @staticmethod
    def resolve_id(obj: Person) -> UUID:
        return obj.uuid


class CaseListItemOut(Schema):
    id: UUID
    number: str
    status: Annotated[str, OneOf(CaseStatus)]
    opened_on: date
    closed_on: date | None
    owner_id: UUID
    trafficking_status: Annotated[str, OneOf(TraffickingStatus)]
    exploitation_types: list[Annotated[str, OneOf(ExploitationType)]]
    person: CasePersonOut

    @staticmethod
    def resolve_id(obj: Case) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_owner_id(obj: Case) -> UUID:
        return obj.owner.uuid


class CaseOut(CaseListItemOut):
    version: int
    closure_reason: str
    trafficking_status_decided_by: Annotated[str, OneOf(DecisionMakingOrganization, blank=True)]
    forced_labour_industry: Annotated[str, OneOf(ForcedLabourIndustry, blank=True)]
    sex_exploitation_types: list[Annotated[str, OneOf(SexExploitationType)]]
    methods_of_control: list[Annotated[str, OneOf(MethodOfControl)]]
    recruitment_methods: list[Annotated[str, OneOf(RecruitmentMethod)]]
    recruitment_platforms: list[Annotated[str, OneOf(RecruitmentPlatform)]]
    relationship_to_trafficker: Annotated[str, OneOf(RelationshipToTrafficker, blank=True)]
    age_when_trafficked: int | None
    perpetrator_roles: list[Annotated[str, OneOf(PerpetratorRole)]]
    country_of_origin: str
    transit_countries: list[str]
    country_of_exploitation: str
    city_of_exploitation: str
    recruited_on: date | None
    exploitation_began_on: date | None
    exited_on: date | None
    created_at: datetime
    updated_at: datetime


class DocumentOut(Schema):
    type: Annotated[str, OneOf(DocumentType)]
    number: str
    country: str


class PersonNameOut(Schema):
    value: str
    script: str


class PersonOut(Schema):
    id: UUID
    version: int
    given_name: str
    family_name: str
    patronymic: str
    names: list[PersonNameOut]
    birth_date: date | None
    birth_year: int | None
    approximate_age: int | None
    documents: list[DocumentOut]
    phones: list[str]
    address: str
    gender: Annotated[str, OneOf(Gender)]
    age_band: Annotated[str, OneOf(AgeBand)]
    is_minor: bool
    citizenship: str
    languages: list[str]
    marital_status: Annotated[str, OneOf(MaritalStatus, blank=True)]
    education: Annotated[str, OneOf(Education, blank=True)]
    number_of_children: int | None

    @staticmethod
    def resolve_id(obj: Person) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_birth_date(obj: Person) -> date | None:
        return date.fromisoformat(obj.birth_date) if obj.birth_date else None

    @staticmethod
    def resolve_birth_year(obj: Person) -> int | None:
        return int(obj.birth_year) if obj.birth_year else None

    @staticmethod
    def resolve_approximate_age(obj: Person) -> int | None:
        return int(obj.approximate_age) if obj.approximate_age else None


def _uuid_of(related: Any) -> UUID | None:
    return related.uuid if related is not None else None


class DecisionOut(Schema):
    id: UUID
    stage: Annotated[str, OneOf(IdentificationStage)]
    state: Annotated[str, OneOf(DecisionState)]
    grounds: str
    decided_by_type: Annotated[str, OneOf(DecisionMakingOrganization)]
    due_on: date | None
    proposed_by_id: UUID
    proposed_at: datetime
    reviewed_by_id: UUID | None
    reviewed_at: datetime | None

    @staticmethod
    def resolve_id(obj: IdentificationDecision) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_proposed_by_id(obj: IdentificationDecision) -> UUID:
        return obj.proposed_by.uuid

    @staticmethod
    def resolve_reviewed_by_id(obj: IdentificationDecision) -> UUID | None:
        return _uuid_of(obj.reviewed_by)


class ServiceOut(Schema):
    id: UUID
    service_type: Annotated[str, OneOf(ServiceType)]
    provider_id: UUID | None
    plan_id: UUID | None
    status: Annotated[str, OneOf(ServiceStatus)]
    started_on: date | None
    ended_on: date | None
    destination_country: str

    @staticmethod
    def resolve_id(obj: Service) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_provider_id(obj: Service) -> UUID | None:
        return _uuid_of(obj.provider)

    @staticmethod
    def resolve_plan_id(obj: Service) -> UUID | None:
        return _uuid_of(obj.plan)


class ConsentOut(Schema):
    id: UUID
    purpose: Annotated[str, OneOf(ConsentPurpose)]
    method: Annotated[str, OneOf(ConsentMethod)]
    given_on: date
    recipient_organization_id: UUID | None
    recipient_type: str
    guardian_name: str
    recorded_by_id: UUID
    recorded_at: datetime
    withdrawn_on: date | None
    is_active: bool

    @staticmethod
    def resolve_id(obj: Consent) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_recipient_organization_id(obj: Consent) -> UUID | None:
        return _uuid_of(obj.recipient_organization)

    @staticmethod
    def resolve_recorded_by_id(obj: Consent) -> UUID:
        return obj.recorded_by.uuid


class NoteOut(Schema):
    id: UUID
    body: str
    author_id: UUID
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Note) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_author_id(obj: Note) -> UUID:
        return obj.author.uuid


class CaseHistoryEventOut(Schema):
    """One change to the case or its parts: who, when, what kind, which fields; never values."""

    id: UUID
    occurred_at: datetime
    action: str
    object_type: str
    object_id: UUID | None
    fields: list[str]
    actor_id: UUID | None

    @staticmethod
    def resolve_id(obj: AuditEvent) -> UUID:
        return obj.uuid

    @staticmethod
    def resolve_actor_id(obj: AuditEvent) -> UUID | None:
        return _uuid_of(obj.actor)


# --- Helpers shared by the operations.


def _case_for_write(request: HttpRequest, case_id: UUID) -> Case:
    """The visible case, not audited as a read: the service audits the write itself."""
    return selectors.case_get(actor=common.actor(request), case_id=case_id, audit=False)


def _partner(request: HttpRequest, organization_id: UUID | None, field: str) -> Organization | None:
    """The organization named in a body, or a 422 on that field (never a 404 for the URL)."""
    if organization_id is None:
        return None
    try:
        return selectors.partner_get(actor=common.actor(request), organization_id=organization_id)
    except NotFound:
        raise ValidationFailed(
            "Please correct the errors below.", errors={field: ["No such organization."]}
        ) from None


# --- Cases.


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
    case = _case_for_write(request, case_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.case_update(actor=common.actor(request), case=case, version=version, **changes)


@router.post("/{case_id}/status", response={200: CaseOut, **ERRORS})
def case_change_status(request: HttpRequest, case_id: UUID, payload: StatusChangeIn) -> Case:
    """Move the case to another status; closing and reopening are for supervisors."""
    case = _case_for_write(request, case_id)
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


# --- The person of a case.


def _require_identifying(request: HttpRequest) -> None:
    if not common.actor(request).can(perms.IDENTIFYING_DATA_VIEW):
        raise PermissionDenied("You do not have permission to do this.")


@router.get("/{case_id}/person", response={200: PersonOut, **ERRORS})
def person_get(request: HttpRequest, case_id: UUID) -> Person:
    """The person of a visible case, with the identifying fields (an audited read)."""
    _require_identifying(request)
    return selectors.case_get(actor=common.actor(request), case_id=case_id).person


@router.patch("/{case_id}/person", response={200: PersonOut, **ERRORS})
def person_update(request: HttpRequest, case_id: UUID, payload: PersonPatch) -> Person:
    """Change the person; ``version`` must be the person's version read (409 otherwise)."""
    _require_identifying(request)
    case = _case_for_write(request, case_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    try:
        return services.person_update(
            actor=common.actor(request), case=case, version=version, **changes
        )
    except ValidationFailed as exc:
        # The service names person fields as in the case-opening body ("person.birth_date");
        # this body is the person itself, so the paths drop that prefix.
        exc.errors = {k.removeprefix("person."): v for k, v in exc.errors.items()}
        raise


# --- Identification decisions.


def _decision(case: Case, decision_id: UUID) -> IdentificationDecision:
    try:
        return case.decisions.select_related("case").get(uuid=decision_id)
    except IdentificationDecision.DoesNotExist:
        raise NotFound("No such decision.") from None


@router.get("/{case_id}/decisions", response={200: list[DecisionOut], **ERRORS})
def decision_list(request: HttpRequest, case_id: UUID) -> QuerySet[IdentificationDecision]:
    """The identification decisions of the case, oldest first."""
    case = selectors.case_get(actor=common.actor(request), case_id=case_id)
    return case.decisions.select_related("proposed_by", "reviewed_by")


@router.post("/{case_id}/decisions", response={201: DecisionOut, **ERRORS})
def decision_propose(request: HttpRequest, case_id: UUID, payload: DecisionProposeIn) -> Status:
    """Propose a presumed-victim or identified-victim decision, for a supervisor to review."""
    case = _case_for_write(request, case_id)
    decision = services.identification_propose(
        actor=common.actor(request), case=case, **payload.dict()
    )
    return Status(201, decision)


@router.post("/{case_id}/decisions/{decision_id}/approve", response={200: DecisionOut, **ERRORS})
def decision_approve(
    request: HttpRequest, case_id: UUID, decision_id: UUID
) -> IdentificationDecision:
    """Approve a proposed decision (supervisor); the case's trafficking status follows it."""
    decision = _decision(_case_for_write(request, case_id), decision_id)
    return services.identification_review(
        actor=common.actor(request), decision=decision, approve=True
    )


@router.post("/{case_id}/decisions/{decision_id}/reject", response={200: DecisionOut, **ERRORS})
def decision_reject(
    request: HttpRequest, case_id: UUID, decision_id: UUID
) -> IdentificationDecision:
    """Reject a proposed decision (supervisor)."""
    decision = _decision(_case_for_write(request, case_id), decision_id)
    return services.identification_review(
        actor=common.actor(request), decision=decision, approve=False
    )


# --- Services, consent, notes.


@router.get("/{case_id}/services", response={200: list[ServiceOut], **ERRORS})
def service_list(request: HttpRequest, case_id: UUID) -> QuerySet[Service]:
    """The services given in the case."""
    case = selectors.case_get(actor=common.actor(request), case_id=case_id)
    return case.services.select_related("provider").order_by("id")


@router.post("/{case_id}/services", response={201: ServiceOut, **ERRORS})
def service_add(request: HttpRequest, case_id: UUID, payload: ServiceIn) -> Status:
    """Add a service, given by the case's own organization or by ``provider_id``."""
    case = _case_for_write(request, case_id)
    fields = payload.dict()
    provider = _partner(request, fields.pop("provider_id"), "provider_id")
    plan_id = fields.pop("plan_id")
    plan = None
    if plan_id is not None:
        plan = case.plans.filter(uuid=plan_id).first()
        if plan is None:
            raise ValidationFailed(
                "Please correct the errors below.", errors={"plan_id": ["No such plan."]}
            )
    service = services.service_add(
        actor=common.actor(request), case=case, provider=provider, plan=plan, **fields
    )
    return Status(201, service)


@router.get("/{case_id}/consents", response={200: list[ConsentOut], **ERRORS})
def consent_list(request: HttpRequest, case_id: UUID) -> QuerySet[Consent]:
    """What the person agreed to, withdrawn consents included."""
    case = selectors.case_get(actor=common.actor(request), case_id=case_id)
    return case.consents.select_related("recipient_organization", "recorded_by")


@router.post("/{case_id}/consents", response={201: ConsentOut, **ERRORS})
def consent_record(request: HttpRequest, case_id: UUID, payload: ConsentIn) -> Status:
    """Record a consent for one purpose; a referral consent names its recipient."""
    case = _case_for_write(request, case_id)
    fields = payload.dict()
    recipient = _partner(
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
    request: HttpRequest, case_id: UUID, consent_id: UUID, payload: ConsentWithdrawIn | None = None
) -> Consent:
    """Record that the person withdrew a consent (today, unless ``withdrawn_on`` says when)."""
    case = _case_for_write(request, case_id)
    try:
        consent = case.consents.select_related("case").get(uuid=consent_id)
    except Consent.DoesNotExist:
        raise NotFound("No such consent.") from None
    return services.consent_withdraw(
        actor=common.actor(request),
        consent=consent,
        withdrawn_on=payload.withdrawn_on if payload else None,
    )


@router.get("/{case_id}/notes", response={200: list[NoteOut], **ERRORS})
@paginate(Page)
def note_list(request: HttpRequest, case_id: UUID) -> QuerySet[Note]:
    """The case notes, newest first."""
    case = selectors.case_get(actor=common.actor(request), case_id=case_id)
    return case.notes.select_related("author").order_by("-created_at", "-id")


@router.post("/{case_id}/notes", response={201: NoteOut, **ERRORS})
def note_add(request: HttpRequest, case_id: UUID, payload: NoteIn) -> Status:
    """Add a note to the case."""
    case = _case_for_write(request, case_id)
    note = services.note_add(actor=common.actor(request), case=case, body=payload.body)
    return Status(201, note)


# --- Attachments: uploaded as multipart, downloaded only as attachments, never inline.


class AttachmentOut(Schema):
    id: UUID = Field(alias="uuid")
    filename: str
    description: str
    content_type: str
    size: int
    uploaded_at: datetime


@router.get("/{case_id}/attachments", response={200: list[AttachmentOut], **ERRORS})
@paginate(Page)
def attachment_list(request: HttpRequest, case_id: UUID) -> QuerySet[Attachment]:
    """The case's attachments (metadata only), newest first."""
    case = selectors.case_get(actor=common.actor(request), case_id=case_id)
    return case.attachments.order_by("-uploaded_at", "-id")


@router.post("/{case_id}/attachments", response={201: AttachmentOut, **ERRORS})
def attachment_add(
    request: HttpRequest, case_id: UUID, file: File[UploadedFile], description: Form[str] = ""
) -> Status:
    """Upload a PDF, PNG or JPEG: checked by content, images stripped, encrypted at rest."""
    case = _case_for_write(request, case_id)
    attachment = attachments.attachment_add(
        actor=common.actor(request), case=case, upload=file, description=description
    )
    return Status(201, attachment)


@router.get("/{case_id}/attachments/{attachment_id}", response={200: None, **ERRORS})
def attachment_download(request: HttpRequest, case_id: UUID, attachment_id: UUID) -> HttpResponse:
    """The file itself, as a download; the read is audited."""
    case = _case_for_write(request, case_id)
    attachment, data = attachments.attachment_open(
        actor=common.actor(request), attachment_id=attachment_id, case=case
    )
    return attachments.download_response(attachment, data)


# --- Support plans, historic trafficking events, assignment.


class PlanIn(In):
    plan_type: Annotated[str, OneOf(SupportPlanType)]
    objectives: str = ""
    action_plan: str = ""
    planned_end_on: date | None = None


class PlanOut(Schema):
    id: UUID = Field(alias="uuid")
    plan_type: Annotated[str, OneOf(SupportPlanType)]
    objectives: str
    action_plan: str
    planned_end_on: date | None
    ended_on: date | None


class EventIn(In):
    event_type: Annotated[str, OneOf(HistoricEventType)]
    occurred_on: date | None = None
    country: str = ""
    city: str = ""
    description: str = ""


class EventOut(Schema):
    id: UUID = Field(alias="uuid")
    event_type: Annotated[str, OneOf(HistoricEventType)]
    occurred_on: date | None
    country: str
    city: str
    description: str


class AssignIn(In):
    owner_id: UUID
    team_ids: list[UUID] = []


@router.get("/{case_id}/plans", response={200: list[PlanOut], **ERRORS})
def plan_list(request: HttpRequest, case_id: UUID) -> QuerySet[SupportPlan]:
    """The case's support plans (HTCDS ``spl_``)."""
    case = selectors.case_get(actor=common.actor(request), case_id=case_id)
    return case.plans.order_by("id")


@router.post("/{case_id}/plans", response={201: PlanOut, **ERRORS})
def plan_create(request: HttpRequest, case_id: UUID, payload: PlanIn) -> Status:
    """Start a support plan; services name it by ``plan_id``."""
    case = _case_for_write(request, case_id)
    plan = services.support_plan_create(actor=common.actor(request), case=case, **payload.dict())
    return Status(201, plan)


@router.get("/{case_id}/events", response={200: list[EventOut], **ERRORS})
def event_list(request: HttpRequest, case_id: UUID) -> QuerySet[HistoricEvent]:
    """Recruitment, transit and exploitation events (HTCDS ``hte_``), in date order."""
    case = selectors.case_get(actor=common.actor(request), case_id=case_id)
    return case.events.all()


@router.post("/{case_id}/events", response={201: EventOut, **ERRORS})
def event_add(request: HttpRequest, case_id: UUID, payload: EventIn) -> Status:
    case = _case_for_write(request, case_id)
    event = services.historic_event_add(actor=common.actor(request), case=case, **payload.dict())
    return Status(201, event)


@router.post("/{case_id}/assign", response={200: CaseOut, **ERRORS})
def case_assign(request: HttpRequest, case_id: UUID, payload: AssignIn) -> Case:
    """Set the owner and team (supervisor); users are named by their UUIDs."""
    case = _case_for_write(request, case_id)
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
