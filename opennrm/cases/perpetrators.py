"""Perpetrator records of a case: reads and writes, and sharing them with the police liaison.

Who may do what is decision 0017: case workers and supervisors of the case's organization read
and record them on the cases they see; a supervisor shares one case's records with the
organization's law-enforcement liaison, by an explicit choice that is audited and can be
withdrawn; the liaison reads only what is shared now. A record is removed by marking it: it
stays in the database (and in the history) but is no longer shown.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_read, audit_record
from opennrm.errors import Conflict, NotFound, ValidationFailed
from opennrm.people.models import Gender
from opennrm.validation import MAX_ITEMS, MAX_LINE, MAX_PARAGRAPH, Checker

from .audit import CaseAction
from .choices import PerpetratorRole, RelationshipToTrafficker
from .models import Case, Perpetrator, PerpetratorShare
from .selectors import case_get, case_visible
from .services import _require_case

# "A man of about forty, tall, a scar on the left cheek, called Rustam" fits; a life story
# belongs in "what they did".
MAX_DESCRIPTION = 500
FIELDS = (
    "roles",
    "relationship",
    "name",
    "phones",
    "vehicles",
    "places",
    "actions",
    "sex",
    "nationality",
)


# --- Reads.


def _visible_case(actor: Actor, case: Case) -> None:
    actor.require(perms.PERPETRATORS_WORK)
    if not case_visible(actor=actor).filter(pk=case.pk).exists():
        raise NotFound(_("No such case."))


def case_perpetrator_list(*, actor: Actor, case: Case) -> QuerySet[Perpetrator]:
    """The perpetrator records of a visible case, removed ones left out, in recorded order."""
    _visible_case(actor, case)
    return case.perpetrators.filter(removed_at__isnull=True).select_related("recorded_by")


def case_perpetrator_get(*, actor: Actor, case: Case, perpetrator_id: UUID | str) -> Perpetrator:
    """One perpetrator record of a visible case, not removed; NotFound for any other."""
    _visible_case(actor, case)
    try:
        return case.perpetrators.select_related("case").get(
            uuid=perpetrator_id, removed_at__isnull=True
        )
    except (Perpetrator.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Not found.")) from None


def perpetrator_share_current(*, actor: Actor, case: Case) -> PerpetratorShare | None:
    """The share in force of a visible case's perpetrator records, if any."""
    _visible_case(actor, case)
    return (
        case.perpetrator_shares.filter(withdrawn_at__isnull=True)
        .select_related("shared_by")
        .first()
    )


def perpetrator_share_history(*, actor: Actor, case: Case) -> QuerySet[PerpetratorShare]:
    """Every share of a visible case's perpetrator records, withdrawn ones too, newest first."""
    _visible_case(actor, case)
    return case.perpetrator_shares.select_related("shared_by", "withdrawn_by")


def _shares_in_force(actor: Actor) -> QuerySet[PerpetratorShare]:
    """The shares in force of the liaison's own organization: the one rule of what they see."""
    actor.require(perms.PERPETRATORS_VIEW_SHARED)
    return PerpetratorShare.objects.filter(
        case__organization=actor.active_organization, withdrawn_at__isnull=True
    )


def shared_case_list(*, actor: Actor) -> QuerySet[PerpetratorShare]:
    """For the police liaison: the cases whose perpetrator records are shared now, newest first."""
    return _shares_in_force(actor).select_related("case", "shared_by").order_by("-shared_at")


def shared_perpetrators_get(*, actor: Actor, case_id: UUID | str) -> tuple[Case, list[Perpetrator]]:
    """For the police liaison: one shared case and its perpetrator records; the read is audited
    against the share it was made under. NotFound when not shared (or no longer)."""
    try:
        share = _shares_in_force(actor).select_related("case").get(case__uuid=case_id)
    except (PerpetratorShare.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("No such case.")) from None
    audit_read(actor=actor, obj=share)
    case = share.case
    return case, list(case.perpetrators.filter(removed_at__isnull=True))


def readable_perpetrators(*, actor: Actor, case_id: UUID | str) -> tuple[Case, list[Perpetrator]]:
    """The perpetrator records of a case by whichever right the actor holds: their own case
    work, or a share with the liaison. The API's one read."""
    if actor.can(perms.PERPETRATORS_WORK):
        case = case_get(actor=actor, case_id=case_id)
        return case, list(case_perpetrator_list(actor=actor, case=case))
    return shared_perpetrators_get(actor=actor, case_id=case_id)


# --- Writes.


def _clean(check: Checker, data: dict[str, Any]) -> dict[str, Any]:
    """Every field of a record, checked; the lists without blank or repeated entries."""
    check.unknown(data, FIELDS)
    roles = check.choices(
        "roles",
        data.get("roles") or [],
        PerpetratorRole.values,
        max_items=len(PerpetratorRole.values),
    )
    if len(set(roles)) != len(roles):
        check.add("roles", _("A value is repeated."))
    values: dict[str, Any] = {
        "roles": roles,
        "relationship": check.choice(
            "relationship", data.get("relationship", ""), RelationshipToTrafficker.values
        ),
        "name": check.text(
            "name",
            data.get("name", ""),
            max_length=MAX_DESCRIPTION,
            required=True,
            required_message=_("Give a name, a nickname or a description."),
        ),
        "actions": check.text("actions", data.get("actions", ""), max_length=MAX_PARAGRAPH),
        "sex": check.choice("sex", data.get("sex", ""), Gender.values),
        "nationality": check.country("nationality", data.get("nationality", "")),
    }
    phones = check.list_size("phones", data.get("phones"), max_items=MAX_ITEMS)
    values["phones"] = _unique(check.phone(f"phones[{i}]", p) for i, p in enumerate(phones))
    for name in ("vehicles", "places"):
        items = check.list_size(name, data.get(name), max_items=MAX_ITEMS)
        values[name] = _unique(
            check.text(f"{name}[{i}]", item, max_length=MAX_LINE, multiline=False)
            for i, item in enumerate(items)
        )
    return values


def _unique(values: Any) -> list[str]:
    result: list[str] = []
    for value in values:
        if value and value not in result:
            result.append(value)
    return result


@transaction.atomic
def perpetrator_add(*, actor: Actor, case: Case, **data: Any) -> Perpetrator:
    """Record someone who took part in the trafficking of the case's person."""
    case = _require_case(actor, case, perms.PERPETRATORS_WORK)
    check = Checker()
    values = _clean(check, data)
    check.raise_if_errors()
    perpetrator = Perpetrator(case=case, recorded_by=actor.user, **values)
    perpetrator.save()
    audit_record(
        actor=actor,
        action=CaseAction.PERPETRATOR_ADD,
        obj=perpetrator,
        fields=[name for name in FIELDS if values[name]],
    )
    return perpetrator


@transaction.atomic
def perpetrator_update(
    *, actor: Actor, perpetrator: Perpetrator, version: int, **data: Any
) -> Perpetrator:
    """Change a perpetrator record; refused over someone else's newer change."""
    case = _require_case(actor, perpetrator.case, perms.PERPETRATORS_WORK)
    try:
        record = Perpetrator.objects.select_for_update().get(
            pk=perpetrator.pk, case=case, removed_at__isnull=True
        )
    except Perpetrator.DoesNotExist:
        raise NotFound(_("Not found.")) from None
    if record.version != version:
        raise Conflict(
            _("Someone else changed this record while you were editing. Reload and retry.")
        )
    check = Checker()
    values = _clean(check, data)
    check.raise_if_errors()
    changed = [name for name in FIELDS if getattr(record, name) != values[name]]
    if changed:
        for name in changed:
            setattr(record, name, values[name])
        record.version += 1
        record.save()
        audit_record(actor=actor, action=CaseAction.PERPETRATOR_UPDATE, obj=record, fields=changed)
    return record


@transaction.atomic
def perpetrator_remove(*, actor: Actor, perpetrator: Perpetrator) -> Perpetrator:
    """Mark a record removed (recorded in error, or a duplicate): kept, no longer shown."""
    case = _require_case(actor, perpetrator.case, perms.PERPETRATORS_WORK)
    try:
        record = Perpetrator.objects.select_for_update().get(
            pk=perpetrator.pk, case=case, removed_at__isnull=True
        )
    except Perpetrator.DoesNotExist:
        raise NotFound(_("Not found.")) from None
    record.removed_at = timezone.now()
    record.removed_by = actor.user
    record.save(update_fields=["removed_at", "removed_by"])
    audit_record(
        actor=actor,
        action=CaseAction.PERPETRATOR_REMOVE,
        obj=record,
        fields=["removed_at", "removed_by"],
    )
    return record


@transaction.atomic
def perpetrators_share(*, actor: Actor, case: Case) -> PerpetratorShare:
    """A supervisor lets the organization's police liaison read the case's perpetrator records."""
    case = _require_case(actor, case, perms.PERPETRATORS_SHARE)
    if case.perpetrator_shares.filter(withdrawn_at__isnull=True).exists():
        raise ValidationFailed.of({"share": [_("The records are already shared.")]})
    share = PerpetratorShare(case=case, shared_by=actor.user)
    try:
        with transaction.atomic():
            share.save()
    except IntegrityError:  # shared at the same moment by another supervisor
        raise ValidationFailed.of({"share": [_("The records are already shared.")]}) from None
    audit_record(actor=actor, action=CaseAction.PERPETRATORS_SHARE, obj=share, fields=["shared_by"])
    return share


@transaction.atomic
def perpetrators_unshare(*, actor: Actor, case: Case) -> PerpetratorShare:
    """A supervisor withdraws the share: from now on the liaison no longer reads the records."""
    case = _require_case(actor, case, perms.PERPETRATORS_SHARE)
    share = case.perpetrator_shares.select_for_update().filter(withdrawn_at__isnull=True).first()
    if share is None:
        raise ValidationFailed.of({"share": [_("The records are not shared.")]})
    share.withdrawn_at = timezone.now()
    share.withdrawn_by = actor.user
    share.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_record(
        actor=actor,
        action=CaseAction.PERPETRATORS_UNSHARE,
        obj=share,
        fields=["withdrawn_at", "withdrawn_by"],
    )
    return share
