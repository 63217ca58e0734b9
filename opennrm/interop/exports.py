"""HTCDS exports (decision 0029): asked by one person, approved by a supervisor, downloaded once
or more by the requester as an AES-256 zip until the request expires; every step audited.

The selection is the requester's visible cases, by case number or by the period they were opened
in. Identifying fields are exported only when the request asks for them and the requester may
see them; at download, the cases are read again through the requester's visibility (a case they
lost since is left out) and the file is built then: nothing of it is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.accounts.timezones import local_date, local_today
from opennrm.audit.services import audit_record
from opennrm.cases.selectors import case_visible
from opennrm.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opennrm.validation import EARLIEST_RECORD, MAX_LINE, Checker

from .audit_exports import ExportAction
from .export_files import WRITERS, new_password, sealed_zip
from .htcds_export import case_rows
from .models import ExportFormat, ExportRequest, ExportStatus

VALID_FOR = timedelta(hours=72)  # from approval to the last possible download
MAX_CASES = 20_000
MAX_NUMBERS_TEXT = 200_000
_NUMBER_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class ExportFile:
    name: str
    content: bytes


def _selection(check: Checker, actor: Actor, data: dict[str, Any]) -> list[int]:
    """The ids of the visible cases named by number, or opened in the period (both may be given:
    then a case must satisfy both)."""
    text = check.text("numbers", data.get("numbers"), max_length=MAX_NUMBERS_TEXT)
    today = local_today(actor.organization)
    opened_from = check.date("opened_from", data.get("opened_from"), earliest=EARLIEST_RECORD)
    opened_to = check.date(
        "opened_to", data.get("opened_to"), earliest=EARLIEST_RECORD, latest=today
    )
    if opened_from and opened_to and opened_to < opened_from:
        check.add("opened_to", _("The period ends before it starts."))
    numbers = [n for n in _NUMBER_SEPARATORS.split(text) if n]
    if not numbers and not (opened_from or opened_to) and not check.errors:
        check.add("numbers", _("Give case numbers, or the period the cases were opened in."))
    if check.errors:
        return []
    cases = case_visible(actor=actor)
    if numbers:
        found = dict(cases.filter(number__in=numbers).values_list("number", "pk"))
        missing = [n for n in numbers if n not in found]
        if missing:
            check.add(
                "numbers",
                _("No case you can see has the number %(numbers)s.")
                % {"numbers": ", ".join(n[:40] for n in missing[:10])},
            )
            return []
        cases = cases.filter(pk__in=found.values())
    if opened_from:
        cases = cases.filter(opened_on__gte=opened_from)
    if opened_to:
        cases = cases.filter(opened_on__lte=opened_to)
    ids = list(cases.order_by("opened_on", "pk").values_list("pk", flat=True)[: MAX_CASES + 1])
    if not ids:
        check.add("opened_from", _("No case you can see was opened in this period."))
    elif len(ids) > MAX_CASES:
        check.add(
            "opened_from",
            _("At most %(limit)d cases in one export; choose a shorter period.")
            % {"limit": MAX_CASES},
        )
    return ids


@transaction.atomic
def export_request_create(*, actor: Actor, data: dict[str, Any]) -> ExportRequest:
    """Ask for an export of cases; a supervisor (someone else) must approve it."""
    actor.require(perms.HTCDS_EXPORT_REQUEST)
    check = Checker()
    purpose = check.text("purpose", data.get("purpose"), max_length=MAX_LINE, required=True)
    file_format = check.choice(
        "file_format", data.get("file_format") or ExportFormat.XLSX, ExportFormat.values
    )
    identifying = bool(data.get("identifying"))
    if identifying and not actor.can(perms.IDENTIFYING_DATA_VIEW):
        check.add("identifying", _("Your role does not see identifying data."))
    ids = _selection(check, actor, data)
    check.raise_if_errors()
    request = ExportRequest.objects.create(
        organization=actor.active_organization,
        requested_by=actor.user,
        case_ids=ids,
        file_format=file_format,
        identifying=identifying,
        purpose=purpose,
    )
    audit_record(
        actor=actor,
        action=ExportAction.REQUEST,
        obj=request,
        fields=["case_ids", "file_format", "identifying", "purpose"],
    )
    return request


def export_list(*, actor: Actor) -> QuerySet[ExportRequest]:
    """The requests the actor sees: their own, and, for an approver, the organization's."""
    actor.require(perms.HTCDS_EXPORT_REQUEST)
    found = ExportRequest.objects.filter(organization=actor.organization)
    if not actor.can(perms.HTCDS_EXPORT_APPROVE):
        found = found.filter(requested_by=actor.user)
    return found.select_related("requested_by", "decided_by")


def export_get(*, actor: Actor, export_id: UUID | str) -> ExportRequest:
    try:
        return export_list(actor=actor).get(uuid=export_id)
    except (ExportRequest.DoesNotExist, ValueError, ValidationFailed):
        raise NotFound(_("No such export request.")) from None


def is_expired(request: ExportRequest) -> bool:
    return request.status == ExportStatus.EXPIRED or (
        request.expires_at is not None and request.expires_at <= timezone.now()
    )


def shown_status(request: ExportRequest) -> str:
    """The status as the pages show it: an approved request past its time is expired."""
    if request.status == ExportStatus.APPROVED and is_expired(request):
        return ExportStatus.EXPIRED
    return request.status


def _pending(actor: Actor, export_id: UUID | str) -> ExportRequest:
    actor.require(perms.HTCDS_EXPORT_APPROVE)
    request = export_get(actor=actor, export_id=export_id)
    request = ExportRequest.objects.select_for_update().get(pk=request.pk)
    if request.requested_by_id == actor.user.pk:
        raise PermissionDenied(
            _("Someone other than the requester must approve or refuse an export."),
            rule=perms.HTCDS_EXPORT_APPROVE,
        )
    if request.status != ExportStatus.PENDING:
        raise Conflict(_("This export request was already decided."))
    return request


@transaction.atomic
def export_approve(*, actor: Actor, export_id: UUID | str) -> ExportRequest:
    """Approve another's request: a password is made, and the file may be downloaded until
    ``VALID_FOR`` has passed."""
    request = _pending(actor, export_id)
    now = timezone.now()
    request.status = ExportStatus.APPROVED
    request.decided_by = actor.user
    request.decided_at = now
    request.password = new_password()
    request.expires_at = now + VALID_FOR
    request.save()
    audit_record(actor=actor, action=ExportAction.APPROVE, obj=request, fields=["status"])
    return request


@transaction.atomic
def export_refuse(*, actor: Actor, export_id: UUID | str, reason: Any) -> ExportRequest:
    request = _pending(actor, export_id)
    check = Checker()
    reason = check.text("reason", reason, max_length=MAX_LINE, required=True)
    check.raise_if_errors()
    request.status = ExportStatus.REFUSED
    request.decided_by = actor.user
    request.decided_at = timezone.now()
    request.refusal_reason = reason
    request.save()
    audit_record(
        actor=actor, action=ExportAction.REFUSE, obj=request, fields=["status", "refusal_reason"]
    )
    return request


def export_password(*, actor: Actor, request: ExportRequest) -> str:
    """The zip's password, for the requester only, while the file can be downloaded."""
    if request.requested_by_id != actor.user.pk or request.status != ExportStatus.APPROVED:
        return ""
    return "" if is_expired(request) else request.password


def _file_name(request: ExportRequest, on: date) -> str:
    return f"htcds-{on.isoformat()}-{str(request.uuid)[:8]}.{request.file_format}"


@transaction.atomic
def export_download(*, actor: Actor, export_id: UUID | str) -> ExportFile:
    """The approved export as an AES-256 zip, built now from the cases the requester still sees."""
    actor.require(perms.HTCDS_EXPORT_REQUEST)
    request = export_get(actor=actor, export_id=export_id)
    if request.requested_by_id != actor.user.pk:
        raise PermissionDenied(
            _("Only the person who asked for an export downloads it."),
            rule=perms.HTCDS_EXPORT_REQUEST,
        )
    if request.status != ExportStatus.APPROVED:
        raise Conflict(_("This export has not been approved."))
    if is_expired(request):
        raise Conflict(_("This export has expired; ask for a new one."))
    identifying = request.identifying and actor.can(perms.IDENTIFYING_DATA_VIEW)
    cases = (
        case_visible(actor=actor)
        .filter(pk__in=request.case_ids)
        .select_related("person", "owner", "organization")
        .prefetch_related("consents", "recorded_referrals")
        .order_by("opened_on", "pk")
    )
    rows = case_rows(cases, identifying=identifying)
    content = WRITERS[request.file_format](rows)
    name = _file_name(request, local_date(timezone.now(), actor.organization))
    ExportRequest.objects.filter(pk=request.pk).update(downloads=F("downloads") + 1)
    audit_record(
        actor=actor,
        action=ExportAction.DOWNLOAD,
        obj=request,
        fields=["identifying"] if identifying else [],
    )
    return ExportFile(
        name=name.replace(f".{request.file_format}", ".zip"),
        content=sealed_zip(name, content, request.password),
    )


@transaction.atomic
def exports_expire(*, now: Any = None) -> int:
    """Mark approved requests past their time expired and forget their passwords (the job the
    worker runs daily, or ``manage.py expire_exports``); one audit event each."""
    now = now or timezone.now()
    due = list(
        ExportRequest.objects.select_for_update()
        .filter(status=ExportStatus.APPROVED, expires_at__lte=now)
        .select_related("organization")
    )
    for request in due:
        request.status = ExportStatus.EXPIRED
        request.password = ""
        request.save(update_fields=["status", "password"])
        audit_record(
            actor=None,
            action=ExportAction.EXPIRE,
            obj=request,
            fields=["status", "password"],
            organization=request.organization,
        )
    return len(due)


def pending_count(*, actor: Actor) -> int:
    """Requests of others waiting for the approver."""
    if not actor.can(perms.HTCDS_EXPORT_APPROVE):
        return 0
    return (
        ExportRequest.objects.filter(organization=actor.organization, status=ExportStatus.PENDING)
        .filter(~Q(requested_by=actor.user))
        .count()
    )
