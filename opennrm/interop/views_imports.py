"""The pages of HTCDS imports: upload, the preview with every problem, confirm, progress, done."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from opennrm.accounts import permissions as perms
from opennrm.web import ActorRequest, actor_required, page_number, page_of, perform, submit

from . import jobs
from .models import ImportJob, ImportStatus

RUNNING = (ImportStatus.READING, ImportStatus.IMPORTING)
SHOWN_PROBLEMS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("HTCDS file"),
        allow_empty_file=True,  # the service says why an empty file is refused
        help_text=gettext_lazy(
            "IOM's HTCDS 2.0 Excel template (plain or with validation) as you filled it in, a "
            "CSV file (UTF-8 or Windows-1251, commas or semicolons) or JSON keyed by HTCDS field "
            "names. Nothing is saved until you have seen what the file would do."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.json"}),
    )


def _view(job: ImportJob) -> dict[str, Any]:
    done, total = jobs.import_progress(job)
    data = job.result or job.preview or {}
    return {
        "job": job,
        "running": job.status in RUNNING,
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else None,
        "data": data,
        "problems": (data.get("problem_lines") or [])[:SHOWN_PROBLEMS],
        "more_problems": max((data.get("problem_count") or 0) - SHOWN_PROBLEMS, 0),
        "warnings": [w for w in data.get("warnings") or []][:SHOWN_PROBLEMS],
    }


@never_cache
@actor_required(perms.HTCDS_IMPORT)
def import_list(request: ActorRequest) -> HttpResponse:
    """The upload form and the imports made before."""
    form = UploadForm(request.POST or None, request.FILES or None)
    done = submit(
        request,
        form,
        lambda: jobs.import_upload(actor=request.actor, file=form.cleaned_data["file"]),
        redirect_to=lambda job: reverse("interop:import_detail", args=[job.uuid]),
    )
    if done:
        return done
    page = page_of(jobs.import_job_list(actor=request.actor), page_number(request.GET.get("page")))
    return render(request, "interop/import_list.html", {"form": form, "page": page})


@never_cache
@actor_required(perms.HTCDS_IMPORT)
def import_detail(request: ActorRequest, job_id: UUID) -> HttpResponse:
    job = jobs.import_job_get(actor=request.actor, job_id=job_id)
    return render(request, "interop/import_detail.html", _view(job))


@never_cache
@actor_required(perms.HTCDS_IMPORT)
def import_progress(request: ActorRequest, job_id: UUID) -> HttpResponse:
    """The progress part of the page, polled by htmx while the job runs; the whole page once it
    is done (htmx follows ``HX-Refresh``)."""
    job = jobs.import_job_get(actor=request.actor, job_id=job_id)
    if job.status not in RUNNING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "interop/_import_progress.html", _view(job))


@require_POST
@actor_required(perms.HTCDS_IMPORT)
def import_confirm(request: ActorRequest, job_id: UUID) -> HttpResponse:
    valid_rows_only = request.POST.get("valid_rows_only") == "1"
    return perform(
        request,
        lambda: jobs.import_confirm(
            actor=request.actor, job_id=job_id, valid_rows_only=valid_rows_only
        ),
        success=_("The import has started."),
        redirect_to=reverse("interop:import_detail", args=[job_id]),
    )


@require_POST
@actor_required(perms.HTCDS_IMPORT)
def import_rejected(request: ActorRequest, job_id: UUID) -> HttpResponse:
    """The rows the import left out, as a file to correct and upload again."""
    name, content_type, data = jobs.import_rejected_download(actor=request.actor, job_id=job_id)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
