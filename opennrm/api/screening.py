"""The screening API, /api/v1/screenings: thin over ``opennrm.screening`` selectors and services.

A screening is of the person of a visible case. Answers travel in request bodies as
``{"answers": {indicator code: "yes" | "no" | "unknown" | "declined"}}`` ("declined": the
person would rather not say, scored as not answered); an unknown code or value is a 422
naming ``answers.<code>``, and nothing of that request is saved. The result only suggests a
trafficking status: identification is proposed and approved through the cases API.

No ``from __future__ import annotations``: django-ninja reads the annotations of paginated
operations through its decorator, where string annotations cannot be resolved.
"""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from opennrm.accounts import permissions as perms
from opennrm.api import common
from opennrm.api.common import ERRORS, In, OneOf, Params, UuidOut
from opennrm.api.pagination import Page
from opennrm.cases.selectors import case_get
from opennrm.errors import NotFound, PermissionDenied, ValidationFailed
from opennrm.screening import selectors, services
from opennrm.screening.models import Language, Mode, Questionnaire, Rule, Screening
from opennrm.screening.models import Status as ScreeningStatus

router = Router(tags=["screening"])


class ScreeningStartIn(In):
    case_id: UUID
    questionnaire: str  # the code; the newest version is used
    language: Annotated[str, OneOf(Language)]
    mode: Annotated[str, OneOf(Mode)] = Mode.WORKER_LED.value


class AnswersIn(In):
    answers: dict[str, str]
    version: int | None = None  # when given, refused (409) if the answers changed since


class ScreeningCompleteIn(In):
    version: int | None = None


class ScreeningListFilters(Params):
    case_id: UUID


class IndicatorOut(Schema):
    code: str
    dimension: str
    weight: str
    label: dict[str, str]
    question: dict[str, str]


class DimensionOut(Schema):
    code: str
    title: dict[str, str]


class QuestionnaireOut(Schema):
    code: str
    version: int
    rule: Annotated[str, OneOf(Rule)]
    population: str
    exploitation: str
    adapted: bool
    title: dict[str, str]
    note: dict[str, str]
    source: str
    dimensions: list[DimensionOut]
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj: Questionnaire) -> list[Any]:
        return selectors.indicator_list(obj)


class DimensionResultOut(Schema):
    code: str
    positive: bool
    clause: str | None
    by: list[str]
    present: list[str]
    unknown: list[str]
    missing: list[str]
    could_become_positive: bool
    declined: list[str] = []  # "rather not say": also in missing


class GroupResultOut(Schema):
    name: str
    dimensions: list[str]
    positive: bool


class ResultOut(Schema):
    """Per dimension: positive or not, by which clause (a–d) and indicators; the outcome
    (possible_victim, rule_not_met, not_enough_answers; for the short screen
    indicators_present or no_indicators) and the missing answers it still depends on."""

    rule: str
    outcome: str
    suggested_trafficking_status: str | None
    dimensions: list[DimensionResultOut]
    groups: list[GroupResultOut]
    present: list[str]
    missing: list[str]
    needed: list[str]
    declined: list[str] = []  # "rather not say": kept as given, scored as not answered


class ScreeningListItemOut(UuidOut):
    case_id: UUID
    questionnaire: str
    questionnaire_version: int
    language: Annotated[str, OneOf(Language)]
    mode: Annotated[str, OneOf(Mode)]
    status: Annotated[str, OneOf(ScreeningStatus)]
    version: int
    started_by_id: UUID
    started_at: datetime
    completed_by_id: UUID | None
    completed_at: datetime | None

    @staticmethod
    def resolve_case_id(obj: Screening) -> UUID:
        return obj.case.uuid

    @staticmethod
    def resolve_questionnaire(obj: Screening) -> str:
        return obj.questionnaire.code

    @staticmethod
    def resolve_questionnaire_version(obj: Screening) -> int:
        return obj.questionnaire.version

    @staticmethod
    def resolve_started_by_id(obj: Screening) -> UUID:
        return obj.started_by.uuid

    @staticmethod
    def resolve_completed_by_id(obj: Screening) -> UUID | None:
        return obj.completed_by.uuid if obj.completed_by else None


class ScreeningOut(ScreeningListItemOut):
    answers: dict[str, str]
    result: ResultOut

    @staticmethod
    def resolve_result(obj: Screening) -> dict:
        return selectors.screening_result(obj)


@router.get("/questionnaires", response={200: list[QuestionnaireOut], **ERRORS})
def questionnaire_list(request: HttpRequest) -> list[Questionnaire]:
    """The questionnaires a new screening may use (newest version of each), with every
    indicator, its weight and its question in each language."""
    return selectors.questionnaire_current_list(actor=common.actor(request))


@router.get("", response={200: list[ScreeningListItemOut], **ERRORS})
@paginate(Page)
def screening_list(
    request: HttpRequest, filters: Query[ScreeningListFilters]
) -> QuerySet[Screening]:
    """The screenings of one visible case (``case_id``), newest first; without answers."""
    return selectors.screening_list(actor=common.actor(request), case_id=filters.case_id).defer(
        "answers", "result"
    )


@router.post("", response={201: ScreeningOut, **ERRORS})
def screening_start(request: HttpRequest, payload: ScreeningStartIn) -> Status:
    """Start a draft screening of the person of a case, with the newest questionnaire version."""
    actor = common.actor(request)
    if not actor.can(perms.SCREENING_CONDUCT):
        raise PermissionDenied("You do not have permission to do this.")
    try:
        case = case_get(actor=actor, case_id=payload.case_id, audit=False)
    except NotFound:
        raise ValidationFailed(
            "Please correct the errors below.", errors={"case_id": ["No such case."]}
        ) from None
    screening = services.screening_start(
        actor=actor,
        case=case,
        questionnaire_code=payload.questionnaire,
        language=payload.language,
        mode=payload.mode,
    )
    return Status(201, screening)


@router.get("/{screening_id}", response={200: ScreeningOut, **ERRORS})
def screening_get(request: HttpRequest, screening_id: UUID) -> Screening:
    """One screening with its answers and its result (provisional while a draft); audited."""
    return selectors.screening_get(actor=common.actor(request), screening_id=screening_id)


@router.post("/{screening_id}/answers", response={200: ScreeningOut, **ERRORS})
def screening_answer(request: HttpRequest, screening_id: UUID, payload: AnswersIn) -> Screening:
    """Record one or many answers in a draft; a bad one refuses them all (422 per answer)."""
    actor = common.actor(request)
    screening = selectors.screening_get(actor=actor, screening_id=screening_id, audit=False)
    return services.screening_answer(
        actor=actor, screening=screening, answers=payload.answers, version=payload.version
    )


@router.post("/{screening_id}/complete", response={200: ScreeningOut, **ERRORS})
def screening_complete(
    request: HttpRequest, screening_id: UUID, payload: ScreeningCompleteIn | None = None
) -> Screening:
    """Confirm the answers: the result is scored and kept. 422 naming each missing answer the
    result depends on."""
    actor = common.actor(request)
    screening = selectors.screening_get(actor=actor, screening_id=screening_id, audit=False)
    return services.screening_complete(
        actor=actor, screening=screening, version=payload.version if payload else None
    )
