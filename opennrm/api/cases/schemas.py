"""The schemas of the cases API: bodies in (unknown fields refused), objects out."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema
from pydantic import StringConstraints

from opennrm.api.common import In, OneOf, Params, UuidOut, uuid_of
from opennrm.audit.models import AuditEvent
from opennrm.cases.choices import (
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    DatePrecision,
    DecisionMakingOrganization,
    DecisionSource,
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
    IdentificationDecision,
    Note,
    Service,
)
from opennrm.people.models import (
    AgeBand,
    DocumentStatus,
    DocumentType,
    Education,
    Gender,
    MaritalStatus,
    Person,
    PhoneKind,
)

# --- Input schemas. Unknown fields are refused, so a misspelt field is a 422, not a no-op.
# Picklists are their model's choices (an enum in OpenAPI); codes (countries, languages) are
# plain strings, checked by the services with their own messages.


class DocumentIn(In):
    type: Annotated[str, OneOf(DocumentType)]
    number: str = ""  # often unknown: the document was taken or lost
    country: str = ""
    status: Annotated[str, OneOf(DocumentStatus)] = DocumentStatus.HELD_BY_PERSON.value


class AddressPartsIn(In):
    city: str = ""
    state: str = ""
    postal_code: str = ""
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
    # What a number among ``phones`` is, by number: {"+77011234567": "mobile"}.
    phone_kinds: dict[str, Annotated[str, OneOf(PhoneKind)]] = {}
    address: str = ""
    address_parts: AddressPartsIn | None = None
    gender: Annotated[str, OneOf(Gender)] = Gender.UNKNOWN.value
    citizenship: str = ""
    other_citizenships: list[str] = []
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
    outcome: Annotated[str, OneOf(TraffickingStatus, blank=True)] = Field(
        "", description="Blank for the stage's positive outcome; NotAVictimOfTrafficking else."
    )
    reconsiders_id: UUID | None = Field(
        None, description="The decision in force, when this proposal reconsiders it."
    )
    new_information: str = Field("", description="What calls for reconsideration.")
    requested_early: bool = Field(
        False,
        description="The person asks for the conclusive decision before the reflection period "
        "ends.",
    )


class AuthorityDecisionIn(In):
    stage: Annotated[str, OneOf(IdentificationStage)]
    outcome: Annotated[str, OneOf(TraffickingStatus)]
    authority_name: str
    decided_by_type: Annotated[str, OneOf(DecisionMakingOrganization)]
    reference: str
    decided_on: date | None = None
    grounds: str = ""


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
    reason: str  # why the person withdrew it (required, at most 2000 characters; encrypted)
    withdrawn_on: date | None = None


class NoteIn(In):
    body: str


class PlanIn(In):
    plan_type: Annotated[str, OneOf(SupportPlanType)]
    objectives: str = ""
    action_plan: str = ""
    planned_end_on: date | None = None
    ended_on: date | None = None  # a plan recorded once it had ended (not in the future)


class PlanEndIn(In):
    ended_on: date | None = None  # today when not given


class EventIn(In):
    event_type: Annotated[str, OneOf(HistoricEventType)]
    # A partial date: any day of the month or year known, with ``date_precision``.
    occurred_on: date | None = None
    date_precision: Annotated[str, OneOf(DatePrecision)] = DatePrecision.DAY.value
    country: str = ""
    city: str = ""
    description: str = ""


class EventPatch(In):
    """A change to a stop of the route: only the fields given change (``occurred_on: null``
    makes the date unknown)."""

    event_type: Annotated[str, OneOf(HistoricEventType, blank=True)] = ""
    occurred_on: date | None = None
    date_precision: Annotated[str, OneOf(DatePrecision, blank=True)] = ""
    country: str = ""
    city: str = ""
    description: str = ""


class AssignIn(In):
    owner_id: UUID
    team_ids: list[UUID] = []


# --- Output schemas, read from the model instances.


class CasePersonOut(UuidOut):
    """The person's statistical fields: what a case shows without identifying anyone."""

    gender: Annotated[str, OneOf(Gender)]
    age_band: Annotated[str, OneOf(AgeBand)]
    is_minor: bool
    citizenship: str


class CaseListItemOut(UuidOut):
    number: str
    status: Annotated[str, OneOf(CaseStatus)]
    opened_on: date
    closed_on: date | None
    owner_id: UUID
    trafficking_status: Annotated[str, OneOf(TraffickingStatus)]
    exploitation_types: list[Annotated[str, OneOf(ExploitationType)]]
    person: CasePersonOut

    @staticmethod
    def resolve_owner_id(obj: Case) -> UUID:
        return obj.owner.uuid


class StatusDecisionOut(UuidOut):
    """The decision in force behind the trafficking status: who decided, when, the reference."""

    source: Annotated[str, OneOf(DecisionSource)]
    stage: Annotated[str, OneOf(IdentificationStage)]
    decided_by_type: Annotated[str, OneOf(DecisionMakingOrganization)]
    decided_by_name: str
    decided_on: date | None
    reference: str


class CaseOut(CaseListItemOut):
    version: int
    closure_reason: str
    trafficking_status_decided_by: Annotated[str, OneOf(DecisionMakingOrganization, blank=True)]
    trafficking_status_decision: StatusDecisionOut | None
    identification_due_on: date | None = Field(
        description="The identification decision due (the organization's local day)."
    )
    reflection_ends_on: date | None = Field(
        description="The recovery and reflection period ends (local day)."
    )
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

    @staticmethod
    def resolve_trafficking_status_decision(obj: Case) -> IdentificationDecision | None:
        return obj.status_decision


class DocumentOut(Schema):
    type: Annotated[str, OneOf(DocumentType)]
    number: str
    country: str
    # Documents recorded before the status existed are held by the person.
    status: Annotated[str, OneOf(DocumentStatus)] = DocumentStatus.HELD_BY_PERSON.value


class PersonNameOut(Schema):
    value: str
    script: str


class PersonOut(UuidOut):
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
    phone_kinds: dict[str, Annotated[str, OneOf(PhoneKind)]]
    address: str
    address_parts: dict[str, str]
    gender: Annotated[str, OneOf(Gender)]
    age_band: Annotated[str, OneOf(AgeBand)]
    is_minor: bool
    citizenship: str
    other_citizenships: list[str]
    languages: list[str]
    marital_status: Annotated[str, OneOf(MaritalStatus, blank=True)]
    education: Annotated[str, OneOf(Education, blank=True)]
    number_of_children: int | None

    @staticmethod
    def resolve_birth_date(obj: Person) -> date | None:
        return date.fromisoformat(obj.birth_date) if obj.birth_date else None

    @staticmethod
    def resolve_birth_year(obj: Person) -> int | None:
        return int(obj.birth_year) if obj.birth_year else None

    @staticmethod
    def resolve_approximate_age(obj: Person) -> int | None:
        return int(obj.approximate_age) if obj.approximate_age else None


class DecisionOut(UuidOut):
    source: Annotated[str, OneOf(DecisionSource)]
    stage: Annotated[str, OneOf(IdentificationStage)]
    state: Annotated[str, OneOf(DecisionState)]
    outcome: Annotated[str, OneOf(TraffickingStatus)]
    grounds: str
    decided_by_type: Annotated[str, OneOf(DecisionMakingOrganization)]
    decided_by_name: str
    decided_on: date | None
    reference: str
    requested_early: bool
    reconsiders_id: UUID | None
    new_information: str
    superseded_by_id: UUID | None
    proposed_by_id: UUID
    proposed_at: datetime
    reviewed_by_id: UUID | None
    reviewed_at: datetime | None

    @staticmethod
    def resolve_proposed_by_id(obj: IdentificationDecision) -> UUID:
        return obj.proposed_by.uuid

    @staticmethod
    def resolve_reviewed_by_id(obj: IdentificationDecision) -> UUID | None:
        return uuid_of(obj.reviewed_by)

    @staticmethod
    def resolve_reconsiders_id(obj: IdentificationDecision) -> UUID | None:
        return uuid_of(obj.reconsiders)

    @staticmethod
    def resolve_superseded_by_id(obj: IdentificationDecision) -> UUID | None:
        return uuid_of(obj.superseded_by)


class ServiceOut(UuidOut):
    service_type: Annotated[str, OneOf(ServiceType)]
    provider_id: UUID | None
    plan_id: UUID | None
    status: Annotated[str, OneOf(ServiceStatus)]
    started_on: date | None
    ended_on: date | None
    destination_country: str

    @staticmethod
    def resolve_provider_id(obj: Service) -> UUID | None:
        return uuid_of(obj.provider)

    @staticmethod
    def resolve_plan_id(obj: Service) -> UUID | None:
        return uuid_of(obj.plan)


class ConsentOut(UuidOut):
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
    def resolve_recipient_organization_id(obj: Consent) -> UUID | None:
        return uuid_of(obj.recipient_organization)

    @staticmethod
    def resolve_recorded_by_id(obj: Consent) -> UUID:
        return obj.recorded_by.uuid


class NoteOut(UuidOut):
    body: str
    author_id: UUID
    created_at: datetime

    @staticmethod
    def resolve_author_id(obj: Note) -> UUID:
        return obj.author.uuid


class CaseHistoryEventOut(UuidOut):
    """One change to the case or its parts: who, when, what kind, which fields; never values."""

    occurred_at: datetime
    action: str
    object_type: str
    object_id: UUID | None
    fields: list[str]
    actor_id: UUID | None

    @staticmethod
    def resolve_actor_id(obj: AuditEvent) -> UUID | None:
        return uuid_of(obj.actor)


class AttachmentOut(Schema):
    id: UUID = Field(alias="uuid")
    filename: str
    description: str
    content_type: str
    size: int
    uploaded_at: datetime


class PlanOut(Schema):
    id: UUID = Field(alias="uuid")
    plan_type: Annotated[str, OneOf(SupportPlanType)]
    objectives: str
    action_plan: str
    planned_end_on: date | None
    ended_on: date | None


class EventOut(Schema):
    id: UUID = Field(alias="uuid")
    event_type: Annotated[str, OneOf(HistoricEventType)]
    occurred_on: date | None
    date_precision: Annotated[str, OneOf(DatePrecision, blank=True)]
    country: str
    city: str
    description: str
