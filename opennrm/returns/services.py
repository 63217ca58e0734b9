"""Writes to returns and reintegration follow-ups. Each checks permission (``returns.manage`` and
a case the actor may see), validates naming the bad field, writes and audits in one transaction.

Recording the arrival schedules the follow-ups at 3, 6 and 12 months; correcting the arrival date
moves the ones not yet done. Audit events name fields, never values: a document number or a note
never reaches the audit log.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from opennrm.accounts import permissions as perms
from opennrm.accounts.models import Organization
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_today
from opennrm.audit.services import audit_record
from opennrm.cases.models import Case
from opennrm.cases.selectors import case_visible
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.notifications.models import Kind
from opennrm.notifications.services import notification_send
from opennrm.validation import EARLIEST_RECORD, Checker

from .audit import ReturnAction
from .models import (
    FOLLOW_UP_MONTHS,
    FOLLOW_UP_WINDOW_DAYS,
    DocumentType,
    FollowUpOutcome,
    ReintegrationFollowUp,
    ReturnRecord,
)
from .selectors import DUE_WITHIN_DAYS, follow_up_visible, is_receiver, return_accessible

RETURN_FIELDS = (
    "document_type",
    "document_number",
    "travel_date",
    "destination_country",
    "destination_city",
    "route",
    "receiving_organization",
)
MAX_NOTES = 5000
# A return is planned months ahead at most.
MAX_DAYS_AHEAD = 366

Errors = dict[str, list[str]]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day (31 Aug + 6
    months = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _organization(value: Any, errors: Errors) -> Organization | None:
    if value in (None, ""):
        return None
    if isinstance(value, Organization):
        organization = value if value.is_active else None
    else:
        try:
            organization = Organization.objects.get(uuid=UUID(str(value)), is_active=True)
        except (Organization.DoesNotExist, ValueError):
            organization = None
    if organization is None:
        errors.setdefault("receiving_organization", []).append(_("No such organization."))
    return organization


def _apply_return(record: ReturnRecord, data: dict[str, Any], case: Case) -> list[str]:
    """Validate ``data`` and set it on the return; return the fields changed. On error nothing is
    set and ValidationFailed names every bad field; messages never repeat the document number."""
    errors: Errors = {}
    check = Checker(errors=errors)
    check.unknown(data, RETURN_FIELDS)
    values: dict[str, Any] = {}
    if "document_type" in data:
        values["document_type"] = check.choice(
            "document_type", data["document_type"], DocumentType.values
        )
    if "document_number" in data:
        values["document_number"] = check.text(
            "document_number", data["document_number"], max_length=50, multiline=False
        )
    if "travel_date" in data:
        values["travel_date"] = check.date(
            "travel_date", data["travel_date"], earliest=EARLIEST_RECORD
        )
    if "destination_country" in data:
        code = str(data["destination_country"] or "").strip().upper()
        values["destination_country"] = check.country("destination_country", code, required=True)
    if "destination_city" in data:
        values["destination_city"] = check.text(
            "destination_city", data["destination_city"], max_length=100, multiline=False
        )
    if "route" in data:
        values["route"] = check.text("route", data["route"], max_length=200, multiline=False)
    if "receiving_organization" in data:
        values["receiving_organization"] = _organization(data["receiving_organization"], errors)
    if errors:
        raise ValidationFailed.of(errors)

    def after(name: str) -> Any:
        return values[name] if name in values else getattr(record, name)

    travel_date = after("travel_date")
    if travel_date:
        if travel_date > local_today(record.organization) + timedelta(days=MAX_DAYS_AHEAD):
            errors.setdefault("travel_date", []).append(_("This is more than a year ahead."))
        if case.exited_on and travel_date < case.exited_on:
            errors.setdefault("travel_date", []).append(
                _("Cannot be before the person left the exploitation (%(date)s).")
                % {"date": case.exited_on.isoformat()}
            )
        if record.arrived_on and travel_date > record.arrived_on:
            errors.setdefault("travel_date", []).append(
                _("Cannot be after the arrival (%(date)s).") % {"date": record.arrived_on}
            )
    elif record.arrived_on:
        errors.setdefault("travel_date", []).append(
            _("The arrival is recorded: the travel date stays.")
        )
    if after("document_number") and not after("document_type"):
        errors.setdefault("document_type", []).append(_("Say which document the number is of."))
    if errors:
        raise ValidationFailed.of(errors)
    changed = []
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def _locked_case(actor: Actor, case: Case) -> Case:
    actor.require(perms.RETURNS_MANAGE)
    try:
        return case_visible(actor=actor).select_for_update().get(pk=case.pk)
    except Case.DoesNotExist:
        raise NotFound(_("No such case.")) from None


def _locked_return(
    actor: Actor, record: ReturnRecord, version: int | None, *, sender_only: bool = False
) -> ReturnRecord:
    """The return, locked, if the actor sees it (sent or received); with ``sender_only``, only
    the sending organization may go on: the receiver records the arrival and follow-ups, not
    the travel and documents."""
    try:
        locked = (
            return_accessible(actor=actor)
            .select_for_update()
            .select_related("case")
            .get(pk=record.pk)
        )
    except ReturnRecord.DoesNotExist:
        raise NotFound(_("No such return.")) from None
    if sender_only and is_receiver(actor, locked):
        raise PermissionDenied(
            _("Only the organization that organizes the return changes its travel details.")
        )
    if version is not None and locked.version != version:
        raise Conflict(
            _("Someone else changed this return while you were editing. Reload and retry.")
        )
    return locked


@transaction.atomic
def return_create(*, actor: Actor, case: Case, **fields: Any) -> ReturnRecord:
    """Record the voluntary return of a visible case's person: documents, travel, destination and
    the receiving organization (in another country, often). One per case."""
    case = _locked_case(actor, case)
    if ReturnRecord.objects.filter(case=case).exists():
        raise ValidationFailed.of({"case": [_("A return is already recorded for this case.")]})
    record = ReturnRecord(case=case, organization=case.organization, created_by=actor.user)
    fields.setdefault("destination_country", "")
    _apply_return(record, fields, case)
    record.save()
    filled = [n for n in RETURN_FIELDS if getattr(record, n) not in ("", None)]
    audit_record(actor=actor, action=ReturnAction.CREATE, obj=record, fields=["case", *filled])
    return record


@transaction.atomic
def return_update(
    *, actor: Actor, record: ReturnRecord, version: int, **changes: Any
) -> ReturnRecord:
    """Change the return's documents, travel or destination; refused over a newer change."""
    actor.require(perms.RETURNS_MANAGE)
    record = _locked_return(actor, record, version, sender_only=True)
    changed = _apply_return(record, changes, record.case)
    if changed:
        record.version += 1
        record.save()
        audit_record(actor=actor, action=ReturnAction.UPDATE, obj=record, fields=changed)
    return record


@transaction.atomic
def return_record_arrival(
    *,
    actor: Actor,
    record: ReturnRecord,
    version: int,
    arrived_on: date | str | None,
    received_by: str = "",
    arrival_notes: str = "",
) -> ReturnRecord:
    """Record the reception at arrival and schedule the follow-ups at 3, 6 and 12 months (a
    corrected arrival date moves those not yet done); by the sending or the receiving
    organization."""
    actor.require(perms.RETURNS_MANAGE)
    record = _locked_return(actor, record, version)
    errors: Errors = {}
    check = Checker(errors=errors)
    arrived = check.date("arrived_on", arrived_on, earliest=EARLIEST_RECORD)
    received_by = check.text("received_by", received_by, max_length=200, multiline=False)
    arrival_notes = check.text("arrival_notes", arrival_notes, max_length=MAX_NOTES, multiline=True)
    if arrived is None and "arrived_on" not in errors:
        errors["arrived_on"] = [_("Give the date of arrival.")]
    elif arrived is not None:
        if arrived > local_today(actor.organization):
            errors.setdefault("arrived_on", []).append(_("This date is in the future."))
        if record.travel_date is None:
            errors.setdefault("arrived_on", []).append(_("Record the travel date first."))
        elif arrived < record.travel_date:
            errors.setdefault("arrived_on", []).append(
                _("Cannot be before the travel date (%(date)s).")
                % {"date": record.travel_date.isoformat()}
            )
        done = ReintegrationFollowUp.objects.filter(return_record=record, done_on__lt=arrived)
        if record.arrived_on and done.exists():
            errors.setdefault("arrived_on", []).append(_("A follow-up was done before this date."))
    if errors:
        raise ValidationFailed.of(errors)
    changed = [
        name
        for name, value in (
            ("arrived_on", arrived),
            ("received_by", received_by),
            ("arrival_notes", arrival_notes),
        )
        if getattr(record, name) != value
    ]
    if not changed:
        return record
    record.arrived_on, record.received_by, record.arrival_notes = (
        arrived,
        received_by,
        arrival_notes,
    )
    record.version += 1
    record.save()
    audit_record(actor=actor, action=ReturnAction.ARRIVAL, obj=record, fields=changed)
    if "arrived_on" in changed:
        _schedule_follow_ups(actor, record)
    return record


def _schedule_follow_ups(actor: Actor, record: ReturnRecord) -> None:
    if record.arrived_on is None:  # follow-ups count from the arrival
        return
    existing = {f.months: f for f in ReintegrationFollowUp.objects.filter(return_record=record)}
    for months in FOLLOW_UP_MONTHS:
        due_on = add_months(record.arrived_on, months)
        follow_up = existing.get(months)
        if follow_up is None:
            follow_up = ReintegrationFollowUp.objects.create(
                return_record=record,
                organization=record.organization,
                months=months,
                due_on=due_on,
            )
            audit_record(
                actor=actor,
                action=ReturnAction.FOLLOW_UP_SCHEDULE,
                obj=follow_up,
                fields=["months", "due_on"],
            )
        elif follow_up.done_on is None and follow_up.due_on != due_on:
            follow_up.due_on, follow_up.notified_at = due_on, None
            follow_up.version += 1
            follow_up.save()
            audit_record(
                actor=actor,
                action=ReturnAction.FOLLOW_UP_RESCHEDULE,
                obj=follow_up,
                fields=["due_on"],
            )


@transaction.atomic
def follow_up_record(
    *,
    actor: Actor,
    follow_up: ReintegrationFollowUp,
    version: int,
    done_on: date | str | None,
    outcome: str,
    notes: str = "",
) -> ReintegrationFollowUp:
    """Record a follow-up as done: when, how the person is doing, and notes (encrypted); by the
    sending or the receiving organization, not before the follow-up's window opens (14 days
    before it is due, decision 0018)."""
    actor.require(perms.RETURNS_MANAGE)
    try:
        follow_up = (
            follow_up_visible(actor=actor)
            .select_for_update()
            .select_related("return_record")
            .get(pk=follow_up.pk)
        )
    except ReintegrationFollowUp.DoesNotExist:
        raise NotFound(_("No such follow-up.")) from None
    if follow_up.version != version:
        raise Conflict(_("Someone else recorded this follow-up. Reload and retry."))
    errors: Errors = {}
    check = Checker(errors=errors)
    done = check.date("done_on", done_on, earliest=EARLIEST_RECORD)
    if done is None and "done_on" not in errors:
        errors["done_on"] = [_("Give the date of the follow-up.")]
    elif done is not None:
        if done > local_today(actor.organization):
            errors.setdefault("done_on", []).append(_("This date is in the future."))
        arrived = follow_up.return_record.arrived_on
        if arrived and done < arrived:
            errors.setdefault("done_on", []).append(
                _("Cannot be before the arrival (%(date)s).") % {"date": arrived.isoformat()}
            )
        elif done < follow_up.window_opens_on:
            errors.setdefault("done_on", []).append(
                _(
                    "This follow-up is due on %(due)s: it can be recorded from %(opens)s "
                    "(%(days)d days before)."
                )
                % {
                    "due": follow_up.due_on.isoformat(),
                    "opens": follow_up.window_opens_on.isoformat(),
                    "days": FOLLOW_UP_WINDOW_DAYS,
                }
            )
    outcome = check.choice("outcome", outcome, FollowUpOutcome.values, required=True)
    notes = check.text("notes", notes, max_length=MAX_NOTES, multiline=True)
    if errors:
        raise ValidationFailed.of(errors)
    changed = [
        name
        for name, value in (("done_on", done), ("outcome", outcome), ("notes", notes))
        if getattr(follow_up, name) != value
    ]
    follow_up.done_on, follow_up.outcome, follow_up.notes = done, outcome, notes
    follow_up.recorded_by = actor.user
    follow_up.version += 1
    follow_up.save()
    audit_record(actor=actor, action=ReturnAction.FOLLOW_UP_RECORD, obj=follow_up, fields=changed)
    return follow_up


def follow_ups_notify_due(*, today: date | None = None) -> int:
    """Tell each organization's return workers, once, of every follow-up that is due within 14
    days or overdue (``followup.due``); return how many follow-ups were announced.

    Idempotent: a follow-up announced once (``notified_at``) is not announced again, unless its
    due date moves. The message names the case number and the milestone, never the person.
    "Today" is each organization's own (``today`` replaces it for all, in tests).
    """
    # Today somewhere on Earth is at most a day after UTC's: fetch that far, decide per row.
    latest_today = today or timezone.now().date() + timedelta(days=1)
    pending = (
        ReintegrationFollowUp.objects.filter(
            done_on__isnull=True,
            notified_at__isnull=True,
            due_on__lte=latest_today + timedelta(days=DUE_WITHIN_DAYS),
            organization__is_active=True,
        )
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )
    announced = 0
    for pk in list(pending):
        with transaction.atomic():
            follow_up = (
                # Lock the follow-up only: the receiving organization is an outer join.
                ReintegrationFollowUp.objects.select_for_update(of=("self",))
                .select_related(
                    "return_record__case", "return_record__receiving_organization", "organization"
                )
                .filter(pk=pk, notified_at__isnull=True, done_on__isnull=True)
                .first()
            )
            if follow_up is None:
                continue
            local = today or local_today(follow_up.organization)
            if follow_up.due_on > local + timedelta(days=DUE_WITHIN_DAYS):
                continue  # not yet due where the organization is
            case = follow_up.return_record.case
            if follow_up.due_on < local:
                message = gettext_noop(
                    "The %(months)d-month reintegration follow-up of case %(number)s is overdue "
                    "since %(date)s."
                )
            else:
                message = gettext_noop(
                    "The %(months)d-month reintegration follow-up of case %(number)s is due on "
                    "%(date)s."
                )
            notification_send(
                organization=follow_up.organization,
                kind=Kind.FOLLOWUP_DUE,
                message=message,
                params={
                    "months": follow_up.months,
                    "number": case.number,
                    "date": follow_up.due_on.isoformat(),
                },
                url=f"/returns/cases/{case.uuid}/",
                permission=perms.RETURNS_MANAGE,
            )
            _notify_receiver(follow_up, overdue=follow_up.due_on < local)
            follow_up.notified_at = timezone.now()
            follow_up.save(update_fields=["notified_at"])
            audit_record(
                actor=None,
                organization=follow_up.organization,
                action=ReturnAction.FOLLOW_UP_NOTIFY,
                obj=follow_up,
                fields=["notified_at"],
            )
            announced += 1
    return announced


def _notify_receiver(follow_up: ReintegrationFollowUp, *, overdue: bool) -> None:
    """The receiving organization does the follow-ups too: tell its return workers, naming the
    sending organization and the milestone, not the sender's case."""
    record = follow_up.return_record
    receiver = record.receiving_organization
    if receiver is None or receiver.pk == record.organization_id:
        return
    if overdue:
        message = gettext_noop(
            "The %(months)d-month reintegration follow-up of a return from %(organization)s is "
            "overdue since %(date)s."
        )
    else:
        message = gettext_noop(
            "The %(months)d-month reintegration follow-up of a return from %(organization)s is "
            "due on %(date)s."
        )
    notification_send(
        organization=receiver,
        kind=Kind.FOLLOWUP_DUE,
        message=message,
        params={
            "months": follow_up.months,
            "organization": follow_up.organization.name,
            "date": follow_up.due_on.isoformat(),
        },
        url=f"/returns/{record.uuid}/",
        permission=perms.RETURNS_MANAGE,
    )
