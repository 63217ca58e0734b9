"""HTCDS imports from the page, in the background (django-tasks; the worker runs them).

A member uploads a file: it is sealed in the file storage and read by ``import_preview_job``,
which stores what the import would do and every problem. The member then confirms (all rows, or
the valid rows only when some are refused) and ``import_run_job`` imports it in one transaction.
Both report their progress in the ``jobs`` cache (the import's transaction is not visible to the
page until it ends, so the count of rows read cannot live in the database). A job's arguments are
its id only; it acts as the membership that uploaded the file, checked again when it runs.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from opennrm.accounts import permissions as perms
from opennrm.accounts.permissions import Actor
from opennrm.audit.services import audit_record
from opennrm.crypto.keyring import keyring
from opennrm.errors import Conflict, NotFound, ValidationFailed
from opennrm.validation import Checker

from . import services
from .audit import InteropAction
from .models import ImportJob, ImportStatus
from .readers import FileRefused
from .rejected import rejected_file

MAX_UPLOAD = 200 * 1024 * 1024  # the readers check the archive inside; this bounds the upload
PROGRESS_SECONDS = 6 * 3600
KEEP_REJECTED = timedelta(hours=72)
JOBS_CACHE = "jobs"


def _cache() -> Any:
    from django.conf import settings

    return caches[JOBS_CACHE] if JOBS_CACHE in settings.CACHES else caches["default"]


def _progress_key(job: ImportJob) -> str:
    return f"opennrm:interop:import:{job.uuid}"


def import_progress(job: ImportJob) -> tuple[int, int | None]:
    """(rows done, rows expected or None) of a job being read or imported."""
    found = _cache().get(_progress_key(job))
    return (found[0], found[1]) if found else (0, None)


def _require(actor: Actor) -> None:
    actor.require(perms.HTCDS_IMPORT)
    actor.require(perms.CASES_CREATE)
    actor.require(perms.CASES_UPDATE)


def _context(job: ImportJob) -> str:
    return f"htcds-import:{job.uuid}"


# --- Selectors


def import_job_list(*, actor: Actor) -> QuerySet[ImportJob]:
    """The imports of the organization the actor started; all of them for a supervisor."""
    _require(actor)
    jobs = ImportJob.objects.filter(organization=actor.organization)
    if not actor.can(perms.CASES_VIEW_ALL):
        jobs = jobs.filter(created_by=actor.user)
    return jobs.select_related("created_by")


def import_job_get(*, actor: Actor, job_id: UUID | str) -> ImportJob:
    try:
        return import_job_list(actor=actor).get(uuid=job_id)
    except (ImportJob.DoesNotExist, ValueError, ValidationFailed):
        raise NotFound(_("No such import.")) from None


# --- Services


@transaction.atomic
def import_upload(*, actor: Actor, file: Any, valid_rows_only: bool = False) -> ImportJob:
    """Keep the uploaded ``file`` sealed and queue its reading; nothing is imported yet."""
    _require(actor)
    check = Checker()
    name = check.text("file", getattr(file, "name", "") or "upload", max_length=255)
    size = getattr(file, "size", None) or 0
    if size == 0:
        check.add("file", _("The file is empty."))
    elif size > MAX_UPLOAD:
        check.add(
            "file",
            _("The file is larger than %(limit)d MB; split it.") % {"limit": MAX_UPLOAD >> 20},
        )
    check.raise_if_errors()
    job = ImportJob(
        organization=actor.active_organization,
        membership=actor.membership,
        created_by=actor.user,
        file_name=name,
        size=size,
        valid_rows_only=valid_rows_only,
        status=ImportStatus.READING,
    )
    content = file.read(MAX_UPLOAD + 1)
    default_storage.save(
        job.storage_name, ContentFile(keyring().encrypt_bytes(content, context=_context(job)))
    )
    job.save()
    audit_record(actor=actor, action=InteropAction.HTCDS_UPLOAD, obj=job, fields=["file_name"])
    # Queued in the transaction: the worker sees the task when the job's row is committed.
    import_preview_job.enqueue(job_id=str(job.uuid))
    return job


@transaction.atomic
def import_confirm(*, actor: Actor, job_id: UUID | str, valid_rows_only: bool = False) -> ImportJob:
    """Import a previewed file (all rows, or the valid rows only), in the background."""
    job = import_job_get(actor=actor, job_id=job_id)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.PREVIEWED or not job.has_file:
        raise Conflict(_("This file was already imported or refused; upload it again."))
    if job.created_by_id != actor.user.pk:
        raise Conflict(_("Only the member who uploaded the file imports it."))
    job.status = ImportStatus.IMPORTING
    job.valid_rows_only = valid_rows_only
    job.save(update_fields=["status", "valid_rows_only"])
    import_run_job.enqueue(job_id=str(job.uuid))
    return job


def _forget_file(job: ImportJob) -> None:
    if default_storage.exists(job.storage_name):
        default_storage.delete(job.storage_name)
    job.has_file = False


def _as_dict(result: services.ImportResult) -> dict[str, Any]:
    data = asdict(result)
    data["problem_lines"] = [p.line() for p in result.problems]
    return data


def _refused(exc: FileRefused) -> dict[str, Any]:
    return {
        "problems": [asdict(p) for p in exc.problems],
        "problem_lines": [p.line() for p in exc.problems],
        "problem_count": len(exc.problems),
        "refused": True,
    }


def _keep_rejected(job: ImportJob, content: bytes, result: services.ImportResult) -> dict[str, str]:
    """Seal the rows the import left out as a file to correct; its name and type for the page."""
    name, content_type, data = rejected_file(
        content, job.file_name, result.sheet, result.refused_rows, result.problems
    )
    sealed = keyring().encrypt_bytes(data, context=_rejected_context(job))
    default_storage.save(job.rejected_name, ContentFile(sealed))
    job.has_rejected = True
    return {"rejected_name": name, "rejected_type": content_type}


def _rejected_context(job: ImportJob) -> str:
    return f"htcds-import-rejected:{job.uuid}"


def _run(job_id: str, *, commit: bool) -> str:
    job = ImportJob.objects.select_related("membership", "organization").get(uuid=job_id)
    actor = Actor.of(job.created_by, job.membership)
    key = _progress_key(job)

    def progress(done: int, total: int | None) -> None:
        _cache().set(key, (done, total), PROGRESS_SECONDS)

    progress(0, None)
    with default_storage.open(job.storage_name, "rb") as handle:
        content = keyring().decrypt_bytes(handle.read(), context=_context(job))
    field = "result" if commit else "preview"
    try:
        if commit:
            result = services.import_run(
                actor=actor,
                organization=job.organization,
                file=io.BytesIO(content),
                name=job.file_name,
                valid_rows_only=job.valid_rows_only,
                progress=progress,
            )
        else:
            result = services.import_preview(
                actor=actor,
                organization=job.organization,
                file=io.BytesIO(content),
                name=job.file_name,
                progress=progress,
            )
    except FileRefused as exc:
        setattr(job, field, _refused(exc))
        job.status = ImportStatus.REFUSED
    except Exception:
        job.status = ImportStatus.FAILED
        setattr(job, field, {"problem_lines": [_("The file could not be read.")]})
        raise
    else:
        data = _as_dict(result)
        if commit and result.saved and result.refused_rows:
            data.update(_keep_rejected(job, content, result))
        setattr(job, field, data)
        if commit:
            job.status = ImportStatus.IMPORTED if result.saved else ImportStatus.REFUSED
        else:
            job.status = ImportStatus.PREVIEWED
    finally:
        if job.status != ImportStatus.PREVIEWED:
            _forget_file(job)
            job.finished_at = timezone.now()
        job.save()
    return str(job.status)


@transaction.atomic
def import_rejected_download(*, actor: Actor, job_id: UUID | str) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of the rows a "valid rows only" import left out: for the
    member who imported, audited."""
    job = import_job_get(actor=actor, job_id=job_id)
    if job.created_by_id != actor.user.pk or not job.has_rejected:
        raise NotFound(_("No rows were left out of this import."))
    with default_storage.open(job.rejected_name, "rb") as handle:
        data = keyring().decrypt_bytes(handle.read(), context=_rejected_context(job))
    audit_record(actor=actor, action=InteropAction.HTCDS_REJECTED_DOWNLOAD, obj=job)
    return job.result["rejected_name"], job.result["rejected_type"], data


@transaction.atomic
def imports_forget_rejected(*, now: Any = None) -> int:
    """Delete the rows left out of imports finished more than ``KEEP_REJECTED`` ago (run daily
    with ``manage.py expire_exports``); one audit event each."""
    now = now or timezone.now()
    due = list(
        ImportJob.objects.select_for_update()
        .filter(has_rejected=True, finished_at__lte=now - KEEP_REJECTED)
        .select_related("organization")
    )
    for job in due:
        if default_storage.exists(job.rejected_name):
            default_storage.delete(job.rejected_name)
        job.has_rejected = False
        job.save(update_fields=["has_rejected"])
        audit_record(
            actor=None,
            action=InteropAction.HTCDS_REJECTED_FORGET,
            obj=job,
            organization=job.organization,
        )
    return len(due)


@task()
def import_preview_job(job_id: str) -> str:
    """Read an uploaded file and store what importing it would do."""
    return _run(job_id, commit=False)


@task()
def import_run_job(job_id: str) -> str:
    """Import a previewed file."""
    return _run(job_id, commit=True)
