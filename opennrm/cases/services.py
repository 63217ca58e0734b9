"""Writes to cases and their parts. Each checks permission, validates, writes and audits at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opennrm import events
from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization, OrganizationType
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.people.audit import PersonAction
from opennrm.people.models import Person
from opennrm.people.services import (
    person_apply,
    person_reindex,
    person_save_changes,
)
from opennrm.validation import (
    EARLIEST_LIFE_EVENT,
    EARLIEST_RECORD,
    MAX_NAME,
    MAX_PARAGRAPH,
    Checker,
    full_clean_or_raise,
)

from .audit import CaseAction
from .choices import (
    CLOSED_STATUSES,
    STATUS_TRANSITIONS,
    CaseStatus,
    ConsentPurpose,
    DecisionState,
    IdentificationStage,
    TraffickingStatus,
)
from .events import ConsentWithdrawn
from .fields import MultiChoiceField
from .models import (
    Case,
    Consent,
    HistoricEvent,
    IdentificationDecision,
    Note,
    NumberKind,
    Service,
    SupportPlan,
)
from .numbers import number_take
from .selectors import case_holders, case_visible

CASE_FIELDS = (
    "trafficking_status",
    "trafficking_status_decided_by",
    "exploitation_types",
    "forced_labour_industry",
    "sex_exploitation_types",
    "methods_of_control",
    "recruitment_methods",
    "recruitment_platforms",
    "relationship_to_trafficker",
    "age_when_trafficked",
    "perpetrator_roles",
    "country_of_origin",
    "transit_countries",
    "country_of_exploitation",
    "city_of_exploitation",
    "recruited_on",
    "exploitation_began_on",
    "exited_on",
)
MAX_NOTE = 20_000
MAX_CITY = 100
MAX_REASON = 2000
_DECIDED_BY_APPROVAL = gettext_lazy(
    "The trafficking status is set by an identification decision a supervisor approves."
)


def _verbose_name(name: str) -> str:
    field = Case._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def _require_case(actor: Actor, case: Case, permission: str = perms.CASES_UPDATE) -> Case:
    """The case, locked, if the actor may see it and holds ``permission``."""
    actor.require(permission)
    try:
        return case_visible(actor=actor).select_for_update().get(pk=case.pk)
    except Case.DoesNotExist:
        raise NotFound(_("No such case.")) from None


def _apply_case_fields(case: Case, data: dict[str, Any]) -> list[str]:
    """Validate and set case fields; raise ValidationFailed naming each bad field."""
    check = Checker()
    check.unknown(data, CASE_FIELDS)
    values = dict(data)
    for name in ("recruited_on", "exploitation_began_on", "exited_on"):
        if name in values:
            values[name] = check.date(
                name,
                values[name],
                earliest=EARLIEST_LIFE_EVENT,
                latest=local_today(case.organization),
            )
    for name in ("country_of_origin", "country_of_exploitation"):
        if name in values:
            values[name] = check.country(name, values[name])
    if "transit_countries" in values:
        values["transit_countries"] = check.countries(
            "transit_countries", values["transit_countries"]
        )
    if "city_of_exploitation" in values:
        values["city_of_exploitation"] = check.text(
            "city_of_exploitation", values["city_of_exploitation"], max_length=MAX_CITY
        )
    for name in values.keys() & set(CASE_FIELDS):
        field = Case._meta.get_field(name)
        if isinstance(field, MultiChoiceField) and field.choices_class is not None:
            # Each value once at most: more entries than choices is bad input, echoed by no one.
            check.list_size(name, values[name], max_items=len(field.choices_class.values))
    if "age_when_trafficked" in values:
        values["age_when_trafficked"] = check.integer(
            "age_when_trafficked", values["age_when_trafficked"], low=0, high=100
        )
    errors = check.errors
    changed = []
    for name, value in values.items():
        if name in CASE_FIELDS and getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    order = [("recruited_on", "exploitation_began_on"), ("exploitation_began_on", "exited_on")]
    order.append(("recruited_on", "exited_on"))
    for earlier, later in order:
        a, b = getattr(case, earlier), getattr(case, later)
        if a and b and b < a:
            errors.setdefault(later, []).append(
                _("Cannot be before the %(field)s.") % {"field": _verbose_name(earlier)}
            )
    if errors:
        raise ValidationFailed.of(errors)
    try:
        full_clean_or_raise(case, exclude=["person", "organization", "owner", "number"])
    except ValidationFailed as exc:
        raise ValidationFailed.of(exc.errors) from None
    return changed


def _person_apply(person: Person, data: dict[str, Any], *, identified_on: date) -> list[str]:
    return person_apply(person, data, identified_on=identified_on, prefix="person.")


@transaction.atomic
def case_open(
    *, actor: Actor, person: dict[str, Any], opened_on: date | None = None, **case_fields: Any
) -> Case:
    """Record a person and open their case at the actor's organization, owned by the actor."""
    actor.require(perms.CASES_CREATE)
    check = Checker()
    opened_on = check.date(
        "opened_on", opened_on, earliest=EARLIEST_RECORD, latest=local_today(actor.organization)
    )
    check.raise_if_errors()
    opened_on = opened_on or local_today(actor.organization)
    if (
        case_fields.get("trafficking_status", TraffickingStatus.POSSIBLE)
        == TraffickingStatus.ACTUAL
    ):
        raise ValidationFailed.of({"trafficking_status": [str(_DECIDED_BY_APPROVAL)]})
    record = Person(organization=actor.organization, created_by=actor.user)
    case = Case(
        organization=actor.organization,
        owner=actor.user,
        opened_on=opened_on,
        person=record,
    )
    # Check the person and the case together, so every error is shown at once.
    errors: dict[str, list[str]] = {}
    person_changed: list[str] = []
    case_changed: list[str] = []
    try:
        person_changed = _person_apply(record, person, identified_on=opened_on)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        case_changed = _apply_case_fields(case, case_fields)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed.of(errors)
    record.save()
    person_reindex(record)
    case.person = record
    case.number = number_take(
        organization=actor.active_organization, kind=NumberKind.CASE, year=opened_on.year
    )
    case.save()
    audit_record(
        actor=actor,
        action=PersonAction.CREATE,
        obj=record,
        fields=person_changed,
    )
    audit_record(
        actor=actor,
        action=CaseAction.OPEN,
        obj=case,
        fields=["number", "status", "owner", "opened_on", *case_changed],
    )
    return case


@transaction.atomic
def case_update(*, actor: Actor, case: Case, version: int, **changes: Any) -> Case:
    """Change trafficking, exploitation and route details; refused over a newer change."""
    case = _require_case(actor, case)
    if case.version != version:
        raise Conflict(
            _("Someone else changed this case while you were editing. Reload and retry.")
        )
    decided = {"trafficking_status", "trafficking_status_decided_by"} & set(changes)
    if decided:
        raise ValidationFailed.of({name: [str(_DECIDED_BY_APPROVAL)] for name in sorted(decided)})
    changed = _apply_case_fields(case, changes)
    if changed:
        case.version += 1
        case.save()
        audit_record(
            actor=actor,
            action=CaseAction.UPDATE,
            obj=case,
            fields=changed,
        )
    return case


@transaction.atomic
def person_update(*, actor: Actor, case: Case, version: int, **changes: Any) -> Person:
    """Change the person of a visible case; refused over a newer change."""
    case = _require_case(actor, case)
    person = Person.objects.select_for_update().get(pk=case.person_id)
    if person.version != version:
        raise Conflict(
            _("Someone else changed this person while you were editing. Reload and retry.")
        )
    changed = _person_apply(person, changes, identified_on=case.opened_on)
    person_save_changes(actor=actor, person=person, changed=changed, action=PersonAction.UPDATE)
    return person


@transaction.atomic
def case_change_status(*, actor: Actor, case: Case, status: str, reason: str = "") -> Case:
    """Move a case along the allowed transitions; closing needs a reason and the close right."""
    case = _require_case(actor, case)
    if status not in CaseStatus.values:
        raise ValidationFailed.of({"status": [_("Choose one of the listed values.")]})
    if status not in STATUS_TRANSITIONS[case.status]:
        raise ValidationFailed.of(
            {
                "status": [
                    _("A case cannot go from %(a)s to %(b)s.") % {"a": case.status, "b": status}
                ]
            }
        )
    closing = status in CLOSED_STATUSES
    if (closing or case.status in CLOSED_STATUSES) and not actor.can(perms.CASES_CLOSE):
        raise PermissionDenied(_("Only a supervisor can close or reopen a case."))
    check = Checker()
    reason = check.text(
        "reason",
        reason,
        max_length=MAX_REASON,
        required=closing,
        required_message=_("Say why the case is closed."),
    )
    check.raise_if_errors()
    case.status = status
    fields = ["status"]
    if closing:
        case.closure_reason = reason
        case.closed_on = local_today(actor.organization)
        fields += ["closure_reason", "closed_on"]
    else:
        case.closed_on = None
    case.version += 1
    case.save()
    audit_record(
        actor=actor,
        action=CaseAction.STATUS,
        obj=case,
        fields=fields,
    )
    return case


@transaction.atomic
def identification_propose(
    *,
    actor: Actor,
    case: Case,
    stage: str,
    grounds: str,
    decided_by_type: str,
    due_on: date | None = None,
) -> IdentificationDecision:
    """Propose a presumed (reasonable grounds, with a due date) or identified decision."""
    case = _require_case(actor, case, perms.IDENTIFICATION_PROPOSE)
    check = Checker()
    grounds = check.text(
        "grounds",
        grounds,
        max_length=MAX_PARAGRAPH,
        required=True,
        required_message=_("Write the grounds for the decision."),
    )
    due_on = check.date("due_on", due_on, earliest=EARLIEST_RECORD)
    errors = check.errors
    if stage == IdentificationStage.PRESUMED and not due_on and "due_on" not in errors:
        errors["due_on"] = [_("Give the date by which the conclusive decision is due.")]
    if (
        stage == IdentificationStage.IDENTIFIED
        and not case.decisions.filter(
            stage=IdentificationStage.PRESUMED, state=DecisionState.APPROVED
        ).exists()
    ):
        errors["stage"] = [_("A conclusive decision follows an approved presumed-victim decision.")]
    if case.decisions.filter(state=DecisionState.PROPOSED).exists():
        errors["stage"] = [_("A decision already awaits approval.")]
    if errors:
        raise ValidationFailed.of(errors)
    decision = IdentificationDecision(
        case=case,
        stage=stage,
        grounds=grounds,
        decided_by_type=decided_by_type,
        due_on=due_on,
        proposed_by=actor.user,
    )
    full_clean_or_raise(decision, exclude=["case", "proposed_by"])
    decision.save()
    audit_record(
        actor=actor,
        action=CaseAction.IDENTIFICATION_PROPOSE,
        obj=decision,
        fields=["stage", "grounds", "decided_by_type", "due_on"],
    )
    return decision


@transaction.atomic
def identification_review(
    *, actor: Actor, decision: IdentificationDecision, approve: bool
) -> IdentificationDecision:
    """A supervisor approves or rejects a proposal; approval sets the trafficking status.

    Four eyes: the one who proposed a decision never reviews it, whatever their role.
    """
    case = _require_case(actor, decision.case, perms.IDENTIFICATION_APPROVE)
    decision = IdentificationDecision.objects.select_for_update().get(pk=decision.pk, case=case)
    if decision.proposed_by_id == actor.user.pk:
        raise PermissionDenied(
            _("You proposed this decision: another supervisor reviews it."),
            rule="identification.four_eyes",
        )
    if decision.state != DecisionState.PROPOSED:
        raise ValidationFailed.of({"state": [_("This decision was already reviewed.")]})
    decision.state = DecisionState.APPROVED if approve else DecisionState.REJECTED
    decision.reviewed_by = actor.user
    decision.reviewed_at = timezone.now()
    decision.save()
    audit_record(
        actor=actor,
        action=CaseAction.IDENTIFICATION_APPROVE if approve else CaseAction.IDENTIFICATION_REJECT,
        obj=decision,
        fields=["state", "reviewed_by"],
    )
    if approve:
        case.trafficking_status = (
            TraffickingStatus.ACTUAL
            if decision.stage == IdentificationStage.IDENTIFIED
            else TraffickingStatus.POSSIBLE
        )
        case.trafficking_status_decided_by = decision.decided_by_type
        case.version += 1
        case.save()
        audit_record(
            actor=actor,
            action=CaseAction.UPDATE,
            obj=case,
            fields=["trafficking_status", "trafficking_status_decided_by"],
        )
    return decision


def _save_part(
    actor: Actor, obj: Any, action: CaseAction, fields: list[str], exclude: list[str]
) -> Any:
    full_clean_or_raise(obj, exclude=exclude)
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, fields=fields)
    return obj


@transaction.atomic
def historic_event_add(
    *,
    actor: Actor,
    case: Case,
    event_type: str,
    occurred_on: date | None = None,
    country: str = "",
    city: str = "",
    description: str = "",
) -> HistoricEvent:
    """Record a recruitment, transit or exploitation event of the case."""
    case = _require_case(actor, case)
    check = Checker()
    country = check.country("country", country)
    occurred_on = check.date(
        "occurred_on",
        occurred_on,
        earliest=EARLIEST_LIFE_EVENT,
        latest=local_today(actor.organization),
    )
    city = check.text("city", city, max_length=MAX_CITY, multiline=False)
    description = check.text("description", description, max_length=MAX_PARAGRAPH)
    check.raise_if_errors()
    event = HistoricEvent(
        case=case,
        event_type=event_type,
        occurred_on=occurred_on,
        country=country,
        city=city,
        description=description,
    )
    fields = ["event_type", "occurred_on", "country", "city", "description"]
    return _save_part(actor, event, CaseAction.HISTORIC_EVENT_ADD, fields, ["case"])


@transaction.atomic
def support_plan_create(
    *,
    actor: Actor,
    case: Case,
    plan_type: str,
    objectives: str = "",
    action_plan: str = "",
    planned_end_on: date | None = None,
) -> SupportPlan:
    """Start a support plan for the case."""
    case = _require_case(actor, case)
    check = Checker()
    objectives = check.text("objectives", objectives, max_length=MAX_PARAGRAPH)
    action_plan = check.text("action_plan", action_plan, max_length=MAX_PARAGRAPH)
    planned_end_on = check.date("planned_end_on", planned_end_on, earliest=EARLIEST_RECORD)
    check.raise_if_errors()
    plan = SupportPlan(
        case=case,
        plan_type=plan_type,
        objectives=objectives,
        action_plan=action_plan,
        planned_end_on=planned_end_on,
    )
    fields = ["plan_type", "objectives", "action_plan", "planned_end_on"]
    return _save_part(actor, plan, CaseAction.SUPPORT_PLAN_CREATE, fields, ["case"])


@transaction.atomic
def service_add(
    *,
    actor: Actor,
    case: Case,
    service_type: str,
    provider: Organization | None = None,
    status: str = "planned",
    started_on: date | None = None,
    ended_on: date | None = None,
    plan: SupportPlan | None = None,
    destination_country: str = "",
) -> Service:
    """Add a service, given by the case's own organization (no provider) or another."""
    case = _require_case(actor, case)
    check = Checker()
    started_on = check.date("started_on", started_on, earliest=EARLIEST_RECORD)
    ended_on = check.date("ended_on", ended_on, earliest=EARLIEST_RECORD)
    destination_country = check.country("destination_country", destination_country)
    errors = check.errors
    if started_on and ended_on and ended_on < started_on:
        errors["ended_on"] = [_("The end cannot be before the start.")]
    if plan is not None and plan.case_id != case.pk:
        errors["plan"] = [_("The plan belongs to another case.")]
    if errors:
        raise ValidationFailed.of(errors)
    service = Service(
        case=case,
        plan=plan,
        service_type=service_type,
        provider=provider,
        status=status,
        started_on=started_on,
        ended_on=ended_on,
        destination_country=destination_country,
    )
    fields = ["service_type", "provider", "status", "started_on", "ended_on", "destination_country"]
    return _save_part(actor, service, CaseAction.SERVICE_ADD, fields, ["case", "plan", "provider"])


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    case: Case,
    purpose: str,
    method: str,
    given_on: date | None = None,
    recipient_organization: Organization | None = None,
    recipient_type: str = "",
    guardian_name: str = "",
) -> Consent:
    """Record what the person agreed to, for one purpose. A child's consent names the guardian."""
    case = _require_case(actor, case)
    check = Checker()
    given_on = check.date(
        "given_on", given_on, earliest=EARLIEST_RECORD, latest=local_today(actor.organization)
    )
    given_on = given_on or local_today(actor.organization)
    guardian_name = check.text("guardian_name", guardian_name, max_length=MAX_NAME, multiline=False)
    errors = check.errors
    if purpose == ConsentPurpose.REFERRAL and not (recipient_organization or recipient_type):
        errors["recipient_organization"] = [
            _("Name the organization, or the type of organization, the person agreed to.")
        ]
    if recipient_type and recipient_type not in OrganizationType.values:
        errors["recipient_type"] = [_("Choose one of the listed values.")]
    if case.person.is_minor and not guardian_name and "guardian_name" not in errors:
        errors["guardian_name"] = [_("The person is a child: record the guardian who consented.")]
    if errors:
        raise ValidationFailed.of(errors)
    consent = Consent(
        case=case,
        purpose=purpose,
        method=method,
        given_on=given_on,
        recipient_organization=recipient_organization,
        recipient_type=recipient_type,
        guardian_name=guardian_name,
        recorded_by=actor.user,
    )
    fields = ["purpose", "method", "given_on", "recipient_organization", "recipient_type"]
    if guardian_name:
        fields.append("guardian_name")
    return _save_part(
        actor,
        consent,
        CaseAction.CONSENT_RECORD,
        fields,
        ["case", "recorded_by", "recipient_organization"],
    )


@transaction.atomic
def consent_withdraw(
    *, actor: Actor, consent: Consent, withdrawn_on: date | None = None
) -> Consent:
    """Record that the person withdrew a consent; it stays on record, marked withdrawn."""
    _require_case(actor, consent.case)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationFailed.of({"withdrawn_on": [_("This consent was already withdrawn.")]})
    today = local_today(actor.organization)
    withdrawn_on = withdrawn_on or today
    if withdrawn_on > today:
        raise ValidationFailed.of({"withdrawn_on": [_("This date is in the future.")]})
    if withdrawn_on < consent.given_on:
        raise ValidationFailed.of({"withdrawn_on": [_("Cannot be before the consent was given.")]})
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_recorded_by = actor.user
    consent.save()
    audit_record(
        actor=actor,
        action=CaseAction.CONSENT_WITHDRAW,
        obj=consent,
        fields=["withdrawn_on"],
    )
    # Apps above (referrals: what was shared under the consent) act in this transaction.
    events.publish(ConsentWithdrawn(actor=actor, consent=consent))
    return consent


@transaction.atomic
def note_add(*, actor: Actor, case: Case, body: str) -> Note:
    """Add an encrypted note to the case."""
    case = _require_case(actor, case)
    check = Checker()
    body = check.text(
        "body", body, max_length=MAX_NOTE, required=True, required_message=_("The note is empty.")
    )
    check.raise_if_errors()
    note = Note(case=case, body=body, author=actor.user)
    return _save_part(actor, note, CaseAction.NOTE_ADD, ["body"], ["case", "author"])


@transaction.atomic
def case_assign(
    *, actor: Actor, case: Case, owner: Any, team: list[Any] | tuple[Any, ...] = ()
) -> Case:
    """A supervisor sets the case owner and team: active case workers of the organization."""
    case = _require_case(actor, case, perms.CASES_VIEW_ALL)
    members = {user.pk: user for user in case_holders(organization=case.organization)}
    errors: dict[str, list[str]] = {}
    if owner.pk not in members:
        errors["owner"] = [_("The owner must be an active case worker of this organization.")]
    for i, user in enumerate(team):
        if user.pk not in members:
            errors[f"team[{i}]"] = [_("Not an active case worker of this organization.")]
    if errors:
        raise ValidationFailed.of(errors)
    changed = []
    if case.owner_id != owner.pk:
        case.owner = owner
        case.version += 1
        case.save()
        changed.append("owner")
    if set(case.team.values_list("pk", flat=True)) != {u.pk for u in team}:
        case.team.set(team)
        changed.append("team")
    if changed:
        audit_record(
            actor=actor,
            action=CaseAction.ASSIGN,
            obj=case,
            fields=changed,
        )
    return case


@transaction.atomic
def case_close_referred(*, actor: Actor, case: Case, reason: str) -> Case:
    """Close a case handed on to another organization (HTCDS ClosedReferred): the everyday end
    of a hotline's case, which its operator records; reopening still needs the close right."""
    case = _require_case(actor, case, perms.CASES_HAND_ON)
    if CaseStatus.CLOSED_REFERRED not in STATUS_TRANSITIONS[case.status]:
        raise ValidationFailed.of({"status": [_("This case is already closed.")]})
    check = Checker()
    reason = check.text("reason", reason, max_length=MAX_REASON, required=True)
    check.raise_if_errors()
    case.status = CaseStatus.CLOSED_REFERRED
    case.closure_reason = reason
    case.closed_on = local_today(actor.organization)
    case.version += 1
    case.save()
    audit_record(
        actor=actor,
        action=CaseAction.STATUS,
        obj=case,
        fields=["status", "closure_reason", "closed_on"],
    )
    return case


# What the retention of a closed copy clears of the person: every identifying field. The
# statistical ones (sex, citizenship, languages, age band) stay for the figures.
_PERSON_CLEARED: dict[str, Any] = {
    "given_name": "",
    "family_name": "",
    "patronymic": "",
    "names": [],
    "birth_date": "",
    "birth_year": "",
    "approximate_age": "",
    "documents": [],
    "phones": [],
    "address": "",
}


def case_identifying_clear(*, case: Case, action: models.TextChoices) -> list[str]:
    """Clear the identifying fields of a closed case's person and its closure reason, keeping the
    statistical ones; for retention jobs, acting for no one. Audited under ``action``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_identifying_clear must run inside the caller's transaction")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in CLOSED_STATUSES:
        raise Conflict(_("Only a closed case can be cleared."))
    person = Person.objects.select_for_update().get(pk=case.person_id)
    age_band, is_minor = person.age_band, person.is_minor
    changed = person_apply(person, dict(_PERSON_CLEARED), identified_on=case.opened_on)
    # The age band was computed from the birth data now cleared: the figures keep it.
    person.age_band, person.is_minor = age_band, is_minor
    person_save_changes(
        actor=None, person=person, changed=changed, action=action, organization=case.organization
    )
    if case.closure_reason:
        case.closure_reason = ""
        case.version += 1
        case.save()
        audit_record(
            actor=None,
            organization=case.organization,
            action=action,
            obj=case,
            fields=["closure_reason"],
        )
        changed.append("closure_reason")
    return changed
