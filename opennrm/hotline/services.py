"""Writes to signals. Each checks permission, validates, writes and audits in one transaction.

Audit events name the fields that changed, never their values: a phone number or a note never
reaches the audit log.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_date, local_today, organization_zone
from opennrm.audit.services import audit_record
from opennrm.cases.choices import CLOSED_STATUSES
from opennrm.cases.services import case_close_referred, case_identifying_clear, case_open
from opennrm.errors import Conflict, NotFound, ValidationFailed
from opennrm.people.services import phone_token
from opennrm.validation import EARLIEST_RECORD, MAX_NAME, Checker

from .audit import SignalAction
from .models import CallerType, Channel, Outcome, Reason, Signal
from .selectors import signal_visible

MAX_NOTES = 5000
# What a web tip's sender may write: a few screens on a phone, and a bound on what a flood stores.
MAX_WEB_TIP = 4000
MAX_SAFE_CONTACT = 500
# A clock a few minutes fast (a phone, a laptop) must not refuse the signal just received.
CLOCK_SKEW = timedelta(minutes=5)
SIGNAL_FIELDS = (
    "received_at",
    "channel",
    "language",
    "caller_type",
    "reason",
    "outcome",
    "follow_up_on",
    "followed_up_on",
    "notes",
    "phone",
    "caller_name",
    "safe_contact",
    "country",
)


def _locked(actor: Actor, signal: Signal, *, open_only: bool = True) -> Signal:
    """The signal, locked, if it is the actor's organization's and the actor may record; a
    contact handed on and closed is not changed any more."""
    actor.require(perms.SIGNALS_RECORD)
    try:
        signal = signal_visible(actor=actor).select_for_update().get(pk=signal.pk)
    except Signal.DoesNotExist:
        raise NotFound(_("No such contact.")) from None
    if open_only and signal.closed:
        raise Conflict(_("This contact was handed on and closed; it is not changed any more."))
    return signal


def _apply(signal: Signal, data: dict[str, Any], *, organization: Organization) -> list[str]:
    """Validate ``data`` and set it on the signal; return the names of the fields changed.

    Raises ValidationFailed naming each bad field; on error nothing is set. Messages never
    repeat the phone number or the notes.
    """
    check = Checker()
    values = _field_values(check, signal, data, organization)
    check.raise_if_errors()
    _check_follow_up(check, signal, values, organization)
    check.raise_if_errors()
    changed = []
    for name, value in values.items():
        if getattr(signal, name) != value:
            setattr(signal, name, value)
            changed.append(name)
    if "phone" in changed:
        signal.phone_token = phone_token(signal.phone) if signal.phone else ""
    return changed


def _field_values(
    check: Checker, signal: Signal, data: dict[str, Any], organization: Organization
) -> dict[str, Any]:
    """Each field of ``data`` checked on its own, as the signal would hold it."""
    check.unknown(data, SIGNAL_FIELDS)
    values: dict[str, Any] = {}
    for name, choices, required in (
        ("channel", Channel, True),
        ("caller_type", CallerType, True),
        ("reason", Reason, True),
        ("outcome", Outcome, False),
    ):
        if name in data:
            values[name] = check.choice(name, data[name], choices.values, required=required)
    if "outcome" in values and values["outcome"] != signal.outcome:
        if signal.case_id:
            check.add("outcome", _("A case was opened from this contact; the outcome stays so."))
        elif values["outcome"] == Outcome.CASE_OPENED:
            check.add("outcome", _("Open a case from the contact to record this outcome."))
        elif values["outcome"] == Outcome.HANDED_ON:
            check.add("outcome", _("Hand the contact on to record this outcome."))
    if "language" in data:
        values["language"] = check.language("language", data["language"])
    if "received_at" in data:
        values["received_at"] = check.moment(
            "received_at",
            data["received_at"],
            earliest=EARLIEST_RECORD,
            latest=timezone.now() + CLOCK_SKEW,
            required=True,
            zone=organization_zone(organization),
        )
    for name in ("follow_up_on", "followed_up_on"):
        if name in data:
            values[name] = check.date(name, data[name], earliest=EARLIEST_RECORD)
    if "notes" in data:
        values["notes"] = check.text("notes", data["notes"], max_length=MAX_NOTES)
    if "phone" in data:
        values["phone"] = check.phone("phone", data["phone"], region=organization.country or None)
    if "caller_name" in data:
        values["caller_name"] = check.text(
            "caller_name", data["caller_name"], max_length=MAX_NAME, multiline=False
        )
    if "safe_contact" in data:
        values["safe_contact"] = check.text(
            "safe_contact", data["safe_contact"], max_length=MAX_SAFE_CONTACT
        )
    if "country" in data:
        values["country"] = check.country("country", data["country"])
    # A new follow-up date opens a new follow-up, unless its completion is given too.
    if (
        "follow_up_on" in values
        and values["follow_up_on"] != signal.follow_up_on
        and "followed_up_on" not in data
    ):
        values["followed_up_on"] = None
    return values


def _check_follow_up(
    check: Checker, signal: Signal, values: dict[str, Any], organization: Organization
) -> None:
    """The follow-up dates against the day received, on the values the signal would have."""

    def after(name: str) -> Any:
        return values[name] if name in values else getattr(signal, name)

    received_at = after("received_at")
    received_on = local_date(received_at, organization) if received_at else None
    follow_up_on, followed_up_on = after("follow_up_on"), after("followed_up_on")
    if received_on and follow_up_on and follow_up_on < received_on:
        check.add("follow_up_on", _("Cannot be before the contact was received."))
    if followed_up_on:
        if not follow_up_on:
            check.add("followed_up_on", _("No follow-up was planned."))
        elif received_on and followed_up_on < received_on:
            check.add("followed_up_on", _("Cannot be before the contact was received."))
        if followed_up_on > local_today(organization):
            check.add("followed_up_on", _("This date is in the future."))


def _filled(signal: Signal) -> list[str]:
    """The fields a new signal was given, for its audit event."""
    return [name for name in SIGNAL_FIELDS if getattr(signal, name) not in ("", None)]


@transaction.atomic
def signal_record(
    *,
    actor: Actor,
    caller_type: str = "",
    reason: str = "",
    channel: str = Channel.CALL,
    received_at: datetime | str | None = None,
    language: str = "",
    outcome: str = "",
    follow_up_on: date | str | None = None,
    notes: str = "",
    phone: str = "",
    caller_name: str = "",
) -> Signal:
    """Log a contact taken by the actor: who called and why are required; it was a call,
    received now, unless said otherwise."""
    actor.require(perms.SIGNALS_RECORD)
    signal = Signal(organization=actor.organization, operator=actor.user)
    data = {
        "channel": channel,
        "caller_type": caller_type,
        "reason": reason,
        "received_at": received_at or timezone.now(),
        "language": language,
        "outcome": outcome,
        "follow_up_on": follow_up_on,
        "notes": notes,
        "phone": phone,
        "caller_name": caller_name,
    }
    _apply(signal, data, organization=actor.active_organization)
    signal.save()
    audit_record(
        actor=actor, action=SignalAction.RECORD, obj=signal, fields=["operator", *_filled(signal)]
    )
    return signal


@transaction.atomic
def web_tip_receive(
    *,
    organization: Organization,
    reason: str = Reason.OTHER,
    caller_type: str = CallerType.ANONYMOUS,
    language: str = "",
    notes: str = "",
    phone: str = "",
    safe_contact: str = "",
    country: str = "",
    received_at: datetime | None = None,
) -> Signal:
    """Queue a tip sent through the public portal: no operator until one takes it.

    The sender is anonymous: nothing of the request (address, browser, session) is given here or
    stored; the phone and how to reach them safely are theirs to give, and encrypted. What they
    wrote is at most ``MAX_WEB_TIP`` characters."""
    check = Checker()
    check.text("notes", notes, max_length=MAX_WEB_TIP)
    signal = Signal(organization=organization, operator=None)
    data = {
        "channel": Channel.WEB_TIP,
        "caller_type": caller_type,
        "reason": reason,
        "received_at": received_at or timezone.now(),
        "language": language,
        "notes": notes,
        "phone": phone,
        "safe_contact": safe_contact,
        "country": country,
    }
    try:
        _apply(signal, data, organization=organization)
    except ValidationFailed as failed:
        check.merge({k: v for k, v in failed.errors.items() if not check.has(k)})
    check.raise_if_errors()  # every bad field at once, the tip's own bound first
    signal.save()
    audit_record(
        actor=None,
        organization=organization,
        action=SignalAction.RECEIVE,
        obj=signal,
        fields=_filled(signal),
    )
    return signal


@transaction.atomic
def signal_take(*, actor: Actor, signal: Signal) -> Signal:
    """An operator takes an unanswered web tip: it becomes theirs to answer."""
    signal = _locked(actor, signal)
    if signal.operator_id is not None:
        raise Conflict(_("This contact was already taken."))
    signal.operator = actor.user
    signal.version += 1
    signal.save()
    audit_record(actor=actor, action=SignalAction.TAKE, obj=signal, fields=["operator"])
    return signal


@transaction.atomic
def signal_update(*, actor: Actor, signal: Signal, version: int, **changes: Any) -> Signal:
    """Change a signal (outcome, follow-up, notes…); refused over someone else's newer change."""
    signal = _locked(actor, signal)
    if signal.version != version:
        raise Conflict(
            _("Someone else changed this contact while you were editing. Reload and retry.")
        )
    changed = _apply(signal, changes, organization=actor.active_organization)
    if changed:
        signal.version += 1
        signal.save()
        audit_record(actor=actor, action=SignalAction.UPDATE, obj=signal, fields=changed)
    return signal


@transaction.atomic
def signal_open_case(
    *,
    actor: Actor,
    signal: Signal,
    version: int,
    person: dict[str, Any],
    **case_fields: Any,
) -> Signal:
    """Record the person and open their case through the case services, link it to the signal
    and set the outcome "case opened", all in one transaction."""
    actor.require(perms.CASES_CREATE)
    signal = _locked(actor, signal)
    if signal.version != version:
        raise Conflict(
            _("Someone else changed this contact while you were editing. Reload and retry.")
        )
    if signal.case_id is not None:
        raise ValidationFailed.of({"case": [_("A case was already opened from this contact.")]})
    case = case_open(actor=actor, person=person, **case_fields)
    signal.case = case
    signal.outcome = Outcome.CASE_OPENED
    fields = ["case", "outcome"]
    if signal.operator_id is None:
        signal.operator = actor.user
        fields.append("operator")
    signal.version += 1
    signal.save()
    audit_record(actor=actor, action=SignalAction.OPEN_CASE, obj=signal, fields=fields)
    return signal


@transaction.atomic
def signal_hand_on(*, actor: Actor, signal: Signal, version: int) -> Signal:
    """Hand the contact on (to a crisis centre, another service) and close the hotline's copy:
    outcome "handed on", its case closed as referred (HTCDS ClosedReferred). The phone, notes and
    the person's identifying data go after the retention (``signals_clear_closed``)."""
    signal = _locked(actor, signal)
    if signal.version != version:
        raise Conflict(
            _("Someone else changed this contact while you were editing. Reload and retry.")
        )
    if signal.case_id is not None:
        assert signal.case is not None
        case_close_referred(
            actor=actor, case=signal.case, reason=_("Handed on by the hotline and closed.")
        )
    signal.outcome = Outcome.HANDED_ON
    signal.closed_on = local_today(actor.organization)
    fields = ["outcome", "closed_on"]
    if signal.operator_id is None:
        signal.operator = actor.user
        fields.append("operator")
    signal.version += 1
    signal.save()
    audit_record(actor=actor, action=SignalAction.HAND_ON, obj=signal, fields=fields)
    return signal


def retention_days() -> int:
    """Days a closed contact keeps its identifying data (OPENNRM_HOTLINE_RETENTION_DAYS)."""
    return max(int(getattr(settings, "OPENNRM_HOTLINE_RETENTION_DAYS", 30)), 0)


def signals_clear_closed() -> int:
    """Clear the phone, the name, the notes and the person's identifying data of every contact
    handed on and closed more than the retention ago (in its organization's days); reason, channel,
    language, dates, outcome and counts stay. Audited per record; safe to run again. Returns how
    many contacts were cleared. Run by the worker or ``manage.py hotline_clear_closed``."""
    days = retention_days()
    # The latest possible closing day anywhere (UTC+14); each organization decides exactly below.
    latest = (timezone.now() + timedelta(hours=14)).date() - timedelta(days=days)
    due = (
        Signal.objects.filter(closed_on__lte=latest, cleared_at__isnull=True)
        .select_related("organization")
        .order_by("pk")
    )
    cleared = 0
    for candidate in due:
        if candidate.closed_on and candidate.closed_on <= local_today(
            candidate.organization
        ) - timedelta(days=days):
            cleared += _signal_clear(candidate.pk)
    return cleared


@transaction.atomic
def _signal_clear(pk: int) -> int:
    signal = Signal.objects.select_for_update(of=("self",)).select_related("case").get(pk=pk)
    if signal.cleared_at is not None:
        return 0
    fields = [
        name for name in ("phone", "caller_name", "notes", "safe_contact") if getattr(signal, name)
    ]
    signal.phone = signal.caller_name = signal.notes = signal.phone_token = ""
    signal.safe_contact = ""
    signal.cleared_at = timezone.now()
    signal.version += 1
    signal.save()
    audit_record(
        actor=None,
        organization=signal.organization,
        action=SignalAction.CLEAR,
        obj=signal,
        fields=[*fields, "cleared_at"],
    )
    # A case reopened since (a supervisor's decision) is live work again: it is kept.
    if signal.case is not None and signal.case.status in CLOSED_STATUSES:
        case_identifying_clear(case=signal.case, action=SignalAction.CLEAR)
    return 1
