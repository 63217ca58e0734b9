"""Writes to referrals. Each checks permission, validates, writes, audits and notifies at once.

Audit events name fields, never values; notifications carry the referral number, the other
organization's name and what happened, never anything about the person.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Membership, Organization, OrganizationType
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.cases.choices import CLOSED_STATUSES, CaseStatus, ServiceType
from opennrm.cases.events import ConsentWithdrawn
from opennrm.cases.models import Case, Consent, NumberKind
from opennrm.cases.numbers import number_take
from opennrm.cases.selectors import case_visible
from opennrm.cases.services import case_change_status, case_open, identification_receive
from opennrm.errors import NotFound, PermissionDenied, ValidationFailed
from opennrm.notifications.services import notification_send
from opennrm.people.models import Person
from opennrm.people.services import (
    LIST_FIELDS,
    held_item,
    person_clear_held,
    person_hold,
    person_take_age_band,
)
from opennrm.validation import Checker

from .audit import ReferralAction
from .choices import (
    EXPLOITATION_FIELDS,
    IDENTIFICATION_FOR_TYPES,
    IDENTIFYING_SHARED_FIELDS,
    MINIMUM_SHARED_FIELDS,
    PERSON_FIELDS_OF,
    ReferralKind,
    ReferralReason,
    ReferralStatus,
    SharedField,
    Urgency,
)
from .models import Referral
from .selectors import consent_withdrawn_on, covering_consent, referral_visible

# How long the receiver has to answer, by urgency. ``OPENNRM_REFERRAL_DEADLINES`` in the
# settings may replace any of them: a ``timedelta`` or a number of hours.
DEFAULT_DEADLINES = {
    Urgency.URGENT: timedelta(hours=2),
    Urgency.NORMAL: timedelta(days=2),
    Urgency.LOW: timedelta(days=7),
}
MAX_NOTE = 5000
MAX_REASON = 2000


def response_time(urgency: str) -> timedelta:
    """The time the receiver has to answer a referral of this urgency."""
    configured = getattr(settings, "OPENNRM_REFERRAL_DEADLINES", None) or {}
    value = configured.get(str(urgency), DEFAULT_DEADLINES[Urgency(urgency)])
    return value if isinstance(value, timedelta) else timedelta(hours=float(value))


def _url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.uuid])


def _notify(
    referral: Referral,
    organization: Organization,
    kind: str,
    message: str,
    params: dict[str, Any],
    permission: str,
    exclude: Any = None,
) -> None:
    """Tell ``organization``: ``message`` is an English source (``gettext_noop``), read later in
    each member's language."""
    notification_send(
        organization=organization,
        kind=kind,
        message=message,
        params=params,
        url=_url(referral),
        permission=permission,
        exclude=exclude,
    )


def _send_permission(kind: str) -> str:
    return perms.CASES_TRANSFER if kind == ReferralKind.TRANSFER else perms.REFERRALS_SEND


def _respond_permission(kind: str) -> str:
    return perms.CASES_TRANSFER if kind == ReferralKind.TRANSFER else perms.REFERRALS_RESPOND


def _snapshot(case: Case, fields: list[str]) -> dict[str, Any]:
    """The values of the chosen fields now: what the receiver will read, and nothing else."""
    person = case.person
    values: dict[str, Any] = {}
    for name in fields:
        if name in ("given_name", "family_name", "patronymic", "address"):
            values[name] = getattr(person, name)
        elif name == SharedField.OTHER_NAMES:
            values[name] = [n["value"] for n in person.names]
        elif name == SharedField.BIRTH:
            values[name] = {
                "birth_date": person.birth_date,
                "birth_year": person.birth_year,
                "approximate_age": person.approximate_age,
            }
        elif name == SharedField.PHONES:
            values[name] = list(person.phones)
        elif name == SharedField.DOCUMENTS:
            values[name] = [dict(d) for d in person.documents]
        elif name in ("citizenship", "gender", "age_band"):
            values[name] = getattr(person, name)
        elif name == SharedField.LANGUAGES:
            values[name] = list(person.languages)
        elif name == SharedField.EXPLOITATION:
            values[name] = {f: getattr(case, f) for f in EXPLOITATION_FIELDS}
        elif name == SharedField.IDENTIFICATION:
            values[name] = _identification(case)
    return values


def _identification(case: Case) -> dict[str, Any]:
    """The trafficking status and the decision in force behind it: who decided and when (an
    organization's or authority's name, never a person's; no reference, no grounds)."""
    value: dict[str, Any] = {"trafficking_status": case.trafficking_status}
    decision = case.status_decision
    if decision is not None:
        value |= {
            "stage": decision.stage,
            "decided_by_type": decision.decided_by_type,
            "decided_by_name": decision.decided_by_name,
            "decided_on": decision.decided_on.isoformat() if decision.decided_on else "",
        }
    return value


def default_shared_fields(to_organization: Organization) -> list[str]:
    """What a referral carries when the sender does not choose: the minimum, and the
    identification decision for the receivers that need it."""
    fields: list[str] = list(MINIMUM_SHARED_FIELDS)
    if to_organization.org_type in IDENTIFICATION_FOR_TYPES:
        fields.append(SharedField.IDENTIFICATION)
    return fields


def _person_fields(shared_fields: list[str]) -> list[str]:
    """The identifying person fields behind the catalogue keys shared."""
    return [name for key in shared_fields for name in PERSON_FIELDS_OF.get(key, ())]


def _held_when_sent(person: Person, fields: list[str]) -> dict[str, list[int]]:
    """What each shared field depended on at the sender when sent: it travels with the field."""
    return {
        name: list(person.held_under[name])
        for name in _person_fields(fields)
        if person.held_under.get(name)
    }


def _check_fields(kind: str, fields: list[str], errors: dict[str, list[str]]) -> list[str]:
    """The catalogue keys chosen, without repeats, in the order given; unknown ones are errors."""
    chosen: list[str] = []
    for i, name in enumerate(fields):
        if name not in SharedField.values:
            errors.setdefault(f"shared_fields[{i}]", []).append(_("Not a field of the catalogue."))
        elif name not in chosen:
            chosen.append(name)
    if kind == ReferralKind.ANONYMOUS:
        identifying = [str(SharedField(n).label) for n in chosen if n in IDENTIFYING_SHARED_FIELDS]
        if identifying:
            errors.setdefault("shared_fields", []).append(
                _("An anonymous notification carries no identifying field: remove %(fields)s.")
                % {"fields": ", ".join(identifying)}
            )
    return chosen


def _case_locked(actor: Actor, case: Case) -> Case:
    try:
        return case_visible(actor=actor).select_for_update().get(pk=case.pk)
    except Case.DoesNotExist:
        raise NotFound(_("No such case.")) from None


@transaction.atomic
def referral_send(
    *,
    actor: Actor,
    case: Case,
    to_organization: Organization,
    reason: str,
    kind: str = ReferralKind.REFERRAL,
    services_requested: list[str] | tuple[str, ...] = (),
    urgency: str = Urgency.NORMAL,
    shared_fields: list[str] | tuple[str, ...] | None = None,
    note: str = "",
    override_reason: str = "",
) -> Referral:
    """Refer (or transfer, or anonymously notify) a visible case to another organization.

    Refused unless a referral consent in force covers ``to_organization`` or its type; one who
    holds the override permission may send anyway with a written reason, audited as an override.
    An anonymous notification goes to law enforcement only, without consent, and carries no
    identifying field and no free text.
    """
    if kind not in ReferralKind.values:
        raise ValidationFailed.of({"kind": [_("Choose one of the listed values.")]})
    actor.require(_send_permission(kind))
    case = _case_locked(actor, case)
    errors: dict[str, list[str]] = {}
    check = Checker(errors=errors)
    note = check.text("note", note, max_length=MAX_NOTE)
    override_reason = check.text("override_reason", override_reason, max_length=MAX_REASON)
    if case.status in CLOSED_STATUSES:
        errors["case"] = [_("The case is closed: reopen it to refer it.")]
    if not to_organization.is_active or to_organization.pk == actor.active_organization.pk:
        errors["to_organization"] = [_("Choose another active organization.")]
    elif kind == ReferralKind.ANONYMOUS and (
        to_organization.org_type != OrganizationType.LAW_ENFORCEMENT
    ):
        errors["to_organization"] = [_("An anonymous notification goes to law enforcement only.")]
    if reason not in ReferralReason.values:
        errors["reason"] = [_("Choose one of the listed values.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose one of the listed values.")]
    services = []
    services_requested = check.list_size(
        "services_requested", services_requested, max_items=len(ServiceType.values)
    )
    for i, service in enumerate(services_requested):
        if service not in ServiceType.values:
            errors[f"services_requested[{i}]"] = [_("Choose one of the listed values.")]
        elif service not in services:
            services.append(service)
    if kind == ReferralKind.REFERRAL and not services_requested:
        errors["services_requested"] = [_("Choose at least one service.")]
    fields = _check_fields(
        kind,
        list(default_shared_fields(to_organization) if shared_fields is None else shared_fields),
        errors,
    )
    if kind == ReferralKind.ANONYMOUS:
        if note:
            errors["note"] = [
                _("An anonymous notification carries no free text: it could name the person.")
            ]
        if override_reason:
            errors["override_reason"] = [_("An anonymous notification needs no consent.")]
    if kind == ReferralKind.TRANSFER and (
        case.referrals_out.filter(
            kind=ReferralKind.TRANSFER, status=ReferralStatus.PENDING
        ).exists()
    ):
        errors["case"] = [_("A transfer of this case already awaits an answer.")]
    consent = None
    if kind != ReferralKind.ANONYMOUS and "to_organization" not in errors:
        consent = covering_consent(case=case, organization=to_organization)
        if consent is None and not override_reason:
            errors["consent"] = [
                _(
                    "No consent in force covers referral to %(organization)s or to its type. "
                    "Record the person's consent on the case first."
                )
                % {"organization": to_organization.name}
            ]
    if override_reason and not actor.can(perms.REFERRALS_OVERRIDE_CONSENT):
        raise PermissionDenied(_("Only a supervisor may send a referral without consent."))
    if errors:
        raise ValidationFailed.of(errors)
    if set(fields) & IDENTIFYING_SHARED_FIELDS:
        actor.require(perms.IDENTIFYING_DATA_VIEW)
    overridden = consent is None and kind != ReferralKind.ANONYMOUS
    now = timezone.now()
    referral = Referral(
        number=number_take(
            organization=actor.active_organization,
            kind=NumberKind.REFERRAL,
            year=local_today(actor.organization).year,
        ),
        kind=kind,
        from_case=case,
        from_organization=actor.organization,
        to_organization=to_organization,
        reason=reason,
        services_requested=services,
        urgency=urgency,
        shared_fields=fields,
        shared_values=_snapshot(case, fields),
        held_under=_held_when_sent(case.person, fields),
        note=note,
        consent=consent,
        override_reason=override_reason if overridden else "",
        overridden_by=actor.user if overridden else None,
        sent_by=actor.user,
        sent_at=now,
        deadline=now + response_time(urgency),
    )
    referral.save()
    audit_record(
        actor=actor,
        action=ReferralAction.SEND,
        obj=referral,
        fields=[
            "kind",
            "from_case",
            "to_organization",
            "reason",
            "services_requested",
            "urgency",
            "shared_fields",
            "shared_values",
            "deadline",
            *(["note"] if note else []),
            *(["consent"] if consent else []),
        ],
    )
    if overridden:
        audit_record(
            actor=actor,
            action=ReferralAction.OVERRIDE_CONSENT,
            obj=referral,
            fields=["override_reason", "overridden_by"],
        )
    if kind == ReferralKind.TRANSFER:
        message = gettext_noop("Case transfer %(number)s from %(organization)s awaits your answer.")
        notice = "transfer.new"
    elif urgency == Urgency.URGENT:
        message = gettext_noop("New urgent referral %(number)s from %(organization)s.")
        notice = "referral.new"
    else:
        message = gettext_noop("New referral %(number)s from %(organization)s.")
        notice = "referral.new"
    _notify(
        referral,
        to_organization,
        notice,
        message,
        {"number": referral.number, "organization": actor.active_organization.name},
        _respond_permission(kind),
    )
    return referral


def _received_locked(actor: Actor, referral: Referral) -> Referral:
    """The referral, locked, if the actor's organization received it and the actor may answer."""
    actor.require(perms.REFERRALS_VIEW)
    try:
        locked = Referral.objects.select_for_update().get(
            pk=referral.pk, to_organization=actor.organization
        )
    except Referral.DoesNotExist:
        raise NotFound(_("No such referral.")) from None
    actor.require(_respond_permission(locked.kind))
    return locked


def _sent_locked(actor: Actor, referral: Referral) -> Referral:
    """The referral, locked, if it was sent from a case the actor sees and the actor may send."""
    visible = referral_visible(actor=actor).filter(
        pk=referral.pk, from_organization=actor.organization
    )
    if not visible.exists():
        raise NotFound(_("No such referral."))
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    actor.require(_send_permission(locked.kind))
    return locked


def _require_status(referral: Referral, *statuses: str) -> None:
    if referral.status not in statuses:
        raise ValidationFailed.of(
            {
                "status": [
                    _("This referral is %(status)s: it cannot be changed so.")
                    % {"status": referral.get_status_display().lower()}
                ]
            }
        )


def _person_data(values: dict[str, Any]) -> dict[str, Any]:
    """The shared values as ``case_open`` takes a person: only what was shared."""
    person: dict[str, Any] = {}
    for name in ("given_name", "family_name", "patronymic", "address", "citizenship", "gender"):
        if values.get(name):
            person[name] = values[name]
    if values.get(SharedField.OTHER_NAMES):
        person["names"] = list(values[SharedField.OTHER_NAMES])
    birth = values.get(SharedField.BIRTH) or {}
    for name in ("birth_date", "birth_year", "approximate_age"):
        if birth.get(name):
            person[name] = birth[name]
    for name in ("phones", "documents", "languages"):
        if values.get(name):
            person[name] = list(values[name])
    return person


def _case_data(values: dict[str, Any]) -> dict[str, Any]:
    exploitation = values.get(SharedField.EXPLOITATION) or {}
    return {name: value for name, value in exploitation.items() if value}


def _open_receiving_case(actor: Actor, referral: Referral) -> Case:
    """B's own case, holding only the shared fields, owned by the one who accepted; when the
    identification decision was shared, at the sender's status, recorded as decided there."""
    try:
        case = case_open(
            actor=actor,
            person=_person_data(referral.shared_values),
            **_case_data(referral.shared_values),
        )
    except ValidationFailed as exc:
        raise ValidationFailed.of(
            {
                "to_case": [
                    _("The shared fields do not make a valid case (%(fields)s); ask the sender.")
                    % {"fields": ", ".join(sorted(exc.errors))}
                ]
            }
        ) from None
    person_take_age_band(case.person, referral.shared_values.get(SharedField.AGE_BAND) or "")
    shared = referral.shared_values.get(SharedField.IDENTIFICATION) or {}
    if shared.get("stage"):
        identification_receive(
            actor=actor,
            case=case,
            stage=shared["stage"],
            outcome=shared.get("trafficking_status", ""),
            decided_by_type=shared.get("decided_by_type", ""),
            decided_by_name=shared.get("decided_by_name", ""),
            decided_on=shared.get("decided_on") or None,
        )
    return case


def _close_sending_case(referral: Referral) -> bool:
    """Close A's case as referred, on behalf of the supervisor who sent the transfer."""
    membership = Membership.objects.filter(
        user=referral.sent_by, organization=referral.from_organization, is_active=True
    ).first()
    if membership is None:
        return False
    sender = Actor.of(referral.sent_by, membership)
    if not sender.can(perms.CASES_CLOSE):
        return False
    try:
        case_change_status(
            actor=sender,
            case=referral.from_case,
            status=CaseStatus.CLOSED_REFERRED,
            reason=_("Transferred to %(organization)s (%(number)s).")
            % {"organization": referral.to_organization.name, "number": referral.number},
        )
    except (ValidationFailed, NotFound, PermissionDenied):
        return False
    return True


@transaction.atomic
def referral_accept(*, actor: Actor, referral: Referral) -> Referral:
    """Accept a received referral. A case worker or supervisor gets B's own case opened from
    the shared fields (HTCDS incoming referral: the referral's organization, date, reason and
    note); a service provider or liaison works from the referral itself. An accepted transfer
    closes A's case as referred."""
    referral = _received_locked(actor, referral)
    _require_status(referral, ReferralStatus.PENDING)
    withdrawn_on = consent_withdrawn_on(referral)
    if withdrawn_on is not None:
        raise ValidationFailed.of(
            {
                "consent": [
                    _("The person withdrew consent on %(date)s: the referral cannot be accepted.")
                    % {"date": withdrawn_on.isoformat()}
                ]
            }
        )
    fields = ["status", "accepted_at", "answered_by"]
    opens_case = referral.kind == ReferralKind.TRANSFER or (
        referral.kind == ReferralKind.REFERRAL and actor.can(perms.CASES_CREATE)
    )
    if opens_case:
        referral.to_case = _open_receiving_case(actor, referral)
        fields.append("to_case")
        # Each field received depends on the consent the referral was sent under, and on what
        # it depended on at the sender (decision 0013).
        covering = [referral.consent_id] if referral.consent_id else []
        person_hold(
            referral.to_case.person,
            {
                name: covering + referral.held_under.get(name, [])
                for name in _person_fields(referral.shared_fields)
            },
        )
    closed = referral.kind == ReferralKind.TRANSFER and _close_sending_case(referral)
    referral.status = ReferralStatus.ACCEPTED
    referral.accepted_at = timezone.now()
    referral.answered_by = actor.user
    referral.save()
    audit_record(
        actor=actor,
        action=ReferralAction.ACCEPT,
        obj=referral,
        fields=fields,
    )
    if referral.kind == ReferralKind.TRANSFER:
        if closed:
            message = gettext_noop(
                "%(organization)s accepted case transfer %(number)s; the case is closed."
            )
        else:
            message = gettext_noop(
                "%(organization)s accepted case transfer %(number)s; close the case yourself."
            )
        notice = "transfer.answered"
    else:
        message = gettext_noop("%(organization)s accepted referral %(number)s.")
        notice = "referral.answered"
    _notify(
        referral,
        referral.from_organization,
        notice,
        message,
        {"organization": actor.active_organization.name, "number": referral.number},
        _send_permission(referral.kind),
    )
    return referral


@transaction.atomic
def referral_decline(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """Decline a received referral or transfer, saying why."""
    referral = _received_locked(actor, referral)
    _require_status(referral, ReferralStatus.PENDING)
    check = Checker()
    reason = check.text(
        "reason",
        reason,
        max_length=MAX_REASON,
        required=True,
        required_message=_("Say why the referral is declined."),
    )
    check.raise_if_errors()
    referral.status = ReferralStatus.DECLINED
    referral.declined_at = timezone.now()
    referral.answered_by = actor.user
    referral.decline_reason = reason
    referral.save()
    audit_record(
        actor=actor,
        action=ReferralAction.DECLINE,
        obj=referral,
        fields=["status", "declined_at", "answered_by", "decline_reason"],
    )
    transfer = referral.kind == ReferralKind.TRANSFER
    message = (
        gettext_noop("%(organization)s declined case transfer %(number)s.")
        if transfer
        else gettext_noop("%(organization)s declined referral %(number)s.")
    )
    _notify(
        referral,
        referral.from_organization,
        "transfer.answered" if transfer else "referral.answered",
        message,
        {"organization": actor.active_organization.name, "number": referral.number},
        _send_permission(referral.kind),
    )
    return referral


@transaction.atomic
def referral_complete(*, actor: Actor, referral: Referral, outcome: str) -> Referral:
    """Record that the accepted referral was carried out, and its outcome."""
    referral = _received_locked(actor, referral)
    if referral.kind == ReferralKind.TRANSFER:
        raise ValidationFailed.of(
            {"status": [_("An accepted transfer made the case yours: nothing to complete.")]}
        )
    _require_status(referral, ReferralStatus.ACCEPTED)
    check = Checker()
    outcome = check.text(
        "outcome",
        outcome,
        max_length=MAX_REASON,
        required=True,
        required_message=_("Say what came of the referral."),
    )
    check.raise_if_errors()
    referral.status = ReferralStatus.COMPLETED
    referral.completed_at = timezone.now()
    referral.completed_by = actor.user
    referral.outcome = outcome
    referral.save()
    audit_record(
        actor=actor,
        action=ReferralAction.COMPLETE,
        obj=referral,
        fields=["status", "completed_at", "completed_by", "outcome"],
    )
    _notify(
        referral,
        referral.from_organization,
        "referral.answered",
        gettext_noop("%(organization)s completed referral %(number)s."),
        {"organization": actor.active_organization.name, "number": referral.number},
        perms.REFERRALS_SEND,
    )
    return referral


@transaction.atomic
def referral_withdraw(*, actor: Actor, referral: Referral) -> Referral:
    """The sender takes back a referral that awaits an answer; the receiver is told."""
    referral = _sent_locked(actor, referral)
    _require_status(referral, ReferralStatus.PENDING)
    referral.status = ReferralStatus.WITHDRAWN
    referral.withdrawn_at = timezone.now()
    referral.withdrawn_by = actor.user
    referral.save()
    audit_record(
        actor=actor,
        action=ReferralAction.WITHDRAW,
        obj=referral,
        fields=["status", "withdrawn_at", "withdrawn_by"],
    )
    _notify(
        referral,
        referral.to_organization,
        "referral.withdrawn",
        gettext_noop("%(organization)s withdrew referral %(number)s."),
        {"organization": actor.active_organization.name, "number": referral.number},
        perms.REFERRALS_VIEW,
    )
    return referral


def _received(referrals: list[Referral]) -> dict[str, list[Any]]:
    """The list items shared under the withdrawn consent, by person field: what is removed from
    a copy's lists (items added or corrected since are not among them)."""
    items: dict[str, list[Any]] = {"names": [], "phones": [], "documents": []}
    for referral in referrals:
        values = referral.shared_values
        items["names"] += values.get(SharedField.OTHER_NAMES) or []
        items["phones"] += values.get(SharedField.PHONES) or []
        items["documents"] += values.get(SharedField.DOCUMENTS) or []
    return items


def _clear_copy(
    actor: Actor, referral: Referral, consent_id: int, received: dict[str, list[Any]]
) -> list[str]:
    """Clear, in the receiver's case, what it holds only under the withdrawn consent."""
    case = referral.to_case
    if case is None:
        return []
    person = Person.objects.select_for_update().get(pk=case.person_id)
    # The receiver's record changed: its audit log holds the event (the actor is the member of
    # the sending side who recorded the withdrawal).
    return person_clear_held(
        actor=actor,
        person=person,
        consent_id=consent_id,
        received=received,
        identified_on=case.opened_on,
        action=ReferralAction.SHARES_REVOKED,
        organization=referral.to_organization,
    )


def _strip_snapshot(referral: Referral, consent_id: int, received: dict[str, list[Any]]) -> bool:
    """Remove from an onward referral's snapshot what came under the withdrawn consent; True
    when something was removed. The referral keeps the names of the fields it shared."""
    values = dict(referral.shared_values)
    held: dict[str, list[int]] = {}
    removed = False
    for name, ids in referral.held_under.items():
        if consent_id not in ids:
            held[name] = ids
            continue
        rest = [i for i in ids if i != consent_id]
        if name in ("birth_date", "birth_year", "approximate_age"):
            birth = dict(values.get(SharedField.BIRTH) or {})
            removed |= bool(birth.get(name))
            birth[name] = ""
            values[SharedField.BIRTH] = birth
        elif name in LIST_FIELDS:
            key = SharedField.OTHER_NAMES if name == "names" else name
            items = list(values.get(key) or [])
            gone = {held_item(name, item) for item in received.get(name, [])}
            kept = [item for item in items if held_item(name, item) not in gone]
            removed |= len(kept) != len(items)
            values[key] = kept
            if kept and rest:
                held[name] = rest
        else:
            removed |= bool(values.get(name))
            values[name] = ""
    changed = removed or held != referral.held_under
    if changed:
        referral.shared_values = values
        referral.held_under = held
        referral.save(update_fields=["shared_values", "held_under", "updated_at"])
    return removed


def _withdraw_onward(
    actor: Actor, consent: Consent, cases: set[int], received: dict[str, list[Any]]
) -> int:
    """Follow what was shared under the consent down the chain: every referral sent on from a
    copy that received fields under it loses them, and so does its receiver's copy, and so on.
    Returns how many referrals changed."""
    count = 0
    seen: set[int] = set()
    while cases:
        seen |= cases
        onward = list(
            Referral.objects.select_for_update(of=("self",))  # to_case is an outer join
            .filter(from_case__in=cases)
            .select_related("from_organization", "to_organization", "to_case")
            .order_by("pk")
        )
        cases = set()
        for referral in onward:
            if not any(consent.pk in ids for ids in referral.held_under.values()):
                continue
            removed = _strip_snapshot(referral, consent.pk, received)
            cleared = _clear_copy(actor, referral, consent.pk, received)
            if referral.to_case_id and referral.to_case_id not in seen:
                cases.add(referral.to_case_id)
            if not (removed or cleared):
                continue
            count += 1
            audit_record(
                actor=actor,
                action=ReferralAction.UPSTREAM_WITHDRAWN,
                obj=referral,
                fields=["shared_values", "held_under"],
                organization=referral.to_organization,
            )
            _notify(
                referral,
                referral.to_organization,
                "consent.withdrawn",
                gettext_noop(
                    "A consent was withdrawn earlier in the chain of referral %(number)s from "
                    "%(organization)s: the details shared under it were removed."
                ),
                {"number": referral.number, "organization": referral.from_organization.name},
                perms.REFERRALS_VIEW,
            )
    return count


@transaction.atomic
def referral_consent_withdrawn(*, actor: Actor, consent: Consent) -> int:
    """Carry out the withdrawal of a referral consent for every referral it covered, and down
    the chain of referrals sent on (decision 0013).

    Pending referrals are withdrawn; where the receiver accepted, its copy loses exactly what it
    holds only under this consent, not what it recorded or confirmed under its own; onward
    referrals and their receivers' copies lose what came under it. Every receiver is told.
    The selectors already hide the shared fields from the direct receiver the moment the
    consent is marked withdrawn; this makes it last. Safe to call again. Returns how many
    referrals it changed.
    """
    actor.require(perms.CASES_UPDATE)
    consent = Consent.objects.select_related("case").get(pk=consent.pk)
    if not case_visible(actor=actor).filter(pk=consent.case_id).exists():
        raise NotFound(_("No such case."))
    if consent.withdrawn_on is None:
        return 0
    covered = list(
        Referral.objects.select_for_update(of=("self",))  # to_case is an outer join
        .filter(consent=consent)
        .select_related("from_organization", "to_organization", "to_case")
        .order_by("pk")
    )
    received = _received(covered)
    referrals = [r for r in covered if r.shares_revoked_at is None]
    now = timezone.now()
    for referral in referrals:
        fields = ["shares_revoked_at"]
        if referral.status == ReferralStatus.PENDING:
            referral.status = ReferralStatus.WITHDRAWN
            referral.withdrawn_at = now
            referral.withdrawn_by = actor.user
            fields += ["status", "withdrawn_at", "withdrawn_by"]
        referral.shares_revoked_at = now
        referral.save()
        _clear_copy(actor, referral, consent.pk, received)
        audit_record(
            actor=actor,
            action=ReferralAction.CONSENT_WITHDRAWN,
            obj=referral,
            fields=fields,
        )
        _notify(
            referral,
            referral.to_organization,
            "consent.withdrawn",
            gettext_noop(
                "Consent withdrawn for referral %(number)s from %(organization)s: its shared "
                "fields are no longer available."
            ),
            {"number": referral.number, "organization": referral.from_organization.name},
            perms.REFERRALS_VIEW,
        )
    copies = {r.to_case_id for r in covered if r.to_case_id}
    return len(referrals) + _withdraw_onward(actor, consent, copies, received)


def on_consent_withdrawn(event: ConsentWithdrawn) -> None:
    """Handler of ``ConsentWithdrawn`` (registered in ``ReferralsConfig.ready``): carry out the
    withdrawal for the referrals made under the consent, in the withdrawal's transaction."""
    referral_consent_withdrawn(actor=event.actor, consent=event.consent)


def referral_overdue_notify(*, now: datetime | None = None) -> int:
    """Tell both sides, once, of each referral still unanswered after its deadline; return how
    many were notified. Run by the worker or ``manage.py referrals_notify_overdue``."""
    now = now or timezone.now()
    due = Referral.objects.filter(
        status=ReferralStatus.PENDING, deadline__lt=now, overdue_notified_at__isnull=True
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update()
                .select_related("from_organization", "to_organization")
                .get(pk=pk)
            )
            if referral.status != ReferralStatus.PENDING or referral.overdue_notified_at:
                continue
            referral.overdue_notified_at = now
            referral.save(update_fields=["overdue_notified_at", "updated_at"])
            audit_record(
                actor=None,
                organization=None,
                action=ReferralAction.OVERDUE,
                obj=referral,
                fields=["overdue_notified_at"],
            )
            values = {
                "number": referral.number,
                "sender": referral.from_organization.name,
                "receiver": referral.to_organization.name,
            }
            _notify(
                referral,
                referral.to_organization,
                "referral.overdue",
                gettext_noop("Referral %(number)s from %(sender)s is overdue: please answer it."),
                values,
                _respond_permission(referral.kind),
            )
            _notify(
                referral,
                referral.from_organization,
                "referral.overdue",
                gettext_noop(
                    "Referral %(number)s to %(receiver)s has had no answer by its deadline."
                ),
                values,
                _send_permission(referral.kind),
            )
            count += 1
    return count
