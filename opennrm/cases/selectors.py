"""Reads of cases and persons, always scoped to the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization, User
from opennrm.accounts.permissions import Actor
from opennrm.audit.models import AuditEvent
from opennrm.audit.services import audit_read
from opennrm.crypto.keyring import blind_index
from opennrm.errors import NotFound
from opennrm.people.models import PersonName
from opennrm.people.services import IDENTIFYING_FIELDS
from opennrm.validation import text_problem

from .fields import has
from .models import (
    Case,
    Consent,
    HistoricEvent,
    IdentificationDecision,
    Note,
    Service,
    SupportPlan,
)


def case_visible(*, actor: Actor) -> QuerySet[Case]:
    """Every case the actor may see: all of the organization's for a supervisor, else their own.

    The one place where case visibility is decided.
    """
    actor.require(perms.CASES_VIEW)
    cases = Case.objects.filter(organization=actor.organization)
    if actor.can(perms.CASES_VIEW_ALL):
        return cases
    on_team = Case.team.through.objects.filter(user_id=actor.user.pk).order_by().values("case_id")
    if connection.vendor == "sqlite":
        # One list of keys, probed from the date index before a row is read: three times faster
        # on SQLite than testing each row's owner. PostgreSQL would build the list and hash-join
        # it with every case of the organization instead (forty times slower), so it gets the OR.
        owned = cases.filter(owner=actor.user).order_by().values("pk")
        return cases.filter(pk__in=owned.union(on_team))
    return cases.filter(Q(owner=actor.user) | Q(pk__in=on_team))


# Above this many matches a name search keeps the matching set in the database (a subquery)
# rather than as a list of keys: SQLite refuses statements with more than 32,766 parameters.
NAME_SEARCH_MAX_KEYS = 20_000


@dataclass
class CaseFilters:
    status: str = ""
    owner: str = ""  # user UUID
    exploitation_type: str = ""
    citizenship: str = ""
    gender: str = ""
    opened_from: date | None = None
    opened_to: date | None = None
    q: str = ""  # case number or a name in any script, exact after normalization


def case_list(*, actor: Actor, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """Visible cases, filtered, newest first, with what a list row shows."""
    f = filters or CaseFilters()
    cases = case_visible(actor=actor)
    if f.status:
        cases = cases.filter(status=f.status)
    if f.owner:
        cases = cases.filter(owner__uuid=f.owner)
    if f.exploitation_type:
        cases = cases.filter(has("exploitation_types", f.exploitation_type))
    if f.citizenship:
        cases = cases.filter(person__citizenship=f.citizenship.upper())
    if f.gender:
        cases = cases.filter(person__gender=f.gender)
    if f.opened_from:
        cases = cases.filter(opened_on__gte=f.opened_from)
    if f.opened_to:
        cases = cases.filter(opened_on__lte=f.opened_to)
    if f.q.strip() and text_problem(f.q):
        # No name or number holds a control character or broken text (the kit refuses them);
        # a lone surrogate could not even be hashed into a search token.
        cases = cases.none()
    elif f.q.strip():
        cases = _named_or_numbered(actor=actor, cases=cases, q=f.q.strip())
    # A list row shows no names: leave the person's identifying fields encrypted, unread.
    return (
        cases.select_related("person", "owner")
        .defer(*(f"person__{name}" for name in sorted(IDENTIFYING_FIELDS)))
        .order_by("-opened_on", "-id")
    )


def _named_or_numbered(*, actor: Actor, cases: QuerySet[Case], q: str) -> QuerySet[Case]:
    """The cases of ``cases`` whose person bears the name ``q`` or whose number is ``q``.

    Each step is one index lookup: the persons bearing the name (name-token index), their cases
    (person index) and the case of that number, then the visible ones among those few (primary
    key). Put as one statement, the OR across tables and the date order make both SQLite and
    PostgreSQL walk every case of the organization newest first, testing each: seconds at a
    million cases. The result is keyed by primary key alone, so the final date sort runs over
    the matches only.
    """
    persons = PersonName.objects.filter(
        organization=actor.organization, token=blind_index(q, purpose="name")
    ).values("person_id")
    named = Case.objects.filter(person_id__in=persons).values_list("pk", flat=True)
    keys = list(named[: NAME_SEARCH_MAX_KEYS + 1])
    if len(keys) > NAME_SEARCH_MAX_KEYS:
        return cases.filter(Q(person_id__in=persons) | Q(number=q.upper()))
    numbered = Case.objects.filter(organization=actor.organization, number=q.upper())
    keys.extend(numbered.values_list("pk", flat=True))
    visible = list(cases.filter(pk__in=keys).order_by().values_list("pk", flat=True))
    return Case.objects.filter(pk__in=visible)


def case_get(*, actor: Actor, case_id: UUID | str, audit: bool = True) -> Case:
    """One visible case; the same NotFound for "does not exist" and "not yours". Audited read."""
    try:
        case = case_visible(actor=actor).select_related("person", "owner").get(uuid=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such case.") from None
    if audit:
        audit_read(actor=actor, obj=case)
    return case


def case_history(*, actor: Actor, case: Case) -> QuerySet[AuditEvent]:
    """The audit events of a visible case and its parts, newest first."""
    case_get(actor=actor, case_id=case.uuid, audit=False)
    ids = [case.uuid, case.person.uuid]
    for related in (
        case.decisions,
        case.services,
        case.consents,
        case.notes,
        case.plans,
        case.events,
        case.attachments,
        case.screenings,
        case.signals,
    ):
        ids.extend(related.values_list("uuid", flat=True))
    returned = Case.objects.filter(pk=case.pk, return_record__isnull=False)
    for parts in returned.values_list("return_record__uuid", "return_record__follow_ups__uuid"):
        ids.extend(uuid for uuid in parts if uuid)
    return (
        AuditEvent.objects.filter(object_id__in=ids)
        .exclude(action="read")
        .select_related("actor", "organization")
        .order_by("-id")
    )


def partner_get(*, actor: Actor, organization_id: UUID | str) -> Organization:
    """An active organization a case may name: a service's provider or a consent's recipient."""
    actor.require(perms.CASES_UPDATE)
    try:
        return Organization.objects.get(uuid=organization_id, is_active=True)
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such organization.") from None


def partner_list(*, actor: Actor) -> QuerySet[Organization]:
    """The active organizations a case may name (provider, consent recipient), by name."""
    actor.require(perms.CASES_UPDATE)
    return Organization.objects.filter(is_active=True).order_by("name")


def case_owner_list(*, actor: Actor) -> QuerySet[User]:
    """The members of the actor's organization whose role can hold cases, for the owner filter."""
    actor.require(perms.CASES_VIEW)
    roles = [
        role for role, granted in perms.ROLE_PERMISSIONS.items() if perms.CASES_VIEW in granted
    ]
    return (
        User.objects.filter(
            memberships__organization=actor.organization, memberships__role__in=roles
        )
        .distinct()
        .order_by("email")
    )


def case_holders(*, organization: Organization) -> QuerySet[User]:
    """Who may own or be on the team of a case of ``organization``: its active members whose
    role may work cases (``cases.view`` in the permission table), active users. The one rule."""
    roles = [
        role for role, granted in perms.ROLE_PERMISSIONS.items() if perms.CASES_VIEW in granted
    ]
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization=organization,
            memberships__is_active=True,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("email")
    )


def case_assignable_list(*, actor: Actor) -> QuerySet[User]:
    """The users a supervisor may make owner or team of a case: ``case_holders`` of the
    actor's organization. A user of another organization is not among them."""
    actor.require(perms.CASES_VIEW_ALL)
    return case_holders(organization=actor.active_organization)


# --- The parts of a case. Each takes a case read through ``case_get`` (the audited read) and
# checks again that the actor may see it: a part is never reached around its case.


def _require_visible(actor: Actor, case: Case) -> None:
    if not case_visible(actor=actor).filter(pk=case.pk).exists():
        raise NotFound("No such case.")


def _part_get(parts: QuerySet[Any], part_id: UUID | str) -> Any:
    try:
        return parts.get(uuid=part_id)
    except (parts.model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Not found.")) from None


def case_decision_list(*, actor: Actor, case: Case) -> QuerySet[IdentificationDecision]:
    """The identification decisions of a visible case, oldest first."""
    _require_visible(actor, case)
    return case.decisions.select_related("proposed_by", "reviewed_by")


def case_decision_get(
    *, actor: Actor, case: Case, decision_id: UUID | str
) -> IdentificationDecision:
    """One decision of a visible case, for a review; NotFound for any other."""
    _require_visible(actor, case)
    return _part_get(case.decisions.select_related("case"), decision_id)


def case_plan_list(*, actor: Actor, case: Case) -> QuerySet[SupportPlan]:
    """The support plans of a visible case, in the order they were made."""
    _require_visible(actor, case)
    return case.plans.order_by("id")


def case_plan_get(*, actor: Actor, case: Case, plan_id: UUID | str) -> SupportPlan:
    """One support plan of a visible case; NotFound for any other."""
    _require_visible(actor, case)
    return _part_get(case.plans.all(), plan_id)


def case_service_list(*, actor: Actor, case: Case) -> QuerySet[Service]:
    """The services of a visible case with their provider and plan (one query for the list)."""
    _require_visible(actor, case)
    return case.services.select_related("provider", "plan").order_by("id")


def case_consent_list(*, actor: Actor, case: Case) -> QuerySet[Consent]:
    """What the person of a visible case agreed to, withdrawn consents included."""
    _require_visible(actor, case)
    return case.consents.select_related("recipient_organization", "recorded_by")


def case_consent_get(*, actor: Actor, case: Case, consent_id: UUID | str) -> Consent:
    """One consent of a visible case, for a withdrawal; NotFound for any other."""
    _require_visible(actor, case)
    return _part_get(case.consents.select_related("case"), consent_id)


def case_note_list(*, actor: Actor, case: Case) -> QuerySet[Note]:
    """The notes of a visible case, newest first, with their authors."""
    _require_visible(actor, case)
    return case.notes.select_related("author").order_by("-created_at", "-id")


def case_event_list(*, actor: Actor, case: Case) -> QuerySet[HistoricEvent]:
    """Recruitment, transit and exploitation events of a visible case, in date order."""
    _require_visible(actor, case)
    return case.events.all()


def case_attachment_list(*, actor: Actor, case: Case) -> QuerySet[Any]:
    """The attachments of a visible case (metadata only), newest first."""
    _require_visible(actor, case)
    return case.attachments.order_by("-uploaded_at", "-id")
