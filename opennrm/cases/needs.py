"""Immediate needs and risks, and the person's own account: reads and writes.

Both belong to the case work, under the case's own rights (decision 0017): whoever sees the case
reads them (the contact warning above all, since any of them may call the person), whoever may
change the case records them. An assessment is never edited: a new one replaces the current
(the newest recorded) and the earlier ones stay as its history. An account is kept as told.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.validation import EARLIEST_RECORD, MAX_LINE, MAX_NOTE, MAX_PARAGRAPH, Checker

from .audit import CaseAction
from .choices import AccommodationNeed, ContactChannel, ContactSafety, RiskLevel
from .models import Case, NeedsAssessment, PersonalAccount
from .selectors import _require_visible
from .services import _require_case

# A warning is read at a glance in the case header: a sentence or two, not a report.
MAX_WARNING = 500
MAX_CHILDREN = 30


# --- Reads.


def case_assessment_list(*, actor: Actor, case: Case) -> QuerySet[NeedsAssessment]:
    """The needs assessments of a visible case, the current (newest recorded) first."""
    _require_visible(actor, case)
    return case.assessments.select_related("assessed_by")


def case_contact_alert(*, actor: Actor, case: Case) -> NeedsAssessment | None:
    """The current assessment when it says to take care in contacting the person (not safe, only
    as agreed, or a warning written), for the case header; None otherwise."""
    current = case_assessment_list(actor=actor, case=case).first()
    if current is None:
        return None
    if current.contact_safety == ContactSafety.SAFE and not current.contact_warning:
        return None
    return current


def case_account_list(*, actor: Actor, case: Case) -> QuerySet[PersonalAccount]:
    """The person's accounts in a visible case, the newest telling first."""
    _require_visible(actor, case)
    return case.accounts.select_related("recorded_by")


# --- Writes.


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    case: Case,
    assessed_on: date | None = None,
    contact_safety: str = ContactSafety.UNKNOWN,
    contact_channels: list[str] | None = None,
    contact_when: str = "",
    contact_warning: str = "",
    trafficker_risk: str = RiskLevel.UNKNOWN,
    trafficker_risk_details: str = "",
    health_needs: str = "",
    children_count: int | None = None,
    children_whereabouts: str = "",
    accommodation_need: str = AccommodationNeed.UNKNOWN,
    other_needs: str = "",
    interpreter_needed: bool = False,
    interpreter_language: str = "",
) -> NeedsAssessment:
    """Record a new assessment of the person's needs and risks; it becomes the current one."""
    case = _require_case(actor, case)
    today = local_today(actor.organization)
    check = Checker()
    assessed_on = check.date("assessed_on", assessed_on, earliest=EARLIEST_RECORD, latest=today)
    safety = check.choice("contact_safety", contact_safety, ContactSafety.values, required=True)
    channels = check.choices(
        "contact_channels",
        contact_channels,
        ContactChannel.values,
        max_items=len(ContactChannel.values),
    )
    risk = check.choice("trafficker_risk", trafficker_risk, RiskLevel.values, required=True)
    accommodation = check.choice(
        "accommodation_need", accommodation_need, AccommodationNeed.values, required=True
    )
    texts = {
        "contact_when": check.text(
            "contact_when", contact_when, max_length=MAX_LINE, multiline=False
        ),
        "contact_warning": check.text("contact_warning", contact_warning, max_length=MAX_WARNING),
    }
    for name, value in (
        ("trafficker_risk_details", trafficker_risk_details),
        ("health_needs", health_needs),
        ("children_whereabouts", children_whereabouts),
        ("other_needs", other_needs),
    ):
        texts[name] = check.text(name, value, max_length=MAX_PARAGRAPH)
    children = check.integer("children_count", children_count, low=0, high=MAX_CHILDREN)
    if not isinstance(interpreter_needed, bool):
        check.add("interpreter_needed", _("Answer yes or no."))
    language = check.language("interpreter_language", interpreter_language)
    if interpreter_needed is True and not language and not check.has("interpreter_language"):
        check.add("interpreter_language", _("Say in which language."))
    if safety == ContactSafety.UNSAFE and channels:
        check.add("contact_channels", _("The person is not safe to contact: choose no channel."))
    check.raise_if_errors()
    assessment = NeedsAssessment(
        case=case,
        assessed_on=assessed_on or today,
        contact_safety=safety,
        contact_channels=channels,
        trafficker_risk=risk,
        children_count=children,
        accommodation_need=accommodation,
        interpreter_needed=interpreter_needed,
        interpreter_language=language if interpreter_needed else "",
        assessed_by=actor.user,
        **texts,
    )
    assessment.save()
    fields = ["assessed_on", "contact_safety", "trafficker_risk", "accommodation_need"]
    fields += [name for name, value in texts.items() if value]
    if channels:
        fields.append("contact_channels")
    if children is not None:
        fields.append("children_count")
    fields.append("interpreter_needed")
    if assessment.interpreter_language:
        fields.append("interpreter_language")
    audit_record(actor=actor, action=CaseAction.ASSESSMENT_RECORD, obj=assessment, fields=fields)
    return assessment


@transaction.atomic
def account_record(
    *,
    actor: Actor,
    case: Case,
    told_on: date | None,
    language: str = "",
    with_interpreter: bool = False,
    before: str = "",
    recruitment: str = "",
    journey: str = "",
    exploitation: str = "",
    ending: str = "",
    wishes: str = "",
) -> PersonalAccount:
    """Record the person's own account as told on a day, section by section."""
    case = _require_case(actor, case)
    check = Checker()
    told_on = check.date(
        "told_on",
        told_on,
        earliest=EARLIEST_RECORD,
        latest=local_today(actor.organization),
        required=True,
    )
    language = check.language("language", language)
    if not isinstance(with_interpreter, bool):
        check.add("with_interpreter", _("Answer yes or no."))
    given = {
        "before": before,
        "recruitment": recruitment,
        "journey": journey,
        "exploitation": exploitation,
        "ending": ending,
        "wishes": wishes,
    }
    sections = {name: check.text(name, value, max_length=MAX_NOTE) for name, value in given.items()}
    if not any(sections.values()) and not any(check.has(name) for name in sections):
        check.add("before", _("Write at least one part of the account."))
    check.raise_if_errors()
    assert told_on is not None  # required: refused above when missing
    account = PersonalAccount(
        case=case,
        told_on=told_on,
        language=language,
        with_interpreter=with_interpreter,
        recorded_by=actor.user,
        **sections,
    )
    account.save()
    fields = ["told_on", "with_interpreter", *(name for name, text in sections.items() if text)]
    if language:
        fields.insert(1, "language")
    audit_record(actor=actor, action=CaseAction.ACCOUNT_RECORD, obj=account, fields=fields)
    return account
