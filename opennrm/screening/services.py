"""Writes to screenings. Each checks permission and case visibility, validates everything before
writing anything, writes, and audits in the same transaction. Audit events name the fields
changed ("answers"), never an answer, an indicator or a result.

A screening's result only suggests a trafficking status: nothing here changes the case's
trafficking status or identification, which a supervisor decides through identification.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_visible
from opennrm.errors import Conflict, NotFound, ValidationFailed
from opennrm.validation import Checker, shown

from . import scoring
from .audit import ScreeningAction
from .models import Answer, Language, Mode, Questionnaire, Screening, Status
from .selectors import indicator_list, screening_specs, screening_visible


def _locked(actor: Actor, screening: Screening, version: int | None) -> Screening:
    """The screening, locked, if the actor may see it; refused once completed or if changed."""
    actor.require(perms.SCREENING_CONDUCT)
    try:
        locked = (
            screening_visible(actor=actor)
            # Lock the screening only: never the questionnaire every other screening shares.
            .select_for_update(of=("self",))
            .select_related("questionnaire")
            .get(pk=screening.pk)
        )
    except Screening.DoesNotExist:
        raise NotFound(_("No such screening.")) from None
    if locked.status != Status.DRAFT:
        raise ValidationFailed.of(
            {"status": [_("This screening is completed and cannot change; start a new one.")]}
        )
    if version is not None and locked.version != version:
        raise Conflict(
            _("The answers changed since you read them (on another device?). Reload and retry.")
        )
    return locked


@transaction.atomic
def screening_start(
    *, actor: Actor, case: Case, questionnaire_code: str, language: str, mode: str
) -> Screening:
    """Start a draft screening of the person of a visible case, with the newest version of
    the questionnaire, its questions in ``language``."""
    actor.require(perms.SCREENING_CONDUCT)
    try:
        case = case_visible(actor=actor).get(pk=case.pk)
    except Case.DoesNotExist:
        raise NotFound(_("No such case.")) from None
    errors: dict[str, list[str]] = {}
    questionnaire = (
        Questionnaire.objects.filter(code=questionnaire_code).order_by("-version").first()
    )
    if questionnaire is None:
        errors["questionnaire"] = [_("No such questionnaire.")]
    if language not in Language.values:
        errors["language"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(Language.values)}
        ]
    if mode not in Mode.values:
        errors["mode"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(Mode.values)}]
    if errors or questionnaire is None:
        raise ValidationFailed.of(errors)
    screening = Screening.objects.create(
        case=case,
        questionnaire=questionnaire,
        language=language,
        mode=mode,
        started_by=actor.user,
    )
    audit_record(
        actor=actor,
        action=ScreeningAction.START,
        obj=screening,
        fields=["case", "questionnaire", "language", "mode"],
    )
    return screening


def _answer_errors(screening: Screening, answers: Any) -> dict[str, list[str]]:
    if not isinstance(answers, Mapping):
        return {
            "answers": [_("Give the answers as {indicator code: yes, no, unknown or declined}.")]
        }
    codes = {i.code for i in indicator_list(screening.questionnaire)}
    check = Checker()
    check.list_size("answers", answers, max_items=len(codes))
    errors = check.errors
    if errors:
        return errors
    for code, value in answers.items():
        if code not in codes:
            # The path repeats the code given, cut short: it may be anything.
            errors[f"answers.{shown(str(code), 64)}"] = [
                _("No such indicator in this questionnaire.")
            ]
        elif value not in Answer.values:
            errors[f"answers.{code}"] = [_("Answer yes, no, unknown or declined.")]
    if not answers and not errors:
        errors["answers"] = [_("No answer was given.")]
    return errors


@transaction.atomic
def screening_answer(
    *,
    actor: Actor,
    screening: Screening,
    answers: Mapping[str, str],
    version: int | None = None,
) -> Screening:
    """Record one or many answers in a draft; one bad answer refuses them all."""
    screening = _locked(actor, screening, version)
    errors = _answer_errors(screening, answers)
    if errors:
        raise ValidationFailed.of(errors)
    merged = {**screening.answers, **answers}
    if merged != screening.answers:
        screening.answers = merged
        screening.version += 1
        screening.save(update_fields=["answers", "version", "updated_at"])
        audit_record(
            actor=actor,
            action=ScreeningAction.ANSWER,
            obj=screening,
            fields=["answers"],
        )
    return screening


@transaction.atomic
def screening_complete(
    *, actor: Actor, screening: Screening, version: int | None = None
) -> Screening:
    """The worker confirms the answers: the result is scored and kept with the screening.

    Refused while missing answers could still change the outcome; the error names each.
    """
    screening = _locked(actor, screening, version)
    questionnaire = screening.questionnaire
    result = scoring.score(questionnaire.rule, screening_specs(questionnaire), screening.answers)
    if result.outcome == scoring.NOT_ENOUGH_ANSWERS:
        raise ValidationFailed.of(
            {
                f"answers.{code}": [_("Not answered, and the result depends on it.")]
                for code in result.needed
            },
            _("Some questions the result depends on are not answered yet."),
        )
    screening.result = result.as_dict()
    screening.status = Status.COMPLETED
    screening.completed_by = actor.user
    screening.completed_at = timezone.now()
    screening.version += 1
    screening.save()
    audit_record(
        actor=actor,
        action=ScreeningAction.COMPLETE,
        obj=screening,
        fields=["status", "result", "completed_by", "completed_at"],
    )
    return screening
