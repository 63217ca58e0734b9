"""Reads of questionnaires and screenings, always scoped to the actor.

A screening is of the person of a case: the actor must hold ``screening.conduct`` and see the
case (``case_visible``); otherwise it is NotFound, the same as a screening that does not exist.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import Max, QuerySet

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_read
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_get, case_visible
from opennrm.errors import NotFound

from . import scoring
from .models import Indicator, Questionnaire, Screening, Status


def questionnaire_current_list(*, actor: Actor) -> list[Questionnaire]:
    """The newest version of each questionnaire: what a new screening may use."""
    actor.require(perms.SCREENING_CONDUCT)
    newest = Questionnaire.objects.values("code").annotate(newest=Max("version"))
    wanted = {(row["code"], row["newest"]) for row in newest}
    return [q for q in Questionnaire.objects.order_by("code") if (q.code, q.version) in wanted]


def indicator_list(questionnaire: Questionnaire) -> list[Indicator]:
    """The indicators of a questionnaire version in their order (not protected data)."""
    cached = getattr(questionnaire, "_indicator_list", None)
    if cached is None:
        cached = list(questionnaire.indicators.order_by("position"))
        questionnaire._indicator_list = cached  # type: ignore[attr-defined]
    return cached


def screening_visible(*, actor: Actor) -> QuerySet[Screening]:
    """Every screening of a case the actor may see, if the actor may screen at all."""
    actor.require(perms.SCREENING_CONDUCT)
    return Screening.objects.filter(case__in=case_visible(actor=actor))


def screening_get(*, actor: Actor, screening_id: UUID | str, audit: bool = True) -> Screening:
    """One visible screening; the same NotFound for "does not exist" and "not yours"."""
    try:
        screening = (
            screening_visible(actor=actor)
            .select_related("case", "questionnaire", "started_by", "completed_by")
            .get(uuid=screening_id)
        )
    except (Screening.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such screening.") from None
    if audit:
        audit_read(actor=actor, obj=screening)
    return screening


def screening_list(*, actor: Actor, case_id: UUID | str) -> QuerySet[Screening]:
    """The screenings of a visible case, newest first."""
    actor.require(perms.SCREENING_CONDUCT)
    case: Case = case_get(actor=actor, case_id=case_id, audit=False)
    return (
        Screening.objects.filter(case=case)
        .select_related("questionnaire", "started_by", "completed_by", "case")
        .order_by("-started_at", "-id")
    )


def screening_specs(questionnaire: Questionnaire) -> list[scoring.IndicatorSpec]:
    return [
        scoring.IndicatorSpec(i.code, i.dimension, i.weight) for i in indicator_list(questionnaire)
    ]


def screening_result(screening: Screening) -> dict:
    """The result: as stored when the screening was completed, else computed from the draft."""
    if screening.status == Status.COMPLETED and screening.result:
        return screening.result
    specs = screening_specs(screening.questionnaire)
    return scoring.score(screening.questionnaire.rule, specs, screening.answers).as_dict()


def screening_next_indicator(screening: Screening) -> tuple[Indicator | None, int, int]:
    """For the self-answer mode: the first unanswered indicator, its number, and the total."""
    indicators = indicator_list(screening.questionnaire)
    answered = sum(1 for i in indicators if i.code in screening.answers)
    for indicator in indicators:
        if indicator.code not in screening.answers:
            return indicator, answered + 1, len(indicators)
    return None, len(indicators), len(indicators)
