"""Perpetrator records, needs assessments and the person's own account (decision 0017).

Perpetrator records are read by the case's workers and supervisors, and by the organization's
police liaison while a supervisor shares the case's records; they are written by the first only.
Assessments and accounts follow the case's own rights.
"""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Status

from opennrm.api import common
from opennrm.api.common import ERRORS, In, OneOf, UuidOut, uuid_of
from opennrm.cases import needs, perpetrators, selectors
from opennrm.cases.choices import (
    AccommodationNeed,
    ContactChannel,
    ContactSafety,
    PerpetratorRole,
    RelationshipToTrafficker,
    RiskLevel,
)
from opennrm.cases.models import (
    NeedsAssessment,
    Perpetrator,
    PerpetratorShare,
    PersonalAccount,
)
from opennrm.people.models import Gender

from .helpers import case_for_write
from .router import router

# --- Schemas.


class PerpetratorIn(In):
    name: str
    roles: list[Annotated[str, OneOf(PerpetratorRole)]] = []
    relationship: Annotated[str, OneOf(RelationshipToTrafficker, blank=True)] = ""
    phones: list[str] = []
    vehicles: list[str] = []
    places: list[str] = []
    actions: str = ""
    sex: Annotated[str, OneOf(Gender, blank=True)] = ""
    nationality: str = ""


class PerpetratorPatch(PerpetratorIn):
    version: int


class PerpetratorOut(UuidOut):
    version: int
    name: str
    roles: list[Annotated[str, OneOf(PerpetratorRole)]]
    relationship: Annotated[str, OneOf(RelationshipToTrafficker, blank=True)]
    phones: list[str]
    vehicles: list[str]
    places: list[str]
    actions: str
    sex: Annotated[str, OneOf(Gender, blank=True)]
    nationality: str
    recorded_at: datetime


class ShareOut(UuidOut):
    shared_by_id: UUID
    shared_at: datetime
    withdrawn_by_id: UUID | None
    withdrawn_at: datetime | None

    @staticmethod
    def resolve_shared_by_id(obj: PerpetratorShare) -> UUID:
        return obj.shared_by.uuid

    @staticmethod
    def resolve_withdrawn_by_id(obj: PerpetratorShare) -> UUID | None:
        return uuid_of(obj.withdrawn_by)


class AssessmentIn(In):
    assessed_on: date | None = None
    contact_safety: Annotated[str, OneOf(ContactSafety)] = ContactSafety.UNKNOWN.value
    contact_channels: list[Annotated[str, OneOf(ContactChannel)]] = []
    contact_when: str = ""
    contact_warning: str = ""
    trafficker_risk: Annotated[str, OneOf(RiskLevel)] = RiskLevel.UNKNOWN.value
    trafficker_risk_details: str = ""
    health_needs: str = ""
    children_count: int | None = None
    children_whereabouts: str = ""
    accommodation_need: Annotated[str, OneOf(AccommodationNeed)] = AccommodationNeed.UNKNOWN.value
    other_needs: str = ""
    interpreter_needed: bool = False
    interpreter_language: str = ""


class AssessmentOut(UuidOut):
    assessed_on: date
    contact_safety: Annotated[str, OneOf(ContactSafety)]
    contact_channels: list[Annotated[str, OneOf(ContactChannel)]]
    contact_when: str
    contact_warning: str
    trafficker_risk: Annotated[str, OneOf(RiskLevel)]
    trafficker_risk_details: str
    health_needs: str
    children_count: int | None
    children_whereabouts: str
    accommodation_need: Annotated[str, OneOf(AccommodationNeed)]
    other_needs: str
    interpreter_needed: bool
    interpreter_language: str
    assessed_by_id: UUID
    recorded_at: datetime

    @staticmethod
    def resolve_assessed_by_id(obj: NeedsAssessment) -> UUID:
        return obj.assessed_by.uuid


class AccountIn(In):
    told_on: date | None = None
    language: str = ""
    with_interpreter: bool = False
    before: str = ""
    recruitment: str = ""
    journey: str = ""
    exploitation: str = ""
    ending: str = ""
    wishes: str = ""


class AccountOut(UuidOut):
    told_on: date
    language: str
    with_interpreter: bool
    before: str
    recruitment: str
    journey: str
    exploitation: str
    ending: str
    wishes: str
    recorded_by_id: UUID
    recorded_at: datetime

    @staticmethod
    def resolve_recorded_by_id(obj: PersonalAccount) -> UUID:
        return obj.recorded_by.uuid


# --- Perpetrators.


def _perpetrator(request: HttpRequest, case_id: UUID, perpetrator_id: UUID) -> Perpetrator:
    case = case_for_write(request, case_id)
    return perpetrators.case_perpetrator_get(
        actor=common.actor(request), case=case, perpetrator_id=perpetrator_id
    )


@router.get("/{case_id}/perpetrators", response={200: list[PerpetratorOut], **ERRORS})
def perpetrator_list(request: HttpRequest, case_id: UUID) -> list[Perpetrator]:
    """The perpetrator records of the case: for its workers, or for the police liaison while
    a supervisor shares them (404 otherwise)."""
    _case, records = perpetrators.readable_perpetrators(
        actor=common.actor(request), case_id=case_id
    )
    return records


@router.post("/{case_id}/perpetrators", response={201: PerpetratorOut, **ERRORS})
def perpetrator_add(request: HttpRequest, case_id: UUID, payload: PerpetratorIn) -> Status:
    """Record someone who took part in the trafficking (HTCDS ``per_``)."""
    case = case_for_write(request, case_id)
    record = perpetrators.perpetrator_add(actor=common.actor(request), case=case, **payload.dict())
    return Status(201, record)


@router.patch("/{case_id}/perpetrators/{perpetrator_id}", response={200: PerpetratorOut, **ERRORS})
def perpetrator_update(
    request: HttpRequest, case_id: UUID, perpetrator_id: UUID, payload: PerpetratorPatch
) -> Perpetrator:
    """Replace a record's fields; ``version`` must be the version read (409 otherwise)."""
    record = _perpetrator(request, case_id, perpetrator_id)
    fields = payload.dict()
    version = fields.pop("version")
    return perpetrators.perpetrator_update(
        actor=common.actor(request), perpetrator=record, version=version, **fields
    )


@router.post(
    "/{case_id}/perpetrators/{perpetrator_id}/remove", response={200: PerpetratorOut, **ERRORS}
)
def perpetrator_remove(request: HttpRequest, case_id: UUID, perpetrator_id: UUID) -> Perpetrator:
    """Remove a record recorded in error: kept, marked, no longer listed."""
    record = _perpetrator(request, case_id, perpetrator_id)
    return perpetrators.perpetrator_remove(actor=common.actor(request), perpetrator=record)


@router.get("/{case_id}/perpetrator-sharing", response={200: list[ShareOut], **ERRORS})
def perpetrator_share_list(request: HttpRequest, case_id: UUID) -> QuerySet[PerpetratorShare]:
    """When the case's perpetrator records were shared with the police liaison, and stopped."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return perpetrators.perpetrator_share_history(actor=actor, case=case)


@router.post("/{case_id}/perpetrator-sharing", response={201: ShareOut, **ERRORS})
def perpetrator_share(request: HttpRequest, case_id: UUID) -> Status:
    """A supervisor shares the case's perpetrator records with the organization's police
    liaison, until withdrawn."""
    case = case_for_write(request, case_id)
    return Status(201, perpetrators.perpetrators_share(actor=common.actor(request), case=case))


@router.post("/{case_id}/perpetrator-sharing/withdraw", response={200: ShareOut, **ERRORS})
def perpetrator_unshare(request: HttpRequest, case_id: UUID) -> PerpetratorShare:
    """A supervisor withdraws the share: the liaison reads the records no more."""
    case = case_for_write(request, case_id)
    return perpetrators.perpetrators_unshare(actor=common.actor(request), case=case)


# --- Needs and risks, the person's own account.


@router.get("/{case_id}/assessments", response={200: list[AssessmentOut], **ERRORS})
def assessment_list(request: HttpRequest, case_id: UUID) -> QuerySet[NeedsAssessment]:
    """The needs and risk assessments of the case, the current (newest recorded) first."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return needs.case_assessment_list(actor=actor, case=case)


@router.post("/{case_id}/assessments", response={201: AssessmentOut, **ERRORS})
def assessment_record(request: HttpRequest, case_id: UUID, payload: AssessmentIn) -> Status:
    """Record a new assessment; it replaces the current one, which stays as history."""
    case = case_for_write(request, case_id)
    assessment = needs.assessment_record(actor=common.actor(request), case=case, **payload.dict())
    return Status(201, assessment)


@router.get("/{case_id}/accounts", response={200: list[AccountOut], **ERRORS})
def account_list(request: HttpRequest, case_id: UUID) -> QuerySet[PersonalAccount]:
    """The person's own accounts, the newest telling first."""
    actor = common.actor(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    return needs.case_account_list(actor=actor, case=case)


@router.post("/{case_id}/accounts", response={201: AccountOut, **ERRORS})
def account_record(request: HttpRequest, case_id: UUID, payload: AccountIn) -> Status:
    """Record the person's account as told on ``told_on``, section by section."""
    case = case_for_write(request, case_id)
    account = needs.account_record(actor=common.actor(request), case=case, **payload.dict())
    return Status(201, account)
