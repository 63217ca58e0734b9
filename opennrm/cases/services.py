"""Writes to cases and their parts. Each checks permission, validates, writes and audits at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from opennrm import events
from opennrm.accounts import permissions as perms
from opennrm.accounts.models import IdentificationBy, Organization, OrganizationType
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.notifications.models import Kind
from opennrm.notifications.services import notification_send
from opennrm.people.audit import PersonAction
from opennrm.people.models import Person
from opennrm.people.services import (
    person_apply,
    person_reindex,
    person_release,
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
    DECISION_IN_FORCE,
    STATUS_TRANSITIONS,
    CaseStatus,
    ConsentPurpose,
    DatePrecision,
    DecisionMakingOrganization,
    DecisionSource,
    DecisionState,
    HistoricEventType,
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
        identification_due_on=identification_reasonable_grounds_due(
            actor.active_organization, opened_on
        ),
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
        fields=["number", "status", "owner", "opened_on", "identification_due_on", *case_changed],
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


# After the recovery and reflection period ends, the conclusive decision is due within this many
# days (decision 0014).
CONCLUSIVE_DECISION_DAYS = 14
MAX_AUTHORITY_NAME = 200
MAX_REFERENCE = 100
# The positive outcome of each stage; either stage may also conclude "not a victim".
POSITIVE_OUTCOME = {
    IdentificationStage.PRESUMED: TraffickingStatus.POSSIBLE,
    IdentificationStage.IDENTIFIED: TraffickingStatus.ACTUAL,
}


@dataclass(frozen=True)
class DecisionEffect:
    """What a decision does once in force: what the confirmation step shows before any write."""

    stage: str
    outcome: str
    decided_by_type: str
    decided_by_name: str
    decided_on: date | None
    supersedes: IdentificationDecision | None

    @property
    def stage_label(self) -> str:
        return str(IdentificationStage(self.stage).label)

    @property
    def outcome_label(self) -> str:
        return str(TraffickingStatus(self.outcome).label)

    @property
    def decided_by_type_label(self) -> str:
        return str(DecisionMakingOrganization(self.decided_by_type).label)


def identification_reasonable_grounds_due(organization: Organization, opened_on: date) -> date:
    """The day the reasonable-grounds decision is due for a case opened on ``opened_on``."""
    return opened_on + timedelta(days=organization.reasonable_grounds_days)


def _in_force(case: Case) -> list[IdentificationDecision]:
    return list(case.decisions.filter(state__in=DECISION_IN_FORCE).order_by("proposed_at", "id"))


def _in_force_of(
    case: Case, stage: str, *, besides: IdentificationDecision | None = None
) -> IdentificationDecision | None:
    """The latest decision of ``stage`` in force, other than ``besides``."""
    return next(
        (
            d
            for d in reversed(_in_force(case))
            if d.stage == stage and (besides is None or d.pk != besides.pk)
        ),
        None,
    )


def _outcome(check: Checker, stage: str, outcome: str) -> str:
    """The outcome given (the stage's positive one when blank), if it fits the stage."""
    if stage not in IdentificationStage.values:
        check.add("stage", _("Choose one of the listed values."))
        return ""
    outcome = outcome or POSITIVE_OUTCOME[IdentificationStage(stage)]
    allowed = {POSITIVE_OUTCOME[IdentificationStage(stage)], TraffickingStatus.NOT_A_VICTIM}
    if outcome not in allowed:
        check.add("outcome", _("This outcome does not follow from a decision of this stage."))
    return outcome


def _decided_by_type(check: Checker, value: str) -> str:
    if value not in DecisionMakingOrganization.values:
        check.add("decided_by_type", _("Choose one of the listed values."))
    return value


def _propose_checked(
    actor: Actor,
    case: Case,
    *,
    stage: str,
    grounds: str,
    decided_by_type: str,
    outcome: str = "",
    reconsiders: IdentificationDecision | None = None,
    new_information: str = "",
    requested_early: bool = False,
) -> tuple[dict[str, Any], DecisionEffect]:
    """The values of a proposal, checked, and what it will do; ValidationFailed otherwise."""
    check = Checker()
    organization = case.organization
    if organization.identification_by == IdentificationBy.AUTHORITY:
        check.add(
            "stage",
            _("In your organization the competent authority decides: record its decision instead."),
        )
    grounds = check.text(
        "grounds",
        grounds,
        max_length=MAX_PARAGRAPH,
        required=True,
        required_message=_("Write the grounds for the decision."),
    )
    new_information = check.text("new_information", new_information, max_length=MAX_PARAGRAPH)
    decided_by_type = _decided_by_type(check, decided_by_type)
    outcome = _outcome(check, stage, outcome)
    in_force = case.status_decision
    if reconsiders is not None:
        if reconsiders.case_id != case.pk or in_force is None or reconsiders.pk != in_force.pk:
            check.add("reconsiders", _("Only the decision in force can be reconsidered."))
        elif stage != reconsiders.stage:
            check.add(
                "stage",
                _("A reconsideration answers the question of the decision it reconsiders."),
            )
        if not new_information and not check.has("new_information"):
            check.add("new_information", _("Say what new information calls for reconsideration."))
    elif new_information:
        check.add("new_information", _("Only a reconsideration carries new information."))
    elif stage in IdentificationStage.values and not check.has("stage"):
        if _in_force_of(case, stage) is not None:
            check.add(
                "stage",
                _("A decision of this stage is in force: reconsider it on new information."),
            )
        elif stage == IdentificationStage.IDENTIFIED:
            presumed = _in_force_of(case, IdentificationStage.PRESUMED)
            if presumed is None or presumed.outcome != TraffickingStatus.POSSIBLE:
                check.add(
                    "stage",
                    _("A conclusive decision follows an approved presumed-victim decision."),
                )
            elif (
                case.reflection_ends_on is not None
                and local_today(organization) < case.reflection_ends_on
                and not requested_early
            ):
                check.add(
                    "stage",
                    _(
                        "The recovery and reflection period runs until %(date)s: the conclusive "
                        "decision comes after it, unless the person asks for it earlier."
                    )
                    % {"date": case.reflection_ends_on.isoformat()},
                )
    if case.decisions.filter(state=DecisionState.PROPOSED).exists():
        check.add("stage", _("A decision already awaits approval."))
    check.raise_if_errors()
    values = {
        "stage": stage,
        "outcome": outcome,
        "grounds": grounds,
        "decided_by_type": decided_by_type,
        "reconsiders": reconsiders,
        "new_information": new_information,
        "requested_early": bool(requested_early) and stage == IdentificationStage.IDENTIFIED,
    }
    effect = DecisionEffect(
        stage=stage,
        outcome=outcome,
        decided_by_type=decided_by_type,
        decided_by_name=organization.name,
        decided_on=None,
        supersedes=reconsiders,
    )
    return values, effect


@transaction.atomic
def identification_propose_preview(*, actor: Actor, case: Case, **data: Any) -> DecisionEffect:
    """What a proposal would do, checked exactly as ``identification_propose`` checks it; writes
    nothing (the page's confirmation step)."""
    case = _require_case(actor, case, perms.IDENTIFICATION_PROPOSE)
    return _propose_checked(actor, case, **data)[1]


@transaction.atomic
def identification_propose(*, actor: Actor, case: Case, **data: Any) -> IdentificationDecision:
    """Propose a decision for another supervisor to approve: reasonable grounds (presumed
    victim), conclusive grounds after the reflection period, or a reconsideration of the decision
    in force on new information. The organization's other supervisors are notified."""
    case = _require_case(actor, case, perms.IDENTIFICATION_PROPOSE)
    values, _effect = _propose_checked(actor, case, **data)
    decision = IdentificationDecision(case=case, proposed_by=actor.user, **values)
    full_clean_or_raise(decision, exclude=["case", "proposed_by", "reconsiders"])
    decision.save()
    fields = ["stage", "outcome", "grounds", "decided_by_type"]
    if decision.reconsiders_id:
        fields += ["reconsiders", "new_information"]
    if decision.requested_early:
        fields.append("requested_early")
    audit_record(actor=actor, action=CaseAction.IDENTIFICATION_PROPOSE, obj=decision, fields=fields)
    notification_send(
        organization=case.organization,
        kind=Kind.IDENTIFICATION_PROPOSED,
        message=gettext_noop("An identification decision on case %(number)s awaits approval."),
        params={"number": case.number},
        url=reverse("cases:identification", args=[case.uuid]),
        permission=perms.IDENTIFICATION_APPROVE,
        exclude=actor.user,
    )
    return decision


def _review_checked(
    actor: Actor, case: Case, decision: IdentificationDecision
) -> IdentificationDecision:
    decision = IdentificationDecision.objects.select_for_update().get(pk=decision.pk, case=case)
    if decision.proposed_by_id == actor.user.pk:
        raise PermissionDenied(
            _("You proposed this decision: another supervisor reviews it."),
            rule="identification.four_eyes",
        )
    if decision.state != DecisionState.PROPOSED:
        raise ValidationFailed.of({"state": [_("This decision was already reviewed.")]})
    return decision


@transaction.atomic
def identification_review_preview(
    *, actor: Actor, decision: IdentificationDecision, approve: bool
) -> DecisionEffect | None:
    """What approving would do (None for a rejection: nothing changes); writes nothing."""
    case = _require_case(actor, decision.case, perms.IDENTIFICATION_APPROVE)
    decision = _review_checked(actor, case, decision)
    if not approve:
        return None
    return DecisionEffect(
        stage=decision.stage,
        outcome=decision.outcome,
        decided_by_type=decision.decided_by_type,
        decided_by_name=case.organization.name,
        decided_on=local_today(case.organization),
        supersedes=decision.reconsiders,
    )


@transaction.atomic
def identification_review(
    *, actor: Actor, decision: IdentificationDecision, approve: bool
) -> IdentificationDecision:
    """A supervisor approves or rejects a proposal; approval puts it in force.

    Four eyes: the one who proposed a decision never reviews it, whatever their role.
    """
    case = _require_case(actor, decision.case, perms.IDENTIFICATION_APPROVE)
    decision = _review_checked(actor, case, decision)
    decision.state = DecisionState.APPROVED if approve else DecisionState.REJECTED
    decision.reviewed_by = actor.user
    decision.reviewed_at = timezone.now()
    fields = ["state", "reviewed_by"]
    if approve:
        decision.decided_on = local_today(case.organization)
        decision.decided_by_name = case.organization.name
        fields += ["decided_on", "decided_by_name"]
    decision.save()
    audit_record(
        actor=actor,
        action=CaseAction.IDENTIFICATION_APPROVE if approve else CaseAction.IDENTIFICATION_REJECT,
        obj=decision,
        fields=fields,
    )
    if approve:
        _put_in_force(actor, case, decision)
    return decision


def _authority_checked(
    actor: Actor,
    case: Case,
    *,
    stage: str,
    outcome: str,
    authority_name: str,
    decided_by_type: str,
    reference: str,
    decided_on: date | None,
    grounds: str = "",
) -> tuple[dict[str, Any], DecisionEffect]:
    check = Checker()
    organization = case.organization
    if organization.identification_by != IdentificationBy.AUTHORITY:
        check.add(
            "stage",
            _("Your organization decides identification itself: propose a decision instead."),
        )
    authority_name = check.text(
        "authority_name",
        authority_name,
        max_length=MAX_AUTHORITY_NAME,
        multiline=False,
        required=True,
        required_message=_("Name the authority that decided."),
    )
    reference = check.text(
        "reference",
        reference,
        max_length=MAX_REFERENCE,
        multiline=False,
        required=True,
        required_message=_("Give the reference number of the authority's decision."),
    )
    decided_on = check.date(
        "decided_on", decided_on, earliest=EARLIEST_RECORD, latest=local_today(organization)
    )
    if decided_on is None and not check.has("decided_on"):
        check.add("decided_on", _("Give the date of the authority's decision."))
    grounds = check.text("grounds", grounds, max_length=MAX_PARAGRAPH)
    decided_by_type = _decided_by_type(check, decided_by_type)
    outcome = _outcome(check, stage, outcome)
    check.raise_if_errors()
    values = {
        "stage": stage,
        "outcome": outcome,
        "decided_by_name": authority_name,
        "decided_by_type": decided_by_type,
        "reference": reference,
        "decided_on": decided_on,
        "grounds": grounds,
    }
    effect = DecisionEffect(
        stage=stage,
        outcome=outcome,
        decided_by_type=decided_by_type,
        decided_by_name=authority_name,
        decided_on=decided_on,
        supersedes=_in_force_of(case, stage),
    )
    return values, effect


@transaction.atomic
def identification_record_preview(*, actor: Actor, case: Case, **data: Any) -> DecisionEffect:
    """What recording the authority's decision would do; writes nothing."""
    case = _require_case(actor, case, perms.IDENTIFICATION_PROPOSE)
    return _authority_checked(actor, case, **data)[1]


@transaction.atomic
def identification_record(*, actor: Actor, case: Case, **data: Any) -> IdentificationDecision:
    """Record the competent authority's decision (its name, type, reference, date, outcome).
    Nobody here decided, so no second supervisor approves it; it is in force at once and
    supersedes the authority's earlier decision of the same stage."""
    case = _require_case(actor, case, perms.IDENTIFICATION_PROPOSE)
    values, _effect = _authority_checked(actor, case, **data)
    decision = IdentificationDecision(
        case=case,
        source=DecisionSource.AUTHORITY,
        state=DecisionState.RECORDED,
        proposed_by=actor.user,
        **values,
    )
    full_clean_or_raise(decision, exclude=["case", "proposed_by"])
    decision.save()
    audit_record(
        actor=actor,
        action=CaseAction.IDENTIFICATION_RECORD,
        obj=decision,
        fields=[*values, "source", "state"],
    )
    _put_in_force(actor, case, decision)
    return decision


@transaction.atomic
def identification_receive(
    *,
    actor: Actor,
    case: Case,
    stage: str,
    outcome: str,
    decided_by_type: str,
    decided_by_name: str,
    decided_on: date | None,
) -> IdentificationDecision | None:
    """Start a case received with a referral at the sender's decision (decision 0014): recorded
    as decided by the sender's side, not decided again here. None when nothing fits."""
    case = _require_case(actor, case)
    check = Checker()
    decided_by_name = check.text(
        "decided_by_name", decided_by_name, max_length=MAX_AUTHORITY_NAME, multiline=False
    )
    # No upper bound: the sender's day may be ahead of ours.
    decided_on = check.date("decided_on", decided_on, earliest=EARLIEST_RECORD)
    _decided_by_type(check, decided_by_type)
    outcome = _outcome(check, stage, outcome)
    if check.errors:
        return None
    decision = IdentificationDecision(
        case=case,
        source=DecisionSource.REFERRAL,
        state=DecisionState.RECORDED,
        stage=stage,
        outcome=outcome,
        decided_by_type=decided_by_type,
        decided_by_name=decided_by_name,
        decided_on=decided_on,
        proposed_by=actor.user,
    )
    decision.save()
    audit_record(
        actor=actor,
        action=CaseAction.IDENTIFICATION_RECEIVE,
        obj=decision,
        fields=["stage", "outcome", "decided_by_type", "decided_by_name", "decided_on"],
    )
    _put_in_force(actor, case, decision)
    return decision


def _put_in_force(actor: Actor, case: Case, decision: IdentificationDecision) -> None:
    """The decision sets the case's status; the one it replaces is kept, marked superseded; the
    deadlines follow (a reasonable-grounds decision starts the reflection period)."""
    replaced = decision.reconsiders or _in_force_of(case, decision.stage, besides=decision)
    if replaced is not None and replaced.pk != decision.pk:
        replaced.state = DecisionState.SUPERSEDED
        replaced.superseded_by = decision
        replaced.save(update_fields=["state", "superseded_by"])
        audit_record(
            actor=actor,
            action=CaseAction.IDENTIFICATION_SUPERSEDE,
            obj=replaced,
            fields=["state", "superseded_by"],
        )
    case.trafficking_status = decision.outcome
    case.trafficking_status_decided_by = decision.decided_by_type
    case.status_decision = decision
    fields = ["trafficking_status", "trafficking_status_decided_by", "status_decision"]
    if decision.stage == IdentificationStage.PRESUMED and (
        decision.outcome == TraffickingStatus.POSSIBLE
    ):
        start = decision.decided_on or local_today(case.organization)
        case.reflection_ends_on = start + timedelta(days=case.organization.reflection_days)
        case.identification_due_on = case.reflection_ends_on + timedelta(
            days=CONCLUSIVE_DECISION_DAYS
        )
    else:
        # Decided: conclusively, or "not a victim" on reasonable grounds.
        case.identification_due_on = None
        if decision.outcome == TraffickingStatus.NOT_A_VICTIM:
            case.reflection_ends_on = None
    fields += ["identification_due_on", "reflection_ends_on"]
    case.version += 1
    case.save()
    audit_record(actor=actor, action=CaseAction.UPDATE, obj=case, fields=fields)


def _save_part(
    actor: Actor, obj: Any, action: CaseAction, fields: list[str], exclude: list[str]
) -> Any:
    full_clean_or_raise(obj, exclude=exclude)
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, fields=fields)
    return obj


EVENT_FIELDS = ("event_type", "occurred_on", "date_precision", "country", "city", "description")


def _event_values(
    check: Checker, data: dict[str, Any], *, today: date, current: HistoricEvent | None = None
) -> dict[str, Any]:
    """The checked values of a route stop from ``data`` (a change names only some fields).

    A partial date is kept as the first day of its month or year, so stops sort by date; no
    date means "unknown", whatever the precision said.
    """
    check.unknown(data, EVENT_FIELDS)
    values: dict[str, Any] = {}
    if "event_type" in data:
        values["event_type"] = check.choice(
            "event_type", data["event_type"], HistoricEventType.values, required=True
        )
    if "country" in data:
        values["country"] = check.country("country", data["country"])
    if "city" in data:
        values["city"] = check.text("city", data["city"], max_length=MAX_CITY, multiline=False)
    if "description" in data:
        values["description"] = check.text(
            "description", data["description"], max_length=MAX_PARAGRAPH
        )
    if "occurred_on" in data or "date_precision" in data:
        day = (
            check.date(
                "occurred_on", data["occurred_on"], earliest=EARLIEST_LIFE_EVENT, latest=today
            )
            if "occurred_on" in data
            else (current.occurred_on if current else None)
        )
        precision = data.get("date_precision")
        if precision is None:
            precision = (current.date_precision if current else "") or DatePrecision.DAY
        precision = check.choice(
            "date_precision", precision or DatePrecision.DAY, DatePrecision.values
        )
        if day is not None and precision == DatePrecision.MONTH:
            day = day.replace(day=1)
        elif day is not None and precision == DatePrecision.YEAR:
            day = day.replace(month=1, day=1)
        values["occurred_on"] = day
        values["date_precision"] = precision if day is not None else ""
    return values


@transaction.atomic
def historic_event_add(
    *,
    actor: Actor,
    case: Case,
    event_type: str,
    occurred_on: date | None = None,
    date_precision: str = DatePrecision.DAY,
    country: str = "",
    city: str = "",
    description: str = "",
) -> HistoricEvent:
    """Record a recruitment, transit or exploitation event of the case: a stop of its route."""
    case = _require_case(actor, case)
    check = Checker()
    values = _event_values(
        check,
        {
            "event_type": event_type,
            "occurred_on": occurred_on,
            "date_precision": date_precision,
            "country": country,
            "city": city,
            "description": description,
        },
        today=local_today(actor.organization),
    )
    check.raise_if_errors()
    event = HistoricEvent(case=case, **values)
    fields = [name for name in EVENT_FIELDS if values.get(name)]
    return _save_part(actor, event, CaseAction.HISTORIC_EVENT_ADD, fields, ["case"])


def _event_for_write(actor: Actor, event: HistoricEvent) -> HistoricEvent:
    """The event, locked, if its case is visible and the actor may change it; NotFound if it
    was removed."""
    case = _require_case(actor, event.case)
    try:
        return HistoricEvent.objects.select_for_update().get(
            pk=event.pk, case=case, removed_at__isnull=True
        )
    except HistoricEvent.DoesNotExist:
        raise NotFound(_("Not found.")) from None


@transaction.atomic
def historic_event_update(*, actor: Actor, event: HistoricEvent, **changes: Any) -> HistoricEvent:
    """Change a stop of the route: only the fields named in ``changes``."""
    event = _event_for_write(actor, event)
    check = Checker()
    values = _event_values(
        check, changes, today=local_today(event.case.organization), current=event
    )
    check.raise_if_errors()
    changed = [name for name, value in values.items() if getattr(event, name) != value]
    for name in changed:
        setattr(event, name, values[name])
    if changed:
        _save_part(actor, event, CaseAction.HISTORIC_EVENT_UPDATE, changed, ["case", "removed_by"])
    return event


@transaction.atomic
def historic_event_remove(*, actor: Actor, event: HistoricEvent) -> HistoricEvent:
    """Take a stop off the route. It is kept, marked removed, as every part of a case is."""
    event = _event_for_write(actor, event)
    event.removed_at = timezone.now()
    event.removed_by = actor.user
    event.save(update_fields=["removed_at", "removed_by"])
    audit_record(
        actor=actor, action=CaseAction.HISTORIC_EVENT_REMOVE, obj=event, fields=["removed_at"]
    )
    return event


@transaction.atomic
def support_plan_create(
    *,
    actor: Actor,
    case: Case,
    plan_type: str,
    objectives: str = "",
    action_plan: str = "",
    planned_end_on: date | None = None,
    ended_on: date | None = None,
) -> SupportPlan:
    """Start a support plan for the case; ``ended_on``, a plan recorded once it had ended (from
    the organization's own files, HTCDS spl_ActualEndDate): not in the future."""
    case = _require_case(actor, case)
    check = Checker()
    objectives = check.text("objectives", objectives, max_length=MAX_PARAGRAPH)
    action_plan = check.text("action_plan", action_plan, max_length=MAX_PARAGRAPH)
    planned_end_on = check.date("planned_end_on", planned_end_on, earliest=EARLIEST_RECORD)
    ended_on = check.date(
        "ended_on", ended_on, earliest=EARLIEST_RECORD, latest=local_today(actor.organization)
    )
    check.raise_if_errors()
    plan = SupportPlan(
        case=case,
        plan_type=plan_type,
        objectives=objectives,
        action_plan=action_plan,
        planned_end_on=planned_end_on,
        ended_on=ended_on,
    )
    fields = ["plan_type", "objectives", "action_plan", "planned_end_on", "ended_on"]
    return _save_part(actor, plan, CaseAction.SUPPORT_PLAN_CREATE, fields, ["case"])


@transaction.atomic
def support_plan_end(
    *, actor: Actor, plan: SupportPlan, ended_on: date | None = None
) -> SupportPlan:
    """End a support plan on ``ended_on`` (the organization's today when not given, never in
    the future): a plan whose planned end passed leaves the follow-ups. A plan ends once."""
    case = _require_case(actor, plan.case)
    try:
        plan = SupportPlan.objects.select_for_update().get(pk=plan.pk, case=case)
    except SupportPlan.DoesNotExist:
        raise NotFound(_("Not found.")) from None
    if plan.ended_on is not None:
        raise ValidationFailed.of({"ended_on": [_("This plan has already ended.")]})
    today = local_today(case.organization)
    check = Checker()
    ended_on = check.date("ended_on", ended_on, earliest=EARLIEST_RECORD, latest=today)
    check.raise_if_errors()
    plan.ended_on = ended_on or today
    return _save_part(actor, plan, CaseAction.SUPPORT_PLAN_END, ["ended_on"], ["case"])


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
    _save_part(
        actor,
        consent,
        CaseAction.CONSENT_RECORD,
        fields,
        ["case", "recorded_by", "recipient_organization"],
    )
    if purpose == ConsentPurpose.ASSISTANCE:
        # The person's own consent to this organization's assistance: what it holds of them it
        # now holds under it, not under the consent it was once sent under (decision 0013).
        person = Person.objects.select_for_update().get(pk=case.person_id)
        released = person_release(person)
        if released:
            audit_record(actor=actor, action=PersonAction.CONFIRM, obj=person, fields=released)
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: Actor, consent: Consent, reason: str, withdrawn_on: date | None = None
) -> Consent:
    """Record that the person withdrew a consent, and why; it stays on record, marked withdrawn.

    What was shared under it is withdrawn in the same transaction (decision 0013)."""
    _require_case(actor, consent.case)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    check = Checker()
    reason = check.text(
        "reason",
        reason,
        max_length=MAX_REASON,
        required=True,
        required_message=_("Say why the consent is withdrawn."),
    )
    today = local_today(actor.organization)
    if consent.withdrawn_on is not None:
        check.add("withdrawn_on", _("This consent was already withdrawn."))
    elif withdrawn_on is not None and withdrawn_on > today:
        check.add("withdrawn_on", _("This date is in the future."))
    elif withdrawn_on is not None and withdrawn_on < consent.given_on:
        check.add("withdrawn_on", _("Cannot be before the consent was given."))
    check.raise_if_errors()
    withdrawn_on = withdrawn_on or today
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_recorded_by = actor.user
    consent.withdrawal_reason = reason
    consent.save()
    audit_record(
        actor=actor,
        action=CaseAction.CONSENT_WITHDRAW,
        obj=consent,
        fields=["withdrawn_on", "withdrawal_reason"],
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
    "phones": [],  # and their kinds with them
    "address": "",
    "address_parts": {},
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
